// The SQLite store's packed form of allocated IDs: one id_chunks row per 128 consecutive IDs, 16 bytes
// per allocated ID. Why packed: one row per ID made a restart with 2^20 IDs take ~1.5 s to iterate.

/**
 * IDs per chunk: `chunk = id >>> CHUNK_SHIFT`. A full chunk is 2 KiB, so its row fits one 4 KiB SQLite
 * page (no overflow page) and a change rewrites one page; 2^20 IDs are 8192 rows.
 */
export const CHUNK_SHIFT = 7;
/** Number of IDs a chunk covers (128). */
export const CHUNK_IDS = 1 << CHUNK_SHIFT;
/** Bytes per record: id, sid, refs word, spid (all u32, little-endian). */
export const RECORD_BYTES = 16;
/** Bit of the refs word that marks a free-pending ID; the low 31 bits are the reference count. */
export const PENDING_BIT = 0x80000000;
/** The spid word of an ID without a spid (INVALID_IOASID). */
export const NO_SPID = 0xffffffff;

/**
 * One `id_chunks` row: the allocated IDs of chunk `chunk` (`chunk = id >>> 7`), as 16-byte little-endian
 * records `[id u32, sid u32, refs u32 (bit 31: free-pending), spid u32 (0xFFFFFFFF: none)]`, ascending.
 */
export interface ChunkRow {
  readonly chunk: number;
  readonly records: Uint8Array;
}

/**
 * Packs records (ascending by ID, all in one chunk) into the stored form.
 * @param words flat `[id, sid, refsWord, spid]` quadruples, ascending by ID
 * @param count number of records in `words`
 */
export function encodeChunk(words: Uint32Array, count: number): Uint8Array {
  const out = new Uint8Array(count * RECORD_BYTES);
  const view = new DataView(out.buffer);
  for (let i = 0; i < count * 4; i++) view.setUint32(i * 4, words[i], true);
  return out;
}
