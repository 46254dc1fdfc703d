// The PostgreSQL store's tables, as numbered migrations applied in order at open (pg-migrate.ts). One row
// per live ID, so the database itself forbids an ID in two sets (`ids.id` is the primary key).

/** One schema step: its number (1, 2, ...) and the statements that take version - 1 to version. */
export interface Migration {
  readonly version: number;
  readonly description: string;
  readonly sql: string;
}

/**
 * Every migration, ascending. Append new ones; never edit one that has shipped (databases already hold
 * it). IDs and spids are 32-bit unsigned, so they are `bigint`; JSON is kept as `text`, byte for byte
 * what the engine wrote (jsonb would reorder keys and respace it).
 */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    description: 'state tables, event log and instance record',
    sql: `
CREATE TABLE meta (
  one smallint PRIMARY KEY CHECK (one = 1),
  capacity bigint NOT NULL,
  next_seq bigint NOT NULL,
  system_sid bigint NOT NULL
);
CREATE TABLE settings (
  one smallint PRIMARY KEY CHECK (one = 1),
  event_retention bigint NOT NULL CHECK (event_retention >= 1)
);
CREATE TABLE sets (
  sid bigint PRIMARY KEY,
  owner text,
  quota bigint NOT NULL,
  dying boolean NOT NULL,
  secret_hash bytea NOT NULL
);
CREATE TABLE ids (
  id bigint PRIMARY KEY CHECK (id BETWEEN 0 AND 4294967295),
  sid bigint NOT NULL,
  refs integer NOT NULL CHECK (refs >= 0),
  free_pending boolean NOT NULL,
  spid bigint CHECK (spid BETWEEN 0 AND 4294967295)
);
CREATE TABLE id_data (
  id bigint PRIMARY KEY,
  data text NOT NULL
);
CREATE TABLE leases (
  lease text PRIMARY KEY,
  sid bigint,
  ttl_ms bigint NOT NULL
);
CREATE TABLE lease_refs (
  lease text NOT NULL,
  id bigint NOT NULL,
  count integer NOT NULL,
  PRIMARY KEY (lease, id)
);
CREATE TABLE events (
  seq bigint PRIMARY KEY,
  type text NOT NULL,
  id bigint,
  sid bigint,
  spid bigint,
  data text
);
CREATE TABLE instances (
  name text PRIMARY KEY,
  pid integer NOT NULL,
  host text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
  {
    version: 2,
    description: 'instance heartbeat: last_seen_at and the sequence number seen',
    sql: `
ALTER TABLE instances ADD COLUMN last_seen_at timestamptz NOT NULL DEFAULT now();
ALTER TABLE instances ADD COLUMN seq bigint NOT NULL DEFAULT 0;
`,
  },
  {
    version: 3,
    description:
      'several instances: the commit log, the namespace version, lease expiry by the database clock',
    sql: `
ALTER TABLE meta ADD COLUMN version bigint NOT NULL DEFAULT 0;
CREATE TABLE commits (
  version bigint PRIMARY KEY,
  next_seq bigint NOT NULL,
  ops text NOT NULL
);
ALTER TABLE leases ADD COLUMN expires_at timestamptz NOT NULL DEFAULT now();
UPDATE leases SET expires_at = now() + ttl_ms * interval '1 millisecond';
CREATE INDEX leases_expires_at ON leases (expires_at);
DELETE FROM instances;
`,
  },
  {
    version: 4,
    description: 'admin credentials: the SHA-256 of every admin token the instances accept',
    sql: `
CREATE TABLE admin_tokens (
  hash bytea PRIMARY KEY CHECK (length(hash) = 32),
  created_at timestamptz NOT NULL DEFAULT now()
);
`,
  },
];

/** The newest schema version this server knows; a database with a higher one is refused. */
export const SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * First key of the store's advisory locks (`pg_advisory_lock(int, int)`), an arbitrary constant ("IOAS").
 * Advisory locks are per database, so two namespaces in two databases never meet.
 */
export const LOCK_CLASS = 0x494f4153;
/** Second key: held (transaction-scoped) while migrating. */
export const LOCK_MIGRATE = 1;
/**
 * Second key: held (transaction-scoped) by the write turn of whichever instance commits: writes to the
 * namespace happen one turn at a time across instances. (Key 2 was the session lock of the one instance
 * a database had before several could share it.)
 */
export const LOCK_NAMESPACE = 3;
