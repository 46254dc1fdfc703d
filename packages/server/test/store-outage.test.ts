// When the store fails, the engine stays up: it returns to the committed state, refuses writes up front,
// serves reads, postpones lease expiry, probes with backoff and becomes ready again by itself.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN,
  Engine,
  type EngineLog,
  type EngineOptions,
  type EventRecord,
  SqliteStore,
} from '@ioasid/server';
import { afterAll, describe, expect, it } from 'vitest';
import { FlakyStore, isProbe, until } from './support/flaky-store.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A log that keeps its lines. */
function recordingLog() {
  const lines: { level: string; fields: object; message: string }[] = [];
  const at =
    (level: string) =>
    (fields: object, message: string): void => {
      lines.push({ level, fields, message });
    };
  const log: EngineLog = { info: at('info'), warn: at('warn'), error: at('error'), fatal: at('fatal') };
  return { log, lines };
}

async function open(options: Partial<EngineOptions> = {}, prepare?: (store: FlakyStore) => void) {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-outage-'));
  dirs.push(dir);
  const store = new FlakyStore(SqliteStore.open({ dataDir: dir }));
  prepare?.(store);
  const fatal: unknown[] = [];
  const { log, lines } = recordingLog();
  const engine = await Engine.open({
    store,
    adminToken: 'admin-token-for-tests',
    capacity: 1000,
    log,
    storeRetry: { initialMs: 10, maxMs: 80 },
    onFatal: (error) => fatal.push(error),
    ...options,
  });
  return { engine, store, fatal, lines, dir };
}

const UNAVAILABLE = { code: 'EAGAIN', reason: 'store-unavailable' };

describe('a failed commit', () => {
  it('takes its changes back and refuses writes up front, changing nothing, while reads show the committed state', async () => {
    const { engine, store, fatal } = await open();
    const set = engine.createSet(ADMIN, 'vm', 10);
    const kept = engine.alloc(ADMIN, set.sid, 0, 99, { kept: true });
    await engine.durable();
    store.fault = 'before';
    const lost = engine.alloc(ADMIN, set.sid, 0, 99, null);
    await expect(engine.durable()).rejects.toMatchObject({
      ...UNAVAILABLE,
      values: { cause: expect.stringMatching(/^an I\/O error on .*SQLITE_IOERR_WRITE/) },
    });
    await until(() => engine.storeStatus().state === 'degraded');
    expect(engine.listIds(ADMIN, set.sid)).toEqual([kept]);
    expect(() => engine.describeId(ADMIN, lost)).toThrow(/not allocated/);
    expect(engine.describeId(ADMIN, kept).data).toEqual({ kept: true });

    const attempts = store.attempts.length;
    const seq = engine.events.committedSeq;
    expect(() => engine.alloc(ADMIN, set.sid, 0, 99, null)).toThrow(
      expect.objectContaining({ ...UNAVAILABLE, message: expect.stringMatching(/writes are refused/) }),
    );
    expect(() => engine.free(ADMIN, kept)).toThrow(expect.objectContaining(UNAVAILABLE));
    expect(() => engine.createSet(ADMIN, 'other', 1)).toThrow(expect.objectContaining(UNAVAILABLE));
    // Refused before memory: nothing to commit, nothing new in the state, reads still answer at once.
    await engine.durable();
    expect(engine.listIds(ADMIN, set.sid)).toEqual([kept]);
    expect(engine.listSets(ADMIN).map((s) => s.owner)).toEqual(['vm']);
    expect(store.attempts.slice(attempts).every((a) => isProbe(a.batch))).toBe(true);
    expect(engine.events.committedSeq).toBe(seq);
    expect(engine.storeStatus()).toMatchObject({ state: 'degraded', failures: 1, refusedWrites: 3 });
    expect(fatal).toEqual([]);
    await engine.close();
  });

  it('probes with exponential backoff up to the maximum, then is ready again by itself', async () => {
    const { engine, store, lines } = await open({ storeRetry: { initialMs: 20, maxMs: 80 } });
    const set = engine.createSet(ADMIN, 'vm', 10);
    await engine.durable();
    store.fault = 'before';
    engine.alloc(ADMIN, set.sid, 0, 99, null);
    await expect(engine.durable()).rejects.toMatchObject(UNAVAILABLE);
    const failedAt = store.attempts.length;
    await until(() => store.attempts.length >= failedAt + 6);
    const probes = store.attempts.slice(failedAt - 1).map((a) => a.at);
    const gaps = probes.slice(1).map((at, i) => at - probes[i]);
    // After the reload: 20, 40, 80, 80, 80 ms (timers fire late, never early; without the cap the last
    // two would be 160 and 320).
    expect(gaps[1]).toBeGreaterThanOrEqual(39);
    expect(gaps[2]).toBeGreaterThanOrEqual(79);
    expect(gaps[3]).toBeGreaterThanOrEqual(79);
    expect(gaps[4]).toBeGreaterThanOrEqual(79);
    expect(gaps[4]).toBeLessThan(250);
    expect(store.attempts.slice(failedAt).every((a) => isProbe(a.batch))).toBe(true);
    expect(engine.storeStatus().state).toBe('degraded');

    store.fault = 'none';
    await until(() => engine.storeStatus().state === 'ready');
    expect(engine.storeStatus()).toMatchObject({ cause: null, since: null });
    const id = engine.alloc(ADMIN, set.sid, 0, 99, null);
    await engine.durable();
    expect(engine.listIds(ADMIN, set.sid)).toEqual([id]);
    const said = lines.filter((l) => l.level !== 'info' || /store/.test(l.message));
    expect(said.map((l) => l.level)).toEqual(['error', 'info']);
    expect(said[0].message).toMatch(/store unavailable: a commit failed \(an I\/O error on /);
    expect(said[1].message).toMatch(/store recovered after [\d.]+ s .* 0 writes were refused/);
    await engine.close();
  });

  it('reminds in the log at most once per reminder interval while the store stays unavailable', async () => {
    const { engine, store, lines } = await open({ storeRetry: { initialMs: 5, maxMs: 5, reminderMs: 100 } });
    const set = engine.createSet(ADMIN, 'vm', 10);
    await engine.durable();
    store.fault = 'before';
    engine.alloc(ADMIN, set.sid, 0, 99, null);
    await expect(engine.durable()).rejects.toMatchObject(UNAVAILABLE);
    const started = performance.now();
    await new Promise((resolve) => setTimeout(resolve, 350));
    const elapsed = performance.now() - started;
    const reminders = lines.filter((l) => l.level === 'warn' && /still unavailable/.test(l.message));
    expect(store.attempts.length).toBeGreaterThan(20);
    expect(reminders.length).toBeGreaterThanOrEqual(2);
    expect(reminders.length).toBeLessThanOrEqual(Math.floor(elapsed / 100) + 1);
    await engine.close();
  });
});

describe('the return to the committed state', () => {
  it('refuses reads until the reload is done, so no answer shows the failed batch', async () => {
    const { engine, store } = await open();
    const set = engine.createSet(ADMIN, 'vm', 10);
    const kept = engine.alloc(ADMIN, set.sid, 0, 99, null);
    await engine.durable();
    store.fault = 'before';
    store.holdLoads();
    const lost = engine.alloc(ADMIN, set.sid, 0, 99, null);
    // A read applied while the batch was on its way waits for it, and fails with it.
    const read = engine.durable().then(() => engine.listIds(ADMIN, set.sid));
    await expect(read).rejects.toMatchObject(UNAVAILABLE);
    await until(() => store.loads === 2);
    expect(engine.storeStatus().state).toBe('restoring');
    expect(() => engine.listIds(ADMIN, set.sid)).toThrow(
      expect.objectContaining({ ...UNAVAILABLE, message: expect.stringMatching(/returning to the state/) }),
    );
    expect(() => engine.describeId(ADMIN, lost)).toThrow(expect.objectContaining(UNAVAILABLE));
    expect(() => engine.capacity()).toThrow(expect.objectContaining(UNAVAILABLE));
    store.release();
    await until(() => engine.storeStatus().state !== 'restoring');
    expect(engine.listIds(ADMIN, set.sid)).toEqual([kept]);
    await engine.close();
  });

  it('retries a failing reload with backoff, refusing reads meanwhile', async () => {
    const { engine, store } = await open();
    const set = engine.createSet(ADMIN, 'vm', 10);
    await engine.durable();
    store.fault = 'before';
    store.failLoad = true;
    engine.alloc(ADMIN, set.sid, 0, 99, null);
    await expect(engine.durable()).rejects.toMatchObject(UNAVAILABLE);
    await until(() => store.loads >= 4);
    expect(engine.storeStatus()).toMatchObject({
      state: 'restoring',
      cause: expect.stringMatching(/while loading/),
    });
    expect(() => engine.listSets(ADMIN)).toThrow(expect.objectContaining(UNAVAILABLE));
    store.failLoad = false;
    store.fault = 'none';
    await until(() => engine.storeStatus().state === 'ready');
    expect(engine.listIds(ADMIN, set.sid)).toEqual([]);
    await engine.close();
  });

  it('publishes the events of a commit that landed although it was reported failed, so streams miss nothing', async () => {
    const { engine, store } = await open();
    const set = engine.createSet(ADMIN, 'vm', 10);
    await engine.durable();
    const seen: EventRecord[] = [];
    engine.events.subscribe((events) => seen.push(...events));
    store.fault = 'after';
    const landed = engine.alloc(ADMIN, set.sid, 0, 99, { landed: true });
    await expect(engine.durable()).rejects.toMatchObject(UNAVAILABLE);
    store.fault = 'none';
    await until(() => engine.storeStatus().state === 'ready');
    expect(engine.listIds(ADMIN, set.sid)).toEqual([landed]);
    expect(seen.map((e) => [e.seq, e.type, e.id])).toEqual([[1, 'alloc', landed]]);
    const next = engine.alloc(ADMIN, set.sid, 0, 99, null);
    await engine.durable();
    expect(seen.map((e) => [e.seq, e.id])).toEqual([
      [1, landed],
      [2, next],
    ]);
    await engine.close();
  });

  it('keeps set secrets valid across the return when their set is committed, and drops those of taken-back sets', async () => {
    const { engine, store } = await open();
    const kept = engine.createSet(ADMIN, 'kept', 10);
    await engine.durable();
    const principal = engine.authenticate(kept.secret);
    expect(principal).not.toBeNull();
    store.fault = 'before';
    const lost = engine.createSet(ADMIN, 'lost', 10);
    await expect(engine.durable()).rejects.toMatchObject(UNAVAILABLE);
    await until(() => engine.storeStatus().state === 'degraded');
    expect(engine.isCurrent(principal as NonNullable<typeof principal>)).toBe(true);
    expect(engine.authenticate(lost.secret)).toBeNull();
    await engine.close();
  });

  it('stops with onFatal when the store reloaded after a failed commit is damaged', async () => {
    const { engine, store, fatal, lines } = await open({}, (s) => {
      s.tamper = (snapshot) => ({
        ...snapshot,
        leaseRefs: [{ lease: 'nobody', id: 1, count: 1 }],
      });
    });
    const set = engine.createSet(ADMIN, 'vm', 10);
    await engine.durable();
    store.fault = 'before';
    engine.alloc(ADMIN, set.sid, 0, 99, null);
    await expect(engine.durable()).rejects.toMatchObject(UNAVAILABLE);
    await until(() => fatal.length > 0);
    expect(String(fatal[0])).toMatch(/the store is damaged: references of unknown lease nobody/);
    expect(engine.stopped).toBe(true);
    expect(lines.some((l) => l.level === 'fatal')).toBe(true);
    await engine.close();
  });
});

describe('leases while the store is unavailable', () => {
  it('do not expire, and get their full TTL again once the store recovers', async () => {
    const { engine, store } = await open({ storeRetry: { initialMs: 300, maxMs: 300 } });
    const set = engine.createSet(ADMIN, 'vm', 10);
    const id = engine.alloc(ADMIN, set.sid, 0, 99, null);
    const lease = engine.createLease(ADMIN, 100);
    engine.takeRef(ADMIN, id, lease.lease);
    await engine.durable();
    store.fault = 'before';
    engine.alloc(ADMIN, set.sid, 0, 99, null);
    await expect(engine.durable()).rejects.toMatchObject(UNAVAILABLE);
    await new Promise((resolve) => setTimeout(resolve, 250));
    expect(engine.listLeases().map((l) => l.lease)).toEqual([lease.lease]);
    // Kept alive while degraded: allowed, it changes nothing stored.
    expect(engine.keepalive(ADMIN, lease.lease)).toEqual(lease);
    store.fault = 'none';
    await until(() => engine.storeStatus().state === 'ready');
    const recovered = performance.now();
    await until(() => engine.listLeases().length === 0, 2000);
    expect(performance.now() - recovered).toBeGreaterThanOrEqual(90);
    expect(engine.describeId(ADMIN, id).state).toBe('active');
    await engine.close();
  });
});

describe('a store that takes no writes at start', () => {
  it('starts degraded instead of ready, and installs the capacity once the store recovers', async () => {
    const { engine, store, fatal } = await open({}, (s) => {
      s.fault = 'before';
    });
    expect(engine.storeStatus()).toMatchObject({ state: 'degraded', failures: 1 });
    expect(engine.unavailable()).toMatchObject(UNAVAILABLE);
    expect(engine.capacity()).toEqual({ capacity: 0, available: 0 });
    expect(() => engine.createSet(ADMIN, 'vm', 1)).toThrow(expect.objectContaining(UNAVAILABLE));
    store.fault = 'none';
    await until(() => engine.storeStatus().state === 'ready');
    await engine.durable();
    expect(engine.capacity()).toEqual({ capacity: 1000, available: 1000 });
    expect(engine.unavailable()).toBeNull();
    expect(fatal).toEqual([]);
    await engine.close();
  });
});
