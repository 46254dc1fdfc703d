// Group commit: requests are applied to memory at once; their replies wait until the batch holding their
// changes (and every earlier one) is committed. One commit runs at a time; the next batch fills meanwhile.
// A failed commit halts the queue until its owner has returned to the committed state and resumes it.

import type { CommitReceipt, StoreBatch } from '../store/store.js';

/** How commits are grouped. */
export type CommitMode = 'group' | 'per-request';

/** What the queue needs from its owner. */
export interface CommitQueueHooks {
  /** True when there are uncommitted changes. */
  dirty(): boolean;
  /** Builds the batch of every uncommitted change (and clears the marks). */
  build(): StoreBatch;
  /** Writes a batch durably. */
  commit(batch: StoreBatch): Promise<CommitReceipt>;
  /** Called after a batch is on disk, before the replies waiting for it are released. */
  committed(batch: StoreBatch, receipt: CommitReceipt, waiters: number, seconds: number): void;
  /**
   * Called once when a commit failed: memory and disk may differ, so the queue halts until `resume`.
   * Returns the error every waiting (and later, until `resume`) `durable()` rejects with.
   */
  failed(error: unknown): Error;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

/**
 * Schedules commits. In `group` mode a batch is committed on the next turn of the event loop
 * (setImmediate), so every request that arrived in the same turn shares one fsync. In `per-request`
 * mode every `durable()` gets its own transaction and fsync, committed one after another: the naive
 * baseline.
 */
export class CommitQueue {
  readonly #hooks: CommitQueueHooks;
  readonly #mode: CommitMode;
  #waiters: Waiter[] = [];
  #scheduled = false;
  #inflight = false;
  #failure: Error | null = null;
  /** Every failure this queue rejected with (a chained per-request commit passes one on). */
  readonly #issued = new WeakSet<Error>();
  #idle: (() => void)[] = [];
  /** Per-request mode: settles when the last issued commit (and all before it) completed. */
  #tail: Promise<void> = Promise.resolve();

  /** @param hooks how to build, write and report batches; @param mode `group` or `per-request` */
  constructor(hooks: CommitQueueHooks, mode: CommitMode) {
    this.#hooks = hooks;
    this.#mode = mode;
  }

  /** True from a failed commit until `resume`; nothing is committed meanwhile. */
  get failed(): boolean {
    return this.#failure !== null;
  }

  /**
   * Lets commits run again after a failure: the owner has replaced its uncommitted changes with the
   * committed state (its tracker is clean). Does nothing while no commit failed.
   */
  resume(): void {
    if (this.#failure === null) return;
    this.#failure = null;
    this.#inflight = false;
    this.#tail = Promise.resolve();
  }

  /**
   * Resolves once every change applied so far is on disk (at once when nothing is pending). Reads call
   * it too, so no client sees state that a crash could still lose. Rejects from a failed commit until
   * `resume`: what was not committed is taken back, never committed later.
   */
  durable(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (this.#mode === 'per-request') return this.#commitNow(1);
    if (!this.#inflight && !this.#hooks.dirty()) return Promise.resolve();
    return new Promise((resolve, reject) => {
      this.#waiters.push({ resolve, reject });
      this.schedule();
    });
  }

  /** Makes sure uncommitted changes (e.g. from a lease expiry, which no request waits for) get committed. */
  schedule(): void {
    if (this.#scheduled || this.#failure !== null) return;
    this.#scheduled = true;
    setImmediate(this.#onTick);
  }

  /** Resolves when nothing is pending or in flight, or while a commit failure halts the queue (shutdown). */
  settled(): Promise<void> {
    if (this.#failure !== null) return Promise.resolve();
    if (this.#mode === 'per-request') return this.#commitNow(0).catch(() => {});
    if (!this.#inflight && !this.#scheduled && !this.#hooks.dirty()) return Promise.resolve();
    return new Promise((resolve) => {
      this.#idle.push(resolve);
      this.schedule();
    });
  }

  readonly #onTick = (): void => {
    this.#scheduled = false;
    if (this.#mode === 'per-request') this.#commitNow(0).catch(() => {});
    else this.#flush();
  };

  /**
   * Per-request mode: builds the batch of the changes pending now (one request's) and commits it after
   * every earlier one completed: one transaction and one fsync per request, strictly one after another.
   */
  #commitNow(requests: number): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (!this.#hooks.dirty()) return this.#tail;
    let batch: StoreBatch;
    try {
      batch = this.#hooks.build();
    } catch (error) {
      return Promise.reject(this.#fail(error));
    }
    const done = this.#tail
      .then(async () => {
        const started = performance.now();
        const receipt = await this.#hooks.commit(batch);
        this.#hooks.committed(batch, receipt, requests, (performance.now() - started) / 1000);
      })
      .catch((error: unknown) => {
        // A commit chained after a failed one never ran: it rejects with that failure as it is.
        throw this.#issued.has(error as Error) ? error : this.#fail(error);
      });
    this.#tail = done;
    return done;
  }

  #flush(): void {
    if (this.#inflight || this.#failure !== null) return; // the running commit reschedules when it ends
    const waiters = this.#waiters;
    this.#waiters = [];
    if (!this.#hooks.dirty()) {
      for (const waiter of waiters) waiter.resolve();
      this.#notifyIdle();
      return;
    }
    const started = performance.now();
    let batch: StoreBatch;
    let pending: Promise<CommitReceipt>;
    try {
      batch = this.#hooks.build();
      pending = this.#hooks.commit(batch);
    } catch (error) {
      this.#fail(error, waiters);
      return;
    }
    this.#inflight = true;
    pending.then(
      (receipt) => {
        this.#inflight = false;
        this.#hooks.committed(batch, receipt, waiters.length, (performance.now() - started) / 1000);
        for (const waiter of waiters) waiter.resolve();
        if (this.#waiters.length > 0 || this.#hooks.dirty()) this.schedule();
        else this.#notifyIdle();
      },
      (error: unknown) => this.#fail(error, waiters),
    );
  }

  /** Records the first failure (until `resume`), rejects every waiter, and releases shutdown. */
  #fail(error: unknown, waiters: Waiter[] = []): Error {
    if (this.#failure === null) {
      this.#failure = this.#hooks.failed(error);
      this.#issued.add(this.#failure);
    }
    this.#inflight = false;
    const failure = this.#failure;
    for (const waiter of [...waiters, ...this.#waiters.splice(0)]) waiter.reject(failure);
    for (const resolve of this.#idle.splice(0)) resolve();
    return failure;
  }

  #notifyIdle(): void {
    if (this.#scheduled || this.#inflight) return;
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
