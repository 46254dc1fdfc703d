// `ioasid-server --database-url` as an operator runs it on PostgreSQL: it answers, restarts with its
// state, keeps the password out of its output, shares its database with a second server (leases expire
// once) and explains an unreachable one.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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

/** The server's writer session, by its application name. */
const WRITER_SESSION =
  "SELECT pid FROM pg_stat_activity WHERE application_name = 'ioasid' AND datname = current_database()";

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

  it('serves one namespace from two servers on one database; a killed one blocks nothing', async () => {
    const url = await dbs.create();
    const args = () => ['--port', '0', '--data-dir', tempDir(), '--database-url', url, '--capacity', '4096'];
    const first = await spawnServe(args(), { IOASID_ADMIN_TOKEN: TOKEN });
    const second = await spawnServe(args(), { IOASID_ADMIN_TOKEN: TOKEN });
    const a = client(first.url, TOKEN);
    const b = client(second.url, TOKEN);
    const set = await a.post('/v1/sets', { owner: 'vm-a', quota: 64 });
    expect(set.status).toBe(201);
    // The set is created on the first; the second replays it (and its secret) from the commit log.
    const vm = client(second.url, set.body.secret);
    expect((await vm.post(`/v1/sets/${set.body.sid}/ioasids`, { min: 10, max: 100 })).body).toEqual({
      id: 10,
    });
    expect((await a.post(`/v1/sets/${set.body.sid}/ioasids`, { min: 10, max: 100 })).body).toEqual({
      id: 11,
    });
    expect((await b.delete('/v1/ioasids/10')).status).toBe(204);
    // Lowest free at its commit, whichever server answers.
    expect((await a.post(`/v1/sets/${set.body.sid}/ioasids`, { min: 10, max: 100 })).body).toEqual({
      id: 10,
    });
    // Each instance says how it keeps up with the others: caught up once its reads saw the last commit.
    expect((await b.get(`/v1/sets/${set.body.sid}/ioasids?min_seq=4`)).body).toEqual({ ids: [10, 11] });
    const metrics = await fetch(`${second.url}/metrics`).then((r) => r.text());
    expect(metrics).toMatch(/^ioasid_instance_lag_events 0$/m);
    expect(metrics).toMatch(/^ioasid_instance_lag_seconds 0$/m);
    expect(Number(/^ioasid_write_turns_total (\d+)$/m.exec(metrics)?.[1])).toBeGreaterThanOrEqual(2);
    expect(metrics).toMatch(/^ioasid_namespace_lock_wait_seconds_total [\d.e-]+$/m);
    expect(metrics).toMatch(/^ioasid_store_database_errors_total 0$/m);
    first.child.kill('SIGKILL');
    await first.exited;
    expect((await vm.post(`/v1/sets/${set.body.sid}/ioasids`, { min: 10, max: 100 })).body).toEqual({
      id: 12,
    });
    expect((await b.get(`/v1/sets/${set.body.sid}/ioasids`)).body).toEqual({ ids: [10, 11, 12] });
    second.child.kill('SIGTERM');
    expect(await second.exited, second.stderr()).toEqual({ code: 0, signal: null });
  });

  it('expires a lease once, by the database clock, whichever of two servers created or kept it', async () => {
    const url = await dbs.create();
    const args = () => ['--port', '0', '--data-dir', tempDir(), '--database-url', url, '--capacity', '4096'];
    const [first, second] = [
      await spawnServe(args(), { IOASID_ADMIN_TOKEN: TOKEN }),
      await spawnServe(args(), { IOASID_ADMIN_TOKEN: TOKEN }),
    ];
    const a = client(first.url, TOKEN);
    const b = client(second.url, TOKEN);
    const set = await a.post('/v1/sets', { owner: 'vm-a', quota: 8 });
    const id = (await a.post(`/v1/sets/${set.body.sid}/ioasids`, { min: 1, max: 8 })).body.id;
    const lease = (await a.post('/v1/leases', { ttlMs: 1000 })).body.lease;
    expect((await b.post(`/v1/ioasids/${id}/refs`, { lease })).status).toBe(204);
    expect((await b.delete(`/v1/ioasids/${id}`)).status).toBe(204); // free-pending while the lease holds it
    // Kept alive on the other server: the expiry moves for both.
    await new Promise((resolve) => setTimeout(resolve, 600));
    expect((await b.post(`/v1/leases/${lease}/keepalive`)).status).toBe(200);
    await new Promise((resolve) => setTimeout(resolve, 600));
    const [alive] = (await a.get('/v1/leases')).body.leases;
    expect(alive.lease).toBe(lease);
    // The other server keeps an approximate deadline from the replayed keepalive (the database decides).
    expect(alive.expiresInMs).toBeGreaterThan(0);
    expect(alive.expiresInMs).toBeLessThan(1000);
    await expect.poll(async () => (await b.get('/v1/leases')).body.leases.length, { timeout: 5000 }).toBe(0);
    await expect.poll(async () => (await a.get('/v1/leases')).body.leases.length, { timeout: 5000 }).toBe(0);
    const expired = await dbs.sql(url, "SELECT data FROM events WHERE type = 'lease-expired'");
    expect(expired).toEqual([{ data: JSON.stringify({ lease, released: [id] }) }]);
    expect((await a.get(`/v1/sets/${set.body.sid}/ioasids`)).body).toEqual({ ids: [] });
    for (const server of [first, second]) {
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
    }
  });

  it('goes on after its writer session is ended, refusing writes at most until it reconnects', async () => {
    const url = await dbs.create();
    const args = ['--port', '0', '--data-dir', tempDir(), '--database-url', url, '--capacity', '4096'];
    const server = await spawnServe(args, { IOASID_ADMIN_TOKEN: TOKEN });
    const admin = client(server.url, TOKEN);
    const set = await admin.post('/v1/sets', { owner: 'vm-a', quota: 64 });
    expect(set.status).toBe(201);
    const [before] = await dbs.sql(url, WRITER_SESSION);
    const ended = await dbs.sql(url, `SELECT pg_terminate_backend(${before.pid}) AS ended`);
    expect(ended).toEqual([{ ended: true }]);
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
    expect(created).toBe(10);
    const [after] = await dbs.sql(url, WRITER_SESSION);
    expect(after.pid).not.toBe(before.pid);
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
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
