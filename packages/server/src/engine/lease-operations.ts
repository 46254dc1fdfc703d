// The engine's lease operations: creating, keeping alive and deleting leases, and the ID references
// they hold. A lease's references keep their IDs from being released; dropping the last one releases it.

import { INVALID_IOASID_SET, type IoasidSpace } from 'ioasid';
import { apiError } from '../server-reasons.js';
import { requireId, requireLease, requireLeaseMayHold } from './access.js';
import type { ChangeTracker } from './change-tracker.js';
import type { Principal } from './credentials.js';
import type { Lease, LeaseTable } from './lease-table.js';
import type { LeaseInfo, LeaseView } from './views.js';

/** What the lease operations work on, shared with the engine. */
export interface LeaseOperationsContext {
  readonly space: IoasidSpace;
  readonly leases: LeaseTable;
  readonly tracker: ChangeTracker;
  /** Most references one lease may hold in total. */
  readonly maxRefs: number;
  /** Most live leases one set's secret may have created. */
  readonly maxLeasesPerSet: number;
  /** Most live leases the admin may have created. */
  readonly maxAdminLeases: number;
  /**
   * Drops one reference on an ID and handles what that releases (the ID, and with it a dying set).
   * @returns whether the ID was released
   */
  readonly put: (id: number) => boolean;
}

/**
 * Leases and their references over the engine's allocator. Every method changes memory synchronously and
 * marks what changed in the tracker; the engine commits it.
 */
export class LeaseOperations {
  readonly #space: IoasidSpace;
  readonly #leases: LeaseTable;
  readonly #tracker: ChangeTracker;
  readonly #maxRefs: number;
  readonly #maxLeasesPerSet: number;
  readonly #maxAdminLeases: number;
  readonly #put: (id: number) => boolean;

  /** @param context the allocator, lease table and change tracker shared with the engine */
  constructor(context: LeaseOperationsContext) {
    this.#space = context.space;
    this.#leases = context.leases;
    this.#tracker = context.tracker;
    this.#maxRefs = context.maxRefs;
    this.#maxLeasesPerSet = context.maxLeasesPerSet;
    this.#maxAdminLeases = context.maxAdminLeases;
    this.#put = context.put;
  }

  /**
   * Creates a lease owned by the caller and returns its name and TTL.
   * @param name the lease's name when it is given (an operation replayed from the commit log); drawn at
   * random otherwise
   * @throws ENOSPC `lease-limit`: the caller already has the most live leases its credential may have
   */
  create(caller: Principal, ttlMs: number, name?: string): LeaseView {
    const creator = caller.kind === 'admin' ? null : caller.sid;
    const limit = creator === null ? this.#maxAdminLeases : this.#maxLeasesPerSet;
    const held = this.#leases.countOwnedBy(creator);
    if (held >= limit) {
      const who = creator === null ? 'the admin token' : `the secret of set ${creator}`;
      throw apiError(
        'lease-limit',
        { sid: creator, held, limit },
        `${who} holds ${held} leases and may hold at most ${limit}`,
      );
    }
    const lease =
      name === undefined ? this.#leases.add(creator, ttlMs) : this.#leases.add(creator, ttlMs, name);
    this.#tracker.touchLease(lease.lease);
    return { lease: lease.lease, ttlMs };
  }

  /** Returns every lease with its references, ordered by name (no access check). */
  list(): LeaseInfo[] {
    return Array.from(this.#leases.all(), (l) => ({
      lease: l.lease,
      sid: l.sid,
      ttlMs: l.ttlMs,
      refs: Array.from(l.refs.entries()).sort((a, b) => a[0] - b[0]),
    })).sort((a, b) => (a.lease < b.lease ? -1 : a.lease > b.lease ? 1 : 0));
  }

  /** Restarts a lease's TTL and returns its name and TTL. @throws ENOENT `no-lease`; EACCES `not-lease-creator` */
  keepalive(caller: Principal, name: string): LeaseView {
    const lease = requireLease(this.#leases, caller, name);
    this.#leases.keepalive(name);
    return { lease: name, ttlMs: lease.ttlMs };
  }

  /** Drops every reference a lease holds and deletes it (no event). @throws ENOENT `no-lease`; EACCES `not-lease-creator` */
  delete(caller: Principal, name: string): void {
    const lease = requireLease(this.#leases, caller, name);
    this.drop(lease);
  }

  /**
   * Takes a reference on an ID for a lease: the ID is not released before the reference is dropped
   * or the lease ends. A set's lease may only reference that set's IDs. Mirrors `ioasid_get()`.
   * @throws ENOENT `no-lease`, `id-not-allocated`; EACCES `not-lease-creator`, `foreign-id`, `lease-other-set`;
   * EBUSY `free-pending`; ENOSPC `lease-ref-limit`
   */
  takeRef(caller: Principal, id: number, name: string): void {
    const lease = requireLease(this.#leases, caller, name);
    const sid = requireId(this.#space, caller, id);
    requireLeaseMayHold(lease, id, sid);
    if (lease.held >= this.#maxRefs) {
      throw apiError(
        'lease-ref-limit',
        { lease: name, held: lease.held, limit: this.#maxRefs },
        `lease ${name} holds ${lease.held} references, the most one lease may hold`,
      );
    }
    this.#space.get(id, lease.sid ?? INVALID_IOASID_SET);
    this.#leases.addRef(lease, id);
    this.#tracker.touchId(id);
    this.#tracker.touchLeaseRef(name, id);
  }

  /**
   * Drops one reference a lease holds on an ID. Mirrors `ioasid_put()`.
   * @returns whether that released the ID
   * @throws ENOENT `no-lease`, `no-lease-ref`; EACCES `not-lease-creator`
   */
  dropRef(caller: Principal, id: number, name: string): boolean {
    const lease = requireLease(this.#leases, caller, name);
    if (!this.#leases.dropRef(lease, id)) {
      throw apiError('no-lease-ref', { lease: name, id }, `lease ${name} holds no reference on ID ${id}`);
    }
    this.#tracker.touchLeaseRef(name, id);
    return this.#put(id);
  }

  /**
   * Drops every reference of a lease and deletes it (deletion, expiry, or the end of its set).
   * @returns the IDs that were released, in the order they were released
   */
  drop(lease: Lease): number[] {
    const released: number[] = [];
    // Deleted first: a put that destroys the lease's set ends that set's leases, and this one must no
    // longer be among them.
    const refs = this.#leases.delete(lease.lease);
    this.#tracker.touchLease(lease.lease);
    for (const [id, count] of refs) {
      for (let i = 0; i < count; i++) {
        if (this.#put(id)) released.push(id);
      }
    }
    return released;
  }

  /** Ends the leases created by set `sid` (the set is gone; they hold no references by then). */
  dropOwnedBy(sid: number): void {
    for (const lease of this.#leases.ownedBy(sid)) this.drop(lease);
  }

  /**
   * Ends a lease that was not kept alive: drops its references and records one `lease-expired` event.
   * @returns the released IDs, ascending
   */
  expire(lease: Lease): number[] {
    const released = this.drop(lease).sort((a, b) => a - b);
    this.#tracker.record('lease-expired', null, lease.sid, null, { lease: lease.lease, released });
    return released;
  }
}
