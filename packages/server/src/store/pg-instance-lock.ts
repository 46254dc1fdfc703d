// One server per PostgreSQL database (for now): a session-level advisory lock held on a connection of
// its own for the server's life, and a row saying who holds it, so a second server can name the first.

import { hostname } from 'node:os';
import type pg from 'pg';
import { LOCK_CLASS, LOCK_INSTANCE } from './pg-schema.js';

/** Name of the single instance's row in `instances` (several instances will each have their own). */
export const INSTANCE_NAME = 'single';

/** Who holds a database, as its `instances` row says. */
export interface InstanceHolder {
  readonly pid: number;
  readonly host: string;
  readonly startedAt: Date;
}

/**
 * The database is served by another instance. Running several instances on one database comes with the
 * multi-instance step; until then one server per database.
 */
export class DatabaseInUseError extends Error {
  override readonly name = 'DatabaseInUseError';
}

/**
 * Takes the instance lock on `client` (a connection used for nothing else, kept open: PostgreSQL
 * releases the lock when the session ends, including when the process dies) and records this process.
 * @throws DatabaseInUseError naming the holder's pid, host and start when another session holds it
 */
export async function lockInstance(client: pg.Client, where: string): Promise<void> {
  const holder = await tryLockInstance(client);
  if (holder !== undefined) throw inUse(holder, where);
}

/**
 * Tries to take the instance lock on `client` and records this process when it got it.
 * @returns undefined when the lock is taken; otherwise the recorded holder (null when none is recorded)
 */
export async function tryLockInstance(client: pg.Client): Promise<InstanceHolder | null | undefined> {
  const taken = await client.query<{ ok: boolean }>('SELECT pg_try_advisory_lock($1, $2) AS ok', [
    LOCK_CLASS,
    LOCK_INSTANCE,
  ]);
  if (!taken.rows[0].ok) return readHolder(client);
  await client.query(
    `INSERT INTO instances (name, pid, host, started_at, last_seen_at) VALUES ($1, $2, $3, now(), now())
     ON CONFLICT (name) DO UPDATE SET pid = EXCLUDED.pid, host = EXCLUDED.host, started_at = EXCLUDED.started_at,
       last_seen_at = EXCLUDED.last_seen_at`,
    [INSTANCE_NAME, process.pid, hostname()],
  );
  return undefined;
}

/**
 * Returns the backend pid of the session holding the instance lock of `client`'s database, or null when
 * none holds it (seen from `client`, in `pg_locks`). Advisory locks of other databases of the cluster
 * have the same keys: only this database's count.
 */
export async function lockHolderBackend(client: pg.Client): Promise<number | null> {
  const result = await client.query<{ pid: number }>(
    `SELECT pid FROM pg_locks WHERE locktype = 'advisory' AND granted
       AND classid = $1::bigint::oid AND objid = $2::bigint::oid AND objsubid = 2
       AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [LOCK_CLASS, LOCK_INSTANCE],
  );
  return result.rows[0]?.pid ?? null;
}

/** The DatabaseInUseError for `holder` (null: none recorded) on the database `where`. */
export function inUse(holder: InstanceHolder | null, where: string): DatabaseInUseError {
  const who =
    holder === null
      ? 'another ioasid instance'
      : `another ioasid instance (pid ${holder.pid} on ${holder.host}, started ${holder.startedAt.toISOString()})`;
  return new DatabaseInUseError(
    `${who} serves the database ${where}; one instance per database for now (several instances on one database come with the multi-instance mode): stop it or use another database`,
  );
}

/** Forgets this instance's row and releases the lock (closing the session would release it too). */
export async function unlockInstance(client: pg.Client): Promise<void> {
  await client.query('DELETE FROM instances WHERE name = $1 AND pid = $2', [INSTANCE_NAME, process.pid]);
  await client.query('SELECT pg_advisory_unlock($1, $2)', [LOCK_CLASS, LOCK_INSTANCE]);
}

/** Returns the recorded holder, or null when none is recorded. */
export async function readHolder(client: pg.ClientBase): Promise<InstanceHolder | null> {
  const result = await client.query<{ pid: number; host: string; started_at: Date }>(
    'SELECT pid, host, started_at FROM instances WHERE name = $1',
    [INSTANCE_NAME],
  );
  const row = result.rows[0];
  return row === undefined ? null : { pid: row.pid, host: row.host, startedAt: row.started_at };
}
