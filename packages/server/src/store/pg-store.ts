// The PostgreSQL implementation of Store: the whole state in one database, one row per live ID, each
// batch in one transaction (synchronous_commit on) of a handful of array statements, whatever its size.
// Several instances may share the database: writes go through turns under the namespace's lock, and
// each instance replays the others' commits from the commit log (see SharedStore, pg-commit-log.ts).

import type pg from 'pg';
import { writeBatch } from './pg-batch.js';
import {
  beginTurn,
  commitAndNotify,
  commitOf,
  KEPT_COMMITS,
  type LogRead,
  type Notification,
  readLog,
} from './pg-commit-log.js';
import { CommittedState } from './pg-committed-state.js';
import { connect, type PgTimeouts, redactDatabaseUrl } from './pg-connect.js';
import { connectionSurvives, describePgFailure } from './pg-failure.js';
import { HEARTBEAT_MS, Heartbeat, readInstances } from './pg-heartbeat.js';
import { decodeIdRecords, LOAD_IDS_SQL } from './pg-id-codec.js';
import { type InstanceIdentity, newInstanceIdentity } from './pg-instance.js';
import { ListenConnection } from './pg-listen.js';
import { migrate } from './pg-migrate.js';
import { StoredIds } from './pg-stored-ids.js';
import type {
  CommitReceipt,
  CommitRecord,
  DataRow,
  EventRecord,
  InstanceRecord,
  LeaseRefRow,
  LeaseRow,
  MetaRow,
  OpRecord,
  SetRow,
  SharedStore,
  SharingFigures,
  Store,
  StoreBatch,
  StoreSnapshot,
  WriteTurn,
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
  /** Milliseconds between two heartbeats on the instance's row (default 2,000; see pg-heartbeat.ts). */
  readonly heartbeatMs?: number;
}

/** Every how many versions an instance prunes the commit log to its last KEPT_COMMITS rows. */
const PRUNE_EVERY = 256;

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
 * The PostgreSQL implementation of `Store`, shared by any number of instances. Two connections: the
 * writer (load, write turns, commit log and event reads, one at a time) and the listener, which hears the
 * other instances' commits (LISTEN) and carries this instance's heartbeat (pg-listen.ts).
 *
 * A write is a turn (`shared.begin`): a transaction that takes the namespace's advisory lock
 * (transaction-scoped: a killed instance's lock ends with its session), reads the commits made since this
 * instance's version, then writes the batch and appends the commit's operations to the log. Every batch
 * also checks that the stored `next_seq` is the one it continues, so a write nobody replayed fails rather
 * than being overwritten.
 *
 * When the database goes away: a connection that failed is dropped and opened again by the next use;
 * `load` answers from memory (the last committed state) while the database does not answer, and the
 * next `probe` asks for a reload (`'reload'`).
 */
export class PgStore implements Store {
  readonly #url: string;
  readonly #timeouts: PgTimeouts;
  #writer: pg.Client | null;
  readonly #listen: ListenConnection;
  readonly #me: InstanceIdentity;
  readonly #where: string;
  readonly #settings: NamespaceSettings;
  #loaded = false;
  #nextSeq = 1;
  #oldestSeq = 1;
  /** The namespace's version the state this store knows is at (load, absorbed and own commits). */
  #version = 0;
  /** The newest commit announced by another instance, the next sequence number after it, and since when this instance is behind it (null: caught up). */
  #newestKnown = 0;
  #newestNextSeq = 1;
  #behindSince: number | null = null;
  #lockWaitMs = 0;
  #turns = 0;
  #errors = 0;
  /** True while memory may be behind the database: commits are refused until a load from the database. */
  #reloadNeeded = false;
  /** The last committed state, for a load while the database does not answer. */
  #committed: CommittedState | null = null;
  /** The IDs with a row, so a batch inserts new ones and updates the others (pg-stored-ids.ts). */
  #storedIds = new StoredIds();
  #closed = false;
  /** Told when a connection is lost while idle (see Store.watch). */
  #trouble: (() => void) | null = null;
  readonly #committedListeners: ((version: number, commit: CommitRecord | null) => void)[] = [];
  /** Serialises turns, loads and reads on the writer connection (a read never sees half a batch). */
  #tail: Promise<unknown> = Promise.resolve();
  /** Writes the instance's heartbeat on the listen connection; a failure is told as trouble (Store.watch). */
  readonly #heartbeat: Heartbeat;
  /** See Store.shared. */
  readonly shared: SharedStore;

  private constructor(
    options: PgStoreOptions,
    writer: pg.Client,
    listen: ListenConnection,
    me: InstanceIdentity,
    where: string,
    settings: NamespaceSettings,
  ) {
    this.#url = options.url;
    this.#timeouts = options.timeouts ?? {};
    this.#writer = null;
    this.#me = me;
    this.#where = where;
    this.#settings = settings;
    this.#adoptWriter(writer);
    this.#listen = listen;
    listen.on({
      committed: (heard) => this.#heard(heard),
      lost: () => {
        this.#errors++;
        this.#trouble?.();
      },
    });
    this.#heartbeat = new Heartbeat(
      () => this.#listen.beat(this.#nextSeq - 1),
      () => {
        this.#errors++;
        this.#trouble?.();
      },
      options.heartbeatMs ?? HEARTBEAT_MS,
    );
    const store = this;
    this.shared = {
      get version() {
        return store.#version;
      },
      begin: () => this.#begin(),
      readCommits: () => this.#readCommits(),
      absorb: (batch, version) => this.#absorb(batch, version),
      onCommitted: (listener) => {
        this.#committedListeners.push(listener);
      },
    };
  }

  /**
   * Connects, migrates the schema (once, whatever the number of concurrent openers), records (or reads)
   * the namespace settings and registers this instance.
   * @throws StoreUnavailableError when the database cannot be reached (message: what to check); Error
   * when its schema is newer than this server's
   */
  static async open(options: PgStoreOptions): Promise<PgStore> {
    const where = redactDatabaseUrl(options.url);
    const timeouts = options.timeouts ?? {};
    const writer = await connect(options.url, 'ioasid', timeouts);
    let listen: ListenConnection | null = null;
    try {
      await migrate(writer);
      const settings = await recordSettings(writer, options.eventRetention);
      const me = newInstanceIdentity();
      listen = await ListenConnection.open(options.url, timeouts, me);
      return new PgStore(options, writer, listen, me, where, settings);
    } catch (error) {
      await listen?.close();
      await writer.end().catch(() => {});
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

  /** This instance's name in `instances` (`host:pid:suffix`). */
  get instanceName(): string {
    return this.#me.name;
  }

  /** How this instance keeps up with the others (see Store.sharing). */
  sharing(): SharingFigures {
    const behind = this.#newestKnown > this.#version;
    return {
      lagCommits: Math.max(0, this.#newestKnown - this.#version),
      lagEvents: behind ? Math.max(0, this.#newestNextSeq - this.#nextSeq) : 0,
      lagMs: behind && this.#behindSince !== null ? Date.now() - this.#behindSince : 0,
      turns: this.#turns,
      lockWaitMs: this.#lockWaitMs,
      errors: this.#errors,
    };
  }

  /**
   * Reads the whole state (see Store.load) in one snapshot; IDs come packed (pg-id-codec.ts). After the
   * first load, a database that does not answer (or refuses the read) gets the last committed state from
   * memory instead, and the next `probe` asks for a reload.
   * @throws StoreUnavailableError or the database's error at the first load
   */
  async load(): Promise<StoreSnapshot> {
    try {
      const snapshot = await this.#serial(() => this.#read());
      this.#reloadNeeded = false;
      this.#committed = new CommittedState(snapshot);
      return snapshot;
    } catch (error) {
      this.#errors++;
      if (this.#committed === null) throw error;
      this.#reloadNeeded = true;
      return this.#committed.snapshot();
    }
  }

  /** Reads the whole state from the database (on the writer connection, in one snapshot). */
  async #read(): Promise<StoreSnapshot> {
    const w = await this.#writerConnection();
    try {
      await w.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
      const metaRows = await w.query<[string, string, string, string]>({
        text: 'SELECT capacity, next_seq, system_sid, version FROM meta WHERE one = 1',
        rowMode: 'array',
      });
      const meta: MetaRow | null =
        metaRows.rows.length === 0
          ? null
          : {
              capacity: Number(metaRows.rows[0][0]),
              nextSeq: Number(metaRows.rows[0][1]),
              systemSid: Number(metaRows.rows[0][2]),
              version: Number(metaRows.rows[0][3]),
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
      this.#reached(meta?.version ?? 0);
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
   * Writes the batch in one transaction under the namespace's lock, without a commit log entry: for a
   * store this process alone writes (tests, tools). Servers write through `shared.begin`.
   * @throws Error when the transaction fails (nothing of it was written), when the stored sequence is
   * not the one this store continues (another writer), or before `load`
   */
  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    const turn = await this.#begin();
    if (turn.commits === 'gap' || turn.commits.length > 0) {
      await turn.release();
      throw new Error(
        `other instances committed to ${this.#where} since this store's last load; nothing was written (servers write through write turns)`,
      );
    }
    return turn.commit(batch, []);
  }

  /** Opens a write turn (see SharedStore.begin): the writer connection stays the turn's until it ends. */
  #begin(): Promise<WriteTurn> {
    this.#checkWritable();
    return new Promise<WriteTurn>((resolveTurn, rejectTurn) => {
      void this.#serial(async () => {
        let w: pg.Client;
        try {
          w = await this.#writerConnection();
        } catch (error) {
          this.#errors++;
          rejectTurn(error);
          return;
        }
        let end = () => {};
        const ended = new Promise<void>((resolve) => {
          end = resolve;
        });
        try {
          const { read: first, lockWaitMs } = await beginTurn(w, this.#version);
          this.#lockWaitMs += lockWaitMs;
          this.#turns++;
          const read = await this.#readRest(w, first);
          resolveTurn(this.#turn(w, read, lockWaitMs, end));
        } catch (error) {
          this.#errors++;
          await this.#rollback(w, error);
          rejectTurn(error);
          return;
        }
        await ended;
      });
    });
  }

  /** The open turn on `w`; `end` releases the writer connection to the next task. */
  #turn(w: pg.Client, read: LogRead, lockWaitMs: number, end: () => void): WriteTurn {
    let open = true;
    const finish = () => {
      open = false;
      end();
    };
    return {
      commits: read.commits,
      expired: read.expired,
      nextExpiryMs: read.nextExpiryMs,
      lockWaitMs,
      commit: async (batch: StoreBatch, ops: readonly OpRecord[]): Promise<CommitReceipt> => {
        if (!open) throw new Error('this write turn has ended; nothing was written');
        try {
          this.#checkWritable();
          this.#checkSequence(batch);
          const version = ops.length > 0 ? this.#version + 1 : this.#version;
          const log = ops.length > 0 ? JSON.stringify(ops) : null;
          const oldest = await writeBatch(w, batch, {
            nextSeq: this.#nextSeq,
            oldestSeq: this.#oldestSeq,
            where: this.#where,
            ids: this.#storedIds,
            version,
            log,
          });
          if (log !== null) await commitAndNotify(w, version, batch.meta.nextSeq, log);
          else await w.query('COMMIT');
          if (version % PRUNE_EVERY === 0) void this.#prune(version);
          this.#storedIds.apply(batch.ids);
          this.#oldestSeq = oldest;
          this.#nextSeq = batch.meta.nextSeq;
          this.#reached(version);
          this.#committed?.apply({ ...batch, meta: { ...batch.meta, version } }, oldest);
          return { oldestSeq: this.#oldestSeq };
        } catch (error) {
          this.#errors++;
          await this.#rollback(w, error);
          throw error;
        } finally {
          finish();
        }
      },
      release: async (): Promise<void> => {
        if (!open) return;
        try {
          await w.query('ROLLBACK');
        } catch (error) {
          this.#dropWriter(w, error);
        } finally {
          finish();
        }
      },
    };
  }

  /** Reads the rest of the log after a first page, when it said more were waiting. */
  async #readRest(w: pg.Client, first: LogRead): Promise<LogRead> {
    if (first.commits === 'gap' || !first.more) return first;
    const commits: CommitRecord[] = [...first.commits];
    for (let more = true; more; ) {
      const page = await readLog(w, commits[commits.length - 1].version);
      if (page.commits === 'gap') return { ...first, commits: 'gap' };
      commits.push(...page.commits);
      more = page.more;
    }
    return { ...first, commits };
  }

  /** Reads the commits after this store's version, without the lock (see SharedStore.readCommits). */
  #readCommits(): Promise<CommitRecord[] | 'gap'> {
    return this.#serial(async () => {
      const w = await this.#writerConnection();
      try {
        return (await this.#readRest(w, await readLog(w, this.#version))).commits;
      } catch (error) {
        this.#errors++;
        this.#dropWriter(w, error);
        throw error;
      }
    });
  }

  /** See SharedStore.absorb. */
  #absorb(batch: StoreBatch, version: number): number {
    // The committing instances applied the same retention (pg-batch.ts): after events up to N, those
    // below min(retainFrom, N) may be gone. Assuming they are gone is the safe side.
    if (batch.events.length > 0) {
      const last = batch.events[batch.events.length - 1].seq;
      this.#oldestSeq = Math.max(this.#oldestSeq, Math.min(batch.retainFrom, last));
    }
    this.#storedIds.apply(batch.ids);
    this.#nextSeq = batch.meta.nextSeq;
    this.#reached(version);
    this.#committed?.apply({ ...batch, meta: { ...batch.meta, version } }, this.#oldestSeq);
    return this.#oldestSeq;
  }

  /** A notification (or a reconnection, version 0) from the listen connection. */
  #heard(heard: Notification): void {
    const { version, nextSeq } = heard;
    if (version > this.#newestKnown) {
      this.#newestKnown = version;
      this.#newestNextSeq = nextSeq;
      if (version > this.#version && this.#behindSince === null) this.#behindSince = Date.now();
    }
    if (version !== 0 && version <= this.#version) return; // its own commit, or one it replayed already
    const commit = commitOf(heard);
    for (const listener of this.#committedListeners) listener(version, commit);
  }

  /** This store reached `version` (a load, its own commit, or replayed ones). */
  #reached(version: number): void {
    this.#version = version;
    if (version >= this.#newestKnown) this.#behindSince = null;
  }

  /** @throws Error before the first load, and while a reload is needed */
  #checkWritable(): void {
    if (!this.#loaded)
      throw new Error('the PostgreSQL store was committed to before load(); nothing was written');
    if (this.#reloadNeeded) {
      throw new Error(
        `the state must be reloaded from ${this.#where} first (it may have changed while this server was cut off from it); nothing was written`,
      );
    }
  }

  /** @throws Error when the batch's events do not continue the stored sequence */
  #checkSequence(batch: StoreBatch): void {
    const events = batch.events;
    if (
      events.length > 0 &&
      (events[0].seq !== this.#nextSeq || events[events.length - 1].seq !== batch.meta.nextSeq - 1)
    ) {
      throw new Error(
        `events ${events[0].seq}..${events[events.length - 1].seq} do not continue the stored sequence at ${this.#nextSeq} (next ${batch.meta.nextSeq}); nothing was written`,
      );
    }
  }

  /**
   * Checks the database takes writes again: opens a new writer connection if needed and runs a statement
   * on it.
   * @returns `'reload'` when the state must be loaded again before a commit (a load was answered from
   * memory: other instances may have written meanwhile)
   * @throws the connection's error while the database does not answer
   */
  async probe(): Promise<'reload' | undefined> {
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
   * The instances whose heartbeat is at most 15 s old by the database's clock (see Store.instances).
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

  /** Deletes the instance's row and closes both connections. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await this.#heartbeat.stop();
    await this.#tail.catch(() => {});
    await this.#writer?.end().catch(() => {});
    await this.#listen.close();
  }

  /**
   * Deletes the commits older than the last KEPT_COMMITS, after the turn that reached `version` (outside
   * it: the lock is not held for this). A failure only leaves rows for the next prune.
   */
  async #prune(version: number): Promise<void> {
    await this.#serial(async () => {
      const w = await this.#writerConnection();
      await w.query('DELETE FROM commits WHERE version <= $1', [version - KEPT_COMMITS]);
    }).catch(() => {
      this.#errors++;
    });
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
