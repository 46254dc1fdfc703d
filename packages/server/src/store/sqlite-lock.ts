// One server per data directory: a tiny SQLite file held under an exclusive lock for the server's life.
// The state database itself stays in normal locking mode, so a checkpointer (and an operator) can read it.

import { join } from 'node:path';
import Database from 'better-sqlite3';

/** Name of the lock file inside the data directory. */
export const LOCK_FILE = 'ioasid.lock';

/** A held lock; `release` lets the next server in. */
export interface DataDirLock {
  release(): void;
}

/**
 * Takes the data directory's lock (released by the OS if the process dies, so a killed server does not
 * leave it behind).
 * @throws Error naming the directory when another process holds it
 */
export function lockDataDir(dataDir: string): DataDirLock {
  const db = new Database(join(dataDir, LOCK_FILE), { timeout: 0 });
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // In exclusive mode the lock of a write transaction is kept until the connection closes.
    db.exec('BEGIN IMMEDIATE; CREATE TABLE IF NOT EXISTS lock (one INTEGER); COMMIT');
  } catch (error) {
    db.close();
    if ((error as { code?: string }).code === 'SQLITE_BUSY') {
      throw new Error(
        `${dataDir} is locked by another process (is another ioasid server using it?); stop it or choose another --data-dir`,
      );
    }
    throw error;
  }
  return { release: () => db.close() };
}
