// Converting between the store-neutral ID forms: IdRow objects (what a batch carries) and IdColumns
// (what a snapshot returns). For stores without a packed layout of their own, and for tests.

import type { IdColumns, IdRow } from './store.js';

/** The spid column's value for an ID without a spid (the core's INVALID_IOASID). */
export const NO_SPID_COLUMN = 0xffffffff;

/** Returns columns holding `rows`, sorted ascending by ID (the order `Store.load` must return). */
export function idColumnsOf(rows: readonly IdRow[]): IdColumns {
  const sorted = [...rows].sort((a, b) => a.id - b.id);
  const columns = {
    id: new Uint32Array(sorted.length),
    sid: new Uint32Array(sorted.length),
    refs: new Uint32Array(sorted.length),
    freePending: new Uint8Array(sorted.length),
    spid: new Uint32Array(sorted.length),
  };
  sorted.forEach((row, i) => {
    columns.id[i] = row.id;
    columns.sid[i] = row.sid;
    columns.refs[i] = row.refs;
    columns.freePending[i] = row.freePending ? 1 : 0;
    columns.spid[i] = row.spid ?? NO_SPID_COLUMN;
  });
  return columns;
}

/** Returns the IDs of `columns` as rows, in column order. */
export function idRowsOf(columns: IdColumns): IdRow[] {
  return Array.from(columns.id, (id, i) => ({
    id,
    sid: columns.sid[i],
    refs: columns.refs[i],
    freePending: columns.freePending[i] === 1,
    spid: columns.spid[i] === NO_SPID_COLUMN ? null : columns.spid[i],
  }));
}
