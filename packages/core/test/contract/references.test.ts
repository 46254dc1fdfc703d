// Contract "IDs" (get/put) and the free-pending life cycle: references keep an ID from being handed
// out, FREE is emitted once per life, a put can release without FREE.

import { IoasidSpace } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError, expectRefused } from '../support/errors.js';
import { recordEvents } from '../support/events.js';
import { setup } from '../support/space.js';

describe('get(id, sid)', () => {
  it('takes a reference', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.get(id, sid);
    space.get(id, -1);
    expect(space.refCount(id)).toBe(4);
  });

  it('returns ENOENT for an ID that is not allocated', () => {
    const { space, sid } = setup();
    expectRefused(space, () => space.get(0), 'ENOENT');
    expectRefused(space, () => space.get(0, sid), 'ENOENT');
  });

  it('returns EACCES when sid is given and is not the ID set', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    const b = space.allocSet('b', 10);
    const id = space.alloc(a, 0, 99);
    const error = expectRefused(space, () => space.get(id, b), 'EACCES');
    expect(error.message).toContain(String(b));
    expectRefused(space, () => space.get(id, 42), 'EACCES');
  });

  it('skips the set check when sid is INVALID_IOASID_SET or omitted', () => {
    const space = new IoasidSpace({ capacity: 100 });
    const a = space.allocSet('a', 10);
    const id = space.alloc(a, 0, 99);
    space.get(id, -1);
    space.get(id);
    expect(space.refCount(id)).toBe(3);
  });

  it('returns EBUSY for a free-pending ID', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.free(id);
    expectRefused(space, () => space.get(id), 'EBUSY');
    expectRefused(space, () => space.get(id, sid), 'EBUSY');
  });
});

describe('put(id)', () => {
  it('drops a reference and returns false while others remain', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    expect(space.put(id)).toBe(false);
    expect(space.refCount(id)).toBe(1);
    expect(space.state(id)).toBe('active');
  });

  it("releases the ID without a FREE event when it drops the owner's only reference", () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    const rec = recordEvents(space);
    expect(space.put(id)).toBe(true);
    expect(rec.events).toEqual([]);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
    expect(space.getSet(sid).count).toBe(0);
    expect(space.alloc(sid, 0, 99)).toBe(id);
  });

  it('returns true when it drops the last reference of a free-pending ID, with no second FREE', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.get(id);
    const rec = recordEvents(space);
    space.free(id);
    expect(space.put(id)).toBe(false);
    expect(space.state(id)).toBe('free-pending');
    expect(space.put(id)).toBe(true);
    expect(rec.brief()).toEqual([`free:${id}`]);
    expectIoasidError(() => space.state(id), 'ENOENT');
  });

  it('returns ENOENT for an ID that is not allocated (also after it was released)', () => {
    const { space, sid } = setup();
    expectRefused(space, () => space.put(5), 'ENOENT');
    const id = space.alloc(sid, 0, 99);
    space.put(id);
    expectRefused(space, () => space.put(id), 'ENOENT');
    expectRefused(space, () => space.get(id), 'ENOENT');
  });
});

describe('free with references', () => {
  it('moves a referenced ID to free-pending and keeps it allocated and findable', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'd');
    space.get(id);
    space.free(id);
    expect(space.state(id)).toBe('free-pending');
    expect(space.findSid(id)).toBe(sid);
    expect(space.find(sid, id)).toBe('d');
    expect(space.listIds(sid)).toEqual([id]);
    expect(space.getSet(sid).count).toBe(1);
    expect(space.size).toBe(1);
  });

  it('emits FREE on every free, whether or not other references exist', () => {
    const { space, sid } = setup();
    const a = space.alloc(sid, 0, 99);
    const b = space.alloc(sid, 0, 99);
    space.get(b);
    const rec = recordEvents(space);
    space.free(a);
    space.free(b);
    expect(rec.brief()).toEqual([`free:${a}`, `free:${b}`]);
  });

  it('emits FREE once per ID life: a second free on a free-pending ID and a later put emit nothing', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    const rec = recordEvents(space);
    space.free(id);
    space.free(id);
    space.freeSet(sid, false);
    space.put(id);
    expect(rec.brief()).toEqual([`free:${id}`]);
    // the next life gets its own FREE
    expect(space.alloc(sid, id, id)).toBe(id);
    space.free(id);
    expect(rec.brief()).toEqual([`free:${id}`, `alloc:${id}`, `free:${id}`]);
  });

  it('does not hand the ID out again while it is referenced', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.free(id);
    expect(space.alloc(sid, 0, 99)).toBe(id + 1);
    expectRefused(space, () => space.alloc(sid, id, id), 'ENOSPC');
    expect(space.put(id)).toBe(true);
    expect(space.alloc(sid, id, id)).toBe(id);
  });

  it('counts a free-pending ID against its set quota until it is released', () => {
    const { space, sid } = setup(1);
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.free(id);
    expectRefused(space, () => space.alloc(sid, 0, 99), 'ENOSPC');
    space.put(id);
    expect(space.alloc(sid, 0, 99)).toBe(id);
  });

  it('does not let a put from inside the FREE delivery release the ID before the delivery ends', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    const results: unknown[] = [];
    space.addNotifier((event) => {
      if (event.type !== 'free') return;
      results.push(space.put(event.id), space.put(event.id));
    });
    const later: unknown[] = [];
    space.addNotifier((event) => {
      later.push(space.findSid(event.id));
    });
    space.free(id);
    expect(results).toEqual([false, false]);
    expect(later).toEqual([sid]);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
    expect(space.size).toBe(0);
  });

  it('releases the ID when the FREE delivery ends if every other reference was dropped during it', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.addNotifier((event) => {
      if (event.type === 'free') space.put(event.id);
    });
    space.free(id);
    expectIoasidError(() => space.state(id), 'ENOENT');
    expect(space.alloc(sid, 0, 99)).toBe(id);
  });

  it('keeps many references counted exactly (more than a byte can hold)', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    for (let i = 0; i < 300; i++) space.get(id);
    expect(space.refCount(id)).toBe(301);
    space.free(id);
    for (let i = 0; i < 299; i++) expect(space.put(id)).toBe(false);
    expect(space.state(id)).toBe('free-pending');
    expect(space.put(id)).toBe(true);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
  });
});
