// The PostgreSQL implementation of Store: the whole state in one database, one row per live ID, each
// batch in one transaction (synchronous_commit on) of a handful of array statements, whatever its size.

import type pg from 'pg';
import { writeBatch } from './pg-batch.js';
import { connect, redactDatabaseUrl } from './pg-connect.js';
import { decodeIdRecords, LOAD_IDS_SQL } from './pg-id-codec.js';
import { lockInstance, unlockInstance } from './pg-instance-lock.js';
import { migrate } from './pg-migrate.js';
import { StoredIds } from './pg-stored-ids.js';
import type {
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

/** Options of opening the PostgreSQL store. */
export interface PgStoreOptions {
  /** `postgres://USER:PASSWORD@HOST:PORT/DATABASE`; the database must exist (the tables are created). */
  readonly url: string;
  /**
   * Events to keep. The first server to open the database records it (100,000 when omitted); later
   * ones get the recorded value (see `PgStore.settings`).
   */
  readonly eventRetention?: number;
  /** Told when the connection holding the instance lock is lost (the next commit then fails). */
  readonly onLockLost?: (message: string) => void;
}

/** Retention recorded when the first opener gives none (the engine's default too). */
const DEFAULT_RETENTION = 100_000;

/** The namespace settings kept in the database. */
export interface NamespaceSettings {
  /** Events kept for resuming streams. */
  readonly eventRetention: number;
  /** The value this opener asked for, when it differs from the recorded one (a warning to log). */
  readonly requestedRetention: number | null;
}

/**
 * The PostgreSQL implementation of `Store`. Two connections: the writer (load, commits, event reads) and
 * the lock holder, which keeps the instance lock (pg-instance-lock.ts) for the store's life. Commits are
 * one at a time (the engine's queue guarantees it); each checks the stored `next_seq` is the one it
 * continues, so a write by anything else makes it fail rather than overwrite.
 */
export class PgStore implements Store {
  readonly #writer: pg.Client;
  readonly #lock: pg.Client;
  readonly #where: string;
  readonly #settings: NamespaceSettings;
  #loaded = false;
  #nextSeq = 1;
  #oldestSeq = 1;
  #lockLost: string | null = null;
  /** The IDs with a row, so a batch inserts new ones and updates the others (pg-stored-ids.ts). */
  #storedIds = new StoredIds();
  #closed = false;
  /** Serialises event reads with commits on the writer connection (a read never sees half a batch). */
  #tail: Promise<unknown> = Promise.resolve();

  private constructor(writer: pg.Client, lock: pg.Client, where: string, settings: NamespaceSettings) {
    this.#writer = writer;
    this.#lock = lock;
    this.#where = where;
    this.#settings = settings;
  }

  /**
   * Connects, migrates the schema (once, whatever the number of concurrent openers), takes the instance
   * lock and records (or reads) the namespace settings.
   * @throws StoreUnavailableError when the database cannot be reached (message: what to check);
   * DatabaseInUseError when another instance serves it; Error when its schema is newer than this server's
   */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const where = redactDatabaseUrl(options.url);
    const lock = await connect(options.url, 'ioasid-lock');
    let writer: pg.Client | null = null;
    try {
      await migrate(lock);
      await lockInstance(lock, where);
      writer = await connect(options.url, 'ioasid');
      const settings = await recordSettings(writer, options.eventRetention);
      const store = new PgStore(writer, lock, where, settings);
      const lost = (reason: string) => {
        if (store.#closed || store.#lockLost !== null) return;
        store.#lockLost = reason;
        options.onLockLost?.(reason);
      };
      lock.on('error', (error) => lost(error.message));
      lock.on('end', () => lost('the connection ended'));
      return store;
    } catch (error) {
      await writer?.end().catch(() => {});
      await lock.end().catch(() => {});
      throw error;
    }
  }

  /** The database's event retention, and the requested one when it differed (to warn about). */
  get settings(): NamespaceSettings {
    return this.#settings;
  }

  /** The database URL with its password redacted. */
  get where(): string {
    return this.#where;
  }

  /** Reads the whole state (see Store.load) in one snapshot; IDs come packed (pg-id-codec.ts). */
  async load(): Promise<StoreSnapshot> {
    return this.#serial(async () => {
      const w = this.#writer;
      await w.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      try {
        const metaRows = await w.query<[string, string, string]>({
          text: 'SELECT capacity, next_seq, system_sid FROM meta WHERE one = 1',
          rowMode: 'array',
        });
        const meta: MetaRow | null =
          metaRows.rows.length === 0
            ? null
            : {
                capacity: Number(metaRows.rows[0][0]),
                nextSeq: Number(metaRows.rows[0][1]),
                systemSid: Number(metaRows.rows[0][2]),
              };
        const sets: SetRow[] = (
          await w.query<[string, string | null, string, boolean, Buffer]>({
            text: 'SELECT sid, owner, quota, dying, secret_hash FROM sets ORDER BY sid',
            rowMode: 'array',
          })
        ).rows.map((r) => ({
          sid: Number(r[0]),
          owner: r[1],
          quota: Number(r[2]),
          dying: r[3],
          secretHash: new Uint8Array(r[4]),
        }));
        const packed = await w.query<[number, Buffer]>({ text: LOAD_IDS_SQL, rowMode: 'array' });
        const ids = decodeIdRecords(packed.rows);
        const data: DataRow[] = (
          await w.query<[string, string]>({
            text: 'SELECT id, data FROM id_data ORDER BY id',
            rowMode: 'array',
          })
        ).rows.map((r) => ({ id: Number(r[0]), json: r[1] }));
        const leases: LeaseRow[] = (
          await w.query<[string, string | null, string]>({
            text: 'SELECT lease, sid, ttl_ms FROM leases ORDER BY lease',
            rowMode: 'array',
          })
        ).rows.map((r) => ({ lease: r[0], sid: r[1] === null ? null : Number(r[1]), ttlMs: Number(r[2]) }));
        const leaseRefs: LeaseRefRow[] = (
          await w.query<[string, string, number]>({
            text: 'SELECT lease, id, count FROM lease_refs ORDER BY lease, id',
            rowMode: 'array',
          })
        ).rows.map((r) => ({ lease: r[0], id: Number(r[1]), count: r[2] }));
        const oldest = await w.query<[string | null]>({
          text: 'SELECT min(seq) FROM events',
          rowMode: 'array',
        });
        await w.query('COMMIT');
        this.#nextSeq = meta === null ? 1 : meta.nextSeq;
        this.#oldestSeq = oldest.rows[0][0] === null ? this.#nextSeq : Number(oldest.rows[0][0]);
        this.#storedIds = new StoredIds();
        this.#storedIds.addAll(ids.id);
        this.#loaded = true;
        return { meta, sets, ids, data, leases, leaseRefs, oldestSeq: this.#oldestSeq };
      } catch (error) {
        await w.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /**
   * Writes the batch in one transaction; it is durable (WAL flushed, synchronous_commit on) when this
   * resolves. One statement per kind of change, with arrays, so a batch of 1,024 IDs is a few statements.
   * @throws Error when the transaction fails (nothing of it was written), when the stored sequence is
   * not the one this store continues (another writer), when the instance lock was lost, or before `load`
   */
  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    if (!this.#loaded)
      throw new Error('the PostgreSQL store was committed to before load(); nothing was written');
    if (this.#lockLost !== null) {
      throw new Error(
        `the connection holding the instance lock on ${this.#where} was lost (${this.#lockLost}): another instance may serve the database now; nothing was written`,
      );
    }
    const events = batch.events;
    if (
      events.length > 0 &&
      (events[0].seq !== this.#nextSeq || events[events.length - 1].seq !== batch.meta.nextSeq - 1)
    ) {
      throw new Error(
        `events ${events[0].seq}..${events[events.length - 1].seq} do not continue the stored sequence at ${this.#nextSeq} (next ${batch.meta.nextSeq}); nothing was written`,
      );
    }
    return this.#serial(async () => {
      const w = this.#writer;
      await w.query('BEGIN');
      try {
        const oldest = await writeBatch(w, batch, {
          nextSeq: this.#nextSeq,
          oldestSeq: this.#oldestSeq,
          where: this.#where,
          ids: this.#storedIds,
        });
        await w.query('COMMIT');
        this.#storedIds.apply(batch.ids);
        this.#oldestSeq = oldest;
        this.#nextSeq = batch.meta.nextSeq;
        return { oldestSeq: this.#oldestSeq };
      } catch (error) {
        await w.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  /** Returns retained events with `seq > after`, ascending, at most `limit` of them (see Store.readEvents). */
  async readEvents(after: number, limit: number): Promise<EventRecord[]> {
    return this.#serial(async () => {
      const result = await this.#writer.query<
        [string, string, string | null, string | null, string | null, string | null]
      >({
        text: 'SELECT seq, type, id, sid, spid, data FROM events WHERE seq > $1 ORDER BY seq LIMIT $2',
        values: [after, Math.max(1, limit)],
        rowMode: 'array',
      });
      return result.rows.map((r) => ({
        seq: Number(r[0]),
        type: r[1],
        id: r[2] === null ? null : Number(r[2]),
        sid: r[3] === null ? null : Number(r[3]),
        spid: r[4] === null ? null : Number(r[4]),
        data: r[5] === null ? null : JSON.parse(r[5]),
      }));
    });
  }

  /** Releases the instance lock and closes both connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#tail.catch(() => {});
    await this.#writer.end().catch(() => {});
    if (this.#lockLost === null) await unlockInstance(this.#lock).catch(() => {});
    await this.#lock.end().catch(() => {});
  }

  /** Runs `task` after every earlier one on the writer connection. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    this.#tail = run.catch(() => {});
    return run;
  }
}

/**
 * Records `requested` as the namespace's event retention if none is recorded yet, and returns the
 * recorded one (with the requested value when it differs).
 */
async function recordSettings(client: pg.Client, requested: number | undefined): Promise<NamespaceSettings> {
  const result = await client.query<{ event_retention: string }>(
    `WITH ins AS (
       INSERT INTO settings (one, event_retention) VALUES (1, $1) ON CONFLICT (one) DO NOTHING RETURNING event_retention
     )
     SELECT event_retention FROM ins UNION ALL SELECT event_retention FROM settings WHERE one = 1 LIMIT 1`,
    [requested ?? DEFAULT_RETENTION],
  );
  const eventRetention = Number(result.rows[0].event_retention);
  return {
    eventRetention,
    requestedRetention: requested !== undefined && requested !== eventRetention ? requested : null,
  };
}
