// Write turns for a store several servers share: requests that change the namespace are queued, and
// each turn takes the namespace's lock in the database, replays what other instances committed since
// this one's last turn, applies the queued requests to memory, commits rows, events and the operations'
// log in one transaction, and only then answers. So every allocation is the lowest ID free at its commit
// across instances, and one turn carries many requests (group commit). Between turns, commits of other
// instances are replayed without the lock as soon as they are announced (LISTEN/NOTIFY).

import type { CommitReceipt, CommitRecord, OpRecord, SharedStore, StoreBatch } from '../store/store.js';
import type { CommitMode } from './commit-queue.js';

/** What the cycle needs from the engine. */
export interface SharedCycleHooks {
  /**
   * Replays other instances' commits into memory and publishes their events.
   * @throws when memory does not reach the state the commits recorded (it is then rebuilt by a reload)
   */
  catchUp(commits: CommitRecord[]): void;
  /**
   * Inside an open turn: expires the leases the database found expired, runs `jobs` (each applies one
   * request and keeps its own outcome), and returns the batch of what changed with the operations that
   * made it, or null when nothing changed.
   */
  apply(
    expired: readonly string[],
    jobs: readonly Job[],
    forceMeta: boolean,
  ): {
    batch: StoreBatch;
    ops: OpRecord[];
  } | null;
  /** Milliseconds until the next lease runs out, by the database's clock (null: none), after a turn. */
  nextExpiry(ms: number | null): void;
  /** After a commit, before the requests it carried are answered. */
  committed(batch: StoreBatch, receipt: CommitReceipt, requests: number, seconds: number): void;
  /** A turn failed: memory may hold what the database does not; returns the error to answer with. */
  failed(error: unknown): Error;
  /** A catch-up without the lock could not read the log (the turn that follows will try again). */
  catchUpFailed(error: unknown): void;
}

/** One queued request: `run` applies it inside a turn; `settle` answers it once the turn ended. */
export interface Job {
  run(): void;
  settle(failure: Error | null): void;
}

/** Thrown when the store no longer keeps the commits this instance must replay: it reloads instead. */
export class FellBehindError extends Error {
  override readonly name = 'FellBehindError';

  constructor() {
    super('the commit log no longer holds what this instance must replay');
  }
}

/**
 * Schedules the write turns and lock-free catch-ups of one engine on a shared store. Its surface is the
 * one the engine uses from CommitQueue (`durable`, `schedule`, `settled`, `resume`, `failed`), plus
 * `submit` for the requests that must run inside a turn.
 */
export class SharedCycle {
  readonly #store: SharedStore;
  readonly #hooks: SharedCycleHooks;
  readonly #mode: CommitMode;
  #pending: Job[] = [];
  #scheduled = false;
  #inflight = false;
  #failure: Error | null = null;
  /** A turn is wanted without queued requests (lease expiry, checking the store, a probe of metadata). */
  #turnWanted = false;
  #metaWanted = false;
  #catchUpWanted = false;
  /** Commits announced with their operations, not replayed yet (replayed in order, without a read). */
  #announced: CommitRecord[] = [];
  /** True when an announcement came without its operations (or after a reconnection): read the log. */
  #readWanted = false;
  /** True while a turn waits for the namespace's lock (memory then holds only committed state). */
  #waitingForLock = false;
  /** True while memory holds applied requests not yet committed. */
  #uncommitted = false;
  #waiters: { resolve(): void; reject(error: Error): void }[] = [];
  #idle: (() => void)[] = [];

  /** @param mode `group` (a turn carries every queued request) or `per-request` (one each: the baseline) */
  constructor(store: SharedStore, hooks: SharedCycleHooks, mode: CommitMode) {
    this.#store = store;
    this.#hooks = hooks;
    this.#mode = mode;
  }

  /** True from a failed turn until `resume`. */
  get failed(): boolean {
    return this.#failure !== null;
  }

  /**
   * Queues `op` for the next turn; resolves with its result (or rejects with its error) once that turn
   * committed. Rejects with the turn's failure when it failed, or at once while the cycle is halted.
   */
  submit<T>(op: () => T): Promise<T> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    return new Promise<T>((resolve, reject) => {
      let outcome: { ok: true; value: T } | { ok: false; error: unknown } | null = null;
      this.#pending.push({
        run: () => {
          try {
            outcome = { ok: true, value: op() };
          } catch (error) {
            outcome = { ok: false, error };
          }
        },
        settle: (failure) => {
          if (failure !== null) reject(failure);
          else if (outcome === null) reject(new Error('a queued request was never run'));
          else if (outcome.ok) resolve(outcome.value);
          else reject(outcome.error);
        },
      });
      this.#kick();
    });
  }

  /**
   * Resolves once nothing applied to memory is uncommitted (at once between turns: memory then holds only
   * committed state). Rejects when the turn holding it failed.
   */
  durable(): Promise<void> {
    if (this.#failure !== null) return Promise.reject(this.#failure);
    if (!this.#uncommitted) return Promise.resolve();
    return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
  }

  /** Asks for a turn even with no request queued (lease expiry; `meta`: commit the metadata to check the store). */
  schedule(meta = false): void {
    if (this.#failure !== null) return;
    this.#turnWanted = true;
    if (meta) this.#metaWanted = true;
    this.#kick();
  }

  /**
   * Asks for a catch-up with other instances' commits (a notification came): `commit` when it carried
   * its operations (replayed in order, without reading the log), null when the log must be read.
   */
  catchUp(commit: CommitRecord | null = null): void {
    if (this.#failure !== null) return;
    if (commit === null) this.#readWanted = true;
    else this.#announced.push(commit);
    this.#catchUpWanted = true;
    if (this.#waitingForLock && commit !== null) this.#replayInOrder();
    this.#kick();
  }

  /** Resolves when nothing is queued or running, or while a failure halts the cycle (shutdown). */
  settled(): Promise<void> {
    if (this.#failure !== null || (!this.#inflight && !this.#scheduled && this.#pending.length === 0)) {
      return Promise.resolve();
    }
    return new Promise((resolve) => this.#idle.push(resolve));
  }

  /** Lets turns run again after a failure, once the engine holds the committed state. */
  resume(): void {
    if (this.#failure === null) return;
    this.#failure = null;
    this.#inflight = false;
    this.#uncommitted = false;
    this.#kick();
  }

  /**
   * The probe of a store that failed: one turn outside the (halted) cycle that catches up and commits the
   * metadata. @throws the store's error, or a failed catch-up
   */
  async probe(): Promise<void> {
    const turn = await this.#store.begin();
    try {
      if (turn.commits === 'gap') throw new FellBehindError();
      this.#hooks.catchUp(turn.commits);
      const changes = this.#hooks.apply([], [], true);
      if (changes === null) await turn.release();
      else await turn.commit(changes.batch, changes.ops);
      this.#hooks.nextExpiry(turn.nextExpiryMs);
    } finally {
      await turn.release();
    }
  }

  #kick(): void {
    if (this.#scheduled || this.#inflight || this.#failure !== null) return;
    if (this.#pending.length === 0 && !this.#turnWanted && !this.#catchUpWanted) {
      for (const resolve of this.#idle.splice(0)) resolve();
      return;
    }
    this.#scheduled = true;
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#inflight || this.#failure !== null) return;
      if (this.#pending.length > 0 || this.#turnWanted) {
        void this.#turn().finally(() => this.#kick());
        return;
      }
      if (this.#replayAnnounced()) {
        this.#kick();
        return;
      }
      void this.#readCatchUp().finally(() => this.#kick());
    });
  }

  /**
   * One write turn. The requests it carries are taken once the lock is held, not when the turn starts:
   * those that arrived while another instance held the lock ride along (the batch grows with contention
   * instead of the number of turns). While it waits, announced commits are replayed, so that little is
   * left to replay once it holds the lock.
   */
  async #turn(): Promise<void> {
    const forceMeta = this.#metaWanted;
    this.#turnWanted = false;
    this.#metaWanted = false;
    this.#catchUpWanted = false;
    this.#readWanted = false;
    this.#inflight = true;
    this.#waitingForLock = true;
    const started = performance.now();
    let release: (() => Promise<void>) | null = null;
    let jobs: Job[] = [];
    try {
      const turn = await this.#store.begin();
      this.#waitingForLock = false;
      release = () => turn.release();
      if (this.#failure !== null) {
        // A replay failed while this turn waited: the engine is returning to the committed state.
        await turn.release();
        return;
      }
      jobs = this.#mode === 'per-request' ? this.#pending.splice(0, 1) : this.#pending.splice(0);
      if (turn.commits === 'gap') {
        throw new FellBehindError();
      }
      // Read under the lock: whatever it holds beyond what was replayed meanwhile is all there is.
      const version = this.#store.version;
      this.#hooks.catchUp(turn.commits.filter((c) => c.version > version));
      this.#announced = this.#announced.filter((c) => c.version > this.#store.version);
      this.#uncommitted = true;
      const changes = this.#hooks.apply(turn.expired, jobs, forceMeta);
      if (changes === null) await turn.release();
      else {
        const receipt = await turn.commit(changes.batch, changes.ops);
        this.#hooks.committed(changes.batch, receipt, jobs.length, (performance.now() - started) / 1000);
      }
      this.#hooks.nextExpiry(turn.nextExpiryMs);
      this.#uncommitted = false;
      this.#inflight = false;
      for (const job of jobs) job.settle(null);
      for (const waiter of this.#waiters.splice(0)) waiter.resolve();
    } catch (error) {
      this.#waitingForLock = false;
      await release?.();
      this.#fail(error, jobs);
    }
  }

  /**
   * Replays the announced commits that follow this instance's version, in order.
   * @returns true when that caught up with everything announced (or failed: the cycle is halted); false
   * when the log must be read (an announcement without operations, or one missing in between)
   */
  #replayAnnounced(): boolean {
    if (!this.#replayInOrder()) return true;
    if (this.#announced.length > 0 || this.#readWanted) return false;
    this.#catchUpWanted = false;
    return true;
  }

  /**
   * Replays the announced commits that follow this instance's version without a gap, and keeps the
   * others (a gap is filled by reading the log). @returns false when the replay failed (cycle halted)
   */
  #replayInOrder(): boolean {
    const announced = this.#announced.sort((a, b) => a.version - b.version);
    let i = 0;
    while (i < announced.length && announced[i].version <= this.#store.version) i++;
    const next: CommitRecord[] = [];
    for (; i < announced.length && announced[i].version === this.#store.version + 1 + next.length; i++) {
      next.push(announced[i]);
    }
    this.#announced = announced.slice(i);
    try {
      if (next.length > 0) this.#hooks.catchUp(next);
      return true;
    } catch (error) {
      this.#fail(error, []);
      return false;
    }
  }

  async #readCatchUp(): Promise<void> {
    this.#catchUpWanted = false;
    this.#readWanted = false;
    this.#inflight = true;
    let commits: CommitRecord[] | 'gap';
    try {
      commits = await this.#store.readCommits();
    } catch (error) {
      this.#inflight = false;
      this.#hooks.catchUpFailed(error);
      return;
    }
    try {
      if (commits === 'gap') throw new FellBehindError();
      this.#hooks.catchUp(commits);
      this.#inflight = false;
    } catch (error) {
      this.#fail(error, []);
    }
  }

  /** Records the first failure (until `resume`) and rejects every queued request and waiter. */
  #fail(error: unknown, jobs: Job[]): void {
    if (this.#failure === null) this.#failure = this.#hooks.failed(error);
    this.#inflight = false;
    this.#uncommitted = false;
    const failure = this.#failure;
    for (const job of [...jobs, ...this.#pending.splice(0)]) job.settle(failure);
    for (const waiter of this.#waiters.splice(0)) waiter.reject(failure);
    for (const resolve of this.#idle.splice(0)) resolve();
  }
}
