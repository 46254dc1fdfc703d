// The common interface every benchmark contender implements: an ID allocator with owners (sets) and
// per-ID data, so that each workload drives ioasid, the naive baseline and the peers the same way.

/** Options for one allocator instance. */
export interface AllocatorOptions {
  /** IDs the allocator must be able to hold at once (2^20 in every workload). */
  readonly capacity: number;
  /**
   * Lowest ID the workload will ask for. Peers whose structures only count from 0 (and the dense side
   * arrays that hold their records) add it as an offset; ioasid and the naive Map ignore it.
   */
  readonly base: number;
}

/** One allocator instance as the workloads use it. */
export interface Allocator {
  /** Creates an owner with room for `quota` IDs; returns its set ID (0, 1, 2, ... in creation order). */
  createSet(quota: number): number;
  /** Allocates the lowest free ID in `[min, max]` to set `sid` with `data`; returns the ID. */
  alloc(sid: number, min: number, max: number, data: unknown): number;
  /** Frees an allocated ID. */
  free(id: number): void;
  /** Returns the data of `id`, which must be allocated to set `sid`; throws otherwise. */
  find(sid: number, id: number): unknown;
  /** Returns the set of allocated `id`; throws when it is not allocated. */
  findSid(id: number): number;
  /** Frees every ID of set `sid`; `ids` lists them for contenders that keep no per-set index. */
  freeSet(sid: number, ids: Uint32Array): void;
  /** Whether `id` is allocated: used by validation only, never timed. */
  has(id: number): boolean;
  /** Number of allocated IDs. */
  readonly size: number;
  /**
   * Naive baseline only: whether alloc starts its scan at the `next` hint instead of `min`. On by
   * default so that setup fills take seconds, not hours; the churn workload turns it off while timed.
   */
  hint?: boolean;
  /** Bytes held outside the JavaScript heap (roaring's native bitmap), for the memory workload. */
  nativeBytes?(): number;
}

/** Names of the workloads, as the contenders describe what they do in each. */
export type WorkloadName = 'fill' | 'churn' | 'find' | 'findSid' | 'freeSet' | 'high' | 'memory';

/** A contender: how to create its allocator, and what it does in each workload. */
export interface Contender {
  /** Short name printed in the table. */
  readonly name: string;
  /** The npm package measured, with its version, or a description for the baseline. */
  readonly package: string;
  /** True for the naive baseline: O(n) operations run on fewer operations (the table says so). */
  readonly slow: boolean;
  /**
   * What the contender does in each workload, and whether that is the same work as ioasid (a correct
   * lowest-free allocator keeping each ID's owner and data). Workloads it cannot run are absent.
   */
  readonly does: Partial<Record<WorkloadName, { readonly how: string; readonly sameWork: boolean }>>;
  /** Creates an empty allocator. */
  create(options: AllocatorOptions): Allocator;
}

/** Thrown by a contender when a request falls outside what its structure can do. */
export class UnsupportedError extends Error {}
