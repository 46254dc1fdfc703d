// `ioasid serve`: runs the server with flags, falling back to IOASID_* environment variables, prints
// where to find it, and shuts down gracefully on SIGTERM or SIGINT (a second signal exits at once).

import {
  createLogger,
  DEFAULT_CAPACITY,
  DEFAULT_EVENT_RETENTION,
  DEFAULT_HOST,
  DEFAULT_MAX_ADMIN_LEASES,
  DEFAULT_MAX_LEASES_PER_SET,
  DEFAULT_PORT,
  startServer,
} from '@ioasid/server';
import { type Command, InvalidArgumentError } from 'commander';
import pc from 'picocolors';

/** What a command may use from its process; main.ts provides the real one, tests their own. */
export interface CliContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Writes a line to standard output. */
  out(line: string): void;
  /** Writes a line to standard error. */
  err(line: string): void;
  onSignal(signal: 'SIGTERM' | 'SIGINT', handler: () => void): void;
  exit(code: number): void;
}

interface ServeOptions {
  host: string;
  /** A number from the flag, or the raw IOASID_PORT text (parsed in the action, so errors name it). */
  port: number | string;
  dataDir: string;
  capacity: number | string;
  eventRetention: number | string;
  maxLeasesPerSet: number | string;
  maxAdminLeases: number | string;
  logLevel: string;
}

/** Largest value of the count flags (retention, lease limits). */
const MAX_COUNT = 1_000_000_000;

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parses a decimal integer in [min, max] or explains what was wrong. */
function integer(what: string, min: number, max: number) {
  return (value: string, _previous?: unknown): number | string => {
    if (!/^(0|[1-9][0-9]*)$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}, not "${value}"`);
    }
    return Number(value);
  };
}

/** Adds the `serve` subcommand to `program`. */
export function addServeCommand(program: Command, context: CliContext): void {
  const env = context.env;
  const port = integer('--port', 0, 65535);
  const capacity = integer('--capacity', 0, 0xffffffff);
  const retention = integer('--event-retention', 1, MAX_COUNT);
  const setLeases = integer('--max-leases-per-set', 1, MAX_COUNT);
  const adminLeases = integer('--max-admin-leases', 1, MAX_COUNT);
  program
    .command('serve')
    .description('run the allocator as an HTTP service with a durable SQLite store')
    .option('--host <address>', 'address to listen on (env IOASID_HOST)', env.IOASID_HOST ?? DEFAULT_HOST)
    .option(
      '--port <number>',
      'port, 0 for any free one (env IOASID_PORT)',
      port,
      env.IOASID_PORT ?? DEFAULT_PORT,
    )
    .option(
      '--data-dir <path>',
      'directory of the store and admin.token (env IOASID_DATA_DIR)',
      env.IOASID_DATA_DIR ?? './data',
    )
    .option(
      '--capacity <ids>',
      'capacity installed on first start, 0 for none (env IOASID_CAPACITY)',
      capacity,
      env.IOASID_CAPACITY ?? DEFAULT_CAPACITY,
    )
    .option(
      '--event-retention <events>',
      'events kept for resuming streams (env IOASID_EVENT_RETENTION)',
      retention,
      env.IOASID_EVENT_RETENTION ?? DEFAULT_EVENT_RETENTION,
    )
    .option(
      '--max-leases-per-set <leases>',
      "live leases one set's secret may hold (env IOASID_MAX_LEASES_PER_SET)",
      setLeases,
      env.IOASID_MAX_LEASES_PER_SET ?? DEFAULT_MAX_LEASES_PER_SET,
    )
    .option(
      '--max-admin-leases <leases>',
      'live leases the admin token may hold (env IOASID_MAX_ADMIN_LEASES)',
      adminLeases,
      env.IOASID_MAX_ADMIN_LEASES ?? DEFAULT_MAX_ADMIN_LEASES,
    )
    .option(
      '--log-level <level>',
      `log level: ${LOG_LEVELS.join(', ')} (env IOASID_LOG_LEVEL)`,
      env.IOASID_LOG_LEVEL ?? 'info',
    )
    .action((options: ServeOptions) => serve(options, context));
}

/** Parses an environment fallback (commander does not parse defaults), naming the variable on error. */
function fromEnv(value: number | string, variable: string, min: number, max: number): number {
  if (typeof value === 'number') return value;
  if (!/^(0|[1-9][0-9]*)$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`${variable} must be an integer from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

async function serve(options: ServeOptions, context: CliContext): Promise<void> {
  if (!LOG_LEVELS.includes(options.logLevel)) {
    throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${options.logLevel}"`);
  }
  const logger = createLogger({ level: options.logLevel as 'info' });
  let exiting = false;
  const server = await startServer({
    host: options.host,
    port: fromEnv(options.port, 'IOASID_PORT', 0, 65535),
    dataDir: options.dataDir,
    capacity: fromEnv(options.capacity, 'IOASID_CAPACITY', 0, 0xffffffff),
    eventRetention: fromEnv(options.eventRetention, 'IOASID_EVENT_RETENTION', 1, MAX_COUNT),
    maxLeasesPerSet: fromEnv(options.maxLeasesPerSet, 'IOASID_MAX_LEASES_PER_SET', 1, MAX_COUNT),
    maxAdminLeases: fromEnv(options.maxAdminLeases, 'IOASID_MAX_ADMIN_LEASES', 1, MAX_COUNT),
    adminToken: context.env.IOASID_ADMIN_TOKEN,
    logger,
    onFatal: () => {
      // Memory and disk differ now; only a restart (which rebuilds from disk) is safe. Every answer is
      // 503 from here on; the short delay lets those already decided reach their clients.
      logger.flush();
      setTimeout(() => context.exit(70), 200);
    },
  });
  const admin = server.admin;
  context.out(
    admin.path === null
      ? 'admin token: from IOASID_ADMIN_TOKEN'
      : `admin token: ${admin.path}${admin.created ? ' (created, mode 0600)' : ''}`,
  );
  context.out(`API: ${server.url}/v1  docs: ${server.url}/docs  metrics: ${server.url}/metrics`);
  context.out(pc.green(`listening on ${server.url}`));
  logger.info({ url: server.url, dataDir: options.dataDir }, 'listening');

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
}
