// The store layer's public surface: the interface, its ID forms and the SQLite implementation.

export { idColumnsOf, idRowsOf, NO_SPID_COLUMN } from './id-columns.js';
export { SQLITE_FILE, type SqliteStoreOptions } from './sqlite-database.js';
export { SqliteStore } from './sqlite-store.js';
export type * from './store.js';
