// How an Engine is opened: its store, the admin credential, the limits it enforces, and where it logs.

import type { Store } from '../store/store.js';
import type { CommitMode } from './commit-queue.js';
import type { AdminHashes } from './credentials.js';
import type { StoreRetryOptions } from './store-outage.js';

/** The logger the engine writes to (pino's signature). */
export interface EngineLog {
  info(fields: object, message: string): void;
  warn(fields: object, message: string): void;
  error(fields: object, message: string): void;
  fatal(fields: object, message: string): void;
}

/** A logger that drops everything (the default). */
export const SILENT_LOG: EngineLog = { info() {}, warn() {}, error() {}, fatal() {} };

/** Options of `Engine.open`. */
export interface EngineOptions {
  /** Where the state lives. The engine owns it from now on and closes it in `close`. */
  readonly store: Store;
  /**
   * The admin credential; or the hashes of the admin tokens (AdminHashes: PostgreSQL, where every admin
   * token recorded in the database is accepted and the list is re-read by its owner).
   */
  readonly adminToken: string | AdminHashes;
  /** Capacity to install when the store has none (0 or omitted: none). An installed one is kept. */
  readonly capacity?: number;
  /** Events kept for resuming streams, at least 1 (default 100,000). */
  readonly eventRetention?: number;
  /** Most references one lease may hold in total, at least 1 (default 65,536). */
  readonly maxLeaseRefs?: number;
  /** Most live leases one set's secret may have created, at least 1 (default 1,024). */
  readonly maxLeasesPerSet?: number;
  /** Most live leases the admin may have created, at least 1 (default 65,536). */
  readonly maxAdminLeases?: number;
  /** `group` (default) or `per-request` (one transaction per request, the benchmark's baseline). */
  readonly commitMode?: CommitMode;
  /** Where to log (default: nowhere). */
  readonly log?: EngineLog;
  /** The wall clock of the history and the instances, in epoch milliseconds (default Date.now). */
  readonly clock?: () => number;
  /**
   * How an unavailable store is retried (default: 250 ms doubling to 30 s, a reminder in the log at most
   * once a minute).
   */
  readonly storeRetry?: StoreRetryOptions;
  /**
   * Called when the engine cannot go on in this process: the store reloaded after a failed commit is
   * damaged (DamagedStoreError). A failed commit alone does not call it: the engine returns to the
   * committed state, refuses writes and retries (see Engine.storeStatus).
   */
  readonly onFatal: (error: unknown) => void;
}
