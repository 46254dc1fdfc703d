// Crash test: `ioasid serve` runs as a child process under concurrent load and is killed with SIGKILL at
// random moments, then restarted. Each client works in its own set with that set's secret and its own
// lease: it allocates (single and batch), frees (one ID or the whole set), annotates, attaches and
// detaches guest IDs (spids), takes and drops lease references (an ID freed while referenced stays
// free-pending until the last one is dropped), and tries what its secret may not do. A model predicts
// every answer exactly, refusals included. After each restart every acknowledged change must be there,
// the one operation each client had in doubt must be wholly there or wholly absent (a batch allocation
// or a set-wide free never half), the leases must still hold their references, and the sets, capacity
// and event log (folded into IDs, states and spids) must agree with the state. It runs on each store:
// SQLite in the data directory, and PostgreSQL (`--database-url`).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type Answer, type Api, client } from './support/client.js';
import {
  differences,
  type Expected,
  fold,
  type LogEvent,
  type Model,
  type Op,
  predict,
  type Visible,
  visible,
} from './support/crash-model.js';
import { useTestDatabases } from './support/pg.js';
import { killAll, type ServeProcess, spawnServe } from './support/process.js';
import { type Random, random, withSeed } from './support/random.js';
import { openStream } from './support/sse.js';

const TOKEN = 'crash-test-admin-token-0123456789';
const CLIENTS = 12;
const KILLS = 5;
const SPAN = 100_000;
/** Small enough that batch allocations meet it now and then (ENOSPC), and verification stays quick. */
const QUOTA = 80;
/** Guest IDs are drawn from [0, SPIDS): reused after detach or release, and sometimes already taken. */
const SPIDS = 200;
/** Longer than the test: no lease expires (a restart gives each its full TTL again anyway). */
const TTL_MS = 600_000;

/** One load client: its own set, secret, lease and ID range, and what it knows was acknowledged. */
interface Client {
  index: number;
  sid: number;
  secret: string;
  lease: string;
  lo: number;
  hi: number;
  rng: Random;
  /** Acknowledged state of the set. */
  model: Model;
  /** The operation sent when the server died: it may or may not have been applied. */
  doubt: Op | null;
  /** Distinguishes the data of each operation. */
  counter: number;
  /** Answers received (acknowledged operations, refusals included). */
  acks: number;
  /** Acknowledged answers by operation and outcome, and doubts by operation (coverage). */
  seen: Map<string, number>;
}

/** `GET /v1/ioasids/{id}`. */
interface View extends Visible {
  id: number;
  sid: number;
}

const dirs: string[] = [];
/** Set once a client's check fails, so the others stop instead of piling up more failures. */
let halted = false;
afterAll(() => {
  killAll();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function start(dir: string, store: string[]): Promise<{ server: ServeProcess; admin: Api }> {
  const server = await spawnServe(['--port', '0', '--data-dir', dir, '--log-level', 'warn', ...store], {
    IOASID_ADMIN_TOKEN: TOKEN,
  });
  return { server, admin: client(server.url, TOKEN) };
}

function count(c: Client, key: string): void {
  c.seen.set(key, (c.seen.get(key) ?? 0) + 1);
}

/** Runs `fn` on every item, at most `width` at a time. */
async function inParallel<T>(items: readonly T[], width: number, fn: (item: T) => Promise<void>) {
  let next = 0;
  const worker = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: width }, worker));
}

/** Draws a client's next operation. */
function choose(c: Client, clients: readonly Client[]): Op {
  const { rng, model } = c;
  const ids = Array.from(model.keys());
  const roll = rng.int(100);
  if (ids.length === 0 || roll < 16) return { kind: 'alloc', count: 1, data: { c: c.index, n: c.counter++ } };
  if (roll < 21) return { kind: 'alloc', count: 2 + rng.int(11), data: null };
  if (roll < 39) return { kind: 'free', id: rng.pick(ids) };
  if (roll < 45)
    return { kind: 'data', id: rng.pick(ids), data: { c: c.index, n: c.counter++, edited: true } };
  if (roll < 60) return { kind: 'bind', id: rng.pick(ids), spid: rng.int(SPIDS) };
  if (roll < 67) {
    const bound = ids.filter((id) => model.get(id)?.spid !== null);
    return { kind: 'unbind', id: bound.length > 0 && rng.chance(0.8) ? rng.pick(bound) : rng.pick(ids) };
  }
  if (roll < 80) return { kind: 'ref', id: rng.pick(ids) };
  if (roll < 93) {
    const held = ids.filter((id) => (model.get(id)?.refs ?? 0) > 0);
    return { kind: 'unref', id: held.length > 0 && rng.chance(0.85) ? rng.pick(held) : rng.pick(ids) };
  }
  if (roll < 94) return { kind: 'clear' };
  // Access control: another set's ID, another client's lease, admin-only calls. All refused.
  const other = clients[(c.index + 1 + rng.int(CLIENTS - 1)) % CLIENTS];
  const theirs = Array.from(other.model.keys());
  const id = theirs.length > 0 ? rng.pick(theirs) : other.lo;
  switch (rng.int(7)) {
    case 0:
      return { kind: 'foreign', method: 'DELETE', path: `/v1/ioasids/${id}` };
    case 1:
      return {
        kind: 'foreign',
        method: 'PUT',
        path: `/v1/ioasids/${id}/spid`,
        body: { spid: rng.int(SPIDS) },
      };
    case 2:
      return { kind: 'foreign', method: 'PUT', path: `/v1/ioasids/${id}/data`, body: { data: 'foreign' } };
    case 3:
      return { kind: 'foreign', method: 'POST', path: `/v1/ioasids/${id}/refs`, body: { lease: c.lease } };
    case 4:
      return {
        kind: 'foreign',
        method: 'POST',
        path: `/v1/ioasids/${rng.pick(ids)}/refs`,
        body: { lease: other.lease },
      };
    case 5:
      return { kind: 'foreign', method: 'DELETE', path: `/v1/sets/${other.sid}?destroy=false` };
    default:
      return { kind: 'foreign', method: 'PATCH', path: `/v1/sets/${c.sid}`, body: { quota: QUOTA + 1 } };
  }
}

function send(c: Client, api: Api, op: Op): Promise<Answer> {
  switch (op.kind) {
    case 'alloc':
      return api.post(
        `/v1/sets/${c.sid}/ioasids`,
        op.count === 1 ? { min: c.lo, max: c.hi, data: op.data } : { min: c.lo, max: c.hi, count: op.count },
      );
    case 'free':
      return api.delete(`/v1/ioasids/${op.id}`);
    case 'data':
      return api.put(`/v1/ioasids/${op.id}/data`, { data: op.data });
    case 'bind':
      return api.put(`/v1/ioasids/${op.id}/spid`, { spid: op.spid });
    case 'unbind':
      return api.delete(`/v1/ioasids/${op.id}/spid`);
    case 'ref':
      return api.post(`/v1/ioasids/${op.id}/refs`, { lease: c.lease });
    case 'unref':
      return api.delete(`/v1/ioasids/${op.id}/refs?lease=${c.lease}`);
    case 'clear':
      return api.delete(`/v1/sets/${c.sid}?destroy=false`);
    case 'foreign':
      return op.body === undefined
        ? api.raw(op.method, op.path)
        : api.raw(op.method, op.path, JSON.stringify(op.body));
  }
}

/** Checks an answer against the model's prediction. */
function check(answer: Answer, op: Op, expected: Expected, where: string): void {
  const said = `${where}: ${JSON.stringify(op)} answered ${answer.status} ${JSON.stringify(answer.body)}`;
  expect(expected.status, said).toContain(answer.status);
  if (answer.status >= 400) expect(expected.code, said).toContain(answer.body?.error?.code);
  else if (expected.ids !== undefined) {
    const ids = expected.ids;
    expect(answer.body, said).toEqual(
      ids.length === 1 && op.kind === 'alloc' && op.count === 1 ? { id: ids[0] } : { ids },
    );
  } else if (expected.released !== undefined)
    expect(answer.body, said).toEqual({ released: expected.released });
}

/** Runs one client's operations one at a time until a request fails to get an answer. */
async function load(c: Client, api: Api, clients: readonly Client[]): Promise<void> {
  const where = `client ${c.index} (set ${c.sid})`;
  while (!halted) {
    const op = choose(c, clients);
    const expected = predict(c.model, op, QUOTA, c.lo, c.hi);
    c.doubt = op;
    let answer: Answer;
    try {
      answer = await send(c, api, op);
    } catch {
      return; // no answer: the server died; the operation stays in doubt
    }
    if (answer.status >= 500) return; // not acknowledged either
    c.acks++;
    // A refusal is acknowledged too, and a refused call changes nothing (its `after` is the model).
    try {
      check(answer, op, expected, where);
    } catch (error) {
      halted = true;
      throw error;
    }
    c.model = expected.after;
    count(c, `${op.kind} ${answer.status}${answer.body?.released ? ' released' : ''}`);
    c.doubt = null;
  }
}

/**
 * Checks a client's set after a restart against what it knows, settling the operation in doubt, and
 * returns what the API shows of each of its IDs.
 */
async function verify(c: Client, api: Api): Promise<Map<number, View>> {
  const where = `client ${c.index} (set ${c.sid}), doubt ${JSON.stringify(c.doubt)}`;
  const listing = await api.get(`/v1/sets/${c.sid}/ioasids`);
  expect(listing.status, where).toBe(200);
  const ids = listing.body.ids as number[];
  expect(ids, `${where}: listing not ascending`).toEqual([...ids].sort((a, b) => a - b));
  const views = new Map<number, View>();
  await inParallel(ids, 4, async (id) => {
    const answer = await api.get(`/v1/ioasids/${id}`);
    expect(answer.status, `${where}: ID ${id} is listed: ${JSON.stringify(answer.body)}`).toBe(200);
    expect([answer.body.id, answer.body.sid], `${where}: ID ${id}'s ID and set`).toEqual([id, c.sid]);
    expect(id >= c.lo && id <= c.hi, `${where}: ID ${id} outside its range`).toBe(true);
    views.set(id, answer.body);
  });
  const actual = Array.from(views, ([id, v]): [number, Visible] => [
    id,
    { state: v.state, spid: v.spid, data: v.data },
  ]).sort((a, b) => a[0] - b[0]);

  // The state must be the acknowledged one, with the operation in doubt wholly applied or not at all.
  const doubt = c.doubt;
  const before = c.model;
  const after = doubt === null ? before : predict(before, doubt, QUOTA, c.lo, c.hi).after;
  const fromBefore = differences(visible(before), actual);
  const fromAfter = differences(visible(after), actual);
  if (doubt !== null) count(c, `doubt ${doubt.kind}`);
  expect(
    fromBefore.length === 0 || fromAfter.length === 0,
    `${where}: the set is neither the acknowledged state nor that plus the operation in doubt;` +
      ` differences from the acknowledged state: ${JSON.stringify(fromBefore)};` +
      ` differences from it with the doubt applied: ${JSON.stringify(fromAfter)}`,
  ).toBe(true);
  c.model = fromBefore.length === 0 ? before : after;
  if (fromBefore.length !== 0) count(c, `doubt ${doubt?.kind} applied`);

  // Reference counts are not visible: when they are all the operation in doubt may have changed
  // (taking or dropping a reference), drop every reference the lease holds on that ID and count them.
  if (doubt !== null && 'id' in doubt && fromBefore.length === 0 && fromAfter.length === 0) {
    const id = doubt.id;
    const counts = [before.get(id)?.refs, after.get(id)?.refs];
    if (counts[0] !== counts[1]) {
      const held = c.model.get(id);
      if (held === undefined) throw new Error(`${where}: ID ${id} in doubt is not held`);
      let dropped = 0;
      let released = false;
      for (;;) {
        const answer = await api.delete(`/v1/ioasids/${id}/refs?lease=${c.lease}`);
        const said = `${where}: dropping reference ${dropped + 1} on ID ${id}: ${answer.status} ${JSON.stringify(answer.body)}`;
        if (answer.status === 404) {
          expect(answer.body.error.code, said).toBe('ENOENT');
          break;
        }
        expect(answer.status, said).toBe(200);
        dropped++;
        if (answer.body.released) {
          released = true;
          break;
        }
        expect(dropped, said).toBeLessThanOrEqual(Math.max(counts[0] ?? 0, counts[1] ?? 0));
      }
      expect(counts, `${where}: the lease held ${dropped} references on ID ${id}`).toContain(dropped);
      expect(released, `${where}: dropping the last reference on ID ${id} released it`).toBe(held.freed);
      count(c, `doubt ${doubt.kind} ${dropped === counts[1] ? 'applied' : 'absent'} (refs)`);
      if (held.freed) {
        c.model.delete(id);
        views.delete(id);
        expect((await api.get(`/v1/ioasids/${id}`)).status, `${where}: released ID ${id}`).toBe(404);
      } else held.refs = 0;
    }
  }
  c.doubt = null;

  // The set's guest ID map was rebuilt: each spid finds its ID, and a few unused ones find nothing.
  const bound = new Map<number, number>();
  for (const [id, held] of c.model) if (held.spid !== null) bound.set(held.spid, id);
  await inParallel(Array.from(bound), 4, async ([spid, id]) => {
    const answer = await api.get(`/v1/sets/${c.sid}/spids/${spid}`);
    expect(answer.body, `${where}: spid ${spid}`).toEqual({ id });
  });
  for (let spid = 0, probes = 0; spid < SPIDS && probes < 4; spid++) {
    if (bound.has(spid)) continue;
    probes++;
    expect((await api.get(`/v1/sets/${c.sid}/spids/${spid}`)).status, `${where}: unused spid ${spid}`).toBe(
      404,
    );
  }

  // The lease survived the restart with its TTL.
  const keepalive = await api.post(`/v1/leases/${c.lease}/keepalive`);
  expect(keepalive.body, `${where}: lease ${c.lease}`).toEqual({ lease: c.lease, ttlMs: TTL_MS });
  return views;
}

/**
 * Checks the sets, the capacity accounting and the event log: it continues the log seen before the
 * restart, numbers events without gap, and folds into exactly the IDs, states and spids the API shows.
 * @returns the events
 */
async function verifyGlobal(
  admin: Api,
  url: string,
  clients: readonly Client[],
  views: Map<number, View>,
  earlier: LogEvent[],
): Promise<LogEvent[]> {
  const capacity = (await admin.get('/v1/capacity')).body;
  const sets = (await admin.get('/v1/sets')).body.sets as { sid: number; quota: number; count: number }[];
  expect(capacity.available + sets.reduce((sum, s) => sum + s.quota, 0)).toBe(capacity.capacity);
  for (const set of sets) {
    const listed = Array.from(views.values()).filter((v) => v.sid === set.sid).length;
    expect([set.sid, set.count], `set ${set.sid}: its count and its listing`).toEqual([set.sid, listed]);
    expect(set.count, `set ${set.sid}: count within quota`).toBeLessThanOrEqual(set.quota);
  }
  expect(sets, 'sets').toEqual(
    clients
      .map((c) => ({
        sid: c.sid,
        owner: `crash-${c.index}`,
        quota: QUOTA,
        count: c.model.size,
        dying: false,
      }))
      .sort((a, b) => a.sid - b.sid),
  );
  const metrics = await (await fetch(`${url}/metrics`)).text();
  const last = Number(/^ioasid_event_seq (\d+)$/m.exec(metrics)?.[1]);
  const stream = await openStream(url, { secret: TOKEN, query: { after: 0 } });
  let events: LogEvent[];
  try {
    events = (await stream.next(last, 30_000)).map((e) => e.data as LogEvent);
  } finally {
    stream.close();
  }
  expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => i + 1));
  expect(events.length, 'events lost in the restart').toBeGreaterThanOrEqual(earlier.length);
  expect(events.slice(0, earlier.length), 'the event log before the restart changed').toEqual(earlier);
  const folded = fold(events);
  if (typeof folded === 'string') expect.fail(`event log: ${folded}`);
  for (const [id, view] of views) {
    expect(folded.get(id), `event log vs API for ID ${id}`).toEqual({
      sid: view.sid,
      spid: view.spid,
      freed: view.state === 'free-pending',
    });
  }
  const unlisted = Array.from(folded).filter(([id, f]) => !f.freed && !views.has(id));
  expect(unlisted, 'IDs live in the event log but not in the API').toEqual([]);
  return events;
}

describe('crash safety (SQLite)', () => {
  it('keeps every acknowledged change and never half of an unacknowledged one across SIGKILLs', async () => {
    await crashRun([]);
  });
});

describe('crash safety (PostgreSQL)', () => {
  const dbs = useTestDatabases();
  it('keeps every acknowledged change and never half of an unacknowledged one across SIGKILLs', async () => {
    await crashRun(['--database-url', await dbs.create()]);
  });
});

/** Runs the load, kills and checks against a server started with `store` (the flags of its store). */
async function crashRun(store: string[]): Promise<void> {
  const rng = random();
  await withSeed(rng, async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioasid-crash-'));
    dirs.push(dir);
    let { server, admin } = await start(dir, store);
    const clients: Client[] = [];
    for (let i = 0; i < CLIENTS; i++) {
      const set = await admin.post('/v1/sets', { owner: `crash-${i}`, quota: QUOTA });
      expect(set.status).toBe(201);
      const lease = await client(server.url, set.body.secret).post('/v1/leases', { ttlMs: TTL_MS });
      expect(lease.status).toBe(201);
      clients.push({
        index: i,
        sid: set.body.sid,
        secret: set.body.secret,
        lease: lease.body.lease,
        lo: i * SPAN,
        hi: i * SPAN + SPAN - 1,
        // Each client draws from its own generator, derived from the seed the failure message names.
        rng: random((rng.seed + (i + 1) * 0x9e3779b9) >>> 0),
        model: new Map(),
        doubt: null,
        counter: 0,
        acks: 0,
        seen: new Map(),
      });
    }
    let events: LogEvent[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      const before = server.url;
      const running = clients.map((c) => load(c, client(before, c.secret), clients));
      await new Promise((resolve) => setTimeout(resolve, 150 + rng.int(450)));
      server.child.kill('SIGKILL');
      await Promise.all(running);
      expect((await server.exited).signal).toBe('SIGKILL');
      ({ server, admin } = await start(dir, store));
      const views = new Map<number, View>();
      const url = server.url;
      for (const seen of await Promise.all(clients.map((c) => verify(c, client(url, c.secret))))) {
        for (const [id, view] of seen) views.set(id, view);
      }
      events = await verifyGlobal(admin, server.url, clients, views, events);
    }
    const seen = new Map<string, number>();
    for (const c of clients) for (const [k, n] of c.seen) seen.set(k, (seen.get(k) ?? 0) + n);
    // IOASID_CRASH_VERBOSE=1 prints what the run covered (answers by operation and outcome, doubts).
    if (process.env.IOASID_CRASH_VERBOSE) {
      console.log(
        `acks ${clients.reduce((n, c) => n + c.acks, 0)}, IDs ${clients.map((c) => c.model.size)}, events ${events.length}\n`,
        Object.fromEntries([...seen].sort()),
      );
    }
    expect(clients.reduce((n, c) => n + c.acks, 0)).toBeGreaterThan(KILLS * CLIENTS);
    // The load reached the interesting paths: spids bound and unbound, references taken, IDs left
    // free-pending and released by their last reference.
    for (const key of ['bind 204', 'unbind 204', 'ref 204', 'unref 200', 'unref 200 released'])
      expect(seen.get(key) ?? 0, `acknowledged "${key}"`).toBeGreaterThan(0);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  });
}
