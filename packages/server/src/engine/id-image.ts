// The on-disk image of the allocated IDs, kept in memory so that a dirty chunk can be re-encoded
// without asking the core about 128 IDs (the core throws for unallocated ones). Values come from the core.

import { CHUNK_SHIFT, decodeChunk, encodeChunk, PENDING_BIT } from '../store/chunk-codec.js';
import type { ChunkRow } from '../store/store.js';

const SLOT_WORDS = 4; // sid, refs word, spid, flags
const EMPTY = 0xffffffff; // sid word of a free slot
const HAS_DATA = 1; // flags: the ID has a row in the data table
const MASK = (1 << CHUNK_SHIFT) - 1;

interface ImageChunk {
  /** `CHUNK_IDS` slots of `[sid, refsWord, spid, flags]`; sid EMPTY for a free ID. */
  readonly words: Uint32Array;
  live: number;
}

/** What `IdImage.visit` reports per ID. */
export type ImageVisitor = (id: number, sid: number, refs: number, pending: boolean, spid: number) => void;

/**
 * The packed ID rows as they are (or are about to be) on disk: 16 bytes per ID, one typed array per chunk
 * of 128 IDs. `put`/`clear` mark chunks dirty; `takeDirty` re-encodes exactly those chunks.
 */
export class IdImage {
  readonly #chunks = new Map<number, ImageChunk>();
  #dirty = new Set<number>();
  #size = 0;

  /** Number of IDs in the image. */
  get size(): number {
    return this.#size;
  }

  /** Records the stored state of allocated ID `id` (spid NO_SPID when none). */
  put(id: number, sid: number, refs: number, pending: boolean, spid: number): void {
    const index = id >>> CHUNK_SHIFT;
    let chunk = this.#chunks.get(index);
    if (chunk === undefined) {
      chunk = { words: new Uint32Array((MASK + 1) * SLOT_WORDS).fill(EMPTY), live: 0 };
      for (let at = 3; at < chunk.words.length; at += SLOT_WORDS) chunk.words[at] = 0;
      this.#chunks.set(index, chunk);
    }
    const at = (id & MASK) * SLOT_WORDS;
    const w = chunk.words;
    if (w[at] === EMPTY) {
      chunk.live++;
      this.#size++;
    }
    w[at] = sid;
    w[at + 1] = (pending ? PENDING_BIT : 0) | refs;
    w[at + 2] = spid;
    this.#dirty.add(index);
  }

  /** Records that `id` is not allocated (any data flag is cleared too). */
  clear(id: number): void {
    const index = id >>> CHUNK_SHIFT;
    const chunk = this.#chunks.get(index);
    if (chunk === undefined) return;
    const at = (id & MASK) * SLOT_WORDS;
    if (chunk.words[at] === EMPTY) return;
    chunk.words[at] = EMPTY;
    chunk.words[at + 3] = 0;
    chunk.live--;
    this.#size--;
    this.#dirty.add(index);
  }

  /** True when `id` has a row in the data table. */
  hasData(id: number): boolean {
    const chunk = this.#chunks.get(id >>> CHUNK_SHIFT);
    return chunk !== undefined && (chunk.words[(id & MASK) * SLOT_WORDS + 3] & HAS_DATA) !== 0;
  }

  /** Marks whether allocated `id` has a row in the data table (no effect on a free ID). */
  setHasData(id: number, has: boolean): void {
    const chunk = this.#chunks.get(id >>> CHUNK_SHIFT);
    if (chunk === undefined) return;
    const at = (id & MASK) * SLOT_WORDS;
    if (chunk.words[at] !== EMPTY) chunk.words[at + 3] = has ? HAS_DATA : 0;
  }

  /** Loads a stored chunk row (used while rebuilding; the chunk is not marked dirty). */
  loadRow(row: ChunkRow): void {
    decodeChunk(row.records, (r) => {
      if (r.id >>> CHUNK_SHIFT !== row.chunk) {
        throw new Error(
          `stored chunk ${row.chunk} holds ID ${r.id}, which belongs to chunk ${r.id >>> CHUNK_SHIFT}: the store is damaged`,
        );
      }
      this.put(r.id, r.sid, r.refs, r.pending, r.spid);
    });
    this.#dirty.delete(row.chunk);
  }

  /** Calls `visit` for every ID, ascending. */
  visit(visit: ImageVisitor): void {
    const indexes = Array.from(this.#chunks.keys()).sort((a, b) => a - b);
    for (const index of indexes) {
      const w = (this.#chunks.get(index) as ImageChunk).words;
      const base = index << CHUNK_SHIFT;
      for (let o = 0, at = 0; o <= MASK; o++, at += SLOT_WORDS) {
        if (w[at] !== EMPTY)
          visit(
            (base | o) >>> 0,
            w[at],
            w[at + 1] & ~PENDING_BIT,
            (w[at + 1] & PENDING_BIT) !== 0,
            w[at + 2],
          );
      }
    }
  }

  /** Returns the dirty chunks encoded for the store (empty ones as removals) and forgets them. */
  takeDirty(): { upsert: ChunkRow[]; remove: number[] } {
    const upsert: ChunkRow[] = [];
    const remove: number[] = [];
    const packed = new Uint32Array((MASK + 1) * 4);
    for (const index of this.#dirty) {
      const chunk = this.#chunks.get(index) as ImageChunk;
      if (chunk.live === 0) {
        this.#chunks.delete(index);
        remove.push(index);
        continue;
      }
      const w = chunk.words;
      const base = index << CHUNK_SHIFT;
      let n = 0;
      for (let o = 0, at = 0; o <= MASK; o++, at += SLOT_WORDS) {
        if (w[at] === EMPTY) continue;
        packed[n * 4] = (base | o) >>> 0;
        packed[n * 4 + 1] = w[at];
        packed[n * 4 + 2] = w[at + 1];
        packed[n * 4 + 3] = w[at + 2];
        n++;
      }
      upsert.push({ chunk: index, records: encodeChunk(packed, n) });
    }
    this.#dirty = new Set();
    return { upsert, remove };
  }
}
