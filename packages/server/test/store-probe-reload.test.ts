// The engine's side of two optional Store methods a shared database needs: a probe that asks for a
// reload (someone else may have written), and `watch`, a store telling of trouble while nothing commits.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, Engine, type EventRecord, SqliteStore } from '@ioasid/server';
import { afterAll, describe, expect, it } from 'vitest';
import { FlakyStore, until } from './support/flaky-store.js';
import { allocBatch } from './support/store-batch.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A FlakyStore whose probe answers `probeAnswer` (once), and which lets the test report trouble. */
class SharedStore extends FlakyStore {
  probeAnswer: 'reload' | undefined = undefined;
  probes = 0;
  trouble: (() => void) | null = null;

  async probe(): Promise<'reload' | undefined> {
    this.probes++;
    const answer = this.probeAnswer;
    this.probeAnswer = undefined;
    return answer;
  }

  watch(trouble: () => void): void {
    this.trouble = trouble;
  }
}

async function open() {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-reload-'));
  dirs.push(dir);
  const store = new SharedStore(SqliteStore.open({ dataDir: dir }));
  const engine = await Engine.open({
    store,
    adminToken: 'admin-token-for-tests',
    capacity: 1000,
    log: { info: () => {}, warn: () => {}, error: () => {}, fatal: () => {} },
    storeRetry: { initialMs: 10, maxMs: 80 },
    onFatal: () => {},
  });
  return { engine, store };
}

describe('a store shared with another writer', () => {
  it('is reloaded before the probe commit when its probe asks for it, so what another writer committed is kept and published', async () => {
    const { engine, store } = await open();
    const set = engine.createSet(ADMIN, 'vm', 10);
    await engine.durable();
    const seen: EventRecord[] = [];
    engine.events.subscribe((events) => seen.push(...events));
    store.fault = 'before';
    expect(() => engine.alloc(ADMIN, set.sid, 0, 99, null)).not.toThrow();
    await expect(engine.durable()).rejects.toMatchObject({ code: 'EAGAIN', reason: 'store-unavailable' });
    await until(() => engine.storeStatus().state === 'degraded');
    // Meanwhile another writer commits ID 42 in the set, continuing the stored sequence.
    const loaded = await store.inner.load();
    const seq = loaded.meta?.nextSeq ?? 1;
    await store.inner.commit(
      allocBatch(1000, set.sid, seq + 1, [42], {
        meta: { capacity: 1000, nextSeq: seq + 1, systemSid: loaded.meta?.systemSid ?? -1 },
      }),
    );
    store.probeAnswer = 'reload';
    store.fault = 'none';
    await until(() => engine.storeStatus().state === 'ready');
    expect(engine.listIds(ADMIN, set.sid)).toEqual([42]);
    expect(seen.map((e) => [e.seq, e.type, e.id])).toEqual([[seq, 'alloc', 42]]);
    const next = engine.alloc(ADMIN, set.sid, 0, 99, null);
    await engine.durable();
    expect(seen.map((e) => e.seq)).toEqual([seq, seq + 1]);
    expect(next).toBe(0);
    await engine.close();
  });

  it('finds out with a commit of its own when the store reports trouble while nothing commits', async () => {
    const { engine, store } = await open();
    expect(engine.storeStatus().state).toBe('ready');
    const attempts = store.attempts.length;
    store.fault = 'before';
    store.trouble?.();
    await until(() => engine.storeStatus().state !== 'ready');
    expect(store.attempts.length).toBeGreaterThan(attempts);
    store.fault = 'none';
    await until(() => engine.storeStatus().state === 'ready');
    await engine.close();
  });
});
