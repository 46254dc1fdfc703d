// The real SQLite store with commits that fail on command (as a full or broken disk makes them fail),
// so the dashboard's degraded-store banner is seen against a real server: the engine refuses writes,
// GET /readyz answers 503 store-unavailable with the cause, and it recovers once commits work again.

import {
  type CommitReceipt,
  SqliteStore,
  type Store,
  type StoreBatch,
  type StoreSnapshot,
} from '@ioasid/server';

/** A SQLite store whose commits fail while `failing` is true. */
export class FailingStore implements Store {
  /** While true, every commit fails like a write to a full disk. */
  failing = false;
  readonly #inner: SqliteStore;

  constructor(readonly dataDir: string) {
    this.#inner = SqliteStore.open({ dataDir });
  }

  load(): Promise<StoreSnapshot> {
    return this.#inner.load();
  }

  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    if (this.failing) {
      throw Object.assign(new Error('database or disk is full (injected by the test)'), {
        code: 'SQLITE_FULL',
      });
    }
    return this.#inner.commit(batch);
  }

  readEvents(after: number, limit: number) {
    return this.#inner.readEvents(after, limit);
  }

  describeFailure(error: unknown): string {
    return this.#inner.describeFailure(error);
  }

  close(): Promise<void> {
    return this.#inner.close();
  }
}
