// GET /v1/sets/{sid}/events: the last retained events of one set. The retained log is in the store, by
// sequence number only; reading it forward to find one set's last events cost 110-190 ms per request with
// 100,000 retained events (SQLite, measured), so this index keeps each set's last events in memory: built
// from the log once, at the first request, and fed by every committed batch afterwards.

import type { EventRecord } from '../store/store.js';

/** Most events one request may ask for, and so the most the index keeps per set. */
export const MAX_SET_EVENTS = 1000;

/** Where the index reads: the retained log, and how far it reaches. */
export interface SetEventSource {
  /** Retained events after `after`, ascending, about `limit` of them (Store.readEvents). */
  readEvents(after: number, limit: number): Promise<EventRecord[]>;
  /** The last committed event's sequence number (0 when none). */
  committedSeq(): number;
  /** The oldest event still retained. */
  oldestSeq(): number;
}

/** The last MAX_SET_EVENTS events of one set, oldest first, in a ring. */
class Ring {
  readonly #events: (EventRecord | undefined)[] = new Array(MAX_SET_EVENTS);
  #head = 0;
  length = 0;

  push(event: EventRecord): void {
    if (this.length < MAX_SET_EVENTS) {
      this.#events[(this.#head + this.length++) % MAX_SET_EVENTS] = event;
    } else {
      this.#events[this.#head] = event;
      this.#head = (this.#head + 1) % MAX_SET_EVENTS;
    }
  }

  /** Drops the events older than `oldest`; returns how many. */
  prune(oldest: number): number {
    let dropped = 0;
    while (this.length > 0 && (this.#events[this.#head] as EventRecord).seq < oldest) {
      this.#events[this.#head] = undefined;
      this.#head = (this.#head + 1) % MAX_SET_EVENTS;
      this.length--;
      dropped++;
    }
    return dropped;
  }

  /** The last `limit` events with `seq >= oldest`, oldest first. */
  last(limit: number, oldest: number): EventRecord[] {
    const out: EventRecord[] = [];
    for (let k = Math.max(0, this.length - limit); k < this.length; k++) {
      const event = this.#events[(this.#head + k) % MAX_SET_EVENTS] as EventRecord;
      if (event.seq >= oldest) out.push(event);
    }
    return out;
  }
}

/**
 * Each set's last retained events (by set ID, as the event stream filters them: a `lease-expired` event
 * belongs to the set that created the lease). Holds at most MAX_SET_EVENTS per set and never more than
 * the store retains (events older than its oldest are dropped as the log is trimmed), so its memory is at
 * most the retained log's events.
 */
export class SetEventIndex {
  readonly #source: SetEventSource;
  readonly #bySet = new Map<number, Ring>();
  #size = 0;
  /** Resolves once the index is built from the log; null until the first request. */
  #built: Promise<void> | null = null;
  /** Events committed while the index is being built, added once the log is read. */
  #waiting: EventRecord[] | null = null;

  constructor(source: SetEventSource) {
    this.#source = source;
  }

  /** Adds a committed batch of events (ascending). */
  committed(events: readonly EventRecord[]): void {
    if (this.#built === null) return;
    if (this.#waiting !== null) {
      for (const e of events) this.#waiting.push(e);
      return;
    }
    for (const e of events) this.#add(e);
    this.#trim();
  }

  /**
   * The last `limit` (1..MAX_SET_EVENTS) retained events of set `sid`, ascending by sequence number.
   * The first call reads the whole retained log once.
   * @throws the store's error when reading the log fails (the next call reads it again)
   */
  async last(sid: number, limit: number): Promise<EventRecord[]> {
    this.#built ??= this.#build();
    await this.#built;
    return this.#bySet.get(sid)?.last(limit, this.#source.oldestSeq()) ?? [];
  }

  async #build(): Promise<void> {
    this.#waiting = [];
    const upTo = this.#source.committedSeq();
    try {
      for (let after = this.#source.oldestSeq() - 1; after < upTo; ) {
        const page = await this.#source.readEvents(after, 1000);
        if (page.length === 0) break;
        for (const e of page) if (e.seq > after && e.seq <= upTo) this.#add(e);
        after = page[page.length - 1].seq;
      }
    } catch (error) {
      this.#bySet.clear();
      this.#size = 0;
      this.#waiting = null;
      this.#built = null;
      throw error;
    }
    const waiting = this.#waiting;
    this.#waiting = null;
    for (const e of waiting) if (e.seq > upTo) this.#add(e);
    this.#trim();
  }

  #add(event: EventRecord): void {
    if (event.sid === null) return;
    let ring = this.#bySet.get(event.sid);
    if (ring === undefined) {
      ring = new Ring();
      this.#bySet.set(event.sid, ring);
    }
    if (ring.length === MAX_SET_EVENTS) this.#size--;
    ring.push(event);
    this.#size++;
  }

  /** Drops events the store no longer retains, once the index holds twice the retained log or more. */
  #trim(): void {
    const oldest = this.#source.oldestSeq();
    const retained = this.#source.committedSeq() - oldest + 1;
    if (this.#size <= 2 * retained + MAX_SET_EVENTS) return;
    for (const [sid, ring] of this.#bySet) {
      this.#size -= ring.prune(oldest);
      if (ring.length === 0) this.#bySet.delete(sid);
    }
  }
}
