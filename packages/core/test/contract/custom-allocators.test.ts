// Contract "Custom allocators": registerAllocator / unregisterAllocator, sharing by function pair,
// waiting allocators, and alloc/release through ops.alloc / ops.free with their error cases.

import { INVALID_IOASID, type IoasidAllocatorOps } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError, expectRefused } from '../support/errors.js';
import { recordEvents, spaceWithErrorLog } from '../support/events.js';

/** A host-side allocator (the VT-d virtual command interface), with a log of every call. */
function hostAllocator(start = 1000) {
  const used = new Set<number>();
  const calls: string[] = [];
  const alloc = (min: number, max: number, pdata: unknown): number => {
    calls.push(`alloc(${min},${max},${String(pdata)})`);
    for (let id = Math.max(min, start); id <= max; id++) {
      if (!used.has(id)) {
        used.add(id);
        return id;
      }
    }
    return INVALID_IOASID;
  };
  const free = (id: number, pdata: unknown): void => {
    calls.push(`free(${id},${String(pdata)})`);
    used.delete(id);
  };
  return { used, calls, alloc, free, ops: (pdata?: unknown): IoasidAllocatorOps => ({ alloc, free, pdata }) };
}

/** Ops whose alloc returns the given values in turn. */
function scripted(results: number[]) {
  const calls: string[] = [];
  const ops: IoasidAllocatorOps = {
    alloc: (min, max) => {
      calls.push(`alloc(${min},${max})`);
      return results.shift() as number;
    },
    free: (id) => {
      calls.push(`free(${id})`);
    },
  };
  return { ops, calls };
}

function setup() {
  const { space, errors } = spaceWithErrorLog(1 << 20);
  const sid = space.allocSet('vm', 100);
  return { space, sid, errors };
}

describe('registerAllocator(ops)', () => {
  it('activates the first custom allocator at once: alloc asks ops.alloc(min, max, pdata)', () => {
    const { space, sid } = setup();
    const host = hostAllocator();
    space.registerAllocator(host.ops('vcmd'));
    expect(space.alloc(sid, 0, 5000, 'data')).toBe(1000);
    expect(host.calls).toEqual(['alloc(0,5000,vcmd)']);
    expect(space.findSid(1000)).toBe(sid);
    expect(space.find(sid, 1000)).toBe('data');
  });

  it('returns EEXIST for ops already registered', () => {
    const { space } = setup();
    const ops = hostAllocator().ops();
    space.registerAllocator(ops);
    expectRefused(space, () => space.registerAllocator(ops), 'EEXIST');
  });

  it('returns EAGAIN for the first custom allocator while the default allocator has IDs outstanding', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 10);
    const host = hostAllocator();
    expectRefused(space, () => space.registerAllocator(host.ops()), 'EAGAIN');
    space.get(id);
    space.free(id);
    expect(space.state(id)).toBe('free-pending');
    expectRefused(space, () => space.registerAllocator(host.ops()), 'EAGAIN');
    space.put(id);
    space.registerAllocator(host.ops());
    expect(space.alloc(sid, 0, 5000)).toBe(1000);
  });

  it('returns EINVAL for ops without alloc and free functions', () => {
    const { space } = setup();
    for (const bad of [
      null,
      undefined,
      1,
      {},
      { alloc: () => 1 },
      { free: () => undefined },
      { alloc: 1, free: 2 },
    ]) {
      expectRefused(space, () => space.registerAllocator(bad as unknown as IoasidAllocatorOps), 'EINVAL');
    }
  });

  it('lets ops with the same alloc and free functions share the allocator and its IDs', () => {
    const { space, sid } = setup();
    const host = hostAllocator();
    const first = host.ops('first');
    const second = host.ops('second');
    space.registerAllocator(first);
    space.registerAllocator(second); // joins, no EAGAIN although nothing changes
    const a = space.alloc(sid, 0, 5000);
    space.unregisterAllocator(first); // the shared allocator stays active with `second`
    const b = space.alloc(sid, 0, 5000);
    expect([a, b]).toEqual([1000, 1001]);
    expect(host.calls).toEqual(['alloc(0,5000,first)', 'alloc(0,5000,second)']);
    space.free(a);
    expect(host.calls.at(-1)).toBe('free(1000,second)');
  });

  it('makes other ops wait in registration order; they may be registered while IDs are out', () => {
    const { space, sid } = setup();
    const h1 = hostAllocator(1000);
    const h2 = hostAllocator(2000);
    const h3 = hostAllocator(3000);
    space.registerAllocator(h1.ops());
    const id = space.alloc(sid, 0, 5000);
    space.registerAllocator(h2.ops());
    space.registerAllocator(h3.ops());
    expect(space.alloc(sid, 0, 5000)).toBe(1001);
    expect(h2.calls).toEqual([]);
    space.free(id);
    space.free(1001);
    expect(h1.calls.filter((c) => c.startsWith('free'))).toHaveLength(2);
    expect(h2.calls).toEqual([]);
  });
});

describe('unregisterAllocator(ops)', () => {
  it('returns ENOENT for ops that are not registered, matching by identity', () => {
    const { space } = setup();
    const host = hostAllocator();
    expectRefused(space, () => space.unregisterAllocator(host.ops()), 'ENOENT');
    space.registerAllocator(host.ops('a'));
    // another object with the same functions is not the registered ops
    expectRefused(space, () => space.unregisterAllocator(host.ops('a')), 'ENOENT');
  });

  it('activates the next registered allocator, then the default allocator, when the active one is removed', () => {
    const { space, sid } = setup();
    const h1 = hostAllocator(1000);
    const h2 = hostAllocator(2000);
    const o1 = h1.ops();
    const o2 = h2.ops();
    space.registerAllocator(o1);
    space.registerAllocator(o2);
    space.unregisterAllocator(o1);
    expect(space.alloc(sid, 0, 5000)).toBe(2000);
    space.free(2000);
    space.unregisterAllocator(o2);
    expect(space.alloc(sid, 0, 5000)).toBe(0); // the default allocator, lowest free
    expect(h1.calls).toEqual([]);
  });

  it('removes a waiting allocator without changing the active one', () => {
    const { space, sid } = setup();
    const h1 = hostAllocator(1000);
    const h2 = hostAllocator(2000);
    const o2 = h2.ops();
    space.registerAllocator(h1.ops());
    space.registerAllocator(o2);
    space.alloc(sid, 0, 5000);
    space.unregisterAllocator(o2);
    expect(space.alloc(sid, 0, 5000)).toBe(1001);
  });

  it('returns EBUSY for the last ops of the active allocator while it has IDs out (no orphaned IDs)', () => {
    const { space, sid } = setup();
    const host = hostAllocator();
    const ops = host.ops();
    space.registerAllocator(ops);
    const id = space.alloc(sid, 0, 5000);
    expectRefused(space, () => space.unregisterAllocator(ops), 'EBUSY');
    space.free(id);
    space.unregisterAllocator(ops);
  });
});

describe('alloc through a custom allocator', () => {
  it('returns ENOSPC when ops.alloc returns INVALID_IOASID', () => {
    const { space, sid } = setup();
    const { ops, calls } = scripted([INVALID_IOASID]);
    space.registerAllocator(ops);
    expectRefused(space, () => space.alloc(sid, 0, 10), 'ENOSPC');
    expect(calls).toEqual(['alloc(0,10)']);
  });

  it('returns EINVAL after ops.free when the result is outside [min, max]', () => {
    for (const bad of [11, 4]) {
      const { space, sid } = setup();
      const { ops, calls } = scripted([bad]);
      space.registerAllocator(ops);
      const rec = recordEvents(space);
      const error = expectRefused(space, () => space.alloc(sid, 5, 10), 'EINVAL', rec.events);
      expect(error.message).toContain(String(bad));
      expect(calls).toEqual(['alloc(5,10)', `free(${bad})`]);
    }
  });

  it('returns EINVAL after ops.free when the result is already allocated', () => {
    const { space, sid } = setup();
    const { ops, calls } = scripted([7, 7]);
    space.registerAllocator(ops);
    expect(space.alloc(sid, 0, 10)).toBe(7);
    expectRefused(space, () => space.alloc(sid, 0, 10), 'EINVAL');
    expect(calls).toEqual(['alloc(0,10)', 'alloc(0,10)', 'free(7)']);
    expect(space.state(7)).toBe('active');
  });

  it('returns EINVAL when the result is not an ID at all', () => {
    for (const bad of [1.5, -3, Number.NaN, '5']) {
      const { space, sid } = setup();
      const { ops } = scripted([bad as number]);
      space.registerAllocator(ops);
      expectRefused(space, () => space.alloc(sid, 0, 10), 'EINVAL');
    }
  });

  it('applies quotas and sets: ops.alloc is not asked for an unknown set or a set at quota', () => {
    const { space } = setup();
    const small = space.allocSet('small', 1);
    const host = hostAllocator();
    space.registerAllocator(host.ops());
    expectRefused(space, () => space.alloc(99, 0, 5000), 'ENOENT');
    space.alloc(small, 0, 5000);
    expectRefused(space, () => space.alloc(small, 0, 5000), 'ENOSPC');
    expect(host.calls).toEqual(['alloc(0,5000,undefined)']);
    expect(space.getSet(small).count).toBe(1);
    expect(space.listIds(small)).toEqual([1000]);
  });

  it('passes the clamped max (0xFFFFFFFE) to ops.alloc', () => {
    const { space, sid } = setup();
    const host = hostAllocator();
    space.registerAllocator(host.ops('p'));
    space.alloc(sid, 0, 0xffffffff);
    expect(host.calls).toEqual([`alloc(0,${0xfffffffe},p)`]);
  });

  it('emits ALLOC and FREE for IDs of a custom allocator like for the default one', () => {
    const { space, sid } = setup();
    space.registerAllocator(hostAllocator().ops());
    const rec = recordEvents(space);
    const id = space.alloc(sid, 0, 5000);
    space.free(id);
    expect(rec.brief()).toEqual([`alloc:${id}`, `free:${id}`]);
  });

  it('returns EAGAIN after ops.free when ops.alloc changed the set or the allocator by re-entering the space', () => {
    const { space, sid } = setup();
    const calls: string[] = [];
    let reenter: (() => void) | null = null;
    const ops: IoasidAllocatorOps = {
      alloc: () => {
        calls.push('alloc');
        reenter?.();
        return 1234;
      },
      free: (id) => {
        calls.push(`free(${id})`);
      },
    };
    space.registerAllocator(ops);
    reenter = () => {
      reenter = null;
      space.freeSet(sid, true);
    };
    expectIoasidError(() => space.alloc(sid, 0, 5000), 'EAGAIN');
    expect(calls).toEqual(['alloc', 'free(1234)']);
    expect(space.size).toBe(0);
    const other = space.allocSet('other', 1);
    reenter = () => {
      reenter = null;
      space.adjustSet(other, 0);
    };
    expectIoasidError(() => space.alloc(other, 0, 5000), 'EAGAIN');
    expect(space.getSet(other).count).toBe(0);
  });
});

describe('release through a custom allocator', () => {
  it('calls ops.free(id, pdata) when an ID is released by free, put or freeSet', () => {
    const { space, sid } = setup();
    const host = hostAllocator();
    space.registerAllocator(host.ops('pd'));
    const [a, b, c] = [space.alloc(sid, 0, 5000), space.alloc(sid, 0, 5000), space.alloc(sid, 0, 5000)];
    host.calls.length = 0;
    space.free(a);
    expect(host.calls).toEqual([`free(${a},pd)`]);
    space.get(b);
    space.free(b);
    expect(host.calls).toHaveLength(1); // still referenced: not released yet
    space.put(b);
    expect(host.calls.at(-1)).toBe(`free(${b},pd)`);
    space.freeSet(sid, true);
    expect(host.calls.at(-1)).toBe(`free(${c},pd)`);
    expect(host.used.size).toBe(0);
  });

  it('calls ops.free only after the FREE event (the ID is still allocated during it)', () => {
    const { space, sid } = setup();
    const host = hostAllocator();
    space.registerAllocator(host.ops());
    const id = space.alloc(sid, 0, 5000);
    const seen: string[] = [];
    space.addNotifier(() => {
      seen.push(host.calls.at(-1) as string);
    });
    space.free(id);
    expect(seen).toEqual(['alloc(0,5000,undefined)']);
    expect(host.calls.at(-1)).toBe(`free(${id},undefined)`);
  });

  it('reports an error thrown by ops.free to onNotifierError (event null) and still releases the ID', () => {
    const { space, sid, errors } = setup();
    const boom = new Error('vcmd free failed');
    space.registerAllocator({
      alloc: () => 42,
      free: () => {
        throw boom;
      },
    });
    const id = space.alloc(sid, 0, 100);
    expect(id).toBe(42);
    space.free(id);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
    expect(errors).toEqual([{ error: boom, event: null }]);
  });
});
