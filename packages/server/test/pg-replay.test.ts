// Replay of the commit log between instances (issue 8): three in-process servers on ONE PostgreSQL
// database get a seeded sequence of requests over HTTP, each sent to a random one: first a script that
// makes every operation of the log happen at least once (a batch rolled back part-way, a free-pending ID
// under a lease reference, a dying set, refusals of every kind), then random requests, some of them in
// concurrent bursts, and a lease left to expire by the database clock. Every instance replays what the
// others committed. A refused request must change nothing: no commit in the database, and the instance
// that refused it answers as before. At checkpoints every instance answers exactly the same about the
// whole namespace, its event stream from the start equals the database's events table, and at the end
// a fresh instance, which loads the tables instead of replaying, answers the same too.

import { createLogger, type ServerConfig } from '@ioasid/server';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { Answer, Loose } from './support/client.js';
import { useTestDatabases } from './support/pg.js';
import { type Random, random, withSeed } from './support/random.js';
import {
  databaseEvents,
  type EventData,
  glance,
  lastCommit,
  type Observation,
  observe,
  streamFromStart,
} from './support/replay-observe.js';
import {
  emptyKnowledge,
  type Knowledge,
  learn,
  REQUEST_OPS,
  type ReplayRequest,
  randomRequest,
} from './support/replay-requests.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './support/server.js';
import { openStream, type TestStream } from './support/sse.js';

const INSTANCES = 3;
/** Random requests before and after the lease left to expire; a checkpoint every CHECK_EVERY. */
const RANDOM_BEFORE = 240;
const RANDOM_AFTER = 40;
const CHECK_EVERY = 80;
/** Every BURST_EVERY random requests, BURST more are sent at once (several per write turn, racing turns). */
const BURST_EVERY = 15;
const BURST = 6;
/** An ID no request allocates: a write on it is refused after its turn caught up with every commit. */
const NEVER_ALLOCATED = 0xfffffffe;

const dbs = useTestDatabases();
const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

/** The state of one run. */
interface Run {
  readonly rng: Random;
  readonly k: Knowledge;
  readonly instances: TestServer[];
  readonly db: pg.Client;
  /** The highest `ioasid-seq` any answer carried. */
  maxSeq: number;
  /** `op status` -> how many answers. */
  readonly coverage: Map<string, number>;
  /** Batches refused after some of their IDs were allocated (rolled back). */
  partWay: number;
  /** True while a lease may expire (a commit no request made may land then). */
  expiring: boolean;
  /** Warnings and errors the servers logged. */
  readonly logs: string[];
}

function describeRequest(r: ReplayRequest): string {
  return `${r.op} ${r.method} ${r.path}${r.body === undefined ? '' : ` ${JSON.stringify(r.body).slice(0, 80)}`}`;
}

/** Makes instance `index` replay every commit so far: a write's turn catches up before it is refused. */
async function sync(run: Run, index: number): Promise<void> {
  const answer = await run.instances[index].admin.delete(`/v1/ioasids/${NEVER_ALLOCATED}`);
  expect(answer.status, `sync of instance ${index}: ${JSON.stringify(answer.body)}`).toBe(404);
}

/**
 * Sends `request` to instance `index` (random when omitted). With `check`, a refusal must change
 * nothing: no commit in the database, and the instance answers as before it.
 */
async function send(run: Run, request: ReplayRequest, index = run.rng.int(INSTANCES), check = true) {
  const t = run.instances[index];
  let before: { version: number; view: Loose } | null = null;
  if (check) {
    const version = await lastCommit(run.db);
    await sync(run, index);
    before = { version, view: await glance(t.admin) };
  }
  const body = request.body === undefined ? undefined : JSON.stringify(request.body);
  const answer = await t.as(request.secret).raw(request.method, request.path, body);
  const what = `${describeRequest(request)} on instance ${index}`;
  expect(answer.status, `${what}: ${JSON.stringify(answer.body)}\n${run.logs.join('')}`).toBeLessThan(500);
  const seq = Number(answer.headers.get('ioasid-seq') ?? 0);
  if (seq > run.maxSeq) run.maxSeq = seq;
  const key = `${request.op} ${answer.status}`;
  run.coverage.set(key, (run.coverage.get(key) ?? 0) + 1);
  if (request.op === 'allocMany' && /failed after [1-9]/.test(answer.body?.error?.message ?? ''))
    run.partWay++;
  learn(run.k, request, answer);
  if (before !== null && answer.status >= 400) {
    const version = await lastCommit(run.db);
    if (!run.expiring) expect(version, `refused ${what} committed`).toBe(before.version);
    // A lease that expired meanwhile changed the namespace: nothing to compare then.
    if (version === before.version) {
      expect(await glance(t.admin), `refused ${what} changed the instance`).toEqual(before.view);
    }
  }
  return answer;
}

/** Sends a scripted request and expects `status` (a number) or a refusal (`'refused'`: 4xx). */
async function step(
  run: Run,
  status: number | 'refused',
  op: ReplayRequest['op'],
  method: ReplayRequest['method'],
  path: string,
  body?: unknown,
  secret = ADMIN_TOKEN,
): Promise<Answer<Loose>> {
  const request: ReplayRequest = { op, method, path, body, secret };
  const answer = await send(run, request);
  const what = `${describeRequest(request)}: ${JSON.stringify(answer.body)}`;
  if (status === 'refused') {
    expect(answer.status, what).toBeGreaterThanOrEqual(400);
    expect(answer.status, what).toBeLessThan(500);
  } else expect(answer.status, what).toBe(status);
  return answer;
}

/** The script: every operation of the log at least once, and the refusals next to each. */
async function script(run: Run): Promise<void> {
  await step(run, 'refused', 'createSet', 'POST', '/v1/sets', { owner: 'vm-a', quota: 4 });
  await step(run, 200, 'capacity', 'PUT', '/v1/capacity', { capacity: 160 });
  await step(run, 'refused', 'capacity', 'PUT', '/v1/capacity', { capacity: 200 });
  const a = (await step(run, 201, 'createSet', 'POST', '/v1/sets', { owner: 'vm-a', quota: 20 })).body;
  await step(run, 'refused', 'createSet', 'POST', '/v1/sets', { owner: 'vm-a', quota: 5 });
  const b = (await step(run, 201, 'createSet', 'POST', '/v1/sets', { owner: 'vm-b', quota: 10 })).body;
  await step(run, 201, 'createSystemSet', 'POST', '/v1/sets/system', { quota: 6 });
  await step(run, 'refused', 'createSystemSet', 'POST', '/v1/sets/system', { quota: 2 });
  const ida = `/v1/sets/${a.sid}/ioasids`;
  const a1 = (await step(run, 201, 'alloc', 'POST', ida, { min: 1, max: 50, data: { vm: 'a' } }, a.secret))
    .body.id;
  const more = (await step(run, 201, 'allocMany', 'POST', ida, { min: 1, max: 50, count: 4 }, a.secret)).body
    .ids;
  const [a2, a3] = more;
  // Three IDs in the range, five asked for: the batch fails after three and is rolled back.
  const idb = `/v1/sets/${b.sid}/ioasids`;
  await step(run, 'refused', 'allocMany', 'POST', idb, { min: 150, max: 152, count: 5 }, b.secret);
  expect(run.partWay).toBe(1);
  expect((await step(run, 201, 'alloc', 'POST', idb, { min: 150, max: 159 }, b.secret)).body.id).toBe(150);
  await step(run, 'refused', 'alloc', 'POST', idb, { min: 1, max: 50 }, a.secret);
  await step(run, 'refused', 'alloc', 'POST', idb, { min: 1, max: 50, data: 'x'.repeat(4200) }, b.secret);
  await step(run, 204, 'setData', 'PUT', `/v1/ioasids/${a1}/data`, { data: { vm: 'a2' } }, a.secret);
  await step(run, 204, 'attachSpid', 'PUT', `/v1/ioasids/${a1}/spid`, { spid: 7 }, a.secret);
  await step(run, 'refused', 'attachSpid', 'PUT', `/v1/ioasids/${a2}/spid`, { spid: 7 });
  await step(run, 204, 'detachSpid', 'DELETE', `/v1/ioasids/${a1}/spid`, undefined, a.secret);
  await step(run, 'refused', 'detachSpid', 'DELETE', `/v1/ioasids/${a1}/spid`);
  await step(run, 204, 'attachSpid', 'PUT', `/v1/ioasids/${a2}/spid`, { spid: 7 });
  await step(run, 200, 'notify', 'POST', `/v1/ioasids/${a1}/notify`, { type: 'vm-pause' }, a.secret);
  await step(run, 'refused', 'notify', 'POST', `/v1/ioasids/${a1}/notify`, { type: 'alloc' });
  await step(run, 'refused', 'notify', 'POST', `/v1/ioasids/${a1}/notify`, { type: 'vm-pause' }, b.secret);
  await step(run, 200, 'adjustSet', 'PATCH', `/v1/sets/${a.sid}`, { quota: 24 });
  await step(run, 'refused', 'adjustSet', 'PATCH', `/v1/sets/${b.sid}`, { quota: 0 });
  const l1 = (await step(run, 201, 'createLease', 'POST', '/v1/leases', { ttlMs: 600_000 })).body.lease;
  const l2 = (await step(run, 201, 'createLease', 'POST', '/v1/leases', { ttlMs: 600_000 }, a.secret)).body
    .lease;
  await step(run, 201, 'createLease', 'POST', '/v1/leases', { ttlMs: 600_000 }, a.secret);
  await step(run, 'refused', 'createLease', 'POST', '/v1/leases', { ttlMs: 600_000 }, a.secret);
  await step(run, 'refused', 'createLease', 'POST', '/v1/leases', { ttlMs: 500 });
  await step(run, 204, 'takeRef', 'POST', `/v1/ioasids/${a1}/refs`, { lease: l2 }, a.secret);
  await step(run, 'refused', 'takeRef', 'POST', '/v1/ioasids/150/refs', { lease: l2 });
  // Freed under the lease's reference: free-pending until the reference is dropped.
  await step(run, 204, 'free', 'DELETE', `/v1/ioasids/${a1}`, undefined, a.secret);
  await step(run, 'refused', 'takeRef', 'POST', `/v1/ioasids/${a1}/refs`, { lease: l1 });
  await step(run, 'refused', 'attachSpid', 'PUT', `/v1/ioasids/${a1}/spid`, { spid: 9 });
  await step(run, 200, 'keepalive', 'POST', `/v1/leases/${l2}/keepalive`, undefined, a.secret);
  await step(run, 'refused', 'keepalive', 'POST', `/v1/leases/${l2}/keepalive`, undefined, b.secret);
  await step(run, 200, 'dropRef', 'DELETE', `/v1/ioasids/${a1}/refs?lease=${l2}`, undefined, a.secret);
  await step(run, 'refused', 'dropRef', 'DELETE', `/v1/ioasids/${a1}/refs?lease=${l2}`);
  await step(run, 204, 'takeRef', 'POST', `/v1/ioasids/${a2}/refs`, { lease: l1 });
  await step(run, 204, 'takeRef', 'POST', `/v1/ioasids/${a3}/refs`, { lease: l1 });
  await step(run, 204, 'takeRef', 'POST', `/v1/ioasids/${a3}/refs`, { lease: l2 }, a.secret);
  await step(run, 204, 'deleteLease', 'DELETE', `/v1/leases/${l1}`);
  await step(run, 'refused', 'deleteLease', 'DELETE', `/v1/leases/${l1}`);
  await step(run, 204, 'freeSet', 'DELETE', `/v1/sets/${b.sid}?destroy=false`, undefined, b.secret);
  await step(run, 'refused', 'freeSet', 'DELETE', `/v1/sets/${b.sid}?destroy=true`, undefined, b.secret);
  // Destroyed while a lease holds one of its IDs: the set is dying until the reference is dropped.
  await step(run, 204, 'freeSet', 'DELETE', `/v1/sets/${a.sid}?destroy=true`);
  await step(run, 'refused', 'alloc', 'POST', ida, { min: 1, max: 50 }, a.secret);
  await step(run, 'refused', 'freeSet', 'DELETE', `/v1/sets/${a.sid}?destroy=true`);
  await step(run, 200, 'dropRef', 'DELETE', `/v1/ioasids/${a3}/refs?lease=${l2}`, undefined, a.secret);
}

/** Sends `count` random requests, sequentially with the refusal check, plus concurrent bursts. */
async function randomRequests(run: Run, count: number, checkpoints: string): Promise<void> {
  for (let i = 1; i <= count; i++) {
    await send(run, randomRequest(run.rng, run.k));
    if (i % BURST_EVERY === 0) {
      const burst = Array.from({ length: BURST }, () => randomRequest(run.rng, run.k));
      await Promise.all(burst.map((r) => send(run, r, run.rng.int(INSTANCES), false)));
    }
    if (i % CHECK_EVERY === 0) await checkpoint(run, `${checkpoints} ${i}`);
  }
}

/**
 * Every instance answers the same about the whole namespace (each read with min_seq at the highest
 * ioasid-seq seen, after its turn caught up), and its stream from the start is the events table.
 * @returns the first instance's observation and the events
 */
async function checkpoint(run: Run, label: string): Promise<{ seen: Observation; events: EventData[] }> {
  for (let i = 0; i < run.instances.length; i++) await sync(run, i);
  const events = await databaseEvents(run.db);
  const last = events.length === 0 ? 0 : events[events.length - 1].seq;
  expect(run.maxSeq, label).toBeLessThanOrEqual(last);
  const seen: Observation[] = [];
  for (const t of run.instances) {
    expect(t.server.engine.events.committedSeq, `${label}: committed sequence`).toBe(last);
    seen.push(await observe(t.admin, (secret) => t.as(secret), run.k.secrets, run.maxSeq));
    expect(await streamFromStart(t.url, ADMIN_TOKEN, events.length), `${label}: stream of ${t.url}`).toEqual(
      events,
    );
  }
  for (let i = 1; i < seen.length; i++) expect(seen[i], `${label}: instance ${i} vs 0`).toEqual(seen[0]);
  // Start again from what the instances answer: IDs, live sets and leases.
  const first = seen[0];
  run.k.sets = new Set(
    (first.sets.body.sets as { sid: number; dying: boolean }[]).filter((s) => !s.dying).map((s) => s.sid),
  );
  run.k.ids = new Map(
    Object.values(first.perId).map(({ info }) => [info.body.id as number, info.body.sid as number]),
  );
  run.k.refs = new Map(
    Object.values(first.perId).flatMap(({ info, refs }) =>
      (refs.body.leases as { lease: string }[]).map(
        ({ lease }) => [`${info.body.id} ${lease}`, [info.body.id as number, lease]] as const,
      ),
    ),
  );
  run.k.leases = new Map(
    (first.leases.body.leases as { lease: string; sid: number | null }[]).map((l) => [l.lease, l.sid]),
  );
  return { seen: first, events };
}

/** A lease of 1 s holding two IDs of a dying set, left to expire while random requests go on. */
async function expiry(run: Run): Promise<void> {
  const e = (await step(run, 201, 'createSet', 'POST', '/v1/sets', { owner: 'vm-expiring', quota: 4 })).body;
  const ide = `/v1/sets/${e.sid}/ioasids`;
  const [e1, e2] = (await step(run, 201, 'allocMany', 'POST', ide, { min: 0, max: 159, count: 3 }, e.secret))
    .body.ids;
  run.k.avoid.add(e1);
  run.k.avoid.add(e2);
  run.k.secrets.delete(e.sid);
  const lease = (await step(run, 201, 'createLease', 'POST', '/v1/leases', { ttlMs: 1000 }, e.secret)).body
    .lease;
  run.k.reserved.add(lease);
  run.expiring = true;
  // Each step right after a keepalive (on any instance), so a slow machine does not lose the lease early.
  const kept = async () => {
    const request: ReplayRequest = {
      op: 'keepalive',
      method: 'POST',
      path: `/v1/leases/${lease}/keepalive`,
      secret: e.secret,
    };
    const answer = await send(run, request, run.rng.int(INSTANCES), false);
    expect(answer.status, `keepalive of the expiring lease: ${JSON.stringify(answer.body)}`).toBe(200);
  };
  await kept();
  await step(run, 204, 'takeRef', 'POST', `/v1/ioasids/${e1}/refs`, { lease }, e.secret);
  await kept();
  await step(run, 204, 'takeRef', 'POST', `/v1/ioasids/${e2}/refs`, { lease });
  await kept();
  await step(run, 204, 'takeRef', 'POST', `/v1/ioasids/${e2}/refs`, { lease }, e.secret);
  await kept();
  await step(run, 204, 'free', 'DELETE', `/v1/ioasids/${e1}`, undefined, e.secret);
  await kept();
  await step(run, 204, 'freeSet', 'DELETE', `/v1/sets/${e.sid}?destroy=true`);
  const expired = async () =>
    (await run.db.query("SELECT seq, sid, data FROM events WHERE type = 'lease-expired'")).rows;
  // Random requests race the expiry (none of them to the lease or its IDs: the outcome is known).
  for (let i = 0; i < RANDOM_AFTER; i++) await send(run, randomRequest(run.rng, run.k));
  await expect.poll(async () => (await expired()).length, { timeout: 10_000 }).toBeGreaterThan(0);
  run.expiring = false;
  const { seen } = await checkpoint(run, 'after the expiry');
  const rows = await expired();
  expect(rows.map((r) => [Number(r.sid), JSON.parse(r.data)])).toEqual([
    [e.sid, { lease, released: [e1, e2] }],
  ]);
  expect((seen.sets.body.sets as { owner: string }[]).map((s) => s.owner)).not.toContain('vm-expiring');
  expect(seen.leases.body.leases.map((l: { lease: string }) => l.lease)).not.toContain(lease);
  run.k.avoid.clear();
  run.k.reserved.clear();
}

describe('operation replay between instances on one PostgreSQL database', () => {
  it('reaches the same state and events on every instance as a fresh instance loads from the tables', async () => {
    const rng = random();
    await withSeed(rng, async () => {
      const url = await dbs.create();
      const logs: string[] = [];
      const config: Partial<ServerConfig> = {
        databaseUrl: url,
        capacity: 0,
        // Small limits, so that requests run into them (and replay must count leases and references).
        maxLeasesPerSet: 2,
        maxAdminLeases: 4,
        maxLeaseRefs: 4,
        logger: createLogger({ level: 'warn', destination: { write: (line: string) => logs.push(line) } }),
      };
      // No capacity at start: installing it is an operation of the log like any other.
      for (let i = 0; i < INSTANCES; i++) servers.push(await startTestServer(config));
      const instances = servers.slice(0, INSTANCES);
      const db = new pg.Client({ connectionString: url });
      await db.connect();
      // Streams open from the start: the events each instance publishes as it replays or commits.
      const live: TestStream[] = [];
      try {
        for (const t of instances)
          live.push(await openStream(t.url, { secret: ADMIN_TOKEN, query: { after: 0 } }));
        const run: Run = {
          rng,
          k: emptyKnowledge(ADMIN_TOKEN),
          instances,
          db,
          maxSeq: 0,
          coverage: new Map(),
          partWay: 0,
          expiring: false,
          logs,
        };
        await script(run);
        await checkpoint(run, 'after the script');
        await randomRequests(run, RANDOM_BEFORE, 'random');
        await expiry(run);
        await randomRequests(run, RANDOM_AFTER, 'random after the expiry');
        const { seen, events } = await checkpoint(run, 'at the end');

        // Each instance streamed, live, exactly the events of the database.
        for (const [i, stream] of live.entries()) {
          expect(
            (await stream.next(events.length, 15_000)).map((e) => e.data),
            `live stream of ${i}`,
          ).toEqual(events);
        }
        // A fresh instance loads the tables (no replay): the same answers.
        const fresh = await startTestServer(config);
        servers.push(fresh);
        const loaded = await observe(fresh.admin, (secret) => fresh.as(secret), run.k.secrets, run.maxSeq);
        expect(loaded, 'the state loaded from the tables').toEqual(seen);
        expect(await streamFromStart(fresh.url, ADMIN_TOKEN, events.length)).toEqual(events);
        // Its start committed (metadata only): the others replay that too and still agree with it.
        instances.push(fresh);
        await checkpoint(run, 'with a fresh instance');

        // Every operation happened and was refused at least once; replay never failed anywhere.
        for (const op of REQUEST_OPS) {
          const answers = [...run.coverage].filter(([key]) => key.startsWith(`${op} `));
          expect(
            answers.some(([key]) => Number(key.split(' ')[1]) < 300),
            `${op} succeeded`,
          ).toBe(true);
          expect(
            answers.some(([key]) => Number(key.split(' ')[1]) >= 400),
            `${op} refused`,
          ).toBe(true);
        }
        expect(run.partWay, 'batches rolled back part-way').toBeGreaterThan(1);
        for (const t of servers) {
          expect(t.server.engine.storeStatus().failures, logs.join('')).toBe(0);
          expect(t.fatal).toEqual([]);
        }
        if (process.env.IOASID_REPLAY_VERBOSE)
          console.log(events.length, Object.fromEntries([...run.coverage].sort()));
      } finally {
        for (const stream of live) stream.close();
        await db.end();
      }
    });
  }, 60_000);
});
