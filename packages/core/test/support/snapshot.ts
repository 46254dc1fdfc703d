// A complete, comparable picture of an IoasidSpace taken through its public API, so tests can check
// that a refused call changed nothing.

import { INVALID_IOASID, type IoasidSetInfo, type IoasidSpace } from 'ioasid';

/** One allocated ID as the public API shows it. */
export interface IdSnapshot {
  readonly id: number;
  readonly sid: number;
  readonly state: string;
  readonly refs: number;
  readonly spid: number;
  readonly data: unknown;
}

/** Everything observable about a space. */
export interface SpaceSnapshot {
  readonly capacity: number;
  readonly available: number;
  readonly systemSid: number;
  readonly size: number;
  readonly sets: IoasidSetInfo[];
  readonly ids: IdSnapshot[];
  readonly spids: [number, number, number][];
}

/** Reads every observable value of `space` (sets, their IDs with state, references, spid and data). */
export function snapshotSpace(space: IoasidSpace): SpaceSnapshot {
  const sets = space.listSets();
  const ids: IdSnapshot[] = [];
  const spids: [number, number, number][] = [];
  for (const set of sets) {
    for (const id of space.listIds(set.sid)) {
      const spid = space.spidOf(id);
      ids.push({
        id,
        sid: space.findSid(id),
        state: space.state(id),
        refs: space.refCount(id),
        spid,
        data: space.find(-1, id),
      });
      if (spid !== INVALID_IOASID) spids.push([set.sid, spid, space.findBySpid(set.sid, spid)]);
    }
  }
  return {
    capacity: space.capacity,
    available: space.available,
    systemSid: space.systemSid,
    size: space.size,
    sets,
    ids,
    spids,
  };
}
