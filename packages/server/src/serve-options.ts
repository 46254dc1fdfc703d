// The options of `ioasid-server` (and `ioasid serve`, which runs the same code): flags with IOASID_*
// environment fallbacks, parsed and range-checked so that a refusal names the flag or variable.

import { Command, InvalidArgumentError } from 'commander';
import {
  DEFAULT_EVENT_RETENTION,
  DEFAULT_MAX_ADMIN_LEASES,
  DEFAULT_MAX_LEASES_PER_SET,
} from './engine/limits.js';
import { DEFAULT_CAPACITY, DEFAULT_HOST, DEFAULT_PORT } from './server.js';

/** The options as commander hands them over: numbers from flags, raw text from environment fallbacks. */
export interface ServeOptions {
  host: string;
  /** A number from the flag, or the raw IOASID_PORT text (parsed by `resolveOptions`, so errors name it). */
  port: number | string;
  dataDir: string;
  /** PostgreSQL URL (flag or IOASID_DATABASE_URL); absent: the SQLite store in `dataDir`. */
  databaseUrl?: string;
  capacity: number | string;
  eventRetention: number | string;
  maxLeasesPerSet: number | string;
  maxAdminLeases: number | string;
  logLevel: string;
  /** False from `--no-dashboard`; else true, or the raw IOASID_DASHBOARD text (checked by `resolveOptions`). */
  dashboard: boolean | string;
}

/** The options once checked. */
export interface ResolvedServeOptions {
  readonly host: string;
  readonly port: number;
  readonly dataDir: string;
  /** The PostgreSQL store's URL, or null for the SQLite store in `dataDir`. */
  readonly databaseUrl: string | null;
  readonly capacity: number;
  readonly eventRetention: number;
  readonly maxLeasesPerSet: number;
  readonly maxAdminLeases: number;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  /** Serve the dashboard at GET / (true unless `--no-dashboard` or IOASID_DASHBOARD=0). */
  readonly dashboard: boolean;
}

/** Largest value of the count flags (retention, lease limits). */
const MAX_COUNT = 1_000_000_000;

/** The accepted `--log-level` values. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

/** Parses a decimal integer in [min, max] or explains what was wrong. */
function integer(what: string, min: number, max: number) {
  return (value: string, _previous?: unknown): number | string => {
    if (!/^(0|[1-9][0-9]*)$/.test(value) || Number(value) < min || Number(value) > max) {
      throw new InvalidArgumentError(`${what} must be an integer from ${min} to ${max}, not "${value}"`);
    }
    return Number(value);
  };
}

/**
 * Returns the commander program of the serve command named `name` (`ioasid-server`, or `ioasid serve`
 * when the CLI delegates), whose action receives the raw options.
 * @param env the environment the fallbacks come from
 */
export function serveProgram(
  name: string,
  env: Readonly<Record<string, string | undefined>>,
  action: (options: ServeOptions) => Promise<void>,
): Command {
  const port = integer('--port', 0, 65535);
  const capacity = integer('--capacity', 0, 0xffffffff);
  const retention = integer('--event-retention', 1, MAX_COUNT);
  const setLeases = integer('--max-leases-per-set', 1, MAX_COUNT);
  const adminLeases = integer('--max-admin-leases', 1, MAX_COUNT);
  return new Command(name)
    .description('run the allocator as an HTTP service with a durable SQLite (or PostgreSQL) store')
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
      '--database-url <url>',
      'keep the state in PostgreSQL (postgres://USER:PASSWORD@HOST:PORT/DB) instead of SQLite in --data-dir (env IOASID_DATABASE_URL)',
      env.IOASID_DATABASE_URL,
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
    .option(
      '--no-dashboard',
      'do not serve the dashboard at GET / (env IOASID_DASHBOARD=0)',
      env.IOASID_DASHBOARD ?? true,
    )
    .action(action);
}

/** Parses an environment fallback (commander does not parse defaults), naming the variable on error. */
function fromEnv(value: number | string, variable: string, min: number, max: number): number {
  if (typeof value === 'number') return value;
  if (!/^(0|[1-9][0-9]*)$/.test(value) || Number(value) < min || Number(value) > max) {
    throw new Error(`${variable} must be an integer from ${min} to ${max}, not "${value}"`);
  }
  return Number(value);
}

/** Parses an on/off environment fallback (`1` or `0`), naming the variable on error. */
function switchFromEnv(value: boolean | string, variable: string): boolean {
  if (typeof value === 'boolean') return value;
  if (value !== '0' && value !== '1') throw new Error(`${variable} must be 0 or 1, not "${value}"`);
  return value === '1';
}

/**
 * Checks the options that came from the environment (flags were checked while parsing).
 * @throws Error naming the variable or flag whose value is malformed or out of range
 */
export function resolveOptions(options: ServeOptions): ResolvedServeOptions {
  if (!LOG_LEVELS.includes(options.logLevel)) {
    throw new Error(`--log-level must be one of ${LOG_LEVELS.join(', ')}, not "${options.logLevel}"`);
  }
  return {
    host: options.host,
    port: fromEnv(options.port, 'IOASID_PORT', 0, 65535),
    dataDir: options.dataDir,
    databaseUrl: options.databaseUrl === undefined || options.databaseUrl === '' ? null : options.databaseUrl,
    capacity: fromEnv(options.capacity, 'IOASID_CAPACITY', 0, 0xffffffff),
    eventRetention: fromEnv(options.eventRetention, 'IOASID_EVENT_RETENTION', 1, MAX_COUNT),
    maxLeasesPerSet: fromEnv(options.maxLeasesPerSet, 'IOASID_MAX_LEASES_PER_SET', 1, MAX_COUNT),
    maxAdminLeases: fromEnv(options.maxAdminLeases, 'IOASID_MAX_ADMIN_LEASES', 1, MAX_COUNT),
    logLevel: options.logLevel as ResolvedServeOptions['logLevel'],
    dashboard: switchFromEnv(options.dashboard, 'IOASID_DASHBOARD'),
  };
}
