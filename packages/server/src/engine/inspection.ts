// The read-only views a dashboard needs beyond the allocator's own operations: the occupancy map, the
// last hour's history, the leases, who holds an ID, a set's last events, its IDs in detail and the
// instances. Each checks access as the engine's own reads do and delegates to a module of its own.

import type { ApiError } from '../api-error.js';
import { apiError } from '../server-reasons.js';
import type { EventRecord, Store } from '../store/store.js';
import { requireAdmin, requireExistingSet, requireId, requireSet } from './access.js';
import type { Principal } from './credentials.js';
import type { EngineState } from './engine-state.js';
import type { EventHub } from './event-hub.js';
import { History, type HistoryView } from './history.js';
import { type IdDetailsPage, idDetails } from './id-details.js';
import { type InstanceView, listInstances } from './instances.js';
import { type IdRefHolder, type LeaseSummary, leaseSummaries, refHolders } from './lease-summaries.js';
import { type MapQuery, type OccupancyMap, occupancyMap } from './occupancy-map.js';
import { SetEventIndex } from './set-event-index.js';

/** What the views read, shared with the engine. */
export interface InspectionContext {
  /** The current allocator state (replaced whole after a failed commit). */
  readonly state: () => EngineState;
  /** Throws EAGAIN `store-unavailable` while reads are refused (the engine is restoring). */
  readonly readable: () => void;
  readonly hub: EventHub;
  readonly store: Store;
  /** Epoch milliseconds. */
  readonly clock: () => number;
  /** The store's words for a failure. */
  readonly describe: (error: unknown) => string;
  /** Told when a view failed to take a committed batch (it is incomplete from then on). */
  readonly report: (error: unknown) => void;
}

/** `GET /v1/ioasids/{id}/refs`: the references on an ID and the leases holding them. */
export interface IdRefs {
  readonly id: number;
  /** References on the ID in total (the owner's included until it is freed). */
  readonly refs: number;
  readonly leases: IdRefHolder[];
}

/**
 * The dashboard's views of one engine. Fed with every committed batch (`committed`), told when a set is
 * gone (`setGone`), stopped with the engine (`stop`).
 */
export class Inspection {
  readonly #context: InspectionContext;
  readonly #history: History;
  readonly #events: SetEventIndex;
  readonly #startedAt: number;

  constructor(context: InspectionContext) {
    this.#context = context;
    this.#startedAt = context.clock();
    this.#history = new History({ space: () => context.state().space, clock: context.clock });
    this.#events = new SetEventIndex({
      readEvents: (after, limit) => context.store.readEvents(after, limit),
      committedSeq: () => context.hub.committedSeq,
      oldestSeq: () => context.hub.oldestSeq,
    });
  }

  /** Takes a committed batch of events (the event hub's observer). */
  committed(events: readonly EventRecord[]): void {
    // Called from the commit path: a view that failed must not fail the commit.
    try {
      this.#history.committed(events);
    } catch (error) {
      this.#context.report(error);
    }
    try {
      this.#events.committed(events);
    } catch (error) {
      this.#context.report(error);
    }
  }

  /** Set `sid` is gone: a new set may get its ID, so its history ends here. */
  setGone(sid: number): void {
    this.#history.forget(sid);
  }

  /** Stops the history's sampler. */
  stop(): void {
    this.#history.stop();
  }

  /**
   * The occupancy of a range in buckets (see occupancyMap); a set secret's map counts its own IDs only.
   * @throws EINVAL `invalid-map-range`
   */
  map(caller: Principal, query: MapQuery): OccupancyMap {
    this.#context.readable();
    return occupancyMap(this.#context.state().space, query, caller.kind === 'set' ? caller.sid : null);
  }

  /**
   * The last hour: alloc and free events per second of set `sid` (a set secret's own set when omitted;
   * every set for the admin without it), `sid`'s count every 10 s, and the rates of the visible sets.
   * @throws EACCES `other-set`; ENOENT `no-set`
   */
  history(caller: Principal, sid: number | undefined): HistoryView {
    this.#context.readable();
    const space = this.#context.state().space;
    const chosen = sid ?? (caller.kind === 'set' ? caller.sid : null);
    if (chosen !== null) requireExistingSet(space, caller, chosen);
    const visible = caller.kind === 'set' ? [caller.sid] : space.listSets().map((s) => s.sid);
    return this.#history.view(chosen, chosen, visible);
  }

  /**
   * The live leases, ascending by name: a set secret's own; the admin's view of every lease, or with
   * `sid` of those that set's secret created.
   * @throws EACCES `other-set` (a set secret naming another set)
   */
  leases(caller: Principal, sid: number | undefined): LeaseSummary[] {
    this.#context.readable();
    if (sid !== undefined) requireSet(caller, sid);
    const creator = caller.kind === 'set' ? caller.sid : sid;
    return leaseSummaries(this.#context.state().leases, creator);
  }

  /** The references on ID `id` and the leases holding them. @throws ENOENT `id-not-allocated`; EACCES `foreign-id` */
  idRefs(caller: Principal, id: number): IdRefs {
    this.#context.readable();
    const s = this.#context.state();
    requireId(s.space, caller, id);
    return { id, refs: s.space.refCount(id), leases: refHolders(s.leases, id) };
  }

  /**
   * The last `limit` retained events of set `sid`, ascending (the first call reads the retained log).
   * @throws EACCES `other-set`; ENOENT `no-set`; EAGAIN `store-unavailable` when the log cannot be read
   */
  async setEvents(caller: Principal, sid: number, limit: number): Promise<EventRecord[]> {
    this.#context.readable();
    requireExistingSet(this.#context.state().space, caller, sid);
    try {
      return await this.#events.last(sid, limit);
    } catch (error) {
      throw this.#unreadable(error, 'its event log');
    }
  }

  /**
   * A page of set `sid`'s IDs above `after` with their details.
   * @throws EACCES `other-set`; ENOENT `no-set`
   */
  idDetails(caller: Principal, sid: number, after: number, limit: number): IdDetailsPage {
    this.#context.readable();
    const space = this.#context.state().space;
    requireExistingSet(space, caller, sid);
    return idDetails(space, sid, after, limit);
  }

  /**
   * The instances serving the namespace (admin).
   * @throws EACCES `admin-only`; EAGAIN `store-unavailable` when the store cannot be read
   */
  async instances(caller: Principal): Promise<InstanceView[]> {
    requireAdmin(caller, 'listing the instances');
    const { store, hub, clock } = this.#context;
    try {
      return await listInstances(store, { startedAt: this.#startedAt, now: clock(), seq: hub.committedSeq });
    } catch (error) {
      throw this.#unreadable(error, 'the instances it records');
    }
  }

  #unreadable(error: unknown, what: string): ApiError {
    const cause = this.#context.describe(error);
    const since = new Date(this.#context.clock()).toISOString();
    return apiError(
      'store-unavailable',
      { cause, since },
      `the store could not be read for ${what} (${cause}); retry once it answers`,
    );
  }
}
