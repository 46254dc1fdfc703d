// The embedded database: one SQLite file in WAL mode with synchronous=FULL (each commit fsyncs the WAL),
// written by one process. A background connection does the bulk of the checkpointing; the writer finishes
// it between commits, so the WAL is rewound and stays small under continuous load.

import { mkdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { ChunkRow } from './sqlite-chunk-codec.js';
import { decodeBlock, encodeBlock } from './sqlite-event-block.js';
import { SqliteIdImage } from './sqlite-id-image.js';
import { type DataDirLock, lockDataDir } from './sqlite-lock.js';
import { EVENTS_PER_BLOCK, SCHEMA_SQL, SCHEMA_VERSION } from './sqlite-schema.js';
import type {
  Changes,
  CommitReceipt,
  DataRow,
  EventRecord,
  LeaseRefRow,
  LeaseRow,
  MetaRow,
  SetRow,
  StoreBatch,
  StoreHealth,
  StoreSnapshot,
} from './store.js';
import { CHECKPOINT_INTERVAL_MS, startCheckpointer, type WalCheckpointer } from './wal-checkpointer.js';

const require = createRequire(import.meta.url);

/** Name of the database file inside the data directory. */
export const SQLITE_FILE = 'ioasid.sqlite';

/** Size the WAL file is truncated to when it is rewound after growing past it (a burst), in bytes. */
export const WAL_SIZE_LIMIT = 64 * 1024 * 1024;

/** Options of opening the SQLite store. */
export interface SqliteStoreOptions {
  /** Directory of the database file (created if missing). */
  readonly dataDir: string;
  /**
   * Told about failed checkpoints (nothing is lost; each is retried), e.g. to log a warning: at once for
   * the first, then at most once per `checkpointReportMs`, with the number of failures since the last call.
   */
  readonly onCheckpointError?: (message: string, failures: number) => void;
  /** Least milliseconds between two `onCheckpointError` calls (default 60,000). */
  readonly checkpointReportMs?: number;
}

/** Default least milliseconds between two reports of failed checkpoints. */
export const CHECKPOINT_REPORT_MS = 60_000;

type Row = unknown[];

/**
 * The SQLite database behind SqliteStore, with synchronous methods mirroring `Store`. `synchronous = FULL`
 * in WAL mode: a commit returns once its WAL frames are fsync'd. Automatic checkpoints are off, because a
 * whole checkpoint inside a commit stalled it for several milliseconds every few hundred commits: a worker
 * thread copies frames in the background (wal-checkpointer.ts). That alone never rewinds the WAL under
 * continuous load (SQLite rewinds it only when a checkpoint has copied every frame, and commits keep
 * adding frames while the worker copies: it grew by ~18 MB/s), so after a commit, at most every
 * CHECKPOINT_INTERVAL_MS, the writer itself copies the frames the worker has not reached yet, on the next
 * turn of the event loop (the commit's answers go out first). Commits are synchronous, so none runs
 * meanwhile: that checkpoint completes and the next commit rewinds the WAL. A lock file
 * (sqlite-lock.ts) keeps a second server off the same data directory.
 */
export class SqliteDatabase {
  readonly #db: Database.Database;
  readonly #path: string;
  #oldestSeq = 1;
  /** The stored next sequence number: a batch's first event must have it. */
  #nextSeq = 1;
  readonly #stmt: ReturnType<typeof prepare>;
  readonly #commitTx: (batch: StoreBatch, chunks: Changes<ChunkRow, number>) => boolean;
  /** The stored ID chunks, to re-encode the chunks a batch changes (filled by `load`). */
  readonly #image = new SqliteIdImage();
  #loaded = false;
  readonly #lock: DataDirLock;
  readonly #checkpointer: WalCheckpointer;
  /** When the writer last finished a checkpoint (performance.now()). */
  #lastCatchUp = 0;
  #catchUpPending = false;
  #checkpointFailures = 0;
  /** Failed checkpoints not reported yet, and when the last report was made (performance.now()). */
  #unreported = 0;
  #lastReport = Number.NEGATIVE_INFINITY;
  readonly #reportMs: number;
  readonly #onCheckpointError: (message: string, failures: number) => void;

  private constructor(db: Database.Database, path: string, lock: DataDirLock, options: SqliteStoreOptions) {
    this.#onCheckpointError = options.onCheckpointError ?? (() => {});
    this.#reportMs = options.checkpointReportMs ?? CHECKPOINT_REPORT_MS;
    this.#db = db;
    this.#path = path;
    this.#lock = lock;
    this.#stmt = prepare(db);
    this.#commitTx = db.transaction((batch: StoreBatch, chunks: Changes<ChunkRow, number>) =>
      this.#write(batch, chunks),
    );
    this.#checkpointer = startCheckpointer(path, require.resolve('better-sqlite3'), (message) => {
      // A failed checkpoint loses nothing (the WAL keeps the frames); it is retried at the next interval.
      this.#checkpointFailed(message);
    });
  }

  /**
   * Opens (creating if needed) the database in `dataDir` and takes the directory's lock.
   * @throws Error if another process holds the directory, or the schema version is unknown
   */
  static open(options: SqliteStoreOptions): SqliteDatabase {
    mkdirSync(options.dataDir, { recursive: true });
    const lock = lockDataDir(options.dataDir);
    const path = join(options.dataDir, SQLITE_FILE);
    let db: Database.Database | null = null;
    try {
      db = new Database(path, { timeout: 1000 });
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      // No checkpoint inside a commit: the worker and #catchUp do them (see the class comment).
      db.pragma('wal_autocheckpoint = 0');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT}`);
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== 0 && version !== SCHEMA_VERSION) {
        throw new Error(
          `${path} has schema version ${version}, this server reads version ${SCHEMA_VERSION}; use a matching server or another data directory`,
        );
      }
      db.exec('BEGIN IMMEDIATE');
      db.exec(SCHEMA_SQL);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.exec('COMMIT');
    } catch (error) {
      db?.close();
      lock.release();
      throw error;
    }
    return new SqliteDatabase(db, path, lock, options);
  }

  /** Path of the database file. */
  get path(): string {
    return this.#path;
  }

  /** The WAL file's size and the checkpoints that failed so far. */
  health(): StoreHealth {
    let logBytes = 0;
    try {
      logBytes = statSync(`${this.#path}-wal`).size;
    } catch {
      // No WAL file (closed, or not created yet): nothing to fold in.
    }
    return { logBytes, upkeepFailures: this.#checkpointFailures };
  }

  /**
   * Reads the whole state. Rows are read raw (arrays), and IDs come packed 128 to a row and are decoded
   * into columns, to keep restarts fast. May be called again after a failed commit: the chunk image and
   * the event sequence are reset to what is stored.
   * @throws Error when a stored ID chunk is damaged
   */
  load(): StoreSnapshot {
    const s = this.#stmt;
    const metaRow = s.loadMeta.get() as Row | undefined;
    const meta: MetaRow | null =
      metaRow === undefined
        ? null
        : { capacity: metaRow[0] as number, nextSeq: metaRow[1] as number, systemSid: metaRow[2] as number };
    const sets: SetRow[] = (s.loadSets.all() as Row[]).map((r) => ({
      sid: r[0] as number,
      owner: r[1] as string | null,
      quota: r[2] as number,
      dying: r[3] === 1,
      secretHash: r[4] as Uint8Array,
    }));
    const ids = this.#image.load(
      (s.loadChunks.all() as Row[]).map((r) => ({ chunk: r[0] as number, records: r[1] as Uint8Array })),
    );
    const data: DataRow[] = (s.loadData.all() as Row[]).map((r) => ({
      id: r[0] as number,
      json: r[1] as string,
    }));
    const leases: LeaseRow[] = (s.loadLeases.all() as Row[]).map((r) => ({
      lease: r[0] as string,
      sid: r[1] as number | null,
      ttlMs: r[2] as number,
    }));
    const leaseRefs: LeaseRefRow[] = (s.loadLeaseRefs.all() as Row[]).map((r) => ({
      lease: r[0] as string,
      id: r[1] as number,
      count: r[2] as number,
    }));
    this.#nextSeq = meta === null ? 1 : meta.nextSeq;
    this.#oldestSeq = this.#readOldest(this.#nextSeq);
    this.#loaded = true;
    return { meta, sets, ids, data, leases, leaseRefs, oldestSeq: this.#oldestSeq };
  }

  /**
   * Writes the batch in one transaction; it is on disk (the WAL fsync'd) when this returns. Its IDs go
   * into the in-memory chunk image first, and the chunks they changed are written whole.
   * @throws Error when the transaction fails (nothing of it was written, and the image is ahead of the
   * file until `load` is called again), or when `load` was not called first
   */
  commit(batch: StoreBatch): CommitReceipt {
    if (!this.#loaded) {
      throw new Error('the SQLite store was committed to before load(); nothing was written');
    }
    this.#image.apply(batch.ids);
    const trimmed = this.#commitTx(batch, this.#image.takeDirty());
    this.#nextSeq = batch.meta.nextSeq;
    if (trimmed) this.#oldestSeq = this.#readOldest(batch.meta.nextSeq);
    else if (batch.events.length > 0 && this.#oldestSeq >= batch.events[0].seq) {
      this.#oldestSeq = this.#readOldest(batch.meta.nextSeq);
    }
    if (!this.#catchUpPending && performance.now() - this.#lastCatchUp >= CHECKPOINT_INTERVAL_MS) {
      this.#catchUpPending = true;
      setImmediate(this.#catchUp);
    }
    return { oldestSeq: this.#oldestSeq };
  }

  /**
   * Finishes the background checkpoint: copies the frames the worker has not reached. Runs between commits;
   * the commits are durable already, so a failure here is only recorded (and retried).
   */
  readonly #catchUp = (): void => {
    this.#catchUpPending = false;
    this.#lastCatchUp = performance.now();
    if (!this.#db.open) return;
    try {
      // Busy (the worker is checkpointing right now) is not an error: the next interval finishes it.
      this.#db.pragma('wal_checkpoint(PASSIVE)');
    } catch (error) {
      this.#checkpointFailed(String(error));
    }
  };

  /** Counts a failed checkpoint; reports it unless a report was made less than `#reportMs` ago. */
  #checkpointFailed(message: string): void {
    this.#checkpointFailures++;
    this.#unreported++;
    const now = performance.now();
    if (now - this.#lastReport < this.#reportMs) return;
    this.#lastReport = now;
    const failures = this.#unreported;
    this.#unreported = 0;
    this.#onCheckpointError(message, failures);
  }

  /** Reads retained events after `after`, whole blocks at a time (a block holds at least one event). */
  readEvents(after: number, limit: number): EventRecord[] {
    const out: EventRecord[] = [];
    for (const row of this.#stmt.readBlocks.iterate(after, Math.max(1, limit)) as Iterable<Row>) {
      decodeBlock(row[0] as number, row[1] as string, after, out);
      if (out.length >= limit) break;
    }
    return out;
  }

  /**
   * Stops the checkpointer, checkpoints the whole WAL into the database file (synced), closes, unlocks.
   * A final checkpoint that fails (a full disk) loses nothing: the WAL keeps the frames and the next
   * open reads them; it is reported like any failed checkpoint and the database is closed anyway.
   */
  async close(): Promise<void> {
    if (!this.#db.open) return;
    await this.#checkpointer.stop();
    try {
      this.#db.pragma('wal_checkpoint(TRUNCATE)');
    } catch (error) {
      this.#lastReport = Number.NEGATIVE_INFINITY;
      this.#checkpointFailed(String(error));
    }
    try {
      this.#db.close();
    } finally {
      this.#lock.release();
    }
  }

  /** Applies a batch inside the transaction; returns true when retention deleted event blocks. */
  #write(batch: StoreBatch, chunks: Changes<ChunkRow, number>): boolean {
    const s = this.#stmt;
    const m = batch.meta;
    s.putMeta.run(m.capacity, m.nextSeq, m.systemSid);
    for (const sid of batch.sets.remove) s.delSet.run(sid);
    for (const r of batch.sets.upsert) s.putSet.run(r.sid, r.owner, r.quota, r.dying ? 1 : 0, r.secretHash);
    for (const chunk of chunks.remove) s.delChunk.run(chunk);
    for (const r of chunks.upsert) s.putChunk.run(r.chunk, r.records);
    for (const id of batch.data.remove) s.delData.run(id);
    for (const r of batch.data.upsert) s.putData.run(r.id, r.json);
    for (const lease of batch.leases.remove) {
      s.delLeaseRefs.run(lease);
      s.delLease.run(lease);
    }
    for (const r of batch.leases.upsert) s.putLease.run(r.lease, r.sid, r.ttlMs);
    for (const r of batch.leaseRefs.remove) s.delLeaseRef.run(r.lease, r.id);
    for (const r of batch.leaseRefs.upsert) s.putLeaseRef.run(r.lease, r.id, r.count);
    const events = batch.events;
    if (
      events.length > 0 &&
      (events[0].seq !== this.#nextSeq || events[events.length - 1].seq !== m.nextSeq - 1)
    ) {
      throw new Error(
        `events ${events[0].seq}..${events[events.length - 1].seq} do not continue the stored sequence at ${this.#nextSeq} (next ${m.nextSeq}); nothing was written`,
      );
    }
    // Events of this batch that are already past the retention (a freeSet of a huge set) are not written.
    const skipped =
      events.length === 0 ? 0 : Math.min(events.length - 1, Math.max(0, batch.retainFrom - events[0].seq));
    for (let start = skipped; start < events.length; start += EVENTS_PER_BLOCK) {
      const end = Math.min(events.length, start + EVENTS_PER_BLOCK);
      s.putBlock.run(events[end - 1].seq, events[start].seq, encodeBlock(events, start, end));
    }
    return events.length > 0 && (s.trimBlocks.run(batch.retainFrom).changes > 0 || skipped > 0);
  }

  #readOldest(nextSeq: number): number {
    const row = this.#stmt.oldest.get() as Row | undefined;
    return row === undefined ? nextSeq : (row[0] as number);
  }
}

function prepare(db: Database.Database) {
  const raw = (sql: string) => db.prepare(sql).raw(true);
  return {
    loadMeta: raw('SELECT capacity, next_seq, system_sid FROM meta WHERE one = 1'),
    loadSets: raw('SELECT sid, owner, quota, dying, secret_hash FROM sets ORDER BY sid'),
    loadChunks: raw('SELECT chunk, records FROM id_chunks ORDER BY chunk'),
    loadData: raw('SELECT id, data FROM id_data ORDER BY id'),
    loadLeases: raw('SELECT lease, sid, ttl_ms FROM leases ORDER BY lease'),
    loadLeaseRefs: raw('SELECT lease, id, count FROM lease_refs ORDER BY lease, id'),
    readBlocks: raw('SELECT first_seq, body FROM event_blocks WHERE last_seq > ? ORDER BY last_seq LIMIT ?'),
    oldest: raw('SELECT first_seq FROM event_blocks ORDER BY last_seq LIMIT 1'),
    putMeta: db.prepare(
      'INSERT OR REPLACE INTO meta (one, capacity, next_seq, system_sid) VALUES (1, ?, ?, ?)',
    ),
    putSet: db.prepare(
      'INSERT OR REPLACE INTO sets (sid, owner, quota, dying, secret_hash) VALUES (?, ?, ?, ?, ?)',
    ),
    delSet: db.prepare('DELETE FROM sets WHERE sid = ?'),
    putChunk: db.prepare('INSERT OR REPLACE INTO id_chunks (chunk, records) VALUES (?, ?)'),
    delChunk: db.prepare('DELETE FROM id_chunks WHERE chunk = ?'),
    putData: db.prepare('INSERT OR REPLACE INTO id_data (id, data) VALUES (?, ?)'),
    delData: db.prepare('DELETE FROM id_data WHERE id = ?'),
    putLease: db.prepare('INSERT OR REPLACE INTO leases (lease, sid, ttl_ms) VALUES (?, ?, ?)'),
    delLease: db.prepare('DELETE FROM leases WHERE lease = ?'),
    putLeaseRef: db.prepare('INSERT OR REPLACE INTO lease_refs (lease, id, count) VALUES (?, ?, ?)'),
    delLeaseRef: db.prepare('DELETE FROM lease_refs WHERE lease = ? AND id = ?'),
    delLeaseRefs: db.prepare('DELETE FROM lease_refs WHERE lease = ?'),
    putBlock: db.prepare('INSERT INTO event_blocks (last_seq, first_seq, body) VALUES (?, ?, ?)'),
    trimBlocks: db.prepare('DELETE FROM event_blocks WHERE last_seq < ?'),
  };
}
