// `ioasid-server --database-url` whose PostgreSQL goes away under load and comes back, through a TCP
// proxy of the test's own (two instances sharing the database behind it): every request answers,
// nothing unwritten is acknowledged, no restart needed.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabases } from './support/pg.js';
import { killAll, spawnServe } from './support/process.js';
import { startTcpProxy, type TcpProxy, throughProxy } from './support/tcp-proxy.js';

const dbs = useTestDatabases();
const TOKEN = 'pg-outage-admin-token-0123456789';
/** Longest any request may take, the database cut or not. */
const ANSWER_MS = 15_000;
/** Longest the server may take to take writes again once the database is back (backoff cap 30 s). */
const RECOVERY_MS = 40_000;
const dirs: string[] = [];
const proxies: TcpProxy[] = [];
afterAll(async () => {
  killAll();
  for (const proxy of proxies) await proxy.close();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Answer {
  readonly status: number;
  readonly body: {
    readonly error?: { code: string; reason: string; values: Record<string, unknown> };
  } & Record<string, unknown>;
  readonly ms: number;
}

/** One request with a bound: a request that does not answer within ANSWER_MS fails the test. */
async function request(
  base: string,
  secret: string,
  method: string,
  path: string,
  body?: unknown,
): Promise<Answer> {
  const started = performance.now();
  const response = await fetch(base + path, {
    method,
    headers: {
      authorization: `Bearer ${secret}`,
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(ANSWER_MS),
  });
  const text = await response.text();
  return {
    status: response.status,
    body: text === '' ? {} : JSON.parse(text),
    ms: performance.now() - started,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A fresh database, a TCP proxy in front of it, and `count` real `ioasid-server`s sharing it that reach
 * the database only through the proxy (so the test can cut it). `extra` are more serve flags.
 */
async function serversBehindProxy(count: number, extra: string[] = []) {
  const url = await dbs.create();
  const proxy = await startTcpProxy(Number(new URL(url).port || 5432));
  proxies.push(proxy);
  const servers = [];
  for (let i = 0; i < count; i++) {
    const dir = mkdtempSync(join(tmpdir(), 'ioasid-pg-outage-'));
    dirs.push(dir);
    servers.push(
      await spawnServe(
        ['--port', '0', '--data-dir', dir, '--database-url', throughProxy(url, proxy.port), ...extra],
        { IOASID_ADMIN_TOKEN: TOKEN },
      ),
    );
  }
  return { url, proxy, servers };
}

/** `serversBehindProxy` with one server. */
async function serverBehindProxy(extra: string[] = []) {
  const { url, proxy, servers } = await serversBehindProxy(1, extra);
  return { url, proxy, server: servers[0] };
}

describe('ioasid-server on PostgreSQL when the database goes away', () => {
  it('refuses writes with 503 store-unavailable, serves reads, and takes writes again by itself, losing no acknowledged ID (two instances)', async () => {
    const { url, proxy, servers } = await serversBehindProxy(2, ['--capacity', '65536']);
    const base = servers[0].url;
    const CLIENTS = 6;
    const sets: { sid: number; secret: string }[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const set = await request(base, TOKEN, 'POST', '/v1/sets', { owner: `vm-${i}`, quota: 10_000 });
      expect(set.status).toBe(201);
      sets.push({ sid: set.body.sid as number, secret: set.body.secret as string });
    }

    // Load: every client allocates one ID after the other until told to stop.
    const acknowledged = new Map<number, number>(); // id -> sid
    const refused: Answer[] = [];
    let stop = false;
    let slowest = 0;
    const failures: unknown[] = [];
    // Each client on one of the instances, half on each.
    const load = sets
      .map(async ({ sid, secret }, i) => {
        const instance = servers[i % servers.length].url;
        while (!stop) {
          const answer = await request(instance, secret, 'POST', `/v1/sets/${sid}/ioasids`, {
            min: 1,
            max: 65535,
          });
          slowest = Math.max(slowest, answer.ms);
          if (answer.status === 201) {
            const id = answer.body.id as number;
            expect(acknowledged.has(id), `ID ${id} acknowledged twice`).toBe(false);
            acknowledged.set(id, sid);
          } else {
            expect(answer.status).toBe(503);
            expect(answer.body.error).toMatchObject({ code: 'EAGAIN', reason: 'store-unavailable' });
            refused.push(answer);
            await sleep(20);
          }
        }
      })
      .map((client) => client.catch((error: unknown) => failures.push(error)));

    await sleep(1000);
    const beforeCut = acknowledged.size;
    expect(beforeCut).toBeGreaterThan(0);
    proxy.cut();
    // While cut: /readyz answers 503 and names the cause (a probe's: the proxy refuses connections),
    // reads are served from the committed state.
    const cause =
      /^PostgreSQL at postgres:\/\/\S*127\.0\.0\.1:\d+\/ioasid_test_\w+ does not answer \(E[A-Z]+\)$/;
    await expect
      .poll(
        async () => {
          const ready = await request(base, TOKEN, 'GET', '/readyz');
          return ready.status === 503 &&
            ready.body.error?.code === 'EAGAIN' &&
            ready.body.error.reason === 'store-unavailable'
            ? String(ready.body.error.values.cause)
            : `status ${ready.status}`;
        },
        { timeout: ANSWER_MS, interval: 100 },
      )
      .toMatch(cause);
    await sleep(3000);
    const listed = await request(base, TOKEN, 'GET', '/v1/sets');
    expect(listed.status).toBe(200);
    expect((listed.body.sets as unknown[]).length).toBe(CLIENTS);
    const duringCut = acknowledged.size;
    expect(refused.length).toBeGreaterThan(0);

    proxy.restore();
    const restoredAt = performance.now();
    await expect
      .poll(() => acknowledged.size > duringCut, { timeout: RECOVERY_MS, interval: 200 })
      .toBe(true);
    console.log(
      `writes taken again ${Math.round(performance.now() - restoredAt)} ms after the database came back`,
    );
    // Each instance probes with its own backoff: the second may take writes again a little later.
    for (const server of servers) {
      await expect
        .poll(async () => (await request(server.url, TOKEN, 'GET', '/readyz')).status, {
          timeout: RECOVERY_MS,
          interval: 200,
        })
        .toBe(200);
    }
    await sleep(500);
    stop = true;
    await Promise.all(load);
    expect(failures).toEqual([]);
    expect(slowest).toBeLessThan(ANSWER_MS);
    for (const server of servers) {
      server.child.kill('SIGTERM');
      expect(await server.exited).toEqual({ code: 0, signal: null });
      expect(server.stdout() + server.stderr()).toMatch(/store recovered after/);
    }

    // Every acknowledged ID is in the database, in its set; the event log has no gap.
    const rows = await dbs.sql(url, 'SELECT id, sid FROM ids');
    const stored = new Map(rows.map((r) => [Number(r.id), Number(r.sid)]));
    for (const [id, sid] of acknowledged) expect(stored.get(id), `acknowledged ID ${id}`).toBe(sid);
    const events = (await dbs.sql(url, 'SELECT seq FROM events ORDER BY seq')).map((r) => Number(r.seq));
    const [meta] = await dbs.sql(url, 'SELECT next_seq FROM meta');
    expect(events.length).toBeGreaterThan(0);
    expect(events[events.length - 1]).toBe(Number(meta.next_seq) - 1);
    events.forEach((seq, i) => {
      expect(seq).toBe(events[0] + i);
    });
    expect(acknowledged.size).toBeGreaterThan(duringCut);
  }, 120_000);

  it('answers /readyz 503 when the database goes away while it is idle, and 200 again once it is back', async () => {
    const { proxy, server } = await serverBehindProxy();
    expect((await request(server.url, TOKEN, 'GET', '/readyz')).status).toBe(200);
    proxy.cut();
    // No write comes: the lost connections alone make the server find out.
    await expect
      .poll(async () => (await request(server.url, TOKEN, 'GET', '/readyz')).status, { timeout: 5000 })
      .toBe(503);
    // Reads wait only for the return to the committed state (from memory: milliseconds).
    await expect
      .poll(async () => (await request(server.url, TOKEN, 'GET', '/v1/sets')).status, { timeout: 2000 })
      .toBe(200);
    proxy.restore();
    await expect
      .poll(async () => (await request(server.url, TOKEN, 'GET', '/readyz')).status, {
        timeout: RECOVERY_MS,
        interval: 200,
      })
      .toBe(200);
    expect((await request(server.url, TOKEN, 'POST', '/v1/sets', { owner: 'after', quota: 1 })).status).toBe(
      201,
    );
    server.child.kill('SIGTERM');
    expect(await server.exited).toEqual({ code: 0, signal: null });
  }, 60_000);
});
