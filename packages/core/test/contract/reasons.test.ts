// The reason registry: every reason of ERROR_REASONS is raised through the public API by one case below,
// with its code, errno, reason, exact values and the registry's fact as message; a reason without a case
// fails a test, so the registry and the tests cannot drift apart.

import { readFileSync } from 'node:fs';
import {
  ERROR_CODES,
  ERROR_REASONS,
  type ErrorReason,
  type ErrorValue,
  INVALID_IOASID,
  INVALID_IOASID_SET,
  IoasidError,
  IoasidSpace,
  ioasidError,
  MAX_CAPACITY,
  MAX_IOASID,
  toErrorValue,
} from 'ioasid';
import { describe, expect, it } from 'vitest';
import { expectIoasidError } from '../support/errors.js';

const MAX_SID = 0xffffff;

/** A space of capacity 100 with set 0 ('vm', quota 10) holding IDs 0..2; ID 2 has spid 7. */
function fixture() {
  const space = new IoasidSpace({ capacity: 100 });
  const sid = space.allocSet('vm', 10);
  for (let i = 0; i < 3; i++) space.alloc(sid, 0, 99);
  space.attachSpid(2, 7);
  return { space, sid };
}

const noop = () => undefined;
const ops = () => ({ alloc: () => 0, free: noop });

/** One case per reason: the call that raises it, and the values it must carry. */
const CASES: { [R in ErrorReason]: { call: () => unknown; values: Record<string, ErrorValue> } } = {
  'invalid-options': {
    call: () => new IoasidSpace(5 as never),
    values: { name: 'options', value: 5 },
  },
  'invalid-callback': {
    call: () => fixture().space.addNotifier('cb' as never),
    values: { name: 'notifier callback', value: 'cb' },
  },
  'invalid-capacity': {
    call: () => new IoasidSpace().installCapacity(0),
    values: { capacity: 0, max: MAX_CAPACITY },
  },
  'invalid-quota': {
    call: () => fixture().space.allocSet('q', -1),
    values: { quota: -1, max: MAX_CAPACITY },
  },
  'invalid-token': { call: () => fixture().space.allocSet(null, 1), values: { token: null } },
  'invalid-destroy': {
    call: () => fixture().space.freeSet(0, 'yes' as never),
    values: { destroy: 'yes' },
  },
  'invalid-id': { call: () => fixture().space.free(1.5), values: { id: 1.5, max: MAX_IOASID } },
  'invalid-spid': {
    call: () => fixture().space.attachSpid(0, INVALID_IOASID),
    values: { spid: INVALID_IOASID, max: MAX_IOASID },
  },
  'invalid-sid': { call: () => fixture().space.getSet(-1), values: { sid: -1 } },
  'invalid-range': { call: () => fixture().space.alloc(0, 9, 8), values: { min: 9, max: 8 } },
  'invalid-priority': {
    call: () => fixture().space.addNotifier(noop, { priority: 0.5 }),
    values: { priority: 0.5 },
  },
  'invalid-event-type': { call: () => fixture().space.notify(0, ''), values: { type: '' } },
  'invalid-allocator-ops': {
    call: () => fixture().space.registerAllocator(null as never),
    values: { ops: null },
  },
  'capacity-installed': {
    call: () => fixture().space.installCapacity(5),
    values: { capacity: 100 },
  },
  'no-capacity': { call: () => new IoasidSpace().allocSet('vm', 5), values: { quota: 5 } },
  'quota-above-available': {
    call: () => fixture().space.allocSet('big', 91),
    values: { quota: 91, available: 90, capacity: 100 },
  },
  'growth-above-available': {
    call: () => fixture().space.adjustSet(0, 101),
    values: { sid: 0, quota: 101, growth: 91, available: 90, capacity: 100 },
  },
  'quota-below-count': {
    call: () => fixture().space.adjustSet(0, 2),
    values: { sid: 0, quota: 2, count: 3 },
  },
  'owner-exists': { call: () => fixture().space.allocSet('vm', 1), values: { owner: 'vm', sid: 0 } },
  'system-set-exists': {
    call: () => {
      const { space } = fixture();
      space.allocSystemSet(5);
      space.allocSystemSet(5);
    },
    values: { sid: 1 },
  },
  'system-set-dying': {
    call: () => {
      const { space } = fixture();
      const system = space.allocSystemSet(5);
      space.get(space.alloc(system, 0, 99));
      space.freeSet(system, true);
      space.allocSystemSet(5);
    },
    values: { sid: 1, count: 1 },
  },
  // Raising it takes 2^24 live sets (gigabytes): the error is built as allocSet builds it instead.
  'set-ids-exhausted': {
    call: () => {
      throw ioasidError('set-ids-exhausted', { max: MAX_SID + 1 });
    },
    values: { max: MAX_SID + 1 },
  },
  'no-set': { call: () => fixture().space.alloc(42, 0, 9), values: { sid: 42 } },
  'set-dying': {
    call: () => {
      const { space, sid } = fixture();
      space.get(1);
      space.freeSet(sid, true);
      space.adjustSet(sid, 20);
    },
    values: { sid: 0, count: 1 },
  },
  'set-quota': {
    call: () => {
      const { space } = fixture();
      const full = space.allocSet('full', 1);
      space.alloc(full, 0, 99);
      space.alloc(full, 0, 99);
    },
    values: { sid: 1, quota: 1, count: 1 },
  },
  'no-free-id': { call: () => fixture().space.alloc(0, 0, 2), values: { min: 0, max: 2 } },
  'id-not-allocated': { call: () => fixture().space.free(50), values: { id: 50 } },
  'foreign-id': {
    call: () => {
      const { space } = fixture();
      space.allocSet('other', 1);
      space.find(1, 0);
    },
    values: { id: 0, owner: 0, sid: 1 },
  },
  'free-pending': {
    call: () => {
      const { space } = fixture();
      space.get(1);
      space.free(1);
      space.get(1);
    },
    values: { id: 1 },
  },
  // A callback's error goes to onNotifierError; the case throws what that received.
  'no-reference': {
    call: () => {
      let received: unknown = null;
      const space = new IoasidSpace({ capacity: 10, onNotifierError: (error) => (received = error) });
      const id = space.alloc(space.allocSet('vm', 1), 0, 9);
      space.addNotifier((event) => {
        if (event.type !== 'free') return;
        space.put(event.id); // the owner's reference
        space.put(event.id); // only the core's hold during delivery is left
      });
      space.free(id);
      throw received;
    },
    values: { id: 0 },
  },
  'spid-in-use': {
    call: () => fixture().space.attachSpid(1, 7),
    values: { spid: 7, sid: 0, id: 1, mappedId: 2 },
  },
  'no-spid': { call: () => fixture().space.detachSpid(0), values: { id: 0 } },
  'spid-not-mapped': { call: () => fixture().space.findBySpid(0, 8), values: { sid: 0, spid: 8 } },
  'already-subscribed': {
    call: () => {
      const { space } = fixture();
      space.addNotifier(noop, { sid: 0 });
      space.addNotifier(noop, { sid: 0 });
    },
    values: { sid: 0 },
  },
  'not-subscribed': { call: () => fixture().space.removeNotifier(noop), values: { sid: null } },
  'allocator-registered': {
    call: () => {
      const space = new IoasidSpace({ capacity: 10 });
      const mine = ops();
      space.registerAllocator(mine);
      space.registerAllocator(mine);
    },
    values: {},
  },
  'allocator-not-registered': {
    call: () => fixture().space.unregisterAllocator(ops()),
    values: {},
  },
  'default-allocator-busy': {
    call: () => fixture().space.registerAllocator(ops()),
    values: { count: 3 },
  },
  'allocator-busy': {
    call: () => {
      const space = new IoasidSpace({ capacity: 10 });
      const mine = { alloc: () => 4, free: noop };
      space.registerAllocator(mine);
      space.alloc(space.allocSet('vm', 1), 0, 9);
      space.unregisterAllocator(mine);
    },
    values: { count: 1 },
  },
  'allocator-no-free-id': {
    call: () => {
      const space = new IoasidSpace({ capacity: 10 });
      space.registerAllocator({ alloc: () => INVALID_IOASID, free: noop });
      space.alloc(space.allocSet('vm', 1), 3, 9);
    },
    values: { min: 3, max: 9 },
  },
  'allocator-bad-id': {
    call: () => {
      const space = new IoasidSpace({ capacity: 10 });
      space.registerAllocator({ alloc: () => 'x' as never, free: noop });
      space.alloc(space.allocSet('vm', 1), 3, 9);
    },
    values: { id: 'x' },
  },
  'allocator-id-out-of-range': {
    call: () => {
      const space = new IoasidSpace({ capacity: 10 });
      space.registerAllocator({ alloc: () => 12, free: noop });
      space.alloc(space.allocSet('vm', 1), 3, 9);
    },
    values: { id: 12, min: 3, max: 9 },
  },
  'allocator-id-allocated': {
    call: () => {
      const space = new IoasidSpace({ capacity: 10 });
      space.registerAllocator({ alloc: () => 4, free: noop });
      const sid = space.allocSet('vm', 2);
      space.alloc(sid, 3, 9);
      space.alloc(sid, 3, 9);
    },
    values: { id: 4 },
  },
  'allocation-raced': {
    call: () => {
      const space = new IoasidSpace({ capacity: 10 });
      let sid = INVALID_IOASID_SET;
      space.registerAllocator({
        alloc: () => {
          space.freeSet(sid, true);
          return 4;
        },
        free: noop,
      });
      sid = space.allocSet('vm', 1);
      space.alloc(sid, 3, 9);
    },
    values: { sid: 0 },
  },
};

describe('every reason of the registry', () => {
  for (const [reason, c] of Object.entries(CASES) as [ErrorReason, (typeof CASES)[ErrorReason]][]) {
    const info = ERROR_REASONS[reason];
    it(`${reason}: ${info.code} (errno ${ERROR_CODES[info.code].errno}) with ${info.values.join(', ') || 'no values'}`, () => {
      const error = expectIoasidError(c.call, info.code);
      expect({ reason: error.reason, values: error.values }).toEqual({ reason, values: c.values });
      expect(error.message).toBe(info.fact(error.values as never));
    });
  }

  it('each have a case above, and every case is a registry reason', () => {
    expect(Object.keys(CASES).sort()).toEqual(Object.keys(ERROR_REASONS).sort());
  });

  it('are all raised through the API but set-ids-exhausted (2^24 sets), built directly above', () => {
    const direct = Object.entries(CASES)
      .filter(([, c]) => c.call.toString().includes('ioasidError'))
      .map(([reason]) => reason);
    expect(direct).toEqual(['set-ids-exhausted']);
  });
});

describe('the registry', () => {
  it('is frozen, rows and value lists included', () => {
    expect(Object.isFrozen(ERROR_REASONS)).toBe(true);
    for (const info of Object.values(ERROR_REASONS)) {
      expect(Object.isFrozen(info) && Object.isFrozen(info.values)).toBe(true);
    }
  });

  it('names reasons in kebab-case, each with a core code and a meaning', () => {
    for (const [reason, info] of Object.entries(ERROR_REASONS)) {
      expect(reason).toMatch(/^[a-z]+(-[a-z]+)*$/);
      expect(info.code).not.toBe('EPERM');
      expect(Object.keys(ERROR_CODES)).toContain(info.code);
      expect(info.meaning.length, reason).toBeGreaterThan(10);
    }
  });

  it('words facts, never advice naming a method or constant of the core', () => {
    const names = [
      ...Object.getOwnPropertyNames(IoasidSpace.prototype).filter((name) => /^[a-z]+[A-Z]/.test(name)),
      'INVALID_IOASID_SET',
    ];
    for (const [reason, c] of Object.entries(CASES)) {
      let message = '';
      try {
        c.call();
      } catch (error) {
        message = (error as Error).message;
      }
      for (const name of names) expect(message, `${reason}: "${message}"`).not.toContain(name);
    }
  });
});

describe('the reason table of docs/api.md', () => {
  it('lists every reason with its code and values, and nothing else', () => {
    const docs = readFileSync(new URL('../../../../docs/api.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('### Reasons'), docs.indexOf('## Capacity'));
    const rows: Record<string, { code: string; values: string[] }> = {};
    for (const m of section.matchAll(/^\| `([a-z-]+)` \| `([A-Z]+)` \| ([^|]*) \|/gm)) {
      rows[m[1]] = { code: m[2], values: Array.from(m[3].matchAll(/`(\w+)`/g), (v) => v[1]) };
    }
    const expected = Object.fromEntries(
      Object.entries(ERROR_REASONS).map(([reason, info]) => [
        reason,
        { code: info.code, values: [...info.values] },
      ]),
    );
    expect(rows).toEqual(expected);
  });
});

describe('ioasidError', () => {
  it('builds the error of a reason: its code, the fact, and the values made JSON-safe', () => {
    const error = ioasidError('invalid-id', { id: Symbol('s'), max: MAX_IOASID });
    expect(error).toBeInstanceOf(IoasidError);
    expect(error.code).toBe('EINVAL');
    expect(error.reason).toBe('invalid-id');
    expect(error.values).toEqual({ id: 'Symbol(s)', max: MAX_IOASID });
    expect(error.message).toBe(
      'ID Symbol(s) is not valid: IDs are integers from 0 to 4294967294 (0xFFFFFFFE)',
    );
    expect(Object.isFrozen(error.values)).toBe(true);
  });

  it('keeps only the values the registry names for the reason', () => {
    const extra = { sid: 3, quota: 64, count: 64, secret: 'x' } as unknown as {
      sid: number;
      quota: number;
      count: number;
    };
    expect(ioasidError('set-quota', extra).values).toEqual({ sid: 3, quota: 64, count: 64 });
  });

  it('converts values that JSON cannot carry to their text', () => {
    expect([Number.NaN, Number.POSITIVE_INFINITY, undefined, 5n, {}, [1]].map(toErrorValue)).toEqual([
      'NaN',
      'Infinity',
      'undefined',
      '5n (a BigInt)',
      '[object Object]',
      '[object Array]',
    ]);
    expect([0, 'a', true, null].map(toErrorValue)).toEqual([0, 'a', true, null]);
  });
});
