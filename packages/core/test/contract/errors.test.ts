// Contract "Conventions": every failure is an IoasidError whose code has its Linux errno, whose message
// names the values; bad argument types and values are EINVAL on every method; a call that throws changes
// nothing. Also the registry, the exported constants and the try* forms.

import {
  CORE_EVENT_TYPES,
  ERROR_CODES,
  INVALID_IOASID,
  INVALID_IOASID_SET,
  IoasidError,
  type IoasidErrorCode,
  IoasidSpace,
  isIoasidError,
  MAX_CAPACITY,
  MAX_IOASID,
  NEGATIVE_ERRNO,
  NOTIFY_BAD,
  NOTIFY_DONE,
  NOTIFY_OK,
  NOTIFY_STOP,
  NOTIFY_STOP_MASK,
  type NotifierCallback,
} from 'ioasid';
import { describe, expect, it } from 'vitest';
import { CORE_CODES, expectIoasidError, expectRefused } from '../support/errors.js';
import { recordEvents } from '../support/events.js';

const CODES = CORE_CODES;

describe('the error registry', () => {
  // The one place the numbers are written out: every other test reads them from ERROR_CODES.
  it('gives every code its Linux errno (errno-base.h)', () => {
    const errno = Object.fromEntries(Object.entries(ERROR_CODES).map(([code, info]) => [code, info.errno]));
    expect(errno).toEqual({
      EPERM: 1,
      ENOENT: 2,
      EAGAIN: 11,
      EACCES: 13,
      EBUSY: 16,
      EEXIST: 17,
      EINVAL: 22,
      ENOSPC: 28,
    });
  });

  it('lists exactly the core codes plus EPERM (errno 1) for the server, each with an HTTP status and meaning', () => {
    expect(Object.keys(ERROR_CODES).sort()).toEqual([...CODES, 'EPERM'].sort());
    for (const info of Object.values(ERROR_CODES)) {
      expect(Number.isInteger(info.httpStatus) && info.httpStatus >= 400 && info.httpStatus < 600).toBe(true);
      expect(info.meaning.length).toBeGreaterThan(0);
    }
  });

  it('cannot be modified', () => {
    expect(Object.isFrozen(ERROR_CODES)).toBe(true);
  });

  it('gives the try* forms the negated errno of each code', () => {
    for (const code of CODES) expect(NEGATIVE_ERRNO[code], code).toBe(-ERROR_CODES[code].errno);
  });
});

describe('IoasidError', () => {
  it('is an Error with code, errno, name and message', () => {
    for (const code of CODES) {
      const error = new IoasidError(code, `something about ${code}`);
      expect(error).toBeInstanceOf(Error);
      expect(error).toBeInstanceOf(IoasidError);
      expect(error.code).toBe(code);
      expect(error.errno).toBe(ERROR_CODES[code].errno);
      expect(error.name).toBe('IoasidError');
      expect(error.message).toBe(`something about ${code}`);
      expect(isIoasidError(error)).toBe(true);
    }
  });

  it('is told apart from other errors and values by isIoasidError', () => {
    for (const value of [
      new Error('x'),
      new TypeError('x'),
      { code: 'EINVAL', errno: 22 },
      null,
      undefined,
      'EINVAL',
    ]) {
      expect(isIoasidError(value)).toBe(false);
    }
  });
});

describe('exported constants', () => {
  it('have the contract values', () => {
    expect(INVALID_IOASID).toBe(0xffffffff);
    expect(INVALID_IOASID_SET).toBe(-1);
    expect(MAX_IOASID).toBe(0xfffffffe);
    expect(MAX_CAPACITY).toBe(2 ** 32 - 1);
    expect({ NOTIFY_DONE, NOTIFY_OK, NOTIFY_STOP, NOTIFY_BAD, NOTIFY_STOP_MASK }).toEqual({
      NOTIFY_DONE: 0,
      NOTIFY_OK: 1,
      NOTIFY_STOP: 0x8001,
      NOTIFY_BAD: 0x8002,
      NOTIFY_STOP_MASK: 0x8000,
    });
    expect([...CORE_EVENT_TYPES]).toEqual(['alloc', 'free', 'bind', 'unbind']);
  });
});

/**
 * A space with set 0 holding IDs 0..5 (ID 5 with data and spid 3), set 1 holding free-pending ID 6,
 * set 2 at its quota of 3 (IDs 7..9), and a recorder.
 */
function fixture() {
  const space = new IoasidSpace({ capacity: 1000 });
  const sid = space.allocSet('vm', 100);
  const other = space.allocSet('other', 10);
  for (let i = 0; i < 5; i++) space.alloc(sid, 0, 99);
  const id = space.alloc(sid, 0, 99, { d: 1 });
  space.attachSpid(id, 3);
  const pending = space.alloc(other, 0, 99);
  space.get(pending);
  space.free(pending);
  const full = space.allocSet('full', 3); // set 2 at its quota of 3
  for (let i = 0; i < 3; i++) space.alloc(full, 0, 99);
  const rec = recordEvents(space);
  return { space, sid, other, full, id, pending, rec };
}

describe('every code, raised through the API, with its errno and a message naming the values', () => {
  const cases: {
    code: IoasidErrorCode;
    what: string;
    call: (f: ReturnType<typeof fixture>) => unknown;
    names: string[];
  }[] = [
    {
      code: 'EINVAL',
      what: 'alloc with min > max',
      call: (f) => f.space.alloc(f.sid, 9, 8),
      names: ['9', '8'],
    },
    { code: 'EINVAL', what: 'a bad ID', call: (f) => f.space.free(1.5), names: ['1.5'] },
    { code: 'EINVAL', what: 'a bad quota', call: (f) => f.space.allocSet('q', -7), names: ['-7'] },
    {
      code: 'EINVAL',
      what: 'quota below count',
      call: (f) => f.space.adjustSet(f.sid, 2),
      names: ['6', '2'],
    },
    { code: 'EINVAL', what: 'spid in use', call: (f) => f.space.attachSpid(0, 3), names: ['3', '5'] },
    { code: 'ENOENT', what: 'an unknown ID', call: (f) => f.space.free(77), names: ['77'] },
    { code: 'ENOENT', what: 'an unknown set', call: (f) => f.space.getSet(42), names: ['42'] },
    { code: 'ENOENT', what: 'no spid mapping', call: (f) => f.space.findBySpid(f.sid, 99), names: ['99'] },
    { code: 'EACCES', what: "another set's ID", call: (f) => f.space.get(f.id, f.other), names: ['5', '1'] },
    { code: 'EBUSY', what: 'a free-pending ID', call: (f) => f.space.get(f.pending), names: [String(6)] },
    { code: 'EBUSY', what: 'a second capacity', call: (f) => f.space.installCapacity(5), names: ['1000'] },
    { code: 'EEXIST', what: 'a used token', call: (f) => f.space.allocSet('vm', 1), names: ['vm', '0'] },
    {
      code: 'ENOSPC',
      what: 'a quota too large',
      call: (f) => f.space.allocSet('big', 1000),
      names: ['1000', '887'],
    },
    { code: 'ENOSPC', what: 'a full range', call: (f) => f.space.alloc(f.sid, 0, 4), names: ['0', '4'] },
    { code: 'ENOSPC', what: 'a set at quota', call: (f) => f.space.alloc(f.full, 0, 99), names: ['2', '3'] },
  ];
  for (const c of cases) {
    it(`throws ${c.code} (errno ${ERROR_CODES[c.code].errno}) for ${c.what}, changing nothing`, () => {
      const f = fixture();
      const error = expectRefused(f.space, () => c.call(f), c.code, f.rec.events);
      for (const value of c.names) expect(error.message, error.message).toContain(value);
    });
  }

  it('throws EAGAIN (errno 11) for a custom allocator registered while IDs are out, changing nothing', () => {
    const f = fixture();
    const error = expectRefused(
      f.space,
      () => f.space.registerAllocator({ alloc: () => 1, free: () => undefined }),
      'EAGAIN',
      f.rec.events,
    );
    expect(error.message).toContain('10'); // IDs outstanding
  });

  it('throws EINVAL, never a TypeError, for objects that convert to an existing ID', () => {
    const f = fixture();
    const garbage: unknown[] = [{ valueOf: () => 5 }, [5], () => 5, { toString: () => '5' }];
    for (const call of GARBAGE_CALLS(f)) {
      for (const g of garbage) expectRefused(f.space, () => call(g), 'EINVAL', f.rec.events);
    }
  });

  for (const [name, value] of [
    ['a symbol', Symbol('s')],
    ['a bigint', 5n],
    ['the bigint 0n', 0n],
    ['a null-prototype object', Object.create(null)],
  ] as const) {
    it(`throws EINVAL, never a TypeError, for ${name} in any number position`, () => {
      const f = fixture();
      const failures: string[] = [];
      GARBAGE_CALLS(f).forEach((call, i) => {
        try {
          call(value);
          failures.push(`${GARBAGE_NAMES[i]}: returned`);
        } catch (error) {
          if (!isIoasidError(error)) failures.push(`${GARBAGE_NAMES[i]}: ${String(error)}`);
          else if (error.code !== 'EINVAL') failures.push(`${GARBAGE_NAMES[i]}: ${error.code}`);
        }
      });
      expect(failures).toEqual([]);
    });
  }
});

const GARBAGE_NAMES = [
  'free(id)',
  'tryFree(id)',
  'get(id)',
  'put(id)',
  'find(sid, id)',
  'find(-1, id)',
  'findSid(id)',
  'setData(id)',
  'state(id)',
  'refCount(id)',
  'attachSpid(id)',
  'attachSpid(spid)',
  'detachSpid(id)',
  'spidOf(id)',
  'notify(id)',
  'findBySpid(spid)',
  'alloc(sid)',
  'alloc(min)',
  'alloc(max)',
  'tryAlloc(sid)',
  'tryAlloc(min)',
  'getSet(sid)',
  'listIds(sid)',
  'freeSet(sid)',
  'adjustSet(sid)',
  'adjustSet(quota)',
  'allocSet(quota)',
  'get(id, sid)',
  'find(sid)',
  'findBySpid(sid)',
  'addNotifier({ sid })',
  'addNotifier({ priority })',
  'notify(type)',
  'installCapacity(total)',
];

/** One call per number position of the API (names in GARBAGE_NAMES), taking the bad value. */
function GARBAGE_CALLS(f: ReturnType<typeof fixture>): ((g: unknown) => unknown)[] {
  const s = f.space;
  const n = (g: unknown) => g as number;
  /** A try* result: -EINVAL becomes the error the throwing form gives for the same arguments. */
  const tryForm = (r: number, throwing: () => unknown) => {
    if (r === NEGATIVE_ERRNO.EINVAL) throwing();
    return r;
  };
  return [
    (g) => s.free(n(g)),
    (g) => tryForm(s.tryFree(n(g)), () => s.free(n(g))),
    (g) => s.get(n(g)),
    (g) => s.put(n(g)),
    (g) => s.find(f.sid, n(g)),
    (g) => s.find(-1, n(g)),
    (g) => s.findSid(n(g)),
    (g) => s.setData(n(g), 'x'),
    (g) => s.state(n(g)),
    (g) => s.refCount(n(g)),
    (g) => s.attachSpid(n(g), 50),
    (g) => s.attachSpid(0, n(g)),
    (g) => s.detachSpid(n(g)),
    (g) => s.spidOf(n(g)),
    (g) => s.notify(n(g), 'bind'),
    (g) => s.findBySpid(f.sid, n(g)),
    (g) => s.alloc(n(g), 0, 99),
    (g) => s.alloc(f.sid, n(g), 99),
    (g) => s.alloc(f.sid, 0, n(g)),
    (g) => tryForm(s.tryAlloc(n(g), 0, 99), () => s.alloc(n(g), 0, 99)),
    (g) => tryForm(s.tryAlloc(f.sid, n(g), 99), () => s.alloc(f.sid, n(g), 99)),
    (g) => s.getSet(n(g)),
    (g) => s.listIds(n(g)),
    (g) => s.freeSet(n(g)),
    (g) => s.adjustSet(n(g), 10),
    (g) => s.adjustSet(f.sid, n(g)),
    (g) => s.allocSet('t', n(g)),
    (g) => s.get(0, n(g)),
    (g) => s.find(n(g), 0),
    (g) => s.findBySpid(n(g), 3),
    (g) => s.addNotifier(() => undefined, { sid: n(g) }),
    (g) => s.addNotifier(() => undefined, { priority: n(g) }),
    (g) => s.notify(5, g as string),
    (g) => new IoasidSpace().installCapacity(n(g)),
  ];
}

describe('EINVAL for every bad-argument shape on every method', () => {
  /** Values that are not IDs; several would coerce (or wrap with >>> 0) to an allocated ID. */
  const BAD_IDS: unknown[] = [
    1.5,
    5.000001,
    -1,
    -5,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    Number.NEGATIVE_INFINITY,
    '5',
    '',
    null,
    true,
    {},
    [5],
    2 ** 32,
    2 ** 32 + 5,
    INVALID_IOASID,
    2 ** 53,
  ];
  /** Values that are not set IDs; `-1` is a bad set ID wherever "no set" is not accepted. */
  const BAD_SIDS: unknown[] = [0.5, -2, Number.NaN, Number.POSITIVE_INFINITY, '0', null, true, {}, [0], -0.5];
  /** Values that are not quotas (integers 0..2^32-1). */
  const BAD_QUOTAS: unknown[] = [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 32, '5', null, true, {}];

  type F = ReturnType<typeof fixture>;
  const idMethods: [string, (f: F, v: unknown) => unknown][] = [
    ['free(id)', (f, v) => f.space.free(v as number)],
    ['get(id)', (f, v) => f.space.get(v as number)],
    ['put(id)', (f, v) => f.space.put(v as number)],
    ['find(-1, id)', (f, v) => f.space.find(-1, v as number)],
    ['find(sid, id)', (f, v) => f.space.find(f.sid, v as number)],
    ['findSid(id)', (f, v) => f.space.findSid(v as number)],
    ['setData(id)', (f, v) => f.space.setData(v as number, 'x')],
    ['state(id)', (f, v) => f.space.state(v as number)],
    ['refCount(id)', (f, v) => f.space.refCount(v as number)],
    ['attachSpid(id)', (f, v) => f.space.attachSpid(v as number, 50)],
    ['attachSpid(spid)', (f, v) => f.space.attachSpid(0, v as number)],
    ['detachSpid(id)', (f, v) => f.space.detachSpid(v as number)],
    ['spidOf(id)', (f, v) => f.space.spidOf(v as number)],
    ['findBySpid(spid)', (f, v) => f.space.findBySpid(f.sid, v as number)],
    ['notify(id)', (f, v) => f.space.notify(v as number, 'bind')],
  ];
  const sidMethods: [string, (f: F, v: unknown) => unknown][] = [
    ['alloc(sid)', (f, v) => f.space.alloc(v as number, 0, 99)],
    ['freeSet(sid)', (f, v) => f.space.freeSet(v as number, false)],
    ['freeSet(sid, true)', (f, v) => f.space.freeSet(v as number, true)],
    ['adjustSet(sid)', (f, v) => f.space.adjustSet(v as number, 10)],
    ['getSet(sid)', (f, v) => f.space.getSet(v as number)],
    ['listIds(sid)', (f, v) => f.space.listIds(v as number)],
    ['get(id, sid)', (f, v) => f.space.get(0, v as number)],
    ['find(sid, id)', (f, v) => f.space.find(v as number, 0)],
    ['findBySpid(sid)', (f, v) => f.space.findBySpid(v as number, 3)],
    ['addNotifier({ sid })', (f, v) => f.space.addNotifier(() => undefined, { sid: v as number })],
    ['removeNotifier({ sid })', (f, v) => f.space.removeNotifier(f.rec.callback, { sid: v as number })],
  ];
  const quotaMethods: [string, (f: F, v: unknown) => unknown][] = [
    ['allocSet(quota)', (f, v) => f.space.allocSet('new', v as number)],
    ['allocSystemSet(quota)', (f, v) => f.space.allocSystemSet(v as number)],
    ['adjustSet(quota)', (f, v) => f.space.adjustSet(f.sid, v as number)],
  ];

  for (const [name, call] of idMethods) {
    it(`rejects non-ID values in ${name}`, () => {
      const f = fixture();
      for (const bad of BAD_IDS) {
        const error = expectRefused(f.space, () => call(f, bad), 'EINVAL', f.rec.events);
        if (typeof bad === 'number') expect(error.message).toContain(String(bad));
      }
    });
  }

  for (const [name, call] of sidMethods) {
    it(`rejects non-set-ID values in ${name}`, () => {
      const f = fixture();
      for (const bad of BAD_SIDS) {
        const error = expectRefused(f.space, () => call(f, bad), 'EINVAL', f.rec.events);
        if (typeof bad === 'number') expect(error.message).toContain(String(bad));
      }
    });
  }

  it('rejects -1 (no set) as a set ID where a set is required', () => {
    const f = fixture();
    for (const [name, call] of sidMethods) {
      if (name === 'get(id, sid)' || name === 'find(sid, id)') continue; // -1 skips the check there
      if (name.includes('Notifier')) continue; // -1 is the global scope there
      expectRefused(f.space, () => call(f, -1), 'EINVAL', f.rec.events);
    }
  });

  for (const [name, call] of quotaMethods) {
    it(`rejects non-quota values in ${name}`, () => {
      const f = fixture();
      for (const bad of BAD_QUOTAS) {
        const error = expectRefused(f.space, () => call(f, bad), 'EINVAL', f.rec.events);
        if (typeof bad === 'number') expect(error.message).toContain(String(bad));
      }
    });
  }

  it('rejects non-capacity values in installCapacity and the constructor', () => {
    for (const bad of [0, ...BAD_QUOTAS]) {
      const space = new IoasidSpace();
      expectRefused(space, () => space.installCapacity(bad as number), 'EINVAL');
      expectIoasidError(() => new IoasidSpace({ capacity: bad as number }), 'EINVAL');
    }
  });

  it('rejects bad ranges in alloc and tryAlloc', () => {
    const f = fixture();
    const BAD_BOUNDS: unknown[] = [
      -1,
      1.5,
      Number.NaN,
      Number.POSITIVE_INFINITY,
      2 ** 32,
      2 ** 32 + 50,
      '7',
      null,
      true,
    ];
    for (const bad of BAD_BOUNDS) {
      expectRefused(f.space, () => f.space.alloc(f.sid, bad as number, 99), 'EINVAL', f.rec.events);
      expectRefused(f.space, () => f.space.alloc(f.sid, 0, bad as number), 'EINVAL', f.rec.events);
      expect(f.space.tryAlloc(f.sid, bad as number, 99)).toBe(NEGATIVE_ERRNO.EINVAL);
      expect(f.space.tryAlloc(f.sid, 0, bad as number)).toBe(NEGATIVE_ERRNO.EINVAL);
    }
    expect(f.space.tryAlloc(-1, 0, 99)).toBe(NEGATIVE_ERRNO.EINVAL);
    expect(f.space.tryAlloc('0' as unknown as number, 0, 99)).toBe(NEGATIVE_ERRNO.EINVAL);
  });

  it('rejects bad IDs in tryFree with -EINVAL', () => {
    const f = fixture();
    for (const bad of BAD_IDS)
      expect(f.space.tryFree(bad as number), String(bad)).toBe(NEGATIVE_ERRNO.EINVAL);
    expect(f.space.listIds(f.sid)).toEqual([0, 1, 2, 3, 4, 5]);
  });

  it('rejects a bad destroy flag in freeSet', () => {
    const f = fixture();
    for (const bad of [1, 0, 'yes', null, {}]) {
      expectRefused(f.space, () => f.space.freeSet(f.sid, bad as boolean), 'EINVAL', f.rec.events);
    }
  });

  it('rejects a bad getter in find', () => {
    const f = fixture();
    for (const bad of [1, 'getter', {}, true]) {
      expectRefused(f.space, () => f.space.find(f.sid, 5, bad as () => boolean), 'EINVAL', f.rec.events);
    }
  });

  it('rejects bad callbacks, options and priorities in addNotifier and removeNotifier', () => {
    const f = fixture();
    for (const bad of [null, undefined, 1, 'cb', {}]) {
      expectRefused(f.space, () => f.space.addNotifier(bad as NotifierCallback), 'EINVAL', f.rec.events);
      expectRefused(f.space, () => f.space.removeNotifier(bad as NotifierCallback), 'EINVAL', f.rec.events);
    }
    for (const bad of [null, 5, 'sid']) {
      const options = bad as unknown as { sid: number };
      expectRefused(f.space, () => f.space.addNotifier(() => undefined, options), 'EINVAL', f.rec.events);
    }
    for (const bad of [0.5, Number.NaN, Number.POSITIVE_INFINITY, '1', 2 ** 53, {}]) {
      const options = { priority: bad as number };
      expectRefused(f.space, () => f.space.addNotifier(() => undefined, options), 'EINVAL', f.rec.events);
    }
  });

  it('rejects bad event types in notify', () => {
    const f = fixture();
    for (const bad of ['', 1, null, undefined, {}, Symbol('bind')]) {
      expectRefused(f.space, () => f.space.notify(5, bad as string), 'EINVAL', f.rec.events);
    }
  });

  it('rejects bad tokens in allocSet', () => {
    const f = fixture();
    expectRefused(f.space, () => f.space.allocSet(null, 1), 'EINVAL', f.rec.events);
    expectRefused(f.space, () => f.space.allocSet(undefined, 1), 'EINVAL', f.rec.events);
  });

  it('rejects bad ops in registerAllocator', () => {
    const space = new IoasidSpace({ capacity: 10 });
    for (const bad of [null, 1, 'ops', {}, { alloc: () => 1 }, { alloc: () => 1, free: 'no' }]) {
      expectRefused(space, () => space.registerAllocator(bad as never), 'EINVAL');
    }
  });

  it('rejects bad constructor options', () => {
    expectIoasidError(() => new IoasidSpace(null as never), 'EINVAL');
    expectIoasidError(() => new IoasidSpace({ onNotifierError: 'log' as never }), 'EINVAL');
  });
});

describe('-0', () => {
  it('is accepted as the number 0 for IDs, set IDs, spids and quotas', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', -0);
    expect(sid === 0).toBe(true);
    space.adjustSet(-0, 5);
    expect(space.getSet(-0).quota).toBe(5);
    const id = space.alloc(sid, 0, 9);
    expect(space.findSid(-0) === sid).toBe(true);
    expect(space.find(-0, -0)).toBeNull();
    space.get(-0, -0);
    expect(space.put(-0)).toBe(false);
    space.attachSpid(-0, -0);
    expect(space.findBySpid(-0, 0) === id).toBe(true);
    expect(space.spidOf(0) === 0).toBe(true);
    space.free(-0);
    expect(space.listIds(sid)).toEqual([]);
  });

  it('is refused as a capacity like 0', () => {
    expectIoasidError(() => new IoasidSpace({ capacity: -0 }), 'EINVAL');
  });

  it('never comes back as an ID: alloc with min -0 hands out +0, in its result, events and listings', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 5);
    const rec = recordEvents(space);
    const id = space.alloc(sid, -0, -0);
    expect(Object.is(id, 0)).toBe(true);
    expect(Object.is(rec.events[0].id, 0)).toBe(true);
    expect(Object.is(space.listIds(sid)[0], 0)).toBe(true);
  });

  it('never comes back as an ID: findBySpid returns +0 for ID 0 attached as -0', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 5);
    space.alloc(sid, 0, 9);
    space.attachSpid(-0, 4);
    expect(Object.is(space.findBySpid(sid, 4), 0)).toBe(true);
  });

  it('never comes back as a spid: spidOf returns +0 for spid -0', () => {
    const space = new IoasidSpace({ capacity: 10 });
    const sid = space.allocSet('vm', 5);
    const id = space.alloc(sid, 0, 9);
    space.attachSpid(id, -0);
    expect(Object.is(space.spidOf(id), 0)).toBe(true);
  });
});
