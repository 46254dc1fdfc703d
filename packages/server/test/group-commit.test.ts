// Group commit: changes are applied at once, answers wait for the batch that holds them, one batch
// serves many requests, per-request mode commits each alone, and a failed commit takes its changes back.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN,
  type CommitMode,
  type CommitReceipt,
  Engine,
  SqliteStore,
  type Store,
  type StoreBatch,
} from '@ioasid/server';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A store that delegates to SQLite but lets the test hold commits and make them fail. */
class GatedStore implements Store {
  readonly batches: StoreBatch[] = [];
  hold = false;
  failNext = false;
  #held: (() => void)[] = [];
  constructor(readonly inner: Store) {}
  load() {
    return this.inner.load();
  }
  async commit(batch: StoreBatch): Promise<CommitReceipt> {
    if (this.failNext) throw new Error('disk full (simulated)');
    if (this.hold) await new Promise<void>((resolve) => this.#held.push(resolve));
    this.batches.push(batch);
    return this.inner.commit(batch);
  }
  release() {
    this.hold = false;
    for (const resolve of this.#held.splice(0)) resolve();
  }
  readEvents(after: number, limit: number) {
    return this.inner.readEvents(after, limit);
  }
  close() {
    return this.inner.close();
  }
}

async function openGated(commitMode: CommitMode = 'group') {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-commit-'));
  dirs.push(dir);
  const store = new GatedStore(SqliteStore.open({ dataDir: dir }));
  const fatal: unknown[] = [];
  const engine = await Engine.open({
    store,
    adminToken: 'admin-token-for-tests',
    capacity: 1000,
    commitMode,
    storeRetry: { initialMs: 5, maxMs: 20 },
    onFatal: (error) => fatal.push(error),
  });
  store.batches.length = 0;
  return { engine, store, fatal, dir };
}

/** Resolves once `done()` is true (polling every 5 ms). @throws after 5 s */
async function until(done: () => boolean): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!done()) {
    if (Date.now() > deadline) throw new Error('condition not met within 5 s');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Returns a function telling whether `promise` has settled yet. */
const settled = (promise: Promise<unknown>) => {
  let done = false;
  promise.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  return () => done;
};

describe('group commit', () => {
  it('commits everything applied in one turn of the event loop as one batch', async () => {
    const { engine, store } = await openGated();
    const set = engine.createSet(ADMIN, 'vm', 100);
    const waits = [];
    for (let i = 0; i < 50; i++) {
      engine.alloc(ADMIN, set.sid, 0, 1000, null);
      waits.push(engine.durable());
    }
    await Promise.all(waits);
    expect(store.batches).toHaveLength(1);
    expect(store.batches[0].events).toHaveLength(50);
    await engine.close();
  });

  it('holds every answer, reads included, until the batch with the changes is on disk', async () => {
    const { engine, store } = await openGated();
    const set = engine.createSet(ADMIN, 'vm', 100);
    await engine.durable();
    store.hold = true;
    engine.alloc(ADMIN, set.sid, 0, 1000, null);
    const write = settled(engine.durable());
    // A read issued while the write is uncommitted sees it, so it must wait as well.
    expect(engine.listIds(ADMIN, set.sid)).toEqual([0]);
    const read = settled(engine.durable());
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise((resolve) => setImmediate(resolve));
    expect([write(), read()]).toEqual([false, false]);
    store.release();
    await engine.durable();
    expect([write(), read()]).toEqual([true, true]);
    await engine.close();
  });

  it('answers at once when nothing is pending', async () => {
    const { engine, store } = await openGated();
    await engine.durable();
    const before = store.batches.length;
    await engine.durable();
    expect(store.batches.length).toBe(before);
    await engine.close();
  });

  it('fills the next batch while one commit is in flight and commits it right after', async () => {
    const { engine, store } = await openGated();
    const set = engine.createSet(ADMIN, 'vm', 100);
    store.hold = true;
    const first = engine.durable();
    await new Promise((resolve) => setImmediate(resolve));
    engine.alloc(ADMIN, set.sid, 0, 1000, null);
    engine.alloc(ADMIN, set.sid, 0, 1000, null);
    const second = engine.durable();
    await new Promise((resolve) => setImmediate(resolve));
    store.release();
    await Promise.all([first, second]);
    expect(store.batches.map((b) => b.events.length)).toEqual([0, 2]);
    await engine.close();
  });

  it('commits each request alone in per-request mode', async () => {
    const { engine, store } = await openGated('per-request');
    const set = engine.createSet(ADMIN, 'vm', 100);
    await engine.durable();
    const waits = [];
    for (let i = 0; i < 10; i++) {
      engine.alloc(ADMIN, set.sid, 0, 1000, null);
      waits.push(engine.durable());
    }
    await Promise.all(waits);
    expect(store.batches.slice(1).map((b) => b.events.length)).toEqual(Array(10).fill(1));
    await engine.close();
  });

  it('answers the waiting request EAGAIN store-unavailable after a failed commit and takes its change back, without onFatal', async () => {
    const { engine, store, fatal } = await openGated();
    const set = engine.createSet(ADMIN, 'vm', 100);
    await engine.durable();
    store.failNext = true;
    engine.alloc(ADMIN, set.sid, 0, 1000, null);
    await expect(engine.durable()).rejects.toMatchObject({
      code: 'EAGAIN',
      reason: 'store-unavailable',
      message: expect.stringMatching(/disk full \(simulated\)\), so it is not applied/),
    });
    expect(fatal).toEqual([]);
    expect(engine.stopped).toBe(false);
    await until(() => engine.storeStatus().state !== 'restoring');
    expect(engine.listIds(ADMIN, set.sid)).toEqual([]);
    store.failNext = false;
    await until(() => engine.storeStatus().state === 'ready');
    expect(engine.alloc(ADMIN, set.sid, 0, 1000, null)).toBe(0);
    await engine.durable();
    await engine.close();
  });

  it('fails the waiting answers in per-request mode too, and recovers', async () => {
    const { engine, store, fatal } = await openGated('per-request');
    const set = engine.createSet(ADMIN, 'vm', 100);
    await engine.durable();
    store.failNext = true;
    engine.alloc(ADMIN, set.sid, 0, 1000, null);
    await expect(engine.durable()).rejects.toMatchObject({ code: 'EAGAIN', reason: 'store-unavailable' });
    expect(fatal).toEqual([]);
    store.failNext = false;
    await until(() => engine.storeStatus().state === 'ready');
    expect(engine.listIds(ADMIN, set.sid)).toEqual([]);
    engine.alloc(ADMIN, set.sid, 0, 1000, null);
    await engine.durable();
    expect(engine.listIds(ADMIN, set.sid)).toEqual([0]);
    await engine.close();
  });

  it('withdraws a batch allocation that fails part-way: no ID, no event, nothing committed', async () => {
    const { engine, store } = await openGated();
    const set = engine.createSet(ADMIN, 'vm', 100);
    await engine.durable();
    store.batches.length = 0;
    // Only 3 IDs exist in [10, 12]: asking for 5 fails at the 4th.
    expect(() => engine.allocMany(ADMIN, set.sid, 10, 12, null, 5)).toThrow(/after 3, so none was allocated/);
    expect(engine.listIds(ADMIN, set.sid)).toEqual([]);
    await engine.durable();
    expect(store.batches.flatMap((b) => b.events)).toEqual([]);
    expect(engine.alloc(ADMIN, set.sid, 10, 12, null)).toBe(10);
    await engine.durable();
    expect(store.batches.flatMap((b) => b.events).map((e) => [e.seq, e.type, e.id])).toEqual([
      [1, 'alloc', 10],
    ]);
    await engine.close();
  });
});
