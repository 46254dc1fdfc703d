// Crash test: `ioasid serve` runs as a child process under concurrent load and is killed with SIGKILL at
// random moments, then restarted. Every acknowledged change must be there, every unacknowledged one must
// be wholly there or wholly absent (a batch allocation never half), and the core's invariants and the
// event log must agree with the state.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Answer, type Api, client } from './support/client.js';
import { killAll, type ServeProcess, spawnServe } from './support/process.js';
import { type Random, random, withSeed } from './support/random.js';
import { openStream } from './support/sse.js';

const TOKEN = 'crash-test-admin-token-0123456789';
const CLIENTS = 12;
const KILLS = 5;
const SPAN = 100_000;
const QUOTA = 4000;

/** The operation a client had sent when the server died: it may or may not have been applied. */
type Doubt =
  | { kind: 'alloc'; count: number; data: unknown }
  | { kind: 'free'; id: number }
  | { kind: 'data'; id: number; data: unknown };

/** One load client: its own set and ID range, and what it knows was acknowledged. */
interface Client {
  index: number;
  sid: number;
  lo: number;
  hi: number;
  /** Acknowledged IDs and their data. */
  owned: Map<number, unknown>;
  doubt: Doubt | null;
  /** Distinguishes the data of each operation. */
  counter: number;
  /** Answers received (acknowledged operations, refusals included). */
  acks: number;
}

const dirs: string[] = [];
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(dir: string): Promise<{ server: ServeProcess; api: Api }> {
  const server = await spawnServe(['--port', '0', '--data-dir', dir, '--log-level', 'warn'], {
    IOASID_ADMIN_TOKEN: TOKEN,
  });
  return { server, api: client(server.url, TOKEN) };
}

/** Runs one client's operations one at a time until a request fails to get an answer. */
async function load(c: Client, api: Api, rng: Random): Promise<void> {
  for (;;) {
    const owned = Array.from(c.owned.keys());
    const roll = rng.int(100);
    let doubt: Doubt;
    if (roll < 40 || owned.length === 0)
      doubt = { kind: 'alloc', count: 1, data: { c: c.index, n: c.counter++ } };
    else if (roll < 55) doubt = { kind: 'alloc', count: 2 + rng.int(15), data: null };
    else if (roll < 90) doubt = { kind: 'free', id: rng.pick(owned) };
    else doubt = { kind: 'data', id: rng.pick(owned), data: { c: c.index, n: c.counter++, edited: true } };
    c.doubt = doubt;
    let answer: Answer;
    try {
      if (doubt.kind === 'alloc') {
        const body =
          doubt.count === 1
            ? { min: c.lo, max: c.hi, data: doubt.data }
            : { min: c.lo, max: c.hi, count: doubt.count };
        answer = await api.post(`/v1/sets/${c.sid}/ioasids`, body);
      } else if (doubt.kind === 'free') {
        answer = await api.delete(`/v1/ioasids/${doubt.id}`);
      } else {
        answer = await api.put(`/v1/ioasids/${doubt.id}/data`, { data: doubt.data });
      }
    } catch {
      return; // no answer: the server died; the operation stays in doubt
    }
    if (answer.status >= 500) return; // not acknowledged either
    c.acks++;
    if (answer.status < 300) {
      if (doubt.kind === 'alloc') {
        const ids: number[] = doubt.count === 1 ? [answer.body.id] : answer.body.ids;
        for (const id of ids) c.owned.set(id, doubt.data);
      } else if (doubt.kind === 'free') c.owned.delete(doubt.id);
      else c.owned.set(doubt.id, doubt.data);
    } else {
      // A refusal is acknowledged too, and a refused call changes nothing.
      expect(answer.body.error.code).toBe('ENOSPC');
    }
    c.doubt = null;
  }
}

/** Checks a client's set after a restart against what it knows, settling the operation in doubt. */
async function verify(c: Client, api: Api): Promise<void> {
  const ids = (await api.get(`/v1/sets/${c.sid}/ioasids`)).body.ids as number[];
  const actual = new Set(ids);
  const missing = Array.from(c.owned.keys()).filter((id) => !actual.has(id));
  const extra = ids.filter((id) => !c.owned.has(id));
  const where = `client ${c.index} (set ${c.sid}), doubt ${JSON.stringify(c.doubt)}`;
  for (const id of ids) expect(id >= c.lo && id <= c.hi, `${where}: ID ${id} outside its range`).toBe(true);
  const doubt = c.doubt;
  if (doubt?.kind === 'alloc') {
    expect(missing, `${where}: acknowledged IDs lost`).toEqual([]);
    expect([0, doubt.count], `${where}: ${extra.length} new IDs, a half-applied batch`).toContain(
      extra.length,
    );
    for (const id of extra) c.owned.set(id, doubt.data);
  } else if (doubt?.kind === 'free') {
    expect(extra, `${where}: unexpected IDs`).toEqual([]);
    expect(
      missing.filter((id) => id !== doubt.id),
      `${where}: acknowledged IDs lost`,
    ).toEqual([]);
    if (missing.length === 1) c.owned.delete(doubt.id);
  } else {
    expect({ missing, extra }, `${where}: the set differs from the acknowledged state`).toEqual({
      missing: [],
      extra: [],
    });
  }
  if (doubt?.kind === 'data') {
    const now = (await api.get(`/v1/ioasids/${doubt.id}`)).body.data;
    expect([JSON.stringify(c.owned.get(doubt.id)), JSON.stringify(doubt.data)], `${where}: data`).toContain(
      JSON.stringify(now),
    );
    c.owned.set(doubt.id, now);
  }
  c.doubt = null;
  // Data of a sample of acknowledged IDs.
  const sample = Array.from(c.owned.keys()).slice(-8);
  for (const id of sample) {
    const view = (await api.get(`/v1/ioasids/${id}`)).body;
    expect(view, `${where}: ID ${id}`).toEqual({
      id,
      sid: c.sid,
      state: 'active',
      spid: null,
      data: c.owned.get(id),
    });
  }
}

/** Checks the core's invariants through the API and that the event log folds to the same state. */
async function verifyGlobal(api: Api, url: string): Promise<void> {
  const capacity = (await api.get('/v1/capacity')).body;
  const sets = (await api.get('/v1/sets')).body.sets as { sid: number; quota: number; count: number }[];
  expect(capacity.available + sets.reduce((sum, s) => sum + s.quota, 0)).toBe(capacity.capacity);
  const live = new Map<number, Set<number>>();
  for (const set of sets) {
    const ids = (await api.get(`/v1/sets/${set.sid}/ioasids`)).body.ids as number[];
    expect(ids.length).toBe(set.count);
    expect(ids.length).toBeLessThanOrEqual(set.quota);
    live.set(set.sid, new Set(ids));
  }
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const last = Number(/^ioasid_event_seq (\d+)$/m.exec(metrics)?.[1]);
  const stream = await openStream(url, { secret: TOKEN, query: { after: 0 } });
  try {
    const events = await stream.next(last, 30_000);
    expect(events.map((e) => e.data.seq)).toEqual(events.map((_, i) => i + 1));
    const folded = new Map<number, Set<number>>();
    for (const { data: e } of events) {
      const ids = folded.get(e.sid) ?? new Set<number>();
      folded.set(e.sid, ids);
      if (e.type === 'alloc') {
        expect(ids.has(e.id), `event ${e.seq}: ID ${e.id} allocated twice`).toBe(false);
        ids.add(e.id);
      } else if (e.type === 'free') ids.delete(e.id);
    }
    for (const [sid, ids] of live)
      expect([sid, [...(folded.get(sid) ?? [])].sort((a, b) => a - b)]).toEqual([
        sid,
        [...ids].sort((a, b) => a - b),
      ]);
  } finally {
    stream.close();
  }
}

describe('crash safety', () => {
  it('keeps every acknowledged change and never half of an unacknowledged one across SIGKILLs', async () => {
    const rng = random();
    await withSeed(rng, async () => {
      const dir = mkdtempSync(join(tmpdir(), 'ioasid-crash-'));
      dirs.push(dir);
      let { server, api } = await start(dir);
      const clients: Client[] = [];
      for (let i = 0; i < CLIENTS; i++) {
        const sid = (await api.post('/v1/sets', { owner: `crash-${i}`, quota: QUOTA })).body.sid as number;
        clients.push({
          index: i,
          sid,
          lo: i * SPAN,
          hi: i * SPAN + SPAN - 1,
          owned: new Map(),
          doubt: null,
          counter: 0,
          acks: 0,
        });
      }
      for (let kill = 0; kill < KILLS; kill++) {
        const running = clients.map((c) => load(c, api, rng));
        await new Promise((resolve) => setTimeout(resolve, 150 + rng.int(450)));
        server.child.kill('SIGKILL');
        await Promise.all(running);
        expect((await server.exited).signal).toBe('SIGKILL');
        ({ server, api } = await start(dir));
        for (const c of clients) await verify(c, api);
        await verifyGlobal(api, server.url);
      }
      expect(clients.reduce((n, c) => n + c.acks, 0)).toBeGreaterThan(KILLS * CLIENTS);
      server.child.kill('SIGTERM');
      expect((await server.exited).code).toBe(0);
    });
  });
});
