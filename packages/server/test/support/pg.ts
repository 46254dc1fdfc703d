// Throwaway PostgreSQL databases for tests: each test file creates uniquely named databases on the
// server at IOASID_TEST_DATABASE_URL and drops them afterwards. No server answering is a test failure.

import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll } from 'vitest';

/** The maintenance database tests connect to first (`postgres` on a default local install). */
export const TEST_DATABASE_URL =
  process.env.IOASID_TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** What to do when no PostgreSQL answers, printed by the failing tests. */
export const START_POSTGRES_HINT =
  'start PostgreSQL with: pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start ' +
  '(as root; `.ci/run` does it), or set IOASID_TEST_DATABASE_URL to a server where the user may CREATE DATABASE';

/** Returns `base` pointing at database `name`. */
export function databaseUrl(base: string, name: string): string {
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

async function admin<T>(fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: TEST_DATABASE_URL, connectionTimeoutMillis: 5000 });
  client.on('error', () => {});
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `no PostgreSQL answers at ${TEST_DATABASE_URL} (${(error as Error).message}): ${START_POSTGRES_HINT}`,
    );
  }
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

/** The databases of one test file. */
export interface TestDatabases {
  /** Creates an empty database `ioasid_test_<random>` and returns its URL (dropped after the file). */
  create(): Promise<string>;
  /** Runs `sql` on the database at `url` (a direct write, bypassing the store) and returns the rows. */
  sql(url: string, text: string, values?: unknown[]): Promise<Record<string, unknown>[]>;
}

/**
 * Registers the file's hooks: beforeAll fails the file (with how to start PostgreSQL) when no server
 * answers; afterAll drops every database created, terminating leftover connections first.
 */
export function useTestDatabases(): TestDatabases {
  const created: string[] = [];
  beforeAll(async () => {
    await admin(async () => {});
  });
  afterAll(async () => {
    if (created.length === 0) return;
    await admin(async (client) => {
      for (const name of created) await client.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    });
  });
  return {
    async create() {
      const name = `ioasid_test_${randomBytes(6).toString('hex')}`;
      await admin((client) => client.query(`CREATE DATABASE ${name}`));
      created.push(name);
      return databaseUrl(TEST_DATABASE_URL, name);
    },
    async sql(url, text, values = []) {
      const client = new pg.Client({ connectionString: url });
      client.on('error', () => {});
      await client.connect();
      try {
        return (await client.query(text, values)).rows;
      } finally {
        await client.end();
      }
    },
  };
}
