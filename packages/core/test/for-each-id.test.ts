// forEachId and forEachIdRun: the walks of allocated IDs in a range (xa_for_each_range, and its runs).
// Checked against a brute-force walk over idInfo on seeded random states, at page and chunk boundaries,
// with a set filter, stopping early, and with a visitor that changes the space while it walks.

import fc from 'fast-check';
import { INVALID_IOASID, type IoasidSpace, IoasidSpace as Space } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError } from './support/errors.js';

type Visit = [id: number, sid: number, pending: boolean];

function walk(space: IoasidSpace, first: number, last: number, sid?: number): Visit[] {
  const out: Visit[] = [];
  space.forEachId(first, last, (id, s, pending) => void out.push([id, s, pending]), sid);
  return out;
}

type Run = [from: number, to: number, sid: number, pending: boolean];

function runs(space: IoasidSpace, first: number, last: number, sid?: number): Run[] {
  const out: Run[] = [];
  space.forEachIdRun(first, last, (from, to, s, pending) => void out.push([from, to, s, pending]), sid);
  return out;
}

/** The maximal runs of consecutive visits of one set and state. */
function runsOf(visits: Visit[]): Run[] {
  const out: Run[] = [];
  for (const [id, sid, pending] of visits) {
    const last = out[out.length - 1];
    if (last !== undefined && last[1] === id - 1 && last[2] === sid && last[3] === pending) last[1] = id;
    else out.push([id, id, sid, pending]);
  }
  return out;
}

/** What forEachId must visit, computed ID by ID from the IDs every set holds. */
function bruteForce(space: IoasidSpace, first: number, last: number, sid?: number): Visit[] {
  const out: Visit[] = [];
  for (const set of space.listSets()) {
    if (sid !== undefined && set.sid !== sid) continue;
    for (const id of space.listIds(set.sid)) {
      if (id < first || id > last) continue;
      const info = space.idInfo(id);
      if (info === undefined) throw new Error(`listed ID ${id} is not allocated`);
      out.push([id, info.sid, info.state === 'free-pending']);
    }
  }
  return out.sort((a, b) => a[0] - b[0]);
}

describe('forEachId', () => {
  it('visits what a brute-force walk finds, on seeded random states', () => {
    const state = fc.record({
      sets: fc.integer({ min: 1, max: 5 }),
      ops: fc.array(
        fc.record({
          kind: fc.constantFrom('alloc', 'alloc', 'alloc', 'free', 'pend'),
          set: fc.nat(4),
          // Clustered around page and chunk boundaries, and anywhere in the namespace.
          at: fc.oneof(
            fc.integer({ min: 0, max: 3 * 4096 + 100 }),
            fc.integer({ min: (1 << 22) - 50, max: (1 << 22) + 50 }),
            fc.integer({ min: 0, max: 0xfffffffe }),
          ),
        }),
        { maxLength: 300 },
      ),
      first: fc.integer({ min: 0, max: 0xffffffff }),
      span: fc.oneof(fc.nat(5000), fc.integer({ min: 0, max: 0xffffffff })),
    });
    fc.assert(
      fc.property(state, ({ sets, ops, first, span }) => {
        const space = new Space({ capacity: 0xffffffff });
        const sids = Array.from({ length: sets }, (_, i) => space.allocSet(`vm-${i}`, 1000));
        for (const op of ops) {
          const sid = sids[op.set % sids.length];
          if (op.kind === 'alloc') {
            space.tryAlloc(sid, op.at, 0xfffffffe);
            continue;
          }
          const ids = space.listIds(sid);
          if (ids.length === 0) continue;
          const id = ids[op.at % ids.length];
          if (op.kind === 'pend' && space.state(id) === 'active') space.get(id);
          space.free(id);
        }
        const last = Math.min(0xffffffff, first + span);
        const expected = bruteForce(space, first, last);
        expect(walk(space, first, last)).toEqual(expected);
        expect(runs(space, first, last)).toEqual(runsOf(expected));
        const ofSet = bruteForce(space, first, last, sids[0]);
        expect(walk(space, first, last, sids[0])).toEqual(ofSet);
        expect(runs(space, first, last, sids[0])).toEqual(runsOf(ofSet));
      }),
      { seed: 20_260_301, numRuns: 150 },
    );
  });

  it('finds IDs at the edges of pages and chunks, and at the top of the namespace', () => {
    const space = new Space({ capacity: 0xffffffff });
    const sid = space.allocSet('vm', 100);
    const edges = [0, 31, 32, 4095, 4096, 8191, (1 << 22) - 1, 1 << 22, 0xfffffffe];
    for (const id of edges) expect(space.alloc(sid, id, id)).toBe(id);
    expect(walk(space, 0, INVALID_IOASID).map((v) => v[0])).toEqual(edges);
    expect(walk(space, 31, 4096).map((v) => v[0])).toEqual([31, 32, 4095, 4096]);
    expect(walk(space, 1, 30)).toEqual([]);
    expect(walk(space, 4095, 4095)).toEqual([[4095, sid, false]]);
    expect(walk(space, 0xfffffffe, 0xffffffff)).toEqual([[0xfffffffe, sid, false]]);
  });

  it('reports free-pending IDs as pending, and only the given set with a sid', () => {
    const space = new Space({ capacity: 1000 });
    const a = space.allocSet('a', 10);
    const b = space.allocSet('b', 10);
    const ids = [space.alloc(a, 0, 99), space.alloc(b, 0, 99), space.alloc(a, 0, 99)];
    space.get(ids[2]);
    space.free(ids[2]);
    expect(walk(space, 0, 99)).toEqual([
      [ids[0], a, false],
      [ids[1], b, false],
      [ids[2], a, true],
    ]);
    expect(walk(space, 0, 99, b)).toEqual([[ids[1], b, false]]);
    expect(walk(space, ids[1] + 1, 99, b)).toEqual([]);
    const empty = space.allocSet('empty', 0);
    expect(walk(space, 0, 99, empty)).toEqual([]);
  });

  it('reports runs of one set and state, split at gaps, set changes and free-pending IDs', () => {
    const space = new Space({ capacity: 1 << 23 });
    const a = space.allocSet('a', 10_000);
    const b = space.allocSet('b', 10_000);
    for (let i = 0; i < 5000; i++) space.alloc(a, 0, 4999); // 0..4999 across a page boundary
    for (let i = 0; i < 3; i++) space.alloc(b, 5000, 5999); // 5000..5002
    space.alloc(a, (1 << 22) - 1, (1 << 22) - 1); // the last ID of a chunk
    space.alloc(a, 1 << 22, 1 << 22); // and the first of the next
    space.get(10);
    space.free(10);
    space.free(20);
    expect(runs(space, 0, 0xffffffff)).toEqual([
      [0, 9, a, false],
      [10, 10, a, true],
      [11, 19, a, false],
      [21, 4999, a, false],
      [5000, 5002, b, false],
      [(1 << 22) - 1, 1 << 22, a, false],
    ]);
    expect(runs(space, 4095, 5001, b)).toEqual([[5000, 5001, b, false]]);
    expect(runs(space, 15, 25)).toEqual([
      [15, 19, a, false],
      [21, 25, a, false],
    ]);
    const seen: Run[] = [];
    space.forEachIdRun(0, 0xffffffff, (from, to, sid, pending) => {
      seen.push([from, to, sid, pending]);
      return seen.length < 2;
    });
    expect(seen).toHaveLength(2);
  });

  it('stops when the visitor returns false', () => {
    const space = new Space({ capacity: 100 });
    const sid = space.allocSet('vm', 100);
    for (let i = 0; i < 10; i++) space.alloc(sid, 0, 99);
    const seen: number[] = [];
    space.forEachId(0, 99, (id) => {
      seen.push(id);
      return seen.length < 3;
    });
    expect(seen).toEqual([0, 1, 2]);
  });

  it('lets the visitor change the space: released IDs are skipped, the walk goes on', () => {
    const space = new Space({ capacity: 10_000 });
    const sid = space.allocSet('vm', 10_000);
    for (let i = 0; i < 5000; i++) space.alloc(sid, 0, 9999);
    const seen: number[] = [];
    space.forEachId(0, 9999, (id) => {
      seen.push(id);
      // Frees itself and the next ID: the page around 4096 empties and is reused as the walk goes on.
      space.free(id);
      if (space.idInfo(id + 1) !== undefined) space.free(id + 1);
    });
    expect(seen).toEqual(Array.from({ length: 2500 }, (_, i) => 2 * i));
    expect(space.size).toBe(0);
  });

  it('refuses a bad range, visitor or set, changing nothing', () => {
    const space = new Space({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    const visit = () => {};
    expect(expectIoasidError(() => space.forEachIdRun(5, 4, visit), 'EINVAL').reason).toBe('invalid-range');
    expect(
      expectIoasidError(() => space.forEachIdRun(0, 4, null as unknown as () => void), 'EINVAL').reason,
    ).toBe('invalid-callback');
    expect(expectIoasidError(() => space.forEachIdRun(0, 4, visit, sid + 1), 'ENOENT').reason).toBe('no-set');
    expect(expectIoasidError(() => space.forEachId(5, 4, visit), 'EINVAL').reason).toBe('invalid-range');
    expect(expectIoasidError(() => space.forEachId(-1, 4, visit), 'EINVAL').reason).toBe('invalid-range');
    expect(expectIoasidError(() => space.forEachId(0, 2 ** 32, visit), 'EINVAL').reason).toBe(
      'invalid-range',
    );
    expect(expectIoasidError(() => space.forEachId(0.5, 4, visit), 'EINVAL').reason).toBe('invalid-range');
    expect(
      expectIoasidError(() => space.forEachId(0, 4, 'no' as unknown as () => void), 'EINVAL').reason,
    ).toBe('invalid-callback');
    expect(expectIoasidError(() => space.forEachId(0, 4, visit, -2), 'EINVAL').reason).toBe('invalid-sid');
    expect(expectIoasidError(() => space.forEachId(0, 4, visit, sid + 1), 'ENOENT').reason).toBe('no-set');
  });
});
