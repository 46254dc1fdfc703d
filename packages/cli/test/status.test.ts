// `ioasid status` and what every client command shares: where the URL and the credential come from
// (flags, IOASID_* variables, ./data/admin.token after `npm start`), and the exit codes of a missing or
// unknown credential, of no server at all, and of something that is not the ioasid API.

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { type AddressInfo, createServer as createTcpServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, type Store } from '@ioasid/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, okJson, run } from './support/cli.js';
import { ADMIN_TOKEN, type CliTestServer, startCliTestServer } from './support/server.js';

let server: CliTestServer;
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-cli-status-'));
  dirs.push(dir);
  return dir;
};
const admin = () => ({ env: { IOASID_URL: server.url, IOASID_TOKEN: ADMIN_TOKEN } });

/** A port on loopback where nothing listens (bound, then released). */
async function freePort(): Promise<number> {
  const probe = createTcpServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

beforeAll(async () => {
  server = await startCliTestServer({ capacity: 4096 });
});
afterAll(async () => {
  await server.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describe('ioasid status', () => {
  it('shows capacity, available and the sets with usage bars, and the same as JSON', async () => {
    const half = (await server.api<{ sid: number }>('POST', '/v1/sets', { owner: 'half', quota: 4 })).body;
    const full = (await server.api<{ sid: number }>('POST', '/v1/sets', { owner: 'full', quota: 2 })).body;
    await server.api('POST', `/v1/sets/${half.sid}/ioasids`, { min: 1, max: 100, count: 2 });
    await server.api('POST', `/v1/sets/${full.sid}/ioasids`, { min: 1, max: 100, count: 2 });
    const text = await ok(['status'], admin());
    expect(text).toMatch(/^store: writable$/m);
    expect(text).toMatch(/capacity:\s+4096/);
    expect(text).toMatch(/available:\s+4090 /);
    // One instance on SQLite: this server, at the namespace's sequence number, nobody ahead of it.
    expect(text).toMatch(/^instances: 1$/m);
    expect(text).toMatch(/^ {2}\S+:\d+ {2}seq 4 {2}seen \d+ s ago, up since \d{4}-\d\d-\d\dT/m);
    expect(text).toMatch(/^\s*SID\s+OWNER\s+QUOTA\s+COUNT\s+DYING\s+USAGE$/m);
    expect(text).toMatch(/^\s*\d+\s+half\s+4\s+2\s+no\s+\[█{10}░{10}\]\s+50%$/m);
    expect(text).toMatch(/^\s*\d+\s+full\s+2\s+2\s+no\s+\[█{20}\]\s+100%$/m);
    const json = await okJson<{ capacity: number; available: number; sets: Array<{ owner: string }> }>(
      ['status'],
      admin(),
    );
    expect(json).toEqual({
      store: { ready: true, reason: null, cause: null, since: null },
      capacity: 4096,
      available: 4090,
      instances: [
        {
          name: expect.stringMatching(/:\d+$/),
          startedAt: expect.any(String),
          lastSeenAt: expect.any(String),
          seq: 4,
        },
      ],
      sets: expect.arrayContaining([
        { sid: half.sid, owner: 'half', quota: 4, count: 2, dying: false },
        { sid: full.sid, owner: 'full', quota: 2, count: 2, dying: false },
      ]),
    });
  });

  it('shows a set secret only its own set', async () => {
    const own = (
      await server.api<{ sid: number; secret: string }>('POST', '/v1/sets', { owner: 'own', quota: 3 })
    ).body;
    const env = { IOASID_URL: server.url, IOASID_TOKEN: own.secret };
    const json = await okJson<{ sets: unknown[]; instances: unknown }>(['status'], { env });
    expect(json.sets).toEqual([{ sid: own.sid, owner: 'own', quota: 3, count: 0, dying: false }]);
    expect(json.instances).toBeNull();
    const text = await ok(['status'], { env });
    expect(text).toMatch(/\bown\b/);
    expect(text).not.toMatch(/\bhalf\b/);
    expect(text).not.toMatch(/^instances:/m);
  });
});

describe('ioasid status of a server whose store takes no writes', () => {
  it('says since when and why writes are refused, still shows the committed state, and shows it writable again', async () => {
    const dataDir = tempDir();
    const inner = SqliteStore.open({ dataDir });
    let full = false;
    const diskFull = () => Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    const store: Store = {
      load: () => inner.load(),
      commit: (batch) => (full ? Promise.reject(diskFull()) : inner.commit(batch)),
      readEvents: (after, limit) => inner.readEvents(after, limit),
      close: () => inner.close(),
      describeFailure: (error) => inner.describeFailure(error),
    };
    const degraded = await startCliTestServer(
      { store, capacity: 64, storeRetry: { initialMs: 20, maxMs: 40 } },
      dataDir,
    );
    try {
      const env = { env: { IOASID_URL: degraded.url, IOASID_TOKEN: ADMIN_TOKEN } };
      await degraded.api('POST', '/v1/sets', { owner: 'kept', quota: 8 });
      full = true;
      const lost = await degraded.api<{ error: { reason: string } }>('POST', '/v1/sets', {
        owner: 'lost',
        quota: 8,
      });
      expect([lost.status, lost.body.error.reason]).toEqual([503, 'store-unavailable']);
      const cause = `the disk holding ${dataDir} is full`;
      let text = '';
      for (let i = 0; i < 100 && !/^store: unavailable/m.test(text); i++) {
        const result = await run(['status'], env);
        text = result.stdout;
        if (!/^store: unavailable/m.test(text)) await new Promise((resolve) => setTimeout(resolve, 20));
      }
      const line = text.split('\n').find((l) => l.startsWith('store:')) ?? '';
      expect(line).toMatch(
        /^store: unavailable since \d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z \(.+\): writes are refused, reads are served$/,
      );
      expect(line).toContain(`(${cause})`);
      expect(text).toMatch(/^\s*\d+\s+kept\s+8\s+0\s+no\b/m);
      expect(text).not.toMatch(/\blost\b/);
      const json = await okJson<{ store: unknown; sets: { owner: string }[] }>(['status'], env);
      expect(json.store).toEqual({
        ready: false,
        reason: 'store-unavailable',
        cause,
        since: expect.stringMatching(/^\d{4}-\d\d-\d\dT/),
      });
      expect(json.sets.map((s) => s.owner)).toEqual(['kept']);
      full = false;
      let after = '';
      for (let i = 0; i < 100 && !/^store: writable$/m.test(after); i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        after = await ok(['status'], env);
      }
      expect(after).toMatch(/^store: writable$/m);
    } finally {
      await degraded.close();
    }
  });
});

describe.concurrent('connection options', () => {
  it('finds ./data/admin.token in the working directory, as after `npm start`, or under IOASID_DATA_DIR', async ({
    expect,
  }) => {
    const root = tempDir();
    const local = await startCliTestServer({ adminToken: undefined, capacity: 77 }, join(root, 'data'));
    try {
      const url = { IOASID_URL: local.url };
      expect(await okJson(['status'], { cwd: root, env: url })).toEqual({
        store: { ready: true, reason: null, cause: null, since: null },
        capacity: 77,
        available: 77,
        instances: [expect.objectContaining({ seq: 0 })],
        sets: [],
      });
      expect(
        await okJson(['status'], { env: { ...url, IOASID_DATA_DIR: join(root, 'data') } }),
      ).toMatchObject({ capacity: 77 });
      expect(
        await okJson(['status', '--admin-token-file', join(root, 'data', 'admin.token')], { env: url }),
      ).toMatchObject({ capacity: 77 });
    } finally {
      await local.close();
    }
  });

  it('takes --url over IOASID_URL and --token over IOASID_TOKEN', async ({ expect }) => {
    const env = { IOASID_URL: 'http://127.0.0.1:9', IOASID_TOKEN: 'not-the-token-at-all' };
    expect(
      await okJson(['status', '--url', `${server.url}/`, '--token', ADMIN_TOKEN], { env }),
    ).toMatchObject({
      capacity: 4096,
    });
  });

  it('takes the admin token from IOASID_ADMIN_TOKEN when no other credential is given', async ({
    expect,
  }) => {
    const env = { IOASID_URL: server.url, IOASID_ADMIN_TOKEN: ADMIN_TOKEN };
    expect(await okJson(['sets', 'list'], { env })).toHaveProperty('sets');
  });

  it('exits with EPERM (65) without a credential, saying where it looked and what to pass', async ({
    expect,
  }) => {
    const result = await run(['status'], { env: { IOASID_URL: server.url } });
    expect(result.code).toBe(65);
    expect(result.stderr).toMatch(/^ioasid: EPERM: .*needs a credential/);
    expect(result.stderr).toMatch(
      /hint: no credential was given \(looked for --token, IOASID_TOKEN, data\/admin\.token\)/,
    );
  });

  it('exits with EPERM (65) for a credential the server does not know, naming where it came from', async ({
    expect,
  }) => {
    const flag = await run(['status', '--token', 'not-a-known-secret'], { env: { IOASID_URL: server.url } });
    expect(flag.code).toBe(65);
    expect(flag.stderr).toMatch(/hint: the --token given is not known to this server/);
    const file = join(tempDir(), 'admin.token');
    writeFileSync(file, 'some-other-servers-token\n');
    const fromFile = await run(['status', '--admin-token-file', file], { env: { IOASID_URL: server.url } });
    expect(fromFile.code).toBe(65);
    expect(fromFile.stderr).toContain(`the admin token in ${file} is not this server's`);
  });

  it('exits with the no-server code (69) when nothing listens, saying how to start one', async ({
    expect,
  }) => {
    const url = `http://127.0.0.1:${await freePort()}`;
    const results = await Promise.all([
      run(['status'], { env: { IOASID_URL: url, IOASID_TOKEN: ADMIN_TOKEN } }),
      run(['alloc', '1', '--url', url]),
    ]);
    for (const result of results) {
      expect(result.code).toBe(69);
      expect(result.stderr).toContain(`ioasid: no server at ${url} (connection refused)`);
      expect(result.stderr).toContain('hint: start one with `npm start`');
    }
  });

  it('fails over from a dead first URL to a live one, with --url repeated, comma-separated or IOASID_URL', async ({
    expect,
  }) => {
    const dead = `http://127.0.0.1:${await freePort()}`;
    const results = await Promise.all([
      ok(['status', '--url', dead, '--url', server.url, '--token', ADMIN_TOKEN]),
      okJson(['sets', 'list', '--url', `${dead},${server.url}`, '--token', ADMIN_TOKEN]),
      okJson(['status'], { env: { IOASID_URL: `${dead}, ${server.url}`, IOASID_TOKEN: ADMIN_TOKEN } }),
    ]);
    expect(results[0]).toContain(`server: ${server.url}`);
    expect(results[1]).toHaveProperty('sets');
    expect(results[2]).toMatchObject({ capacity: 4096 });
    const other = `http://127.0.0.1:${await freePort()}`;
    const none = await run(['status', '--url', `${dead},${other}`, '--token', ADMIN_TOKEN]);
    expect(none.code).toBe(69);
    expect(none.stderr).toContain(
      `ioasid: no server answered at any of ${dead} (connection refused), ${other} (connection refused)`,
    );
  });

  it('exits with 76 when something that is not the ioasid API answers', async ({ expect }) => {
    const other = createServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not here</h1>');
    });
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
      const result = await run(['status', '--url', url, '--token', ADMIN_TOKEN]);
      expect(result.code).toBe(76);
      expect(result.stderr).toMatch(/answered HTTP 404 \(text\/html\), which is not an ioasid API answer/);
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
  });

  it('rejects a malformed URL or credential, and two credentials, with EINVAL (86)', async ({ expect }) => {
    const cases: Array<[string[], RegExp]> = [
      [['status', '--url', 'localhost:7070'], /must be an http:\/\/ or https:\/\/ base URL/],
      [['status', '--url', `${server.url}/?x=1`], /without \?query/],
      [['status', '--token', 'has space'], /the credential from --token is not valid/],
      [['status', '--token', 'x', '--admin-token-file', 'y'], /give either --token or --admin-token-file/],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args, { env: { IOASID_URL: server.url } })));
    results.forEach((result, i) => {
      expect(result.code, cases[i][0].join(' ')).toBe(86);
      expect(result.stderr).toMatch(cases[i][1]);
    });
  });
});
