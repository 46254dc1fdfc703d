// The namespace the browser benchmark looks at: capacity 2^20 installed over HTTP, a probe set first
// (the table-lag probe of load.ts changes its count), then sets up to 1,000 in all sharing the rest, and
// every one of the 2^20 IDs allocated in [0, 2^20 - 1] with batch requests, with progress lines.

import { admin, type Server } from '../server/launch.js';

/** The namespace: capacity 2^20, every ID allocated. */
export const CAPACITY = 1 << 20;
/** Sets in all, the probe set included. */
export const SETS = 1000;
/** The owner of the probe set (created first: the lowest sid, the first row of a table sorted by sid). */
export const PROBE_OWNER = 'bench-probe';
/** The largest batch the API takes in one request. */
const MAX_BATCH = 65_536;

/** What was created: each set's sid, owner, quota and IDs. */
export interface FilledSet {
  readonly sid: number;
  readonly owner: string;
  readonly quota: number;
  readonly ids: number[];
}

/** Installs the capacity, creates the sets and allocates every ID; returns the sets, the probe first. */
export async function fill(server: Server, log: (line: string) => void): Promise<FilledSet[]> {
  await admin(server, 'PUT', '/v1/capacity', { capacity: CAPACITY });
  const base = Math.floor(CAPACITY / SETS);
  const extra = CAPACITY - base * SETS;
  const sets: FilledSet[] = [];
  const started = performance.now();
  for (let i = 0; i < SETS; i++) {
    const owner = i === 0 ? PROBE_OWNER : `vm-${String(i).padStart(4, '0')}`;
    const quota = base + (i < extra ? 1 : 0);
    const set = await admin<{ sid: number }>(server, 'POST', '/v1/sets', { owner, quota }, 201);
    const ids: number[] = [];
    for (let left = quota; left > 0; left -= MAX_BATCH) {
      const count = Math.min(left, MAX_BATCH);
      const answer = await admin<{ ids: number[] }>(
        server,
        'POST',
        `/v1/sets/${set.sid}/ioasids`,
        { min: 0, max: CAPACITY - 1, count },
        201,
      );
      ids.push(...answer.ids);
    }
    sets.push({ sid: set.sid, owner, quota, ids });
    if ((i + 1) % 100 === 0) {
      const allocated = sets.reduce((n, s) => n + s.ids.length, 0);
      log(
        `  ${i + 1} sets, ${allocated.toLocaleString('en')} IDs allocated (${((performance.now() - started) / 1000).toFixed(1)} s)`,
      );
    }
  }
  const capacity = await admin<{ capacity: number; available: number }>(server, 'GET', '/v1/capacity');
  const allocated = sets.reduce((n, s) => n + s.ids.length, 0);
  if (capacity.available !== 0 || allocated !== CAPACITY) {
    throw new Error(`the fill left ${capacity.available} of the capacity and allocated ${allocated} IDs`);
  }
  return sets;
}
