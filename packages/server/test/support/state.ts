// Captures everything observable about an engine's allocator state, so a test can compare the state
// before and after a restart (or after a crash) with one deep equality.

import { ADMIN, type Engine } from '@ioasid/server';

/** Everything the API can observe, plus reference counts. */
export function observe(engine: Engine) {
  const space = engine.space;
  const sets = engine.listSets(ADMIN);
  const ids: Record<number, unknown> = {};
  for (const set of sets) {
    for (const id of engine.listIds(ADMIN, set.sid)) {
      ids[id] = { ...engine.describeId(ADMIN, id), refs: space.refCount(id) };
    }
  }
  return {
    capacity: space.capacity,
    available: space.available,
    systemSid: space.systemSid,
    size: space.size,
    sets,
    ids,
    leases: engine.listLeases(),
    committedSeq: engine.events.committedSeq,
  };
}

/** The set ID the next created set should get: the lowest one not in use. */
export function lowestFreeSid(engine: Engine): number {
  const used = new Set(engine.listSets(ADMIN).map((s) => s.sid));
  let sid = 0;
  while (used.has(sid)) sid++;
  return sid;
}
