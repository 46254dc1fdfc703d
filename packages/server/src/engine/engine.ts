// The durable allocator: the core IoasidSpace (single source of truth for every rule), the store it is
// persisted to with group commit, the server-wide event sequence, credentials and leases. When the store
// fails, the engine returns to the committed state and serves reads until the store takes writes again.

import { INVALID_IOASID, IoasidError, type IoasidIdInfo, type IoasidSpace, isIoasidError } from 'ioasid';
import type { ApiError } from '../api-error.js';
import { apiError } from '../server-reasons.js';
import type {
  CommitRecord,
  EventRecord,
  OpRecord,
  SharingFigures,
  Store,
  StoreBatch,
  StoreHealth,
  StoreSnapshot,
} from '../store/store.js';
import { existingSet, requireAdmin, requireExistingSet, requireId, requireSet } from './access.js';
import { buildBatch, countRows } from './batch-builder.js';
import { GONE, PROBE } from './change-tracker.js';
import { CommitQueue } from './commit-queue.js';
import type { Principal } from './credentials.js';
import { type EngineLog, type EngineOptions, SILENT_LOG } from './engine-options.js';
import { EngineState, type EngineStateConfig } from './engine-state.js';
import { EventHub } from './event-hub.js';
import { ExpiryAlarm } from './expiry-alarm.js';
import { Inspection } from './inspection.js';
import type { Lease } from './lease-table.js';
import {
  checkData,
  checkEventType,
  DEFAULT_EVENT_RETENTION,
  DEFAULT_MAX_ADMIN_LEASES,
  DEFAULT_MAX_LEASES_PER_SET,
  limitOption,
  MAX_LEASE_REFS,
} from './limits.js';
import { callerKey, hexOf, OP } from './op-log.js';
import { type ReplayTarget, replayOp } from './op-replay.js';
import { FellBehindError, type Job, SharedCycle } from './shared-cycle.js';
import { StoreOutage, type StoreStatus } from './store-outage.js';
import {
  type CommitInfo,
  type IdView,
  type LeaseInfo,
  type LeaseView,
  type SetView,
  setView,
} from './views.js';

/**
 * Thrown by a write called outside a write turn on a shared store: `durably` then queues the call for the
 * next turn (see Engine.submit). Never reaches a client.
 */
export const DEFERRED = Object.freeze(new Error('this write runs in the next write turn'));

/** What the engine uses of its commit scheduler (CommitQueue, or SharedCycle on a shared store). */
type Scheduler = Pick<CommitQueue, 'durable' | 'settled' | 'resume' | 'failed'> & {
  schedule(meta?: boolean): void;
};

/**
 * The allocator behind the HTTP API. Every operation is synchronous: it checks access, applies the
 * change to the core (which validates it and throws IoasidError, changing nothing, when it breaks a
 * rule), marks what changed, and returns. The caller then awaits `durable()` before answering, so an
 * answer is only sent once the change is on disk. Events get their sequence numbers when they happen
 * and reach listeners when their batch is committed.
 *
 * When a commit fails, the engine does not stop: the waiting answers reject with EAGAIN
 * `store-unavailable`, the allocator state is replaced by the one reloaded from the store (reads are
 * refused until then), writes are refused up front and reads served until a probe commit succeeds
 * (see `storeStatus` and store-outage.ts). Only a damaged store calls `onFatal`.
 */
export class Engine {
  /** The allocator state; replaced whole when the engine returns to the committed state. */
  #s: EngineState;
  readonly #config: Omit<EngineStateConfig, 'previous'>;
  readonly #store: Store;
  readonly #queue: Scheduler;
  /** The write turns, when the store is shared by several servers (null otherwise). */
  readonly #cycle: SharedCycle | null = null;
  /** True while a write turn applies requests (writes may run), or while commits are replayed. */
  #inTurn = false;
  #replaying = false;
  /** Operations applied in the current turn, for the commit log (shared stores). */
  #ops: OpRecord[] = [];
  /** What a replayed operation drew at random (a secret's hash, a lease's name), used instead of drawing. */
  #given: { hash?: Uint8Array; lease?: string } | null = null;
  /** Asks for a write turn when a lease may have run out (shared stores). */
  readonly #expiry = new ExpiryAlarm(() => {
    if (!this.stopped && this.#outage.state === 'ready') this.#queue.schedule();
  });
  /** What replaying another instance's operations may use (see op-replay.ts). */
  readonly #replayTarget: ReplayTarget = {
    engine: this,
    give: (values) => {
      this.#given = values;
    },
    installCapacity: (capacity) => {
      this.#s.space.installCapacity(capacity);
      this.#s.tracker.metaDirty = true;
    },
    expire: (name) => {
      const lease = this.#s.leases.get(name);
      if (lease === undefined) throw new Error('no such lease');
      this.#s.leaseOps.expire(lease);
    },
  };
  readonly #hub: EventHub;
  readonly #outage: StoreOutage;
  readonly #inspection: Inspection;
  readonly #retention: number;
  /** The capacity to install while none is (installed once the store takes writes). */
  readonly #wantedCapacity: number;
  readonly #log: EngineLog;
  readonly #onFatal: (error: unknown) => void;
  #commitListeners: ((info: CommitInfo) => void)[] = [];
  #closed = false;
  #fatal = false;
  #warnedCapacity = false;

  private constructor(options: EngineOptions, snapshot: StoreSnapshot) {
    this.#store = options.store;
    this.#log = options.log ?? SILENT_LOG;
    this.#onFatal = options.onFatal;
    this.#wantedCapacity = options.capacity ?? 0;
    this.#retention = limitOption('eventRetention', options.eventRetention, DEFAULT_EVENT_RETENTION);
    this.#config = {
      adminToken: options.adminToken,
      maxRefs: limitOption('maxLeaseRefs', options.maxLeaseRefs, MAX_LEASE_REFS),
      maxLeasesPerSet: limitOption('maxLeasesPerSet', options.maxLeasesPerSet, DEFAULT_MAX_LEASES_PER_SET),
      maxAdminLeases: limitOption('maxAdminLeases', options.maxAdminLeases, DEFAULT_MAX_ADMIN_LEASES),
      onExpire: (lease) => this.#expire(lease),
      onNotifierError: (error) => this.#log.error({ err: error }, 'event recording failed'),
      onSetGone: (sid) => this.#inspection.setGone(sid),
    };
    this.#s = new EngineState(snapshot, { ...this.#config, previous: null });
    // On a shared store the database's clock decides expiry; the table only keeps deadlines for views.
    if (options.store.shared !== undefined) this.#s.leases.trackDeadlines();
    this.#hub = new EventHub(this.#s.tracker.nextSeq - 1, snapshot.oldestSeq);
    this.#inspection = new Inspection({
      state: () => this.#s,
      readable: () => this.#readable(),
      hub: this.#hub,
      store: this.#store,
      clock: options.clock ?? Date.now,
      describe: (error) => this.#describe(error),
      report: (error) => this.#log.error({ err: error }, 'a dashboard view failed to take a commit'),
    });
    this.#hub.observe((events) => this.#inspection.committed(events));
    this.#outage = new StoreOutage(
      this.#log,
      {
        restore: () => this.#restore(),
        probe: () => this.#probe(),
        recovered: () => this.#recovered(),
        describe: (error) => this.#describe(error),
      },
      options.storeRetry,
    );
    const shared = options.store.shared;
    if (shared === undefined) {
      this.#queue = new CommitQueue(
        {
          dirty: () => this.#s.tracker.dirty,
          build: () => this.#build(),
          commit: (batch) => this.#store.commit(batch),
          committed: (batch, receipt, waiters, seconds) =>
            this.#committed(batch, receipt.oldestSeq, waiters, seconds),
          failed: (error) => this.#commitFailed(error),
        },
        options.commitMode ?? 'group',
      );
    } else {
      const cycle = new SharedCycle(
        shared,
        {
          catchUp: (commits) => this.#catchUp(commits),
          apply: (expired, jobs, forceMeta) => this.#applyTurn(expired, jobs, forceMeta),
          nextExpiry: (ms) => {
            if (ms !== null) this.#expiry.arm(ms);
          },
          committed: (batch, receipt, requests, seconds) =>
            this.#committed(batch, receipt.oldestSeq, requests, seconds),
          failed: (error) => this.#commitFailed(error),
          catchUpFailed: (error) =>
            this.#log.warn(
              { err: error },
              "reading the other instances' commits failed; the next write turn reads them",
            ),
        },
        options.commitMode ?? 'group',
      );
      this.#cycle = cycle;
      this.#queue = cycle;
      shared.onCommitted((_version, commit) => {
        if (!this.stopped) cycle.catchUp(commit);
      });
    }
    options.store.watch?.(() => this.#storeTrouble());
  }

  /**
   * Loads the store, rebuilds the allocator state, probes the store with a minimal commit and installs
   * `capacity` if none is installed yet. Leases start with their full TTL. A store that takes no writes
   * does not stop the start: the engine starts degraded (see `storeStatus`) and installs the capacity
   * once the store recovers.
   * @throws DamagedStoreError when the stored state is inconsistent; Error when the store cannot be read;
   * IoasidError for a bad capacity
   */
  static async open(options: EngineOptions): Promise<Engine> {
    const snapshot = await options.store.load();
    const engine = new Engine(options, snapshot);
    try {
      await engine.#probe();
    } catch (error) {
      engine.#outage.startFailed(error);
      return engine;
    }
    await engine.#recoveredAndSettled();
    return engine;
  }

  /** The allocator (read it; change it only through the engine, or the store will not see it). */
  get space(): IoasidSpace {
    return this.#s.space;
  }

  /** Committed events and the live listeners. */
  get events(): EventHub {
    return this.#hub;
  }

  /**
   * The dashboard's read-only views (occupancy map, history, leases, ID references, a set's events and
   * IDs in detail, instances), with the same access rules as the reads above.
   */
  get inspection(): Inspection {
    return this.#inspection;
  }

  /** Number of live leases. */
  get leaseCount(): number {
    return this.#s.leases.size;
  }

  /** How this instance keeps up with the others on a shared store, or null (see Store.sharing). */
  storeSharing(): SharingFigures | null {
    return this.#store.sharing?.() ?? null;
  }

  /** The store's upkeep figures, or null when the store reports none (see Store.health). */
  storeHealth(): StoreHealth | null {
    return this.#store.health?.() ?? null;
  }

  /**
   * True once the engine was closed, or stopped for good because the reloaded store was damaged (onFatal
   * was called). A store that merely fails to commit does not stop the engine: see `storeStatus`.
   */
  get stopped(): boolean {
    return this.#closed || this.#fatal;
  }

  /** Whether the store takes writes (`ready`), and if not since when and why (see StoreStatus). */
  storeStatus(): StoreStatus {
    return this.#outage.status();
  }

  /**
   * The error a readiness check answers with while the store is unavailable (EAGAIN
   * `store-unavailable`, with the cause), or null while it takes writes.
   */
  unavailable(): ApiError | null {
    return this.#outage.error(
      this.#outage.state === 'restoring'
        ? 'the server is returning to the state last committed to its store'
        : 'writes are refused until it takes them again; reads are served',
    );
  }

  /**
   * Resolves once everything applied so far is on disk. Rejects with EAGAIN `store-unavailable` when the
   * commit holding it failed (the change is taken back).
   */
  durable(): Promise<void> {
    return this.#queue.durable();
  }

  /**
   * Runs a write that threw DEFERRED (a shared store): queues it for the next write turn and resolves
   * with its result (or rejects with its error) once that turn committed.
   * @throws (rejects) EAGAIN `store-unavailable` when the turn failed
   */
  submit<T>(op: () => T): Promise<T> {
    if (this.#cycle === null) return Promise.reject(new Error('submit() is for shared stores only'));
    return this.#cycle.submit(op);
  }

  /** Reads retained events after `after` (see Store.readEvents). */
  readEvents(after: number, limit: number): Promise<EventRecord[]> {
    return this.#store.readEvents(after, limit);
  }

  /** Calls `listener` after each commit (metrics). */
  onCommit(listener: (info: CommitInfo) => void): void {
    this.#commitListeners.push(listener);
  }

  /** Changes whenever a credential is revoked (see Credentials.generation). */
  get credentialGeneration(): number {
    return this.#s.credentials.generation;
  }

  /** True while a principal's credential is valid (a set's secret dies with its set). */
  isCurrent(principal: Principal): boolean {
    return this.#s.credentials.isCurrent(principal);
  }

  /** Returns who a presented secret is, or null when it is not a credential of this server. */
  authenticate(secret: string): Principal | null {
    return this.#s.credentials.authenticate(secret);
  }

  // ---- capacity and sets --------------------------------------------------------------------

  /** `{ capacity, available }` of the namespace. */
  capacity(): { capacity: number; available: number } {
    this.#readable();
    return { capacity: this.#s.space.capacity, available: this.#s.space.available };
  }

  /**
   * Installs the capacity (admin).
   * @throws EACCES `admin-only`; EINVAL `invalid-capacity`; EBUSY `capacity-installed`
   */
  installCapacity(caller: Principal, capacity: number): { capacity: number; available: number } {
    this.#writable();
    requireAdmin(caller, 'installing the capacity');
    this.#s.space.installCapacity(capacity);
    this.#s.tracker.metaDirty = true;
    this.#record([OP.capacity, capacity]);
    return this.capacity();
  }

  /**
   * Creates a set owned by `owner` and returns it with its secret, which is shown only here (admin).
   * @throws EACCES `admin-only`; EINVAL `invalid-quota`; ENOSPC `no-capacity`, `quota-above-available`,
   * `set-ids-exhausted`; EEXIST `owner-exists`
   */
  createSet(caller: Principal, owner: string, quota: number): SetView & { secret: string } {
    this.#writable();
    requireAdmin(caller, 'creating a set');
    const set = this.#newSet(this.#s.space.allocSet(owner, quota));
    this.#record([OP.createSet, callerKey(caller), owner, quota, hexOf(this.#s.credentials.hashOf(set.sid))]);
    return set;
  }

  /**
   * Creates the system set (admin).
   * @throws EACCES `admin-only`; EINVAL `invalid-quota`; ENOSPC `no-capacity`, `quota-above-available`,
   * `set-ids-exhausted`; EEXIST `system-set-exists`, `system-set-dying`
   */
  createSystemSet(caller: Principal, quota: number): SetView & { secret: string } {
    this.#writable();
    requireAdmin(caller, 'creating the system set');
    const sid = this.#s.space.allocSystemSet(quota);
    this.#s.tracker.metaDirty = true;
    const set = this.#newSet(sid);
    this.#record([OP.createSystemSet, callerKey(caller), quota, hexOf(this.#s.credentials.hashOf(sid))]);
    return set;
  }

  /** Every set the caller may see: all for the admin, its own for a set secret. */
  listSets(caller: Principal): SetView[] {
    this.#readable();
    if (caller.kind === 'admin') return this.#s.space.listSets().map(setView);
    return [setView(this.#s.space.getSet(caller.sid))];
  }

  /** One set. @throws EACCES `other-set`; ENOENT `no-set` */
  getSet(caller: Principal, sid: number): SetView {
    this.#readable();
    return setView(requireExistingSet(this.#s.space, caller, sid));
  }

  /**
   * Changes a set's quota (admin).
   * @throws EACCES `admin-only`; EINVAL `quota-below-count`; ENOENT `no-set`, `set-dying`;
   * ENOSPC `growth-above-available`
   */
  adjustSet(caller: Principal, sid: number, quota: number): SetView {
    this.#writable();
    requireAdmin(caller, 'changing a quota');
    existingSet(this.#s.space, sid);
    this.#s.space.adjustSet(sid, quota);
    this.#s.tracker.touchSet(sid);
    this.#record([OP.adjustSet, callerKey(caller), sid, quota]);
    return setView(this.#s.space.getSet(sid));
  }

  /**
   * Frees every ID of a set and, with `destroy`, destroys it (admin; a set secret may only free its own
   * set's IDs without destroying). Emits one `free` per ID.
   * @throws EACCES `admin-only`, `other-set`; ENOENT `no-set`, `set-dying`
   */
  freeSet(caller: Principal, sid: number, destroy: boolean): void {
    this.#writable();
    if (destroy) requireAdmin(caller, 'destroying a set');
    requireExistingSet(this.#s.space, caller, sid);
    const before = this.#s.space.listIds(sid);
    this.#s.space.freeSet(sid, destroy);
    const exists = this.#s.exists(sid);
    const remaining = new Set(exists ? this.#s.space.listIds(sid) : []);
    for (const id of before) this.#s.tracker.touchId(id, remaining.has(id) ? PROBE : GONE);
    this.#s.tracker.touchSet(sid);
    if (!exists) this.#s.setGone(sid);
    this.#record([OP.freeSet, callerKey(caller), sid, destroy]);
  }

  /** The IDs of a set, ascending. @throws EACCES `other-set`; ENOENT `no-set` */
  listIds(caller: Principal, sid: number): number[] {
    this.#readable();
    requireExistingSet(this.#s.space, caller, sid);
    return this.#s.space.listIds(sid);
  }

  /**
   * The ID mapped to guest ID `spid` in set `sid`.
   * @throws EACCES `other-set`; ENOENT `no-set`, `spid-not-mapped`
   */
  findBySpid(caller: Principal, sid: number, spid: number): { id: number } {
    this.#readable();
    requireExistingSet(this.#s.space, caller, sid);
    return { id: this.#s.space.findBySpid(sid, spid) };
  }

  // ---- IDs ----------------------------------------------------------------------------------

  /**
   * Allocates the lowest free ID in `[min, max]` into set `sid`. Emits `alloc`.
   * @throws EACCES `other-set`; EINVAL `data-too-large`, `invalid-range`; ENOENT `no-set`, `set-dying`;
   * ENOSPC `set-quota`, `no-free-id`
   */
  alloc(caller: Principal, sid: number, min: number, max: number, data: unknown): number {
    this.#writable();
    requireSet(caller, sid);
    checkData(data);
    const id = this.#s.space.alloc(sid, min, max, data ?? null);
    this.#s.tracker.touchId(id);
    this.#record([OP.alloc, callerKey(caller), sid, min, max, data ?? null]);
    return id;
  }

  /**
   * Allocates `count` IDs into set `sid`, all or nothing: if one fails, those already allocated are
   * released again and their events withdrawn, so nobody ever sees them. An allocation that fails keeps
   * its reason and values; its message says how many were allocated before.
   * @throws EACCES `other-set`; ENOSPC `batch-over-quota` (no room for `count` more IDs); as `alloc`
   */
  allocMany(
    caller: Principal,
    sid: number,
    min: number,
    max: number,
    data: unknown,
    count: number,
  ): number[] {
    this.#writable();
    requireSet(caller, sid);
    checkData(data);
    const set = existingSet(this.#s.space, sid);
    if (!set.dying && set.count + count > set.quota) {
      throw apiError(
        'batch-over-quota',
        { sid, count: set.count, quota: set.quota, requested: count },
        `set ${sid} holds ${set.count} of its quota of ${set.quota} IDs, so ${count} more do not fit`,
      );
    }
    const mark = this.#s.tracker.mark();
    const ids: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const id = this.#s.space.alloc(sid, min, max, data ?? null);
        ids.push(id);
        this.#s.tracker.touchId(id);
      }
    } catch (error) {
      for (const id of ids) {
        this.#s.space.put(id);
        this.#s.tracker.touchId(id, GONE);
      }
      this.#s.tracker.rollback(mark);
      if (isIoasidError(error)) {
        throw new IoasidError(
          error.code,
          `allocating ${count} IDs failed after ${ids.length}, so none was allocated: ${error.message}`,
          error.reason,
          error.values,
        );
      }
      throw error;
    }
    this.#record([OP.allocMany, callerKey(caller), sid, min, max, data ?? null, count]);
    return ids;
  }

  /** Describes an ID. @throws ENOENT `id-not-allocated`; EACCES `foreign-id` */
  describeId(caller: Principal, id: number): IdView {
    this.#readable();
    requireId(this.#s.space, caller, id);
    const info = this.#s.space.idInfo(id) as IoasidIdInfo;
    return {
      id: info.id,
      sid: info.sid,
      state: info.state,
      spid: info.spid === INVALID_IOASID ? null : info.spid,
      data: info.data,
    };
  }

  /**
   * Frees an ID (released once no lease references it). Emits `free`.
   * @throws ENOENT `id-not-allocated`; EACCES `foreign-id`
   */
  free(caller: Principal, id: number): void {
    this.#writable();
    requireId(this.#s.space, caller, id);
    this.#s.space.free(id);
    this.#s.tracker.touchId(id);
    this.#record([OP.free, callerKey(caller), id]);
  }

  /**
   * Replaces an ID's data (null clears it).
   * @throws ENOENT `id-not-allocated`; EACCES `foreign-id`; EINVAL `data-too-large` (over 4 KiB)
   */
  setData(caller: Principal, id: number, data: unknown): void {
    this.#writable();
    requireId(this.#s.space, caller, id);
    checkData(data);
    this.#s.space.setData(id, data);
    this.#s.tracker.touchId(id);
    this.#record([OP.setData, callerKey(caller), id, data ?? null]);
  }

  /**
   * Maps guest ID `spid` to the ID. Emits `bind`.
   * @throws ENOENT `id-not-allocated`; EACCES `foreign-id`; EBUSY `free-pending`; EINVAL `spid-in-use`
   */
  attachSpid(caller: Principal, id: number, spid: number): void {
    this.#writable();
    requireId(this.#s.space, caller, id);
    this.#s.space.attachSpid(id, spid);
    this.#s.tracker.touchId(id);
    this.#record([OP.attachSpid, callerKey(caller), id, spid]);
  }

  /**
   * Removes the ID's guest ID mapping. Emits `unbind`.
   * @throws ENOENT `id-not-allocated`, `no-spid`; EACCES `foreign-id`
   */
  detachSpid(caller: Principal, id: number): void {
    this.#writable();
    requireId(this.#s.space, caller, id);
    this.#s.space.detachSpid(id);
    this.#s.tracker.touchId(id);
    this.#record([OP.detachSpid, callerKey(caller), id]);
  }

  /**
   * Publishes an event of `type` for the ID to the in-process chain and the event stream.
   * @returns the chain's result (NOTIFY_DONE when no in-process subscriber answers)
   * @throws ENOENT `id-not-allocated`; EACCES `foreign-id`; EINVAL `reserved-event-type`
   */
  notify(caller: Principal, id: number, type: string): number {
    this.#writable();
    requireId(this.#s.space, caller, id);
    checkEventType(type);
    const result = this.#s.space.notify(id, type);
    this.#record([OP.notify, callerKey(caller), id, type]);
    return result;
  }

  // ---- leases -------------------------------------------------------------------------------

  /**
   * Creates a lease owned by the caller and returns its name and TTL.
   * @throws ENOSPC `lease-limit`: the caller already has the most live leases its credential may have
   */
  createLease(caller: Principal, ttlMs: number): LeaseView {
    this.#writable();
    const lease = this.#s.leaseOps.create(caller, ttlMs, this.#given?.lease);
    this.#record([OP.createLease, callerKey(caller), ttlMs, lease.lease]);
    if (this.#cycle !== null) this.#expiry.arm(ttlMs);
    return lease;
  }

  /** Every lease with its references, ordered by name (inspection and tests; no access check). */
  listLeases(): LeaseInfo[] {
    this.#readable();
    return this.#s.leaseOps.list();
  }

  /**
   * Restarts a lease's TTL and returns its name and TTL. A read where this process keeps the time; a
   * write on a shared store, where the database's clock does (the lease's row gets its new expiry).
   * @throws ENOENT `no-lease`; EACCES `not-lease-creator`
   */
  keepalive(caller: Principal, name: string): LeaseView {
    if (this.#cycle === null) {
      this.#readable();
      return this.#s.leaseOps.keepalive(caller, name);
    }
    this.#writable();
    const lease = this.#s.leaseOps.keepalive(caller, name);
    this.#s.tracker.touchLease(name);
    this.#record([OP.keepalive, callerKey(caller), name]);
    this.#expiry.arm(lease.ttlMs);
    return lease;
  }

  /**
   * Drops every reference a lease holds and deletes it (no event).
   * @throws ENOENT `no-lease`; EACCES `not-lease-creator`
   */
  deleteLease(caller: Principal, name: string): void {
    this.#writable();
    this.#s.leaseOps.delete(caller, name);
    this.#record([OP.deleteLease, callerKey(caller), name]);
  }

  /**
   * Takes a reference on an ID for a lease: the ID is not released before the reference is dropped
   * or the lease ends. A set's lease may only reference that set's IDs.
   * @throws ENOENT `no-lease`, `id-not-allocated`; EACCES `not-lease-creator`, `foreign-id`, `lease-other-set`;
   * EBUSY `free-pending`; ENOSPC `lease-ref-limit`
   */
  takeRef(caller: Principal, id: number, name: string): void {
    this.#writable();
    this.#s.leaseOps.takeRef(caller, id, name);
    this.#record([OP.takeRef, callerKey(caller), id, name]);
  }

  /**
   * Drops one reference a lease holds on an ID.
   * @returns whether that released the ID
   * @throws ENOENT `no-lease`, `no-lease-ref`; EACCES `not-lease-creator`
   */
  dropRef(caller: Principal, id: number, name: string): boolean {
    this.#writable();
    const released = this.#s.leaseOps.dropRef(caller, id, name);
    this.#record([OP.dropRef, callerKey(caller), id, name]);
    return released;
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Stops lease timers and retries, commits what is pending and closes the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#s.leases.stop();
    this.#expiry.stop();
    this.#inspection.stop();
    await this.#outage.halt();
    if (!this.#queue.failed) await this.#queue.settled();
    await this.#store.close();
  }

  // ---- internals ----------------------------------------------------------------------------

  /**
   * Refuses a write up front, before it touches memory, while the store is unavailable.
   * @throws EAGAIN `store-unavailable`
   */
  #writable(): void {
    if (this.#replaying) return;
    const refusal = this.#outage.refusal(true);
    if (refusal !== null) throw refusal;
    if (this.#cycle !== null && !this.#inTurn) throw DEFERRED;
  }

  /** Appends an applied operation to the current turn's log (shared stores; not while replaying). */
  #record(op: OpRecord): void {
    if (this.#cycle !== null && !this.#replaying) this.#ops.push(op);
  }

  /**
   * Refuses a read while memory may hold changes the store does not (a commit failed and the committed
   * state is not reloaded yet). Reads are served while degraded.
   * @throws EAGAIN `store-unavailable`
   */
  #readable(): void {
    if (this.#outage.state !== 'restoring') return;
    throw this.#outage.refusal(false) as ApiError;
  }

  #newSet(sid: number): SetView & { secret: string } {
    const given = this.#given?.hash;
    let secret = '';
    if (given === undefined) secret = this.#s.credentials.issue(sid);
    else this.#s.credentials.restore(sid, given);
    this.#s.tracker.touchSet(sid);
    return { ...setView(this.#s.space.getSet(sid)), secret };
  }

  /** A lease was not kept alive: ends it, unless the engine stopped or its store is unavailable. */
  #expire(lease: Lease): void {
    if (this.stopped || this.#outage.state !== 'ready') return;
    const released = this.#s.leaseOps.expire(lease);
    this.#log.info({ lease: lease.lease, sid: lease.sid, released: released.length }, 'lease expired');
    this.#queue.schedule();
  }

  // ---- shared stores: write turns and catching up ----------------------------------------------

  /**
   * Replays other instances' commits (in a turn, or without the lock after a notification), hands their
   * rows to the store (SharedStore.absorb) and publishes their events. Each commit must end at the
   * sequence number it recorded: an instance whose replay differs is rebuilt from the store.
   * @throws Error when a replayed operation fails or the sequence differs
   */
  #catchUp(commits: CommitRecord[]): void {
    if (commits.length === 0) return;
    const tracker = this.#s.tracker;
    const wasInTurn = this.#inTurn;
    this.#replaying = true;
    this.#inTurn = true;
    try {
      for (const commit of commits) {
        for (const op of commit.ops) replayOp(this.#replayTarget, op, commit.version);
        if (tracker.nextSeq !== commit.nextSeq) {
          throw new Error(
            `replaying commit ${commit.version} ended at event ${tracker.nextSeq}, not ${commit.nextSeq}: this instance's state differs from the store's; it is reloaded`,
          );
        }
      }
    } finally {
      this.#replaying = false;
      this.#inTurn = wasInTurn;
      this.#given = null;
    }
    const batch = this.#build();
    const shared = this.#store.shared as NonNullable<Store['shared']>;
    const oldestSeq = shared.absorb(batch, commits[commits.length - 1].version);
    this.#hub.publish(batch.events, oldestSeq);
  }

  /**
   * Inside a write turn: ends the leases the database found expired (each exactly once: the turn holds
   * the namespace's lock, and a lease another turn expired is no longer in memory), then runs the queued
   * requests. Returns the batch and the operations, or null when nothing changed.
   */
  #applyTurn(
    expired: readonly string[],
    jobs: readonly Job[],
    forceMeta: boolean,
  ): { batch: StoreBatch; ops: OpRecord[] } | null {
    this.#inTurn = true;
    try {
      for (const name of expired) {
        const lease = this.#s.leases.get(name);
        if (lease === undefined) continue;
        const released = this.#s.leaseOps.expire(lease);
        this.#record([OP.expire, name]);
        this.#log.info({ lease: name, sid: lease.sid, released: released.length }, 'lease expired');
      }
      for (const job of jobs) job.run();
    } finally {
      this.#inTurn = false;
    }
    if (forceMeta) this.#s.tracker.metaDirty = true;
    if (!this.#s.tracker.dirty) {
      this.#ops = [];
      return null;
    }
    const ops = this.#ops;
    this.#ops = [];
    return { batch: this.#build(), ops };
  }

  #build(): StoreBatch {
    const s = this.#s;
    return buildBatch({
      space: s.space,
      withData: s.withData,
      credentials: s.credentials,
      leases: s.leases,
      tracker: s.tracker,
      retention: this.#retention,
    });
  }

  #committed(batch: StoreBatch, oldestSeq: number, waiters: number, seconds: number): void {
    this.#hub.publish(batch.events, oldestSeq);
    if (this.#commitListeners.length === 0) return;
    const info: CommitInfo = {
      requests: waiters,
      events: batch.events.length,
      rows: countRows(batch),
      seconds,
    };
    for (const listener of this.#commitListeners) listener(info);
  }

  /** A commit failed: lease expiry stops, and the way back to the committed state starts. */
  #commitFailed(error: unknown): Error {
    this.#s.leases.stop();
    return this.#outage.commitFailed(error);
  }

  /**
   * The store saw trouble with no commit running (Store.watch): a commit of the metadata finds out
   * whether it still takes writes; when not, the outage takes over as after any failed commit.
   */
  #storeTrouble(): void {
    if (this.stopped || this.#outage.state !== 'ready') return;
    if (this.#cycle !== null) {
      this.#cycle.schedule(true);
      return;
    }
    this.#s.tracker.metaDirty = true;
    this.#queue.schedule();
  }

  /** The store's words for a failure (see Store.describeFailure), or the error's message. */
  #describe(error: unknown): string {
    try {
      const words = this.#store.describeFailure?.(error);
      if (words !== undefined && words !== '') return words;
    } catch {
      // A failing description must not hide the failure itself.
    }
    return error instanceof Error ? error.message : String(error);
  }

  /**
   * Replaces the allocator state with the committed one: reloads the store, rebuilds, and publishes the
   * events the store holds beyond the last published one (a commit that failed for the engine but landed).
   * A damaged store stops the engine (onFatal); any other failure is retried by the outage.
   */
  async #restore(): Promise<void> {
    const snapshot = await this.#store.load();
    let state: EngineState;
    try {
      state = new EngineState(snapshot, { ...this.#config, previous: this.#s.credentials });
    } catch (error) {
      this.#stop(error);
      throw error;
    }
    const landed: EventRecord[] = [];
    const last = state.tracker.nextSeq - 1;
    for (let after = this.#hub.committedSeq; after < last; ) {
      const page = await this.#store.readEvents(after, 1000);
      const wanted = page.filter((e) => e.seq > after && e.seq <= last);
      if (wanted.length === 0) break;
      for (const e of wanted) landed.push(e);
      after = wanted[wanted.length - 1].seq;
    }
    this.#s.leases.stop();
    if (this.#cycle !== null) state.leases.trackDeadlines();
    this.#s = state;
    this.#ops = [];
    this.#queue.resume();
    this.#hub.publish(landed, snapshot.oldestSeq);
    if (landed.length > 0) {
      this.#log.info(
        { from: landed[0].seq, to: landed[landed.length - 1].seq },
        'the failed commit had landed in the store: its events are published',
      );
    }
  }

  /**
   * Commits a batch of the metadata only (no event, no row), after the store's own probe if it has one,
   * and after reloading the committed state when the probe asks for it (Store.probe: memory may be
   * behind the store; while degraded, memory holds nothing uncommitted, so replacing it loses nothing).
   */
  async #probe(): Promise<void> {
    if ((await this.#store.probe?.()) === 'reload') await this.#restore();
    if (this.#cycle !== null) {
      try {
        await this.#cycle.probe();
      } catch (error) {
        // More commits than the log keeps happened since the state was loaded: load it again.
        if (!(error instanceof FellBehindError)) throw error;
        await this.#restore();
        await this.#cycle.probe();
      }
      return;
    }
    const s = this.#s;
    await this.#store.commit({
      meta: { capacity: s.space.capacity, nextSeq: s.tracker.nextSeq, systemSid: s.space.systemSid },
      sets: { upsert: [], remove: [] },
      ids: { upsert: [], remove: [] },
      data: { upsert: [], remove: [] },
      leases: { upsert: [], remove: [] },
      leaseRefs: { upsert: [], remove: [] },
      events: [],
      retainFrom: s.tracker.nextSeq - this.#retention,
    });
  }

  /** The store takes writes again: leases get their full TTL, and a wanted capacity is installed. */
  #recovered(): void {
    void this.#recoveredAndSettled().catch(() => {
      // A failed commit here is handled by the outage like any other.
    });
  }

  async #recoveredAndSettled(): Promise<void> {
    if (this.#cycle !== null) {
      // On a shared store the capacity is installed in a write turn, so only if no instance did first.
      try {
        await this.#cycle.submit(() => this.#installWanted());
      } catch {
        // The turn failed: the outage took over.
      }
      return;
    }
    this.#installWanted();
    this.#s.leases.start();
    try {
      await this.#queue.durable();
    } catch {
      // The commit failed: the outage took over (restoring, then degraded).
    }
  }

  /** Installs the capacity asked for at start when none is installed; warns once when another is. */
  #installWanted(): void {
    const space = this.#s.space;
    const wanted = this.#wantedCapacity;
    if (wanted > 0 && space.capacity === 0) {
      space.installCapacity(wanted);
      this.#s.tracker.metaDirty = true;
      this.#record([OP.capacity, wanted]);
    } else if (wanted > 0 && wanted !== space.capacity && !this.#warnedCapacity) {
      this.#warnedCapacity = true;
      this.#log.warn(
        { installed: space.capacity, requested: wanted },
        `capacity ${space.capacity} is already installed in the store; the requested ${wanted} is ignored (it can be installed only once)`,
      );
    }
  }

  /** The reloaded store is damaged: nothing in this process can fix it. */
  #stop(error: unknown): void {
    if (this.#fatal) return;
    this.#fatal = true;
    this.#log.fatal(
      { err: error },
      'the store reloaded after a failed commit is damaged: stopping (restore a backup or start with an empty data directory)',
    );
    void this.#outage.halt();
    this.#onFatal(error);
  }
}
