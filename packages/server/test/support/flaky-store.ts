// A Store around the real SQLite store that fails on command: commits before they run, inside the real
// transaction (after the store took the batch into its memory), after they ran (the engine cannot know
// they landed), loads; and can hold loads, to look inside a restore.

import type { CommitReceipt, SqliteStore, Store, StoreBatch, StoreSnapshot } from '@ioasid/server';

/** How the next commits fail. */
export type CommitFault = 'none' | 'before' | 'inside' | 'after';

/** An error the way SQLite reports a failed write. */
export function ioError(message = 'disk I/O error (injected)'): Error {
  return Object.assign(new Error(message), { code: 'SQLITE_IOERR_WRITE' });
}

/** The SQLite store with faults injected on command. */
export class FlakyStore implements Store {
  /** Every commit that reached the real store, in order (probes included). */
  readonly committed: StoreBatch[] = [];
  /** Commit attempts (probes included) with the time they were made (performance.now()). */
  readonly attempts: { at: number; batch: StoreBatch }[] = [];
  /** Fault of every commit from now on. */
  fault: CommitFault = 'none';
  /** Per commit, decides a fault (overrides `fault` when set), e.g. from a seeded generator. */
  decide: ((batch: StoreBatch) => CommitFault) | null = null;
  /** While true, loads fail. */
  failLoad = false;
  /** Applied to every snapshot loaded after the first (to hand the engine a damaged store). */
  tamper: ((snapshot: StoreSnapshot) => StoreSnapshot) | null = null;
  loads = 0;
  #held: Promise<void> | null = null;
  #release: (() => void) | null = null;

  constructor(readonly inner: SqliteStore) {}

  /** Makes loads wait until `release()`. */
  holdLoads(): void {
    this.#held = new Promise((resolve) => {
      this.#release = resolve;
    });
  }

  /** Lets held loads go on. */
  release(): void {
    this.#release?.();
    this.#held = null;
  }

  async load(): Promise<StoreSnapshot> {
    this.loads++;
    if (this.#held !== null) await this.#held;
    if (this.failLoad) throw ioError('disk I/O error while loading (injected)');
    const snapshot = await this.inner.load();
    return this.loads > 1 && this.tamper !== null ? this.tamper(snapshot) : snapshot;
  }

  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    this.attempts.push({ at: performance.now(), batch });
    const fault = this.decide?.(batch) ?? this.fault;
    if (fault === 'before') throw ioError();
    if (fault === 'inside' && batch.events.length > 0) {
      // Events off the stored sequence make SQLite's transaction fail after the store applied the
      // batch's IDs to its chunk image: a failure inside the store, nothing written.
      const off = batch.events.map((e) => ({ ...e, seq: e.seq + 1_000_000 }));
      await this.inner.commit({ ...batch, events: off }).then(
        () => {
          throw new Error('the SQLite store took events off its sequence');
        },
        () => {},
      );
      throw ioError('disk I/O error inside the transaction (injected)');
    }
    if (fault === 'inside') throw ioError();
    const receipt = await this.inner.commit(batch);
    this.committed.push(batch);
    if (fault === 'after') throw ioError('disk I/O error after the commit ran (injected)');
    return receipt;
  }

  readEvents(after: number, limit: number) {
    return this.inner.readEvents(after, limit);
  }

  describeFailure(error: unknown): string {
    return this.inner.describeFailure(error);
  }

  close(): Promise<void> {
    this.release();
    return this.inner.close();
  }
}

/** True for a batch the engine commits only to probe the store (no row, no event). */
export function isProbe(batch: StoreBatch): boolean {
  return (
    batch.events.length === 0 &&
    batch.ids.upsert.length + batch.ids.remove.length === 0 &&
    batch.sets.upsert.length + batch.sets.remove.length === 0 &&
    batch.leases.upsert.length + batch.leases.remove.length === 0 &&
    batch.leaseRefs.upsert.length + batch.leaseRefs.remove.length === 0 &&
    batch.data.upsert.length + batch.data.remove.length === 0
  );
}

/** Resolves once `done()` is true, polling every 5 ms. @throws after `ms` (default 5 s) */
export async function until(done: () => boolean, ms = 5000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!done()) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
