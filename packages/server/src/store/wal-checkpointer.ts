// Background WAL checkpoints: a worker thread with its own connection copies committed WAL frames into
// the database file, so the thread that commits never stalls for a checkpoint (milliseconds each).

import { Worker } from 'node:worker_threads';

/** Milliseconds between two passive checkpoints. */
export const CHECKPOINT_INTERVAL_MS = 200;

const WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const Database = require(workerData.module);
const db = new Database(workerData.path, { timeout: 1000 });
db.pragma('synchronous = FULL');
const timer = setInterval(() => {
  try { db.pragma('wal_checkpoint(PASSIVE)'); } catch (error) { parentPort.postMessage({ error: String(error) }); }
}, workerData.interval);
parentPort.on('message', () => { clearInterval(timer); db.close(); parentPort.postMessage({ closed: true }); });
`;

/** A running checkpointer. */
export interface WalCheckpointer {
  /** Stops checkpointing and closes the worker's connection. */
  stop(): Promise<void>;
}

/**
 * Starts checkpointing the WAL of the database at `path` every CHECKPOINT_INTERVAL_MS. A passive
 * checkpoint never blocks the writer; a failed one is reported to `onError` and retried next time.
 * @param betterSqlite3 resolved path of the better-sqlite3 module (the worker loads the same copy)
 */
export function startCheckpointer(
  path: string,
  betterSqlite3: string,
  onError: (message: string) => void,
): WalCheckpointer {
  const worker = new Worker(WORKER_SOURCE, {
    eval: true,
    workerData: { path, module: betterSqlite3, interval: CHECKPOINT_INTERVAL_MS },
  });
  worker.unref();
  worker.on('message', (message: { error?: string }) => {
    if (message.error !== undefined) onError(message.error);
  });
  worker.on('error', (error) => onError(error.message));
  return {
    stop: () =>
      new Promise<void>((resolve) => {
        worker.once('message', () => {
          void worker.terminate().then(() => resolve());
        });
        worker.once('exit', () => resolve());
        worker.postMessage('stop');
      }),
  };
}
