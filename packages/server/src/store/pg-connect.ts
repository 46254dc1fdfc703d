// Connecting to PostgreSQL: the database URL with its password kept out of messages, and connection
// failures turned into errors that say what to check (server running, address, user, database).

import pg from 'pg';

/** Milliseconds a connection attempt may take before it counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 5000;

/**
 * Time limits of every connection the store opens, so that no commit, load or lock waits for ever on
 * a database that went away or on a session stuck holding a lock. All in milliseconds.
 */
export interface PgTimeouts {
  /** Opening a connection (client side, default 5,000). */
  readonly connectMs?: number;
  /** `statement_timeout`: the server cancels a longer statement (default 10,000). */
  readonly statementMs?: number;
  /** `lock_timeout`: a row or table lock not granted by then fails the statement (default 5,000). */
  readonly lockMs?: number;
  /** `idle_in_transaction_session_timeout`: the server ends a session idle in a transaction (10,000). */
  readonly idleInTransactionMs?: number;
  /**
   * `query_timeout`: the client gives up on an answer (default 12,000: after `statementMs`, for a server
   * or network that answers nothing at all); the connection is then dropped and a new one opened.
   */
  readonly queryMs?: number;
}

/** The defaults of PgTimeouts. */
export const DEFAULT_PG_TIMEOUTS: Required<PgTimeouts> = {
  connectMs: CONNECT_TIMEOUT_MS,
  statementMs: 10_000,
  lockMs: 5_000,
  idleInTransactionMs: 10_000,
  queryMs: 12_000,
};

/** `timeouts` with the defaults filled in. @throws RangeError for a value that is not a positive integer */
export function resolveTimeouts(timeouts: PgTimeouts = {}): Required<PgTimeouts> {
  const all = { ...DEFAULT_PG_TIMEOUTS };
  for (const key of Object.keys(all) as (keyof PgTimeouts)[]) {
    const value = timeouts[key];
    if (value === undefined) continue;
    if (!Number.isInteger(value) || value <= 0) {
      throw new RangeError(
        `PostgreSQL timeout ${key} must be a positive integer of milliseconds, not ${value}`,
      );
    }
    all[key] = value;
  }
  return all;
}

/**
 * The database could not be reached or refused the connection at start. The serve command exits with
 * EXIT_SERVE_UNAVAILABLE (69) on it; the message names the (redacted) URL and what to check.
 */
export class StoreUnavailableError extends Error {
  override readonly name = 'StoreUnavailableError';
}

/** Returns `url` with its password (if any) replaced by `[Redacted]`, for logs and messages. */
export function redactDatabaseUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '[Redacted]';
    for (const key of [...parsed.searchParams.keys()]) {
      if (/pass/i.test(key)) parsed.searchParams.set(key, '[Redacted]');
    }
    return parsed.toString().replace('%5BRedacted%5D', '[Redacted]');
  } catch {
    // Not a URL: a password could be anywhere in it, so show none of it.
    return '(an unparsable database URL)';
  }
}

/** What to check for a failed connection, by PostgreSQL SQLSTATE or Node error code. */
function advice(error: { code?: string }, url: URL | null): string {
  const db = url?.pathname.slice(1) || 'the database';
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
    case 'EHOSTUNREACH':
    case 'ETIMEDOUT':
      return 'is PostgreSQL running and listening at that host and port? (on Debian: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start)';
    case '3D000':
      return `the database does not exist: create it (createdb ${db}) or name an existing one in the URL`;
    case '28P01':
    case '28000':
      return 'the user or password was refused: check them in the URL and pg_hba.conf';
    case '57P03':
      return 'PostgreSQL is starting up or shutting down: try again in a moment';
    default:
      return 'check the URL (postgres://USER:PASSWORD@HOST:PORT/DATABASE) and that PostgreSQL accepts connections';
  }
}

/**
 * Opens one connection to `url` (not a pool: the store keeps a writer and a lock holder apart).
 * @throws StoreUnavailableError naming the redacted URL, the cause and what to check, when the
 * connection is refused, times out or is not accepted (authentication, missing database)
 */
export async function connect(
  url: string,
  applicationName = 'ioasid',
  timeouts: PgTimeouts = {},
): Promise<pg.Client> {
  const t = resolveTimeouts(timeouts);
  let parsed: URL | null = null;
  try {
    parsed = new URL(url);
  } catch {
    // Reported below through pg's own parsing, or as an unparsable URL.
  }
  if (parsed === null || !/^postgres(ql)?:$/.test(parsed.protocol)) {
    throw new StoreUnavailableError(
      `--database-url must look like postgres://USER:PASSWORD@HOST:PORT/DATABASE, not ${redactDatabaseUrl(url)}`,
    );
  }
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: t.connectMs,
    query_timeout: t.queryMs,
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    application_name: applicationName,
  });
  // An error on an idle connection is reported through the store's own handlers; never as a crash.
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    await client.end().catch(() => {});
    const e = error as Error & { code?: string };
    const cause = e.message || e.code || String(error);
    throw new StoreUnavailableError(
      `cannot connect to PostgreSQL at ${redactDatabaseUrl(url)}: ${cause}; ${advice(e, parsed)}`,
      { cause: error },
    );
  }
  // Every commit is durable before it is acknowledged, whatever the server's default. No JIT: compiling
  // the big load query cost more than running it. Timeouts: nothing waits for ever (see PgTimeouts).
  try {
    await client.query(
      `SET synchronous_commit = on; SET standard_conforming_strings = on; SET jit = off; ` +
        `SET statement_timeout = ${t.statementMs}; ` +
        `SET lock_timeout = ${t.lockMs}; SET idle_in_transaction_session_timeout = ${t.idleInTransactionMs}`,
    );
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return client;
}
