// The store layer's public surface: the interface, its ID forms, the SQLite and PostgreSQL implementations.

export { idColumnsOf, idRowsOf, NO_SPID_COLUMN } from './id-columns.js';
export {
  ADMIN_REREAD_EVERY_MS,
  ADMIN_REREAD_MIN_INTERVAL_MS,
  AdminHashReader,
  type AdminHashReaderOptions,
  loadPgAdminToken,
  type PgAdminCredential,
  readAdminHashes,
} from './pg-admin-token.js';
export {
  DEFAULT_PG_TIMEOUTS,
  type PgTimeouts,
  redactDatabaseUrl,
  StoreUnavailableError,
} from './pg-connect.js';
export { connectionSurvives, describePgFailure } from './pg-failure.js';
export { migrate as migratePg } from './pg-migrate.js';
export { SCHEMA_VERSION as PG_SCHEMA_VERSION } from './pg-schema.js';
export { type NamespaceSettings, PgStore, type PgStoreOptions } from './pg-store.js';
export { SQLITE_FILE, type SqliteStoreOptions } from './sqlite-database.js';
export { SqliteStore } from './sqlite-store.js';
export type * from './store.js';
