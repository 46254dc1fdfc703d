// The event stream over real HTTP: every event once, in sequence order; set secrets see only their set;
// resume with Last-Event-ID or ?after= (also across a restart); `reset` when the position is older than
// the retention; keep-alive comments; and no gap when events commit during a replay.

import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './support/server.js';
import { openStream, type StreamEvent, type TestStream } from './support/sse.js';

let t: TestServer;
let owners = 0;
const open: TestStream[] = [];
beforeAll(async () => {
  t = await startTestServer({ capacity: 100_000, sseKeepAliveMs: 100 });
});
afterEach(() => {
  for (const s of open.splice(0)) s.close();
});
afterAll(() => t.stop());

async function stream(options: Parameters<typeof openStream>[1] = {}) {
  const s = await openStream(t.url, { secret: ADMIN_TOKEN, ...options });
  open.push(s);
  return s;
}

async function newSet(quota = 1000) {
  return (await t.admin.post('/v1/sets', { owner: `events-${owners++}`, quota })).body as {
    sid: number;
    secret: string;
  };
}

const seqs = (events: StreamEvent[]) => events.map((e) => e.data.seq);
const consecutive = (events: StreamEvent[]) =>
  expect(seqs(events)).toEqual(events.map((_, i) => events[0].data.seq + i));

describe('live events', () => {
  it('delivers alloc, bind, unbind, a published type and free, in order, with id = seq and event = type', async () => {
    const set = await newSet();
    const s = await stream();
    const { id } = (
      await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 500, max: 600, data: { vm: 1 } })
    ).body;
    await t.admin.put(`/v1/ioasids/${id}/spid`, { spid: 12 });
    await t.admin.delete(`/v1/ioasids/${id}/spid`);
    await t.admin.post(`/v1/ioasids/${id}/notify`, { type: 'vfio.bound' });
    await t.admin.delete(`/v1/ioasids/${id}`);
    const events = await s.next(5);
    expect(events.map((e) => e.event)).toEqual(['alloc', 'bind', 'unbind', 'vfio.bound', 'free']);
    consecutive(events);
    for (const e of events) expect(e.id).toBe(String(e.data.seq));
    expect(events[0].data).toEqual({
      seq: events[0].data.seq,
      type: 'alloc',
      id,
      sid: set.sid,
      spid: null,
      data: { vm: 1 },
    });
    expect(events[1].data).toMatchObject({ type: 'bind', spid: 12 });
    expect(events[2].data).toMatchObject({ type: 'unbind', spid: 12 });
    expect(events[4].data).toMatchObject({ type: 'free', id, sid: set.sid, spid: null });
  });

  it("shows a set secret only its own set's events, and filters with ?sid= for the admin", async () => {
    const a = await newSet();
    const b = await newSet();
    const asA = await stream({ secret: a.secret });
    const viaQuery = await stream({ secret: a.secret, tokenInQuery: true });
    const adminB = await stream({ query: { sid: b.sid } });
    for (let i = 0; i < 3; i++) {
      await t.admin.post(`/v1/sets/${b.sid}/ioasids`, { min: 0, max: 99_999 });
      await t.admin.post(`/v1/sets/${a.sid}/ioasids`, { min: 0, max: 99_999 });
    }
    // A last event on each set marks the end: everything before it has been delivered by then.
    await t.admin.post(`/v1/sets/${a.sid}/ioasids`, { min: 0, max: 99_999 });
    await t.admin.post(`/v1/sets/${b.sid}/ioasids`, { min: 0, max: 99_999 });
    for (const s of [asA, viaQuery]) {
      const got = await s.next(4);
      expect(got.map((e) => e.data.sid)).toEqual([a.sid, a.sid, a.sid, a.sid]);
    }
    expect((await adminB.next(4)).map((e) => e.data.sid)).toEqual([b.sid, b.sid, b.sid, b.sid]);
  });
});

describe('resuming', () => {
  it('replays exactly the events after Last-Event-ID, then follows live ones', async () => {
    const set = await newSet();
    const first = await stream();
    for (let i = 0; i < 4; i++) await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 });
    const seen = await first.next(4);
    first.close();
    const lastSeen = seen[1].id as string;
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999, count: 3 });
    const resumed = await stream({ lastEventId: lastSeen, query: { after: 0 } });
    const replayed = await resumed.next(5);
    expect(seqs(replayed)[0]).toBe(Number(lastSeen) + 1);
    consecutive(replayed);
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 });
    const [live] = await resumed.next(1);
    expect(live.data.seq).toBe(replayed[4].data.seq + 1);
  });

  it('replays from ?after= when there is no Last-Event-ID', async () => {
    const set = await newSet();
    const probe = await stream();
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999, count: 2 });
    const [a, b] = await probe.next(2);
    const replay = await stream({ query: { after: a.data.seq - 1 } });
    expect(seqs(await replay.next(2))).toEqual([a.data.seq, b.data.seq]);
  });

  it('keeps no gap and no duplicate when events commit during a long replay', async () => {
    const set = await newSet(20_000);
    const mark = await stream();
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 });
    const [start] = await mark.next(1);
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999, count: 5000 });
    const replay = await stream({ query: { after: start.data.seq } });
    const writes = [];
    for (let i = 0; i < 20; i++)
      writes.push(t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 }));
    await Promise.all(writes);
    const got = await replay.next(5020, 30_000);
    expect(got[0].data.seq).toBe(start.data.seq + 1);
    consecutive(got);
  });

  it('continues after a restart: stored events replay, new ones follow without a gap', async () => {
    const set = await newSet();
    const before = await stream();
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999, count: 3 });
    const seen = await before.next(3);
    await t.restart();
    open.splice(0);
    const after = await stream({ lastEventId: seen[0].id });
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 });
    const got = await after.next(3);
    expect(seqs(got)).toEqual([seen[1].data.seq, seen[2].data.seq, seen[2].data.seq + 1]);
  });
});

describe('retention', () => {
  it('sends reset with the oldest kept event to a client older than the retention, then goes on from it', async () => {
    const small = await startTestServer({ capacity: 10_000, eventRetention: 5 });
    try {
      const set = (await small.admin.post('/v1/sets', { owner: 'r', quota: 100 })).body;
      for (let i = 0; i < 30; i++)
        await small.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 9999 });
      const s = await openStream(small.url, { secret: ADMIN_TOKEN, query: { after: 0 } });
      open.push(s);
      const [reset, ...rest] = await s.next(2);
      expect(reset.event).toBe('reset');
      const oldest = reset.data.oldest as number;
      expect(oldest).toBeGreaterThan(1);
      expect(oldest).toBeLessThanOrEqual(31 - 5);
      expect(reset.id).toBe(String(oldest - 1));
      const remaining = 30 - oldest + 1;
      const more = await s.next(remaining - rest.length);
      const all = [...rest, ...more];
      expect(seqs(all)).toEqual(Array.from({ length: remaining }, (_, i) => oldest + i));
    } finally {
      await small.stop();
    }
  });

  it('sends reset to a client that resumes from a position beyond the newest event', async () => {
    const s = await stream({ lastEventId: '999999999' });
    const [reset] = await s.next(1);
    expect(reset.event).toBe('reset');
    expect(reset.data.oldest).toBe(1);
  });
});

describe('the connection', () => {
  it("ends a destroyed set's stream before a new set reusing its set ID has events", async () => {
    const own = await startTestServer();
    try {
      const old = (await own.admin.post('/v1/sets', { owner: 'old', quota: 5 })).body;
      const s = await openStream(own.url, { secret: old.secret });
      open.push(s);
      await own.admin.delete(`/v1/sets/${old.sid}?destroy=true`);
      const fresh = (await own.admin.post('/v1/sets', { owner: 'new', quota: 5 })).body;
      expect(fresh.sid).toBe(old.sid);
      await own.admin.post(`/v1/sets/${fresh.sid}/ioasids`, { min: 0, max: 9 });
      await expect(s.next(1)).rejects.toThrow(/ended after 0/);
      expect((await own.as(old.secret).get(`/v1/sets/${fresh.sid}`)).status).toBe(401);
    } finally {
      await own.stop();
    }
  });

  it('sends keep-alive comments while idle', async () => {
    const s = await stream();
    for (let i = 0; i < 100 && !s.comments.includes('keep-alive'); i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    expect(s.comments).toContain('keep-alive');
  });

  it('is ended by a graceful shutdown', async () => {
    const own = await startTestServer();
    const s = await openStream(own.url, { secret: ADMIN_TOKEN });
    await own.stop();
    await expect(s.next(1)).rejects.toThrow(/ended/);
  });
});
