// startServer: everything a running server needs, wired from one configuration object (the serve
// command, serve.ts, builds it from flags and environment; tests build it directly).

import type { AddressInfo } from 'node:net';
import type { Logger } from 'pino';
import { type AdminCredential, loadAdminToken } from './admin-token.js';
import type { CommitMode } from './engine/commit-queue.js';
import { Engine } from './engine/engine.js';
import { DEFAULT_EVENT_RETENTION } from './engine/limits.js';
import type { StoreRetryOptions } from './engine/store-outage.js';
import { buildApp } from './http/app.js';
import type { App } from './http/app-types.js';
import { createLogger } from './logging.js';
import { AdminHashReader, loadPgAdminToken, type PgAdminCredential } from './store/pg-admin-token.js';
import type { PgTimeouts } from './store/pg-connect.js';
import { connect } from './store/pg-connect.js';
import { PgStore } from './store/pg-store.js';
import { SqliteStore } from './store/sqlite-store.js';
import type { Store } from './store/store.js';

/** Default address: loopback only. */
export const DEFAULT_HOST = '127.0.0.1';
/** Default port. */
export const DEFAULT_PORT = 7070;
/** Default capacity: VT-d's 20-bit PASID space. */
export const DEFAULT_CAPACITY = 1 << 20;

/** Configuration of `startServer`. */
export interface ServerConfig {
  /** Directory of the SQLite store and the admin token file. */
  readonly dataDir: string;
  /**
   * PostgreSQL URL: keep the state there instead of SQLite in `dataDir`. Any number of servers may share it;
   * the database's recorded event retention wins over `eventRetention`. The admin credential: every
   * token whose hash the database records (see pg-admin-token.ts); `dataDir` holds admin.token when this
   * instance created the first one.
   */
  readonly databaseUrl?: string;
  /** Time limits of the PostgreSQL connections (see PgTimeouts; defaults when omitted). */
  readonly databaseTimeouts?: PgTimeouts;
  /** Address to listen on (default 127.0.0.1). */
  readonly host?: string;
  /** Port (default 7070; 0 picks a free one, see `RunningServer.port`). */
  readonly port?: number;
  /** Capacity installed when the store has none (default 2^20; 0: none, install with PUT /v1/capacity). */
  readonly capacity?: number;
  /**
   * The admin credential; omitted: read from (or created in) `<dataDir>/admin.token`. With `databaseUrl`
   * its hash is recorded in the database, and every admin token recorded there is accepted too.
   */
  readonly adminToken?: string;
  /** Events kept for resuming streams (default 100,000). */
  readonly eventRetention?: number;
  /** Most references one lease may hold in total (default 65,536). */
  readonly maxLeaseRefs?: number;
  /** Most live leases one set's secret may have created (default 1,024). */
  readonly maxLeasesPerSet?: number;
  /** Most live leases the admin may have created (default 65,536). */
  readonly maxAdminLeases?: number;
  /** `group` (default) or `per-request`: one fsync'd transaction per request, for comparison. */
  readonly commitMode?: CommitMode;
  /** A pino logger; false for none; omitted: JSON lines on standard error at level info. */
  readonly logger?: Logger | false;
  /** Milliseconds between event-stream keep-alive comments (default 15,000). */
  /** How long a GET with `min_seq` waits for that sequence number (default 5,000 ms; tests shorten it). */
  readonly minSeqWaitMs?: number;
  readonly sseKeepAliveMs?: number;
  /** The built dashboard's directory, served at GET / (see AppOptions.dashboard); false: none. */
  readonly dashboard?: string | false;
  /** Another store than the SQLite one in `dataDir` (or PostgreSQL); the server closes it. */
  readonly store?: Store;
  /** How an unavailable store is retried (see EngineOptions.storeRetry). */
  readonly storeRetry?: StoreRetryOptions;
  /** The wall clock of GET /v1/history and /v1/instances, epoch milliseconds (default Date.now; tests). */
  readonly clock?: () => number;
  /**
   * Called when the server cannot go on in this process: the store reloaded after a failed commit is
   * damaged (the CLI exits 70). A failed commit alone does not call it: the server refuses writes, serves
   * reads and retries its store until it recovers.
   */
  readonly onFatal: (error: unknown) => void;
}

/** A listening server. */
export interface RunningServer {
  /** Base URL, e.g. `http://127.0.0.1:7070`. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /**
   * Where the admin credential came from (never its content... except `token`, for embedding callers).
   * With `databaseUrl`: a PgAdminCredential, whose token is null when this instance knows only its hash.
   */
  readonly admin: AdminCredential | PgAdminCredential;
  readonly app: App;
  readonly engine: Engine;
  /**
   * Graceful shutdown: stops accepting connections, ends event streams, lets in-flight requests finish
   * and commit, then closes the store. Idempotent.
   */
  close(): Promise<void>;
}

/**
 * Opens the store, rebuilds the state, and listens.
 * @throws Error when the data directory is locked by another server, the store is damaged, the admin
 * token is malformed, or the address is in use; StoreUnavailableError when PostgreSQL cannot be
 * reached
 */
export async function startServer(config: ServerConfig): Promise<RunningServer> {
  const logger = config.logger === undefined ? createLogger() : config.logger;
  const pgAdmin = config.store === undefined && config.databaseUrl !== undefined;
  // With PostgreSQL only a given token is checked here; the credential is settled once the store is open.
  let admin: AdminCredential | PgAdminCredential | null =
    pgAdmin && config.adminToken === undefined ? null : loadAdminToken(config.dataDir, config.adminToken);
  if (!pgAdmin && admin?.warning && logger) logger.warn(admin.warning);
  let eventRetention = config.eventRetention;
  let store: Store;
  if (config.store !== undefined) store = config.store;
  else if (config.databaseUrl !== undefined) {
    const pgStore = await PgStore.open({
      url: config.databaseUrl,
      eventRetention: config.eventRetention ?? DEFAULT_EVENT_RETENTION,
      timeouts: config.databaseTimeouts,
    });
    const settings = pgStore.settings;
    eventRetention = settings.eventRetention;
    if (settings.requestedRetention !== null && logger) {
      logger.warn(
        { recorded: settings.eventRetention, requested: settings.requestedRetention },
        `event retention ${settings.eventRetention} is recorded in the database; the requested ${settings.requestedRetention} is ignored`,
      );
    }
    if (logger) logger.info({ database: pgStore.where }, 'store: PostgreSQL');
    store = pgStore;
    try {
      admin = await settlePgAdmin(config);
    } catch (error) {
      await store.close();
      throw error;
    }
    if (admin.warning !== null && logger) logger.warn(admin.warning);
  } else {
    store = SqliteStore.open({
      dataDir: config.dataDir,
      onCheckpointError: (message, failures) => {
        if (logger) {
          logger.warn(
            { err: message, failures },
            `WAL checkpoint failed ${failures === 1 ? 'once' : `${failures} times`} since the last line (nothing is lost; it is retried; this line comes at most once a minute)`,
          );
        }
      },
    });
  }
  if (admin === null) throw new Error('the admin credential is settled before the engine opens (a bug)');
  const credential = admin;
  let engine: Engine;
  try {
    engine = await Engine.open({
      store,
      adminToken: 'hashes' in credential ? credential.hashes : credential.token,
      capacity: config.capacity ?? DEFAULT_CAPACITY,
      eventRetention,
      maxLeaseRefs: config.maxLeaseRefs,
      maxLeasesPerSet: config.maxLeasesPerSet,
      maxAdminLeases: config.maxAdminLeases,
      commitMode: config.commitMode,
      storeRetry: config.storeRetry,
      clock: config.clock,
      log: logger || undefined,
      onFatal: config.onFatal,
    });
  } catch (error) {
    await store.close();
    throw error;
  }
  const reader =
    'hashes' in credential && config.databaseUrl !== undefined
      ? new AdminHashReader({
          url: config.databaseUrl,
          hashes: credential.hashes,
          timeouts: config.databaseTimeouts,
          onChange: (count) => {
            if (logger) logger.info({ count }, 'admin credentials re-read from the database');
          },
          onError: (error) => {
            if (logger) {
              logger.warn(
                { err: error instanceof Error ? error.message : String(error) },
                'cannot re-read the admin credentials from the database; the known ones stay accepted',
              );
            }
          },
        })
      : null;
  let app: App;
  try {
    app = await buildApp({
      engine,
      logger,
      sseKeepAliveMs: config.sseKeepAliveMs,
      minSeqWaitMs: config.minSeqWaitMs,
      dashboard: config.dashboard,
      refreshAdmin: reader === null ? undefined : () => reader.refresh(),
    });
    await app.listen({ host: config.host ?? DEFAULT_HOST, port: config.port ?? DEFAULT_PORT });
  } catch (error) {
    await reader?.close();
    await engine.close();
    throw error;
  }
  const address = app.server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
  let closed: Promise<void> | null = null;
  return {
    url: `http://${host}:${address.port}`,
    host: address.address,
    port: address.port,
    admin: credential,
    app,
    engine,
    close() {
      closed ??= (async () => {
        await app.close();
        await reader?.close();
        await engine.close();
      })();
      return closed;
    },
  };
}

/** The admin credential with PostgreSQL, settled on a connection of its own (see loadPgAdminToken). */
async function settlePgAdmin(config: ServerConfig): Promise<PgAdminCredential> {
  const client = await connect(config.databaseUrl as string, 'ioasid-admin', config.databaseTimeouts);
  try {
    return await loadPgAdminToken(client, config.dataDir, config.adminToken);
  } finally {
    await client.end().catch(() => {});
  }
}
