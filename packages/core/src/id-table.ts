// The record map of every allocated ID: a sparse directory of 4096-ID pages holding per-ID state in
// typed arrays, plus the default allocator's lowest-free search over the whole 32-bit namespace.

import { INVALID_IOASID } from './constants.js';
import { ctz, LevelBitmap } from './level-bitmap.js';

/** IDs per page. 4096 keeps a page small (~21 KiB) when IDs are sparse and the directory shallow. */
export const PAGE_SIZE = 4096;
const PAGE_SHIFT = 12;
const PAGE_MASK = PAGE_SIZE - 1;
/** Pages per directory chunk; a chunk covers 2^22 IDs. */
const CHUNK_PAGES = 1024;
const CHUNK_COUNT = 1024;
const PAGE_COUNT = CHUNK_PAGES * CHUNK_COUNT;
const WORDS_PER_PAGE = PAGE_SIZE / 32;

/** `refs` byte: low 7 bits are the reference count (0 = not allocated). */
export const REF_COUNT_MASK = 0x7f;
/** `refs` byte: set while the ID is free-pending (freed by its owner, still referenced). */
export const REF_PENDING = 0x80;
/** A count of 127 in the byte means "look in the overflow map". */
const REF_OVERFLOW = 0x7f;

/** `IdPage.owner` when the page holds no ID. */
export const OWNER_NONE = -1;
/** `IdPage.owner` when the page holds IDs of more than one set since it was last empty. */
export const OWNER_MIXED = -2;

/**
 * The state of 4096 consecutive IDs. Per-ID fields are typed arrays indexed by `id & 4095`, so an
 * allocated ID costs 4 (set) + 1 (refs and state) + 1/8 (bit) bytes, plus 8 for a data slot once
 * any ID of the page has data. There is no object per ID.
 */
export class IdPage {
  /** First ID of the page (a multiple of 4096). */
  base = 0;
  /** Allocation bits: set for every allocated ID, free-pending included. */
  readonly used = new LevelBitmap(PAGE_SIZE);
  /** Set ID of each allocated ID. */
  readonly sids = new Int32Array(PAGE_SIZE);
  /** Reference count and free-pending flag of each ID; 0 means not allocated. */
  readonly refs = new Uint8Array(PAGE_SIZE);
  /** Private data of each ID, created when the first non-null data arrives. */
  data: unknown[] | null = null;
  /** Guest ID (spid) of each ID, INVALID_IOASID when none; created at the first attach. */
  spids: Uint32Array | null = null;
  /** Number of allocated IDs in the page. */
  count = 0;
  /** The one set owning every ID here, OWNER_NONE, or OWNER_MIXED: lets set walks skip pages. */
  owner = OWNER_NONE;
}

/**
 * Sparse table of allocated IDs over `[0, 0xFFFFFFFE]`. Memory follows the pages in use: a page exists
 * only while it holds an ID (one emptied page is kept for reuse so churn at a page boundary does not
 * allocate). Lowest-free search: the page's own LevelBitmap, then a LevelBitmap of full pages over
 * all 2^20 pages (132 KiB, fixed) to jump to the next page with room.
 */
export class IdTable {
  /** Directory: chunk index (id >>> 22) -> page slot ((id >>> 12) & 1023) -> page. */
  readonly chunks: (Array<IdPage | null> | null)[] = new Array<Array<IdPage | null> | null>(
    CHUNK_COUNT,
  ).fill(null);
  /** Number of IDs allocated in the whole table, free-pending included. */
  live = 0;
  readonly #chunkPages = new Uint16Array(CHUNK_COUNT);
  readonly #fullPages = new LevelBitmap(PAGE_COUNT);
  readonly #extraRefs = new Map<number, number>();
  #spare: IdPage | null = null;
  #pages = 0;

  /** Number of pages currently in memory. */
  get pages(): number {
    return this.#pages;
  }

  /** Returns the page holding `id`, or null when no ID of that page is allocated. */
  page(id: number): IdPage | null {
    const chunk = this.chunks[id >>> 22];
    return chunk === null ? null : chunk[(id >>> PAGE_SHIFT) & (CHUNK_PAGES - 1)];
  }

  /** Returns whether `id` is allocated (free-pending included). */
  has(id: number): boolean {
    const page = this.page(id);
    return page !== null && page.refs[id & PAGE_MASK] !== 0;
  }

  /**
   * Returns the lowest unallocated ID in `[min, max]`, or -1 when there is none.
   * Mirrors the XArray `xa_alloc` policy of the kernel's default allocator: no cyclic search.
   */
  lowestFree(min: number, max: number): number {
    const page = this.page(min);
    if (page === null) return min <= max ? min : -1;
    const r = page.used.findClear(min & PAGE_MASK);
    if (r >= 0) {
      const id = page.base + r;
      return id <= max ? id : -1;
    }
    const p = this.#fullPages.findClear((min >>> PAGE_SHIFT) + 1);
    if (p < 0) return -1;
    const base = p * PAGE_SIZE;
    if (base > max) return -1;
    const next = this.page(base);
    const id = next === null ? base : base + next.used.findClear(0);
    return id <= max ? id : -1;
  }

  /** Records `id` (which must be free) as allocated to set `sid` with one reference; returns its page. */
  occupy(id: number, sid: number, data: unknown): IdPage {
    const page = this.page(id) ?? this.#addPage(id >>> PAGE_SHIFT);
    const o = id & PAGE_MASK;
    page.used.set(o);
    page.sids[o] = sid;
    page.refs[o] = 1;
    if (data !== null) (page.data ??= newDataSlots())[o] = data;
    if (++page.count === PAGE_SIZE) this.#fullPages.set(id >>> PAGE_SHIFT);
    if (page.owner !== sid) page.owner = page.owner === OWNER_NONE ? sid : OWNER_MIXED;
    this.live++;
    return page;
  }

  /** Forgets the allocated ID at offset `o` of `page`: it becomes free for allocation at once. */
  release(page: IdPage, o: number): void {
    page.used.clear(o);
    if ((page.refs[o] & REF_COUNT_MASK) === REF_OVERFLOW) this.#extraRefs.delete(page.base + o);
    page.refs[o] = 0;
    if (page.data !== null) page.data[o] = null;
    if (page.spids !== null) page.spids[o] = INVALID_IOASID;
    if (page.count-- === PAGE_SIZE) this.#fullPages.clear(page.base >>> PAGE_SHIFT);
    this.live--;
    if (page.count === 0) this.#removePage(page);
  }

  /** Returns the reference count of the allocated ID at offset `o` of `page`. */
  refCount(page: IdPage, o: number): number {
    const c = page.refs[o] & REF_COUNT_MASK;
    return c === REF_OVERFLOW ? (this.#extraRefs.get(page.base + o) as number) : c;
  }

  /** Adds one reference to the allocated ID at offset `o` of `page`. */
  addRef(page: IdPage, o: number): void {
    const b = page.refs[o];
    const c = b & REF_COUNT_MASK;
    if (c < REF_OVERFLOW - 1) {
      page.refs[o] = b + 1;
    } else if (c === REF_OVERFLOW - 1) {
      page.refs[o] = (b & REF_PENDING) | REF_OVERFLOW;
      this.#extraRefs.set(page.base + o, REF_OVERFLOW);
    } else {
      const id = page.base + o;
      this.#extraRefs.set(id, (this.#extraRefs.get(id) as number) + 1);
    }
  }

  /**
   * Drops `n` references (at most as many as it has) from the allocated ID at offset `o`; returns how
   * many remain. The caller releases the ID when this returns 0.
   */
  dropRefs(page: IdPage, o: number, n: number): number {
    const b = page.refs[o];
    const c = b & REF_COUNT_MASK;
    if (c !== REF_OVERFLOW) {
      const left = c > n ? c - n : 0;
      page.refs[o] = (b & REF_PENDING) | left;
      return left;
    }
    const id = page.base + o;
    const total = this.#extraRefs.get(id) as number;
    const left = total > n ? total - n : 0;
    if (left < REF_OVERFLOW) {
      this.#extraRefs.delete(id);
      page.refs[o] = (b & REF_PENDING) | left;
    } else {
      this.#extraRefs.set(id, left);
    }
    return left;
  }

  /**
   * Returns the IDs of set `sid`, ascending, looking only at pages in `[lo, hi]` that the set may
   * occupy. Stops once `count` IDs are found (the set's count), so a walk costs the pages the set
   * touches, not the namespace.
   */
  collect(sid: number, lo: number, hi: number, count: number): Uint32Array {
    const out = new Uint32Array(count);
    let n = 0;
    const last = hi >>> PAGE_SHIFT;
    for (let p = lo >>> PAGE_SHIFT; p <= last && n < count; p++) {
      const chunk = this.chunks[p >>> 10];
      if (chunk === null) {
        p |= CHUNK_PAGES - 1;
        continue;
      }
      const page = chunk[p & (CHUNK_PAGES - 1)];
      if (page === null) continue;
      const all = page.owner === sid;
      if (!all && page.owner !== OWNER_MIXED) continue;
      const words = page.used.levels[0];
      const sids = page.sids;
      for (let w = 0; w < WORDS_PER_PAGE; w++) {
        let v = words[w];
        while (v !== 0) {
          const o = (w << 5) + ctz(v);
          v &= v - 1;
          if (all || sids[o] === sid) out[n++] = page.base + o;
        }
      }
    }
    return n === count ? out : out.subarray(0, n);
  }

  #addPage(p: number): IdPage {
    const page = this.#spare ?? new IdPage();
    this.#spare = null;
    page.base = p * PAGE_SIZE;
    const c = p >>> 10;
    let chunk = this.chunks[c];
    if (chunk === null) {
      chunk = new Array<IdPage | null>(CHUNK_PAGES).fill(null);
      this.chunks[c] = chunk;
    }
    chunk[p & (CHUNK_PAGES - 1)] = page;
    this.#chunkPages[c]++;
    this.#pages++;
    return page;
  }

  #removePage(page: IdPage): void {
    const p = page.base >>> PAGE_SHIFT;
    const c = p >>> 10;
    const chunk = this.chunks[c] as Array<IdPage | null>;
    chunk[p & (CHUNK_PAGES - 1)] = null;
    if (--this.#chunkPages[c] === 0) this.chunks[c] = null;
    this.#pages--;
    // An empty page is pristine (bits, refs, data and spids were cleared ID by ID): keep one for reuse.
    page.owner = OWNER_NONE;
    this.#spare = page;
  }
}

function newDataSlots(): unknown[] {
  return new Array<unknown>(PAGE_SIZE).fill(null);
}

/** Allocates the spid column of a page: every entry INVALID_IOASID. */
export function newSpidColumn(): Uint32Array {
  return new Uint32Array(PAGE_SIZE).fill(INVALID_IOASID);
}
