// Waits between reconnection attempts: doubling from a minimum to a maximum, with jitter so clients that
// lost the same server do not all come back at the same instant.

/** Bounds of the backoff (milliseconds). */
export interface BackoffOptions {
  /** First wait (default 250). */
  readonly minMs?: number;
  /** Longest wait (default 5,000). */
  readonly maxMs?: number;
}

/** Default first wait before reconnecting. */
export const BACKOFF_MIN_MS = 250;
/** Default longest wait between reconnection attempts. */
export const BACKOFF_MAX_MS = 5_000;

/**
 * Exponential backoff with "equal jitter": the n-th wait is uniformly random in [d/2, d] where d doubles
 * from minMs up to maxMs; `reset()` (after a success) starts again from minMs.
 */
export class Backoff {
  readonly minMs: number;
  readonly maxMs: number;
  readonly #random: () => number;
  #delay: number;

  constructor(options: BackoffOptions = {}, random: () => number = Math.random) {
    this.minMs = options.minMs ?? BACKOFF_MIN_MS;
    this.maxMs = Math.max(this.minMs, options.maxMs ?? BACKOFF_MAX_MS);
    this.#random = random;
    this.#delay = this.minMs;
  }

  /** The next wait in milliseconds (and doubles the next one, up to maxMs). */
  next(): number {
    const delay = this.#delay;
    this.#delay = Math.min(delay * 2, this.maxMs);
    return Math.round(delay / 2 + (this.#random() * delay) / 2);
  }

  /** Starts again from minMs. */
  reset(): void {
    this.#delay = this.minMs;
  }
}

/** Resolves after `ms`, or at once when `signal` aborts (never rejects). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) return resolve();
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
