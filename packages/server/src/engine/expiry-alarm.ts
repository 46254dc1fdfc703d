// The one timer an engine on a shared store keeps for lease expiry: armed for the earliest moment a
// lease may run out (the database reported it, or a lease was created or kept alive), it asks for a
// write turn then, and the turn lets the database's clock decide which leases expired.

/** A single timer, always set for the earliest time asked. */
export class ExpiryAlarm {
  readonly #fire: () => void;
  #timer: NodeJS.Timeout | null = null;
  #at = Number.POSITIVE_INFINITY;

  /** @param fire called when the earliest armed time comes (a write turn is then asked for) */
  constructor(fire: () => void) {
    this.#fire = fire;
  }

  /** Makes sure `fire` runs within `ms` milliseconds (a later time already armed is brought forward). */
  arm(ms: number): void {
    const at = Date.now() + ms;
    if (this.#timer !== null && this.#at <= at) return;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#at = at;
    // A few milliseconds late, so the database's clock has passed the expiry when the turn asks.
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#at = Number.POSITIVE_INFINITY;
      this.#fire();
    }, ms + 5);
    this.#timer.unref();
  }

  /** Stops the timer (shutdown). */
  stop(): void {
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
  }
}
