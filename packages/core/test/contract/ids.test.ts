// Contract "IDs": alloc (range, clamp, quota, lowest free across the shared namespace, ALLOC), free,
// find, findSid, setData and state, plus the try* forms.

import { INVALID_IOASID, IoasidSpace, NEGATIVE_ERRNO, NOTIFY_BAD } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError, expectRefused } from '../support/errors.js';
import { recordEvents } from '../support/events.js';
import { setup } from '../support/space.js';

const MAX = 0xffffffff;

describe('alloc(sid, min, max, data)', () => {
  it('returns the lowest free ID in [min, max]', () => {
    const { space, sid } = setup();
    expect(space.alloc(sid, 0, MAX)).toBe(0);
    expect(space.alloc(sid, 0, MAX)).toBe(1);
    expect(space.alloc(sid, 10, 20)).toBe(10);
    expect(space.alloc(sid, 10, 20)).toBe(11);
    space.free(0);
    expect(space.alloc(sid, 0, MAX)).toBe(0);
    expect(space.alloc(sid, 0, MAX)).toBe(2);
  });

  it('may hand out ID 0', () => {
    const { space, sid } = setup();
    expect(space.alloc(sid, 0, 0)).toBe(0);
    expect(space.findSid(0)).toBe(sid);
  });

  it('shares one namespace between sets: the lowest free ID is searched across all of them', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    const b = space.allocSet('b', 10);
    expect(space.alloc(a, 0, 99)).toBe(0);
    expect(space.alloc(b, 0, 99)).toBe(1);
    expect(space.alloc(a, 0, 99)).toBe(2);
    expect(space.alloc(b, 1, 99)).toBe(3);
    space.free(1);
    expect(space.alloc(a, 0, 99)).toBe(1);
    expect(space.findSid(1)).toBe(a);
  });

  it('hands out exactly min when min == max and it is free', () => {
    const { space, sid } = setup();
    expect(space.alloc(sid, 12345, 12345)).toBe(12345);
    expectRefused(space, () => space.alloc(sid, 12345, 12345), 'ENOSPC');
  });

  it('clamps max 0xFFFFFFFF to 0xFFFFFFFE, so INVALID_IOASID is never handed out', () => {
    const { space, sid } = setup();
    expect(space.alloc(sid, 0xfffffffe, MAX)).toBe(0xfffffffe);
    expectRefused(space, () => space.alloc(sid, 0xfffffffe, MAX), 'ENOSPC');
    expectRefused(space, () => space.alloc(sid, MAX, MAX), 'ENOSPC');
    expect(INVALID_IOASID).toBe(MAX);
  });

  it('returns ENOSPC when no ID in [min, max] is free, naming the range', () => {
    const { space, sid } = setup();
    space.alloc(sid, 5, 6);
    space.alloc(sid, 5, 6);
    const error = expectRefused(space, () => space.alloc(sid, 5, 6), 'ENOSPC');
    expect(error.message).toContain('5');
    expect(error.message).toContain('6');
  });

  it('returns ENOSPC when the set already holds quota IDs, even if IDs are free', () => {
    const { space, sid } = setup(2);
    space.alloc(sid, 0, 99);
    space.alloc(sid, 0, 99);
    const error = expectRefused(space, () => space.alloc(sid, 0, 99), 'ENOSPC');
    expect(error.message).toContain('2');
    space.free(0);
    expect(space.alloc(sid, 0, 99)).toBe(0);
  });

  it('returns ENOENT for an unknown set and for a dying set', () => {
    const { space, sid } = setup();
    expectRefused(space, () => space.alloc(sid + 1, 0, 99), 'ENOENT');
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.freeSet(sid, true);
    expectRefused(space, () => space.alloc(sid, 0, 99), 'ENOENT');
  });

  it('returns EINVAL unless 0 <= min <= max <= 0xFFFFFFFF are integers', () => {
    const { space, sid } = setup();
    const ranges: [unknown, unknown][] = [
      [5, 4],
      [-1, 10],
      [0, 2 ** 32],
      [2 ** 32, 2 ** 32],
      [0.5, 10],
      [0, 10.5],
      [Number.NaN, 10],
      [0, Number.NaN],
      [0, Number.POSITIVE_INFINITY],
      [Number.NEGATIVE_INFINITY, 0],
      ['0', 10],
      [0, '10'],
      [null, 10],
      [0, undefined],
    ];
    for (const [min, max] of ranges) {
      expectRefused(space, () => space.alloc(sid, min as number, max as number), 'EINVAL');
    }
  });

  it('checks the set before the range (ENOENT for an unknown set with a bad range)', () => {
    const { space } = setup();
    expectRefused(space, () => space.alloc(50, 10, 5), 'ENOENT');
  });

  it('stores data for find, null by default', () => {
    const { space, sid } = setup();
    const data = { mm: 1 };
    const a = space.alloc(sid, 0, 99, data);
    const b = space.alloc(sid, 0, 99);
    expect(space.find(sid, a)).toBe(data);
    expect(space.find(sid, b)).toBeNull();
  });

  it('counts the new ID in its set and in size', () => {
    const { space, sid } = setup();
    space.alloc(sid, 0, 99);
    space.alloc(sid, 0, 99);
    expect(space.getSet(sid).count).toBe(2);
    expect(space.size).toBe(2);
    expect(space.listIds(sid)).toEqual([0, 1]);
  });

  it('emits ALLOC after the ID is allocated, with id, sid, token and data', () => {
    const { space, sid } = setup();
    const seen: unknown[] = [];
    space.addNotifier((event) => {
      seen.push({ ...event, findSid: space.findSid(event.id), found: space.find(sid, event.id) });
    });
    const id = space.alloc(sid, 7, 99, 'payload');
    expect(seen).toEqual([
      {
        type: 'alloc',
        id,
        sid,
        token: 'vm',
        data: 'payload',
        spid: INVALID_IOASID,
        findSid: sid,
        found: 'payload',
      },
    ]);
  });

  it('is not vetoed by a NOTIFY_BAD result', () => {
    const { space, sid } = setup();
    space.addNotifier(() => NOTIFY_BAD);
    const id = space.alloc(sid, 0, 99);
    expect(space.state(id)).toBe('active');
  });
});

describe('tryAlloc(sid, min, max, data)', () => {
  it('returns the ID like alloc, or a negative errno instead of throwing', () => {
    const { space, sid } = setup(1);
    expect(space.tryAlloc(sid, 3, 99, 'd')).toBe(3);
    expect(space.find(sid, 3)).toBe('d');
    expect(space.tryAlloc(sid, 0, 99)).toBe(NEGATIVE_ERRNO.ENOSPC);
    expect(space.tryAlloc(sid + 5, 0, 99)).toBe(NEGATIVE_ERRNO.ENOENT);
    expect(space.tryAlloc(sid, 9, 8)).toBe(NEGATIVE_ERRNO.EINVAL);
    expect(space.tryAlloc(-1, 0, 1)).toBe(NEGATIVE_ERRNO.EINVAL);
    expect(space.listIds(sid)).toEqual([3]);
  });
});

describe('free(id)', () => {
  it('returns ENOENT when the ID is not allocated', () => {
    const { space, sid } = setup();
    expectRefused(space, () => space.free(0), 'ENOENT');
    const id = space.alloc(sid, 0, 99);
    space.free(id);
    const error = expectRefused(space, () => space.free(id), 'ENOENT');
    expect(error.message).toContain(String(id));
  });

  it('releases an unreferenced ID so it can be handed out again', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.free(id);
    expect(space.size).toBe(0);
    expect(space.getSet(sid).count).toBe(0);
    expect(space.alloc(sid, 0, 99)).toBe(id);
  });

  it('makes no ownership check: any caller may free any set ID', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    space.allocSet('b', 10);
    const id = space.alloc(a, 0, 99);
    space.free(id);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
  });

  it('emits FREE while the ID is still allocated and findable, then releases it', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'data');
    const seen: unknown[] = [];
    space.addNotifier((event) => {
      seen.push([event.type, event.id, event.data, space.findSid(event.id), space.find(sid, event.id)]);
      seen.push(space.state(event.id));
    });
    space.free(id);
    expect(seen).toEqual([['free', id, 'data', sid, 'data'], 'free-pending']);
    expectIoasidError(() => space.state(id), 'ENOENT');
  });

  it('is not vetoed by a NOTIFY_BAD result', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.addNotifier(() => NOTIFY_BAD);
    space.free(id);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
  });

  it('does nothing on a free-pending ID: one FREE per ID life', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    const rec = recordEvents(space);
    space.free(id);
    space.free(id);
    space.free(id);
    expect(rec.brief()).toEqual([`free:${id}`]);
    expect(space.state(id)).toBe('free-pending');
    expect(space.refCount(id)).toBe(1);
  });
});

describe('tryFree(id)', () => {
  it('returns 0 on success and a negative errno instead of throwing', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    expect(space.tryFree(id)).toBe(0);
    expect(space.tryFree(id)).toBe(NEGATIVE_ERRNO.ENOENT);
    expect(space.tryFree(-1)).toBe(NEGATIVE_ERRNO.EINVAL);
    expect(space.tryFree(1.5)).toBe(NEGATIVE_ERRNO.EINVAL);
    expect(space.tryFree(INVALID_IOASID)).toBe(NEGATIVE_ERRNO.EINVAL);
  });
});

describe('find(sid, id, getter)', () => {
  it("returns the ID's data, or null when none", () => {
    const { space, sid } = setup();
    const data = { pasid: true };
    const a = space.alloc(sid, 0, 99, data);
    const b = space.alloc(sid, 0, 99);
    expect(space.find(sid, a)).toBe(data);
    expect(space.find(sid, b)).toBeNull();
  });

  it('returns ENOENT when the ID is not allocated', () => {
    const { space, sid } = setup();
    expectRefused(space, () => space.find(sid, 0), 'ENOENT');
    expectRefused(space, () => space.find(-1, 42), 'ENOENT');
  });

  it('returns EACCES when the ID belongs to another set, naming both sets', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    const b = space.allocSet('b', 10);
    const id = space.alloc(a, 20, 99);
    const error = expectRefused(space, () => space.find(b, id), 'EACCES');
    expect(error.message).toContain(String(id));
    expect(error.message).toContain(String(b));
    // a valid set ID with no set behind it: the ID still belongs to another set
    expectRefused(space, () => space.find(17, id), 'EACCES');
  });

  it('skips the ownership check with INVALID_IOASID_SET (-1)', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'x');
    expect(space.find(-1, id)).toBe('x');
  });

  it('calls the getter once with the data; a false result makes find return null', () => {
    const { space, sid } = setup();
    const data = { n: 1 };
    const id = space.alloc(sid, 0, 99, data);
    const calls: unknown[] = [];
    expect(
      space.find(sid, id, (d) => {
        calls.push(d);
        return true;
      }),
    ).toBe(data);
    expect(
      space.find(sid, id, (d) => {
        calls.push(d);
        return false;
      }),
    ).toBeNull();
    expect(calls).toEqual([data, data]);
  });

  it('calls the getter with null when the ID has no data', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    const calls: unknown[] = [];
    space.find(sid, id, (d) => {
      calls.push(d);
      return true;
    });
    expect(calls).toEqual([null]);
  });

  it('still finds free-pending IDs', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'still');
    space.get(id);
    space.free(id);
    expect(space.find(sid, id)).toBe('still');
  });

  it('takes no reference', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'x');
    space.find(sid, id);
    space.find(-1, id, () => true);
    expect(space.refCount(id)).toBe(1);
  });

  it('does not call the getter when the lookup fails', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    const b = space.allocSet('b', 10);
    const id = space.alloc(a, 0, 99);
    let calls = 0;
    const getter = () => {
      calls++;
      return true;
    };
    expectIoasidError(() => space.find(b, id, getter), 'EACCES');
    expectIoasidError(() => space.find(a, id + 1, getter), 'ENOENT');
    expect(calls).toBe(0);
  });
});

describe('setData(id, data)', () => {
  it("replaces the ID's data", () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'old');
    space.setData(id, 'new');
    expect(space.find(sid, id)).toBe('new');
    const obj = {};
    space.setData(id, obj);
    expect(space.find(sid, id)).toBe(obj);
  });

  it('clears the data with null (and undefined)', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'old');
    space.setData(id, null);
    expect(space.find(sid, id)).toBeNull();
    space.setData(id, 'again');
    space.setData(id, undefined);
    expect(space.find(sid, id)).toBeNull();
  });

  it('returns ENOENT for an ID that is not allocated', () => {
    const { space } = setup();
    expectRefused(space, () => space.setData(3, 'x'), 'ENOENT');
  });

  it('shows the new data in later events', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'a');
    space.setData(id, 'b');
    const rec = recordEvents(space);
    space.free(id);
    expect(rec.events[0].data).toBe('b');
  });

  it('does not leak data to the next life of the ID', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'first');
    space.free(id);
    expect(space.alloc(sid, id, id)).toBe(id);
    expect(space.find(sid, id)).toBeNull();
  });
});

describe('state(id)', () => {
  it("returns 'active', then 'free-pending' once freed while referenced", () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    expect(space.state(id)).toBe('active');
    space.get(id);
    expect(space.state(id)).toBe('active');
    space.free(id);
    expect(space.state(id)).toBe('free-pending');
  });

  it('returns ENOENT for an ID that is not allocated', () => {
    const { space, sid } = setup();
    expectRefused(space, () => space.state(0), 'ENOENT');
    const id = space.alloc(sid, 0, 99);
    space.free(id);
    expectRefused(space, () => space.state(id), 'ENOENT');
  });
});
