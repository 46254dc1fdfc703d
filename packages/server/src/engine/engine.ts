// The durable allocator: the core IoasidSpace (single source of truth for every rule), the store it is
// persisted to with group commit, the server-wide event sequence, credentials and leases.

import {
  INVALID_IOASID,
  IoasidError,
  type IoasidEvent,
  type IoasidIdInfo,
  type IoasidSpace,
  isIoasidError,
} from 'ioasid';
import { apiError } from '../server-reasons.js';
import type { EventRecord, Store, StoreBatch, StoreHealth } from '../store/store.js';
import { existingSet, requireAdmin, requireExistingSet, requireId, requireSet } from './access.js';
import { buildBatch, countRows } from './batch-builder.js';
import { ChangeTracker, GONE, PROBE } from './change-tracker.js';
import { CommitQueue } from './commit-queue.js';
import { Credentials, type Principal } from './credentials.js';
import { type EngineLog, type EngineOptions, SILENT_LOG } from './engine-options.js';
import { EventHub } from './event-hub.js';
import { LeaseOperations } from './lease-operations.js';
import { type Lease, LeaseTable } from './lease-table.js';
import {
  checkData,
  checkEventType,
  DEFAULT_EVENT_RETENTION,
  DEFAULT_MAX_ADMIN_LEASES,
  DEFAULT_MAX_LEASES_PER_SET,
  limitOption,
  MAX_LEASE_REFS,
} from './limits.js';
import { rebuild } from './rebuild.js';
import {
  type CommitInfo,
  type IdView,
  type LeaseInfo,
  type LeaseView,
  type SetView,
  setView,
} from './views.js';

/**
 * The allocator behind the HTTP API. Every operation is synchronous: it checks access, applies the
 * change to the core (which validates it and throws IoasidError, changing nothing, when it breaks a
 * rule), marks what changed, and returns. The caller then awaits `durable()` before answering, so an
 * answer is only sent once the change is on disk. Events get their sequence numbers when they happen
 * and reach listeners when their batch is committed.
 */
export class Engine {
  readonly #space: IoasidSpace;
  readonly #store: Store;
  readonly #tracker: ChangeTracker;
  /** The IDs that have a stored data row (see BatchSources.withData). */
  readonly #withData = new Set<number>();
  readonly #credentials: Credentials;
  readonly #leases: LeaseTable;
  readonly #leaseOps: LeaseOperations;
  readonly #queue: CommitQueue;
  readonly #hub: EventHub;
  readonly #retention: number;
  readonly #log: EngineLog;
  readonly #onFatal: (error: unknown) => void;
  #commitListeners: ((info: CommitInfo) => void)[] = [];
  #closed = false;

  private constructor(options: EngineOptions, snapshot: Awaited<ReturnType<Store['load']>>) {
    this.#store = options.store;
    this.#log = options.log ?? SILENT_LOG;
    this.#onFatal = options.onFatal;
    this.#retention = limitOption('eventRetention', options.eventRetention, DEFAULT_EVENT_RETENTION);
    const maxRefs = limitOption('maxLeaseRefs', options.maxLeaseRefs, MAX_LEASE_REFS);
    const maxLeasesPerSet = limitOption(
      'maxLeasesPerSet',
      options.maxLeasesPerSet,
      DEFAULT_MAX_LEASES_PER_SET,
    );
    const maxAdminLeases = limitOption('maxAdminLeases', options.maxAdminLeases, DEFAULT_MAX_ADMIN_LEASES);
    this.#credentials = new Credentials(options.adminToken);
    this.#leases = new LeaseTable((lease) => this.#expire(lease));
    const { space, nextSeq } = rebuild(snapshot, {
      withData: this.#withData,
      credentials: this.#credentials,
      leases: this.#leases,
      onNotifierError: (error) => this.#log.error({ err: error }, 'event recording failed'),
    });
    this.#space = space;
    this.#tracker = new ChangeTracker(nextSeq);
    this.#leaseOps = new LeaseOperations({
      space,
      leases: this.#leases,
      tracker: this.#tracker,
      maxRefs,
      maxLeasesPerSet,
      maxAdminLeases,
      put: (id) => this.#put(id),
    });
    this.#hub = new EventHub(nextSeq - 1, snapshot.oldestSeq);
    this.#queue = new CommitQueue(
      {
        dirty: () => this.#tracker.dirty,
        build: () => this.#build(),
        commit: (batch) => this.#store.commit(batch),
        committed: (batch, receipt, waiters, seconds) =>
          this.#committed(batch, receipt.oldestSeq, waiters, seconds),
        fatal: (error) => this.#fatal(error),
      },
      options.commitMode ?? 'group',
    );
    // Registered after the rebuild, so replaying the store emitted nothing.
    space.addNotifier((event) => this.#record(event));
  }

  /**
   * Loads the store, rebuilds the allocator state and installs `capacity` if none is installed yet.
   * Leases start with their full TTL.
   * @throws DamagedStoreError when the stored state is inconsistent; IoasidError for a bad capacity
   */
  static async open(options: EngineOptions): Promise<Engine> {
    const snapshot = await options.store.load();
    const engine = new Engine(options, snapshot);
    const wanted = options.capacity ?? 0;
    const space = engine.#space;
    if (wanted > 0 && space.capacity === 0) {
      space.installCapacity(wanted);
      engine.#tracker.metaDirty = true;
    } else if (wanted > 0 && wanted !== space.capacity) {
      engine.#log.warn(
        { installed: space.capacity, requested: wanted },
        `capacity ${space.capacity} is already installed in the store; the requested ${wanted} is ignored (it can be installed only once)`,
      );
    }
    await engine.#queue.durable();
    engine.#leases.start();
    return engine;
  }

  /** The allocator (read it; change it only through the engine, or the store will not see it). */
  get space(): IoasidSpace {
    return this.#space;
  }

  /** Committed events and the live listeners. */
  get events(): EventHub {
    return this.#hub;
  }

  /** Number of live leases. */
  get leaseCount(): number {
    return this.#leases.size;
  }

  /** The store's upkeep figures, or null when the store reports none (see Store.health). */
  storeHealth(): StoreHealth | null {
    return this.#store.health?.() ?? null;
  }

  /** True once a commit failed or the engine was closed. */
  get stopped(): boolean {
    return this.#closed || this.#queue.failed;
  }

  /** Resolves once everything applied so far is on disk. */
  durable(): Promise<void> {
    return this.#queue.durable();
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
    return this.#credentials.generation;
  }

  /** True while a principal's credential is valid (a set's secret dies with its set). */
  isCurrent(principal: Principal): boolean {
    return this.#credentials.isCurrent(principal);
  }

  /** Returns who a presented secret is, or null when it is not a credential of this server. */
  authenticate(secret: string): Principal | null {
    return this.#credentials.authenticate(secret);
  }

  // ---- capacity and sets --------------------------------------------------------------------

  /** `{ capacity, available }` of the namespace. */
  capacity(): { capacity: number; available: number } {
    return { capacity: this.#space.capacity, available: this.#space.available };
  }

  /**
   * Installs the capacity (admin).
   * @throws EACCES `admin-only`; EINVAL `invalid-capacity`; EBUSY `capacity-installed`
   */
  installCapacity(caller: Principal, capacity: number): { capacity: number; available: number } {
    requireAdmin(caller, 'installing the capacity');
    this.#space.installCapacity(capacity);
    this.#tracker.metaDirty = true;
    return this.capacity();
  }

  /**
   * Creates a set owned by `owner` and returns it with its secret, which is shown only here (admin).
   * @throws EACCES `admin-only`; EINVAL `invalid-quota`; ENOSPC `no-capacity`, `quota-above-available`,
   * `set-ids-exhausted`; EEXIST `owner-exists`
   */
  createSet(caller: Principal, owner: string, quota: number): SetView & { secret: string } {
    requireAdmin(caller, 'creating a set');
    return this.#newSet(this.#space.allocSet(owner, quota));
  }

  /**
   * Creates the system set (admin).
   * @throws EACCES `admin-only`; EINVAL `invalid-quota`; ENOSPC `no-capacity`, `quota-above-available`,
   * `set-ids-exhausted`; EEXIST `system-set-exists`, `system-set-dying`
   */
  createSystemSet(caller: Principal, quota: number): SetView & { secret: string } {
    requireAdmin(caller, 'creating the system set');
    const sid = this.#space.allocSystemSet(quota);
    this.#tracker.metaDirty = true;
    return this.#newSet(sid);
  }

  /** Every set the caller may see: all for the admin, its own for a set secret. */
  listSets(caller: Principal): SetView[] {
    if (caller.kind === 'admin') return this.#space.listSets().map(setView);
    return [setView(this.#space.getSet(caller.sid))];
  }

  /** One set. @throws EACCES `other-set`; ENOENT `no-set` */
  getSet(caller: Principal, sid: number): SetView {
    return setView(requireExistingSet(this.#space, caller, sid));
  }

  /**
   * Changes a set's quota (admin).
   * @throws EACCES `admin-only`; EINVAL `quota-below-count`; ENOENT `no-set`, `set-dying`;
   * ENOSPC `growth-above-available`
   */
  adjustSet(caller: Principal, sid: number, quota: number): SetView {
    requireAdmin(caller, 'changing a quota');
    existingSet(this.#space, sid);
    this.#space.adjustSet(sid, quota);
    this.#tracker.touchSet(sid);
    return setView(this.#space.getSet(sid));
  }

  /**
   * Frees every ID of a set and, with `destroy`, destroys it (admin; a set secret may only free its own
   * set's IDs without destroying). Emits one `free` per ID.
   * @throws EACCES `admin-only`, `other-set`; ENOENT `no-set`, `set-dying`
   */
  freeSet(caller: Principal, sid: number, destroy: boolean): void {
    if (destroy) requireAdmin(caller, 'destroying a set');
    requireExistingSet(this.#space, caller, sid);
    const before = this.#space.listIds(sid);
    this.#space.freeSet(sid, destroy);
    const exists = this.#exists(sid);
    const remaining = new Set(exists ? this.#space.listIds(sid) : []);
    for (const id of before) this.#tracker.touchId(id, remaining.has(id) ? PROBE : GONE);
    this.#tracker.touchSet(sid);
    if (!exists) this.#setGone(sid);
  }

  /** The IDs of a set, ascending. @throws EACCES `other-set`; ENOENT `no-set` */
  listIds(caller: Principal, sid: number): number[] {
    requireExistingSet(this.#space, caller, sid);
    return this.#space.listIds(sid);
  }

  /**
   * The ID mapped to guest ID `spid` in set `sid`.
   * @throws EACCES `other-set`; ENOENT `no-set`, `spid-not-mapped`
   */
  findBySpid(caller: Principal, sid: number, spid: number): { id: number } {
    requireExistingSet(this.#space, caller, sid);
    return { id: this.#space.findBySpid(sid, spid) };
  }

  // ---- IDs ----------------------------------------------------------------------------------

  /**
   * Allocates the lowest free ID in `[min, max]` into set `sid`. Emits `alloc`.
   * @throws EACCES `other-set`; EINVAL `data-too-large`, `invalid-range`; ENOENT `no-set`, `set-dying`;
   * ENOSPC `set-quota`, `no-free-id`
   */
  alloc(caller: Principal, sid: number, min: number, max: number, data: unknown): number {
    requireSet(caller, sid);
    checkData(data);
    const id = this.#space.alloc(sid, min, max, data ?? null);
    this.#tracker.touchId(id);
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
    requireSet(caller, sid);
    checkData(data);
    const set = existingSet(this.#space, sid);
    if (!set.dying && set.count + count > set.quota) {
      throw apiError(
        'batch-over-quota',
        { sid, count: set.count, quota: set.quota, requested: count },
        `set ${sid} holds ${set.count} of its quota of ${set.quota} IDs, so ${count} more do not fit`,
      );
    }
    const mark = this.#tracker.mark();
    const ids: number[] = [];
    try {
      for (let i = 0; i < count; i++) {
        const id = this.#space.alloc(sid, min, max, data ?? null);
        ids.push(id);
        this.#tracker.touchId(id);
      }
    } catch (error) {
      for (const id of ids) {
        this.#space.put(id);
        this.#tracker.touchId(id, GONE);
      }
      this.#tracker.rollback(mark);
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
    return ids;
  }

  /** Describes an ID. @throws ENOENT `id-not-allocated`; EACCES `foreign-id` */
  describeId(caller: Principal, id: number): IdView {
    requireId(this.#space, caller, id);
    const info = this.#space.idInfo(id) as IoasidIdInfo;
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
    requireId(this.#space, caller, id);
    this.#space.free(id);
    this.#tracker.touchId(id);
  }

  /**
   * Replaces an ID's data (null clears it).
   * @throws ENOENT `id-not-allocated`; EACCES `foreign-id`; EINVAL `data-too-large` (over 4 KiB)
   */
  setData(caller: Principal, id: number, data: unknown): void {
    requireId(this.#space, caller, id);
    checkData(data);
    this.#space.setData(id, data);
    this.#tracker.touchId(id);
  }

  /**
   * Maps guest ID `spid` to the ID. Emits `bind`.
   * @throws ENOENT `id-not-allocated`; EACCES `foreign-id`; EBUSY `free-pending`; EINVAL `spid-in-use`
   */
  attachSpid(caller: Principal, id: number, spid: number): void {
    requireId(this.#space, caller, id);
    this.#space.attachSpid(id, spid);
    this.#tracker.touchId(id);
  }

  /**
   * Removes the ID's guest ID mapping. Emits `unbind`.
   * @throws ENOENT `id-not-allocated`, `no-spid`; EACCES `foreign-id`
   */
  detachSpid(caller: Principal, id: number): void {
    requireId(this.#space, caller, id);
    this.#space.detachSpid(id);
    this.#tracker.touchId(id);
  }

  /**
   * Publishes an event of `type` for the ID to the in-process chain and the event stream.
   * @returns the chain's result (NOTIFY_DONE when no in-process subscriber answers)
   * @throws ENOENT `id-not-allocated`; EACCES `foreign-id`; EINVAL `reserved-event-type`
   */
  notify(caller: Principal, id: number, type: string): number {
    requireId(this.#space, caller, id);
    checkEventType(type);
    return this.#space.notify(id, type);
  }

  // ---- leases -------------------------------------------------------------------------------

  /**
   * Creates a lease owned by the caller and returns its name and TTL.
   * @throws ENOSPC `lease-limit`: the caller already has the most live leases its credential may have
   */
  createLease(caller: Principal, ttlMs: number): LeaseView {
    return this.#leaseOps.create(caller, ttlMs);
  }

  /** Every lease with its references, ordered by name (inspection and tests; no access check). */
  listLeases(): LeaseInfo[] {
    return this.#leaseOps.list();
  }

  /** Restarts a lease's TTL and returns its name and TTL. @throws ENOENT `no-lease`; EACCES `not-lease-creator` */
  keepalive(caller: Principal, name: string): LeaseView {
    return this.#leaseOps.keepalive(caller, name);
  }

  /**
   * Drops every reference a lease holds and deletes it (no event).
   * @throws ENOENT `no-lease`; EACCES `not-lease-creator`
   */
  deleteLease(caller: Principal, name: string): void {
    this.#leaseOps.delete(caller, name);
  }

  /**
   * Takes a reference on an ID for a lease: the ID is not released before the reference is dropped
   * or the lease ends. A set's lease may only reference that set's IDs.
   * @throws ENOENT `no-lease`, `id-not-allocated`; EACCES `not-lease-creator`, `foreign-id`, `lease-other-set`;
   * EBUSY `free-pending`; ENOSPC `lease-ref-limit`
   */
  takeRef(caller: Principal, id: number, name: string): void {
    this.#leaseOps.takeRef(caller, id, name);
  }

  /**
   * Drops one reference a lease holds on an ID.
   * @returns whether that released the ID
   * @throws ENOENT `no-lease`, `no-lease-ref`; EACCES `not-lease-creator`
   */
  dropRef(caller: Principal, id: number, name: string): boolean {
    return this.#leaseOps.dropRef(caller, id, name);
  }

  // ---- lifecycle ----------------------------------------------------------------------------

  /** Stops lease timers, commits what is pending and closes the store. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#leases.stop();
    if (!this.#queue.failed) await this.#queue.settled();
    await this.#store.close();
  }

  // ---- internals ----------------------------------------------------------------------------

  /** The global notifier: numbers every core event and marks its ID dirty. */
  #record(event: IoasidEvent): void {
    const spid = event.spid === INVALID_IOASID ? null : event.spid;
    this.#tracker.record(event.type, event.id, event.sid, spid, event.data);
    this.#tracker.touchId(event.id);
  }

  #newSet(sid: number): SetView & { secret: string } {
    const secret = this.#credentials.issue(sid);
    this.#tracker.touchSet(sid);
    return { ...setView(this.#space.getSet(sid)), secret };
  }

  #exists(sid: number): boolean {
    return this.#space.setInfo(sid) !== undefined;
  }

  /** Drops one reference; handles the release of the ID and, with it, of a dying set. */
  #put(id: number): boolean {
    const sid = this.#space.findSid(id);
    const released = this.#space.put(id);
    this.#tracker.touchId(id, released ? GONE : PROBE);
    if (released && !this.#exists(sid)) {
      this.#tracker.touchSet(sid);
      this.#setGone(sid);
    }
    return released;
  }

  /** A destroyed set's secret stops working at once; its leases (which hold no references) end. */
  #setGone(sid: number): void {
    this.#credentials.remove(sid);
    this.#leaseOps.dropOwnedBy(sid);
  }

  /** A lease was not kept alive: ends it, unless the engine has stopped (then it lives on in the store). */
  #expire(lease: Lease): void {
    if (this.stopped) return;
    const released = this.#leaseOps.expire(lease);
    this.#log.info({ lease: lease.lease, sid: lease.sid, released: released.length }, 'lease expired');
    this.#queue.schedule();
  }

  #build(): StoreBatch {
    return buildBatch({
      space: this.#space,
      withData: this.#withData,
      credentials: this.#credentials,
      leases: this.#leases,
      tracker: this.#tracker,
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

  #fatal(error: unknown): Error {
    this.#log.fatal(
      { err: error },
      'commit failed: memory and disk may differ, stopping (a restart rebuilds from disk)',
    );
    this.#leases.stop();
    this.#onFatal(error);
    return apiError(
      'store-failed',
      {},
      'the store failed to commit this change, so it is not applied; the server is stopping',
    );
  }
}
