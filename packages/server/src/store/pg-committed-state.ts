// The last committed state of the PostgreSQL store, kept in memory, so the engine can return to it
// (and serve reads) while the database does not answer: the last load plus the batches committed since.

import { idColumnsOf, idRowsOf } from './id-columns.js';
import type { DataRow, IdRow, LeaseRefRow, LeaseRow, SetRow, StoreBatch, StoreSnapshot } from './store.js';

/** Batches kept unfolded at least (their rows are folded into the snapshot past this or the ID count). */
const MIN_UNFOLDED_ROWS = 16_384;

/**
 * What this store last read or committed: a snapshot and the batches committed after it, folded into it
 * when they hold more rows than it does (so the memory kept stays about the size of the state, and the
 * work of folding about that of the commits).
 */
export class CommittedState {
  #base: StoreSnapshot;
  #batches: { batch: StoreBatch; oldestSeq: number }[] = [];
  #rows = 0;

  /** Starts from `snapshot` (what `load` read). */
  constructor(snapshot: StoreSnapshot) {
    this.#base = snapshot;
  }

  /** Records a batch that committed, with the oldest event retained after it. */
  apply(batch: StoreBatch, oldestSeq: number): void {
    this.#batches.push({ batch, oldestSeq });
    this.#rows += 1 + batch.ids.upsert.length + batch.ids.remove.length + batch.data.upsert.length;
    if (this.#rows > Math.max(MIN_UNFOLDED_ROWS, this.#base.ids.id.length)) this.#fold();
  }

  /** Returns the committed state, as `Store.load` would read it from the database. */
  snapshot(): StoreSnapshot {
    this.#fold();
    return this.#base;
  }

  #fold(): void {
    if (this.#batches.length === 0) return;
    const base = this.#base;
    const sets = new Map<number, SetRow>(base.sets.map((r) => [r.sid, r]));
    const ids = new Map<number, IdRow>(idRowsOf(base.ids).map((r) => [r.id, r]));
    const data = new Map<number, DataRow>(base.data.map((r) => [r.id, r]));
    const leases = new Map<string, LeaseRow>(base.leases.map((r) => [r.lease, r]));
    const refKey = (r: { readonly lease: string; readonly id: number }) => `${r.lease}\u0000${r.id}`;
    const leaseRefs = new Map<string, LeaseRefRow>(base.leaseRefs.map((r) => [refKey(r), r]));
    let meta = base.meta;
    let oldestSeq = base.oldestSeq;
    for (const { batch, oldestSeq: oldest } of this.#batches) {
      // The order of pg-batch.ts: removals before writes, a removed lease with its references.
      for (const sid of batch.sets.remove) sets.delete(sid);
      for (const r of batch.sets.upsert) sets.set(r.sid, r);
      for (const id of batch.ids.remove) ids.delete(id);
      for (const r of batch.ids.upsert) ids.set(r.id, r);
      for (const id of batch.data.remove) data.delete(id);
      for (const r of batch.data.upsert) data.set(r.id, r);
      if (batch.leases.remove.length > 0) {
        const gone = new Set(batch.leases.remove);
        for (const lease of gone) leases.delete(lease);
        for (const [key, r] of leaseRefs) if (gone.has(r.lease)) leaseRefs.delete(key);
      }
      for (const r of batch.leases.upsert) leases.set(r.lease, r);
      for (const r of batch.leaseRefs.remove) leaseRefs.delete(refKey(r));
      for (const r of batch.leaseRefs.upsert) leaseRefs.set(refKey(r), r);
      meta = batch.meta;
      oldestSeq = oldest;
    }
    this.#base = {
      meta,
      sets: [...sets.values()].sort((a, b) => a.sid - b.sid),
      ids: idColumnsOf([...ids.values()]),
      data: [...data.values()].sort((a, b) => a.id - b.id),
      leases: [...leases.values()].sort((a, b) => (a.lease < b.lease ? -1 : a.lease > b.lease ? 1 : 0)),
      leaseRefs: [...leaseRefs.values()].sort((a, b) =>
        a.lease < b.lease ? -1 : a.lease > b.lease ? 1 : a.id - b.id,
      ),
      oldestSeq,
    };
    this.#batches = [];
    this.#rows = 0;
  }
}
