// The Store contract, one suite for every implementation (SQLite and PostgreSQL): round trips,
// deletes, atomic commits, event reads across blocks, and retention.

import {
  type EventRecord,
  type IdRow,
  idColumnsOf,
  idRowsOf,
  type MetaRow,
  type Store,
  type StoreBatch,
} from '@ioasid/server';
import { describe, expect, it } from 'vitest';
import { random, withSeed } from './support/random.js';
import { storeBatch } from './support/store-batch.js';

/** Opens a store at a location (a directory, a database URL); called again on it to "restart". */
export type OpenStore = (dir: string) => Store | Promise<Store>;

const hash = (n: number) => new Uint8Array(32).fill(n);

const batch = (overrides: Partial<StoreBatch> = {}): StoreBatch => storeBatch(1024, overrides);

/** The meta row without a shared store's version (a store one process owns has none). */
function stateOf(meta: MetaRow | null): Omit<MetaRow, 'version'> | null {
  if (meta === null) return null;
  const { version: _version, ...state } = meta;
  return state;
}

function events(from: number, count: number): EventRecord[] {
  return Array.from({ length: count }, (_, i) => ({
    seq: from + i,
    type: i % 2 === 0 ? 'alloc' : 'free',
    id: i,
    sid: i % 3,
    spid: i % 5 === 0 ? 7 : null,
    data: i % 4 === 0 ? { n: i, s: 'x"y' } : null,
  }));
}

/** Declares the contract tests for one Store implementation. */
export function describeStore(name: string, tempDir: () => string | Promise<string>, open: OpenStore): void {
  describe(`${name} store contract`, () => {
    it('loads an empty snapshot from a new store', async () => {
      const store = await open(await tempDir());
      const snapshot = await store.load();
      expect(snapshot).toEqual({
        meta: null,
        sets: [],
        ids: idColumnsOf([]),
        data: [],
        leases: [],
        leaseRefs: [],
        oldestSeq: 1,
      });
      await store.close();
    });

    it('returns after a reopen exactly the rows it committed', async () => {
      const dir = await tempDir();
      let store = await open(dir);
      await store.load();
      const ids: IdRow[] = [
        { id: 0, sid: 0, refs: 1, freePending: false, spid: null },
        { id: 1, sid: 0, refs: 3, freePending: false, spid: 0 },
        { id: 200, sid: 4, refs: 2, freePending: true, spid: 0xfffffffe },
        { id: 0xfffffffe, sid: 1, refs: 0x7fffffff, freePending: false, spid: 9 },
      ];
      await store.commit(
        batch({
          meta: { capacity: 4096, nextSeq: 3, systemSid: 1 },
          sets: {
            upsert: [
              { sid: 0, owner: 'vm-a', quota: 10, dying: false, secretHash: hash(1) },
              { sid: 1, owner: null, quota: 5, dying: false, secretHash: hash(2) },
              { sid: 4, owner: 'vm-b', quota: 2, dying: true, secretHash: hash(3) },
            ],
            remove: [],
          },
          ids: { upsert: [ids[3], ids[1], ids[2], ids[0]], remove: [] },
          data: { upsert: [{ id: 1, json: '{"a":[1,2]}' }], remove: [] },
          leases: { upsert: [{ lease: 'L'.repeat(22), sid: null, ttlMs: 5000 }], remove: [] },
          leaseRefs: { upsert: [{ lease: 'L'.repeat(22), id: 1, count: 2 }], remove: [] },
          events: events(1, 2),
        }),
      );
      await store.close();
      store = await open(dir);
      const snapshot = await store.load();
      expect(stateOf(snapshot.meta)).toEqual({ capacity: 4096, nextSeq: 3, systemSid: 1 });
      expect(snapshot.sets.map((s) => ({ ...s, secretHash: Array.from(s.secretHash) }))).toEqual([
        { sid: 0, owner: 'vm-a', quota: 10, dying: false, secretHash: Array.from(hash(1)) },
        { sid: 1, owner: null, quota: 5, dying: false, secretHash: Array.from(hash(2)) },
        { sid: 4, owner: 'vm-b', quota: 2, dying: true, secretHash: Array.from(hash(3)) },
      ]);
      expect(idRowsOf(snapshot.ids)).toEqual(ids);
      expect(snapshot.data).toEqual([{ id: 1, json: '{"a":[1,2]}' }]);
      expect(snapshot.leases).toEqual([{ lease: 'L'.repeat(22), sid: null, ttlMs: 5000 }]);
      expect(snapshot.leaseRefs).toEqual([{ lease: 'L'.repeat(22), id: 1, count: 2 }]);
      expect(snapshot.oldestSeq).toBe(1);
      expect(await store.readEvents(0, 10)).toEqual(events(1, 2));
      await store.close();
    });

    it('deletes removed rows, a removed lease with its references, and ignores missing rows', async () => {
      const dir = await tempDir();
      let store = await open(dir);
      await store.load();
      const lease = 'A'.repeat(22);
      await store.commit(
        batch({
          sets: { upsert: [{ sid: 0, owner: 'x', quota: 1, dying: false, secretHash: hash(1) }], remove: [] },
          ids: {
            upsert: [
              { id: 9, sid: 0, refs: 2, freePending: false, spid: null },
              { id: 10, sid: 0, refs: 2, freePending: false, spid: 5 },
            ],
            remove: [],
          },
          data: { upsert: [{ id: 9, json: '1' }], remove: [] },
          leases: { upsert: [{ lease, sid: 0, ttlMs: 1000 }], remove: [] },
          leaseRefs: {
            upsert: [
              { lease, id: 9, count: 1 },
              { lease, id: 10, count: 1 },
            ],
            remove: [],
          },
        }),
      );
      await store.commit(
        batch({
          sets: { upsert: [], remove: [0, 99] },
          ids: { upsert: [], remove: [9, 10, 11, 4096] },
          data: { upsert: [], remove: [9, 10] },
          leases: { upsert: [], remove: [lease, 'B'.repeat(22)] },
        }),
      );
      await store.close();
      store = await open(dir);
      const snapshot = await store.load();
      expect([
        snapshot.sets,
        idRowsOf(snapshot.ids),
        snapshot.data,
        snapshot.leases,
        snapshot.leaseRefs,
      ]).toEqual([[], [], [], [], []]);
      await store.close();
    });

    it('keeps every ID as last written across many commits and reopens (seeded)', async () => {
      const rng = random();
      await withSeed(rng, async () => {
        const dir = await tempDir();
        let store = await open(dir);
        await store.load();
        // IDs spread over a few hundred values and a far one, so neighbours share whatever grouping the
        // store uses (SQLite: 128 IDs per row) and some groups empty out again.
        const pool = [...Array.from({ length: 400 }, (_, i) => i), 70_000, 0xfffffffe];
        const model = new Map<number, IdRow>();
        for (let round = 0; round < 30; round++) {
          const upsert = new Map<number, IdRow>();
          const remove = new Set<number>();
          for (let i = rng.int(60); i > 0; i--) {
            const id = rng.pick(pool);
            if (rng.chance(0.35)) {
              upsert.delete(id);
              remove.add(id);
            } else {
              remove.delete(id);
              const pending = rng.chance(0.2);
              upsert.set(id, {
                id,
                sid: rng.int(5),
                refs: 1 + rng.int(4),
                freePending: pending,
                spid: rng.chance(0.5) ? null : rng.int(1000),
              });
            }
          }
          for (const id of remove) model.delete(id);
          for (const row of upsert.values()) model.set(row.id, row);
          await store.commit(batch({ ids: { upsert: [...upsert.values()], remove: [...remove] } }));
          if (rng.chance(0.3)) {
            await store.close();
            store = await open(dir);
            const ids = idRowsOf((await store.load()).ids);
            expect(ids).toEqual([...model.values()].sort((a, b) => a.id - b.id));
          }
        }
        await store.close();
        store = await open(dir);
        expect(idRowsOf((await store.load()).ids)).toEqual([...model.values()].sort((a, b) => a.id - b.id));
        await store.close();
      });
    });

    it('applies nothing of a batch that fails part-way (a commit is atomic)', async () => {
      const dir = await tempDir();
      let store = await open(dir);
      await store.load();
      await store.commit(
        batch({ events: events(1, 3), meta: { capacity: 1024, nextSeq: 4, systemSid: -1 } }),
      );
      // Sequence numbers 2..3 already exist: the event write fails after the set row was written.
      const bad = batch({
        meta: { capacity: 2048, nextSeq: 6, systemSid: -1 },
        sets: { upsert: [{ sid: 0, owner: 'x', quota: 1, dying: false, secretHash: hash(1) }], remove: [] },
        events: events(3, 3),
      });
      await expect(store.commit(bad)).rejects.toThrow();
      await store.close();
      store = await open(dir);
      const snapshot = await store.load();
      expect(stateOf(snapshot.meta)).toEqual({ capacity: 1024, nextSeq: 4, systemSid: -1 });
      expect(snapshot.sets).toEqual([]);
      expect((await store.readEvents(0, 100)).map((e) => e.seq)).toEqual([1, 2, 3]);
      await store.close();
    });

    it('reads events after any position in order, across stored blocks', async () => {
      const store = await open(await tempDir());
      await store.load();
      const all = events(1, 2500);
      await store.commit(
        batch({ events: all.slice(0, 2100), meta: { capacity: 1, nextSeq: 2101, systemSid: -1 } }),
      );
      await store.commit(
        batch({ events: all.slice(2100), meta: { capacity: 1, nextSeq: 2501, systemSid: -1 } }),
      );
      for (const after of [0, 1, 1023, 1024, 1025, 2099, 2100, 2499]) {
        const read: EventRecord[] = [];
        let from = after;
        for (;;) {
          const page = await store.readEvents(from, 300);
          if (page.length === 0) break;
          read.push(...page);
          from = page[page.length - 1].seq;
        }
        expect(read).toEqual(all.slice(after));
      }
      expect(await store.readEvents(2500, 10)).toEqual([]);
      await store.close();
    });

    it('keeps the retained part of one huge batch and reports where it starts', async () => {
      const store = await open(await tempDir());
      await store.load();
      const receipt = await store.commit(
        batch({
          events: events(1, 3000),
          meta: { capacity: 1, nextSeq: 3001, systemSid: -1 },
          retainFrom: 2500,
        }),
      );
      expect(receipt.oldestSeq).toBeGreaterThan(1);
      expect(receipt.oldestSeq).toBeLessThanOrEqual(2500);
      const kept = await store.readEvents(0, 5000);
      expect(kept).toEqual(events(1, 3000).slice(receipt.oldestSeq - 1));
      await store.close();
    });

    it('keeps at least the events from retainFrom on and reports the oldest one kept', async () => {
      const dir = await tempDir();
      let store = await open(dir);
      await store.load();
      let receipt = await store.commit(
        batch({ events: events(1, 10), meta: { capacity: 1, nextSeq: 11, systemSid: -1 } }),
      );
      expect(receipt.oldestSeq).toBe(1);
      for (let seq = 11; seq <= 40; seq += 10) {
        receipt = await store.commit(
          batch({
            events: events(seq, 10),
            meta: { capacity: 1, nextSeq: seq + 10, systemSid: -1 },
            retainFrom: seq - 5,
          }),
        );
      }
      // Retaining from 36 keeps every event from 36 on; whole older blocks may go.
      expect(receipt.oldestSeq).toBeLessThanOrEqual(36);
      expect(receipt.oldestSeq).toBeGreaterThan(1);
      const kept = await store.readEvents(0, 100);
      expect(kept[0].seq).toBe(receipt.oldestSeq);
      expect(kept.map((e) => e.seq)).toEqual(
        Array.from({ length: 41 - receipt.oldestSeq }, (_, i) => receipt.oldestSeq + i),
      );
      await store.close();
      store = await open(dir);
      expect((await store.load()).oldestSeq).toBe(receipt.oldestSeq);
      await store.close();
    });
  });
}
