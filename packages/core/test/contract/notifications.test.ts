// Contract "Notifications": subscription scopes and priorities, STOP/BAD, global-before-set order,
// notify's result, event payloads, set subscribers ending with their set, changes to the subscriber
// lists during delivery, and throwing subscribers (onNotifierError and the default async rethrow).

import {
  INVALID_IOASID,
  IOASID_ALLOC,
  IOASID_BIND,
  IOASID_FREE,
  IOASID_PRIO_CPU,
  IOASID_PRIO_DEVICE,
  IOASID_PRIO_IOMMU,
  IOASID_PRIO_LAST,
  IOASID_UNBIND,
  type IoasidEvent,
  IoasidSpace,
  NOTIFY_BAD,
  NOTIFY_DONE,
  NOTIFY_OK,
  NOTIFY_STOP,
  type NotifierCallback,
} from 'ioasid';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { expectIoasidError, expectRefused } from '../support/errors.js';
import { recordEvents, spaceWithErrorLog } from '../support/events.js';

function setup() {
  const { space, errors } = spaceWithErrorLog(1000);
  const sid = space.allocSet('vm', 100);
  return { space, sid, errors };
}

/** A callback that appends `name` to `order` and returns `result`. */
function named(order: string[], name: string, result?: number): NotifierCallback {
  return () => {
    order.push(name);
    return result;
  };
}

describe('event types and constants', () => {
  it('uses the contract names and kernel values', () => {
    expect([IOASID_ALLOC, IOASID_FREE, IOASID_BIND, IOASID_UNBIND]).toEqual([
      'alloc',
      'free',
      'bind',
      'unbind',
    ]);
    expect([NOTIFY_DONE, NOTIFY_OK, NOTIFY_STOP, NOTIFY_BAD]).toEqual([0, 1, 0x8001, 0x8002]);
    expect([IOASID_PRIO_CPU, IOASID_PRIO_IOMMU, IOASID_PRIO_DEVICE, IOASID_PRIO_LAST]).toEqual([3, 2, 1, 0]);
  });
});

describe('addNotifier and removeNotifier', () => {
  it('subscribes to every event without options.sid', () => {
    const { space, sid } = setup();
    const other = space.allocSet('vm2', 10);
    const rec = recordEvents(space);
    const a = space.alloc(sid, 0, 99);
    const b = space.alloc(other, 0, 99);
    expect(rec.events.map((e) => [e.id, e.sid])).toEqual([
      [a, sid],
      [b, other],
    ]);
  });

  it("subscribes to one set's events only with options.sid", () => {
    const { space, sid } = setup();
    const other = space.allocSet('vm2', 10);
    const rec = recordEvents(space, { sid });
    const a = space.alloc(sid, 0, 99);
    space.alloc(other, 0, 99);
    space.free(a);
    expect(rec.brief()).toEqual([`alloc:${a}`, `free:${a}`]);
  });

  it('treats sid INVALID_IOASID_SET (-1) as the global scope', () => {
    const { space, sid } = setup();
    const cb = vi.fn();
    space.addNotifier(cb, { sid: -1 });
    space.alloc(sid, 0, 99);
    expect(cb).toHaveBeenCalledTimes(1);
    expectRefused(space, () => space.addNotifier(cb), 'EEXIST');
    space.removeNotifier(cb);
  });

  it('returns ENOENT for an unknown set', () => {
    const { space } = setup();
    expectRefused(space, () => space.addNotifier(() => undefined, { sid: 9 }), 'ENOENT');
    expectRefused(space, () => space.removeNotifier(() => undefined, { sid: 9 }), 'ENOENT');
  });

  it('returns EEXIST for the same callback twice in the same scope', () => {
    const { space, sid } = setup();
    const cb = vi.fn();
    space.addNotifier(cb);
    expectIoasidError(() => space.addNotifier(cb), 'EEXIST');
    expectIoasidError(() => space.addNotifier(cb, { priority: 5 }), 'EEXIST');
    space.addNotifier(cb, { sid });
    expectIoasidError(() => space.addNotifier(cb, { sid }), 'EEXIST');
    space.alloc(sid, 0, 99);
    expect(cb).toHaveBeenCalledTimes(2); // once per scope: global, then the set
  });

  it('returns ENOENT from removeNotifier when the callback is not registered in that scope', () => {
    const { space, sid } = setup();
    const cb = vi.fn();
    expectRefused(space, () => space.removeNotifier(cb), 'ENOENT');
    space.addNotifier(cb);
    expectRefused(space, () => space.removeNotifier(cb, { sid }), 'ENOENT');
    space.removeNotifier(cb);
    expectRefused(space, () => space.removeNotifier(cb), 'ENOENT');
    space.addNotifier(cb, { sid });
    expectRefused(space, () => space.removeNotifier(cb), 'ENOENT');
    space.removeNotifier(cb, { sid });
  });

  it('stops calling a removed callback, and it can be added again', () => {
    const { space, sid } = setup();
    const cb = vi.fn();
    space.addNotifier(cb);
    space.removeNotifier(cb);
    space.alloc(sid, 0, 99);
    expect(cb).not.toHaveBeenCalled();
    space.addNotifier(cb);
    space.alloc(sid, 0, 99);
    expect(cb).toHaveBeenCalledTimes(1);
  });

  it('returns EINVAL for a non-function callback or a non-integer priority', () => {
    const { space } = setup();
    expectRefused(space, () => space.addNotifier('cb' as unknown as NotifierCallback), 'EINVAL');
    for (const priority of [1.5, Number.NaN, Number.POSITIVE_INFINITY, '1', 2 ** 60]) {
      expectRefused(
        space,
        () => space.addNotifier(() => undefined, { priority: priority as number }),
        'EINVAL',
      );
    }
  });

  it('allows subscribing to a dying set until it is destroyed', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.freeSet(sid, true);
    const rec = recordEvents(space, { sid });
    space.notify(id, 'bind');
    expect(rec.brief()).toEqual([`bind:${id}`]);
  });
});

describe('priorities', () => {
  it('runs higher priorities first and equal priorities in registration order', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    space.addNotifier(named(order, 'last-1'), { priority: IOASID_PRIO_LAST });
    space.addNotifier(named(order, 'device'), { priority: IOASID_PRIO_DEVICE });
    space.addNotifier(named(order, 'cpu-1'), { priority: IOASID_PRIO_CPU });
    space.addNotifier(named(order, 'default')); // priority 0
    space.addNotifier(named(order, 'iommu'), { priority: IOASID_PRIO_IOMMU });
    space.addNotifier(named(order, 'negative'), { priority: -5 });
    space.addNotifier(named(order, 'cpu-2'), { priority: IOASID_PRIO_CPU });
    space.addNotifier(named(order, 'last-2'), { priority: 0 });
    space.addNotifier(named(order, 'high'), { priority: 1000 });
    space.alloc(sid, 0, 99);
    expect(order).toEqual([
      'high',
      'cpu-1',
      'cpu-2',
      'iommu',
      'device',
      'last-1',
      'default',
      'last-2',
      'negative',
    ]);
  });

  it('orders a set chain the same way', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    space.addNotifier(named(order, 'a0'), { sid });
    space.addNotifier(named(order, 'b2'), { sid, priority: 2 });
    space.addNotifier(named(order, 'c0'), { sid });
    space.addNotifier(named(order, 'd2'), { sid, priority: 2 });
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['b2', 'd2', 'a0', 'c0']);
  });

  it('puts a re-added callback after the others of its priority', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    const first = named(order, 'first');
    space.addNotifier(first);
    space.addNotifier(named(order, 'second'));
    space.removeNotifier(first);
    space.addNotifier(first);
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['second', 'first']);
  });
});

describe('walk order and results', () => {
  it('sends every event to the global chain first, then to the set chain, whatever the priorities', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    space.addNotifier(named(order, 'set-high'), { sid, priority: 1000 });
    space.addNotifier(named(order, 'global-low'), { priority: -1000 });
    space.addNotifier(named(order, 'set-low'), { sid, priority: -1 });
    space.addNotifier(named(order, 'global-high'), { priority: 3 });
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['global-high', 'global-low', 'set-high', 'set-low']);
  });

  it("ends only that chain's walk on NOTIFY_STOP: the set chain still runs after a global STOP", () => {
    const { space, sid } = setup();
    const order: string[] = [];
    space.addNotifier(named(order, 'g1', NOTIFY_STOP), { priority: 2 });
    space.addNotifier(named(order, 'g2'));
    space.addNotifier(named(order, 's1', NOTIFY_STOP), { sid, priority: 2 });
    space.addNotifier(named(order, 's2'), { sid });
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['g1', 's1']);
  });

  it('ends the walk on NOTIFY_BAD and on any result with the 0x8000 bit, not on NOTIFY_OK', () => {
    for (const [result, stops] of [
      [NOTIFY_BAD, true],
      [0x8000, true],
      [0x8005, true],
      [NOTIFY_OK, false],
      [NOTIFY_DONE, false],
      [0x7fff, false],
    ] as const) {
      const { space, sid } = setup();
      const order: string[] = [];
      space.addNotifier(named(order, 'first', result), { priority: 1 });
      space.addNotifier(named(order, 'second'));
      space.alloc(sid, 0, 99);
      expect(order, `result ${result}`).toEqual(stops ? ['first'] : ['first', 'second']);
    }
  });

  it('lets no result veto the operation', () => {
    const { space, sid } = setup();
    space.addNotifier(() => NOTIFY_BAD);
    space.addNotifier(() => NOTIFY_STOP, { sid });
    const id = space.alloc(sid, 0, 99);
    expect(space.state(id)).toBe('active');
    space.attachSpid(id, 1);
    expect(space.spidOf(id)).toBe(1);
    space.detachSpid(id);
    expect(space.spidOf(id)).toBe(INVALID_IOASID);
    space.free(id);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
  });
});

describe('notify(id, type)', () => {
  it('delivers a publisher event to the global chain, then the set chain, with the ID payload', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, { d: 1 });
    space.attachSpid(id, 44);
    const order: string[] = [];
    const seen: IoasidEvent[] = [];
    space.addNotifier(
      (e) => {
        order.push('set');
        seen.push(e);
      },
      { sid },
    );
    space.addNotifier((e) => {
      order.push('global');
      seen.push(e);
    });
    space.notify(id, 'bind');
    space.notify(id, 'page-response');
    expect(order).toEqual(['global', 'set', 'global', 'set']);
    expect(seen.map((e) => ({ ...e }))).toEqual([
      { type: 'bind', id, sid, token: 'vm', data: { d: 1 }, spid: 44 },
      { type: 'bind', id, sid, token: 'vm', data: { d: 1 }, spid: 44 },
      { type: 'page-response', id, sid, token: 'vm', data: { d: 1 }, spid: 44 },
      { type: 'page-response', id, sid, token: 'vm', data: { d: 1 }, spid: 44 },
    ]);
  });

  it('returns NOTIFY_DONE when no callback is called', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    expect(space.notify(id, 'bind')).toBe(NOTIFY_DONE);
    const other = space.allocSet('vm2', 1);
    space.addNotifier(() => NOTIFY_OK, { sid: other });
    expect(space.notify(id, 'bind')).toBe(NOTIFY_DONE);
  });

  it('returns the value of the last callback called', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.addNotifier(() => NOTIFY_OK, { priority: 1 });
    space.addNotifier(() => 42);
    expect(space.notify(id, 'bind')).toBe(42);
    space.addNotifier(() => NOTIFY_BAD, { sid, priority: 1 });
    space.addNotifier(() => NOTIFY_OK, { sid });
    expect(space.notify(id, 'bind')).toBe(NOTIFY_BAD);
  });

  it('returns the STOP of a global callback when the set chain is empty, else the set chain result', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.addNotifier(() => NOTIFY_STOP);
    expect(space.notify(id, 'bind')).toBe(NOTIFY_STOP);
    space.addNotifier(() => NOTIFY_OK, { sid });
    expect(space.notify(id, 'bind')).toBe(NOTIFY_OK);
  });

  it('counts a callback that returns nothing (or a non-number) as NOTIFY_DONE', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.addNotifier(() => NOTIFY_OK, { priority: 1 });
    space.addNotifier(() => undefined);
    expect(space.notify(id, 'bind')).toBe(NOTIFY_DONE);
    space.addNotifier((() => 'stop') as unknown as NotifierCallback, { sid });
    expect(space.notify(id, 'bind')).toBe(NOTIFY_DONE);
  });

  it('returns ENOENT for an unknown ID', () => {
    const { space } = setup();
    const cb = vi.fn();
    space.addNotifier(cb);
    expectRefused(space, () => space.notify(3, 'bind'), 'ENOENT');
    expect(cb).not.toHaveBeenCalled();
  });

  it('returns EINVAL for an empty or non-string type', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    for (const bad of ['', 1, null, undefined]) {
      expectRefused(space, () => space.notify(id, bad as string), 'EINVAL');
    }
  });

  it('changes no state', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99, 'x');
    space.attachSpid(id, 2);
    space.get(id);
    const before = JSON.stringify([space.listSets(), space.refCount(id), space.state(id), space.spidOf(id)]);
    for (const type of ['alloc', 'free', 'bind', 'unbind', 'other']) space.notify(id, type);
    expect(JSON.stringify([space.listSets(), space.refCount(id), space.state(id), space.spidOf(id)])).toBe(
      before,
    );
    expect(space.find(sid, id)).toBe('x');
  });

  it('works on a free-pending ID (still allocated)', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.get(id);
    space.free(id);
    space.addNotifier(() => NOTIFY_OK);
    expect(space.notify(id, 'unbind')).toBe(NOTIFY_OK);
  });
});

describe('event payloads', () => {
  it('gives { type, id, sid, token, data, spid } for alloc, bind, unbind and free', () => {
    const { space, sid } = setup();
    const token = space.getSet(sid).token;
    const rec = recordEvents(space);
    const id = space.alloc(sid, 5, 99, 'priv');
    space.attachSpid(id, 8);
    space.detachSpid(id);
    space.attachSpid(id, 9);
    space.free(id);
    expect(rec.events).toEqual([
      { type: 'alloc', id, sid, token, data: 'priv', spid: INVALID_IOASID },
      { type: 'bind', id, sid, token, data: 'priv', spid: 8 },
      { type: 'unbind', id, sid, token, data: 'priv', spid: 8 },
      { type: 'bind', id, sid, token, data: 'priv', spid: 9 },
      { type: 'free', id, sid, token, data: 'priv', spid: 9 },
    ]);
  });

  it('carries the token object itself (identity) and the system set token', () => {
    const { space } = setup();
    const vm = { vm: 'guest' };
    const sid = space.allocSet(vm, 1);
    const sys = space.allocSystemSet(1);
    const seen: unknown[] = [];
    space.addNotifier((e) => {
      seen.push(e.token);
    });
    space.alloc(sid, 0, 99);
    space.alloc(sys, 0, 99);
    expect(seen[0]).toBe(vm);
    expect(seen[1]).toBe(space.getSet(sys).token);
  });

  it("emits 'free' from freeSet before release and 'alloc' after allocation", () => {
    const { space, sid } = setup();
    space.alloc(sid, 0, 99);
    space.alloc(sid, 0, 99);
    const seen: unknown[] = [];
    space.addNotifier((e) => {
      seen.push([e.type, e.id, space.findSid(e.id), space.getSet(sid).count]);
    });
    space.freeSet(sid, false);
    space.alloc(sid, 0, 99);
    expect(seen).toEqual([
      ['free', 0, sid, 2],
      ['free', 1, sid, 1],
      ['alloc', 0, sid, 1],
    ]);
  });
});

describe("a set's subscribers end with the set", () => {
  it('never calls them again once the set is destroyed, even when its set ID is reused', () => {
    const { space, sid } = setup();
    const old = vi.fn();
    space.addNotifier(old, { sid });
    space.freeSet(sid, true);
    const reused = space.allocSet('new-owner', 10);
    expect(reused).toBe(sid);
    space.alloc(reused, 0, 99);
    expect(old).not.toHaveBeenCalled();
    expectIoasidError(() => space.removeNotifier(old, { sid: reused }), 'ENOENT');
    space.addNotifier(old, { sid: reused }); // a fresh subscription to the new set is fine
    space.alloc(reused, 0, 99);
    expect(old).toHaveBeenCalledTimes(1);
  });

  it('calls them for the FREE events of the destroying walk and while the set is dying, not after', () => {
    const { space, sid } = setup();
    const a = space.alloc(sid, 0, 99);
    const b = space.alloc(sid, 0, 99);
    space.get(b);
    const rec = recordEvents(space, { sid });
    space.freeSet(sid, true);
    space.notify(b, 'unbind');
    space.put(b);
    expect(rec.brief()).toEqual([`free:${a}`, `free:${b}`, `unbind:${b}`]);
    const reused = space.allocSet('x', 10);
    expect(reused).toBe(sid);
    space.free(space.alloc(reused, 0, 99));
    expect(rec.events).toHaveLength(3);
  });

  it('skips the rest of a delivery when the set is destroyed during it', () => {
    const { space, sid } = setup();
    const setCb = vi.fn();
    space.addNotifier(setCb, { sid });
    space.addNotifier((e) => {
      if (e.type === 'alloc') {
        space.free(e.id);
        space.freeSet(e.sid, true);
      }
    });
    const seen = setCb.mock.calls.length;
    space.alloc(sid, 0, 99);
    // the set chain saw only the nested FREE (delivered before the set was destroyed), not the ALLOC
    expect(setCb.mock.calls.slice(seen).map((c) => (c[0] as IoasidEvent).type)).toEqual(['free']);
    expectIoasidError(() => space.getSet(sid), 'ENOENT');
  });
});

describe('synchronous delivery', () => {
  it('delivers every event before the call that caused it returns', () => {
    const { space, sid } = setup();
    const seen: string[] = [];
    space.addNotifier((e) => {
      seen.push(e.type);
    });
    const id = space.alloc(sid, 0, 99);
    expect(seen).toEqual(['alloc']);
    space.attachSpid(id, 1);
    expect(seen).toEqual(['alloc', 'bind']);
    space.detachSpid(id);
    expect(seen).toEqual(['alloc', 'bind', 'unbind']);
    space.notify(id, 'custom');
    expect(seen).toEqual(['alloc', 'bind', 'unbind', 'custom']);
    space.free(id);
    expect(seen).toEqual(['alloc', 'bind', 'unbind', 'custom', 'free']);
  });

  it('never waits for an async callback: its promise counts as NOTIFY_DONE and the call completes at once', async () => {
    const { space, sid, errors } = setup();
    let settled = false;
    const slow = (async () => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      settled = true;
      return NOTIFY_STOP;
    }) as unknown as NotifierCallback;
    space.addNotifier(slow, { priority: 1 });
    const after = vi.fn(() => NOTIFY_OK);
    space.addNotifier(after, { sid });
    const id = space.alloc(sid, 0, 99);
    expect(after).toHaveBeenCalledTimes(1); // the promise result did not stop the walk
    expect(space.notify(id, 'bind')).toBe(NOTIFY_OK);
    space.removeNotifier(after, { sid });
    expect(space.notify(id, 'bind')).toBe(NOTIFY_DONE);
    space.free(id);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
    expect(settled).toBe(false);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(settled).toBe(true);
    expect(errors).toEqual([]);
  });
});

describe('changing subscribers during a delivery', () => {
  it('does not call a callback removed during the delivery for the rest of it', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    const victim = named(order, 'victim');
    const setVictim = named(order, 'set-victim');
    space.addNotifier(
      () => {
        order.push('remover');
        space.removeNotifier(victim);
        space.removeNotifier(setVictim, { sid });
      },
      { priority: 5 },
    );
    space.addNotifier(victim);
    space.addNotifier(setVictim, { sid });
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['remover']);
  });

  it('lets a callback remove itself during the delivery without skipping the next one', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    const once: NotifierCallback = () => {
      order.push('once');
      space.removeNotifier(once);
    };
    space.addNotifier(once, { priority: 1 });
    space.addNotifier(named(order, 'next'));
    space.alloc(sid, 0, 99);
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['once', 'next', 'next']);
  });

  it('does not call a callback added to the global chain during the delivery for it, but for the next events', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    const late = named(order, 'late');
    let added = false;
    space.addNotifier(() => {
      order.push('adder');
      if (!added) {
        added = true;
        space.addNotifier(late, { priority: 10 });
      }
    });
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['adder']);
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['adder', 'late', 'adder']);
  });

  it('does not call a set callback added by a global callback during the delivery (set chain empty before)', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    const lateSet = named(order, 'late-set');
    let added = false;
    space.addNotifier(() => {
      order.push('adder');
      if (!added) {
        added = true;
        space.addNotifier(lateSet, { sid });
      }
    });
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['adder']);
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['adder', 'adder', 'late-set']);
  });

  it('does not call a set callback added by a global callback during the delivery (set chain in use)', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    const lateSet = named(order, 'late-set');
    space.addNotifier(named(order, 'set-early'), { sid });
    let added = false;
    space.addNotifier(() => {
      order.push('adder');
      if (!added) {
        added = true;
        space.addNotifier(lateSet, { sid, priority: 5 });
      }
    });
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['adder', 'set-early']);
  });

  it('does not call a set callback added by an earlier set callback during the delivery', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    const lateSet = named(order, 'late-set');
    space.addNotifier(
      () => {
        order.push('adder');
        if (!order.includes('late-set')) space.addNotifier(lateSet, { sid, priority: -1 });
      },
      { sid },
    );
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['adder']);
  });

  it('does not call a callback that was removed and re-added during the same delivery', () => {
    const { space, sid } = setup();
    const order: string[] = [];
    const victim = named(order, 'victim');
    space.addNotifier(
      () => {
        order.push('toggler');
        space.removeNotifier(victim);
        space.addNotifier(victim);
      },
      { priority: 1 },
    );
    space.addNotifier(victim);
    space.alloc(sid, 0, 99);
    expect(order).toEqual(['toggler']);
  });
});

describe('callbacks that throw', () => {
  it('do not stop the others nor undo the operation; the error goes to onNotifierError with the event', () => {
    const { space, sid, errors } = setup();
    const order: string[] = [];
    const boom = new Error('subscriber failed');
    space.addNotifier(
      () => {
        order.push('thrower');
        throw boom;
      },
      { priority: 1 },
    );
    space.addNotifier(named(order, 'after'));
    space.addNotifier(named(order, 'set'), { sid });
    const id = space.alloc(sid, 0, 99, 'd');
    expect(order).toEqual(['thrower', 'after', 'set']);
    expect(space.state(id)).toBe('active');
    expect(errors).toHaveLength(1);
    expect(errors[0].error).toBe(boom);
    expect(errors[0].event).toMatchObject({ type: 'alloc', id, sid, data: 'd' });
    space.free(id);
    expectIoasidError(() => space.findSid(id), 'ENOENT');
    expect(errors).toHaveLength(2);
    expect(errors[1].event).toMatchObject({ type: 'free', id });
  });

  it('reports every throwing callback of a delivery, in walk order', () => {
    const { space, sid, errors } = setup();
    space.addNotifier(() => {
      throw new Error('global');
    });
    space.addNotifier(
      () => {
        throw new Error('set');
      },
      { sid },
    );
    space.alloc(sid, 0, 99);
    expect(errors.map((e) => (e.error as Error).message)).toEqual(['global', 'set']);
  });

  it('count as NOTIFY_DONE for the result of notify', () => {
    const { space, sid } = setup();
    const id = space.alloc(sid, 0, 99);
    space.addNotifier(() => NOTIFY_OK, { priority: 1 });
    space.addNotifier(() => {
      throw new Error('x');
    });
    expect(space.notify(id, 'bind')).toBe(NOTIFY_DONE);
  });

  it('accept non-Error throw values', () => {
    const { space, sid, errors } = setup();
    space.addNotifier(() => {
      throw 'plain string';
    });
    space.alloc(sid, 0, 99);
    expect(errors[0].error).toBe('plain string');
  });
});

describe('default error handling (no onNotifierError)', () => {
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('rethrows the error asynchronously through queueMicrotask, after the operation completed', () => {
    const queued: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((cb) => {
      queued.push(cb);
    });
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 5);
    const boom = new Error('late failure');
    const after = vi.fn();
    space.addNotifier(() => {
      throw boom;
    });
    space.addNotifier(after);
    const id = space.alloc(sid, 0, 9); // does not throw
    vi.restoreAllMocks();
    expect(space.state(id)).toBe('active');
    expect(after).toHaveBeenCalledTimes(1);
    expect(queued).toHaveLength(1);
    expect(() => queued[0]()).toThrow(boom);
  });

  it('rethrows an error of onNotifierError itself asynchronously', () => {
    const queued: (() => void)[] = [];
    vi.spyOn(globalThis, 'queueMicrotask').mockImplementation((cb) => {
      queued.push(cb);
    });
    const handlerError = new Error('handler failed');
    const space = new IoasidSpace({
      capacity: 10,
      onNotifierError: () => {
        throw handlerError;
      },
    });
    const sid = space.allocSet('vm', 5);
    space.addNotifier(() => {
      throw new Error('subscriber failed');
    });
    space.alloc(sid, 0, 9);
    vi.restoreAllMocks();
    expect(queued).toHaveLength(1);
    expect(() => queued[0]()).toThrow(handlerError);
  });

  it('reaches the process as an uncaught exception (never swallowed)', async () => {
    const saved = process.listeners('uncaughtException');
    process.removeAllListeners('uncaughtException');
    try {
      const caught = new Promise<unknown>((resolve) => {
        process.once('uncaughtException', resolve);
      });
      const space = new IoasidSpace({ capacity: 10 });
      const sid = space.allocSet('vm', 5);
      const boom = new Error('reaches the process');
      space.addNotifier(() => {
        throw boom;
      });
      const id = space.alloc(sid, 0, 9);
      expect(space.state(id)).toBe('active');
      expect(await caught).toBe(boom);
    } finally {
      process.removeAllListeners('uncaughtException');
      for (const listener of saved) process.on('uncaughtException', listener);
    }
  });
});
