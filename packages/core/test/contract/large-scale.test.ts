// Contract "IDs" at scale: a 2^20 namespace (VT-d PASIDs) filled lowest-free, emptied and refilled, and
// the top of the 32-bit namespace (IDs near 0xFFFFFFFF and around 3e9).

import { IoasidSpace, MAX_CAPACITY } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError, expectRefused } from '../support/errors.js';
import { structuralViolations } from '../support/tracker.js';

const MAX = 0xffffffff;
const N = 1 << 20;

describe('a 2^20-ID namespace', () => {
  it('hands out 0..2^20-1 in order, refuses the next, frees all and hands them out again in order', () => {
    const space = new IoasidSpace({ capacity: N });
    const sid = space.allocSet('vm', N);
    let wrong = -1;
    for (let i = 0; i < N; i++) {
      if (space.alloc(sid, 0, MAX) !== i && wrong < 0) wrong = i;
    }
    expect(wrong, 'first ID out of order').toBe(-1);
    expect(space.size).toBe(N);
    expect(space.getSet(sid).count).toBe(N);
    // (a full snapshot of a million IDs would dominate the run: check the counters instead)
    expectIoasidError(() => space.alloc(sid, 0, MAX), 'ENOSPC'); // quota
    expect([space.size, space.getSet(sid).count, space.available]).toEqual([N, N, 0]);
    for (let i = 0; i < N; i++) space.free(i);
    expect(space.size).toBe(0);
    expect(space.getSet(sid).count).toBe(0);
    for (let i = 0; i < N; i++) {
      if (space.alloc(sid, 0, MAX) !== i && wrong < 0) wrong = i;
    }
    expect(wrong, 'first ID out of order after refill').toBe(-1);
    const ids = space.listIds(sid);
    expect(ids.length).toBe(N);
    expect(ids[0]).toBe(0);
    expect(ids[N - 1]).toBe(N - 1);
  });

  it('refills holes lowest first and gives ENOSPC for a full range', () => {
    const space = new IoasidSpace({ capacity: N + 10 });
    const sid = space.allocSet('vm', N);
    for (let i = 0; i < N; i++) space.alloc(sid, 0, N - 1);
    space.adjustSet(sid, N + 10); // room in the quota: only the range is full
    expectIoasidError(() => space.alloc(sid, 0, N - 1), 'ENOSPC');
    expect(space.size).toBe(N);
    const holes = [N - 1, 4095, 4096, 777_777, 5, 65_536];
    for (const id of holes) space.free(id);
    const sorted = [...holes].sort((a, b) => a - b);
    for (const id of sorted) expect(space.alloc(sid, 0, N - 1)).toBe(id);
    expectIoasidError(() => space.alloc(sid, 0, N - 1), 'ENOSPC');
    expect(space.size).toBe(N);
    expect(space.alloc(sid, 0, MAX)).toBe(N); // beyond the range, the next ID is free
  });

  it('frees a full set with freeSet and returns its quota', () => {
    const space = new IoasidSpace({ capacity: N });
    const a = space.allocSet('a', N / 2);
    const b = space.allocSet('b', N / 2);
    for (let i = 0; i < N / 2; i++) {
      space.alloc(a, 0, MAX);
      space.alloc(b, 0, MAX);
    }
    expect(space.listIds(a).slice(0, 4)).toEqual([0, 2, 4, 6]);
    space.freeSet(a, true);
    expect(space.available).toBe(N / 2);
    expect(space.size).toBe(N / 2);
    expect(space.listIds(b).slice(0, 3)).toEqual([1, 3, 5]);
    expect(structuralViolations(space)).toEqual([]);
  });
});

describe('the top of the 32-bit namespace', () => {
  it('hands out 0xFFFFFFF0..0xFFFFFFFE for alloc(sid, 0xFFFFFFF0, 0xFFFFFFFF), then ENOSPC', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 100);
    const got: number[] = [];
    for (let i = 0; i < 15; i++) got.push(space.alloc(sid, 0xfffffff0, MAX));
    expect(got).toEqual(Array.from({ length: 15 }, (_, i) => 0xfffffff0 + i));
    expect(got.at(-1)).toBe(0xfffffffe);
    expectRefused(space, () => space.alloc(sid, 0xfffffff0, MAX), 'ENOSPC');
    expect(space.listIds(sid)).toEqual(got);
    for (const id of got) expect(space.findSid(id)).toBe(sid);
    space.free(0xfffffff7);
    expect(space.alloc(sid, 0xfffffff0, MAX)).toBe(0xfffffff7);
  });

  it('handles an ID around 3e9: alloc, lookups, listIds, references, spid and free', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 100);
    const id = 3_000_000_000;
    expect(space.alloc(sid, id, id, 'high')).toBe(id);
    expect(space.alloc(sid, 0, MAX)).toBe(0);
    expect(space.alloc(sid, id - 1, MAX)).toBe(id - 1);
    expect(space.alloc(sid, id - 1, MAX)).toBe(id + 1);
    expect(space.listIds(sid)).toEqual([0, id - 1, id, id + 1]);
    expect(space.findSid(id)).toBe(sid);
    expect(space.find(sid, id)).toBe('high');
    expect(space.state(id)).toBe('active');
    space.attachSpid(id, 7);
    expect(space.findBySpid(sid, 7)).toBe(id);
    space.get(id);
    space.free(id);
    expect(space.state(id)).toBe('free-pending');
    expect(space.listIds(sid)).toEqual([0, id - 1, id, id + 1]);
    expect(space.put(id)).toBe(true);
    expect(space.listIds(sid)).toEqual([0, id - 1, id + 1]);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
  });

  it('keeps IDs at both ends of the namespace apart in one set', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 10);
    const ids = [
      space.alloc(sid, 0xfffffffe, MAX),
      space.alloc(sid, 0, 0),
      space.alloc(sid, 0x80000000, MAX),
    ];
    expect(ids).toEqual([0xfffffffe, 0, 0x80000000]);
    expect(space.listIds(sid)).toEqual([0, 0x80000000, 0xfffffffe]);
    space.freeSet(sid, false);
    expect(space.size).toBe(0);
  });

  it('accepts the largest capacity and quota (2^32 - 1)', () => {
    const space = new IoasidSpace({ capacity: MAX_CAPACITY });
    const sid = space.allocSet('all', MAX_CAPACITY);
    expect(space.available).toBe(0);
    expect(space.alloc(sid, 0, MAX)).toBe(0);
    expect(space.alloc(sid, MAX - 1, MAX)).toBe(0xfffffffe);
  });
});
