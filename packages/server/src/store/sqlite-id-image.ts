// The SQLite store's in-memory image of its id_chunks rows, so that a changed ID re-encodes its chunk
// of 128 without reading the row back. The engine hands the store IdRows; only this file knows chunks.

import {
  CHUNK_IDS,
  CHUNK_SHIFT,
  type ChunkRow,
  encodeChunk,
  NO_SPID,
  PENDING_BIT,
  RECORD_BYTES,
} from './sqlite-chunk-codec.js';
import type { Changes, IdColumns, IdRow } from './store.js';

const SLOT_WORDS = 3; // sid, refs word, spid
const EMPTY = 0xffffffff; // sid word of a free slot
const MASK = CHUNK_IDS - 1;

interface ImageChunk {
  /** `CHUNK_IDS` slots of `[sid, refsWord, spid]`; sid EMPTY for a free ID. */
  readonly words: Uint32Array;
  live: number;
}

/** True on a little-endian machine, where a stored record's words can be read through a Uint32Array. */
const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

/** The u32 words of a chunk's records (little-endian as stored): a view when possible, else a copy. */
function recordWords(records: Uint8Array): Uint32Array {
  if (LITTLE_ENDIAN && records.byteOffset % 4 === 0) {
    return new Uint32Array(records.buffer, records.byteOffset, records.byteLength / 4);
  }
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  return Uint32Array.from({ length: records.byteLength / 4 }, (_, i) => view.getUint32(i * 4, true));
}

/**
 * The packed ID rows as they are (or are about to be) on disk. A chunk stays the stored blob until a batch
 * first changes one of its IDs; it is then decoded into slots (one typed array per chunk of 128 IDs).
 * `apply` records IdRow changes and marks their chunks dirty; `takeDirty` re-encodes exactly those.
 */
export class SqliteIdImage {
  /** Chunks as loaded and not changed since: their stored records. */
  readonly #stored = new Map<number, Uint32Array>();
  /** Chunks a batch has changed, decoded into slots. */
  readonly #chunks = new Map<number, ImageChunk>();
  #dirty = new Set<number>();

  /**
   * Loads the stored rows (ascending by chunk, each with ascending records) into the image, clean, and
   * returns their IDs as columns. Whatever the image held before (changes of a batch that failed to
   * commit, say) is dropped.
   * @throws Error when a row is not a whole number of records or holds an ID of another chunk (damaged)
   */
  load(rows: readonly ChunkRow[]): IdColumns {
    this.#stored.clear();
    this.#chunks.clear();
    this.#dirty = new Set();
    let total = 0;
    for (const row of rows) {
      if (row.records.byteLength % RECORD_BYTES !== 0) {
        throw new Error(
          `stored ID chunk ${row.chunk} has ${row.records.byteLength} bytes, not a multiple of ${RECORD_BYTES}: the store is damaged`,
        );
      }
      total += row.records.byteLength / RECORD_BYTES;
    }
    const ids = new Uint32Array(total);
    const sids = new Uint32Array(total);
    const refs = new Uint32Array(total);
    const freePending = new Uint8Array(total);
    const spids = new Uint32Array(total);
    let n = 0;
    for (const row of rows) {
      const r = recordWords(row.records);
      for (let at = 0; at < r.length; at += 4, n++) {
        const id = r[at];
        if (id >>> CHUNK_SHIFT !== row.chunk) {
          throw new Error(
            `stored chunk ${row.chunk} holds ID ${id}, which belongs to chunk ${id >>> CHUNK_SHIFT}: the store is damaged`,
          );
        }
        ids[n] = id;
        sids[n] = r[at + 1];
        refs[n] = r[at + 2] & ~PENDING_BIT;
        freePending[n] = r[at + 2] >>> 31;
        spids[n] = r[at + 3];
      }
      this.#stored.set(row.chunk, r);
    }
    return { id: ids, sid: sids, refs, freePending, spid: spids };
  }

  /** Records allocated or changed IDs and released ones (a release of an ID not in the image is ignored). */
  apply(ids: Changes<IdRow, number>): void {
    for (const row of ids.upsert) {
      const index = row.id >>> CHUNK_SHIFT;
      const chunk = this.#chunk(index, true) as ImageChunk;
      const at = (row.id & MASK) * SLOT_WORDS;
      const w = chunk.words;
      if (w[at] === EMPTY) chunk.live++;
      w[at] = row.sid;
      w[at + 1] = (row.freePending ? PENDING_BIT : 0) | row.refs;
      w[at + 2] = row.spid ?? NO_SPID;
      this.#dirty.add(index);
    }
    for (const id of ids.remove) {
      const index = id >>> CHUNK_SHIFT;
      const chunk = this.#chunk(index, false);
      if (chunk === undefined) continue;
      const at = (id & MASK) * SLOT_WORDS;
      if (chunk.words[at] === EMPTY) continue;
      chunk.words[at] = EMPTY;
      chunk.live--;
      this.#dirty.add(index);
    }
  }

  /** Returns the dirty chunks encoded as rows (emptied ones as removals) and forgets them. */
  takeDirty(): Changes<ChunkRow, number> {
    const upsert: ChunkRow[] = [];
    const remove: number[] = [];
    const packed = new Uint32Array(CHUNK_IDS * 4);
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

  /** The decoded chunk `index` (decoding its stored records first), or a new empty one if `create`. */
  #chunk(index: number, create: boolean): ImageChunk | undefined {
    let chunk = this.#chunks.get(index);
    if (chunk !== undefined) return chunk;
    const stored = this.#stored.get(index);
    if (stored === undefined && !create) return undefined;
    chunk = { words: new Uint32Array(CHUNK_IDS * SLOT_WORDS).fill(EMPTY), live: 0 };
    if (stored !== undefined) {
      for (let at = 0; at < stored.length; at += 4) {
        const slot = (stored[at] & MASK) * SLOT_WORDS;
        if (chunk.words[slot] === EMPTY) chunk.live++;
        chunk.words[slot] = stored[at + 1];
        chunk.words[slot + 1] = stored[at + 2];
        chunk.words[slot + 2] = stored[at + 3];
      }
      this.#stored.delete(index);
    }
    this.#chunks.set(index, chunk);
    return chunk;
  }
}
