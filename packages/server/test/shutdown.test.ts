// Graceful shutdown of `ioasid serve`: SIGTERM while requests are arriving answers and commits every
// request it accepted (the others fail to connect or get 503), then exits 0.

import { mkdtempSync, rmSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { client } from './support/client.js';
import { killAll, spawnServe } from './support/process.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-shutdown-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('ioasid serve shutdown', () => {
  it('answers and commits the requests in flight when SIGTERM arrives', async () => {
    const dir = tempDir();
    const env = { IOASID_ADMIN_TOKEN: 'graceful-admin-token-0123' };
    const server = await spawnServe(['--port', '0', '--data-dir', dir], env);
    const admin = client(server.url, env.IOASID_ADMIN_TOKEN);
    const { sid } = (await admin.post('/v1/sets', { owner: 'vm', quota: 10_000 })).body;
    const requests = Array.from({ length: 200 }, () =>
      admin.post(`/v1/sets/${sid}/ioasids`, { min: 0, max: 1_000_000 }).catch(() => null),
    );
    // Stop while requests are still arriving.
    await Promise.race(requests);
    server.child.kill('SIGTERM');
    const answers = await Promise.all(requests);
    expect(await server.exited).toEqual({ code: 0, signal: null });
    const acknowledged = answers.filter((a) => a?.status === 201).map((a) => a?.body.id as number);
    expect(acknowledged.length).toBeGreaterThan(0);
    for (const a of answers) if (a !== null && a.status !== 201) expect(a.status).toBe(503);
    const again = await spawnServe(['--port', '0', '--data-dir', dir], env);
    const ids = (await client(again.url, env.IOASID_ADMIN_TOKEN).get(`/v1/sets/${sid}/ioasids`)).body
      .ids as number[];
    expect(ids).toEqual(expect.arrayContaining(acknowledged));
    again.child.kill('SIGTERM');
    await again.exited;
  });

  it('does not wait for connections that never sent a request, or idle keep-alive ones', async () => {
    const env = { IOASID_ADMIN_TOKEN: 'graceful-admin-token-0123' };
    const server = await spawnServe(['--port', '0', '--data-dir', tempDir()], env);
    const { hostname, port } = new URL(server.url);
    const silent = connect(Number(port), hostname);
    await new Promise((resolve) => silent.once('connect', resolve));
    const silentClosed = new Promise((resolve) => silent.once('close', resolve));
    // A keep-alive connection left idle after one answered request.
    expect((await client(server.url, env.IOASID_ADMIN_TOKEN).get('/v1/capacity')).status).toBe(200);
    server.child.kill('SIGTERM');
    // Node would keep the silent connection for minutes; the exit must not wait for it.
    const exit = await Promise.race([
      server.exited,
      new Promise((resolve) => setTimeout(() => resolve('still running after 10 s'), 10_000)),
    ]);
    silent.destroy();
    expect(exit).toEqual({ code: 0, signal: null });
    await silentClosed;
  });
});
