// The Store interface: where the server persists the allocator's state and its event log, in the engine's
// terms (rows of IDs, sets, leases); each store keeps its own layout (SQLite packs IDs, PostgreSQL next).

/** The single metadata row. */
export interface MetaRow {
  /** Installed capacity, 0 while none is installed. */
  readonly capacity: number;
  /** Sequence number the next event gets (events are numbered from 1). */
  readonly nextSeq: number;
  /** The system set's ID, or INVALID_IOASID_SET (-1) while there is none. */
  readonly systemSid: number;
  /**
   * A shared store's commit count (see SharedStore): the version of the namespace this state is. Absent
   * (0) for a store one process owns.
   */
  readonly version?: number;
}

/** One set as stored. Its count is not stored: it is the number of its IDs. */
export interface SetRow {
  readonly sid: number;
  /** The owner string (the core's token); null for the system set. */
  readonly owner: string | null;
  readonly quota: number;
  /** True while the set waits, destroyed, for its last referenced ID. */
  readonly dying: boolean;
  /** SHA-256 of the set's secret (32 bytes); the secret itself is never stored. */
  readonly secretHash: Uint8Array;
}

/**
 * One allocated ID as stored (its data, if any, is a `DataRow`). A store keeps these in any layout; the
 * engine only ever hands it whole rows and reads them back as `IdColumns`.
 */
export interface IdRow {
  readonly id: number;
  /** The set the ID belongs to. */
  readonly sid: number;
  /** References held (the owner's included until the ID is freed). */
  readonly refs: number;
  /** True once the ID was freed while references were still held (it is released with the last one). */
  readonly freePending: boolean;
  /** The guest ID (spid) mapped to the ID, or null when none is. */
  readonly spid: number | null;
}

/**
 * Every stored ID, one per index of the arrays (all the same length), ascending by ID. Columns rather
 * than one object per ID so that a restart with 2^20 IDs does not create a million objects.
 */
export interface IdColumns {
  readonly id: Uint32Array;
  readonly sid: Uint32Array;
  readonly refs: Uint32Array;
  /** 1 for a free-pending ID, 0 otherwise. */
  readonly freePending: Uint8Array;
  /** The spid, or 0xFFFFFFFF (the core's INVALID_IOASID) when none is mapped. */
  readonly spid: Uint32Array;
}

/** The private data of one ID, as JSON text (only IDs that have data have a row). */
export interface DataRow {
  readonly id: number;
  readonly json: string;
}

/** A lease: who created it (a set, or null for the admin) and its time to live. */
export interface LeaseRow {
  readonly lease: string;
  readonly sid: number | null;
  readonly ttlMs: number;
}

/** References one lease holds on one ID. */
export interface LeaseRefRow {
  readonly lease: string;
  readonly id: number;
  readonly count: number;
}

/** One event of the server-wide sequence, as clients receive it (`data` is any JSON value). */
export interface EventRecord {
  readonly seq: number;
  /** `alloc`, `free`, `bind`, `unbind`, `lease-expired` or a type published with notify. */
  readonly type: string;
  /** The ID (null for `lease-expired`). */
  readonly id: number | null;
  /** The ID's set (for `lease-expired`: the set that created the lease, null for the admin). */
  readonly sid: number | null;
  /** The ID's spid, null when none. */
  readonly spid: number | null;
  readonly data: unknown;
}

/** Rows to write and delete, committed in one transaction. Deleting a missing row is not an error. */
export interface Changes<Row, Key> {
  readonly upsert: Row[];
  readonly remove: Key[];
}

/** Everything one group commit writes. */
export interface StoreBatch {
  readonly meta: MetaRow;
  readonly sets: Changes<SetRow, number>;
  /** IDs allocated or changed (upsert) and released (remove, by ID). */
  readonly ids: Changes<IdRow, number>;
  readonly data: Changes<DataRow, number>;
  readonly leases: Changes<LeaseRow, string>;
  readonly leaseRefs: Changes<LeaseRefRow, { readonly lease: string; readonly id: number }>;
  /** New events, ascending and contiguous, continuing the stored sequence. */
  readonly events: EventRecord[];
  /** Events with `seq < retainFrom` may be dropped (retention); at least the later ones are kept. */
  readonly retainFrom: number;
}

/** What `commit` reports back. */
export interface CommitReceipt {
  /** The oldest event still retained (equal to the next sequence number when none is). */
  readonly oldestSeq: number;
}

/** The whole persisted state, as `load` returns it. */
export interface StoreSnapshot {
  /** Null for an empty (new) store. */
  readonly meta: MetaRow | null;
  readonly sets: SetRow[];
  /** Every allocated ID. */
  readonly ids: IdColumns;
  readonly data: DataRow[];
  readonly leases: LeaseRow[];
  readonly leaseRefs: LeaseRefRow[];
  /** The oldest retained event (the next sequence number when none is). */
  readonly oldestSeq: number;
}

/** One server instance serving the store's namespace, as the store records it (GET /v1/instances). */
export interface InstanceRecord {
  readonly host: string;
  readonly pid: number;
  readonly startedAt: Date;
  /** Its last heartbeat. */
  readonly lastSeenAt: Date;
  /** The last event sequence number it had committed or seen at that heartbeat. */
  readonly seq: number;
}

/** How an instance keeps up with the others on a shared store, for metrics. */
export interface SharingFigures {
  /** Commits of other instances announced but not yet replayed here. */
  readonly lagCommits: number;
  /** Events committed in the namespace that this instance has not published yet. */
  readonly lagEvents: number;
  /** Milliseconds since the oldest announced commit not yet replayed here (0 when caught up). */
  readonly lagMs: number;
  /** Write turns taken, and the milliseconds spent waiting for the namespace's lock in all of them. */
  readonly turns: number;
  readonly lockWaitMs: number;
  /** Database operations that failed (turns, loads, reads, heartbeats), in total. */
  readonly errors: number;
}

/** How the store's upkeep is going, for metrics. */
export interface StoreHealth {
  /** Size of the write-ahead log file (or journal) in bytes; 0 when there is none. */
  readonly logBytes: number;
  /** Background upkeep runs (checkpoints) that failed so far; each is retried and loses nothing. */
  readonly upkeepFailures: number;
}

/**
 * Durable storage for one allocator namespace. One server owns a store at a time; `commit` must be
 * atomic (all of the batch or nothing) and durable (on disk when its promise resolves).
 */
export interface Store {
  /**
   * Reads the whole persisted state: once before any commit, and again after a failed commit, when the
   * engine returns to the committed state. Whatever the store keeps in memory about its contents (caches,
   * sequence numbers) must then be reset to what it reads.
   */
  load(): Promise<StoreSnapshot>;
  /**
   * Applies one batch atomically and durably. A rejection means the batch may or may not be on disk: the
   * engine then refuses writes, calls `load` to return to what is committed, and retries with probes.
   */
  commit(batch: StoreBatch): Promise<CommitReceipt>;
  /**
   * Optional: checks that the store can take writes again beyond a minimal commit (a disk with room for
   * more than one page, say); rejects with the reason when not. The engine calls it before each probe
   * commit while the store is unavailable, and at start. Resolves with `'reload'` when what the engine
   * holds may be behind the store (it lost and re-took its hold on a shared database, or its last `load`
   * was answered from memory): the engine then calls `load` again before its probe commit.
   */
  // biome-ignore lint/suspicious/noConfusingVoidType: a probe that resolves with nothing (Promise<void>) fits too
  probe?(): Promise<void | 'reload'>;
  /**
   * Optional: says in words what an error of this store means for an operator, naming where it happened
   * ("the disk holding /var/lib/ioasid is full"). The engine falls back to the error's message.
   */
  describeFailure?(error: unknown): string;
  /**
   * Optional: registers `trouble`, called when the store learns of trouble while no commit runs (a
   * database connection lost while idle), so the engine commits to find out instead of answering ready
   * until its next write.
   */
  watch?(trouble: () => void): void;
  /**
   * Returns retained events with `seq > after`, ascending, about `limit` of them (whole stored blocks,
   * so possibly a few more); an empty array when there are none.
   */
  readEvents(after: number, limit: number): Promise<EventRecord[]>;
  /** Releases the store; no call may follow. */
  close(): Promise<void>;
  /** Upkeep figures for /metrics (optional: a store without upkeep need not have it). */
  health?(): StoreHealth;
  /**
   * Present when several servers share the store (PostgreSQL): commits then go through write turns under
   * the namespace's lock, and each server catches up with the others' commits (see SharedStore).
   */
  readonly shared?: SharedStore;
  /** Optional: how this instance keeps up with the others (shared stores; metrics). */
  sharing?(): SharingFigures;
  /**
   * Optional: the live instances serving this namespace, as recorded in a store several servers can
   * share (PostgreSQL: those whose heartbeat is recent). A store without it is served by this process
   * alone.
   */
  instances?(): Promise<InstanceRecord[]>;
}

/**
 * One operation as the namespace's log records it: a JSON array whose first element names the operation
 * (see engine/op-log.ts). Other instances replay it to reach the same state.
 */
export type OpRecord = readonly unknown[];

/** One commit of the namespace's log, as other instances read it back to catch up. */
export interface CommitRecord {
  /** The namespace's version after this commit (1, 2, ...: one per commit that changed anything). */
  readonly version: number;
  /** The sequence number the next event gets after this commit. */
  readonly nextSeq: number;
  /** The operations it applied, in order. */
  readonly ops: OpRecord[];
}

/** What a write turn found when it took the namespace's lock. */
export interface TurnStart {
  /**
   * The commits after the version this store last applied, ascending; `'gap'` when some of them are no
   * longer kept (the instance fell too far behind: only a full `load` brings it back).
   */
  readonly commits: CommitRecord[] | 'gap';
  /** Leases whose time ran out by the database's clock (expired exactly once by the turn that finds them). */
  readonly expired: string[];
  /** Milliseconds until the next of the other leases runs out, by the database's clock; null when none. */
  readonly nextExpiryMs: number | null;
  /** Milliseconds spent waiting for the namespace's lock. */
  readonly lockWaitMs: number;
}

/** An open write turn: a transaction holding the namespace's lock. It must end with `commit` or `release`. */
export interface WriteTurn extends TurnStart {
  /**
   * Writes the batch and the commit's operations (when there are any: they make a new version, and the
   * other instances are notified), and commits; durable when it resolves.
   * @throws as Store.commit: the turn is rolled back and the outcome is unknown
   */
  commit(batch: StoreBatch, ops: readonly OpRecord[]): Promise<CommitReceipt>;
  /** Ends the turn without writing (rolls back). Never rejects. */
  release(): Promise<void>;
}

/**
 * The part of a store that several servers share. Each server keeps the namespace in memory; a write
 * takes the namespace's lock (`begin`), replays the commits other servers made since its last one,
 * applies its own operations, and commits rows, events and the operations' log in one transaction. A
 * server learns of the others' commits from `onCommitted` and replays them without the lock
 * (`readCommits`).
 */
export interface SharedStore {
  /** The version of the namespace this store's state (the last load, absorbed and own commits) is at. */
  readonly version: number;
  /** Opens a write turn. @throws the database's error (nothing is held then) */
  begin(): Promise<WriteTurn>;
  /** Reads the commits after `version` without the lock (catch-up for readers); `'gap'` as in TurnStart. */
  readCommits(): Promise<CommitRecord[] | 'gap'>;
  /**
   * Records that the engine applied other servers' commits up to `version`, whose rows are `batch` (so
   * the store's own knowledge of what is stored, and its last committed state, follow).
   * @returns the oldest event still retained after those commits (they may have dropped older ones;
   * never below the true oldest, so a resume from a dropped event is always told)
   */
  absorb(batch: StoreBatch, version: number): number;
  /**
   * Registers `listener`, called when another server committed `version` beyond this store's, with the
   * commit itself when the announcement carried it (else it is read with `readCommits`); version 0 and
   * null after a reconnection: some may have been missed.
   */
  onCommitted(listener: (version: number, commit: CommitRecord | null) => void): void;
}
