// Peer: mnemonist's Heap (binary min-heap) of freed IDs below a `next` counter: the lowest free ID is the
// heap's top if any, else `next`. Owners and data live in dense side arrays.

import { Heap } from 'mnemonist';
import type { AllocatorOptions, Contender } from './contender.js';
import { UnsupportedError } from './contender.js';
import { SideRecordAllocator } from './side-records.js';

/**
 * Invariant: every ID >= `next` is free, and the heap holds exactly the free IDs below `next`; so the
 * heap's minimum (or `next` when it is empty) is the lowest free ID at or above `base`. Ranges that start
 * above the lowest free ID are beyond this structure (it cannot search).
 */
export class MnemonistAllocator extends SideRecordAllocator {
  readonly #freed = new Heap<number>();
  readonly #end: number;
  #next: number;

  constructor(options: AllocatorOptions) {
    super(options.base, options.capacity);
    this.#next = options.base;
    this.#end = options.base + options.capacity;
  }

  alloc(sid: number, min: number, max: number, data: unknown): number {
    const freed = this.#freed;
    const id = freed.size > 0 ? (freed.peek() as number) : this.#next;
    if (id < min)
      throw new UnsupportedError(`the lowest free ID ${id} is below ${min}: a heap cannot search`);
    if (id > max || id >= this.#end) throw new Error(`no free ID in [${min}, ${max}]`);
    if (freed.size > 0) freed.pop();
    else this.#next++;
    this.records.set(id, sid, data);
    return id;
  }

  free(id: number): void {
    if (!this.records.has(id)) throw new Error(`ID ${id} is not allocated`);
    this.#freed.push(id);
    this.records.clear(id);
  }

  has(id: number): boolean {
    return this.records.has(id);
  }
}

const SIDE = 'side Int32Array of owners + side data array (the heap stores no data)';

export const mnemonist: Contender = {
  name: 'mnemonist',
  package: 'mnemonist@0.40.8 (Heap)',
  slow: false,
  does: {
    fill: { how: 'min-heap of freed IDs + next counter; owner/data in side arrays', sameWork: true },
    churn: { how: 'Heap.push(id), then Heap.pop() (the lowest free)', sameWork: true },
    find: { how: SIDE, sameWork: true },
    findSid: { how: SIDE, sameWork: true },
    freeSet: { how: 'Heap.push of each ID from a list + side arrays', sameWork: true },
    high: { how: 'heap + counter starting at 3e9 (offset: it cannot search a range)', sameWork: false },
    memory: { how: `empty heap + counter + ${SIDE}`, sameWork: true },
  },
  create: (options) => new MnemonistAllocator(options),
};
