// Contract "Capacity": the constructor option, installCapacity, and the capacity/available accounting
// (available + quotas of every existing set, dying ones included, == capacity).

import { IoasidSpace, MAX_CAPACITY } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError, expectRefused } from '../support/errors.js';

function quotaSum(space: IoasidSpace): number {
  return space.listSets().reduce((sum, s) => sum + s.quota, 0);
}

describe('new IoasidSpace(options)', () => {
  it('starts with no capacity installed (capacity and available are 0) when no capacity is given', () => {
    const space = new IoasidSpace();
    expect(space.capacity).toBe(0);
    expect(space.available).toBe(0);
    expect(space.listSets()).toEqual([]);
  });

  it('installs options.capacity at once', () => {
    const space = new IoasidSpace({ capacity: 1 << 20 });
    expect(space.capacity).toBe(1 << 20);
    expect(space.available).toBe(1 << 20);
  });

  it('accepts an empty options object like no options', () => {
    const space = new IoasidSpace({});
    expect(space.capacity).toBe(0);
  });

  it('throws EINVAL for a capacity that installCapacity would refuse', () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32, '16']) {
      expectIoasidError(() => new IoasidSpace({ capacity: bad as number }), 'EINVAL');
    }
  });
});

describe('installCapacity(total)', () => {
  it('sets capacity and available to total', () => {
    const space = new IoasidSpace();
    space.installCapacity(32768);
    expect(space.capacity).toBe(32768);
    expect(space.available).toBe(32768);
  });

  it('accepts the bounds 1 and 2^32-1', () => {
    const one = new IoasidSpace();
    one.installCapacity(1);
    expect(one.capacity).toBe(1);
    const max = new IoasidSpace();
    max.installCapacity(2 ** 32 - 1);
    expect(max.capacity).toBe(MAX_CAPACITY);
    expect(max.available).toBe(2 ** 32 - 1);
  });

  it('returns EBUSY when a capacity is already installed, by a call or by the constructor', () => {
    const space = new IoasidSpace();
    space.installCapacity(10);
    const error = expectRefused(space, () => space.installCapacity(20), 'EBUSY');
    expect(error.message).toContain('10');
    const built = new IoasidSpace({ capacity: 5 });
    expectRefused(built, () => built.installCapacity(5), 'EBUSY');
    expect(built.capacity).toBe(5);
  });

  it('returns EBUSY for a second install even after sets reserved and returned quota', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 10);
    space.freeSet(sid, true);
    expectRefused(space, () => space.installCapacity(10), 'EBUSY');
  });

  it('returns EINVAL for 0, negatives, non-integers, NaN, infinities, 2^32 and non-numbers, installing nothing', () => {
    const space = new IoasidSpace();
    for (const bad of [
      0,
      -0,
      -1,
      0.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 32,
      2 ** 53,
      '1',
      null,
      1n,
    ]) {
      const error = expectRefused(space, () => space.installCapacity(bad as number), 'EINVAL');
      expect(error.message).toContain(String(bad));
    }
    expect(space.capacity).toBe(0);
    space.installCapacity(3); // still installable after the refusals
    expect(space.capacity).toBe(3);
  });
});

describe('capacity and available', () => {
  it('are read-only', () => {
    const space = new IoasidSpace({ capacity: 8 });
    expect(() => {
      (space as unknown as { capacity: number }).capacity = 99;
    }).toThrow(TypeError);
    expect(() => {
      (space as unknown as { available: number }).available = 99;
    }).toThrow(TypeError);
    expect(space.capacity).toBe(8);
    expect(space.available).toBe(8);
  });

  it('keep available + sum of quotas == capacity through allocSet, adjustSet and freeSet', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const holds = () => expect(space.available + quotaSum(space)).toBe(space.capacity);
    const a = space.allocSet('a', 30);
    holds();
    expect(space.available).toBe(70);
    const b = space.allocSet('b', 0);
    holds();
    space.adjustSet(b, 50);
    holds();
    expect(space.available).toBe(20);
    space.adjustSet(a, 10);
    holds();
    expect(space.available).toBe(40);
    space.freeSet(a, false);
    holds();
    expect(space.available).toBe(40); // a set that is not destroyed keeps its quota
    space.freeSet(a, true);
    holds();
    expect(space.available).toBe(50);
    space.freeSet(b, true);
    holds();
    expect(space.available).toBe(100);
  });

  it('keep counting the quota of a dying set until its last ID is released', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const sid = space.allocSet('vm', 40);
    const id = space.alloc(sid, 0, 1000);
    space.get(id);
    space.freeSet(sid, true);
    expect(space.getSet(sid).dying).toBe(true);
    expect(space.available).toBe(60);
    expect(space.available + quotaSum(space)).toBe(space.capacity);
    space.put(id);
    expect(space.available).toBe(100);
    expect(space.listSets()).toEqual([]);
  });

  it('do not change when IDs are allocated and freed (quota is reserved, not consumed)', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 4);
    const ids = [space.alloc(sid, 0, 100), space.alloc(sid, 0, 100)];
    expect(space.available).toBe(6);
    for (const id of ids) space.free(id);
    expect(space.available).toBe(6);
    expect(space.capacity).toBe(10);
  });

  it('make allocSet fail with ENOSPC before a capacity is installed, except for quota 0', () => {
    const space = new IoasidSpace();
    expectRefused(space, () => space.allocSet('vm', 1), 'ENOSPC');
    const sid = space.allocSet('vm', 0);
    expect(space.getSet(sid).quota).toBe(0);
    expect(space.available).toBe(0);
  });
});
