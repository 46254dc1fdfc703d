// The store layer's public surface: the interface and the SQLite implementations.

export { SQLITE_FILE, type SqliteStoreOptions } from './sqlite-database.js';
export { SqliteStore } from './sqlite-store.js';
export type * from './store.js';
