// The registry of sets: records indexed by set ID, lowest-unused set ID reuse, and token lookup.

import type { NotifierChain } from './notifier-chain.js';

/** Largest set ID: set IDs are packed into 24 bits of each allocated ID's state word. */
export const MAX_SID = 0xffffff;

/** Everything the core keeps about one set. */
export class SetRecord {
  /** Number of IDs the set holds, free-pending ones included. */
  count = 0;
  /** True once destroy was asked while IDs were still referenced; refuses alloc, adjust and freeSet. */
  dying = false;
  /** True once the set is gone: its ID may have been reused, its subscribers are dropped. */
  destroyed = false;
  /** Lowest and highest ID allocated since the set was last empty: bounds set walks. */
  lo = 0xffffffff;
  hi = 0;
  /** Subscribers to this set's events; created at the first subscription. */
  chain: NotifierChain | null = null;
  /** Guest ID (spid) -> host ID, for O(1) `findBySpid`; created at the first attach. */
  spids: Map<number, number> | null = null;
  /** IDs allocated into the set while a `freeSet` walk of it runs: that walk must spare them. */
  walks: Set<number>[] | null = null;

  constructor(
    readonly sid: number,
    readonly token: unknown,
    public quota: number,
  ) {}

  /** Widens the walk bounds for a newly allocated `id`. */
  noteId(id: number): void {
    if (id < this.lo) this.lo = id;
    if (id > this.hi) this.hi = id;
  }
}

/** Map key for a token: Map compares with SameValueZero, the contract with Object.is (-0 differs from 0). */
const MINUS_ZERO = Symbol('-0');
function tokenKey(token: unknown): unknown {
  return Object.is(token, -0) ? MINUS_ZERO : token;
}

/**
 * Sets by ID and by token. Set IDs are handed out lowest-unused first (a destroyed set's ID is reused
 * before a new one), like the kernel's `ioasid_sets` XArray; freed IDs wait in a binary min-heap.
 */
export class SetRegistry {
  /** Records by set ID; null where the ID is unused. */
  readonly bySid: (SetRecord | null)[] = [];
  readonly #byToken = new Map<unknown, SetRecord>();
  readonly #freeSids: number[] = [];

  /** Returns the live or dying set `sid`, or null. */
  get(sid: number): SetRecord | null {
    return sid < this.bySid.length ? this.bySid[sid] : null;
  }

  /** Returns the set that owns `token` and is not dying, or null. */
  byToken(token: unknown): SetRecord | null {
    return this.#byToken.get(tokenKey(token)) ?? null;
  }

  /** Returns the set ID `add` would use next, or -1 when every set ID is taken. */
  nextSid(): number {
    if (this.#freeSids.length > 0) return this.#freeSids[0];
    return this.bySid.length <= MAX_SID ? this.bySid.length : -1;
  }

  /** Creates a set with the next set ID; the caller checked `nextSid() >= 0` and the token. */
  add(token: unknown, quota: number): SetRecord {
    const sid = this.#freeSids.length > 0 ? heapPop(this.#freeSids) : this.bySid.length;
    const set = new SetRecord(sid, token, quota);
    if (sid === this.bySid.length) this.bySid.push(set);
    else this.bySid[sid] = set;
    this.#byToken.set(tokenKey(token), set);
    return set;
  }

  /** Releases the token of `set` so a new set may take it (the set itself may live on, dying). */
  releaseToken(set: SetRecord): void {
    const key = tokenKey(set.token);
    if (this.#byToken.get(key) === set) this.#byToken.delete(key);
  }

  /** Removes `set` for good; its set ID becomes the lowest candidate for reuse if it is. */
  remove(set: SetRecord): void {
    this.releaseToken(set);
    this.bySid[set.sid] = null;
    heapPush(this.#freeSids, set.sid);
  }

  /** Every existing set, ascending by set ID. */
  *all(): IterableIterator<SetRecord> {
    for (const set of this.bySid) if (set !== null) yield set;
  }
}

function heapPush(heap: number[], value: number): void {
  let i = heap.push(value) - 1;
  while (i > 0) {
    const parent = (i - 1) >> 1;
    if (heap[parent] <= value) break;
    heap[i] = heap[parent];
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0];
  const last = heap.pop() as number;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const r = l + 1;
      const c = r < heap.length && heap[r] < heap[l] ? r : l;
      if (heap[c] >= last) break;
      heap[i] = heap[c];
      i = c;
    }
    heap[i] = last;
  }
  return top;
}
