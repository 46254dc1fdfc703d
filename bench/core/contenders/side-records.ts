// The record store the peers use because their libraries allocate bare numbers: dense columns of
// owner (set ID, -1 when free) and data, indexed by `id - base`. The fastest lookup JavaScript offers.

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
