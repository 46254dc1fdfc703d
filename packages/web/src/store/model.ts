// The in-memory picture of the namespace the views draw: capacity, sets with their counts, and the
// per-second counters events feed. Events change it in O(1) each; the store notifies views per frame.

import type { EventView, SetView } from '@ioasid/client';
import { RING_SECONDS, SecondRing } from './second-ring.js';

/** One set as the views show it (mutable: events change `count`). */
export interface SetRow {
  readonly sid: number;
  owner: string | null;
  quota: number;
  count: number;
  dying: boolean;
}

/** What applying events found that the model cannot know by itself. */
export interface ApplyResult {
  /** An event named a set the model does not have (created since the last load): reload the sets. */
  readonly unknownSet: boolean;
}

const second = (ms: number) => Math.floor(ms / 1000);

/** Count changes remembered to re-apply after a snapshot older than the stream's position. */
export const RECENT_CHANGES = 1 << 16;

/** The namespace model. */
export class NamespaceModel {
  capacity = 0;
  available = 0;
  readonly sets = new Map<number, SetRow>();
  /** Increases whenever a set is added, removed or changes: views re-sort only when it moved. */
  version = 0;
  /** The last event's sequence number seen. */
  lastSeq: number | null = null;
  /** Events up to this sequence number are in the loaded counts already (the snapshot's `ioasid-seq`). */
  countedUpTo = 0;
  // the last RECENT_CHANGES count changes (seq, sid, +1/-1), to re-apply those a snapshot did not see
  readonly #recentSeq = new Float64Array(RECENT_CHANGES);
  readonly #recentSid = new Int32Array(RECENT_CHANGES);
  readonly #recentDelta = new Int8Array(RECENT_CHANGES);
  #recentNext = 0;
  #recentSize = 0;
  readonly allocs = new SecondRing();
  readonly frees = new SecondRing();
  readonly #net = new Map<number, SecondRing>();
  /** Net allocations per second per set over the last minute, from GET /v1/history, at `#seededAt`. */
  #seed = new Map<number, number>();
  #seededAt = 0;

  /**
   * Replaces capacity and sets with a fresh answer of the API, which reflects the namespace at event
   * `seq` (its `ioasid-seq`; null when unknown). The count changes the stream applied after `seq` are
   * applied again; events up to `seq` that the stream delivers later are not counted twice.
   */
  load(
    capacity: { capacity: number; available: number },
    sets: readonly SetView[],
    seq: number | null = null,
  ): void {
    this.capacity = capacity.capacity;
    this.available = capacity.available;
    const seen = new Set<number>();
    for (const view of sets) {
      seen.add(view.sid);
      const row = this.sets.get(view.sid);
      if (row === undefined) this.sets.set(view.sid, { ...view });
      else Object.assign(row, view);
    }
    for (const sid of this.sets.keys()) if (!seen.has(sid)) this.sets.delete(sid);
    if (seq !== null) {
      for (let k = 0; k < this.#recentSize; k++) {
        const i = (this.#recentNext - this.#recentSize + k + RECENT_CHANGES) % RECENT_CHANGES;
        if (this.#recentSeq[i] <= seq) continue;
        const row = this.sets.get(this.#recentSid[i]);
        if (row !== undefined) row.count = Math.max(0, row.count + this.#recentDelta[i]);
      }
      this.countedUpTo = Math.max(this.countedUpTo, seq);
    }
    this.version++;
  }

  /** Seeds the per-set rates from GET /v1/history's `rates` (the minute before the page listened). */
  seedRates(rates: ReadonlyArray<{ sid: number; perSecond: number }>, now = Date.now()): void {
    this.#seed = new Map(rates.map((r) => [r.sid, r.perSecond]));
    this.#seededAt = second(now);
  }

  /** Applies one event (alloc, free; other types only move `lastSeq`). */
  apply(event: EventView, now = Date.now()): ApplyResult {
    this.lastSeq = event.seq;
    if (event.type !== 'alloc' && event.type !== 'free') return { unknownSet: false };
    const sid = event.sid;
    const s = second(now);
    const delta = event.type === 'alloc' ? 1 : -1;
    (delta > 0 ? this.allocs : this.frees).add(s, 1);
    if (sid === null) return { unknownSet: false };
    let ring = this.#net.get(sid);
    if (ring === undefined) {
      ring = new SecondRing();
      this.#net.set(sid, ring);
    }
    ring.add(s, delta);
    const row = this.sets.get(sid);
    if (row === undefined) return { unknownSet: event.seq > this.countedUpTo };
    if (event.seq <= this.countedUpTo) return { unknownSet: false };
    const i = this.#recentNext;
    this.#recentSeq[i] = event.seq;
    this.#recentSid[i] = sid;
    this.#recentDelta[i] = delta;
    this.#recentNext = (i + 1) % RECENT_CHANGES;
    this.#recentSize = Math.min(RECENT_CHANGES, this.#recentSize + 1);
    row.count = Math.max(0, row.count + delta);
    this.version++;
    return { unknownSet: false };
  }

  /** Allocations in the last complete second. */
  allocsPerSecond(now = Date.now()): number {
    return this.allocs.at(second(now) - 1);
  }

  /** Frees in the last complete second. */
  freesPerSecond(now = Date.now()): number {
    return this.frees.at(second(now) - 1);
  }

  /**
   * Net allocations per second of set `sid` over the last minute: what the page saw live, completed by
   * the seeded rate for the part of the minute before it listened.
   */
  netRate(sid: number, now = Date.now()): number {
    const last = second(now) - 1;
    const observed = Math.min(RING_SECONDS, Math.max(0, last - this.#seededAt + 1));
    const live = this.#net.get(sid)?.sum(last, observed) ?? 0;
    const seeded = (this.#seed.get(sid) ?? 0) * (RING_SECONDS - observed);
    return (live + seeded) / RING_SECONDS;
  }

  /** Seconds until set `sid` reaches its quota at its current net rate; Infinity when not filling. */
  secondsToFull(sid: number, now = Date.now()): number {
    const row = this.sets.get(sid);
    const r = this.netRate(sid, now);
    if (row === undefined || r <= 0) return Number.POSITIVE_INFINITY;
    return Math.max(0, row.quota - row.count) / r;
  }

  /** IDs allocated in the namespace (sum of the set counts, free-pending included). */
  allocated(): number {
    let total = 0;
    for (const row of this.sets.values()) total += row.count;
    return total;
  }
}
