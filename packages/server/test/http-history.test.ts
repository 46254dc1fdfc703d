// GET /v1/history over real HTTP with an injected clock (no test sleeps): committed allocs and frees per
// second, a set's count every 10 s, the 60-second rates, the one-hour bounds, what a set secret sees, and
// a reused set ID starting with no history.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loose } from './support/client.js';
import { startTestServer, type TestServer } from './support/server.js';

/** The injected wall clock: 2026-03-01T00:00:00.500Z, moved by the tests. */
let now = Date.UTC(2026, 2, 1) + 500;
const advance = (ms: number) => {
  now += ms;
};

let t: TestServer;
let a: { sid: number; secret: string };
let b: { sid: number; secret: string };
beforeAll(async () => {
  t = await startTestServer({ capacity: 1000, clock: () => now });
  a = (await t.admin.post('/v1/sets', { owner: 'hist-a', quota: 100 })).body;
  b = (await t.admin.post('/v1/sets', { owner: 'hist-b', quota: 100 })).body;
});
afterAll(() => t.stop());

const history = async (query = '', secret?: string): Promise<Loose> => {
  const res = await (secret === undefined ? t.admin : t.as(secret)).get(`/v1/history${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};
const alloc = async (sid: number, count: number) => {
  expect((await t.admin.post(`/v1/sets/${sid}/ioasids`, { min: 0, max: 999, count })).status).toBe(201);
};

describe('GET /v1/history', () => {
  it('starts empty: one entry for the current second, no usage without a set, no rate', async () => {
    expect(await history()).toEqual({
      now,
      intervalMs: 1000,
      allocs: [0],
      frees: [0],
      usageIntervalMs: 10_000,
      usage: [],
      rates: [],
    });
  });

  it('counts committed allocs and frees per second, oldest first, the current second last', async () => {
    await alloc(a.sid, 3);
    advance(1000);
    await alloc(b.sid, 2);
    advance(1000);
    const ids = (await t.admin.get(`/v1/sets/${a.sid}/ioasids`)).body.ids;
    expect((await t.admin.delete(`/v1/ioasids/${ids[0]}`)).status).toBe(204);
    const all = await history();
    expect(all.now).toBe(now);
    expect([all.allocs, all.frees]).toEqual([
      [3, 2, 0],
      [0, 0, 1],
    ]);
    // With a set: that set's events only.
    const ofA = await history(`?sid=${a.sid}`);
    expect([ofA.allocs, ofA.frees]).toEqual([
      [3, 0, 0],
      [0, 0, 1],
    ]);
    expect(ofA.usage).toEqual([{ sid: a.sid, counts: [2] }]);
  });

  it('gives the rates of the sets whose count changed in the last 60 s: (allocs - frees) / 60', async () => {
    const rates = (await history()).rates;
    expect(rates).toEqual([
      { sid: a.sid, perSecond: 2 / 60 },
      { sid: b.sid, perSecond: 2 / 60 },
    ]);
    advance(60_000);
    expect((await history()).rates).toEqual([]);
  });

  it("samples a set's count every 10 s, the last entry being its count now", async () => {
    const start = (await history(`?sid=${a.sid}`)).usage[0].counts.length;
    await alloc(a.sid, 1); // 3
    await history(`?sid=${a.sid}`);
    advance(10_000);
    await alloc(a.sid, 2); // 5
    await history(`?sid=${a.sid}`);
    advance(10_000);
    await alloc(a.sid, 1); // 6, not sampled yet: it is the current count
    const counts = (await history(`?sid=${a.sid}`)).usage[0].counts;
    expect(counts.slice(start - 1)).toEqual([3, 5, 6]);
    // Slots nobody sampled (the sampler runs every 10 s of real time, the clock jumped) repeat the last
    // sample taken.
    advance(30_000);
    const later = (await history(`?sid=${a.sid}`)).usage[0].counts;
    expect(later.slice(start - 1)).toEqual([3, 5, 6, 6, 6, 6]);
  });

  it('keeps one hour: at most 3600 seconds of counts and 360 samples', async () => {
    advance(2 * 3600 * 1000);
    await alloc(a.sid, 1);
    const h = await history(`?sid=${a.sid}`);
    expect(h.allocs).toHaveLength(3600);
    expect(h.frees).toHaveLength(3600);
    expect(h.allocs.reduce((x: number, y: number) => x + y, 0)).toBe(1);
    expect(h.allocs[3599]).toBe(1);
    expect(h.usage[0].counts).toHaveLength(360);
    expect(h.usage[0].counts[359]).toBe(7);
  });

  it("shows a set secret its own set only, refuses another set's and an unknown one", async () => {
    await alloc(b.sid, 4);
    const own = await history('', b.secret);
    expect(own.usage).toEqual([{ sid: b.sid, counts: expect.any(Array) }]);
    expect(own.usage[0].counts.at(-1)).toBe(6);
    expect(own.allocs.at(-1)).toBe(4); // set a's allocation in this second is not counted
    expect(own.rates).toEqual([{ sid: b.sid, perSecond: 4 / 60 }]);
    expect(await history(`?sid=${b.sid}`, b.secret)).toEqual(own);
    const other = await t.as(b.secret).get(`/v1/history?sid=${a.sid}`);
    expect([other.status, other.body.error.code, other.body.error.reason]).toEqual([
      403,
      'EACCES',
      'other-set',
    ]);
    const unknown = await t.admin.get('/v1/history?sid=999');
    expect([unknown.status, unknown.body.error.code, unknown.body.error.reason]).toEqual([
      404,
      'ENOENT',
      'no-set',
    ]);
    for (const query of ['?sid=x', '?sid=01', '?set=1', `?sid=${a.sid}&extra=1`]) {
      const res = await t.admin.get(`/v1/history${query}`);
      expect([query, res.status, res.body.error.code]).toEqual([query, 400, 'EINVAL']);
    }
  });

  it('starts a new set that reuses a destroyed set’s ID with no history', async () => {
    expect((await t.admin.delete(`/v1/sets/${b.sid}?destroy=true`)).status).toBe(204);
    const c = (await t.admin.post('/v1/sets', { owner: 'hist-c', quota: 10 })).body;
    expect(c.sid).toBe(b.sid);
    const h = await history(`?sid=${c.sid}`);
    expect(h.usage).toEqual([{ sid: c.sid, counts: [0] }]);
    expect(h.allocs.every((n: number) => n === 0)).toBe(true);
    expect(h.frees.every((n: number) => n === 0)).toBe(true);
    expect(h.rates.find((r: { sid: number }) => r.sid === c.sid)).toBeUndefined();
  });
});
