// The engine's view of its store: ready, restoring (a commit failed and memory is ahead of the store) or
// degraded (back at the committed state, writes refused), with the retries, backoff and log lines between.

import type { ApiError } from '../api-error.js';
import { apiError } from '../server-reasons.js';
import type { EngineLog } from './engine-options.js';

/**
 * `ready`: commits run. `restoring`: a commit failed; memory may hold changes the store does not, so
 * every operation is refused until the committed state is reloaded. `degraded`: memory is the committed
 * state again; reads are served, writes refused, until a probe commit succeeds.
 */
export type StoreState = 'ready' | 'restoring' | 'degraded';

/** What the engine reports about its store (readiness, metrics, `ioasid status`). */
export interface StoreStatus {
  readonly state: StoreState;
  /** Why the store is unavailable, in words ("the disk holding ./data is full"); null when ready. */
  readonly cause: string | null;
  /** When it became unavailable (ISO 8601); null when ready. */
  readonly since: string | null;
  /** Failures since the process started: failed commits, and failed attempts to start (the first probe). */
  readonly failures: number;
  /** Writes refused because the store was unavailable, since the process started. */
  readonly refusedWrites: number;
}

/** How the engine retries an unavailable store. */
export interface StoreRetryOptions {
  /** Milliseconds before the first retry (default 250); each failed retry doubles it. */
  readonly initialMs?: number;
  /** Longest wait between two retries in milliseconds (default 30,000). */
  readonly maxMs?: number;
  /** Least milliseconds between two "still unavailable" log lines (default 60,000). */
  readonly reminderMs?: number;
}

/** What the outage calls back into the engine for. */
export interface StoreOutageHooks {
  /** Reloads the committed state into memory. Rejects when the store cannot be read (retried). */
  restore(): Promise<void>;
  /** Writes a minimal batch to learn whether the store takes writes again. Rejects when not (retried). */
  probe(): Promise<void>;
  /** The store takes writes again: resume what waits for that (lease timers). */
  recovered(): void;
  /** Turns a store error into words (see Store.describeFailure). */
  describe(error: unknown): string;
}

/**
 * Tracks the store's state and drives the way back to `ready`: reload (restoring → degraded), then probe
 * with exponential backoff (degraded → ready). Logs one error line when the store fails, one info line
 * when it recovers (with how long it was down and the writes refused), and at most one reminder per
 * `reminderMs` in between.
 */
export class StoreOutage {
  readonly #log: EngineLog;
  readonly #hooks: StoreOutageHooks;
  readonly #initialMs: number;
  readonly #maxMs: number;
  readonly #reminderMs: number;
  #state: StoreState = 'ready';
  #cause: string | null = null;
  #since: Date | null = null;
  #failures = 0;
  #refusedWrites = 0;
  /** Writes refused during the current outage. */
  #refusedNow = 0;
  #delayMs: number;
  #timer: NodeJS.Timeout | null = null;
  #running: Promise<void> | null = null;
  #lastReminder = 0;
  #halted = false;

  constructor(log: EngineLog, hooks: StoreOutageHooks, retry: StoreRetryOptions = {}) {
    this.#log = log;
    this.#hooks = hooks;
    this.#initialMs = positive('initialMs', retry.initialMs, 250);
    this.#maxMs = positive('maxMs', retry.maxMs, 30_000);
    this.#reminderMs = positive('reminderMs', retry.reminderMs, 60_000);
    this.#delayMs = this.#initialMs;
  }

  /** The current state. */
  get state(): StoreState {
    return this.#state;
  }

  /** The state, its cause and since when, and the counters (see StoreStatus). */
  status(): StoreStatus {
    return {
      state: this.#state,
      cause: this.#cause,
      since: this.#since?.toISOString() ?? null,
      failures: this.#failures,
      refusedWrites: this.#refusedWrites,
    };
  }

  /**
   * The error a request refused now gets, or null when the store is ready.
   * @param write true for a write (it is counted among the refused writes)
   */
  refusal(write: boolean): ApiError | null {
    if (this.#state === 'ready') return null;
    if (write) {
      this.#refusedWrites++;
      this.#refusedNow++;
    }
    return this.error(
      this.#state === 'restoring'
        ? 'the server is returning to the state last committed to its store'
        : 'writes are refused until the store takes them again; reads are served',
    );
  }

  /** The `store-unavailable` error with the current cause and `fact` after it; null when ready. */
  error(fact: string): ApiError | null {
    if (this.#state === 'ready' || this.#cause === null || this.#since === null) return null;
    const since = this.#since.toISOString();
    return apiError(
      'store-unavailable',
      { cause: this.#cause, since },
      `the store is unavailable since ${since} (${this.#cause}): ${fact}`,
    );
  }

  /**
   * A commit failed: memory may be ahead of the store. Enters `restoring` and starts the way back.
   * @returns the error the requests waiting for the failed commit are answered with
   */
  commitFailed(error: unknown): ApiError {
    const cause = this.#hooks.describe(error);
    this.#enter('restoring', cause, error, 'a commit failed');
    this.#retryIn(0);
    return apiError(
      'store-unavailable',
      { cause, since: (this.#since as Date).toISOString() },
      `the store failed to commit this change (${cause}), so it is not applied`,
    );
  }

  /** The first probe at start failed: memory is the committed state, so the engine starts `degraded`. */
  startFailed(error: unknown): void {
    this.#enter('degraded', this.#hooks.describe(error), error, 'the store takes no writes at start');
    this.#retryIn(this.#delayMs);
  }

  /** Stops retrying for good (the engine is closing, or the store turned out to be damaged). */
  async halt(): Promise<void> {
    this.#halted = true;
    if (this.#timer !== null) clearTimeout(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #enter(state: StoreState, cause: string, error: unknown, what: string): void {
    this.#failures++;
    if (this.#state === 'ready') {
      this.#since = new Date();
      this.#refusedNow = 0;
      this.#delayMs = this.#initialMs;
      this.#lastReminder = performance.now();
      this.#log.error(
        { err: error, cause },
        `store unavailable: ${what} (${cause}); writes are refused and reads served from the committed state until it recovers (retrying)`,
      );
    }
    this.#state = state;
    this.#cause = cause;
  }

  #retryIn(ms: number): void {
    if (this.#halted || this.#timer !== null || this.#running !== null) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.#running = this.#attempt().finally(() => {
        this.#running = null;
        if (this.#state !== 'ready') this.#retryIn(this.#delayMs);
      });
    }, ms);
    this.#timer.unref();
  }

  /** One step back towards `ready`: reload when restoring, probe when degraded. */
  async #attempt(): Promise<void> {
    if (this.#halted) return;
    const restoring = this.#state === 'restoring';
    try {
      if (restoring) {
        await this.#hooks.restore();
        if (this.#halted) return;
        this.#state = 'degraded';
        return; // the probe follows after the current delay
      }
      await this.#hooks.probe();
    } catch (error) {
      if (this.#halted) return;
      this.#cause = this.#hooks.describe(error);
      this.#delayMs = Math.min(this.#maxMs, this.#delayMs * 2);
      this.#remind(restoring ? 'reloading the committed state failed' : 'the store still takes no writes');
      return;
    }
    if (this.#halted) return;
    const downMs = Date.now() - (this.#since as Date).getTime();
    this.#log.info(
      { cause: this.#cause, downMs, refusedWrites: this.#refusedNow },
      `store recovered after ${formatDuration(downMs)} (${this.#cause}); ${this.#refusedNow === 1 ? '1 write was' : `${this.#refusedNow} writes were`} refused meanwhile`,
    );
    this.#state = 'ready';
    this.#cause = null;
    this.#since = null;
    this.#delayMs = this.#initialMs;
    this.#hooks.recovered();
  }

  #remind(what: string): void {
    const now = performance.now();
    if (now - this.#lastReminder < this.#reminderMs) return;
    this.#lastReminder = now;
    const downMs = Date.now() - (this.#since as Date).getTime();
    this.#log.warn(
      { cause: this.#cause, downMs, refusedWrites: this.#refusedNow, retryMs: this.#delayMs },
      `store still unavailable after ${formatDuration(downMs)} (${this.#cause}): ${what}; ${this.#refusedNow} writes refused so far`,
    );
  }
}

function positive(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`storeRetry.${name} must be a positive number of milliseconds, not ${value}`);
  }
  return value;
}

/** "1.2 s", "3 min 4 s". */
function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const minutes = Math.floor(ms / 60_000);
  return `${minutes} min ${Math.round((ms % 60_000) / 1000)} s`;
}
