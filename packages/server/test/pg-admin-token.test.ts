// The admin credential with PostgreSQL (pg-admin-token.ts) against a real server: the first start creates
// the token file and records only its hash; an instance with another, empty data directory accepts that
// token; concurrent first starts create one token; a token given to one instance is accepted by others,
// and running instances learn of it (and of a removed one) by re-reading the hashes.

import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  AdminHashes,
  AdminHashReader,
  loadPgAdminToken,
  migratePg,
  type PgAdminCredential,
} from '@ioasid/server';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { client } from './support/client.js';
import { useTestDatabases } from './support/pg.js';
import { killAll, spawnServe } from './support/process.js';
import { startTestServer } from './support/server.js';

const dbs = useTestDatabases();
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-pg-admin-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const sha256 = (text: string) => createHash('sha256').update(text).digest();

/** A connection to `url`, closed after `fn`. */
async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: url });
  c.on('error', () => {});
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** A new database at the current schema. */
async function migrated(): Promise<string> {
  const url = await dbs.create();
  await withClient(url, (c) => migratePg(c));
  return url;
}

/** One instance's start: settles its admin credential on its own connection. */
const start = (url: string, dataDir: string, given?: string): Promise<PgAdminCredential> =>
  withClient(url, (c) => loadPgAdminToken(c, dataDir, given));

/** The recorded hashes, hex, oldest first. */
async function recorded(url: string): Promise<string[]> {
  const rows = await dbs.sql(url, 'SELECT hash FROM admin_tokens ORDER BY created_at, hash');
  return rows.map((row) => (row.hash as Buffer).toString('hex'));
}

/** True when `hashes` accept `token` as the admin (what Credentials does with them). */
function accepts(hashes: AdminHashes, token: string): boolean {
  return hashes.matches(sha256(token));
}

describe('admin credential on PostgreSQL', () => {
  it('first start creates admin.token (0600) and records only its hash', async () => {
    const url = await migrated();
    const dir = tempDir();
    const first = await start(url, dir);
    const path = join(dir, 'admin.token');
    expect(first).toMatchObject({ path, created: true, warning: null, source: 'file' });
    expect(first.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(readFileSync(path, 'utf8').trim()).toBe(first.token);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(await recorded(url)).toEqual([sha256(first.token as string).toString('hex')]);
    expect(first.hashes.size).toBe(1);
    expect(accepts(first.hashes, first.token as string)).toBe(true);

    // The same instance again: the file is read, nothing new is recorded.
    const again = await start(url, dir);
    expect(again).toMatchObject({ path, created: false, token: first.token, source: 'file' });
    expect(await recorded(url)).toHaveLength(1);
  });

  it('a second instance with an empty data directory and no token accepts the first one’s token', async () => {
    const url = await migrated();
    const first = await start(url, tempDir());
    const dir = tempDir();
    const second = await start(url, dir);
    expect(second).toMatchObject({ token: null, path: null, created: false, source: 'database' });
    expect(existsSync(join(dir, 'admin.token'))).toBe(false);
    expect(accepts(second.hashes, first.token as string)).toBe(true);
    expect(accepts(second.hashes, 'not-the-admin-token-0123456789')).toBe(false);
    expect(await recorded(url)).toHaveLength(1);
  });

  it('three instances starting at once on a new database create one token between them', async () => {
    const url = await migrated();
    const results = await Promise.all([0, 1, 2].map(() => start(url, tempDir())));
    const creators = results.filter((r) => r.created);
    expect(creators).toHaveLength(1);
    const token = creators[0].token as string;
    expect(results.filter((r) => r.source === 'database')).toHaveLength(2);
    expect(await recorded(url)).toEqual([sha256(token).toString('hex')]);
    for (const r of results) expect(accepts(r.hashes, token)).toBe(true);
  });

  it('records IOASID_ADMIN_TOKEN, so instances started without it accept it too', async () => {
    const url = await migrated();
    const first = await start(url, tempDir());
    const given = 'given-by-the-environment-0123456789';
    const withEnv = await start(url, tempDir(), given);
    expect(withEnv).toMatchObject({ token: given, path: null, created: false, source: 'environment' });
    expect(accepts(withEnv.hashes, given)).toBe(true);
    expect(accepts(withEnv.hashes, first.token as string)).toBe(true);
    const later = await start(url, tempDir());
    expect(later.source).toBe('database');
    expect(accepts(later.hashes, given)).toBe(true);
    expect(accepts(later.hashes, first.token as string)).toBe(true);
    expect(await recorded(url)).toHaveLength(2);

    // The first instance started before the token was given: it learns of it by re-reading.
    expect(accepts(first.hashes, given)).toBe(false);
    const reader = new AdminHashReader({ url, hashes: first.hashes, everyMs: 0 });
    try {
      await reader.refresh();
      expect(accepts(first.hashes, given)).toBe(true);
    } finally {
      await reader.close();
    }
  });

  it('records an existing admin.token (a data directory from before the hashes) instead of creating one', async () => {
    const url = await migrated();
    const dir = tempDir();
    const token = 'written-before-the-upgrade-0123456789';
    writeFileSync(join(dir, 'admin.token'), `${token}\n`, { mode: 0o600 });
    const first = await start(url, dir);
    expect(first).toMatchObject({ token, created: false, source: 'file' });
    expect(await recorded(url)).toEqual([sha256(token).toString('hex')]);
  });

  it('refuses a malformed given token and records nothing', async () => {
    const url = await migrated();
    await expect(start(url, tempDir(), 'short')).rejects.toThrow(
      /admin token in IOASID_ADMIN_TOKEN is not valid/,
    );
    expect(await recorded(url)).toEqual([]);
  });

  it('re-reading drops a removed hash and moves the generation on; callers in between share one read', async () => {
    const url = await migrated();
    const first = await start(url, tempDir());
    const given = 'to-be-revoked-later-0123456789';
    await start(url, tempDir(), given);
    const hashes = new AdminHashes([]);
    const changes: number[] = [];
    const reader = new AdminHashReader({ url, hashes, everyMs: 0, onChange: (n) => changes.push(n) });
    try {
      const one = reader.refresh();
      expect(reader.refresh()).toBe(one);
      await one;
      expect(changes).toEqual([2]);
      expect(accepts(hashes, given)).toBe(true);
      const generation = hashes.generation;
      await dbs.sql(url, 'DELETE FROM admin_tokens WHERE hash = $1', [sha256(given)]);
      await reader.refresh();
      expect(changes).toEqual([2, 1]);
      expect(accepts(hashes, given)).toBe(false);
      expect(accepts(hashes, first.token as string)).toBe(true);
      expect(hashes.generation).toBeGreaterThan(generation);
    } finally {
      await reader.close();
    }
    await expect(reader.refresh()).resolves.toBeUndefined();
  });
});

describe('servers on one PostgreSQL database, one after the other', () => {
  it('B, with another data directory and no token, accepts the token A created; and one given later', async () => {
    const url = await dbs.create();
    const a = await startTestServer({ databaseUrl: url, adminToken: undefined });
    const token = a.server.admin.token as string;
    try {
      expect(a.server.admin).toMatchObject({ created: true, source: 'file' });
      expect((await a.as(token).get('/v1/capacity')).status).toBe(200);
    } finally {
      await a.stop();
    }
    const b = await startTestServer({ databaseUrl: url, adminToken: undefined });
    try {
      expect(b.server.admin).toMatchObject({ token: null, source: 'database' });
      expect(existsSync(join(b.dataDir, 'admin.token'))).toBe(false);
      expect((await b.as(token).get('/v1/capacity')).status).toBe(200);
      const unknown = await b.as('never-recorded-anywhere-0123456789').get('/v1/capacity');
      expect(unknown.status).toBe(401);
      expect(unknown.body.error.code).toBe('EPERM');

      // Another instance records a token (its IOASID_ADMIN_TOKEN): B accepts it without a restart.
      const later = 'recorded-by-another-instance-0123456789';
      await start(url, tempDir(), later);
      expect((await b.as(later).get('/v1/capacity')).status).toBe(200);
      // A set secret still works, and is no admin.
      const set = await b.as(token).post('/v1/sets', { owner: 'vm', quota: 4 });
      expect(set.status).toBe(201);
      const refused = await b.as(set.body.secret).post('/v1/sets', { owner: 'x', quota: 1 });
      expect(refused.status).toBe(403);
    } finally {
      await b.stop();
    }
  });

  it('ioasid-server says where the token is: created by the first, a hash only for the second', async () => {
    const url = await dbs.create();
    const dirA = tempDir();
    const a = await spawnServe(['--port', '0', '--data-dir', dirA, '--database-url', url], {
      IOASID_ADMIN_TOKEN: undefined,
    });
    const path = join(dirA, 'admin.token');
    expect(a.stdout()).toContain(
      `admin token: ${path} (created, mode 0600); its hash is recorded in the database (every instance accepts it)`,
    );
    a.child.kill('SIGTERM');
    expect((await a.exited).code).toBe(0);
    const token = readFileSync(path, 'utf8').trim();
    const b = await spawnServe(['--port', '0', '--data-dir', tempDir(), '--database-url', url], {
      IOASID_ADMIN_TOKEN: undefined,
    });
    expect(b.stdout()).toContain('admin token: in the database as a hash only (1 accepted)');
    expect(b.stdout()).not.toContain(token);
    expect((await client(b.url, token).get('/v1/capacity')).status).toBe(200);
    b.child.kill('SIGTERM');
    expect((await b.exited).code).toBe(0);
  });
});
