// Which IDs have a row in the PostgreSQL store's `ids` table, as this server last committed them: a
// paged bitmap, so a batch can insert new IDs plainly and update the others, instead of upserting all.

import type { Changes, IdRow } from './store.js';

/** IDs per page (8 KiB of bits); pages exist only where some ID has a row. */
const PAGE_SHIFT = 16;
const PAGE_MASK = (1 << PAGE_SHIFT) - 1;

/**
 * The set of stored IDs. A plain INSERT of an ID believed new, or an UPDATE of one believed stored,
 * checks the belief in the database (a duplicate key, or a count of updated rows), so a wrong belief
 * fails the commit instead of losing a write.
 */
export class StoredIds {
  readonly #pages = new Map<number, Uint32Array>();

  /** Marks every ID of `ids` stored (at load). */
  addAll(ids: Uint32Array): void {
    for (let i = 0; i < ids.length; i++) this.#set(ids[i], true);
  }

  /** True when `id` has a row. */
  has(id: number): boolean {
    const page = this.#pages.get(id >>> PAGE_SHIFT);
    return page !== undefined && (page[(id & PAGE_MASK) >>> 5] & (1 << (id & 31))) !== 0;
  }

  /** Records a committed batch's IDs: upserted ones have a row now, removed ones none. */
  apply(changes: Changes<IdRow, number>): void {
    for (const id of changes.remove) this.#set(id, false);
    for (const row of changes.upsert) this.#set(row.id, true);
  }

  /**
   * Splits a batch's upserted rows into those to insert (no row yet, or removed by the same batch,
   * whose deletes run first) and those to update.
   */
  split(changes: Changes<IdRow, number>): { insert: IdRow[]; update: IdRow[] } {
    const removed = changes.remove.length === 0 ? null : new Set(changes.remove);
    const insert: IdRow[] = [];
    const update: IdRow[] = [];
    for (const row of changes.upsert) {
      (this.has(row.id) && removed?.has(row.id) !== true ? update : insert).push(row);
    }
    return { insert, update };
  }

  #set(id: number, on: boolean): void {
    const key = id >>> PAGE_SHIFT;
    let page = this.#pages.get(key);
    if (page === undefined) {
      if (!on) return;
      page = new Uint32Array(1 << (PAGE_SHIFT - 5));
      this.#pages.set(key, page);
    }
    const word = (id & PAGE_MASK) >>> 5;
    const bit = 1 << (id & 31);
    page[word] = on ? page[word] | bit : page[word] & ~bit;
  }
}
