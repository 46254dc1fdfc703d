// `ioasid-server` (what `ioasid serve` runs) as an operator runs it: flags with IOASID_* fallbacks, the
// admin token file created on first start, the lines it prints, JSON logs without secrets, clear refusals.

import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client } from './support/client.js';
import { killAll, runServer, spawnServe } from './support/process.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-serve-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('ioasid-server', () => {
  it('creates the admin token on first start, prints where to find everything, and reuses the token', async () => {
    const dir = tempDir();
    const first = await spawnServe(['--port', '0', '--data-dir', dir]);
    const path = join(dir, 'admin.token');
    expect(first.stdout()).toContain(`admin token: ${path} (created, mode 0600)`);
    expect(first.stdout()).toContain(`API: ${first.url}/v1`);
    expect(first.stdout()).toContain(`docs: ${first.url}/docs`);
    expect(first.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const token = readFileSync(path, 'utf8').trim();
    const admin = client(first.url, token);
    expect((await admin.get('/v1/capacity')).body).toEqual({ capacity: 1_048_576, available: 1_048_576 });
    const secret = (await admin.post('/v1/sets', { owner: 'vm', quota: 1 })).body.secret;
    await fetch(`${first.url}/v1/events?access_token=${secret}`).then((res) => res.body?.cancel());
    first.child.kill('SIGTERM');
    expect(await first.exited).toEqual({ code: 0, signal: null });
    expect(first.stdout()).not.toContain(token);
    const logs = first.stderr();
    expect(logs).toContain('"msg":"listening"');
    for (const s of [token, secret]) expect(logs).not.toContain(s);
    const second = await spawnServe(['--port', '0', '--data-dir', dir]);
    expect(second.stdout()).toContain(`admin token: ${path}\n`);
    expect((await client(second.url, token).get('/v1/sets')).body.sets).toHaveLength(1);
    second.child.kill('SIGINT');
    expect((await second.exited).code).toBe(0);
  });

  it('reads IOASID_* variables when flags are absent, and flags win over them', async () => {
    const dir = tempDir();
    const env = {
      IOASID_PORT: '0',
      IOASID_DATA_DIR: dir,
      IOASID_CAPACITY: '0',
      IOASID_ADMIN_TOKEN: 'env-admin-token-0123456789',
    };
    const fromEnv = await spawnServe([], env);
    expect(fromEnv.stdout()).toContain('admin token: from IOASID_ADMIN_TOKEN');
    const admin = client(fromEnv.url, env.IOASID_ADMIN_TOKEN);
    expect((await admin.get('/v1/capacity')).body).toEqual({ capacity: 0, available: 0 });
    expect((await admin.put('/v1/capacity', { capacity: 64 })).body).toEqual({ capacity: 64, available: 64 });
    fromEnv.child.kill('SIGTERM');
    await fromEnv.exited;
    expect(() => statSync(join(dir, 'admin.token'))).toThrow();
    const flags = await spawnServe(['--capacity', '128', '--data-dir', tempDir()], env);
    expect((await client(flags.url, env.IOASID_ADMIN_TOKEN).get('/v1/capacity')).body.capacity).toBe(128);
    flags.child.kill('SIGTERM');
    await flags.exited;
  });

  it('limits the leases per set and of the admin from flags and variables, flags winning', async () => {
    const env = {
      IOASID_ADMIN_TOKEN: 'env-admin-token-0123456789',
      IOASID_MAX_LEASES_PER_SET: '5',
      IOASID_MAX_ADMIN_LEASES: '1',
    };
    const served = await spawnServe(
      ['--port', '0', '--data-dir', tempDir(), '--max-leases-per-set', '1'],
      env,
    );
    const admin = client(served.url, env.IOASID_ADMIN_TOKEN);
    const set = client(served.url, (await admin.post('/v1/sets', { owner: 'vm', quota: 1 })).body.secret);
    for (const api of [set, admin]) {
      expect((await api.post('/v1/leases', { ttlMs: 60_000 })).status).toBe(201);
      const refused = await api.post('/v1/leases', { ttlMs: 60_000 });
      expect([refused.status, refused.body.error.code]).toEqual([409, 'ENOSPC']);
      expect(refused.body.error.message).toContain('holds 1 leases and may hold at most 1');
    }
    served.child.kill('SIGTERM');
    await served.exited;
  });

  it('refuses bad flags and variables with a message naming them', async () => {
    const badFlag = await runServer(['--port', 'http']);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/--port must be an integer from 0 to 65535, not "http"/);
    const badEnv = await runServer(['--data-dir', tempDir()], { IOASID_CAPACITY: 'lots' });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toMatch(/IOASID_CAPACITY must be an integer/);
    const badRetention = await runServer(['--event-retention', '0']);
    expect(badRetention.code).toBe(1);
    expect(badRetention.stderr).toMatch(/--event-retention must be an integer from 1/);
    const badLeases = await runServer(['--max-leases-per-set', '0']);
    expect(badLeases.code).toBe(1);
    expect(badLeases.stderr).toMatch(/--max-leases-per-set must be an integer from 1 to 1000000000, not "0"/);
    const badAdminLeases = await runServer(['--port', '0', '--data-dir', tempDir()], {
      IOASID_MAX_ADMIN_LEASES: 'many',
    });
    expect(badAdminLeases.code).toBe(1);
    expect(badAdminLeases.stderr).toMatch(/IOASID_MAX_ADMIN_LEASES must be an integer from 1 to 1000000000/);
    const badToken = await runServer(['--port', '0', '--data-dir', tempDir()], {
      IOASID_ADMIN_TOKEN: 'short',
    });
    expect(badToken.code).toBe(1);
    expect(badToken.stderr).toMatch(/admin token in IOASID_ADMIN_TOKEN is not valid/);
  });

  it('prints its usage with every flag and variable for --help, and exits 0', async () => {
    const help = await runServer(['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ioasid-server \[options\]/);
    for (const flag of ['--host', '--port', '--data-dir', '--capacity', '--event-retention', '--log-level']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain('IOASID_MAX_LEASES_PER_SET');
  });

  it('refuses to share a data directory with a running server', async () => {
    const dir = tempDir();
    const running = await spawnServe(['--port', '0', '--data-dir', dir]);
    const second = await runServer(['--port', '0', '--data-dir', dir]);
    expect(second.code).toBe(1);
    expect(second.stderr).toMatch(/locked by another process/);
    running.child.kill('SIGTERM');
    await running.exited;
  });
});
