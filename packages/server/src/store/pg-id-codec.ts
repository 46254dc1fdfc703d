// The PostgreSQL store's ID rows in bulk: a batch's IdRows as column arrays for one `unnest` statement,
// and every stored ID read back as packed binary records decoded straight into IdColumns.

import { NO_SPID_COLUMN } from './id-columns.js';
import type { IdColumns, IdRow } from './store.js';

/** Bytes of one packed record: id, sid, refs, spid (4 bytes each, big-endian) and free_pending (1). */
export const ID_RECORD_BYTES = 17;

/** IDs packed per returned row by LOAD_IDS_SQL (2^16: 1.1 MB a row, 16 rows for 2^20 IDs). */
const IDS_PER_ROW_SHIFT = 16;

/**
 * Returns every ID as rows of packed records, ascending by ID within and across rows. Packing in the
 * database and decoding one buffer per 65,536 IDs instead of parsing five text fields per ID is what
 * keeps loading 2^20 IDs fast (pg's own bytea parser turns each row's hex text into a Buffer).
 */
export const LOAD_IDS_SQL = `
SELECT string_agg(
         substr(int8send(id), 5) || substr(int8send(sid), 5) || int4send(refs)
           || substr(int8send(coalesce(spid, ${NO_SPID_COLUMN})), 5)
           || CASE WHEN free_pending THEN '\\x01'::bytea ELSE '\\x00'::bytea END,
         ''::bytea ORDER BY id) AS records
FROM ids
GROUP BY id >> ${IDS_PER_ROW_SHIFT}
ORDER BY id >> ${IDS_PER_ROW_SHIFT}`;

/**
 * Decodes the rows of LOAD_IDS_SQL into columns.
 * @throws Error when a row's length is not a whole number of records (a damaged read)
 */
export function decodeIdRecords(rows: readonly Buffer[]): IdColumns {
  let total = 0;
  for (const row of rows) {
    if (row.length % ID_RECORD_BYTES !== 0) {
      throw new Error(`an ID row of ${row.length} bytes is not whole ${ID_RECORD_BYTES}-byte records`);
    }
    total += row.length / ID_RECORD_BYTES;
  }
  const columns = {
    id: new Uint32Array(total),
    sid: new Uint32Array(total),
    refs: new Uint32Array(total),
    freePending: new Uint8Array(total),
    spid: new Uint32Array(total),
  };
  let i = 0;
  for (const row of rows) {
    for (let at = 0; at < row.length; at += ID_RECORD_BYTES, i++) {
      columns.id[i] = row.readUInt32BE(at);
      columns.sid[i] = row.readUInt32BE(at + 4);
      columns.refs[i] = row.readUInt32BE(at + 8);
      columns.spid[i] = row.readUInt32BE(at + 12);
      columns.freePending[i] = row[at + 16];
    }
  }
  return columns;
}

/** A batch's ID rows as the five arrays of UPSERT_IDS_SQL's parameters. */
export function idArrays(
  rows: readonly IdRow[],
): [number[], number[], number[], boolean[], (number | null)[]] {
  const id = new Array<number>(rows.length);
  const sid = new Array<number>(rows.length);
  const refs = new Array<number>(rows.length);
  const pending = new Array<boolean>(rows.length);
  const spid = new Array<number | null>(rows.length);
  for (let i = 0; i < rows.length; i++) {
    const r = rows[i];
    id[i] = r.id;
    sid[i] = r.sid;
    refs[i] = r.refs;
    pending[i] = r.freePending;
    spid[i] = r.spid;
  }
  return [id, sid, refs, pending, spid];
}

/** Writes (inserts or replaces) many IDs in one statement; parameters from `idArrays`. */
export const UPSERT_IDS_SQL = `
INSERT INTO ids (id, sid, refs, free_pending, spid)
SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::integer[], $4::boolean[], $5::bigint[])
ON CONFLICT (id) DO UPDATE SET
  sid = EXCLUDED.sid, refs = EXCLUDED.refs, free_pending = EXCLUDED.free_pending, spid = EXCLUDED.spid`;
