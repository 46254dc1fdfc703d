// The SQLite implementation of Store: the synchronous database (sqlite-database.ts) behind the
// asynchronous interface. A commit blocks the thread for its fsync, once per group of requests.

import { SqliteDatabase, type SqliteStoreOptions } from './sqlite-database.js';
import type { CommitReceipt, EventRecord, Store, StoreBatch, StoreHealth, StoreSnapshot } from './store.js';

/**
 * The SQLite implementation of `Store`, run in the calling thread. Measured on 2 cores, moving the commit
 * to a worker thread (~0.2 ms per round trip) or the fsync to the thread pool gained nothing.
 */
export class SqliteStore implements Store {
  readonly #db: SqliteDatabase;

  private constructor(db: SqliteDatabase) {
    this.#db = db;
  }

  /**
   * Opens (creating if needed) the database in `dataDir` and takes its lock.
   * @throws Error if another process holds the database, or its schema version is unknown
   */
  static open(options: SqliteStoreOptions): SqliteStore {
    return new SqliteStore(SqliteDatabase.open(options));
  }

  /** Path of the database file. */
  get path(): string {
    return this.#db.path;
  }

  /** Reads the whole state (see Store.load). */
  async load(): Promise<StoreSnapshot> {
    return this.#db.load();
  }

  /** Commits the batch; it is on disk when this resolves (see Store.commit). */
  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    return this.#db.commit(batch);
  }

  /** Reads retained events (see Store.readEvents). */
  async readEvents(after: number, limit: number): Promise<EventRecord[]> {
    return this.#db.readEvents(after, limit);
  }

  /** The WAL file's size and the failed checkpoints (see Store.health). */
  health(): StoreHealth {
    return this.#db.health();
  }

  /** Closes the database. */
  async close(): Promise<void> {
    await this.#db.close();
  }
}
