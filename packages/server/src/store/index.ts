// The store layer's public surface: the interface and the SQLite implementation.

export { SQLITE_FILE, SqliteStore, type SqliteStoreOptions } from './sqlite-store.js';
export type * from './store.js';
