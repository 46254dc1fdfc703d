// Counts per second over the last minute in a fixed ring: O(1) per event, no allocation, bounded memory.

/** Seconds a ring covers. */
export const RING_SECONDS = 60;

/** Per-second counters for the last RING_SECONDS seconds (seconds are whole epoch seconds). */
export class SecondRing {
  readonly #counts = new Float64Array(RING_SECONDS);
  readonly #stamps = new Float64Array(RING_SECONDS).fill(-1);

  /** Adds `delta` to second `second`. */
  add(second: number, delta: number): void {
    const i = second % RING_SECONDS;
    if (this.#stamps[i] !== second) {
      this.#stamps[i] = second;
      this.#counts[i] = 0;
    }
    this.#counts[i] += delta;
  }

  /** The count of second `second` (0 when it is older than the ring or was never counted). */
  at(second: number): number {
    const i = second % RING_SECONDS;
    return this.#stamps[i] === second ? this.#counts[i] : 0;
  }

  /** The sum of the `span` seconds ending with `last` (inclusive). */
  sum(last: number, span = RING_SECONDS): number {
    let total = 0;
    for (let s = last - Math.min(span, RING_SECONDS) + 1; s <= last; s++) total += this.at(s);
    return total;
  }
}
