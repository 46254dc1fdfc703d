// The allocator state an engine builds from a store snapshot: the core space, the change tracker, the
// credentials, the leases and their operations, the IDs with data. Replaced whole when a commit fails.

import { INVALID_IOASID, type IoasidSpace } from 'ioasid';
import type { StoreSnapshot } from '../store/store.js';
import { ChangeTracker, GONE, PROBE } from './change-tracker.js';
import { type AdminHashes, Credentials } from './credentials.js';
import { LeaseOperations } from './lease-operations.js';
import { type Lease, LeaseTable } from './lease-table.js';
import { rebuild } from './rebuild.js';

/** What building a state needs besides the snapshot. */
export interface EngineStateConfig {
  /** The admin credential, or the admin hashes (see Credentials). */
  readonly adminToken: string | AdminHashes;
  /** Most references one lease may hold in total. */
  readonly maxRefs: number;
  /** Most live leases one set's secret may have created. */
  readonly maxLeasesPerSet: number;
  /** Most live leases the admin may have created. */
  readonly maxAdminLeases: number;
  /** The credentials of the state this one replaces (see Credentials), or null at start. */
  readonly previous: Credentials | null;
  /** Called when a lease of this state was not kept alive (its timers run from `leases.start()`). */
  readonly onExpire: (lease: Lease) => void;
  /** Called when an in-process notifier of the core throws. */
  readonly onNotifierError: (error: unknown) => void;
  /** Called when a set of this state is gone (destroyed), before a new set can get its ID. */
  readonly onSetGone?: (sid: number) => void;
}

/**
 * One consistent allocator state: everything an engine operation reads or changes in memory. The engine
 * holds exactly one; after a failed commit it drops it (with its uncommitted changes) and builds a new
 * one from the reloaded snapshot. The event hub and its listeners are not part of it: they survive.
 */
export class EngineState {
  readonly space: IoasidSpace;
  /** Dirty marks and pending events since the last commit; its nextSeq is the next event's number. */
  readonly tracker: ChangeTracker;
  /** The IDs that have a stored data row (see BatchSources.withData). */
  readonly withData = new Set<number>();
  readonly credentials: Credentials;
  /** Live leases; their timers run only between `leases.start()` and `leases.stop()`. */
  readonly leases: LeaseTable;
  readonly leaseOps: LeaseOperations;
  readonly #onSetGone: ((sid: number) => void) | undefined;

  /**
   * Rebuilds the state of `snapshot` (see rebuild), then registers the notifier that numbers every later
   * core event (the replay emitted none).
   * @throws DamagedStoreError when the snapshot is inconsistent
   */
  constructor(snapshot: StoreSnapshot, config: EngineStateConfig) {
    this.#onSetGone = config.onSetGone;
    this.credentials = new Credentials(config.adminToken, config.previous);
    this.leases = new LeaseTable(config.onExpire);
    const { space, nextSeq } = rebuild(snapshot, {
      withData: this.withData,
      credentials: this.credentials,
      leases: this.leases,
      onNotifierError: config.onNotifierError,
    });
    this.credentials.restored();
    this.space = space;
    this.tracker = new ChangeTracker(nextSeq);
    this.leaseOps = new LeaseOperations({
      space,
      leases: this.leases,
      tracker: this.tracker,
      maxRefs: config.maxRefs,
      maxLeasesPerSet: config.maxLeasesPerSet,
      maxAdminLeases: config.maxAdminLeases,
      put: (id) => this.put(id),
    });
    space.addNotifier((event) => {
      const spid = event.spid === INVALID_IOASID ? null : event.spid;
      this.tracker.record(event.type, event.id, event.sid, spid, event.data);
      this.tracker.touchId(event.id);
    });
  }

  /** True while set `sid` exists (dying included). */
  exists(sid: number): boolean {
    return this.space.setInfo(sid) !== undefined;
  }

  /** Drops one reference; handles the release of the ID and, with it, of a dying set. */
  put(id: number): boolean {
    const sid = this.space.findSid(id);
    const released = this.space.put(id);
    this.tracker.touchId(id, released ? GONE : PROBE);
    if (released && !this.exists(sid)) {
      this.tracker.touchSet(sid);
      this.setGone(sid);
    }
    return released;
  }

  /** A destroyed set's secret stops working at once; its leases (which hold no references) end. */
  setGone(sid: number): void {
    this.credentials.remove(sid);
    this.leaseOps.dropOwnedBy(sid);
    this.#onSetGone?.(sid);
  }
}
