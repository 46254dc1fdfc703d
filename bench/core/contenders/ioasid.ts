// The contender under test: the ioasid core through its public API (IoasidSpace from the built
// package), one set per owner, the default allocator, no subscribers unless a workload adds them.

import { IoasidSpace } from 'ioasid';
import type { Allocator, AllocatorOptions, Contender } from './contender.js';

/** Adapter from the common interface to IoasidSpace; every call is one public method. */
export class IoasidAllocator implements Allocator {
  readonly space: IoasidSpace;
  #sets = 0;

  constructor(options: AllocatorOptions) {
    this.space = new IoasidSpace({ capacity: options.capacity });
  }

  createSet(quota: number): number {
    return this.space.allocSet(`owner ${this.#sets++}`, quota);
  }

  alloc(sid: number, min: number, max: number, data: unknown): number {
    return this.space.alloc(sid, min, max, data);
  }

  free(id: number): void {
    this.space.free(id);
  }

  find(sid: number, id: number): unknown {
    return this.space.find(sid, id);
  }

  findSid(id: number): number {
    return this.space.findSid(id);
  }

  freeSet(sid: number, _ids: Uint32Array): void {
    this.space.freeSet(sid);
  }

  has(id: number): boolean {
    try {
      this.space.findSid(id);
      return true;
    } catch {
      return false;
    }
  }

  get size(): number {
    return this.space.size;
  }
}

const API = 'IoasidSpace public API';

export const ioasid: Contender = {
  name: 'ioasid',
  package: 'ioasid (packages/core/dist)',
  slow: false,
  does: {
    fill: { how: `${API}: alloc(sid, 0, 0xFFFFF) in a set with quota 2^20`, sameWork: true },
    churn: { how: `${API}: free(id) then alloc(sid, 0, 0xFFFFF)`, sameWork: true },
    find: { how: `${API}: find(sid, id)`, sameWork: true },
    findSid: { how: `${API}: findSid(id)`, sameWork: true },
    freeSet: { how: `${API}: freeSet(sid) walks the set itself`, sameWork: true },
    high: { how: `${API}: alloc(sid, 3e9, 0xFFFFFFFF), free(id)`, sameWork: true },
    memory: { how: `${API}: 2^20 IDs with data`, sameWork: true },
  },
  create: (options) => new IoasidAllocator(options),
};
