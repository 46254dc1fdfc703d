// `ioasid-server --database-url` as an operator runs it on PostgreSQL: it answers, restarts with its
// state, keeps the password out of its output, refuses a second server and explains an unreachable one.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { client } from './support/client.js';
import { useTestDatabases } from './support/pg.js';
import { killAll, runServer, spawnServe } from './support/process.js';

const dbs = useTestDatabases();
const TOKEN = 'pg-serve-admin-token-0123456789';
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-pg-serve-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The URL with a password in it (trust authentication ignores it), to check it is never printed. */
function withPassword(url: string): string {
  const u = new URL(url);
  u.password = 'pw-never-printed';
  return u.toString();
}

/** The instance lock's first key (pg-schema.ts LOCK_CLASS, "IOAS"); the second is 2. */
const INSTANCE_LOCK_CLASS = 0x494f4153;

/** The session holding the instance lock, by its application name. */
const LOCK_SESSION =
  "SELECT pid FROM pg_stat_activity WHERE application_name = 'ioasid-lock' AND datname = current_database()";

describe('ioasid-server on PostgreSQL', () => {
  it('answers, keeps its state across a restart, and never prints the password', async () => {
    const url = withPassword(await dbs.create());
    const args = ['--port', '0', '--data-dir', tempDir(), '--database-url', url, '--capacity', '4096'];
    const first = await spawnServe(args, { IOASID_ADMIN_TOKEN: TOKEN });
    expect(first.stdout()).toContain('store: PostgreSQL postgres://postgres:[Redacted]@127.0.0.1:5432/');
    const admin = client(first.url, TOKEN);
    const set = await admin.post('/v1/sets', { owner: 'vm-a', quota: 8 });
    expect(set.status).toBe(201);
    const vm = client(first.url, set.body.secret);
    const batch = await vm.post(`/v1/sets/${set.body.sid}/ioasids`, { count: 3, min: 10, max: 100 });
    expect(batch.status).toBe(201);
    const one = await vm.post(`/v1/sets/${set.body.sid}/ioasids`, { min: 10, max: 100, data: { vm: 'a' } });
    expect(one.status).toBe(201);
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    for (const text of [first.stdout(), first.stderr()]) expect(text).not.toContain('pw-never-printed');

    // Started again with the variable instead of the flag, and another capacity: the database's wins.
    const second = await spawnServe(['--port', '0', '--data-dir', tempDir(), '--capacity', '8192'], {
      IOASID_ADMIN_TOKEN: TOKEN,
      IOASID_DATABASE_URL: url,
    });
    const again = client(second.url, TOKEN);
    expect((await again.get('/v1/capacity')).body).toEqual({ capacity: 4096, available: 4088 });
    const sets = (await again.get('/v1/sets')).body.sets;
    expect(sets.map((s: { sid: number; count: number }) => [s.sid, s.count])).toEqual([[set.body.sid, 4]]);
    const kept = await client(second.url, set.body.secret).get(`/v1/ioasids/${one.body.id}`);
    expect(kept.body).toMatchObject({ id: one.body.id, sid: set.body.sid, data: { vm: 'a' } });
    expect(second.stderr()).toMatch(/capacity 4096 is already installed/);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
  });

  it('refuses a second server on the same database, naming the first, until the first stops', async () => {
    const url = await dbs.create();
    const first = await spawnServe(['--port', '0', '--data-dir', tempDir(), '--database-url', url], {
      IOASID_ADMIN_TOKEN: TOKEN,
    });
    const refused = await runServer(['--port', '0', '--data-dir', tempDir(), '--database-url', url], {
      IOASID_ADMIN_TOKEN: TOKEN,
    });
    expect(refused.code).toBe(1);
    expect(refused.stderr).toMatch(
      new RegExp(`another ioasid instance \\(pid ${first.child.pid} on .*\\) serves the database`),
    );
    first.child.kill('SIGKILL');
    await first.exited;
    // The dead server's session ends with it, and its lock too.
    const next = await spawnServe(['--port', '0', '--data-dir', tempDir(), '--database-url', url], {
      IOASID_ADMIN_TOKEN: TOKEN,
    });
    next.child.kill('SIGTERM');
    expect(await next.exited, next.stderr()).toEqual({ code: 0, signal: null });
  });

  it('takes its instance lock again when only its lock session ends, serving reads throughout', async () => {
    const url = await dbs.create();
    const args = ['--port', '0', '--data-dir', tempDir(), '--database-url', url, '--capacity', '4096'];
    const server = await spawnServe(args, { IOASID_ADMIN_TOKEN: TOKEN });
    const admin = client(server.url, TOKEN);
    const set = await admin.post('/v1/sets', { owner: 'vm-a', quota: 64 });
    expect(set.status).toBe(201);
    const [before] = await dbs.sql(url, LOCK_SESSION);
    const ended = await dbs.sql(url, `SELECT pg_terminate_backend(${before.pid}) AS ended`);
    expect(ended).toEqual([{ ended: true }]);
    // Writes are refused (503 EAGAIN store-unavailable) only until the lock is taken again.
    const vm = client(server.url, set.body.secret);
    const deadline = Date.now() + 15_000;
    let created = 0;
    while (created === 0 && Date.now() < deadline) {
      const answer = await vm.post(`/v1/sets/${set.body.sid}/ioasids`, { min: 10, max: 100 });
      if (answer.status === 201) created = answer.body.id;
      else {
        expect(answer.status).toBe(503);
        expect(answer.body.error).toMatchObject({ code: 'EAGAIN', reason: 'store-unavailable' });
        // Reads wait only for the reload of the committed state (from the database, or from memory).
        await expect.poll(async () => (await admin.get('/v1/sets')).status, { timeout: 2000 }).toBe(200);
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    }
    expect(created).toBeGreaterThan(0);
    const [after] = await dbs.sql(url, LOCK_SESSION);
    expect(after.pid).not.toBe(before.pid);
    expect(server.stderr()).toMatch(
      /lost the PostgreSQL session holding the instance lock; writes are refused/,
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  });

  it('stops with exit 70 when another server took the database while its lock session was gone', async () => {
    const url = await dbs.create();
    const args = ['--port', '0', '--data-dir', tempDir(), '--database-url', url];
    const first = await spawnServe(args, { IOASID_ADMIN_TOKEN: TOKEN });
    // "Another server": a session that records itself as the holder and queues for the lock before the
    // first server's lock session is ended, so PostgreSQL grants it the lock the moment that one goes.
    const other = new pg.Client({ connectionString: url });
    await other.connect();
    await other.query("UPDATE instances SET pid = 4242, host = 'host-b', started_at = now()");
    const granted = other.query('SELECT pg_advisory_lock($1, $2)', [INSTANCE_LOCK_CLASS, 2]);
    await expect
      .poll(
        async () =>
          (await dbs.sql(url, "SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND NOT granted")).length,
      )
      .toBe(1);
    await dbs.sql(url, `SELECT pg_terminate_backend(pid) FROM (${LOCK_SESSION}) s`);
    await granted;
    expect(await first.exited).toEqual({ code: 70, signal: null });
    expect(first.stderr()).toMatch(
      /another ioasid server owns the PostgreSQL database now \(another ioasid instance \(pid 4242 on host-b/,
    );
    await other.end();
  });

  it('keeps the event retention recorded in the database and says so when another is asked for', async () => {
    const url = await dbs.create();
    const base = ['--port', '0', '--data-dir', tempDir(), '--database-url', url];
    const first = await spawnServe([...base, '--event-retention', '50'], { IOASID_ADMIN_TOKEN: TOKEN });
    first.child.kill('SIGTERM');
    await first.exited;
    const second = await spawnServe([...base, '--event-retention', '70'], { IOASID_ADMIN_TOKEN: TOKEN });
    expect(second.stderr()).toMatch(
      /event retention 50 is recorded in the database; the requested 70 is ignored/,
    );
    second.child.kill('SIGTERM');
    await second.exited;
  });

  it('exits 69 with what to check when PostgreSQL does not answer', async () => {
    const failed = await runServer([
      '--port',
      '0',
      '--data-dir',
      tempDir(),
      '--database-url',
      'postgres://u:secret-pw@127.0.0.1:1/db',
    ]);
    expect(failed.code).toBe(69);
    expect(failed.stderr).toMatch(
      /cannot connect to PostgreSQL at postgres:\/\/u:\[Redacted\]@127\.0\.0\.1:1\/db: .*is PostgreSQL running/,
    );
    expect(failed.stderr + failed.stdout).not.toContain('secret-pw');
  });
});
