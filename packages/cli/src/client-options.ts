// The options every client command shares (--url, --token, --admin-token-file, --json) and how they
// become an IoasidClient: flags first, then IOASID_URL / IOASID_TOKEN / IOASID_ADMIN_TOKEN, then the
// admin token file a local `npm start` created (./data/admin.token), so a fresh checkout just works.

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { IoasidClient } from '@ioasid/client';
import type { Command } from 'commander';
import { type CredentialSource, cliErrorOf } from './api-errors.js';
import { CliError } from './exit-codes.js';
import type { CliContext } from './serve.js';

/** Where the client commands look for a server when neither --url nor IOASID_URL says. */
export const DEFAULT_URL = 'http://127.0.0.1:7070';

/** The shared options as commander parses them. */
export interface ClientOptions {
  /** Every --url given (each may be a comma-separated list). */
  url?: string[];
  token?: string;
  adminTokenFile?: string;
  json?: boolean;
}

/** What a client command works with. */
export interface Connection {
  /** The client; every method's failure is already a CliError (see cliErrorOf). */
  readonly api: IoasidClient;
  /** Print the raw JSON answer instead of text. */
  readonly json: boolean;
  /** Where the credential came from (for cliErrorOf on the event stream's failures). */
  readonly source: CredentialSource;
}

/** Milliseconds a request may take (per URL tried) before the CLI gives up on the server. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Characters a credential may contain (the server's Bearer syntax). */
const CREDENTIAL = /^[A-Za-z0-9._~+/=-]{1,256}$/;

/** Adds the shared options to a client command and returns it. */
export function withClientOptions(command: Command): Command {
  return command
    .option(
      '--url <url>',
      `server base URL; repeat it or give a comma-separated list to fail over between instances (env IOASID_URL; default ${DEFAULT_URL})`,
      (value: string, previous: string[] = []) => [...previous, value],
    )
    .option('--token <secret>', 'admin token or set secret (env IOASID_TOKEN)')
    .option(
      '--admin-token-file <path>',
      'read the admin token from this file (default: <IOASID_DATA_DIR or ./data>/admin.token if it exists)',
    )
    .option('--json', 'print the raw JSON answer (for scripts)')
    .addHelpText(
      'after',
      '\nExit codes: an API error exits with 64 + its errno; the table is in `ioasid --help`.',
    );
}

/**
 * Builds the client from the shared options and the environment.
 * @throws CliError EINVAL for a malformed URL or credential, both --token and --admin-token-file, or an
 * unreadable --admin-token-file; EPERM when the default admin token file exists but cannot be read
 */
export function connect(options: ClientOptions, context: CliContext): Connection {
  const env = context.env;
  const given = options.url !== undefined && options.url.length > 0;
  const list = given ? options.url!.join(',') : (nonEmpty(env.IOASID_URL) ?? DEFAULT_URL);
  const what = given ? '--url' : 'IOASID_URL';
  const urls = list.split(',').map((url) => parseUrl(url.trim(), what));
  const { token, source } = credential(options, env);
  const client = new IoasidClient({ urls, token: token ?? undefined, timeoutMs: REQUEST_TIMEOUT_MS });
  return { api: failingAsCli(client, source), json: options.json === true, source };
}

/**
 * The client with every method's rejection turned into a CliError (so no call site can forget it); the
 * event stream, an iterable rather than a promise, is converted by `watch` itself.
 */
function failingAsCli(client: IoasidClient, source: CredentialSource): IoasidClient {
  return new Proxy(client, {
    get(target, property) {
      const value: unknown = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        const result: unknown = value.apply(target, args);
        if (!(result instanceof Promise)) return result;
        return result.catch((error: unknown) => {
          throw cliErrorOf(error, source);
        });
      };
    },
  });
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value;
}

/** Checks a base URL: http(s), no query or fragment; returns it without a trailing slash. */
function parseUrl(value: string, what: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError('EINVAL', `${what} ${JSON.stringify(value)} is not a URL`, `use e.g. ${DEFAULT_URL}`);
  }
  if ((url.protocol !== 'http:' && url.protocol !== 'https:') || url.search !== '' || url.hash !== '') {
    throw new CliError(
      'EINVAL',
      `${what} ${JSON.stringify(value)} must be an http:// or https:// base URL without ?query or #fragment`,
      `use e.g. ${DEFAULT_URL}`,
    );
  }
  return url.href.replace(/\/+$/, '');
}

function credential(
  options: ClientOptions,
  env: CliContext['env'],
): { token: string | null; source: CredentialSource } {
  if (options.token !== undefined && options.adminTokenFile !== undefined) {
    throw new CliError('EINVAL', 'give either --token or --admin-token-file, not both');
  }
  if (options.token !== undefined) return checked(options.token, '--token', { kind: 'flag' });
  if (options.adminTokenFile !== undefined) {
    const path = options.adminTokenFile;
    return checked(readToken(path), path, { kind: 'file', path });
  }
  for (const variable of ['IOASID_TOKEN', 'IOASID_ADMIN_TOKEN']) {
    const value = nonEmpty(env[variable]);
    if (value !== undefined) return checked(value, variable, { kind: 'env', variable });
  }
  const path = join(nonEmpty(env.IOASID_DATA_DIR) ?? './data', 'admin.token');
  let text: string | null;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new CliError(
        'EPERM',
        `cannot read the admin token file ${path}: ${(error as Error).message}`,
        'run as the user who started the server, or pass --token / IOASID_TOKEN',
      );
    }
    text = null;
  }
  if (text === null)
    return { token: null, source: { kind: 'none', looked: `--token, IOASID_TOKEN, ${path}` } };
  return checked(text, path, { kind: 'file', path });
}

function readToken(path: string): string {
  try {
    return readFileSync(path, 'utf8');
  } catch (error) {
    throw new CliError(
      'EINVAL',
      `cannot read --admin-token-file ${path}: ${(error as Error).message}`,
      "pass the server's <data-dir>/admin.token",
    );
  }
}

/** Trims the credential (files end with a newline) and checks its characters. */
function checked(
  value: string,
  where: string,
  source: CredentialSource,
): { token: string | null; source: CredentialSource } {
  const token = value.trim();
  if (!CREDENTIAL.test(token)) {
    throw new CliError(
      'EINVAL',
      `the credential from ${where} is not valid: a credential is 1 to 256 characters of A-Z a-z 0-9 . _ ~ + / = -`,
      'pass the admin token or a set secret exactly as the server gave it',
    );
  }
  return { token, source };
}
