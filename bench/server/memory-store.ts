// A Store that keeps nothing: commits resolve at once. The benchmark runs the server on it to show the
// HTTP and allocator cost alone, i.e. how much of the durable figures is the price of durability.

import {
  type CommitReceipt,
  type EventRecord,
  idColumnsOf,
  type Store,
  type StoreBatch,
  type StoreSnapshot,
} from '@ioasid/server';

/** A non-durable Store for measurements: it forgets every batch (events cannot be replayed). */
export class MemoryStore implements Store {
  #nextSeq = 1;

  /** An empty snapshot: the server starts with nothing installed. */
  async load(): Promise<StoreSnapshot> {
    return { meta: null, sets: [], ids: idColumnsOf([]), data: [], leases: [], leaseRefs: [], oldestSeq: 1 };
  }

  /** Forgets the batch at once (nothing is written, so nothing is durable). */
  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    this.#nextSeq = batch.meta.nextSeq;
    return { oldestSeq: this.#nextSeq };
  }

  /** No event is kept, so none can be replayed. */
  async readEvents(_after: number, _limit: number): Promise<EventRecord[]> {
    return [];
  }

  /** Nothing to release. */
  async close(): Promise<void> {}
}
