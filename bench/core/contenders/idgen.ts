// Peer: @thi.ng/idgen's IDGen, a free list threaded through its own array (LIFO reuse) plus a next
// counter; owners and data live in dense side arrays because IDGen hands out bare numbers.

import { IDGen } from '@thi.ng/idgen';
import type { Allocator, AllocatorOptions, Contender } from './contender.js';
import { UnsupportedError } from './contender.js';
import { SideRecords } from './side-records.js';

/** IDGen over `[0, capacity)` (no version bits), shifted by `base`. */
export class IdgenAllocator implements Allocator {
  readonly #gen: IDGen;
  readonly #records: SideRecords;
  readonly #base: number;
  #sets = 0;

  constructor(options: AllocatorOptions) {
    this.#gen = new IDGen(Math.max(1, Math.ceil(Math.log2(options.capacity))), 0, options.capacity);
    this.#records = new SideRecords(options.base, options.capacity);
    this.#base = options.base;
  }

  createSet(_quota: number): number {
    return this.#sets++;
  }

  alloc(sid: number, min: number, max: number, data: unknown): number {
    // IDGen cannot search a range: it returns its most recently freed ID, else its counter.
    const raw = this.#gen.next();
    const id = raw + this.#base;
    if (id < min || id > max) {
      this.#gen.free(raw);
      throw new UnsupportedError(`IDGen returned ${id}, outside [${min}, ${max}]`);
    }
    this.#records.set(id, sid, data);
    return id;
  }

  free(id: number): void {
    if (!this.#gen.free(id - this.#base)) throw new Error(`ID ${id} is not allocated`);
    this.#records.clear(id);
  }

  find(sid: number, id: number): unknown {
    return this.#records.find(sid, id);
  }

  findSid(id: number): number {
    return this.#records.findSid(id);
  }

  freeSet(_sid: number, ids: Uint32Array): void {
    for (let i = 0; i < ids.length; i++) this.free(ids[i]);
  }

  has(id: number): boolean {
    return this.#gen.has(id - this.#base);
  }

  get size(): number {
    return this.#gen.used;
  }
}

const LIFO = 'IDGen.next() (LIFO free list: lowest free only when the last freed ID is the lowest)';
const SIDE = 'side Int32Array of owners + side data array (IDGen stores no data)';

export const idgen: Contender = {
  name: '@thi.ng/idgen',
  package: '@thi.ng/idgen@2.2.65',
  slow: false,
  does: {
    fill: { how: `${LIFO}; owner/data in side arrays`, sameWork: false },
    churn: { how: `IDGen.free + ${LIFO}`, sameWork: false },
    find: { how: SIDE, sameWork: true },
    findSid: { how: SIDE, sameWork: true },
    freeSet: { how: 'IDGen.free of each ID from a list + side arrays', sameWork: true },
    high: { how: 'IDGen over [0, 2^20) + 3e9 offset (it cannot search a range)', sameWork: false },
    memory: { how: `IDGen ids array (number[]) + ${SIDE}`, sameWork: true },
  },
  create: (options) => new IdgenAllocator(options),
};
