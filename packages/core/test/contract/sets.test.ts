// Contract "Sets": allocSet, allocSystemSet, freeSet (with and without destroy, dying sets), findSid,
// adjustSet, getSet, listSets and listIds.

import { INVALID_IOASID_SET, IoasidSpace } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError, expectRefused } from '../support/errors.js';
import { recordEvents } from '../support/events.js';

const MAX = 0xffffffff;

describe('allocSet(token, quota)', () => {
  it('accepts any token other than null or undefined', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const tokens: unknown[] = [{}, 'vm-1', 42, Symbol('mm'), () => 0, 0, false, '', Number.NaN, 7n, []];
    const sids = tokens.map((token) => space.allocSet(token, 1));
    expect(sids).toEqual(tokens.map((_, i) => i));
    sids.forEach((sid, i) => {
      expect(Object.is(space.getSet(sid).token, tokens[i])).toBe(true);
    });
  });

  it('returns EINVAL for a null or undefined token', () => {
    const space = new IoasidSpace({ capacity: 100 });
    expectRefused(space, () => space.allocSet(null, 1), 'EINVAL');
    expectRefused(space, () => space.allocSet(undefined, 1), 'EINVAL');
  });

  it('returns EINVAL for a quota that is not an integer in 0..2^32-1', () => {
    const space = new IoasidSpace({ capacity: 100 });
    for (const bad of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32, '1', null]) {
      expectRefused(space, () => space.allocSet('vm', bad as number), 'EINVAL');
    }
  });

  it('reserves quota from available, up to exactly what is available', () => {
    const space = new IoasidSpace({ capacity: 100 });
    space.allocSet('a', 60);
    expect(space.available).toBe(40);
    space.allocSet('b', 40);
    expect(space.available).toBe(0);
  });

  it('returns ENOSPC when quota exceeds available, naming the values', () => {
    const space = new IoasidSpace({ capacity: 100 });
    space.allocSet('a', 60);
    const error = expectRefused(space, () => space.allocSet('b', 41), 'ENOSPC');
    expect(error.message).toContain('41');
    expect(error.message).toContain('40');
  });

  it('returns ENOSPC before a capacity is installed unless quota is 0', () => {
    const space = new IoasidSpace();
    expectRefused(space, () => space.allocSet('vm', 1), 'ENOSPC');
    expect(space.allocSet('vm', 0)).toBe(0);
  });

  it('returns EEXIST when a live set already has the token', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const vm = { name: 'vm' };
    space.allocSet(vm, 1);
    expectRefused(space, () => space.allocSet(vm, 1), 'EEXIST');
    space.allocSet('s', 1);
    expectRefused(space, () => space.allocSet('s', 1), 'EEXIST');
  });

  it('compares tokens with Object.is: NaN equals NaN, -0 differs from 0, equal-looking objects differ', () => {
    const space = new IoasidSpace({ capacity: 100 });
    space.allocSet(Number.NaN, 1);
    expectRefused(space, () => space.allocSet(Number.NaN, 1), 'EEXIST');
    const zero = space.allocSet(0, 1);
    const minusZero = space.allocSet(-0, 1);
    expect(minusZero).not.toBe(zero);
    expect(Object.is(space.getSet(minusZero).token, -0)).toBe(true);
    expect(Object.is(space.getSet(zero).token, 0)).toBe(true);
    expectRefused(space, () => space.allocSet(-0, 1), 'EEXIST');
    space.allocSet({ a: 1 }, 1);
    space.allocSet({ a: 1 }, 1);
  });

  it('returns ENOSPC (not EEXIST) when both the quota and the token are wrong', () => {
    const space = new IoasidSpace({ capacity: 10 });
    space.allocSet('vm', 5);
    expectRefused(space, () => space.allocSet('vm', 6), 'ENOSPC');
  });

  it('hands out the lowest unused set ID from 0 and reuses a destroyed set ID', () => {
    const space = new IoasidSpace({ capacity: 100 });
    expect([
      space.allocSet('a', 1),
      space.allocSet('b', 1),
      space.allocSet('c', 1),
      space.allocSet('d', 1),
    ]).toEqual([0, 1, 2, 3]);
    space.freeSet(2, true);
    space.freeSet(1, true);
    expect(space.allocSet('e', 1)).toBe(1);
    expect(space.allocSet('f', 1)).toBe(2);
    expect(space.allocSet('g', 1)).toBe(4);
  });

  it('allows quota 0: the set allocates nothing until adjusted', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 0);
    expectRefused(space, () => space.alloc(sid, 0, 100), 'ENOSPC');
    space.adjustSet(sid, 1);
    expect(space.alloc(sid, 0, 100)).toBe(0);
  });
});

describe('allocSystemSet(quota)', () => {
  it('reads as INVALID_IOASID_SET before the system set exists', () => {
    const space = new IoasidSpace({ capacity: 10 });
    expect(space.systemSid).toBe(INVALID_IOASID_SET);
    expect(INVALID_IOASID_SET).toBe(-1);
  });

  it('creates a set like allocSet with a private token and exposes it as systemSid', () => {
    const space = new IoasidSpace({ capacity: 100 });
    space.allocSet('vm', 10);
    const sid = space.allocSystemSet(50);
    expect(sid).toBe(1);
    expect(space.systemSid).toBe(sid);
    expect(space.getSet(sid)).toMatchObject({ sid, quota: 50, count: 0, dying: false });
    expect(space.available).toBe(40);
    const token = space.getSet(sid).token;
    expect(token === null || token === undefined).toBe(false);
    // the private token belongs to no caller: the usual names are free
    for (const name of ['system', 'SYSTEM', 'ioasid system set']) space.allocSet(name, 0);
  });

  it('returns EEXIST for a second call while the system set exists', () => {
    const space = new IoasidSpace({ capacity: 100 });
    space.allocSystemSet(10);
    expectRefused(space, () => space.allocSystemSet(10), 'EEXIST');
  });

  it('returns EEXIST while the system set is dying, and allows a new one once it is destroyed', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSystemSet(10);
    const id = space.alloc(sid, 0, 100);
    space.get(id);
    space.freeSet(sid, true);
    expect(space.getSet(sid).dying).toBe(true);
    expectRefused(space, () => space.allocSystemSet(10), 'EEXIST');
    space.put(id);
    expect(space.systemSid).toBe(INVALID_IOASID_SET);
    const again = space.allocSystemSet(10);
    expect(space.systemSid).toBe(again);
  });

  it('applies the quota rules of allocSet (ENOSPC, EINVAL)', () => {
    const space = new IoasidSpace({ capacity: 10 });
    expectRefused(space, () => space.allocSystemSet(11), 'ENOSPC');
    expectRefused(space, () => space.allocSystemSet(-1), 'EINVAL');
    expect(space.systemSid).toBe(INVALID_IOASID_SET);
  });
});

describe('freeSet(sid, destroy)', () => {
  it('returns ENOENT for an unknown set', () => {
    const space = new IoasidSpace({ capacity: 10 });
    expectRefused(space, () => space.freeSet(0, false), 'ENOENT');
    expectRefused(space, () => space.freeSet(7, true), 'ENOENT');
    const sid = space.allocSet('vm', 1);
    space.freeSet(sid, true);
    expectRefused(space, () => space.freeSet(sid, true), 'ENOENT');
  });

  it('frees every ID of the set in ascending order with one FREE event each', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    const b = space.allocSet('b', 10);
    const ids: number[] = [];
    ids.push(space.alloc(a, 50, 60), space.alloc(a, 10, 20), space.alloc(b, 0, 100), space.alloc(a, 30, 40));
    const rec = recordEvents(space);
    space.freeSet(a, false);
    expect(rec.brief()).toEqual(['free:10', 'free:30', 'free:50']);
    expect(rec.events.every((e) => e.sid === a && e.token === 'a')).toBe(true);
    expect(space.listIds(a)).toEqual([]);
    expect(space.listIds(b)).toEqual([0]);
  });

  it('keeps the set, its quota and token with destroy = false, holding only referenced IDs (free-pending)', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    const [x, y, z] = [space.alloc(sid, 0, 99), space.alloc(sid, 0, 99), space.alloc(sid, 0, 99)];
    space.get(y);
    space.freeSet(sid, false);
    expect(space.getSet(sid)).toEqual({ sid, token: 'vm', quota: 10, count: 1, dying: false });
    expect(space.listIds(sid)).toEqual([y]);
    expect(space.state(y)).toBe('free-pending');
    expectIoasidError(() => space.findSid(x), 'ENOENT');
    expectIoasidError(() => space.findSid(z), 'ENOENT');
    expect(space.available).toBe(90);
    expectRefused(space, () => space.allocSet('vm', 1), 'EEXIST'); // token still owned
    expect(space.alloc(sid, 0, 99)).toBe(x); // the set still works
  });

  it('emits no second FREE for free-pending IDs when run twice', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.freeSet(sid, false);
    const rec = recordEvents(space);
    space.freeSet(sid, false);
    expect(rec.events).toEqual([]);
    expect(space.state(id)).toBe('free-pending');
  });

  it('accepts an empty set', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 3);
    space.freeSet(sid, false);
    expect(space.getSet(sid).count).toBe(0);
    space.freeSet(sid, true);
    expect(space.listSets()).toEqual([]);
  });

  it('destroys at once when no ID is referenced: quota returns, set ID reusable', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    space.alloc(sid, 0, 99);
    space.alloc(sid, 0, 99);
    const rec = recordEvents(space);
    space.freeSet(sid, true);
    expect(rec.brief()).toEqual(['free:0', 'free:1']);
    expectIoasidError(() => space.getSet(sid), 'ENOENT');
    expect(space.available).toBe(100);
    expect(space.size).toBe(0);
    expect(space.allocSet('other', 1)).toBe(sid);
  });

  it('uses destroy = false when destroy is omitted', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    space.alloc(sid, 0, 99);
    space.freeSet(sid);
    expect(space.getSet(sid)).toMatchObject({ count: 0, dying: false, quota: 10 });
  });

  it('leaves the set dying while an ID is referenced: alloc, adjustSet and freeSet get ENOENT', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    const id = space.alloc(sid, 0, 99);
    space.alloc(sid, 0, 99);
    space.get(id);
    space.freeSet(sid, true);
    expect(space.getSet(sid)).toEqual({ sid, token: 'vm', quota: 10, count: 1, dying: true });
    expect(space.listSets().map((s) => s.sid)).toEqual([sid]);
    expect(space.listIds(sid)).toEqual([id]);
    expectRefused(space, () => space.alloc(sid, 0, 99), 'ENOENT');
    expectRefused(space, () => space.adjustSet(sid, 20), 'ENOENT');
    expectRefused(space, () => space.freeSet(sid, true), 'ENOENT');
    expectRefused(space, () => space.freeSet(sid, false), 'ENOENT');
    expect(space.available).toBe(90);
    // the set ID is not reusable while dying
    expect(space.allocSet('new', 1)).not.toBe(sid);
  });

  it('lets the token of a dying set be reused at once', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.freeSet(sid, true);
    const again = space.allocSet('vm', 10);
    expect(again).not.toBe(sid);
    expect(space.getSet(again)).toMatchObject({ token: 'vm', dying: false });
    expect(space.getSet(sid)).toMatchObject({ token: 'vm', dying: true });
  });

  it('completes the destruction when the last referenced ID is released', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    const a = space.alloc(sid, 0, 99);
    const b = space.alloc(sid, 0, 99);
    space.get(a);
    space.get(b);
    space.freeSet(sid, true);
    expect(space.put(a)).toBe(true);
    expect(space.getSet(sid)).toMatchObject({ dying: true, count: 1 });
    expect(space.available).toBe(90);
    expect(space.put(b)).toBe(true);
    expectIoasidError(() => space.getSet(sid), 'ENOENT');
    expect(space.available).toBe(100);
    expect(space.allocSet('next', 1)).toBe(sid);
  });

  it('returns EINVAL for a destroy flag that is not a boolean, and changes nothing', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    space.alloc(sid, 0, 99);
    for (const bad of [1, 0, 'true', null]) {
      expectRefused(space, () => space.freeSet(sid, bad as unknown as boolean), 'EINVAL');
    }
  });
});

describe('findSid(id)', () => {
  it('returns the set of an allocated ID, free-pending included', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    const b = space.allocSet('b', 10);
    const x = space.alloc(a, 0, 99);
    const y = space.alloc(b, 0, 99);
    expect(space.findSid(x)).toBe(a);
    expect(space.findSid(y)).toBe(b);
    space.get(y);
    space.free(y);
    expect(space.findSid(y)).toBe(b);
  });

  it('returns ENOENT for an ID that is not allocated', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('a', 10);
    expectRefused(space, () => space.findSid(0), 'ENOENT');
    const id = space.alloc(sid, 0, 99);
    space.free(id);
    expectRefused(space, () => space.findSid(id), 'ENOENT');
  });

  it('takes no reference', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('a', 10);
    const id = space.alloc(sid, 0, 99);
    for (let i = 0; i < 3; i++) space.findSid(id);
    expect(space.refCount(id)).toBe(1);
    space.free(id);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
  });
});

describe('adjustSet(sid, quota)', () => {
  it('returns ENOENT for an unknown set', () => {
    const space = new IoasidSpace({ capacity: 100 });
    expectRefused(space, () => space.adjustSet(0, 1), 'ENOENT');
  });

  it('changes available by old - quota, growing and shrinking', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    space.adjustSet(sid, 35);
    expect(space.available).toBe(65);
    expect(space.getSet(sid).quota).toBe(35);
    space.adjustSet(sid, 5);
    expect(space.available).toBe(95);
    space.adjustSet(sid, 5);
    expect(space.available).toBe(95);
  });

  it('returns EINVAL when the quota is below the IDs the set holds now (free-pending included)', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    const ids = [space.alloc(sid, 0, 99), space.alloc(sid, 0, 99), space.alloc(sid, 0, 99)];
    const error = expectRefused(space, () => space.adjustSet(sid, 2), 'EINVAL');
    expect(error.message).toContain('3');
    space.get(ids[0]);
    space.free(ids[0]);
    expect(space.getSet(sid).count).toBe(3);
    expectRefused(space, () => space.adjustSet(sid, 2), 'EINVAL');
  });

  it('always shrinks down to the count', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 90);
    space.alloc(sid, 0, 99);
    space.alloc(sid, 0, 99);
    space.allocSet('other', 10); // available is now 0
    expect(space.available).toBe(0);
    space.adjustSet(sid, 2);
    expect(space.getSet(sid)).toMatchObject({ quota: 2, count: 2 });
    expect(space.available).toBe(88);
    expectRefused(space, () => space.alloc(sid, 0, 99), 'ENOSPC');
  });

  it('returns ENOSPC when the growth exceeds available, and grows by exactly available', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 50);
    space.allocSet('b', 30);
    const error = expectRefused(space, () => space.adjustSet(a, 71), 'ENOSPC');
    expect(error.message).toContain('21');
    // the growth, not the new quota, is compared with available (quota 70 > available 20)
    space.adjustSet(a, 70);
    expect(space.available).toBe(0);
  });

  it('returns ENOENT for a dying set', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 10);
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.freeSet(sid, true);
    expectRefused(space, () => space.adjustSet(sid, 1), 'ENOENT');
  });
});

describe('getSet(sid)', () => {
  it('describes a set as { sid, token, quota, count, dying }', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const token = { vm: 1 };
    const sid = space.allocSet(token, 7);
    space.alloc(sid, 0, 99);
    const info = space.getSet(sid);
    expect(info).toEqual({ sid, token, quota: 7, count: 1, dying: false });
    expect(info.token).toBe(token);
  });

  it('counts free-pending IDs', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 7);
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.free(id);
    expect(space.getSet(sid).count).toBe(1);
    space.put(id);
    expect(space.getSet(sid).count).toBe(0);
  });

  it('returns ENOENT for an unknown set', () => {
    const space = new IoasidSpace({ capacity: 100 });
    expectRefused(space, () => space.getSet(0), 'ENOENT');
    expectRefused(space, () => space.getSet(123456), 'ENOENT');
  });

  it('returns a description that does not change the set when modified', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 7);
    const info = space.getSet(sid) as { quota: number };
    try {
      info.quota = 99;
    } catch {
      // a frozen description is fine too
    }
    expect(space.getSet(sid).quota).toBe(7);
    expect(space.available).toBe(93);
  });
});

describe('listSets() and listIds(sid)', () => {
  it('lists every existing set ascending by sid, dying ones included, as getSet describes it', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 1);
    const b = space.allocSet('b', 2);
    const c = space.allocSet('c', 3);
    space.freeSet(a, true);
    const id = space.alloc(c, 0, MAX);
    space.get(id);
    space.freeSet(c, true);
    const d = space.allocSet('d', 4); // reuses a's set ID
    expect(d).toBe(a);
    const list = space.listSets();
    expect(list.map((s) => s.sid)).toEqual([0, 1, 2]);
    expect(list).toEqual([space.getSet(d), space.getSet(b), space.getSet(c)]);
    expect(list[2].dying).toBe(true);
  });

  it('returns an empty list for a new space', () => {
    expect(new IoasidSpace().listSets()).toEqual([]);
  });

  it('lists the IDs of one set ascending, free-pending included', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    const b = space.allocSet('b', 10);
    for (const min of [40, 5, 70, 0]) space.alloc(a, min, 99);
    space.alloc(b, 0, 99);
    space.get(40);
    space.free(40);
    expect(space.listIds(a)).toEqual([0, 5, 40, 70]);
    expect(space.listIds(b)).toEqual([1]);
  });

  it('returns ENOENT for an unknown set', () => {
    const space = new IoasidSpace({ capacity: 100 });
    expectRefused(space, () => space.listIds(0), 'ENOENT');
  });
});
