// The PostgreSQL implementation of Store: the whole state in one database, one row per live ID, each
// batch in one transaction (synchronous_commit on) of a handful of array statements, whatever its size.

import type pg from 'pg';
import { writeBatch } from './pg-batch.js';
import { CommittedState } from './pg-committed-state.js';
import { connect, type PgTimeouts, redactDatabaseUrl } from './pg-connect.js';
import { connectionSurvives, describePgFailure } from './pg-failure.js';
import { HEARTBEAT_MS, Heartbeat, readInstances, writeHeartbeat } from './pg-heartbeat.js';
import { decodeIdRecords, LOAD_IDS_SQL } from './pg-id-codec.js';
import {
  DatabaseInUseError,
  inUse,
  lockHolderBackend,
  lockInstance,
  tryLockInstance,
  unlockInstance,
} from './pg-instance-lock.js';
import { migrate } from './pg-migrate.js';
import { StoredIds } from './pg-stored-ids.js';
import type {
  CommitReceipt,
  DataRow,
  EventRecord,
  InstanceRecord,
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
  /** Time limits of the store's connections (see PgTimeouts for the defaults). */
  readonly timeouts?: PgTimeouts;
  /**
   * Told when the connection holding the instance lock is lost (the database went away, or its session
   * was ended). Commits are refused until `load` or `probe` takes the lock again; nothing stops.
   */
  readonly onLockLost?: (message: string) => void;
  /**
   * Told when the lock, lost, cannot be taken again because another live instance holds it now: this
   * process no longer owns the database and cannot go on (the server stops, exit 70).
   */
  readonly onLockTaken?: (error: DatabaseInUseError) => void;
  /** Milliseconds between two heartbeats on the instance's row (default 2,000; see pg-heartbeat.ts). */
  readonly heartbeatMs?: number;
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
 * the lock holder, which keeps the instance lock (pg-instance-lock.ts). Commits are one at a time (the
 * engine's queue guarantees it); each checks the stored `next_seq` is the one it continues, so a write
 * by anything else makes it fail rather than overwrite.
 *
 * When the database goes away: a connection that failed is dropped and opened again by the next `load`,
 * `probe` or commit; commits are refused while the instance lock is not held; `load` re-takes the lock
 * before reading, and answers from memory (the last committed state) while the database does not answer;
 * `probe` re-takes the lock and asks for a reload (`'reload'`) whenever what memory holds may be behind
 * the database (a load answered from memory, or the lock re-taken since the last load).
 */
export class PgStore implements Store {
  readonly #url: string;
  readonly #timeouts: PgTimeouts;
  readonly #options: PgStoreOptions;
  #writer: pg.Client | null;
  #lock: pg.Client | null;
  /** The backend pid of the lock session, to end it when a new session finds it still holding the lock. */
  #lockBackend: number | null = null;
  readonly #where: string;
  readonly #settings: NamespaceSettings;
  #loaded = false;
  #nextSeq = 1;
  #oldestSeq = 1;
  #lockLost: string | null = null;
  /** True while memory may be behind the database: commits are refused until a load from the database. */
  #reloadNeeded = false;
  /** The last committed state, for a load while the database does not answer. */
  #committed: CommittedState | null = null;
  /** The IDs with a row, so a batch inserts new ones and updates the others (pg-stored-ids.ts). */
  #storedIds = new StoredIds();
  #closed = false;
  /** Told when a connection is lost while idle (see Store.watch). */
  #trouble: (() => void) | null = null;
  /** Serialises event reads with commits on the writer connection (a read never sees half a batch). */
  #tail: Promise<unknown> = Promise.resolve();
  /** Writes the instance's heartbeat on the lock connection; a failure is told as trouble (Store.watch). */
  readonly #heartbeat: Heartbeat;

  private constructor(
    options: PgStoreOptions,
    writer: pg.Client,
    lock: pg.Client,
    where: string,
    settings: NamespaceSettings,
  ) {
    this.#options = options;
    this.#url = options.url;
    this.#timeouts = options.timeouts ?? {};
    this.#writer = null;
    this.#lock = null;
    this.#where = where;
    this.#settings = settings;
    this.#adoptWriter(writer);
    this.#adoptLock(lock);
    this.#heartbeat = new Heartbeat(
      () => this.#beat(),
      () => this.#trouble?.(),
      options.heartbeatMs ?? HEARTBEAT_MS,
    );
  }

  /**
   * Connects, migrates the schema (once, whatever the number of concurrent openers), takes the instance
   * lock and records (or reads) the namespace settings.
   * @throws StoreUnavailableError when the database cannot be reached (message: what to check);
   * DatabaseInUseError when another instance serves it; Error when its schema is newer than this server's
   */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const where = redactDatabaseUrl(options.url);
    const timeouts = options.timeouts ?? {};
    const lock = await connect(options.url, 'ioasid-lock', timeouts);
    let writer: pg.Client | null = null;
    try {
      await migrate(lock);
      await lockInstance(lock, where);
      const backend = await backendPid(lock);
      writer = await connect(options.url, 'ioasid', timeouts);
      const settings = await recordSettings(writer, options.eventRetention);
      const store = new PgStore(options, writer, lock, where, settings);
      store.#lockBackend = backend;
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

  /**
   * Reads the whole state (see Store.load) in one snapshot; IDs come packed (pg-id-codec.ts). Takes the
   * instance lock again first when it was lost. After the first load, a database that does not answer
   * (or refuses the read) gets the last committed state from memory instead, and the next `probe` asks
   * for a reload.
   * @throws StoreUnavailableError or the database's error at the first load; DatabaseInUseError when the
   * lock, lost, is held by another instance now
   */
  async load(): Promise<StoreSnapshot> {
    try {
      await this.#holdLock();
      const snapshot = await this.#serial(() => this.#read());
      this.#reloadNeeded = false;
      this.#committed = new CommittedState(snapshot);
      return snapshot;
    } catch (error) {
      if (this.#committed === null || error instanceof DatabaseInUseError) throw error;
      this.#reloadNeeded = true;
      return this.#committed.snapshot();
    }
  }

  /** Reads the whole state from the database (on the writer connection, in one snapshot). */
  async #read(): Promise<StoreSnapshot> {
    const w = await this.#writerConnection();
    try {
      await w.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
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
      await this.#rollback(w, error);
      throw error;
    }
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
        `the connection holding the instance lock on ${this.#where} was lost (${this.#lockLost}): writes wait until it is taken again; nothing was written`,
      );
    }
    if (this.#reloadNeeded) {
      throw new Error(
        `the state must be reloaded from ${this.#where} first (it may have changed while this server was cut off from it); nothing was written`,
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
      const w = await this.#writerConnection();
      try {
        await w.query('BEGIN');
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
        this.#committed?.apply(batch, oldest);
        return { oldestSeq: this.#oldestSeq };
      } catch (error) {
        await this.#rollback(w, error);
        throw error;
      }
    });
  }

  /**
   * Checks the database takes writes again: takes the instance lock again if it was lost, opens a new
   * writer connection if needed, and runs a statement on it.
   * @returns `'reload'` when the state must be loaded again before a commit (a load was answered from
   * memory, or the lock was re-taken since the last load: another writer may have written meanwhile)
   * @throws the connection's error while the database does not answer; DatabaseInUseError when another
   * instance holds the lock now (also told to `onLockTaken`)
   */
  async probe(): Promise<'reload' | undefined> {
    if (await this.#holdLock()) this.#reloadNeeded = true;
    await this.#serial(async () => {
      // A connection opened earlier may have ended without this process having heard yet (its session
      // was terminated a moment ago): its failure says nothing about the database now, so the probe is
      // made once more on a connection of its own. A fresh connection's failure is the answer.
      for (let attempt = 0; ; attempt++) {
        const fresh = this.#writer === null;
        const w = await this.#writerConnection();
        try {
          await w.query('SELECT 1');
          return;
        } catch (error) {
          this.#dropWriter(w, error);
          if (fresh || attempt > 0 || connectionSurvives(error)) throw error;
        }
      }
    });
    return this.#reloadNeeded ? 'reload' : undefined;
  }

  /** Registers the engine's callback for a connection lost while idle (see Store.watch). */
  watch(trouble: () => void): void {
    this.#trouble = trouble;
  }

  /**
   * Says what a failure of this store means (see describePgFailure): "PostgreSQL at URL does not answer
   * (ECONNREFUSED)", a database shutting down, its disk full, a timeout, ... with the password redacted.
   */
  describeFailure(error: unknown): string {
    return describePgFailure(error, this.#where);
  }

  /** Returns retained events with `seq > after`, ascending, at most `limit` of them (see Store.readEvents). */
  async readEvents(after: number, limit: number): Promise<EventRecord[]> {
    return this.#serial(async () => {
      const w = await this.#writerConnection();
      let result: pg.QueryResult<
        [string, string, string | null, string | null, string | null, string | null]
      >;
      try {
        result = await w.query({
          text: 'SELECT seq, type, id, sid, spid, data FROM events WHERE seq > $1 ORDER BY seq LIMIT $2',
          values: [after, Math.max(1, limit)],
          rowMode: 'array',
        });
      } catch (error) {
        this.#dropWriter(w, error);
        throw error;
      }
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

  /**
   * The instances whose heartbeat is at most 15 s old by the database's clock (see Store.instances):
   * with one instance per database for now, this process while its heartbeat runs.
   * @throws the connection's error while the database does not answer
   */
  async instances(): Promise<InstanceRecord[]> {
    return this.#serial(async () => {
      const w = await this.#writerConnection();
      try {
        return await readInstances(w);
      } catch (error) {
        this.#dropWriter(w, error);
        throw error;
      }
    });
  }

  /** Releases the instance lock and closes both connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#heartbeat.stop();
    await this.#tail.catch(() => {});
    await this.#writer?.end().catch(() => {});
    const lock = this.#lock;
    if (lock !== null && this.#lockLost === null) await unlockInstance(lock).catch(() => {});
    await lock?.end().catch(() => {});
  }

  /**
   * One heartbeat: `now()` and the last committed sequence number on this instance's row, on the lock
   * connection (nothing while the lock is lost: taking it again writes the row).
   */
  async #beat(): Promise<void> {
    const lock = this.#lock;
    if (this.#closed || lock === null || this.#lockLost !== null) return;
    await writeHeartbeat(lock, this.#nextSeq - 1);
  }

  /** Runs `task` after every earlier one on the writer connection. */
  #serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.#tail.then(task, task);
    this.#tail = run.catch(() => {});
    return run;
  }

  /** The writer connection, opened again when the last one failed. @throws StoreUnavailableError */
  async #writerConnection(): Promise<pg.Client> {
    if (this.#closed) throw new Error(`the PostgreSQL store on ${this.#where} is closed`);
    if (this.#writer === null) this.#adoptWriter(await connect(this.#url, 'ioasid', this.#timeouts));
    return this.#writer as pg.Client;
  }

  #adoptWriter(client: pg.Client): void {
    this.#writer = client;
    const gone = () => {
      if (this.#writer !== client) return;
      this.#writer = null;
      if (!this.#closed) this.#trouble?.();
    };
    client.on('error', gone);
    client.on('end', gone);
  }

  /** Forgets the writer connection when `error` left it unusable (the next use opens a new one). */
  #dropWriter(client: pg.Client, error: unknown): void {
    if (connectionSurvives(error)) return;
    if (this.#writer === client) this.#writer = null;
    client.end().catch(() => {});
  }

  /** Rolls back after `error`; a connection that cannot even do that is dropped. */
  async #rollback(client: pg.Client, error: unknown): Promise<void> {
    if (!connectionSurvives(error)) {
      this.#dropWriter(client, error);
      return;
    }
    try {
      await client.query('ROLLBACK');
    } catch (rollbackError) {
      this.#dropWriter(client, rollbackError);
    }
  }

  #adoptLock(client: pg.Client): void {
    this.#lock = client;
    this.#lockLost = null;
    const lost = (reason: string) => {
      if (this.#closed || this.#lock !== client || this.#lockLost !== null) return;
      this.#lockLost = reason;
      client.end().catch(() => {});
      this.#options.onLockLost?.(reason);
      this.#trouble?.();
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('the connection ended'));
  }

  /**
   * Makes sure the instance lock is held: when it was lost, opens a new lock connection and takes the
   * lock again. The store's own previous session, if PostgreSQL has not ended it yet (a connection cut
   * by the network), is ended first.
   * @returns true when the lock had to be taken again
   * @throws the connection's error; Error while an old session of this process still holds the lock;
   * DatabaseInUseError (also told to `onLockTaken`) when another instance holds it
   */
  async #holdLock(): Promise<boolean> {
    if (this.#lockLost === null && this.#lock !== null) return false;
    if (this.#closed) throw new Error(`the PostgreSQL store on ${this.#where} is closed`);
    const client = await connect(this.#url, 'ioasid-lock', this.#timeouts);
    try {
      let holder = await tryLockInstance(client);
      // The old session of this store may still hold the lock (a connection cut by the network, which
      // PostgreSQL has not noticed yet): end it, and try again while it goes.
      // A holder gone between the two looks (backend null) is tried again too.
      for (let tries = 0; holder !== undefined && tries < 10; tries++) {
        const backend = await lockHolderBackend(client);
        if (backend !== null && backend !== this.#lockBackend) break;
        if (backend !== null) await client.query('SELECT pg_terminate_backend($1)', [backend]);
        await new Promise((resolve) => setTimeout(resolve, 100));
        holder = await tryLockInstance(client);
      }
      if (holder !== undefined) {
        const backend = await lockHolderBackend(client);
        if (backend === null || backend === this.#lockBackend) {
          throw new Error(
            `the instance lock on ${this.#where} is still held by this server's previous session${backend === null ? '' : ` (backend ${backend})`}, which PostgreSQL has not ended yet; nothing was written`,
          );
        }
        const error = inUse(holder, this.#where);
        this.#options.onLockTaken?.(error);
        throw error;
      }
      this.#lockBackend = await backendPid(client);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    this.#adoptLock(client);
    return true;
  }
}

/** The backend process id of `client`'s session. */
async function backendPid(client: pg.Client): Promise<number> {
  return (await client.query<{ pid: number }>('SELECT pg_backend_pid() AS pid')).rows[0].pid;
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
