// The SQLite implementation of Store: the synchronous database (sqlite-database.ts) behind the
// asynchronous interface. A commit blocks the thread for its fsync, once per group of requests.

import { dirname } from 'node:path';
import { SqliteDatabase, type SqliteStoreOptions } from './sqlite-database.js';
import { describeSqliteFailure, probeDisk } from './sqlite-failure.js';
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

  /** The data directory. */
  get dataDir(): string {
    return dirname(this.#db.path);
  }

  /** Reads the whole state; again after a failed commit, resetting the store's image (see Store.load). */
  async load(): Promise<StoreSnapshot> {
    return this.#db.load();
  }

  /** Commits the batch; it is on disk when this resolves (see Store.commit). */
  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    return this.#db.commit(batch);
  }

  /**
   * Writes, syncs and removes a 256 KiB file in the data directory (see Store.probe).
   * @throws the file system's error (ENOSPC, EROFS, EIO, ...)
   */
  async probe(): Promise<void> {
    probeDisk(this.dataDir);
  }

  /** Names a failure in words: disk full, I/O error, read-only filesystem (see Store.describeFailure). */
  describeFailure(error: unknown): string {
    return describeSqliteFailure(error, this.dataDir);
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
