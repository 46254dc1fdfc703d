// Builds the StoreBatch a store test commits: nothing changed unless the overrides say so, a meta row
// with the given capacity, and optionally allocations of IDs in one set with their alloc events.

import type { StoreBatch } from '@ioasid/server';
import { INVALID_IOASID_SET } from 'ioasid';

/**
 * Returns a batch that changes nothing but the meta row (`capacity`, `nextSeq` 1, no system set),
 * with `overrides` applied on top.
 */
export function storeBatch(capacity: number, overrides: Partial<StoreBatch> = {}): StoreBatch {
  const none = { upsert: [], remove: [] };
  return {
    meta: { capacity, nextSeq: 1, systemSid: INVALID_IOASID_SET },
    sets: none,
    ids: none,
    data: none,
    leases: none,
    leaseRefs: none,
    events: [],
    retainFrom: 0,
    ...overrides,
  };
}

/**
 * Returns a batch that allocates `ids` in set `sid` (one reference each, no spid) with one `alloc`
 * event per ID, numbered so that the next sequence number after them is `nextSeq`.
 */
export function allocBatch(
  capacity: number,
  sid: number,
  nextSeq: number,
  ids: readonly number[],
  overrides: Partial<StoreBatch> = {},
): StoreBatch {
  const first = nextSeq - ids.length;
  return storeBatch(capacity, {
    meta: { capacity, nextSeq, systemSid: INVALID_IOASID_SET },
    ids: { upsert: ids.map((id) => ({ id, sid, refs: 1, freePending: false, spid: null })), remove: [] },
    events: ids.map((id, i) => ({ seq: first + i, type: 'alloc', id, sid, spid: null, data: null })),
    ...overrides,
  });
}
