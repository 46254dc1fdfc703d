// Contract "Invariants": the five invariants checked by a shadow model after every call and at every
// event delivery (nested calls included), over scripted scenarios and a seeded random walk.

import fc from 'fast-check';
import { IoasidSpace, isIoasidError } from 'ioasid';
import { describe, expect, it } from 'vitest';
import { snapshotSpace } from '../support/snapshot.js';
import { ContractTracker, structuralViolations } from '../support/tracker.js';

const MAX = 0xffffffff;

describe('invariant 1: available + sum of quotas of existing sets == capacity', () => {
  it('holds through set creation, growth, shrinking, dying and destruction', () => {
    const t = new ContractTracker(1000);
    const steps: (() => unknown)[] = [
      () => t.allocSystemSet(100),
      () => t.allocSet('vm1', 300),
      () => t.allocSet('vm2', 0),
      () => t.adjustSet(2, 600),
      () => t.alloc(1, 0, MAX),
      () => t.get(0),
      () => t.freeSet(1, true), // dying, quota still reserved
      () => t.adjustSet(2, 10),
      () => t.allocSet('vm1', 400), // the token is free again
      () => t.put(0), // set 1 destroyed, quota back
      () => t.allocSet('vm3', 190),
    ];
    const available: number[] = [];
    for (const step of steps) {
      step();
      expect(t.check()).toEqual([]);
      available.push(t.space.available);
    }
    expect(available).toEqual([900, 600, 600, 0, 0, 0, 0, 590, 190, 490, 300]);
  });
});

describe('invariant 2: every set holds at most quota IDs', () => {
  it('holds when callbacks try to allocate into a set at its quota', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 3);
    const codes: string[] = [];
    t.space.addNotifier((e) => {
      if (e.type !== 'alloc') return;
      try {
        t.alloc(sid, 0, 99);
      } catch (error) {
        if (isIoasidError(error)) codes.push(error.code);
      }
    });
    t.alloc(sid, 0, 99);
    expect(t.space.getSet(sid)).toMatchObject({ count: 3, quota: 3 });
    expect(codes).toEqual(['ENOSPC']);
    expect(t.check()).toEqual([]);
  });

  it('holds with free-pending IDs counted', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 2);
    const a = t.alloc(sid, 0, 99);
    t.alloc(sid, 0, 99);
    t.get(a);
    t.free(a);
    expect(() => t.alloc(sid, 0, 99)).toThrow();
    expect(() => t.adjustSet(sid, 1)).toThrow();
    expect(t.check()).toEqual([]);
  });
});

describe('invariant 3: an ID is never handed out while it is allocated or referenced', () => {
  it('holds for referenced, free-pending and in-delivery IDs', () => {
    const t = new ContractTracker(200);
    const a = t.allocSet('a', 50);
    const b = t.allocSet('b', 50);
    const ids = Array.from({ length: 10 }, (_, i) => t.alloc(i % 2 === 0 ? a : b, 0, 99));
    expect(ids).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    for (const id of [2, 5, 7]) t.get(id);
    t.freeSet(a, true);
    t.freeSet(b, false);
    const fresh = t.allocSet('c', 20);
    const got = Array.from({ length: 10 }, () => t.alloc(fresh, 0, 99));
    expect(got).toEqual([0, 1, 3, 4, 6, 8, 9, 10, 11, 12]);
    expect(t.check()).toEqual([]);
    for (const id of [2, 5, 7]) t.put(id);
    expect(t.alloc(fresh, 0, 99)).toBe(2);
    expect(t.check()).toEqual([]);
  });
});

describe('invariant 4: findSid, find, findBySpid, getSet(sid).count and listIds agree', () => {
  it('holds across sets, data, spids, free-pending IDs and a dying set', () => {
    const t = new ContractTracker(1000);
    const a = t.allocSet('a', 100);
    const b = t.allocSet('b', 100);
    for (let i = 0; i < 20; i++) {
      const id = t.alloc(i % 3 === 0 ? b : a, i * 7, 999, { i });
      t.attachSpid(id, 100 - i);
      if (i % 4 === 0) t.get(id);
    }
    expect(t.check()).toEqual([]);
    t.freeSet(a, true);
    expect(t.check()).toEqual([]);
    for (const id of t.space.listIds(b).slice(0, 3)) t.free(id);
    expect(t.check()).toEqual([]);
    expect(structuralViolations(t.space)).toEqual([]);
  });
});

describe('invariant 5: each ID life emits exactly one ALLOC and at most one FREE', () => {
  it('holds across free, freeSet, repeated frees, put releases and reuse', () => {
    const t = new ContractTracker(100);
    const sid = t.allocSet('vm', 10);
    const x = t.alloc(sid, 0, 99);
    t.get(x);
    t.free(x);
    t.free(x);
    t.freeSet(sid, false);
    t.put(x);
    const y = t.alloc(sid, 0, 99); // x's ID again, new life
    expect(y).toBe(x);
    t.put(y); // released without FREE
    t.alloc(sid, 0, 99);
    t.freeSet(sid, true);
    expect(t.log).toEqual([`alloc:${x}`, `free:${x}`, `alloc:${x}`, `alloc:${x}`, `free:${x}`]);
    expect(t.check()).toEqual([]);
  });
});

describe('all invariants over a scripted VM life cycle', () => {
  it('hold after every call', () => {
    const t = new ContractTracker(1 << 20);
    const kvm: number[] = [];
    t.space.addNotifier(
      (e) => {
        if (e.type === 'bind') t.get(e.id);
        if (e.type === 'unbind') t.put(e.id);
        if (e.type === 'free' && t.space.spidOf(e.id) !== 0xffffffff) kvm.push(e.id);
      },
      { priority: 3 },
    );
    const steps: [string, () => unknown][] = [
      ['system set', () => t.allocSystemSet(32768)],
      ['host SVA', () => t.alloc(0, 1, MAX)],
      ['vm1', () => t.allocSet({ vm: 1 }, 64)],
      ['vm2', () => t.allocSet({ vm: 2 }, 64)],
      ['vm1 ids', () => [t.alloc(1, 1, MAX), t.alloc(1, 1, MAX), t.alloc(1, 1, MAX)]],
      ['vm2 ids', () => [t.alloc(2, 1, MAX), t.alloc(2, 1, MAX)]],
      ['bind vm1', () => [t.attachSpid(2, 10), t.attachSpid(3, 11)]],
      ['bind vm2', () => t.attachSpid(5, 10)],
      ['unbind', () => t.detachSpid(3)],
      ['vm1 dies', () => t.freeSet(1, true)],
      ['vm3 reuses', () => t.allocSet({ vm: 3 }, 64)],
      ['vm3 ids', () => [t.alloc(3, 1, MAX), t.alloc(3, 1, MAX)]],
      ['kvm teardown', () => kvm.splice(0).map((id) => t.put(id))],
      ['vm1 reuse id', () => t.allocSet({ vm: 4 }, 64)],
      ['vm2 shrinks', () => t.adjustSet(2, 2)],
      ['vm2 dies', () => t.freeSet(2, true)],
      ['kvm teardown 2', () => kvm.splice(0).map((id) => t.put(id))],
      ['host exit', () => t.free(1)],
      ['system set', () => t.freeSet(0, true)],
    ];
    for (const [name, step] of steps) {
      step();
      expect(t.check(), name).toEqual([]);
    }
    expect(t.notifierErrors).toEqual([]);
    expect(t.space.listSets().map((s) => s.sid)).toEqual([1, 3]);
  });
});

// ---- seeded random walk ---------------------------------------------------------------------------

type Op =
  | { op: 'allocSet'; token: number; quota: number }
  | { op: 'freeSet'; set: number; destroy: boolean }
  | { op: 'adjustSet'; set: number; quota: number }
  | { op: 'alloc'; set: number; min: number; span: number }
  | { op: 'free'; id: number }
  | { op: 'get'; id: number; set: number }
  | { op: 'put'; id: number }
  | { op: 'attach'; id: number; spid: number }
  | { op: 'detach'; id: number };
type Step = Op | { op: 'arm'; on: string; action: Op };

const plainOp: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('allocSet' as const), token: fc.nat(5), quota: fc.nat(12) }),
  fc.record({ op: fc.constant('allocSet' as const), token: fc.nat(5), quota: fc.nat(12) }),
  fc.record({ op: fc.constant('freeSet' as const), set: fc.nat(6), destroy: fc.boolean() }),
  fc.record({ op: fc.constant('adjustSet' as const), set: fc.nat(6), quota: fc.nat(15) }),
  fc.record({ op: fc.constant('alloc' as const), set: fc.nat(6), min: fc.nat(40), span: fc.nat(40) }),
  fc.record({ op: fc.constant('alloc' as const), set: fc.nat(6), min: fc.nat(8), span: fc.nat(60) }),
  fc.record({ op: fc.constant('alloc' as const), set: fc.nat(6), min: fc.nat(8), span: fc.nat(60) }),
  fc.record({ op: fc.constant('free' as const), id: fc.nat(60) }),
  fc.record({ op: fc.constant('get' as const), id: fc.nat(60), set: fc.integer({ min: -1, max: 6 }) }),
  fc.record({ op: fc.constant('get' as const), id: fc.nat(60), set: fc.constant(-1) }),
  fc.record({ op: fc.constant('put' as const), id: fc.nat(60) }),
  fc.record({ op: fc.constant('attach' as const), id: fc.nat(60), spid: fc.nat(8) }),
  fc.record({ op: fc.constant('detach' as const), id: fc.nat(60) }),
);
const step: fc.Arbitrary<Step> = fc.oneof(
  { weight: 4, arbitrary: plainOp },
  {
    weight: 1,
    arbitrary: fc.record({
      op: fc.constant('arm' as const),
      on: fc.constantFrom('alloc', 'free', 'bind', 'unbind'),
      action: plainOp,
    }),
  },
);

/** The target of an op: mostly an existing set or ID (so calls succeed), sometimes an unknown one. */
function pickSet(space: IoasidSpace, n: number): number {
  const sids = space.listSets().map((set) => set.sid);
  return n % (sids.length + 1) < sids.length ? sids[n % (sids.length + 1)] : n;
}
function pickId(space: IoasidSpace, n: number): number {
  const ids = space.listSets().flatMap((set) => space.listIds(set.sid));
  return n % (ids.length + 1) < ids.length ? ids[n % (ids.length + 1)] : n;
}

/** Runs `op` on the tracker (or, with `plain`, directly on a space). */
function run(t: ContractTracker, op: Op): void {
  runOn(t.space, op, t);
}

function runOn(space: IoasidSpace, op: Op, t?: ContractTracker): void {
  const api = t ?? space;
  switch (op.op) {
    case 'allocSet':
      api.allocSet(`vm${op.token}`, op.quota);
      break;
    case 'freeSet':
      api.freeSet(pickSet(space, op.set), op.destroy);
      break;
    case 'adjustSet':
      api.adjustSet(pickSet(space, op.set), op.quota);
      break;
    case 'alloc':
      api.alloc(pickSet(space, op.set), op.min, op.min + op.span);
      break;
    case 'free':
      api.free(pickId(space, op.id));
      break;
    case 'get':
      api.get(pickId(space, op.id), op.set < 0 ? -1 : pickSet(space, op.set));
      break;
    case 'put':
      api.put(pickId(space, op.id));
      break;
    case 'attach':
      api.attachSpid(pickId(space, op.id), op.spid);
      break;
    case 'detach':
      api.detachSpid(pickId(space, op.id));
      break;
  }
}

/** What the random walks exercised, so a generator change cannot make them vacuous unnoticed. */
const coverage = { succeeded: 0, refused: 0, nested: 0, freePending: 0, dying: 0 };

/** Runs `op`; a refused call must be an IoasidError and must change nothing. Returns a problem or null. */
function attempt(t: ContractTracker, op: Op): string | null {
  const before = snapshotSpace(t.space);
  try {
    run(t, op);
    coverage.succeeded++;
    return null;
  } catch (error) {
    coverage.refused++;
    if (!isIoasidError(error)) return `${JSON.stringify(op)} threw a non-IoasidError: ${String(error)}`;
    const after = snapshotSpace(t.space);
    try {
      expect(after).toEqual(before);
    } catch {
      return `${JSON.stringify(op)} threw ${error.code} but changed the space`;
    }
    return null;
  }
}

const SEED = Number(process.env.IOASID_TEST_SEED ?? 0x10a51d);

describe(`random walks (seed ${SEED}; set IOASID_TEST_SEED to replay another)`, () => {
  it('keep all five invariants, nested calls from callbacks included, and refused calls change nothing', () => {
    fc.assert(
      fc.property(fc.array(step, { minLength: 20, maxLength: 100, size: 'max' }), (steps) => {
        const t = new ContractTracker(64);
        const problems: string[] = [];
        const armed: { on: string; action: Op }[] = [];
        t.space.addNotifier((e) => {
          const i = armed.findIndex((a) => a.on === e.type);
          if (i < 0) return;
          const [{ action }] = armed.splice(i, 1);
          coverage.nested++;
          const problem = attempt(t, action);
          if (problem !== null) problems.push(`nested in ${e.type}:${e.id}: ${problem}`);
        });
        for (const s of steps) {
          if (s.op === 'arm') {
            armed.push({ on: s.on, action: s.action });
            continue;
          }
          const problem = attempt(t, s);
          if (problem !== null) problems.push(problem);
          problems.push(...t.check());
          if (problems.length > 0) break;
          for (const set of t.space.listSets()) {
            if (set.dying) coverage.dying++;
            for (const id of t.space.listIds(set.sid))
              if (t.space.state(id) === 'free-pending') coverage.freePending++;
          }
        }
        expect(t.notifierErrors).toEqual([]);
        expect(problems).toEqual([]);
      }),
      { seed: SEED, numRuns: 150 },
    );
    // the walk reached the interesting states (checked after the property, so shrinking is unaffected)
    expect(coverage.succeeded).toBeGreaterThan(2000);
    expect(coverage.refused).toBeGreaterThan(200);
    expect(coverage.nested).toBeGreaterThan(100);
    expect(coverage.freePending).toBeGreaterThan(100);
    expect(coverage.dying).toBeGreaterThan(20);
  });

  it('agree with a plain space replaying the same calls without subscribers', () => {
    // Subscribers (the tracker's) must not change the outcome of any call.
    fc.assert(
      fc.property(fc.array(plainOp, { minLength: 20, maxLength: 100, size: 'max' }), (ops) => {
        const t = new ContractTracker(64, { checkDuringEvents: false });
        const plain = new IoasidSpace({ capacity: 64 });
        for (const op of ops) {
          let a: string;
          let b: string;
          try {
            run(t, op);
            a = 'ok';
          } catch (error) {
            a = isIoasidError(error) ? error.code : String(error);
          }
          try {
            runOn(plain, op);
            b = 'ok';
          } catch (error) {
            b = isIoasidError(error) ? error.code : String(error);
          }
          expect(b, JSON.stringify(op)).toBe(a);
        }
        expect(structuralViolations(plain)).toEqual([]);
        expect(snapshotSpace(plain).ids).toEqual(snapshotSpace(t.space).ids);
      }),
      { seed: SEED + 1, numRuns: 100 },
    );
  });
});
