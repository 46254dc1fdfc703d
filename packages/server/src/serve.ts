// `@ioasid/server/serve`: runs the server from command-line arguments (what `ioasid-server` and the CLI's
// `ioasid serve` do), prints where to find it, and stops gracefully on SIGTERM or SIGINT.

import { CommanderError } from 'commander';
import pc from 'picocolors';
import { createLogger } from './logging.js';
import { resolveOptions, type ServeOptions, serveProgram } from './serve-options.js';
import { type RunningServer, startServer } from './server.js';
import { redactDatabaseUrl, StoreUnavailableError } from './store/pg-connect.js';

/** What the serve command may use from its process; the entry (main.ts, or the CLI's) provides it. */
export interface ServeContext {
  /** The environment the IOASID_* fallbacks come from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  onSignal(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  /** Ends the process with `code` (after a signal, or a damaged store). */
  exit(code: number): void;
}

/** Exit code of a bad flag or variable, or of a server that could not start (data directory locked...). */
export const EXIT_SERVE_FAILURE = 1;
/** Exit code when the database (PostgreSQL) cannot be reached at start (sysexits EX_UNAVAILABLE). */
export const EXIT_SERVE_UNAVAILABLE = 69;
/**
 * Exit code when the server cannot go on in its process: the store reloaded after a failed commit is
 * damaged (sysexits EX_SOFTWARE). A failed commit alone does not end the process: the server refuses
 * writes, serves reads and recovers by itself once its store takes writes again.
 */
export const EXIT_SERVE_FATAL = 70;

/**
 * Parses `args` (the flags after the command's name), starts the server and installs the signal
 * handlers. Usage errors are printed by the parser; other failures as `PREFIX: message` in red, where
 * PREFIX is the first word of `name` (`ioasid serve` prints `ioasid: ...`, `ioasid-server` its name).
 * Once listening, the process ends only through `context.exit`: 0 after a graceful stop, 1 after a
 * second signal or a failed stop, EXIT_SERVE_FATAL (70) when the store turned out damaged.
 * @param name the command as the user typed it, for the usage line (`ioasid-server`, `ioasid serve`)
 * @returns null once the server listens; otherwise the exit code to end with (0 after `--help`,
 * EXIT_SERVE_UNAVAILABLE when PostgreSQL cannot be reached, EXIT_SERVE_FAILURE after a refused flag or
 * variable, or when the server failed to start otherwise)
 */
export async function runServe(
  args: readonly string[],
  context: ServeContext,
  name = 'ioasid-server',
): Promise<number | null> {
  const prefix = name.split(' ')[0];
  const program = serveProgram(name, context.env, (options) => serve(options, context))
    .exitOverride()
    .configureOutput({
      writeOut: (text) => context.out(text.replace(/\n$/, '')),
      writeErr: (text) => context.err(text.replace(/\n$/, '')),
    });
  try {
    await program.parseAsync([...args], { from: 'user' });
    return null;
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode;
    context.err(pc.red(`${prefix}: ${error instanceof Error ? error.message : String(error)}`));
    return error instanceof StoreUnavailableError ? EXIT_SERVE_UNAVAILABLE : EXIT_SERVE_FAILURE;
  }
}

async function serve(raw: ServeOptions, context: ServeContext): Promise<void> {
  const options = resolveOptions(raw);
  const logger = createLogger({ level: options.logLevel });
  let exiting = false;
  const server = await startServer({
    host: options.host,
    port: options.port,
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl ?? undefined,
    capacity: options.capacity,
    eventRetention: options.eventRetention,
    maxLeasesPerSet: options.maxLeasesPerSet,
    maxAdminLeases: options.maxAdminLeases,
    adminToken: context.env.IOASID_ADMIN_TOKEN,
    dashboard: options.dashboard ? undefined : false,
    logger,
    onFatal: () => {
      // The store reloaded after a failed commit is damaged:
      // nothing in this process can fix it. The short delay lets the answers already decided reach
      // their clients.
      logger.flush();
      setTimeout(() => context.exit(EXIT_SERVE_FATAL), 200);
    },
  });
  // Stop gracefully from here on: handlers are in place before "listening on" tells anyone to send one.
  const stop = (signal: string) => {
    if (exiting) {
      context.err(`${signal} again: exiting without waiting`);
      context.exit(1);
      return;
    }
    exiting = true;
    logger.info({ signal }, 'shutting down: finishing and committing in-flight requests');
    server.close().then(
      () => {
        logger.info('stopped');
        logger.flush();
        context.exit(0);
      },
      (error: unknown) => {
        context.err(`shutdown failed: ${error instanceof Error ? error.message : String(error)}`);
        context.exit(1);
      },
    );
  };
  context.onSignal('SIGTERM', () => stop('SIGTERM'));
  context.onSignal('SIGINT', () => stop('SIGINT'));
  context.out(adminLine(server.admin));
  if (options.databaseUrl !== null)
    context.out(`store: PostgreSQL ${redactDatabaseUrl(options.databaseUrl)}`);
  if (options.dashboard) context.out(`dashboard: ${server.url}/`);
  context.out(`API: ${server.url}/v1  docs: ${server.url}/docs  metrics: ${server.url}/metrics`);
  context.out(pc.green(`listening on ${server.url}`));
  logger.info(
    options.databaseUrl === null
      ? { url: server.url, dataDir: options.dataDir }
      : { url: server.url, database: redactDatabaseUrl(options.databaseUrl) },
    'listening',
  );
}

/**
 * The start-up line saying where the admin token is (never the token). With PostgreSQL it also says
 * that the token's hash is in the database, or that this instance knows the hash only.
 */
export function adminLine(admin: RunningServer['admin']): string {
  const where =
    admin.path === null
      ? 'from IOASID_ADMIN_TOKEN'
      : `${admin.path}${admin.created ? ' (created, mode 0600)' : ''}`;
  if (!('source' in admin)) return `admin token: ${where}`;
  if (admin.source === 'database') {
    return `admin token: in the database as a hash only (${admin.hashes.size} accepted): use the admin.token the first instance wrote in its data directory, or set IOASID_ADMIN_TOKEN`;
  }
  return `admin token: ${where}; its hash is recorded in the database (every instance accepts it)`;
}
