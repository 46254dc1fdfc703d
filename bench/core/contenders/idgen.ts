// Peer: @thi.ng/idgen's IDGen, a free list threaded through its own array (LIFO reuse) plus a next
// counter; owners and data live in dense side arrays because IDGen hands out bare numbers.

import { IDGen } from '@thi.ng/idgen';
import type { AllocatorOptions, Contender } from './contender.js';
import { UnsupportedError } from './contender.js';
import { SideRecordAllocator } from './side-records.js';

/** IDGen over `[0, capacity)` (no version bits), shifted by `base`. */
export class IdgenAllocator extends SideRecordAllocator {
  readonly #gen: IDGen;
  readonly #base: number;

  constructor(options: AllocatorOptions) {
    super(options.base, options.capacity);
    this.#gen = new IDGen(Math.max(1, Math.ceil(Math.log2(options.capacity))), 0, options.capacity);
    this.#base = options.base;
  }

  alloc(sid: number, min: number, max: number, data: unknown): number {
    // IDGen cannot search a range: it returns its most recently freed ID, else its counter.
    const raw = this.#gen.next();
    const id = raw + this.#base;
    if (id < min || id > max) {
      this.#gen.free(raw);
      throw new UnsupportedError(`IDGen returned ${id}, outside [${min}, ${max}]`);
    }
    this.records.set(id, sid, data);
    return id;
  }

  free(id: number): void {
    if (!this.#gen.free(id - this.#base)) throw new Error(`ID ${id} is not allocated`);
    this.records.clear(id);
  }

  has(id: number): boolean {
    return this.#gen.has(id - this.#base);
  }

  override get size(): number {
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
