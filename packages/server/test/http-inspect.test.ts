// The dashboard's read-only views over real HTTP on a real SQLite file: the leases with what they hold,
// who holds an ID, a set's last events (the event stream's payload, across a restart and the retention),
// a set's IDs page by page, and the instances; each with its access rules and strict query.

import { hostname } from 'node:os';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Loose } from './support/client.js';
import { startTestServer, type TestServer } from './support/server.js';
import { openStream } from './support/sse.js';

let t: TestServer;
let a: { sid: number; secret: string };
let b: { sid: number; secret: string };
let asA: Api;
let asB: Api;
let idsA: number[];
let idB: number;
beforeAll(async () => {
  t = await startTestServer({ capacity: 10_000 });
  a = (await t.admin.post('/v1/sets', { owner: 'inspect-a', quota: 200 })).body;
  b = (await t.admin.post('/v1/sets', { owner: 'inspect-b', quota: 100 })).body;
  asA = t.as(a.secret);
  asB = t.as(b.secret);
  idsA = (await asA.post(`/v1/sets/${a.sid}/ioasids`, { min: 100, max: 999, count: 7, data: { vm: 'a' } }))
    .body.ids;
  idB = (await asB.post(`/v1/sets/${b.sid}/ioasids`, { min: 0, max: 999 })).body.id;
});
afterAll(() => t.stop());

const expectError = (res: { status: number; body: Loose }, status: number, code: string, reason: string) =>
  expect([res.status, res.body.error?.code, res.body.error?.reason]).toEqual([status, code, reason]);

describe('GET /v1/leases and GET /v1/ioasids/{id}/refs', () => {
  let adminLease: string;
  let leaseA: string;
  let leaseB: string;
  beforeAll(async () => {
    adminLease = (await t.admin.post('/v1/leases', { ttlMs: 600_000 })).body.lease;
    leaseA = (await asA.post('/v1/leases', { ttlMs: 300_000 })).body.lease;
    leaseB = (await asB.post('/v1/leases', { ttlMs: 200_000 })).body.lease;
    for (const [api, id, lease] of [
      [asA, idsA[0], leaseA],
      [asA, idsA[0], leaseA],
      [asA, idsA[1], leaseA],
      [t.admin, idsA[0], adminLease],
    ] as const) {
      expect((await api.post(`/v1/ioasids/${id}/refs`, { lease })).status).toBe(204);
    }
  });

  it('lists every lease for the admin, ascending, with its references and time left', async () => {
    const res = await t.admin.get('/v1/leases');
    expect(res.status).toBe(200);
    const byName = [adminLease, leaseA, leaseB].sort();
    expect(res.body.leases.map((l: Loose) => l.lease)).toEqual(byName);
    const of = (lease: string) => res.body.leases.find((l: Loose) => l.lease === lease);
    expect(of(adminLease)).toMatchObject({ sid: null, ttlMs: 600_000, refs: 1, ids: 1 });
    expect(of(leaseA)).toMatchObject({ sid: a.sid, ttlMs: 300_000, refs: 3, ids: 2 });
    expect(of(leaseB)).toMatchObject({ sid: b.sid, ttlMs: 200_000, refs: 0, ids: 0 });
    for (const l of res.body.leases) {
      expect(l.expiresInMs).toBeGreaterThan(0);
      expect(l.expiresInMs).toBeLessThanOrEqual(l.ttlMs);
    }
  });

  it('shows a set secret the leases it created; ?sid= filters for the admin', async () => {
    const own = await asA.get('/v1/leases');
    expect(own.body.leases.map((l: Loose) => l.lease)).toEqual([leaseA]);
    expect((await asA.get(`/v1/leases?sid=${a.sid}`)).body).toEqual(
      expect.objectContaining({ leases: [expect.objectContaining({ lease: leaseA })] }),
    );
    expectError(await asA.get(`/v1/leases?sid=${b.sid}`), 403, 'EACCES', 'other-set');
    const ofB = await t.admin.get(`/v1/leases?sid=${b.sid}`);
    expect(ofB.body.leases.map((l: Loose) => l.lease)).toEqual([leaseB]);
    expect((await t.admin.get('/v1/leases?sid=4242')).body).toEqual({ leases: [] });
    for (const query of ['?sid=-1', '?sid=a', '?lease=x', '?sid=1&sid=2']) {
      expectError(await t.admin.get(`/v1/leases${query}`), 400, 'EINVAL', expect.any(String));
    }
  });

  it('names the leases holding references on an ID, and its total', async () => {
    const expected = {
      id: idsA[0],
      refs: 4, // the owner's, two of lease A, one of the admin's lease
      leases: [
        { lease: adminLease, sid: null, refs: 1 },
        { lease: leaseA, sid: a.sid, refs: 2 },
      ].sort((x, y) => (x.lease < y.lease ? -1 : 1)),
    };
    expect((await t.admin.get(`/v1/ioasids/${idsA[0]}/refs`)).body).toEqual(expected);
    expect((await asA.get(`/v1/ioasids/${idsA[0]}/refs`)).body).toEqual(expected);
    expect((await asA.delete(`/v1/ioasids/${idsA[0]}`)).status).toBe(204);
    expect((await t.admin.get(`/v1/ioasids/${idsA[0]}/refs`)).body).toMatchObject({ refs: 3 });
    expect((await t.admin.get(`/v1/ioasids/${idsA[2]}/refs`)).body).toEqual({
      id: idsA[2],
      refs: 1,
      leases: [],
    });
  });

  it("refuses another set's ID, an ID not allocated, and any query parameter", async () => {
    expectError(await asB.get(`/v1/ioasids/${idsA[1]}/refs`), 403, 'EACCES', 'foreign-id');
    expectError(await t.admin.get('/v1/ioasids/9999/refs'), 404, 'ENOENT', 'id-not-allocated');
    expectError(await t.admin.get(`/v1/ioasids/${idsA[1]}/refs?lease=x`), 400, 'EINVAL', 'unknown-field');
    expectError(await t.admin.get('/v1/ioasids/01/refs'), 400, 'EINVAL', expect.any(String));
  });
});

describe('GET /v1/sets/{sid}/events', () => {
  /** Every retained event of the set, as the event stream replays it. */
  async function streamed(sid: number, count: number): Promise<Loose[]> {
    const stream = await openStream(t.url, { secret: a.secret, query: { after: 0, sid } });
    try {
      return (await stream.next(count)).map((e) => e.data);
    } finally {
      stream.close();
    }
  }

  it("answers the set's last events, ascending, with the event stream's payload", async () => {
    const all = (await t.admin.get(`/v1/sets/${a.sid}/events?limit=1000`)).body.events;
    expect(all.length).toBeGreaterThanOrEqual(8); // 7 allocs, a free
    expect(all.every((e: Loose) => e.sid === a.sid)).toBe(true);
    expect(all).toEqual(await streamed(a.sid, all.length));
    const seqs = all.map((e: Loose) => e.seq);
    expect(seqs).toEqual([...seqs].sort((x, y) => x - y));
    const two = await asA.get(`/v1/sets/${a.sid}/events?limit=2`);
    expect(two.body.events).toEqual(all.slice(-2));
  });

  it('follows new events, defaults to 100, and answers the same after a restart', async () => {
    const before = (await t.admin.get(`/v1/sets/${a.sid}/events?limit=1000`)).body.events;
    const more = await asA.post(`/v1/sets/${a.sid}/ioasids`, { min: 2000, max: 9999, count: 120 });
    expect(more.status).toBe(201);
    const after = (await t.admin.get(`/v1/sets/${a.sid}/events?limit=1000`)).body.events;
    expect(after.slice(0, before.length)).toEqual(before);
    expect(after.slice(before.length).map((e: Loose) => [e.type, e.id])).toEqual(
      more.body.ids.map((id: number) => ['alloc', id]),
    );
    const byDefault = (await t.admin.get(`/v1/sets/${a.sid}/events`)).body.events;
    expect(byDefault).toEqual(after.slice(-100));
    await t.restart();
    asA = t.as(a.secret); // the restarted server listens on another port
    asB = t.as(b.secret);
    expect((await t.admin.get(`/v1/sets/${a.sid}/events?limit=1000`)).body.events).toEqual(after);
  });

  it('refuses another set, an unknown set, and limits out of 1..1000', async () => {
    expectError(await asB.get(`/v1/sets/${a.sid}/events`), 403, 'EACCES', 'other-set');
    expectError(await t.admin.get('/v1/sets/4242/events'), 404, 'ENOENT', 'no-set');
    for (const query of ['?limit=0', '?limit=1001', '?limit=ten', '?after=3']) {
      expectError(await t.admin.get(`/v1/sets/${a.sid}/events${query}`), 400, 'EINVAL', expect.any(String));
    }
  });
});

describe('GET /v1/sets/{sid}/events with a short retention', () => {
  it('answers only the events the store still retains', async () => {
    const small = await startTestServer({ capacity: 1000, eventRetention: 30 });
    try {
      const set = (await small.admin.post('/v1/sets', { owner: 'short', quota: 500 })).body;
      const other = (await small.admin.post('/v1/sets', { owner: 'other', quota: 500 })).body;
      const events = async () =>
        (await small.admin.get(`/v1/sets/${set.sid}/events?limit=1000`)).body.events as Loose[];
      for (let round = 0; round < 6; round++) {
        await small.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 999, count: 10 });
        await small.admin.post(`/v1/sets/${other.sid}/ioasids`, { min: 0, max: 999, count: 10 });
        if (round === 0) expect(await events()).toHaveLength(10); // the index is built here
      }
      const retained = await small.server.engine.readEvents(0, 1000);
      const expected = retained.filter((e) => e.sid === set.sid);
      expect(retained[0].seq).toBeGreaterThan(1);
      expect(await events()).toEqual(expected.map((e) => ({ ...e })));
    } finally {
      await small.stop();
    }
  });
});

describe('GET /v1/sets/{sid}/ioasid-details', () => {
  it("pages through the set's IDs with their state, spid, references and data", async () => {
    expect((await asA.put(`/v1/ioasids/${idsA[3]}/spid`, { spid: 42 })).status).toBe(204);
    const listed: number[] = (await t.admin.get(`/v1/sets/${a.sid}/ioasids`)).body.ids;
    const seen: Loose[] = [];
    let after: number | null = null;
    let pages = 0;
    do {
      const query: string = after === null ? '?limit=50' : `?limit=50&after=${after}`;
      const page: Loose = (await asA.get(`/v1/sets/${a.sid}/ioasid-details${query}`)).body;
      expect(page.ids.length).toBeLessThanOrEqual(50);
      seen.push(...page.ids);
      after = page.next;
      if (after !== null) expect(after).toBe(page.ids.at(-1).id);
      pages++;
    } while (after !== null);
    expect(pages).toBe(Math.ceil(listed.length / 50));
    expect(seen.map((d) => d.id)).toEqual(listed);
    for (const detail of seen) {
      const view = (await t.admin.get(`/v1/ioasids/${detail.id}`)).body;
      const refs = (await t.admin.get(`/v1/ioasids/${detail.id}/refs`)).body.refs;
      expect(detail).toEqual({ id: view.id, state: view.state, spid: view.spid, refs, data: view.data });
    }
    expect(seen.find((d) => d.id === idsA[0])).toMatchObject({ state: 'free-pending', refs: 3 });
    expect(seen.find((d) => d.id === idsA[3])).toMatchObject({
      state: 'active',
      spid: 42,
      data: { vm: 'a' },
    });
  });

  it('answers 200 IDs by default, an empty last page, and no ID of another set', async () => {
    const first = (await t.admin.get(`/v1/sets/${a.sid}/ioasid-details`)).body;
    expect(first.ids).toHaveLength(127); // 7 + 120, all on one page of 200
    expect(first.next).toBeNull();
    expect(first.ids.some((d: Loose) => d.id === idB)).toBe(false);
    const exact = (await t.admin.get(`/v1/sets/${a.sid}/ioasid-details?limit=127`)).body;
    expect([exact.ids.length, exact.next]).toEqual([127, null]);
    const lastId = first.ids.at(-1).id;
    expect((await t.admin.get(`/v1/sets/${a.sid}/ioasid-details?after=${lastId}`)).body).toEqual({
      ids: [],
      next: null,
    });
    expect((await t.admin.get(`/v1/sets/${a.sid}/ioasid-details?after=4294967294`)).body).toEqual({
      ids: [],
      next: null,
    });
  });

  it('refuses another set, an unknown set, and bad pages', async () => {
    expectError(await asB.get(`/v1/sets/${a.sid}/ioasid-details`), 403, 'EACCES', 'other-set');
    expectError(await t.admin.get('/v1/sets/4242/ioasid-details'), 404, 'ENOENT', 'no-set');
    for (const query of ['?limit=0', '?limit=1001', '?after=-1', '?after=4294967295', '?page=2']) {
      expectError(
        await t.admin.get(`/v1/sets/${a.sid}/ioasid-details${query}`),
        400,
        'EINVAL',
        expect.any(String),
      );
    }
  });
});

describe('GET /v1/instances', () => {
  it('answers this process alone on SQLite, with the sequence number it committed', async () => {
    const res = await t.admin.get('/v1/instances');
    expect(res.status).toBe(200);
    expect(res.body.instances).toHaveLength(1);
    const [self] = res.body.instances;
    expect(self.name).toBe(`${hostname()}:${process.pid}`);
    expect(Date.parse(self.startedAt)).toBeLessThanOrEqual(Date.parse(self.lastSeenAt));
    expect(new Date(self.lastSeenAt).toISOString()).toBe(self.lastSeenAt);
    expect(self.seq).toBe(t.server.engine.events.committedSeq);
  });

  it('is for the admin only and takes no parameter', async () => {
    expectError(await asA.get('/v1/instances'), 403, 'EACCES', 'admin-only');
    expectError(await t.admin.get('/v1/instances?all=true'), 400, 'EINVAL', 'unknown-field');
    expect((await t.as(null).get('/v1/instances')).status).toBe(401);
  });
});
