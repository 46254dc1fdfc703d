// A throwaway PostgreSQL database per benchmark run of the PostgreSQL contenders, on the server at
// IOASID_BENCH_DATABASE_URL (default: the local one the tests use), dropped after the run.

import { randomBytes } from 'node:crypto';
import pg from 'pg';

/** The maintenance database the benchmark connects to in order to create and drop its databases. */
export const BENCH_DATABASE_URL =
  process.env.IOASID_BENCH_DATABASE_URL ??
  process.env.IOASID_TEST_DATABASE_URL ??
  'postgres://postgres@127.0.0.1:5432/postgres';

async function onAdmin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: BENCH_DATABASE_URL, connectionTimeoutMillis: 5000 });
  try {
    await client.connect();
  } catch (error) {
    throw new Error(
      `no PostgreSQL answers at ${BENCH_DATABASE_URL} (${(error as Error).message}): start it (pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql) main start) or set IOASID_BENCH_DATABASE_URL`,
    );
  }
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Creates an empty database; returns its URL and how to drop it (terminating leftover sessions). */
export async function createBenchDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `ioasid_bench_${randomBytes(6).toString('hex')}`;
  await onAdmin(`CREATE DATABASE ${name}`);
  const url = new URL(BENCH_DATABASE_URL);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => onAdmin(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`) };
}
