// `ioasid watch` against a real server: one line per event (text and --json), replay with --after,
// filtering by set, resuming after a server restart and after a dropped connection without a gap or a
// duplicate, the reset of a position the server no longer keeps, and a clean stop on SIGINT.

import { createServer as createHttpServer } from 'node:http';
import { type AddressInfo, createConnection, createServer, type Server, type Socket } from 'node:net';
import type { EventView } from '@ioasid/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type Running, run, start } from './support/cli.js';
import { ADMIN_TOKEN, type CliTestServer, startCliTestServer } from './support/server.js';

type EventJson = EventView;

let server: CliTestServer;
const watches: Running[] = [];
let owners = 0;

/** Starts `ioasid watch ARGS` with the admin token against `url`, and waits until it is connected. */
async function watch(args: string[], url = server.url, token = ADMIN_TOKEN): Promise<Running> {
  const running = start(['watch', ...args], { env: { IOASID_URL: url, IOASID_TOKEN: token } });
  watches.push(running);
  await running.waitFor('the "watching" line', () => running.stderr().includes('watching '));
  return running;
}

/** The JSON events printed so far (lines of `watch --json`). */
const events = (running: Running): EventJson[] => running.lines().map((line) => JSON.parse(line));
const seqs = (list: EventJson[]) => list.map((e) => e.seq);
const consecutive = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

async function newSet(quota = 16): Promise<{ sid: number; secret: string }> {
  return (
    await server.api<{ sid: number; secret: string }>('POST', '/v1/sets', { owner: `w-${owners++}`, quota })
  ).body;
}
async function alloc(sid: number, data: unknown = null): Promise<number> {
  const answer = await server.api<{ id: number }>('POST', `/v1/sets/${sid}/ioasids`, {
    min: 1,
    max: 100_000,
    data,
  });
  expect(answer.status).toBe(201);
  return answer.body.id;
}

beforeAll(async () => {
  server = await startCliTestServer({ capacity: 100_000 });
});
afterEach(async () => {
  await Promise.all(watches.splice(0).map((w) => w.interrupt()));
});
afterAll(async () => {
  await server.stop();
});

describe('ioasid watch', () => {
  it('prints one line per event as it happens, and stops cleanly with exit code 0 on SIGINT', async () => {
    const set = await newSet();
    const w = await watch([]);
    const id = await alloc(set.sid, { vm: 'w' });
    await server.api('PUT', `/v1/ioasids/${id}/spid`, { spid: 9 });
    await w.waitFor('two events', () => w.lines().length >= 2);
    const [allocLine, bindLine] = w.lines();
    expect(allocLine).toMatch(
      new RegExp(`^\\s*\\d+\\s+alloc\\s+id=${id}\\s+sid=${set.sid}\\s+spid=-\\s+data=\\{"vm":"w"\\}$`),
    );
    expect(bindLine).toMatch(
      new RegExp(`^\\s*\\d+\\s+bind\\s+id=${id}\\s+sid=${set.sid}\\s+spid=9\\s+data=\\{"vm":"w"\\}$`),
    );
    const seq = Number(bindLine.trim().split(/\s+/)[0]);
    expect(Number(allocLine.trim().split(/\s+/)[0])).toBe(seq - 1);
    expect(await w.interrupt()).toBe(0);
    expect(w.stderr()).toContain(`stopped after event ${seq}`);
  });

  it('replays with --after, keeps one set with --sid, and prints JSON lines with --json', async () => {
    const a = await newSet();
    const b = await newSet();
    const first = await alloc(a.sid);
    await alloc(b.sid);
    const second = await alloc(a.sid, [1, 2]);
    const replay = await watch(['--json', '--after', '0', '--sid', String(a.sid)]);
    await replay.waitFor('both events of set a', () => replay.lines().length >= 2);
    const got = events(replay);
    expect(got).toEqual([
      { seq: got[0].seq, type: 'alloc', id: first, sid: a.sid, spid: null, data: null },
      { seq: got[0].seq + 2, type: 'alloc', id: second, sid: a.sid, spid: null, data: [1, 2] },
    ]);
  });

  it("gives a set secret only its own set's events", async () => {
    const mine = await newSet();
    const theirs = await newSet();
    const w = await watch(['--json'], server.url, mine.secret);
    await alloc(theirs.sid);
    const id = await alloc(mine.sid);
    await w.waitFor('the event of its set', () => w.lines().length >= 1);
    expect(events(w)).toEqual([expect.objectContaining({ type: 'alloc', id, sid: mine.sid })]);
    const other = await run(['watch', '--sid', String(theirs.sid)], {
      env: { IOASID_URL: server.url, IOASID_TOKEN: mine.secret },
    });
    expect(other.code).toBe(77);
  });

  it('resumes after the server restarts, without missing or repeating an event', async () => {
    const set = await newSet();
    const w = await watch(['--json']);
    await alloc(set.sid);
    await w.waitFor('the first event', () => w.lines().length >= 1);
    await server.close();
    await w.waitFor('"connection lost"', () => w.stderr().includes('connection lost'));
    await server.start();
    await alloc(set.sid);
    await alloc(set.sid);
    await w.waitFor(
      'two events after the restart',
      () => w.lines().length >= 3 && w.stderr().includes('reconnected'),
    );
    const got = events(w);
    expect(seqs(got)).toEqual(consecutive(got[0].seq, 3));
    expect(w.stderr()).toContain(`reconnected; resuming after event ${got[0].seq}`);
  });

  it('resumes after the connection drops, receiving the events committed meanwhile', async () => {
    const set = await newSet();
    const proxy = await tcpProxy(server.port);
    try {
      const w = await watch(['--json'], `http://127.0.0.1:${proxy.port}`);
      // Dropped before its first event: it resumes from the position the server had when it started.
      for (let round = 1; round <= 2; round++) {
        await proxy.cut(); // drops the connection and refuses new ones while the server goes on
        await w.waitFor(
          `"connection lost" #${round}`,
          () => w.stderr().split('connection lost').length > round,
        );
        await alloc(set.sid);
        await alloc(set.sid);
        await proxy.restore();
        await w.waitFor(
          `the events committed while away #${round}`,
          () => w.lines().length >= 2 * round && w.stderr().split('reconnected').length > round,
        );
      }
      const got = events(w);
      expect(seqs(got)).toEqual(consecutive(got[0].seq, 4));
      expect(w.stderr()).toContain(`reconnected; resuming after event ${got[1].seq}`);
    } finally {
      await proxy.close();
    }
  });

  it('reports a reset when the server no longer keeps the position, tells to resync, and goes on', async () => {
    await alloc((await newSet()).sid);
    const w = await watch(['--json', '--after', '99999999']);
    // Standard output and error are separate pipes: wait for both rather than assume an order.
    await w.waitFor(
      'the reset line, the replay and the advice',
      () => w.lines().length >= 2 && /resynchronise/.test(w.stderr()),
    );
    const [reset, next] = events(w);
    expect(reset).toEqual({ type: 'reset', oldest: 1 });
    expect(next.seq).toBe(1);
    expect(w.stderr()).toMatch(/resynchronise your view/);
  });

  it('exits with the no-server code (69) or EPERM (65) when the first connection fails', async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise((resolve) => probe.close(resolve));
    const [nowhere, stranger] = await Promise.all([
      run(['watch'], { env: { IOASID_URL: `http://127.0.0.1:${port}`, IOASID_TOKEN: ADMIN_TOKEN } }),
      run(['watch'], { env: { IOASID_URL: server.url, IOASID_TOKEN: 'not-a-known-secret' } }),
    ]);
    expect(nowhere.code).toBe(69);
    expect(nowhere.stderr).toContain('no server at');
    expect(stranger.code).toBe(65);
    expect(stranger.stderr).toMatch(/^ioasid: EPERM: /);
  });

  it('exits with 76, without retrying, when the stream carries something that is not an event', async () => {
    const fake = createHttpServer((request, response) => {
      if (request.url === '/metrics') return response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end('id: 1\nevent: alloc\ndata: <html>\n\n');
    });
    await new Promise<void>((resolve) => fake.listen(0, '127.0.0.1', resolve));
    try {
      const url = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
      const result = await run(['watch'], { env: { IOASID_URL: url, IOASID_TOKEN: ADMIN_TOKEN } });
      expect(result.code).toBe(76);
      expect(result.stderr).toContain('sent data that is not an ioasid event: "<html>"');
      expect(result.stderr).not.toContain('reconnect');
    } finally {
      await new Promise((resolve) => fake.close(resolve));
    }
  });

  it('rejects a malformed --after or --sid with EINVAL (86)', async () => {
    const results = await Promise.all([
      run(['watch', '--after', '-5'], { env: { IOASID_URL: server.url } }),
      run(['watch', '--sid', 'all'], { env: { IOASID_URL: server.url } }),
    ]);
    expect(results.map((r) => r.code)).toEqual([86, 86]);
    expect(results[0].stderr).toMatch(/--after must be an integer/);
    expect(results[1].stderr).toMatch(/--sid must be an integer/);
  });
});

/** A TCP proxy to `target` that can drop its connections and refuse new ones for a while. */
async function tcpProxy(target: number) {
  const sockets = new Set<Socket>();
  let listener: Server | null = null;
  let port = 0;
  const listen = async () => {
    const next = createServer((client) => {
      const upstream = createConnection(target, '127.0.0.1');
      for (const s of [client, upstream]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => next.listen(port, '127.0.0.1', resolve));
    port = (next.address() as AddressInfo).port;
    listener = next;
  };
  const cut = async () => {
    const closing = listener === null ? null : new Promise((resolve) => listener!.close(resolve));
    listener = null;
    for (const s of sockets) s.destroy();
    await closing;
  };
  await listen();
  return {
    get port() {
      return port;
    },
    cut,
    restore: listen,
    close: cut,
  };
}
