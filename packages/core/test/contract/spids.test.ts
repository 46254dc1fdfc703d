// Contract "Guest IDs": attachSpid, detachSpid, findBySpid, spidOf, and the BIND/UNBIND events.

import { INVALID_IOASID, IoasidSpace } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError, expectRefused } from '../support/errors.js';
import { recordEvents } from '../support/events.js';
import { setup } from '../support/space.js';

describe('attachSpid(id, spid)', () => {
  it("maps the guest's spid to the host ID inside the ID's set", () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 100, 999);
    space.attachSpid(id, 7);
    expect(space.findBySpid(sid, 7)).toBe(id);
    expect(space.spidOf(id)).toBe(7);
  });

  it('accepts spid 0 and 0xFFFFFFFE', () => {
    const { space, sid } = setup();
    const a = space.alloc(sid, 0, 999);
    const b = space.alloc(sid, 0, 999);
    space.attachSpid(a, 0);
    space.attachSpid(b, 0xfffffffe);
    expect(space.findBySpid(sid, 0)).toBe(a);
    expect(space.findBySpid(sid, 0xfffffffe)).toBe(b);
  });

  it('returns ENOENT for an ID that is not allocated', () => {
    const { space } = setup();
    expectRefused(space, () => space.attachSpid(5, 1), 'ENOENT');
  });

  it('returns EINVAL for a bad spid', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    for (const bad of [-1, INVALID_IOASID, 2 ** 32, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', null]) {
      expectRefused(space, () => space.attachSpid(id, bad as number), 'EINVAL');
    }
  });

  it('returns EINVAL when the spid is already mapped to another ID of the same set', () => {
    const { space, sid } = setup();
    const a = space.alloc(sid, 0, 999);
    const b = space.alloc(sid, 0, 999);
    space.attachSpid(a, 9);
    const error = expectRefused(space, () => space.attachSpid(b, 9), 'EINVAL');
    expect(error.message).toContain('9');
  });

  it('returns EBUSY for a free-pending ID', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    space.get(id);
    space.free(id);
    expectRefused(space, () => space.attachSpid(id, 1), 'EBUSY');
  });

  it('lets two sets use the same spid', () => {
    const { space, sid } = setup();
    const other = space.allocSet('vm2', 10);
    const a = space.alloc(sid, 0, 999);
    const b = space.alloc(other, 0, 999);
    space.attachSpid(a, 5);
    space.attachSpid(b, 5);
    expect(space.findBySpid(sid, 5)).toBe(a);
    expect(space.findBySpid(other, 5)).toBe(b);
  });

  it('replaces the old mapping when re-attached, emitting BIND with the new spid', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999, 'd');
    space.attachSpid(id, 1);
    const rec = recordEvents(space);
    space.attachSpid(id, 2);
    expect(space.spidOf(id)).toBe(2);
    expect(space.findBySpid(sid, 2)).toBe(id);
    expectIoasidError(() => space.findBySpid(sid, 1), 'ENOENT');
    expect(rec.events).toEqual([{ type: 'bind', id, sid, token: 'vm', data: 'd', spid: 2 }]);
    // the old spid is free for another ID of the set
    const other = space.alloc(sid, 0, 999);
    space.attachSpid(other, 1);
    expect(space.findBySpid(sid, 1)).toBe(other);
  });

  it('emits BIND again when the same spid is attached again', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    const rec = recordEvents(space);
    space.attachSpid(id, 3);
    space.attachSpid(id, 3);
    expect(rec.events.map((e) => [e.type, e.spid])).toEqual([
      ['bind', 3],
      ['bind', 3],
    ]);
    expect(space.findBySpid(sid, 3)).toBe(id);
  });

  it('emits BIND after the mapping is in place', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    const seen: unknown[] = [];
    space.addNotifier((event) => {
      seen.push([event.type, event.spid, space.findBySpid(sid, event.spid), space.spidOf(event.id)]);
    });
    space.attachSpid(id, 11);
    expect(seen).toEqual([['bind', 11, id, 11]]);
  });
});

describe('detachSpid(id)', () => {
  it('emits UNBIND carrying the old spid, with the mapping still visible, then removes it', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999, 'd');
    space.attachSpid(id, 4);
    const seen: unknown[] = [];
    space.addNotifier((event) => {
      seen.push({ ...event, mapped: space.findBySpid(sid, 4), spidOf: space.spidOf(id) });
    });
    space.detachSpid(id);
    expect(seen).toEqual([
      { type: 'unbind', id, sid, token: 'vm', data: 'd', spid: 4, mapped: id, spidOf: 4 },
    ]);
    expect(space.spidOf(id)).toBe(INVALID_IOASID);
    expectIoasidError(() => space.findBySpid(sid, 4), 'ENOENT');
  });

  it('returns ENOENT for an unknown ID or an ID with no spid attached', () => {
    const { space, sid } = setup();
    expectRefused(space, () => space.detachSpid(8), 'ENOENT');
    const id = space.alloc(sid, 0, 999);
    expectRefused(space, () => space.detachSpid(id), 'ENOENT');
    space.attachSpid(id, 1);
    space.detachSpid(id);
    expectRefused(space, () => space.detachSpid(id), 'ENOENT');
  });

  it('works on a free-pending ID', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    space.attachSpid(id, 6);
    space.get(id);
    space.free(id);
    const rec = recordEvents(space);
    space.detachSpid(id);
    expect(rec.events.map((e) => [e.type, e.spid])).toEqual([['unbind', 6]]);
    expect(space.spidOf(id)).toBe(INVALID_IOASID);
  });
});

describe('releasing an ID', () => {
  it('removes its mapping without an UNBIND event', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    space.attachSpid(id, 12);
    const rec = recordEvents(space);
    space.free(id);
    expect(rec.events.map((e) => e.type)).toEqual(['free']);
    expect(rec.events[0].spid).toBe(12);
    expectIoasidError(() => space.findBySpid(sid, 12), 'ENOENT');
    // the spid can be mapped again, and the next life of the ID has no spid
    const again = space.alloc(sid, id, id);
    expect(space.spidOf(again)).toBe(INVALID_IOASID);
    space.attachSpid(again, 12);
  });

  it('keeps the mapping of a free-pending ID until it is released', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    space.attachSpid(id, 13);
    space.get(id);
    space.free(id);
    expect(space.findBySpid(sid, 13)).toBe(id);
    expect(space.spidOf(id)).toBe(13);
    space.put(id);
    expectIoasidError(() => space.findBySpid(sid, 13), 'ENOENT');
  });

  it('removes the mappings of every ID freed by freeSet', () => {
    const { space, sid } = setup();
    for (let spid = 0; spid < 5; spid++) space.attachSpid(space.alloc(sid, 0, 999), 100 + spid);
    space.freeSet(sid, false);
    for (let spid = 0; spid < 5; spid++) expectIoasidError(() => space.findBySpid(sid, 100 + spid), 'ENOENT');
  });
});

describe('findBySpid(sid, spid)', () => {
  it('returns ENOENT for an unknown set or a spid with no mapping', () => {
    const { space, sid } = setup();
    expectRefused(space, () => space.findBySpid(sid + 1, 0), 'ENOENT');
    expectRefused(space, () => space.findBySpid(sid, 0), 'ENOENT');
    const id = space.alloc(sid, 0, 999);
    space.attachSpid(id, 1);
    expectRefused(space, () => space.findBySpid(sid, 2), 'ENOENT');
  });

  it('looks up only the given set', () => {
    const { space, sid } = setup();
    const other = space.allocSet('vm2', 10);
    space.attachSpid(space.alloc(sid, 0, 999), 77);
    expectRefused(space, () => space.findBySpid(other, 77), 'ENOENT');
  });

  it('works on a dying set', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    space.attachSpid(id, 21);
    space.get(id);
    space.freeSet(sid, true);
    expect(space.getSet(sid).dying).toBe(true);
    expect(space.findBySpid(sid, 21)).toBe(id);
  });

  it('finds every one of many mappings (a direct map, not a scan; speed is left to the benchmarks)', () => {
    const space = new IoasidSpace({ capacity: 1 << 16 });
    const sid = space.allocSet('vm', 1 << 16);
    for (let i = 0; i < 10_000; i++) space.attachSpid(space.alloc(sid, 0, 0xffffffff), 10_000 - i);
    let wrong = 0;
    for (let i = 0; i < 10_000; i++) if (space.findBySpid(sid, 10_000 - i) !== i) wrong++;
    expect(wrong).toBe(0);
  });
});

describe('spidOf(id)', () => {
  it('returns INVALID_IOASID when no spid is attached', () => {
    const { space, sid } = setup();
    expect(space.spidOf(space.alloc(sid, 0, 999))).toBe(INVALID_IOASID);
  });

  it('returns ENOENT for an unknown ID', () => {
    const { space } = setup();
    expectRefused(space, () => space.spidOf(0), 'ENOENT');
  });

  it('is carried by every event of the ID', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 999);
    space.attachSpid(id, 31);
    const rec = recordEvents(space);
    space.notify(id, 'custom');
    space.free(id);
    expect(rec.events.map((e) => [e.type, e.spid])).toEqual([
      ['custom', 31],
      ['free', 31],
    ]);
  });
});
