// Connecting to PostgreSQL: the database URL with its password kept out of messages, and connection
// failures turned into errors that say what to check (server running, address, user, database).

import pg from 'pg';

/** Milliseconds a connection attempt may take before it counts as unreachable. */
export const CONNECT_TIMEOUT_MS = 5000;

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
export async function connect(url: string, applicationName = 'ioasid'): Promise<pg.Client> {
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
    connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    keepAlive: true,
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
  // the big load query cost more than running it.
  await client.query('SET synchronous_commit = on; SET jit = off');
  return client;
}
