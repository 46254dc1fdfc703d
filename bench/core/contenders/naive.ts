// The naive baseline: a Map of ID -> record and a linear scan for the lowest free ID, the way one
// would write it without thinking about data structures, plus a `next` hint that churn turns off.

import type { Allocator, AllocatorOptions, Contender } from './contender.js';

interface NaiveRecord {
  readonly sid: number;
  readonly data: unknown;
}

/** Map of records; alloc scans upward with Map.has until it meets a free ID. */
export class NaiveAllocator implements Allocator {
  readonly #records = new Map<number, NaiveRecord>();
  /** Whether alloc may start at `floor` (the `next` hint); see Allocator.hint. */
  hint = true;
  /** Every ID below `floor` is allocated, so a search from `min <= floor` may start there. */
  #floor = 0;
  #sets = 0;

  createSet(_quota: number): number {
    return this.#sets++;
  }

  alloc(sid: number, min: number, max: number, data: unknown): number {
    const fromFloor = this.hint && min <= this.#floor;
    let id = fromFloor ? this.#floor : min;
    while (id <= max && this.#records.has(id)) id++;
    if (id > max) throw new Error(`no free ID in [${min}, ${max}]`);
    this.#records.set(id, { sid, data });
    if (fromFloor) this.#floor = id + 1;
    return id;
  }

  free(id: number): void {
    if (!this.#records.delete(id)) throw new Error(`ID ${id} is not allocated`);
    if (id < this.#floor) this.#floor = id;
  }

  find(sid: number, id: number): unknown {
    const record = this.#records.get(id);
    if (record === undefined || (sid !== -1 && record.sid !== sid)) {
      throw new Error(`ID ${id} is not allocated to set ${sid}`);
    }
    return record.data;
  }

  findSid(id: number): number {
    const record = this.#records.get(id);
    if (record === undefined) throw new Error(`ID ${id} is not allocated`);
    return record.sid;
  }

  freeSet(_sid: number, ids: Uint32Array): void {
    for (let i = 0; i < ids.length; i++) this.free(ids[i]);
  }

  has(id: number): boolean {
    return this.#records.has(id);
  }

  get size(): number {
    return this.#records.size;
  }
}

const MAP = 'Map<id, {sid, data}>';

export const naive: Contender = {
  name: 'naive',
  package: 'baseline (no package)',
  slow: true,
  does: {
    fill: { how: `${MAP}; scan with Map.has from a next hint (every ID below it is taken)`, sameWork: true },
    churn: { how: `${MAP}; scan with Map.has from 0 (on fewer pairs: O(n) per pair)`, sameWork: true },
    find: { how: `${MAP}.get + owner check`, sameWork: true },
    findSid: { how: `${MAP}.get`, sameWork: true },
    freeSet: { how: `${MAP}.delete of each ID from a list`, sameWork: true },
    high: { how: `${MAP}; scan with Map.has from 3e9 (fewer rounds: O(n) per alloc)`, sameWork: true },
    memory: { how: `${MAP} with one record object per ID`, sameWork: true },
  },
  create: (_options: AllocatorOptions) => new NaiveAllocator(),
};
