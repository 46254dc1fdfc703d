// The SQLite store's tables. State only (sets, packed IDs, data, leases) plus the retained event log.
// `PRAGMA user_version` holds SCHEMA_VERSION so a future layout change can migrate or refuse old files.

/** Version written to `PRAGMA user_version`; a store with another non-zero version is refused. */
export const SCHEMA_VERSION = 1;

/** Creates every table if missing. */
export const SCHEMA_SQL = `
CREATE TABLE IF NOT EXISTS meta (
  one INTEGER PRIMARY KEY CHECK (one = 1),
  capacity INTEGER NOT NULL,
  next_seq INTEGER NOT NULL,
  system_sid INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS sets (
  sid INTEGER PRIMARY KEY,
  owner TEXT,
  quota INTEGER NOT NULL,
  dying INTEGER NOT NULL,
  secret_hash BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS id_chunks (
  chunk INTEGER PRIMARY KEY,
  records BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS id_data (
  id INTEGER PRIMARY KEY,
  data TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS leases (
  lease TEXT PRIMARY KEY,
  sid INTEGER,
  ttl_ms INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS lease_refs (
  lease TEXT NOT NULL,
  id INTEGER NOT NULL,
  count INTEGER NOT NULL,
  PRIMARY KEY (lease, id)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS event_blocks (
  last_seq INTEGER PRIMARY KEY,
  first_seq INTEGER NOT NULL,
  body TEXT NOT NULL
);
`;

/** Most events stored in one `event_blocks` row; a commit with more events writes several rows. */
export const EVENTS_PER_BLOCK = 1024;
