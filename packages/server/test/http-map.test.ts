// GET /v1/map over real HTTP: the run-length encoded occupancy against a brute-force computation from
// the allocator's own answers on seeded random states (admin and set secret), the defaults, and the
// strict query rules.

import { ADMIN, type Engine } from '@ioasid/server';
import type { IoasidSpace } from 'ioasid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loose } from './support/client.js';
import { random } from './support/random.js';
import { startTestServer, type TestServer } from './support/server.js';

const CAPACITY = 3000;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ capacity: CAPACITY });
});
afterAll(() => t.stop());

interface MapAnswer {
  first: number;
  last: number;
  bucketSize: number;
  buckets: number;
  sets: number[];
  runs: number[];
}

/**
 * The map as DASH-API.md defines it, computed bucket by bucket from every allocated ID (each set's IDs
 * and idInfo), with no run-length cleverness: one [used, pending, top] per bucket, then merged.
 */
function bruteForce(
  space: IoasidSpace,
  first: number,
  last: number,
  buckets: number,
  onlySid: number | null,
): MapAnswer {
  const width = last - first + 1;
  const bucketSize = Math.ceil(width / buckets);
  const count = Math.ceil(width / bucketSize);
  const perBucket = new Map<number, { used: number; pending: number; bySet: Map<number, number> }>();
  for (const set of space.listSets()) {
    if (onlySid !== null && set.sid !== onlySid) continue;
    for (const id of space.listIds(set.sid)) {
      if (id < first || id > last) continue;
      const info = space.idInfo(id);
      if (info === undefined) throw new Error(`listed ID ${id} is not allocated`);
      const k = Math.floor((id - first) / bucketSize);
      let b = perBucket.get(k);
      if (b === undefined) {
        b = { used: 0, pending: 0, bySet: new Map() };
        perBucket.set(k, b);
      }
      b.used++;
      if (info.state === 'free-pending') b.pending++;
      b.bySet.set(info.sid, (b.bySet.get(info.sid) ?? 0) + 1);
    }
  }
  const tops: [number, number, number][] = [];
  for (let k = 0; k < count; k++) {
    const b = perBucket.get(k);
    if (b === undefined) {
      tops.push([0, 0, -1]);
      continue;
    }
    let top = -1;
    let most = 0;
    for (const [sid, n] of b.bySet) if (n > most || (n === most && sid < top)) [top, most] = [sid, n];
    tops.push([b.used, b.pending, top]);
  }
  const sets = Array.from(new Set(tops.map((x) => x[2]).filter((s) => s >= 0))).sort((a, b) => a - b);
  const runs: number[] = [];
  for (const [used, pending, top] of tops) {
    const set = top < 0 ? -1 : sets.indexOf(top);
    const n = runs.length;
    if (n > 0 && runs[n - 3] === used && runs[n - 2] === pending && runs[n - 1] === set) runs[n - 4]++;
    else runs.push(1, used, pending, set);
  }
  return { first, last, bucketSize, buckets: count, sets, runs };
}

/** Fills the namespace at random: sets, allocations in random ranges, frees, held references. */
async function randomState(engine: Engine, seed: number): Promise<{ sid: number; secret: string }[]> {
  const r = random(seed);
  for (const lease of engine.listLeases()) engine.deleteLease(ADMIN, lease.lease);
  for (const set of engine.listSets(ADMIN)) engine.freeSet(ADMIN, set.sid, true);
  await engine.durable();
  const sets = Array.from({ length: 2 + r.int(4) }, (_, i) =>
    engine.createSet(ADMIN, `map-${seed}-${i}`, 600),
  );
  const lease = engine.createLease(ADMIN, 600_000).lease;
  for (let i = 0; i < 1500; i++) {
    const set = r.pick(sets);
    const min = r.chance(0.5) ? r.int(CAPACITY) : 0;
    const max = Math.min(CAPACITY - 1, min + r.int(400));
    try {
      engine.alloc(ADMIN, set.sid, min, max, null);
    } catch {
      // the set's quota or the range is full: fine
    }
  }
  for (const set of sets) {
    for (const id of engine.listIds(ADMIN, set.sid)) {
      if (r.chance(0.2)) engine.free(ADMIN, id);
      else if (r.chance(0.1)) {
        engine.takeRef(ADMIN, id, lease);
        engine.free(ADMIN, id); // free-pending: the lease still holds it
      }
    }
  }
  await engine.durable();
  return sets.map((s) => ({ sid: s.sid, secret: s.secret }));
}

const getMap = async (query: string, secret?: string): Promise<Loose> => {
  const res = await (secret === undefined ? t.admin : t.as(secret)).get(`/v1/map${query}`);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('GET /v1/map', () => {
  it('answers what a brute-force computation gives, on seeded random states and ranges', async () => {
    const r = random(20_261_203);
    let mixed = 0; // answers with a free-pending ID and several sets: the states are not trivial
    for (let state = 0; state < 4; state++) {
      const seed = r.int(2 ** 31);
      const sets = await randomState(t.server.engine, seed);
      const space = t.server.engine.space;
      for (let q = 0; q < 25; q++) {
        const first = r.chance(0.2) ? 0 : r.int(CAPACITY + 50);
        const last = r.chance(0.1) ? 0xfffffffe : first + r.int(2 * CAPACITY);
        const buckets = r.pick([1, 2, 3, 7, 64, 4096, 1_048_576, 1 + r.int(5000)]);
        const query = `?first=${first}&last=${last}&buckets=${buckets}`;
        const context = `seed ${seed}, ${query}`;
        const map = await getMap(query);
        expect(map, context).toEqual(bruteForce(space, first, last, buckets, null));
        if (map.sets.length > 1 && map.runs.some((v: number, i: number) => i % 4 === 2 && v > 0)) mixed++;
        const own = r.pick(sets);
        expect(await getMap(query, own.secret), `${context} as set ${own.sid}`).toEqual(
          bruteForce(space, first, last, buckets, own.sid),
        );
      }
    }
    expect(mixed).toBeGreaterThan(20);
  });

  it('covers [0, capacity - 1] in 4096 buckets by default, and every bucket exactly once', async () => {
    await randomState(t.server.engine, 7);
    const map = await getMap('');
    expect(map).toEqual(bruteForce(t.server.engine.space, 0, CAPACITY - 1, 4096, null));
    expect([map.first, map.last, map.bucketSize, map.buckets]).toEqual([0, CAPACITY - 1, 1, CAPACITY]);
    let repeats = 0;
    for (let i = 0; i < map.runs.length; i += 4) repeats += map.runs[i];
    expect(repeats).toBe(map.buckets);
    // The last bucket may be shorter: 3000 IDs in 7 buckets are 6 of 429 and one of 426.
    const seven = await getMap('?buckets=7');
    expect([seven.bucketSize, seven.buckets]).toEqual([429, 7]);
  });

  it('refuses first > last, buckets out of 1..2^20, IDs above 0xFFFFFFFE and unknown parameters', async () => {
    const cases: [string, number, string, string][] = [
      ['?first=10&last=9', 400, 'invalid-map-range', 'first 10 is above last 9'],
      ['?first=3000', 400, 'invalid-map-range', 'first 3000 is above the last ID of the capacity (2999)'],
      ['?buckets=0', 400, 'out-of-range', 'buckets'],
      ['?buckets=1048577', 400, 'out-of-range', 'buckets'],
      ['?last=4294967295', 400, 'out-of-range', 'last'],
      ['?first=01', 400, 'wrong-type', 'first'],
      ['?first=-1', 400, 'wrong-type', 'first'],
      ['?bucket=5', 400, 'unknown-field', 'bucket'],
      ['?first=1&first=2', 400, 'wrong-type', 'first'],
    ];
    for (const [query, status, reason, words] of cases) {
      const res = await t.admin.get(`/v1/map${query}`);
      expect([query, res.status, res.body.error.code, res.body.error.reason]).toEqual([
        query,
        status,
        'EINVAL',
        reason,
      ]);
      expect(res.body.error.message).toContain(words);
    }
    expect((await t.as(null).get('/v1/map')).status).toBe(401);
  });
});

describe('GET /v1/map without a capacity', () => {
  it('answers no bucket and no run, and maps an explicit range', async () => {
    const bare = await startTestServer({ capacity: 0 });
    try {
      expect((await bare.admin.get('/v1/map')).body).toEqual({
        first: 0,
        last: 0,
        bucketSize: 0,
        buckets: 0,
        sets: [],
        runs: [],
      });
      expect((await bare.admin.get('/v1/map?last=99&buckets=10')).body).toEqual({
        first: 0,
        last: 99,
        bucketSize: 10,
        buckets: 10,
        sets: [],
        runs: [10, 0, 0, -1],
      });
    } finally {
      await bare.stop();
    }
  });
});
