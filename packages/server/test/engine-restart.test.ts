// Restart rebuilds the exact state: sets with their original set IDs (gaps included), dying sets, the
// system set, IDs with data, spids, lease references and free-pending IDs, and the event sequence.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, Engine, type EngineOptions, type Principal, SqliteStore } from '@ioasid/server';
import { afterAll, describe, expect, it } from 'vitest';
import { random, withSeed } from './support/random.js';
import { lowestFreeSid, observe } from './support/state.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function opener(options: Partial<EngineOptions> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-engine-'));
  dirs.push(dir);
  return () =>
    Engine.open({
      store: SqliteStore.open({ dataDir: dir }),
      adminToken: 'admin-token-for-tests',
      capacity: 4096,
      onFatal: (error) => {
        throw error;
      },
      ...options,
    });
}

async function readAll(engine: Engine) {
  const out = [];
  let after = 0;
  for (;;) {
    const page = await engine.readEvents(after, 500);
    if (page.length === 0) return out;
    out.push(...page);
    after = page[page.length - 1].seq;
  }
}

describe('restart', () => {
  it('keeps set IDs across gaps, so the next set gets the lowest unused set ID', async () => {
    const open = opener();
    let engine = await open();
    for (const owner of ['a', 'b', 'c', 'd']) engine.createSet(ADMIN, owner, 10);
    engine.freeSet(ADMIN, 1, true);
    engine.freeSet(ADMIN, 2, true);
    await engine.durable();
    const before = observe(engine);
    await engine.close();
    engine = await open();
    expect(observe(engine)).toEqual(before);
    expect(engine.createSet(ADMIN, 'e', 1).sid).toBe(1);
    expect(engine.createSet(ADMIN, 'f', 1).sid).toBe(2);
    expect(engine.createSet(ADMIN, 'g', 1).sid).toBe(4);
    await engine.close();
  });

  it('rebuilds a dying set whose owner already owns a newer set, and destroys it on its last release', async () => {
    const open = opener();
    let engine = await open();
    const old = engine.createSet(ADMIN, 'vm', 4);
    const id = engine.alloc(ADMIN, old.sid, 0, 100, { tag: 'old' });
    const lease = engine.createLease(ADMIN, 60_000).lease;
    engine.takeRef(ADMIN, id, lease);
    engine.freeSet(ADMIN, old.sid, true);
    const fresh = engine.createSet(ADMIN, 'vm', 4);
    engine.alloc(ADMIN, fresh.sid, 0, 100, null);
    await engine.durable();
    const before = observe(engine);
    expect(before.sets.map((s) => [s.sid, s.owner, s.dying])).toEqual([
      [0, 'vm', true],
      [1, 'vm', false],
    ]);
    await engine.close();
    engine = await open();
    expect(observe(engine)).toEqual(before);
    expect(engine.dropRef(ADMIN, id, lease)).toBe(true);
    expect(engine.listSets(ADMIN).map((s) => s.sid)).toEqual([1]);
    expect(engine.space.available).toBe(4096 - 4);
    await engine.close();
  });

  it('rebuilds the system set, spids, data, references and free-pending IDs, and the event sequence', async () => {
    const open = opener();
    let engine = await open();
    const vm = engine.createSet(ADMIN, 'vm', 100);
    const system = engine.createSystemSet(ADMIN, 50);
    const ids = engine.allocMany(ADMIN, vm.sid, 10, 1000, { role: 'guest' }, 5);
    engine.attachSpid(ADMIN, ids[0], 77);
    engine.attachSpid(ADMIN, ids[1], 78);
    engine.setData(ADMIN, ids[2], null);
    const lease = engine.createLease(ADMIN, 30_000).lease;
    engine.takeRef(ADMIN, ids[1], lease);
    engine.takeRef(ADMIN, ids[1], lease);
    engine.free(ADMIN, ids[1]);
    engine.alloc(ADMIN, system.sid, 0, 5, 'host');
    engine.notify(ADMIN, ids[0], 'vfio.bound');
    await engine.durable();
    const before = observe(engine);
    const events = await readAll(engine);
    await engine.close();
    engine = await open();
    expect(observe(engine)).toEqual(before);
    expect(await readAll(engine)).toEqual(events);
    expect(engine.space.findBySpid(vm.sid, 78)).toBe(ids[1]);
    expect(engine.space.state(ids[1])).toBe('free-pending');
    // The sequence goes on without a gap.
    engine.alloc(ADMIN, vm.sid, 0, 5000, null);
    await engine.durable();
    const after = await readAll(engine);
    expect(after.map((e) => e.seq)).toEqual(Array.from({ length: events.length + 1 }, (_, i) => i + 1));
    await engine.close();
  });

  it('rebuilds the same state after a random mix of operations (seeded)', async () => {
    const rng = random();
    await withSeed(rng, async () => {
      const open = opener({ capacity: 2000 });
      let engine = await open();
      const owners = ['vm1', 'vm2', 'vm3', 'vm4', 'vm5'];
      const leases: string[] = [];
      const sets = () => engine.listSets(ADMIN).map((s) => s.sid);
      const anyId = (): number | null => {
        const all = sets().flatMap((sid) => engine.listIds(ADMIN, sid));
        return all.length === 0 ? null : rng.pick(all);
      };
      const steps: (() => unknown)[] = [
        () => engine.createSet(ADMIN, rng.pick(owners), rng.int(200)),
        () => engine.createSystemSet(ADMIN, rng.int(50)),
        () => engine.adjustSet(ADMIN, rng.pick(sets()), rng.int(300)),
        () => engine.freeSet(ADMIN, rng.pick(sets()), rng.chance(0.5)),
        () =>
          engine.alloc(
            ADMIN,
            rng.pick(sets()),
            rng.int(100),
            100 + rng.int(3000),
            rng.chance(0.3) ? { n: rng.int(9) } : null,
          ),
        () => engine.allocMany(ADMIN, rng.pick(sets()), 0, 4000, null, 1 + rng.int(20)),
        () => engine.free(ADMIN, anyId() ?? -1),
        () => engine.setData(ADMIN, anyId() ?? -1, rng.chance(0.5) ? [rng.int(5)] : null),
        () => engine.attachSpid(ADMIN, anyId() ?? -1, rng.int(50)),
        () => engine.detachSpid(ADMIN, anyId() ?? -1),
        () => leases.push(engine.createLease(ADMIN, 60_000).lease),
        () => engine.takeRef(ADMIN, anyId() ?? -1, rng.pick(leases)),
        () => engine.dropRef(ADMIN, anyId() ?? -1, rng.pick(leases)),
        () => engine.deleteLease(ADMIN, rng.pick(leases)),
        () => engine.notify(ADMIN, anyId() ?? -1, 'custom'),
      ];
      for (let round = 0; round < 4; round++) {
        for (let i = 0; i < 400; i++) {
          try {
            rng.pick(steps)();
          } catch {
            // Refused operations change nothing (the core's rule); the comparison below checks the rest.
          }
          if (rng.chance(0.1)) await engine.durable();
        }
        await engine.durable();
        const before = observe(engine);
        const events = await readAll(engine);
        await engine.close();
        engine = await open();
        expect(observe(engine)).toEqual(before);
        expect(await readAll(engine)).toEqual(events);
        const sid = lowestFreeSid(engine);
        const probe = engine.createSet(ADMIN, `probe-${round}`, 0);
        expect(probe.sid).toBe(sid);
        engine.freeSet(ADMIN, probe.sid, true);
      }
      await engine.close();
    });
  });

  it('lets a set secret work again after a restart, and forgets the secret of a destroyed set', async () => {
    const open = opener();
    let engine = await open();
    const a = engine.createSet(ADMIN, 'a', 5);
    const b = engine.createSet(ADMIN, 'b', 5);
    engine.freeSet(ADMIN, b.sid, true);
    await engine.durable();
    await engine.close();
    engine = await open();
    const who = engine.authenticate(a.secret) as Principal;
    expect(who).toEqual({ kind: 'set', sid: a.sid });
    expect(engine.authenticate(b.secret)).toBeNull();
    expect(engine.authenticate('admin-token-for-tests')).toEqual({ kind: 'admin' });
    await engine.close();
  });

  it('installs the configured capacity only when the store has none', async () => {
    const open = opener({ capacity: 0 });
    let engine = await open();
    expect(engine.space.capacity).toBe(0);
    engine.installCapacity(ADMIN, 300);
    await engine.durable();
    await engine.close();
    const reopen = opener({ capacity: 999 });
    engine = await reopen();
    expect(engine.space.capacity).toBe(999);
    await engine.close();
    engine = await open();
    expect(engine.space.capacity).toBe(300);
    await engine.close();
  });
});
