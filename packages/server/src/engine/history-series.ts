// The two kinds of series behind GET /v1/history: alloc and free counts per second (only the seconds
// that had one are kept, so a quiet set costs nothing), and one set's count sampled every 10 s.

/** Seconds of alloc and free counts kept: one hour. */
export const HISTORY_SECONDS = 3600;
/** Samples of a set's count kept: one hour at one per 10 s. */
export const USAGE_SAMPLES = 360;

/**
 * Alloc and free counts per second over the last hour, for the seconds that had any: a ring of
 * (second, allocs, frees) that grows by doubling up to one entry per second of the hour.
 */
export class SecondSeries {
  #seconds = new Float64Array(8);
  #allocs = new Float64Array(8);
  #frees = new Float64Array(8);
  /** Index of the oldest entry, and number of entries. */
  #head = 0;
  #length = 0;

  /** True when no second of the last hour before `now` (a second) has a count. */
  empty(now: number): boolean {
    this.#prune(now);
    return this.#length === 0;
  }

  /** Adds counts to second `second` (the current one: seconds only ever grow). */
  add(second: number, allocs: number, frees: number): void {
    const last = this.#length === 0 ? -1 : this.#at(this.#length - 1);
    if (last >= 0 && this.#seconds[last] === second) {
      this.#allocs[last] += allocs;
      this.#frees[last] += frees;
      return;
    }
    this.#prune(second);
    if (this.#length === this.#seconds.length) this.#grow();
    const i = this.#at(this.#length++);
    this.#seconds[i] = second;
    this.#allocs[i] = allocs;
    this.#frees[i] = frees;
  }

  /**
   * Writes the counts of seconds `from..from + allocs.length - 1` into `allocs` and `frees` (which the
   * caller zeroed); seconds without an entry stay 0.
   */
  fill(from: number, allocs: number[], frees: number[]): void {
    for (let k = 0; k < this.#length; k++) {
      const i = this.#at(k);
      const slot = this.#seconds[i] - from;
      if (slot < 0 || slot >= allocs.length) continue;
      allocs[slot] += this.#allocs[i];
      frees[slot] += this.#frees[i];
    }
  }

  /** Allocs minus frees over the seconds `from` and later. */
  net(from: number): number {
    let net = 0;
    for (let k = this.#length - 1; k >= 0; k--) {
      const i = this.#at(k);
      if (this.#seconds[i] < from) break;
      net += this.#allocs[i] - this.#frees[i];
    }
    return net;
  }

  #at(k: number): number {
    return (this.#head + k) % this.#seconds.length;
  }

  /** Drops the entries older than the hour ending at second `now`. */
  #prune(now: number): void {
    const oldest = now - HISTORY_SECONDS + 1;
    while (this.#length > 0 && this.#seconds[this.#head] < oldest) {
      this.#head = (this.#head + 1) % this.#seconds.length;
      this.#length--;
    }
  }

  #grow(): void {
    const order = Array.from({ length: this.#length }, (_, k) => this.#at(k));
    const copy = (from: Float64Array<ArrayBuffer>): Float64Array<ArrayBuffer> => {
      const to = new Float64Array(from.length * 2);
      for (let k = 0; k < order.length; k++) to[k] = from[order[k]];
      return to;
    };
    this.#seconds = copy(this.#seconds);
    this.#allocs = copy(this.#allocs);
    this.#frees = copy(this.#frees);
    this.#head = 0;
  }
}

/** One set's count, sampled once per 10-second slot, over the last hour (at most 360 samples). */
export class UsageSeries {
  readonly #counts = new Float64Array(USAGE_SAMPLES);
  /** Slot of the newest sample, and number of samples. */
  #lastSlot = -1;
  #length = 0;

  /**
   * Records `count` as the sample of slot `slot`. Slots missed since the last sample (a timer that ran
   * late) repeat the last sample taken; a second sample in one slot replaces the first.
   */
  sample(slot: number, count: number): void {
    if (this.#length > 0 && slot <= this.#lastSlot) {
      if (slot === this.#lastSlot) this.#counts[slot % USAGE_SAMPLES] = count;
      return;
    }
    if (this.#length > 0) {
      const held = this.#counts[this.#lastSlot % USAGE_SAMPLES];
      const from = Math.max(this.#lastSlot + 1, slot - USAGE_SAMPLES + 1);
      for (let s = from; s < slot; s++) this.#put(s, held);
    }
    this.#put(slot, count);
  }

  /** The samples of the slots before `slot`, oldest first, at most `limit` of them. */
  before(slot: number, limit: number): number[] {
    const out: number[] = [];
    const newest = Math.min(this.#lastSlot, slot - 1);
    const oldest = Math.max(this.#lastSlot - this.#length + 1, newest - limit + 1);
    for (let s = oldest; s <= newest; s++) out.push(this.#counts[s % USAGE_SAMPLES]);
    return out;
  }

  #put(slot: number, count: number): void {
    this.#counts[slot % USAGE_SAMPLES] = count;
    this.#length = this.#length === 0 ? 1 : Math.min(USAGE_SAMPLES, this.#length + slot - this.#lastSlot);
    this.#lastSlot = slot;
  }
}
