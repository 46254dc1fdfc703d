// The embedded store: one SQLite file in WAL mode with synchronous=FULL, written by one process.
// Each commit is one fsync'd transaction; the server groups many requests into it (group commit).

import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { decodeBlock, encodeBlock } from './event-block.js';
import { EVENTS_PER_BLOCK, SCHEMA_SQL, SCHEMA_VERSION } from './sqlite-schema.js';
import type {
  ChunkRow,
  CommitReceipt,
  DataRow,
  EventRecord,
  LeaseRefRow,
  LeaseRow,
  MetaRow,
  SetRow,
  Store,
  StoreBatch,
  StoreSnapshot,
} from './store.js';

/** Name of the database file inside the data directory. */
export const SQLITE_FILE = 'ioasid.sqlite';

/** Options of `SqliteStore.open`. */
export interface SqliteStoreOptions {
  /** Directory of the database file (created if missing). */
  readonly dataDir: string;
}

type Row = unknown[];

/**
 * The SQLite implementation of `Store`. The file is opened with an exclusive lock, so a second server
 * pointed at the same data directory fails at start instead of corrupting the first one's state.
 */
export class SqliteStore implements Store {
  readonly #db: Database.Database;
  readonly #path: string;
  #oldestSeq = 1;
  /** The stored next sequence number: a batch's first event must have it. */
  #nextSeq = 1;
  readonly #stmt: ReturnType<typeof prepare>;
  readonly #commitTx: (batch: StoreBatch) => boolean;

  private constructor(db: Database.Database, path: string) {
    this.#db = db;
    this.#path = path;
    this.#stmt = prepare(db);
    this.#commitTx = db.transaction((batch: StoreBatch) => this.#write(batch));
  }

  /**
   * Opens (creating if needed) the database in `dataDir` and takes its lock.
   * @throws Error if another process holds the database, or its schema version is unknown
   */
  static open(options: SqliteStoreOptions): SqliteStore {
    mkdirSync(options.dataDir, { recursive: true });
    const path = join(options.dataDir, SQLITE_FILE);
    const db = new Database(path, { timeout: 0 });
    try {
      db.pragma('locking_mode = EXCLUSIVE');
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = FULL');
      const version = db.pragma('user_version', { simple: true }) as number;
      if (version !== 0 && version !== SCHEMA_VERSION) {
        throw new Error(
          `${path} has schema version ${version}, this server reads version ${SCHEMA_VERSION}; use a matching server or another data directory`,
        );
      }
      // Taking a write lock now makes a second server on the same file fail here, with a clear message.
      db.exec('BEGIN IMMEDIATE');
      db.exec(SCHEMA_SQL);
      db.pragma(`user_version = ${SCHEMA_VERSION}`);
      db.exec('COMMIT');
    } catch (error) {
      db.close();
      if ((error as { code?: string }).code === 'SQLITE_BUSY') {
        throw new Error(
          `${path} is locked by another process (is another ioasid server using ${options.dataDir}?); stop it or choose another --data-dir`,
        );
      }
      throw error;
    }
    return new SqliteStore(db, path);
  }

  /** Path of the database file. */
  get path(): string {
    return this.#path;
  }

  /** Reads the whole state. Rows are read raw (arrays), and IDs come packed, to keep restarts fast. */
  async load(): Promise<StoreSnapshot> {
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
    const chunks: ChunkRow[] = (s.loadChunks.all() as Row[]).map((r) => ({
      chunk: r[0] as number,
      records: r[1] as Uint8Array,
    }));
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
    return { meta, sets, chunks, data, leases, leaseRefs, oldestSeq: this.#oldestSeq };
  }

  /** Writes the batch in one transaction; better-sqlite3 is synchronous, so it is on disk on return. */
  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    const trimmed = this.#commitTx(batch);
    this.#nextSeq = batch.meta.nextSeq;
    if (trimmed) this.#oldestSeq = this.#readOldest(batch.meta.nextSeq);
    else if (batch.events.length > 0 && this.#oldestSeq >= batch.events[0].seq) {
      this.#oldestSeq = this.#readOldest(batch.meta.nextSeq);
    }
    return { oldestSeq: this.#oldestSeq };
  }

  /** Reads retained events after `after`, whole blocks at a time (a block holds at least one event). */
  async readEvents(after: number, limit: number): Promise<EventRecord[]> {
    const out: EventRecord[] = [];
    for (const row of this.#stmt.readBlocks.iterate(after, Math.max(1, limit)) as Iterable<Row>) {
      decodeBlock(row[0] as number, row[1] as string, after, out);
      if (out.length >= limit) break;
    }
    return out;
  }

  /** Closes the database (checkpointing the WAL into the main file). */
  async close(): Promise<void> {
    if (this.#db.open) this.#db.close();
  }

  /** Applies a batch inside the transaction; returns true when retention deleted event blocks. */
  #write(batch: StoreBatch): boolean {
    const s = this.#stmt;
    const m = batch.meta;
    s.putMeta.run(m.capacity, m.nextSeq, m.systemSid);
    for (const sid of batch.sets.remove) s.delSet.run(sid);
    for (const r of batch.sets.upsert) s.putSet.run(r.sid, r.owner, r.quota, r.dying ? 1 : 0, r.secretHash);
    for (const chunk of batch.chunks.remove) s.delChunk.run(chunk);
    for (const r of batch.chunks.upsert) s.putChunk.run(r.chunk, r.records);
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
    for (let start = 0; start < events.length; start += EVENTS_PER_BLOCK) {
      const end = Math.min(events.length, start + EVENTS_PER_BLOCK);
      s.putBlock.run(events[end - 1].seq, events[start].seq, encodeBlock(events, start, end));
    }
    return events.length > 0 && s.trimBlocks.run(batch.retainFrom).changes > 0;
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
