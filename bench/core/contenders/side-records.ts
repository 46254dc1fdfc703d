// The record store the peers use because their libraries allocate bare numbers: dense columns of
// owner (set ID, -1 when free) and data, indexed by `id - base`. The fastest lookup JavaScript offers.

import type { Allocator } from './contender.js';

/** Owner and data of every ID of `[base, base + capacity)`; an owner of -1 means "not allocated". */
export class SideRecords {
  readonly base: number;
  readonly sids: Int32Array;
  readonly data: unknown[];
  size = 0;

  constructor(base: number, capacity: number) {
    this.base = base;
    this.sids = new Int32Array(capacity).fill(-1);
    this.data = new Array<unknown>(capacity).fill(null);
  }

  /** Records `id` as allocated to `sid` with `data`. */
  set(id: number, sid: number, data: unknown): void {
    const i = id - this.base;
    this.sids[i] = sid;
    this.data[i] = data;
    this.size++;
  }

  /** Forgets `id`. */
  clear(id: number): void {
    const i = id - this.base;
    this.sids[i] = -1;
    this.data[i] = null;
    this.size--;
  }

  /** The data of `id` when it is allocated to `sid` (or to any set for sid -1); throws otherwise. */
  find(sid: number, id: number): unknown {
    const i = id - this.base;
    const owner = this.sids[i];
    // An index outside the columns reads undefined, which fails `>= 0` like a free slot's -1.
    if (!(owner >= 0) || (sid !== -1 && owner !== sid)) {
      throw new Error(`ID ${id} is not allocated to set ${sid}`);
    }
    return this.data[i];
  }

  /** The owner of allocated `id`; throws when it is not allocated. */
  findSid(id: number): number {
    const owner = this.sids[id - this.base];
    if (!(owner >= 0)) throw new Error(`ID ${id} is not allocated`);
    return owner;
  }

  /** Whether `id` is allocated. */
  has(id: number): boolean {
    return this.sids[id - this.base] >= 0;
  }
}

/**
 * Base of the peers whose libraries hand out bare numbers: owners and data live in SideRecords, and
 * find, findSid, freeSet (one free per ID from the list, which is all a peer can do) and set creation
 * work the same for all of them. Subclasses supply the allocation itself.
 */
export abstract class SideRecordAllocator implements Allocator {
  protected readonly records: SideRecords;
  #sets = 0;

  /** @param base first ID of the window; @param capacity IDs in it */
  constructor(base: number, capacity: number) {
    this.records = new SideRecords(base, capacity);
  }

  abstract alloc(sid: number, min: number, max: number, data: unknown): number;
  abstract free(id: number): void;
  abstract has(id: number): boolean;

  createSet(_quota: number): number {
    return this.#sets++;
  }

  find(sid: number, id: number): unknown {
    return this.records.find(sid, id);
  }

  findSid(id: number): number {
    return this.records.findSid(id);
  }

  freeSet(_sid: number, ids: Uint32Array): void {
    for (let i = 0; i < ids.length; i++) this.free(ids[i]);
  }

  get size(): number {
    return this.records.size;
  }
}
