// The admin credential with PostgreSQL: every instance of a database accepts every admin token whose
// SHA-256 is in `admin_tokens`. IOASID_ADMIN_TOKEN (or an existing `<data-dir>/admin.token`) is recorded
// there; when the table is empty and none is given, the starting instance creates the token file (mode
// 0600, as in SQLite mode) and records its hash. Only hashes are in the database: an instance started
// with an empty data directory accepts the token without knowing it. Running instances re-read the table
// when an unknown secret is presented (at most once a second) and once a minute (AdminHashReader).

import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type pg from 'pg';
import { ADMIN_TOKEN_FILE, type AdminCredential, loadAdminToken } from '../admin-token.js';
import { AdminHashes, hashSecret } from '../engine/credentials.js';
import { connect, type PgTimeouts } from './pg-connect.js';

/** Where this instance's admin credential came from, and the admin hashes it accepts. */
export interface PgAdminCredential {
  /**
   * The token this instance knows (given, or read from or written to its admin.token); null when it only
   * has the hashes (another instance created the token and holds its file).
   */
  readonly token: string | null;
  /** The admin.token file read or written; null when the token was given, or none is known. */
  readonly path: string | null;
  /** True when this call created the token (and its file). */
  readonly created: boolean;
  /** A warning to log (an admin.token readable by others); null when none. */
  readonly warning: string | null;
  /** `environment` (IOASID_ADMIN_TOKEN), `file` (admin.token) or `database` (hashes only). */
  readonly source: 'environment' | 'file' | 'database';
  /** The hashes of every admin token recorded in the database (this one's included). */
  readonly hashes: AdminHashes;
}

/** Returns the admin hashes recorded in the database, oldest first. */
export async function readAdminHashes(client: pg.ClientBase): Promise<Buffer[]> {
  const result = await client.query<{ hash: Buffer }>(
    'SELECT hash FROM admin_tokens ORDER BY created_at, hash',
  );
  return result.rows.map((row) => row.hash);
}

/**
 * Settles the admin credential of an instance on a migrated database (schema 3 or later): `given` if set,
 * else `<dataDir>/admin.token` if it exists, is recorded (its hash; an existing row is kept); with neither,
 * the first instance to find `admin_tokens` empty creates the token file and records its hash, and any
 * other one records nothing and accepts what is there. One transaction holding the table in SHARE ROW
 * EXCLUSIVE mode, so instances starting at once create one token between them.
 * @returns the credential, with every hash recorded (see PgAdminCredential)
 * @throws Error when the given or stored token is malformed (see loadAdminToken), the file cannot be
 * written, or a statement fails (the transaction is rolled back; a created file stays and is recorded
 * by the next start)
 */
export async function loadPgAdminToken(
  client: pg.ClientBase,
  dataDir: string,
  given?: string,
): Promise<PgAdminCredential> {
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  // Checked (and read) before the transaction: a malformed token changes nothing.
  let known: (AdminCredential & { source: 'environment' | 'file' }) | null = null;
  if (given !== undefined) known = { ...loadAdminToken(dataDir, given), source: 'environment' };
  else if (existsSync(path)) known = { ...loadAdminToken(dataDir), source: 'file' };
  await client.query('BEGIN');
  try {
    await client.query('LOCK TABLE admin_tokens IN SHARE ROW EXCLUSIVE MODE');
    if (known === null) {
      const any = await client.query('SELECT 1 FROM admin_tokens LIMIT 1');
      if (any.rowCount === 0) known = { ...loadAdminToken(dataDir), source: 'file' };
    }
    if (known !== null) {
      await client.query('INSERT INTO admin_tokens (hash) VALUES ($1) ON CONFLICT (hash) DO NOTHING', [
        hashSecret(known.token),
      ]);
    }
    const hashes = await readAdminHashes(client);
    await client.query('COMMIT');
    if (known === null) {
      return {
        token: null,
        path: null,
        created: false,
        warning: null,
        source: 'database',
        hashes: new AdminHashes(hashes),
      };
    }
    return { ...known, hashes: new AdminHashes(hashes) };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/** Options of AdminHashReader. */
export interface AdminHashReaderOptions {
  /** The database URL. */
  readonly url: string;
  /** The hashes to keep up to date (those the engine's credentials use). */
  readonly hashes: AdminHashes;
  /** Time limits of the connection each re-read opens. */
  readonly timeouts?: PgTimeouts;
  /** Least milliseconds between the starts of two re-reads (default 1,000). */
  readonly minIntervalMs?: number;
  /** Milliseconds between periodic re-reads (default 60,000; 0: only on demand). */
  readonly everyMs?: number;
  /** Called when a re-read changed the hashes, with their number. */
  readonly onChange?: (count: number) => void;
  /** Called when a re-read failed (the hashes are kept); once per run of failures. */
  readonly onError?: (error: unknown) => void;
}

/** Default least interval between two re-reads of the admin hashes (milliseconds). */
export const ADMIN_REREAD_MIN_INTERVAL_MS = 1000;
/** Default interval of the periodic re-read of the admin hashes (milliseconds). */
export const ADMIN_REREAD_EVERY_MS = 60_000;

/**
 * Keeps an engine's AdminHashes equal to the database's `admin_tokens`: `refresh` (called when an
 * unknown secret that could be an admin token is presented) re-reads them on a connection of its own,
 * at most once per `minIntervalMs` (callers in between wait for the next read and share it), and a timer
 * re-reads them every `everyMs`, so a row deleted from the table stops being accepted within that time.
 */
export class AdminHashReader {
  readonly #options: AdminHashReaderOptions;
  readonly #minIntervalMs: number;
  readonly #timer: NodeJS.Timeout | null;
  #lastStart = Number.NEGATIVE_INFINITY;
  #running: Promise<void> | null = null;
  #next: Promise<void> | null = null;
  #sleep: { timer: NodeJS.Timeout; wake: () => void } | null = null;
  #failing = false;
  #closed = false;

  /** Starts the periodic re-read (its timer does not keep the process alive). */
  constructor(options: AdminHashReaderOptions) {
    this.#options = options;
    this.#minIntervalMs = options.minIntervalMs ?? ADMIN_REREAD_MIN_INTERVAL_MS;
    const every = options.everyMs ?? ADMIN_REREAD_EVERY_MS;
    this.#timer = every > 0 ? setInterval(() => void this.refresh(), every).unref() : null;
  }

  /**
   * Re-reads the hashes: resolves after a read that started after this call (never rejects; a failed
   * read keeps the hashes and is reported to onError). Resolves at once after `close`.
   */
  refresh(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#next ??= this.#schedule();
    return this.#next;
  }

  async #schedule(): Promise<void> {
    await null; // `#next` is set before anything below clears it
    if (this.#running !== null) await this.#running;
    const wait = this.#lastStart + this.#minIntervalMs - performance.now();
    if (wait > 0 && !this.#closed) {
      await new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          this.#sleep = null;
          resolve();
        }, wait);
        this.#sleep = { timer, wake: resolve };
      });
    }
    this.#next = null;
    if (this.#closed) return;
    this.#lastStart = performance.now();
    this.#running = this.#read().finally(() => {
      this.#running = null;
    });
    await this.#running;
  }

  async #read(): Promise<void> {
    try {
      const client = await connect(this.#options.url, 'ioasid-admin', this.#options.timeouts);
      let hashes: Buffer[];
      try {
        hashes = await readAdminHashes(client);
      } finally {
        await client.end().catch(() => {});
      }
      this.#failing = false;
      if (this.#options.hashes.replace(hashes)) this.#options.onChange?.(hashes.length);
    } catch (error) {
      if (!this.#failing) this.#options.onError?.(error);
      this.#failing = true;
    }
  }

  /** Stops re-reading; waits for a read in progress. Idempotent. */
  async close(): Promise<void> {
    this.#closed = true;
    if (this.#timer !== null) clearInterval(this.#timer);
    if (this.#sleep !== null) {
      clearTimeout(this.#sleep.timer);
      this.#sleep.wake();
      this.#sleep = null;
    }
    await this.#next;
    await this.#running;
  }
}
