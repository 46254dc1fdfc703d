// Contract "Notifications" (re-entrancy): callbacks may call any method; nested calls complete with their
// own notifications before they return (depth-first); a subscriber holding a reference delays reuse;
// freeSet walks cope with frees, allocs and nested freeSets made by callbacks.

import { IOASID_PRIO_CPU, IOASID_PRIO_IOMMU, type IoasidEvent, IoasidSpace, isIoasidError } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError } from '../support/errors.js';
import { recordEvents, spaceWithErrorLog } from '../support/events.js';
import { ContractTracker } from '../support/tracker.js';

const MAX = 0xffffffff;

function once<T extends unknown[]>(fn: (...args: T) => void): (...args: T) => void {
  let done = false;
  return (...args: T) => {
    if (done) return;
    done = true;
    fn(...args);
  };
}

describe('nested calls complete depth-first', () => {
  it('delivers a nested event to every subscriber before the outer event reaches the next one', () => {
    const { space, errors } = spaceWithErrorLog(100);
    const sid = space.allocSet('vm', 10);
    const order: string[] = [];
    const nest = once(() => {
      space.alloc(sid, 0, 99);
    });
    space.addNotifier(
      (e) => {
        order.push(`g1 ${e.type}:${e.id}`);
        if (e.type === 'alloc') nest();
      },
      { priority: 2 },
    );
    space.addNotifier((e) => {
      order.push(`g2 ${e.type}:${e.id}`);
    });
    space.addNotifier(
      (e) => {
        order.push(`set ${e.type}:${e.id}`);
      },
      { sid },
    );
    expect(space.alloc(sid, 0, 99)).toBe(0);
    expect(order).toEqual([
      'g1 alloc:0',
      'g1 alloc:1',
      'g2 alloc:1',
      'set alloc:1',
      'g2 alloc:0',
      'set alloc:0',
    ]);
    expect(errors).toEqual([]);
  });

  it('completes a nested call (with its state change) before it returns to the callback', () => {
    const { space } = spaceWithErrorLog(100);
    const sid = space.allocSet('vm', 10);
    const observed: unknown[] = [];
    space.addNotifier(
      once((e: IoasidEvent) => {
        const inner = space.alloc(sid, 0, 99);
        observed.push(space.findSid(inner), space.state(inner));
        space.free(inner);
        observed.push(space.listIds(sid));
        observed.push(e.id);
      }),
    );
    const outer = space.alloc(sid, 0, 99);
    expect(observed).toEqual([sid, 'active', [outer], outer]);
  });
});

describe('free from inside callbacks', () => {
  it('frees the ID from its own ALLOC callback: FREE is delivered nested, alloc still returns the ID', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const order: string[] = [];
    t.space.addNotifier(
      (e) => {
        order.push(`first ${e.type}:${e.id}`);
        if (e.type === 'alloc') t.free(e.id);
      },
      { priority: 2 },
    );
    t.space.addNotifier((e) => {
      order.push(`second ${e.type}:${e.id}`);
    });
    const id = t.alloc(sid, 0, 99);
    expect(order).toEqual([
      `first alloc:${id}`,
      `first free:${id}`,
      `second free:${id}`,
      `second alloc:${id}`,
    ]);
    expectIoasidError(() => t.space.findSid(id), 'ENOENT');
    expect(t.space.getSet(sid).count).toBe(0);
    expect(t.check()).toEqual([]);
    expect(t.notifierErrors).toEqual([]);
  });

  it('frees another ID from a FREE callback (cascading teardown)', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const parent = t.alloc(sid, 0, 99);
    const child = t.alloc(sid, 0, 99);
    t.space.addNotifier((e) => {
      if (e.type === 'free' && e.id === parent) t.free(child);
    });
    t.free(parent);
    expect(t.log.slice(-2)).toEqual([`free:${parent}`, `free:${child}`]);
    expect(t.space.size).toBe(0);
    expect(t.check()).toEqual([]);
  });

  it('makes a free of the ID being freed, from its FREE callback, a no-op', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const id = t.alloc(sid, 0, 99);
    t.space.addNotifier((e) => {
      if (e.type === 'free') t.free(e.id);
    });
    t.free(id);
    expect(t.log.filter((l) => l.startsWith('free'))).toEqual([`free:${id}`]);
    expect(t.check()).toEqual([]);
  });
});

describe('alloc from inside callbacks', () => {
  it('never hands out the ID whose FREE is being delivered, and delivers the nested ALLOC first', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const id = t.alloc(sid, 0, 99);
    const got: number[] = [];
    t.space.addNotifier((e) => {
      if (e.type === 'free') got.push(t.alloc(sid, 0, 99));
    });
    t.free(id);
    expect(got).toEqual([id + 1]);
    expect(t.log).toEqual([`alloc:${id}`, `free:${id}`, `alloc:${id + 1}`]);
    expect(t.space.listIds(sid)).toEqual([id + 1]);
    expect(t.check()).toEqual([]);
  });

  it('allocates from an ALLOC callback (a chained allocation)', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    let depth = 0;
    t.space.addNotifier((e) => {
      if (e.type === 'alloc' && depth < 3) {
        depth++;
        t.alloc(sid, e.id + 1, 99);
      }
    });
    expect(t.alloc(sid, 10, 99)).toBe(10);
    expect(t.space.listIds(sid)).toEqual([10, 11, 12, 13]);
    expect(t.check()).toEqual([]);
  });

  it('lets a refused nested call throw to the callback and change nothing', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 1);
    const codes: string[] = [];
    t.space.addNotifier((e) => {
      if (e.type !== 'alloc') return;
      try {
        t.alloc(sid, 0, 99);
      } catch (error) {
        if (isIoasidError(error)) codes.push(error.code);
      }
    });
    const id = t.alloc(sid, 0, 99);
    expect(codes).toEqual(['ENOSPC']);
    expect(t.space.listIds(sid)).toEqual([id]);
    expect(t.check()).toEqual([]);
  });
});

describe('freeSet from inside callbacks', () => {
  it('destroys the set from an ALLOC callback', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const first = t.alloc(sid, 0, 99);
    t.space.addNotifier((e) => {
      if (e.type === 'alloc' && e.id !== first) t.freeSet(e.sid, true);
    });
    const id = t.alloc(sid, 0, 99);
    expect(t.log).toEqual([`alloc:${first}`, `alloc:${id}`, `free:${first}`, `free:${id}`]);
    expectIoasidError(() => t.space.getSet(sid), 'ENOENT');
    expect(t.space.available).toBe(100);
    expect(t.check()).toEqual([]);
  });

  it('destroys its own set from a FREE callback: the ID being freed gets no second FREE, the set goes when it is released', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const ids = [t.alloc(sid, 0, 99), t.alloc(sid, 0, 99), t.alloc(sid, 0, 99)];
    t.space.addNotifier(
      once((e: IoasidEvent) => {
        if (e.type === 'free') t.freeSet(e.sid, true);
      }),
    );
    t.free(ids[1]);
    expect(t.log.slice(3)).toEqual([`free:${ids[1]}`, `free:${ids[0]}`, `free:${ids[2]}`]);
    expectIoasidError(() => t.space.getSet(sid), 'ENOENT');
    expect(t.space.available).toBe(100);
    expect(t.space.size).toBe(0);
    expect(t.check()).toEqual([]);
  });

  it('frees another set from a FREE callback of a freeSet walk', () => {
    const t = new ContractTracker(100);
    const a = t.allocSet('a', 10);
    const b = t.allocSet('b', 10);
    const a0 = t.alloc(a, 0, 99);
    const b0 = t.alloc(b, 0, 99);
    const a1 = t.alloc(a, 0, 99);
    t.space.addNotifier(
      once((e: IoasidEvent) => {
        if (e.type === 'free' && e.sid === a) t.freeSet(b, true);
      }),
    );
    t.freeSet(a, true);
    expect(t.log.slice(3)).toEqual([`free:${a0}`, `free:${b0}`, `free:${a1}`]);
    expect(t.space.listSets()).toEqual([]);
    expect(t.check()).toEqual([]);
  });

  it('runs a nested freeSet of the same set during its walk; every ID still gets exactly one FREE', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    for (let i = 0; i < 5; i++) t.alloc(sid, 0, 99);
    t.space.addNotifier(
      once((e: IoasidEvent) => {
        if (e.type === 'free') t.freeSet(e.sid, false);
      }),
    );
    t.freeSet(sid, false);
    expect(t.log.slice(5)).toEqual(['free:0', 'free:1', 'free:2', 'free:3', 'free:4']);
    expect(t.space.getSet(sid)).toMatchObject({ count: 0, dying: false });
    expect(t.check()).toEqual([]);
  });

  it('spares an ID allocated into the set by a callback during its own freeSet walk', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const ids = [t.alloc(sid, 0, 99), t.alloc(sid, 0, 99), t.alloc(sid, 0, 99)];
    const fresh: number[] = [];
    t.space.addNotifier(
      once((e: IoasidEvent) => {
        if (e.type === 'free') fresh.push(t.alloc(sid, 50, 99));
      }),
    );
    t.freeSet(sid, false);
    expect(fresh).toEqual([50]);
    expect(t.space.listIds(sid)).toEqual([50]);
    expect(t.space.state(50)).toBe('active');
    expect(t.log.filter((l) => l.startsWith('free'))).toEqual(ids.map((id) => `free:${id}`));
    expect(t.check()).toEqual([]);
  });

  it('spares a new life of a later ID that a callback freed and allocated again during the walk', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const [x, y, z] = [t.alloc(sid, 0, 99), t.alloc(sid, 0, 99), t.alloc(sid, 0, 99)];
    t.space.addNotifier(
      once((e: IoasidEvent) => {
        if (e.type !== 'free' || e.id !== x) return;
        t.free(z); // released at once: no reference left
        expect(t.alloc(sid, z, z)).toBe(z); // a new life of z, allocated during the walk
      }),
    );
    t.freeSet(sid, false);
    expect(t.space.listIds(sid)).toEqual([z]);
    expect(t.space.state(z)).toBe('active');
    expect(t.log.slice(3)).toEqual([`free:${x}`, `free:${z}`, `alloc:${z}`, `free:${y}`]);
    expect(t.check()).toEqual([]);
  });

  it('refuses an alloc into the set from a callback of a destroying walk (the set is dying)', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    t.alloc(sid, 0, 99);
    t.alloc(sid, 0, 99);
    const codes: string[] = [];
    t.space.addNotifier((e) => {
      if (e.type !== 'free') return;
      try {
        t.alloc(sid, 0, 99);
      } catch (error) {
        if (isIoasidError(error)) codes.push(error.code);
      }
    });
    t.freeSet(sid, true);
    expect(codes).toEqual(['ENOENT', 'ENOENT']);
    expect(t.space.listSets()).toEqual([]);
    expect(t.check()).toEqual([]);
  });
});

describe('put from inside callbacks', () => {
  it("releases the ID without FREE when an ALLOC callback drops the owner's reference", () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const released: boolean[] = [];
    t.space.addNotifier(
      once((e: IoasidEvent) => {
        released.push(t.put(e.id));
      }),
    );
    const id = t.alloc(sid, 0, 99);
    expect(released).toEqual([true]);
    expectIoasidError(() => t.space.findSid(id), 'ENOENT');
    expect(t.log).toEqual([`alloc:${id}`]);
    expect(t.check()).toEqual([]);
  });

  it('never releases the ID from inside its FREE delivery; it is released when the delivery ends', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const id = t.alloc(sid, 0, 99);
    t.get(id);
    const seen: unknown[] = [];
    t.space.addNotifier(
      (e) => {
        if (e.type === 'free') seen.push(t.put(e.id));
      },
      { priority: 1 },
    );
    t.space.addNotifier((e) => {
      if (e.type === 'free') seen.push(t.space.state(e.id));
    });
    t.free(id);
    expect(seen).toEqual([false, 'free-pending']);
    expectIoasidError(() => t.space.findSid(id), 'ENOENT');
    expect(t.check()).toEqual([]);
  });
});

describe('detachSpid from inside callbacks', () => {
  it('detaches from a FREE callback: UNBIND is delivered nested, then the ID is released', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const id = t.alloc(sid, 0, 99);
    t.attachSpid(id, 5);
    const events: string[] = [];
    t.space.addNotifier((e) => {
      events.push(`${e.type}:${e.spid}`);
      if (e.type === 'free') t.detachSpid(e.id);
    });
    t.free(id);
    expect(events).toEqual(['free:5', 'unbind:5']);
    expectIoasidError(() => t.space.findBySpid(sid, 5), 'ENOENT');
    expectIoasidError(() => t.space.findSid(id), 'ENOENT');
    expect(t.check()).toEqual([]);
  });

  it('detaches from a BIND callback: the nested UNBIND carries the spid, no mapping remains', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const id = t.alloc(sid, 0, 99);
    const events: string[] = [];
    t.space.addNotifier((e) => {
      events.push(`${e.type}:${e.spid}`);
      if (e.type === 'bind') t.detachSpid(e.id);
    });
    t.attachSpid(id, 9);
    expect(events).toEqual(['bind:9', 'unbind:9']);
    expect(t.space.spidOf(id)).toBe(0xffffffff);
    expectIoasidError(() => t.space.findBySpid(sid, 9), 'ENOENT');
    expect(t.check()).toEqual([]);
  });

  it('keeps a mapping attached by an UNBIND callback to another spid (only the announced mapping is removed)', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const id = t.alloc(sid, 0, 99);
    t.attachSpid(id, 1);
    t.space.addNotifier(
      once((e: IoasidEvent) => {
        if (e.type === 'unbind') t.attachSpid(e.id, 2);
      }),
    );
    t.detachSpid(id);
    expect(t.space.spidOf(id)).toBe(2);
    expect(t.space.findBySpid(sid, 2)).toBe(id);
    expectIoasidError(() => t.space.findBySpid(sid, 1), 'ENOENT');
    expect(t.check()).toEqual([]);
  });
});

describe('subscribers that need slow teardown hold a reference (the KVM case)', () => {
  it("keeps an ID referenced from 'alloc' until its teardown after 'free' is done", () => {
    const t = new ContractTracker(1000);
    const sid = t.allocSet('vm', 100);
    const teardown: number[] = [];
    t.space.addNotifier(
      (e) => {
        if (e.type === 'alloc') t.get(e.id);
        if (e.type === 'free') teardown.push(e.id);
      },
      { priority: IOASID_PRIO_CPU },
    );
    const id = t.alloc(sid, 0, MAX);
    t.free(id);
    expect(teardown).toEqual([id]);
    expect(t.space.state(id)).toBe('free-pending');
    // the ID is not handed out again before the teardown is done
    expect(t.alloc(sid, 0, MAX)).toBe(id + 1);
    expectIoasidError(() => t.alloc(sid, id, id), 'ENOSPC');
    expect(t.check()).toEqual([]);
    // teardown done
    expect(t.put(teardown.shift() as number)).toBe(true);
    expect(t.alloc(sid, 0, MAX)).toBe(id);
    expect(t.check()).toEqual([]);
  });

  it("keeps an ID referenced from 'bind' through a freeSet until the teardown puts it", () => {
    const t = new ContractTracker(1000);
    const sid = t.allocSet('vm', 100);
    const bound = new Set<number>();
    const teardown: number[] = [];
    t.space.addNotifier(
      (e) => {
        if (e.type === 'bind') {
          t.get(e.id);
          bound.add(e.id);
        }
        if (e.type === 'free' && bound.has(e.id)) teardown.push(e.id);
      },
      { priority: IOASID_PRIO_IOMMU },
    );
    const ids = [t.alloc(sid, 0, MAX), t.alloc(sid, 0, MAX), t.alloc(sid, 0, MAX)];
    t.attachSpid(ids[1], 100);
    t.freeSet(sid, true);
    expect(t.space.getSet(sid)).toMatchObject({ dying: true, count: 1 });
    expect(teardown).toEqual([ids[1]]);
    const other = t.allocSet('vm', 10); // the token is free again
    expect(t.alloc(other, 0, MAX)).toBe(ids[0]);
    expect(t.alloc(other, 0, MAX)).toBe(ids[2]);
    expect(t.alloc(other, 0, MAX)).toBe(3);
    expect(t.space.findBySpid(sid, 100)).toBe(ids[1]);
    expect(t.put(ids[1])).toBe(true);
    expectIoasidError(() => t.space.getSet(sid), 'ENOENT');
    expect(t.alloc(other, 0, MAX)).toBe(ids[1]);
    expect(t.check()).toEqual([]);
  });

  it('lets the teardown run from a later FREE callback (put from inside another delivery)', () => {
    const t = new ContractTracker(1000);
    const sid = t.allocSet('vm', 100);
    const pending: number[] = [];
    t.space.addNotifier((e) => {
      if (e.type === 'alloc') t.get(e.id);
      if (e.type === 'free') {
        for (const old of pending.splice(0)) t.put(old);
        pending.push(e.id);
      }
    });
    const a = t.alloc(sid, 0, MAX);
    const b = t.alloc(sid, 0, MAX);
    t.free(a);
    expect(t.space.state(a)).toBe('free-pending');
    t.free(b);
    expectIoasidError(() => t.space.state(a), 'ENOENT');
    expect(t.space.state(b)).toBe('free-pending');
    expect(t.check()).toEqual([]);
  });
});

describe('every method may be called from a callback', () => {
  it('runs a mixed scenario with nested calls and keeps every invariant at every delivery', () => {
    const t = new ContractTracker(200);
    const a = t.allocSet('a', 20);
    const b = t.allocSet('b', 20);
    const script: Record<string, (e: IoasidEvent) => void> = {
      'alloc:2': () => {
        t.attachSpid(2, 77);
        t.adjustSet(a, 25);
      },
      'bind:2': (e) => {
        t.get(e.id);
        t.alloc(b, 0, 199);
      },
      'free:2': (e) => {
        t.space.notify(e.id, 'invalidate');
        t.detachSpid(e.id);
        t.put(e.id);
      },
      'invalidate:2': () => {
        t.freeSet(b, false);
      },
      'free:3': () => {
        t.space.addNotifier(() => undefined, { sid: a });
        t.alloc(a, 0, 199);
      },
    };
    const done = new Set<string>();
    t.space.addNotifier((e) => {
      const key = `${e.type}:${e.id}`;
      const step = script[key];
      if (step !== undefined && !done.has(key)) {
        done.add(key);
        step(e);
      }
    });
    for (let i = 0; i < 3; i++) t.alloc(a, 0, 199);
    t.free(2);
    t.freeSet(a, false);
    expect(t.notifierErrors).toEqual([]);
    expect(t.check()).toEqual([]);
    expect(done.size).toBe(Object.keys(script).length);
  });

  it('applies the same rules to an ID freed through a plain IoasidSpace without a tracker', () => {
    // A sanity check that the tracker does not change the behaviour it observes.
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 5);
    const rec = recordEvents(space);
    space.addNotifier((e) => {
      if (e.type === 'free') space.alloc(sid, 0, 9);
    });
    space.free(space.alloc(sid, 0, 9));
    expect(rec.brief()).toEqual(['alloc:0', 'free:0', 'alloc:1']);
    expect(space.listIds(sid)).toEqual([1]);
  });
});
