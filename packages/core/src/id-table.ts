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

/**
 * Per-ID state word (`IdPage.meta`): bits 0-6 the reference count (0 = not allocated), bit 7 the
 * free-pending flag, bits 8-31 the set ID. One Int32 per ID means one cache line per random access.
 */
export const REF_COUNT_MASK = 0x7f;
/** `meta` bit set while the ID is free-pending (freed by its owner, still referenced). */
export const REF_PENDING = 0x80;
/** A count of 127 in `meta` means "look in the overflow map". */
const REF_OVERFLOW = 0x7f;
/** Shift of the set ID inside `meta`; set IDs therefore stay below 2^24. */
export const SID_SHIFT = 8;

/** `IdPage.owner` when the page holds no ID. */
export const OWNER_NONE = -1;
/** `IdPage.owner` when the page holds IDs of more than one set since it was last empty. */
export const OWNER_MIXED = -2;

/**
 * The state of 4096 consecutive IDs. Per-ID fields are typed arrays indexed by `id & 4095`, so an
 * allocated ID costs 4 (set, state and references packed in `meta`) + 1/8 (bit) bytes, plus 8 for a
 * data slot once any ID of the page has data. There is no object per ID.
 */
export class IdPage {
  /** First ID of the page (a multiple of 4096). */
  base = 0;
  /** Allocation bits: set for every allocated ID, free-pending included. */
  readonly used = new LevelBitmap(PAGE_SIZE);
  /** `used.levels[0]`, the bit words themselves, held directly for the hot paths. */
  readonly words: Int32Array = this.used.levels[0];
  /** Set ID, free-pending flag and reference count of each ID (see SID_SHIFT); 0 = not allocated. */
  readonly meta = new Int32Array(PAGE_SIZE);
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
  readonly chunks: (Array<IdPage | null> | null)[] = new Array<Array<IdPage | null> | null>(CHUNK_COUNT).fill(
    null,
  );
  /**
   * Lookup directory for the fast paths: chunk index -> [meta of page 0, data of page 0, meta of page 1,
   * ...]. It skips the hop through the page object, and the two columns of a page share a cache line,
   * so `find` issues its two loads for an ID at once. Kept in step with `chunks` by #addPage,
   * #removePage and `dataOf`.
   */
  readonly columns: (Array<Int32Array | unknown[] | null> | null)[] = new Array<Array<
    Int32Array | unknown[] | null
  > | null>(CHUNK_COUNT).fill(null);
  /** Number of IDs allocated in the whole table, free-pending included. */
  live = 0;
  readonly #chunkPages = new Uint16Array(CHUNK_COUNT);
  readonly #fullPages = new LevelBitmap(PAGE_COUNT);
  readonly #extraRefs = new Map<number, number>();
  #spare: IdPage | null = null;
  /** Every ID below this one is allocated: lowest-free searches start here (fill and churn are O(1)). */
  #firstFree = 0;

  /** Returns the page holding `id`, or null when no ID of that page is allocated. */
  page(id: number): IdPage | null {
    const chunk = this.chunks[id >>> 22];
    return chunk === null ? null : chunk[(id >>> PAGE_SHIFT) & (CHUNK_PAGES - 1)];
  }

  /** Returns whether `id` is allocated (free-pending included). */
  has(id: number): boolean {
    const page = this.page(id);
    return page !== null && page.meta[id & PAGE_MASK] !== 0;
  }

  /**
   * Returns the lowest unallocated ID in `[min, max]`, or -1 when there is none.
   * Mirrors the XArray `xa_alloc` policy of the kernel's default allocator: no cyclic search.
   */
  lowestFree(min: number, max: number): number {
    const fromHint = min <= this.#firstFree;
    if (fromHint) min = this.#firstFree;
    const page = this.page(min);
    let id: number;
    if (page === null) {
      id = min;
    } else {
      // Fast path: a clear bit at or above min in min's own word (the usual case thanks to #firstFree).
      const o = min & PAGE_MASK;
      const bits = page.words[o >>> 5] | ((1 << (o & 31)) - 1);
      id = bits !== -1 ? page.base + (o & ~31) + ctz(~bits) : this.#lowestFreeBeyond(page, min);
      if (id < 0) return -1;
    }
    // A search that started at the hint found the lowest free ID of all: everything below is allocated.
    if (fromHint) this.#firstFree = id;
    return id <= max ? id : -1;
  }

  /** The general search from `min` on (no upper bound): the rest of its page, then the next page with room. */
  #lowestFreeBeyond(page: IdPage, min: number): number {
    const r = page.used.findClear(min & PAGE_MASK);
    if (r >= 0) return page.base + r;
    const p = this.#fullPages.findClear((min >>> PAGE_SHIFT) + 1);
    if (p < 0) return -1;
    const base = p * PAGE_SIZE;
    const next = this.page(base);
    return next === null ? base : base + next.used.findClear(0);
  }

  /** Records `id` (which must be free) as allocated to set `sid` with one reference; returns its page. */
  occupy(id: number, sid: number, data: unknown): IdPage {
    const page = this.page(id) ?? this.#addPage(id >>> PAGE_SHIFT);
    const o = id & PAGE_MASK;
    const words = page.words;
    const w = o >>> 5;
    const v = words[w] | (1 << (o & 31));
    words[w] = v;
    if (v === -1) page.used.setAt(1, w);
    page.meta[o] = (sid << SID_SHIFT) | 1;
    if (data !== null) this.dataOf(page)[o] = data;
    if (++page.count === PAGE_SIZE) this.#fullPages.set(id >>> PAGE_SHIFT);
    if (page.owner !== sid) page.owner = page.owner === OWNER_NONE ? sid : OWNER_MIXED;
    if (id === this.#firstFree) this.#firstFree = id + 1;
    this.live++;
    return page;
  }

  /** Forgets the allocated ID at offset `o` of `page`: it becomes free for allocation at once. */
  release(page: IdPage, o: number): void {
    const words = page.words;
    const w = o >>> 5;
    const old = words[w];
    words[w] = old & ~(1 << (o & 31));
    if (old === -1) page.used.clearAt(1, w);
    if ((page.meta[o] & REF_COUNT_MASK) === REF_OVERFLOW) this.#extraRefs.delete(page.base + o);
    page.meta[o] = 0;
    if (page.data !== null) page.data[o] = null;
    if (page.spids !== null) page.spids[o] = INVALID_IOASID;
    if (page.count-- === PAGE_SIZE) this.#fullPages.clear(page.base >>> PAGE_SHIFT);
    const id = page.base + o;
    if (id < this.#firstFree) this.#firstFree = id;
    this.live--;
    if (page.count === 0) this.#removePage(page);
  }

  /** Returns the data column of `page`, creating it (all null) on first use. */
  dataOf(page: IdPage): unknown[] {
    if (page.data !== null) return page.data;
    const data = newDataSlots();
    page.data = data;
    const p = page.base >>> PAGE_SHIFT;
    (this.columns[p >>> 10] as Array<Int32Array | unknown[] | null>)[((p & (CHUNK_PAGES - 1)) << 1) + 1] =
      data;
    return data;
  }

  /** Returns the reference count of the allocated ID at offset `o` of `page`. */
  refCount(page: IdPage, o: number): number {
    const c = page.meta[o] & REF_COUNT_MASK;
    return c === REF_OVERFLOW ? (this.#extraRefs.get(page.base + o) as number) : c;
  }

  /** Adds one reference to the allocated ID at offset `o` of `page`. */
  addRef(page: IdPage, o: number): void {
    const m = page.meta[o];
    const c = m & REF_COUNT_MASK;
    if (c < REF_OVERFLOW) {
      page.meta[o] = m + 1;
      if (c === REF_OVERFLOW - 1) this.#extraRefs.set(page.base + o, REF_OVERFLOW);
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
    const m = page.meta[o];
    const c = m & REF_COUNT_MASK;
    if (c !== REF_OVERFLOW) {
      const left = c > n ? c - n : 0;
      page.meta[o] = (m & ~REF_COUNT_MASK) | left;
      return left;
    }
    const id = page.base + o;
    const total = this.#extraRefs.get(id) as number;
    const left = total > n ? total - n : 0;
    if (left < REF_OVERFLOW) {
      this.#extraRefs.delete(id);
      page.meta[o] = (m & ~REF_COUNT_MASK) | left;
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
      const words = page.words;
      const meta = page.meta;
      for (let w = 0; w < WORDS_PER_PAGE; w++) {
        let v = words[w];
        while (v !== 0) {
          const o = (w << 5) + ctz(v);
          v &= v - 1;
          if (all || meta[o] >>> SID_SHIFT === sid) out[n++] = page.base + o;
        }
      }
    }
    return n === count ? out : out.subarray(0, n);
  }

  /**
   * Calls `visit(id, sid, pending)` for every allocated ID in `[first, last]` (`first <= last`, both IDs),
   * ascending, skipping 2^22-ID chunks and 4096-ID pages that hold none; with `sid` >= 0 only that set's
   * IDs, skipping pages it does not occupy. Stops when `visit` returns false. Each ID's state is read
   * again just before its call, so `visit` may change the table: an ID released before it is reached is
   * not visited, one allocated during the walk may or may not be.
   */
  forEach(
    first: number,
    last: number,
    sid: number,
    visit: (id: number, sid: number, pending: boolean) => unknown,
  ): void {
    const firstPage = first >>> PAGE_SHIFT;
    const lastPage = last >>> PAGE_SHIFT;
    for (let p = firstPage; p <= lastPage; p++) {
      const chunk = this.chunks[p >>> 10];
      if (chunk === null) {
        p |= CHUNK_PAGES - 1;
        continue;
      }
      const page = chunk[p & (CHUNK_PAGES - 1)];
      if (page === null || (sid >= 0 && page.owner !== sid && page.owner !== OWNER_MIXED)) continue;
      const base = p * PAGE_SIZE;
      const lo = p === firstPage ? first & PAGE_MASK : 0;
      const hi = p === lastPage ? last & PAGE_MASK : PAGE_MASK;
      const loWord = lo >>> 5;
      const hiWord = hi >>> 5;
      for (let w = loWord; w <= hiWord; w++) {
        let v = page.words[w];
        if (w === loWord) v &= -1 << (lo & 31);
        if (w === hiWord && (hi & 31) !== 31) v &= (1 << ((hi & 31) + 1)) - 1;
        while (v !== 0) {
          const o = (w << 5) + ctz(v);
          v &= v - 1;
          const m = page.meta[o];
          // Released by an earlier visit, or the page object was reused elsewhere meanwhile.
          if (m === 0 || page.base !== base) continue;
          const owner = m >>> SID_SHIFT;
          if (sid >= 0 && owner !== sid) continue;
          if (visit(base + o, owner, (m & REF_PENDING) !== 0) === false) return;
        }
      }
    }
  }

  /**
   * Calls `visit(from, to, sid, pending)` for each maximal run of consecutive allocated IDs in
   * `[first, last]` that belong to one set and share one state, ascending, skipping empty chunks and
   * pages; with `sid` >= 0 only that set's IDs. A run is reported once the walk has read past its end,
   * so changes `visit` makes may or may not be seen by the rest of the walk. Stops when `visit` returns
   * false.
   */
  forEachRun(
    first: number,
    last: number,
    sid: number,
    visit: (from: number, to: number, sid: number, pending: boolean) => unknown,
  ): void {
    const firstPage = first >>> PAGE_SHIFT;
    const lastPage = last >>> PAGE_SHIFT;
    // The run being extended: its first and last ID, and its key (meta >>> 7: set ID and pending bit).
    let from = -1;
    let to = -2;
    let key = -1;
    for (let p = firstPage; p <= lastPage; p++) {
      const chunk = this.chunks[p >>> 10];
      if (chunk === null) {
        p |= CHUNK_PAGES - 1;
        continue;
      }
      const page = chunk[p & (CHUNK_PAGES - 1)];
      if (page === null || (sid >= 0 && page.owner !== sid && page.owner !== OWNER_MIXED)) continue;
      const base = p * PAGE_SIZE;
      const words = page.words;
      const meta = page.meta;
      const lo = p === firstPage ? first & PAGE_MASK : 0;
      const hi = p === lastPage ? last & PAGE_MASK : PAGE_MASK;
      const loWord = lo >>> 5;
      const hiWord = hi >>> 5;
      for (let w = loWord; w <= hiWord; w++) {
        let v = words[w];
        if (w === loWord) v &= -1 << (lo & 31);
        if (w === hiWord && (hi & 31) !== 31) v &= (1 << ((hi & 31) + 1)) - 1;
        while (v !== 0) {
          const o = (w << 5) + ctz(v);
          v &= v - 1;
          const m = meta[o];
          // Released by an earlier visit, or the page object was reused elsewhere meanwhile.
          if (m === 0 || page.base !== base) continue;
          const k = m >>> 7;
          if (sid >= 0 && k >>> 1 !== sid) continue;
          const id = base + o;
          if (id === to + 1 && k === key) {
            to = id;
            continue;
          }
          if (from >= 0 && visit(from, to, key >>> 1, (key & 1) !== 0) === false) return;
          from = id;
          to = id;
          key = k;
        }
      }
    }
    if (from >= 0) visit(from, to, key >>> 1, (key & 1) !== 0);
  }

  /**
   * Frees every ID of set `sid` within `[lo, hi]` in one pass, with the effect `free` has on each when no
   * subscriber or custom allocator can observe the order: an ID holding only the owner's reference is
   * released, one with more references becomes free-pending with one reference fewer, a free-pending one
   * is left alone. Released IDs' spids are removed from `spids`. Works a bitmap word at a time.
   * @returns the number of IDs released
   */
  freeAllOf(sid: number, lo: number, hi: number, spids: Map<number, number> | null): number {
    let released = 0;
    const last = hi >>> PAGE_SHIFT;
    for (let p = lo >>> PAGE_SHIFT; p <= last; p++) {
      const chunk = this.chunks[p >>> 10];
      if (chunk === null) {
        p |= CHUNK_PAGES - 1;
        continue;
      }
      const page = chunk[p & (CHUNK_PAGES - 1)];
      if (page === null || (page.owner !== sid && page.owner !== OWNER_MIXED)) continue;
      const n = this.#freeAllInPage(page, sid, spids);
      if (n === 0) continue;
      released += n;
      if (page.count === PAGE_SIZE) this.#fullPages.clear(p);
      page.count -= n;
      this.live -= n;
      if (page.count === 0) this.#removePage(page);
    }
    return released;
  }

  #freeAllInPage(page: IdPage, sid: number, spids: Map<number, number> | null): number {
    const words = page.words;
    const meta = page.meta;
    const data = page.data;
    const pageSpids = spids === null ? null : page.spids;
    // The usual state of a set's ID: active, only the owner's reference. Anything else of this set is
    // either free-pending already (left alone) or referenced (becomes free-pending).
    const plain = (sid << SID_SHIFT) | 1;
    let released = 0;
    for (let w = 0; w < WORDS_PER_PAGE; w++) {
      if (words[w] === 0) continue;
      const base = w << 5;
      let mask = 0;
      // A sequential pass over 32 state words prefetches well, even when sets are interleaved.
      for (let b = 0; b < 32; b++) {
        const o = base + b;
        const m = meta[o];
        if (m === plain) {
          mask |= 1 << b;
          meta[o] = 0;
          if (data !== null) data[o] = null;
          if (pageSpids !== null && pageSpids[o] !== INVALID_IOASID) {
            (spids as Map<number, number>).delete(pageSpids[o]);
            pageSpids[o] = INVALID_IOASID;
          }
        } else if (m !== 0 && m >>> SID_SHIFT === sid && (m & REF_PENDING) === 0) {
          meta[o] = m | REF_PENDING;
          this.dropRefs(page, o, 1);
        }
      }
      if (mask === 0) continue;
      const old = words[w];
      words[w] = old & ~mask;
      if (old === -1) page.used.clearAt(1, w);
      const first = page.base + base + ctz(mask);
      if (first < this.#firstFree) this.#firstFree = first;
      released += popcount(mask);
    }
    return released;
  }

  #addPage(p: number): IdPage {
    const page = this.#spare ?? new IdPage();
    this.#spare = null;
    page.base = p * PAGE_SIZE;
    const c = p >>> 10;
    let chunk = this.chunks[c];
    let columns = this.columns[c];
    if (chunk === null || columns === null) {
      chunk = new Array<IdPage | null>(CHUNK_PAGES).fill(null);
      this.chunks[c] = chunk;
      columns = new Array<Int32Array | unknown[] | null>(CHUNK_PAGES * 2).fill(null);
      this.columns[c] = columns;
    }
    chunk[p & (CHUNK_PAGES - 1)] = page;
    columns[(p & (CHUNK_PAGES - 1)) << 1] = page.meta;
    columns[((p & (CHUNK_PAGES - 1)) << 1) + 1] = page.data;
    this.#chunkPages[c]++;
    return page;
  }

  #removePage(page: IdPage): void {
    const p = page.base >>> PAGE_SHIFT;
    const c = p >>> 10;
    const chunk = this.chunks[c] as Array<IdPage | null>;
    chunk[p & (CHUNK_PAGES - 1)] = null;
    const columns = this.columns[c] as Array<Int32Array | unknown[] | null>;
    columns[(p & (CHUNK_PAGES - 1)) << 1] = null;
    columns[((p & (CHUNK_PAGES - 1)) << 1) + 1] = null;
    if (--this.#chunkPages[c] === 0) {
      this.chunks[c] = null;
      this.columns[c] = null;
    }
    // An empty page is pristine (bits, refs, data and spids were cleared ID by ID): keep one for reuse.
    page.owner = OWNER_NONE;
    this.#spare = page;
  }
}

/** Number of set bits of a 32-bit value. */
function popcount(v: number): number {
  v -= (v >>> 1) & 0x55555555;
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/**
 * Allocates the data column of a page, every slot null. Built by push so V8 keeps it PACKED: reads of a
 * packed array skip the hole check and are measurably faster on `find`.
 */
export function newDataSlots(): unknown[] {
  const slots: unknown[] = [];
  for (let i = 0; i < PAGE_SIZE; i++) slots.push(null);
  return slots;
}

/** Allocates the spid column of a page: every entry INVALID_IOASID. */
export function newSpidColumn(): Uint32Array {
  return new Uint32Array(PAGE_SIZE).fill(INVALID_IOASID);
}
