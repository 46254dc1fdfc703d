// The packed form of allocated IDs: one row per 128 consecutive IDs, 16 bytes per allocated ID.
// Why packed: one row per ID made a restart with 2^20 IDs take ~1.5 s just to iterate the rows here.

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

/** One allocated ID as stored. */
export interface IdRecord {
  id: number;
  sid: number;
  /** References held (the owner's included until freed). */
  refs: number;
  pending: boolean;
  /** The spid, or NO_SPID. */
  spid: number;
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

/**
 * Calls `visit` for every record of a stored chunk, in stored (ascending) order.
 * @throws Error when the blob is not a whole number of records (a damaged store)
 */
export function decodeChunk(records: Uint8Array, visit: (record: IdRecord) => void): void {
  if (records.byteLength % RECORD_BYTES !== 0) {
    throw new Error(
      `a stored ID chunk has ${records.byteLength} bytes, not a multiple of ${RECORD_BYTES}: the store is damaged`,
    );
  }
  const view = new DataView(records.buffer, records.byteOffset, records.byteLength);
  const record: IdRecord = { id: 0, sid: 0, refs: 0, pending: false, spid: NO_SPID };
  for (let at = 0; at < records.byteLength; at += RECORD_BYTES) {
    record.id = view.getUint32(at, true);
    record.sid = view.getUint32(at + 4, true);
    const refs = view.getUint32(at + 8, true);
    record.refs = refs & ~PENDING_BIT;
    record.pending = (refs & PENDING_BIT) !== 0;
    record.spid = view.getUint32(at + 12, true);
    visit(record);
  }
}
