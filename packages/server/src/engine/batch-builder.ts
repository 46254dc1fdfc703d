// Turns the tracker's dirty marks into a StoreBatch by reading the current state of each dirty item:
// the core for IDs and sets, the lease table for leases. State, not operations, goes to the store.

import { INVALID_IOASID, type IoasidSpace } from 'ioasid';
import type { DataRow, IdRow, LeaseRefRow, LeaseRow, SetRow, StoreBatch } from '../store/store.js';
import { type ChangeTracker, GONE } from './change-tracker.js';
import type { Credentials } from './credentials.js';
import type { LeaseTable } from './lease-table.js';

/** Where the batch builder reads current state from. */
export interface BatchSources {
  readonly space: IoasidSpace;
  /** The IDs that have a stored data row (kept up to date here), so a removal is sent only for those. */
  readonly withData: Set<number>;
  readonly credentials: Credentials;
  readonly leases: LeaseTable;
  readonly tracker: ChangeTracker;
  /** Events to retain at least. */
  readonly retention: number;
}

/** Builds the batch for everything the tracker marked, and clears the tracker. */
export function buildBatch(src: BatchSources): StoreBatch {
  const { space, withData, tracker } = src;
  const idUpsert: IdRow[] = [];
  const idRemove: number[] = [];
  const dataUpsert: DataRow[] = [];
  const dataRemove: number[] = [];
  for (const [id, hint] of tracker.ids) {
    const info = hint === GONE ? undefined : space.idInfo(id);
    const live = info !== undefined;
    if (info !== undefined) {
      idUpsert.push({
        id,
        sid: info.sid,
        refs: info.refs,
        freePending: info.state === 'free-pending',
        spid: info.spid === INVALID_IOASID ? null : info.spid,
      });
      if (info.data !== null && info.data !== undefined) {
        dataUpsert.push({ id, json: JSON.stringify(info.data) });
        withData.add(id);
      } else if (withData.delete(id)) {
        dataRemove.push(id);
      }
    }
    if (!live) {
      if (withData.delete(id)) dataRemove.push(id);
      idRemove.push(id);
    }
  }

  const setUpsert: SetRow[] = [];
  const setRemove: number[] = [];
  for (const sid of tracker.sets) {
    const set = space.setInfo(sid);
    if (set === undefined) {
      setRemove.push(sid);
      continue;
    }
    setUpsert.push({
      sid,
      owner: typeof set.token === 'string' ? set.token : null,
      quota: set.quota,
      dying: set.dying,
      secretHash: src.credentials.hashOf(sid),
    });
  }

  const leaseUpsert: LeaseRow[] = [];
  const leaseRemove: string[] = [];
  for (const name of tracker.leases) {
    const lease = src.leases.get(name);
    if (lease === undefined) leaseRemove.push(name);
    else leaseUpsert.push({ lease: name, sid: lease.sid, ttlMs: lease.ttlMs });
  }
  const refUpsert: LeaseRefRow[] = [];
  const refRemove: { lease: string; id: number }[] = [];
  for (const [name, ids] of tracker.leaseRefs) {
    const lease = src.leases.get(name);
    if (lease === undefined) continue; // deleting the lease deletes its references
    for (const id of ids) {
      const count = lease.refs.get(id) ?? 0;
      if (count > 0) refUpsert.push({ lease: name, id, count });
      else refRemove.push({ lease: name, id });
    }
  }

  const batch: StoreBatch = {
    meta: { capacity: space.capacity, nextSeq: tracker.nextSeq, systemSid: space.systemSid },
    sets: { upsert: setUpsert, remove: setRemove },
    ids: { upsert: idUpsert, remove: idRemove },
    data: { upsert: dataUpsert, remove: dataRemove },
    leases: { upsert: leaseUpsert, remove: leaseRemove },
    leaseRefs: { upsert: refUpsert, remove: refRemove },
    events: tracker.events,
    retainFrom: tracker.nextSeq - src.retention,
  };
  tracker.clear();
  return batch;
}

/**
 * Returns the number of state rows a batch writes or deletes: the meta row and every upsert and removal
 * (events are not counted).
 */
export function countRows(batch: StoreBatch): number {
  return (
    1 +
    batch.sets.upsert.length +
    batch.sets.remove.length +
    batch.ids.upsert.length +
    batch.ids.remove.length +
    batch.data.upsert.length +
    batch.data.remove.length +
    batch.leases.upsert.length +
    batch.leases.remove.length +
    batch.leaseRefs.upsert.length +
    batch.leaseRefs.remove.length
  );
}
