// What changed since the last commit: dirty IDs, sets, leases, lease references and new events.
// Operations only mark things dirty; the batch builder reads their current state when the batch commits.

import type { EventRecord } from '../store/store.js';

/** The ID may be allocated: read its state from the core at commit time. */
export const PROBE = 0;
/** The ID is known to be released: no need to ask the core. */
export const GONE = 1;
/** How much the tracker knows about a dirty ID. */
export type IdHint = typeof PROBE | typeof GONE;

/** An event that has its sequence number but is not committed yet: the store's event record. */
export type PendingEvent = EventRecord;

/** A point to roll back to (see `rollback`). */
export interface TrackerMark {
  readonly events: number;
  readonly nextSeq: number;
}

/**
 * Collects the changes of the current batch. Marking is cheap (a map or set insert); state is read once
 * per dirty item at commit time, so an ID touched by ten requests of a batch is written once.
 */
export class ChangeTracker {
  /** Dirty IDs with what is known about them; the last hint wins. */
  ids = new Map<number, IdHint>();
  sets = new Set<number>();
  leases = new Set<string>();
  /** Dirty lease references: lease → IDs. */
  leaseRefs = new Map<string, Set<number>>();
  events: PendingEvent[] = [];
  /** Set when the metadata (capacity, system set) changed. */
  metaDirty = false;
  /** The sequence number the next event gets. */
  nextSeq: number;

  /** @param nextSeq the first sequence number not yet used (from the store) */
  constructor(nextSeq: number) {
    this.nextSeq = nextSeq;
  }

  /** True when something must be committed. */
  get dirty(): boolean {
    return (
      this.metaDirty ||
      this.ids.size !== 0 ||
      this.sets.size !== 0 ||
      this.leases.size !== 0 ||
      this.leaseRefs.size !== 0 ||
      this.events.length !== 0
    );
  }

  /** Marks ID `id` dirty; `hint` GONE when the caller knows it was released. */
  touchId(id: number, hint: IdHint = PROBE): void {
    this.ids.set(id, hint);
  }

  /** Marks set `sid` dirty (created, adjusted, dying or destroyed). */
  touchSet(sid: number): void {
    this.sets.add(sid);
  }

  /** Marks a lease dirty (created or deleted). */
  touchLease(lease: string): void {
    this.leases.add(lease);
  }

  /** Marks the references of `lease` on `id` dirty. */
  touchLeaseRef(lease: string, id: number): void {
    let ids = this.leaseRefs.get(lease);
    if (ids === undefined) {
      ids = new Set();
      this.leaseRefs.set(lease, ids);
    }
    ids.add(id);
  }

  /** Appends an event with the next sequence number; returns that number. */
  record(type: string, id: number | null, sid: number | null, spid: number | null, data: unknown): number {
    const seq = this.nextSeq++;
    this.events.push({ seq, type, id, sid, spid, data });
    return seq;
  }

  /** Returns a mark to roll the events back to, for an operation that may have to undo itself. */
  mark(): TrackerMark {
    return { events: this.events.length, nextSeq: this.nextSeq };
  }

  /** Drops the events recorded since `mark` (the operation undid its effects on the core). */
  rollback(mark: TrackerMark): void {
    this.events.length = mark.events;
    this.nextSeq = mark.nextSeq;
  }

  /** Forgets every change (they were handed to a batch). */
  clear(): void {
    this.ids = new Map();
    this.sets = new Set();
    this.leases = new Set();
    this.leaseRefs = new Map();
    this.events = [];
    this.metaDirty = false;
  }
}
