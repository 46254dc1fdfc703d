// The PostgreSQL store's ID rows in bulk: a batch's IdRows as column arrays for one `unnest` statement,
// and every stored ID read back as packed binary records decoded straight into IdColumns.

import { NO_SPID_COLUMN } from './id-columns.js';
import type { IdColumns, IdRow } from './store.js';

/** Bytes of one packed record: id, sid, refs * 2 + free_pending, spid (4 bytes each, big-endian). */
export const ID_RECORD_BYTES = 16;

/** IDs with the same `id >> IDS_PER_ROW_SHIFT` come packed in one row of LOAD_IDS_SQL (1 MiB at most). */
const IDS_PER_ROW_SHIFT = 16;

/**
 * Returns every ID as rows `[chunk, records]` of packed records, one row per 65,536 IDs of the ID space.
 * Packing in the database and decoding one buffer per row, instead of parsing five text fields per
 * ID, is what keeps loading 2^20 IDs fast; the table is read in its physical order (a sequential scan,
 * no sort), so the rows and the records within them arrive in any order and `decodeIdRecords` sorts
 * them. Two 64-bit words per ID: `id << 32 | sid` and `(refs << 1 | free_pending) << 32 | spid`.
 */
export const LOAD_IDS_SQL = `
SELECT (id >> ${IDS_PER_ROW_SHIFT})::integer AS chunk,
       string_agg(
         int8send((id << 32) | sid)
           || int8send((((refs::bigint << 1) | free_pending::integer) << 32) | coalesce(spid, ${NO_SPID_COLUMN})),
         ''::bytea) AS records
FROM ids
GROUP BY 1`;

/**
 * Decodes the rows of LOAD_IDS_SQL into columns ascending by ID (rows are ordered by chunk; a row whose
 * records are out of order is sorted on its own, so an ordered table costs one pass).
 * @throws Error when a row's length is not a whole number of records, or an ID is in the wrong row or
 * twice (a damaged read)
 */
export function decodeIdRecords(rows: readonly (readonly [number, Buffer])[]): IdColumns {
  const ordered = [...rows].sort((a, b) => a[0] - b[0]);
  let total = 0;
  for (const [chunk, records] of ordered) {
    if (records.length % ID_RECORD_BYTES !== 0) {
      throw new Error(
        `ID row ${chunk} has ${records.length} bytes, not whole ${ID_RECORD_BYTES}-byte records`,
      );
    }
    total += records.length / ID_RECORD_BYTES;
  }
  const columns = {
    id: new Uint32Array(total),
    sid: new Uint32Array(total),
    refs: new Uint32Array(total),
    freePending: new Uint8Array(total),
    spid: new Uint32Array(total),
  };
  let i = 0;
  for (const [chunk, records] of ordered) {
    const start = i;
    let sorted = true;
    for (let at = 0; at < records.length; at += ID_RECORD_BYTES, i++) {
      const id = records.readUInt32BE(at);
      if (id >>> IDS_PER_ROW_SHIFT !== chunk)
        throw new Error(`ID row ${chunk} holds ID ${id}: a damaged read`);
      if (i > start && id <= columns.id[i - 1]) sorted = false;
      const word = records.readUInt32BE(at + 8);
      columns.id[i] = id;
      columns.sid[i] = records.readUInt32BE(at + 4);
      columns.refs[i] = word >>> 1;
      columns.freePending[i] = word & 1;
      columns.spid[i] = records.readUInt32BE(at + 12);
    }
    if (!sorted) sortSegment(columns, start, i);
  }
  return columns;
}

/** Sorts `[start, end)` of the columns by ID (one chunk: the IDs differ in their low 16 bits only). */
function sortSegment(c: IdColumns, start: number, end: number): void {
  const n = end - start;
  // Low 16 bits of the ID above the segment index: distinct, and exact as doubles.
  const keys = new Float64Array(n);
  for (let k = 0; k < n; k++) keys[k] = (c.id[start + k] & 0xffff) * 0x10000 + k;
  keys.sort();
  const copy = {
    id: c.id.slice(start, end),
    sid: c.sid.slice(start, end),
    refs: c.refs.slice(start, end),
    freePending: c.freePending.slice(start, end),
    spid: c.spid.slice(start, end),
  };
  for (let k = 0; k < n; k++) {
    const from = keys[k] % 0x10000;
    if (k > 0 && copy.id[from] === c.id[start + k - 1]) {
      throw new Error(`ID ${copy.id[from]} was read twice: a damaged read`);
    }
    c.id[start + k] = copy.id[from];
    c.sid[start + k] = copy.sid[from];
    c.refs[start + k] = copy.refs[from];
    c.freePending[start + k] = copy.freePending[from];
    c.spid[start + k] = copy.spid[from];
  }
}

/**
 * Returns a PostgreSQL array literal (`{1,2,NULL}`) of integers, for a `$n::bigint[]` parameter. Built
 * here because pg's generic array serialisation cost a third of a 65,536-ID upsert.
 */
export function intArray(values: readonly (number | null)[]): string {
  let text = '{';
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (i > 0) text += ',';
    text += v === null ? 'NULL' : String(Math.trunc(v));
  }
  return `${text}}`;
}

/** A batch's ID rows as five array parameters (id, sid, refs, free_pending, spid), for pg-batch.ts. */
export function idArrays(rows: readonly IdRow[]): [string, string, string, string, string] {
  let id = '{';
  let sid = '{';
  let refs = '{';
  let pending = '{';
  let spid = '{';
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    const sep = i === 0 ? '' : ',';
    id += sep + Math.trunc(r.id);
    sid += sep + Math.trunc(r.sid);
    refs += sep + Math.trunc(r.refs);
    pending += sep + (r.freePending ? 't' : 'f');
    spid += sep + (r.spid === null ? 'NULL' : Math.trunc(r.spid));
  }
  return [`${id}}`, `${sid}}`, `${refs}}`, `${pending}}`, `${spid}}`];
}
