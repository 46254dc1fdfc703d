// Regression tests for defects found while reviewing the core: each names the defect it guards against.

import {
  type IoasidAllocatorOps,
  IoasidError,
  type IoasidEvent,
  IoasidSpace,
  NEGATIVE_ERRNO,
  NOTIFY_DONE,
  NOTIFY_OK,
} from 'ioasid';
import { describe, expect, it } from 'vitest';

function expectCode(fn: () => unknown, code: string): void {
  let thrown: unknown;
  try {
    fn();
  } catch (error) {
    thrown = error;
  }
  expect(thrown).toBeInstanceOf(IoasidError);
  expect((thrown as IoasidError).code).toBe(code);
}

function spaceWithOneId(): { space: IoasidSpace; sid: number; id: number } {
  const space = new IoasidSpace({ capacity: 100 });
  const sid = space.allocSet('vm', 10);
  return { space, sid, id: space.alloc(sid, 0, 10) };
}

describe('symbols and BigInts as arguments', () => {
  const cases: [string, (s: IoasidSpace, sid: number) => unknown][] = [
    ['free(Symbol())', (s) => s.free(Symbol() as unknown as number)],
    ['free(1n)', (s) => s.free(1n as unknown as number)],
    ['find(sid, Symbol())', (s, sid) => s.find(sid, Symbol() as unknown as number)],
    ['find(Symbol(), 0)', (s) => s.find(Symbol() as unknown as number, 0)],
    ['findSid(2n)', (s) => s.findSid(2n as unknown as number)],
    ['get(Symbol())', (s) => s.get(Symbol() as unknown as number)],
    ['put(0n)', (s) => s.put(0n as unknown as number)],
    ['notify(1n, "bind")', (s) => s.notify(1n as unknown as number, 'bind')],
    ['setData(Symbol(), 1)', (s) => s.setData(Symbol() as unknown as number, 1)],
    ['attachSpid(0, 5n)', (s) => s.attachSpid(0, 5n as unknown as number)],
    ['alloc(Symbol(), 0, 1)', (s) => s.alloc(Symbol() as unknown as number, 0, 1)],
    ['alloc(sid, 1n, 2)', (s, sid) => s.alloc(sid, 1n as unknown as number, 2)],
    ['alloc(sid, 0, 2n)', (s, sid) => s.alloc(sid, 0, 2n as unknown as number)],
  ];
  for (const [name, call] of cases) {
    it(`answers EINVAL, not a TypeError, for ${name}`, () => {
      const { space, sid } = spaceWithOneId();
      expectCode(() => call(space, sid), 'EINVAL');
      expect(space.size).toBe(1);
    });
  }

  it('makes tryFree and tryAlloc return -EINVAL for them', () => {
    const { space, sid } = spaceWithOneId();
    expect(space.tryFree(Symbol() as unknown as number)).toBe(NEGATIVE_ERRNO.EINVAL);
    expect(space.tryAlloc(sid, 1n as unknown as number, 3)).toBe(NEGATIVE_ERRNO.EINVAL);
    expect(space.size).toBe(1);
  });

  it('names a BigInt as such in the message', () => {
    const { space } = spaceWithOneId();
    expect(() => space.free(7n as unknown as number)).toThrow(/7n \(a BigInt\)/);
  });
});

describe('put during a FREE delivery', () => {
  it('refuses a put beyond the references that exist instead of releasing the ID twice', () => {
    const { space, sid, id } = spaceWithOneId();
    const results: unknown[] = [];
    space.addNotifier((e: IoasidEvent) => {
      if (e.type !== 'free') return NOTIFY_DONE;
      results.push(space.put(e.id)); // the owner's reference: the ID stays held until delivery ends
      try {
        space.put(e.id); // nobody holds another reference
      } catch (error) {
        results.push((error as IoasidError).code);
      }
      return NOTIFY_OK;
    });
    space.free(id);
    expect(results).toEqual([false, 'ENOENT']);
    expect(space.size).toBe(0);
    expect(space.getSet(sid).count).toBe(0);
    expect(space.alloc(sid, 0, 10)).toBe(id);
    expect(space.size).toBe(1);
  });

  it('keeps the ID allocated for later subscribers when an earlier one drops every reference', () => {
    const { space, sid, id } = spaceWithOneId();
    space.get(id);
    const seenByLater: string[] = [];
    space.addNotifier(
      (e: IoasidEvent) => {
        if (e.type === 'free') {
          space.put(e.id);
          space.put(e.id);
        }
      },
      { priority: 2 },
    );
    space.addNotifier(
      (e: IoasidEvent) => {
        if (e.type === 'free') seenByLater.push(space.state(e.id));
      },
      { priority: 1 },
    );
    space.free(id);
    expect(seenByLater).toEqual(['free-pending']);
    expect(() => space.state(id)).toThrow(IoasidError);
    expect(space.getSet(sid).count).toBe(0);
  });
});

describe('callback results', () => {
  it('returns a callback result of -1 from notify, like any other number', () => {
    const { space, id } = spaceWithOneId();
    space.addNotifier(() => -1);
    expect(space.notify(id, 'bind')).toBe(-1);
  });

  it('returns the global chain result when the set chain has no subscriber left', () => {
    const { space, sid, id } = spaceWithOneId();
    const setCallback = () => NOTIFY_OK;
    space.addNotifier(() => 7);
    space.addNotifier(setCallback, { sid });
    space.removeNotifier(setCallback, { sid });
    expect(space.notify(id, 'bind')).toBe(7);
  });
});

describe('argument checks that come first', () => {
  it('answers EINVAL for a bad quota of allocSystemSet even when the system set exists', () => {
    const space = new IoasidSpace({ capacity: 10 });
    space.allocSystemSet(1);
    expectCode(() => space.allocSystemSet(-1), 'EINVAL');
    expectCode(() => space.allocSystemSet(1), 'EEXIST');
  });

  it('answers EINVAL when unregisterAllocator is given something that is not ops', () => {
    const space = new IoasidSpace({ capacity: 10 });
    expectCode(() => space.unregisterAllocator(null as unknown as IoasidAllocatorOps), 'EINVAL');
    expectCode(() => space.unregisterAllocator({ alloc: () => 0, free: () => {} }), 'ENOENT');
  });

  it('answers EINVAL for a priority of null', () => {
    const space = new IoasidSpace({ capacity: 10 });
    expectCode(() => space.addNotifier(() => 0, { priority: null as unknown as number }), 'EINVAL');
  });
});
