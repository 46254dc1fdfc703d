// The PostgreSQL store when its database goes away and comes back: the words for each failure, a new
// writer connection after the old one was ended, the listen connection reopened, a turn lock ended by
// the database after a partition, timeouts, a memory load.

import { describePgFailure, PgStore, type StoreBatch } from '@ioasid/server';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabases } from './support/pg.js';
import { allocBatch } from './support/store-batch.js';
import { startTcpProxy, type TcpProxy, throughProxy } from './support/tcp-proxy.js';

const dbs = useTestDatabases();
const proxies: TcpProxy[] = [];
afterAll(async () => {
  for (const proxy of proxies) await proxy.close();
});

const batch = (nextSeq: number, ids: number[] = [], overrides: Partial<StoreBatch> = {}): StoreBatch =>
  allocBatch(1 << 20, 1, nextSeq, ids, overrides);

const ofApp = (app: string) =>
  `SELECT pid FROM pg_stat_activity WHERE application_name = '${app}' AND datname = current_database()`;

describe('PostgreSQL store across an outage', () => {
  it('words each failure for an operator, naming the database without its password', () => {
    const where = 'postgres://u:[Redacted]@127.0.0.1:5432/db';
    const words = (code: string, message = 'x') =>
      describePgFailure(Object.assign(new Error(message), { code }), where);
    expect(words('ECONNREFUSED')).toBe(`PostgreSQL at ${where} does not answer (ECONNREFUSED)`);
    expect(words('ECONNRESET')).toBe(`PostgreSQL at ${where} does not answer (ECONNRESET)`);
    expect(words('57P01')).toMatch(/^PostgreSQL at .* is shutting down or restarting \(57P01\)$/);
    expect(words('57P03')).toMatch(/starting up or shutting down .*57P03/);
    expect(words('53100')).toBe(`the disk of the database server at ${where} is full (53100)`);
    expect(words('57014')).toMatch(/timed out \(57014 statement_timeout\)/);
    expect(words('55P03')).toMatch(/not granted in time \(55P03 lock_timeout\)/);
    expect(words('28P01')).toMatch(/refused the user or password \(28P01\)/);
    expect(words('25006')).toMatch(/is read-only \(25006/);
    expect(describePgFailure(new Error('Query read timeout'), where)).toMatch(/does not answer in time/);
    expect(describePgFailure(new Error('Connection terminated unexpectedly'), where)).toMatch(
      /does not answer \(the connection ended/,
    );
    // A connection error wrapped by the store's own connect (StoreUnavailableError's cause).
    const wrapped = new Error('cannot connect', {
      cause: Object.assign(new Error('refused'), { code: 'ECONNREFUSED' }),
    });
    expect(describePgFailure(wrapped, where)).toBe(`PostgreSQL at ${where} does not answer (ECONNREFUSED)`);
  });

  it('opens a new writer connection in probe() after the old one was ended, and commits on it', async () => {
    const url = await dbs.create();
    const store = await PgStore.open({ url });
    await store.load();
    await store.commit(batch(2, [1]));
    const [before] = await dbs.sql(url, ofApp('ioasid'));
    await dbs.sql(url, `SELECT pg_terminate_backend(${before.pid})`);
    await expect(store.probe()).resolves.toBeUndefined();
    const after = await dbs.sql(url, ofApp('ioasid'));
    expect(after).toHaveLength(1);
    expect(after[0].pid).not.toBe(before.pid);
    await store.commit(batch(3, [2]));
    expect(await dbs.sql(url, 'SELECT id FROM ids ORDER BY id')).toEqual([{ id: '1' }, { id: '2' }]);
    await store.close();
  });

  it('opens its listen connection again after its session was ended, and is told to catch up', async () => {
    const url = await dbs.create();
    const store = await PgStore.open({ url, heartbeatMs: 100 });
    await store.load();
    const heard: number[] = [];
    store.shared.onCommitted((version) => heard.push(version));
    const [before] = await dbs.sql(url, ofApp('ioasid-listen'));
    await dbs.sql(url, `SELECT pg_terminate_backend(${before.pid})`);
    // Notifications sent while it was away are gone: the store is told to read the log (version 0).
    await expect.poll(() => heard, { timeout: 5000 }).toContain(0);
    const after = await dbs.sql(url, ofApp('ioasid-listen'));
    expect(after).toHaveLength(1);
    expect(after[0].pid).not.toBe(before.pid);
    expect(await dbs.sql(url, 'SELECT name FROM instances')).toEqual([{ name: store.instanceName }]);
    await store.close();
  });

  it('fails a commit blocked by a session stuck holding a lock after lock_timeout, and the connection goes on', async () => {
    const url = await dbs.create();
    const store = await PgStore.open({ url, timeouts: { lockMs: 300 } });
    await store.load();
    await store.commit(batch(2, [1]));
    const pg = (await import('pg')).default;
    const stuck = new pg.Client({ connectionString: url });
    await stuck.connect();
    await stuck.query('BEGIN');
    await stuck.query('SELECT * FROM meta FOR UPDATE');
    const started = performance.now();
    const error = await store.commit(batch(3, [2])).catch((e: unknown) => e);
    expect(performance.now() - started).toBeLessThan(3000);
    expect(store.describeFailure(error)).toMatch(/55P03 lock_timeout/);
    await stuck.query('ROLLBACK');
    await stuck.end();
    await store.commit(batch(3, [2]));
    await store.close();
  });

  it('loads the last committed state from memory while the database does not answer, then reloads it', async () => {
    const url = await dbs.create();
    const proxy = await startTcpProxy(Number(new URL(url).port || 5432));
    proxies.push(proxy);
    const store = await PgStore.open({ url: throughProxy(url, proxy.port) });
    await store.load();
    await store.commit(batch(3, [1, 2]));
    await store.commit(batch(4, [3]));
    proxy.cut();
    const failed = await store.commit(batch(5, [4])).catch((e: unknown) => e);
    expect(failed).toBeInstanceOf(Error);
    expect(store.describeFailure(failed)).toMatch(
      /^PostgreSQL at postgres:\/\/.*127\.0\.0\.1:\d+\/.* does not answer/,
    );
    const remembered = await store.load();
    expect(Array.from(remembered.ids.id)).toEqual([1, 2, 3]);
    expect(remembered.meta?.nextSeq).toBe(4);
    const down = await store.probe().catch((e: unknown) => e);
    expect(store.describeFailure(down)).toMatch(/does not answer \(ECONNRESET|ECONNREFUSED/);
    proxy.restore();
    expect(await store.probe()).toBe('reload');
    const reloaded = await store.load();
    expect(Array.from(reloaded.ids.id)).toEqual([1, 2, 3]);
    await store.commit(batch(5, [4]));
    await store.close();
  });

  it('remembers exactly what the database holds: sets, IDs, data, leases and references across many batches', async () => {
    const url = await dbs.create();
    const proxy = await startTcpProxy(Number(new URL(url).port || 5432));
    proxies.push(proxy);
    const store = await PgStore.open({ url: throughProxy(url, proxy.port) });
    await store.load();
    const hash = new Uint8Array(32).fill(7);
    const none = { upsert: [], remove: [] };
    let seq = 1;
    const commit = (over: Partial<StoreBatch>, ids: number[] = []) => {
      const b = batch(seq + ids.length, ids, over);
      seq += ids.length;
      return store.commit(b);
    };
    const row = (id: number, sid: number, refs = 1, spid: number | null = null) => ({
      id,
      sid,
      refs,
      freePending: false,
      spid,
    });
    await commit({
      sets: {
        upsert: [1, 2, 3].map((sid) => ({ sid, owner: `o${sid}`, quota: 9, dying: false, secretHash: hash })),
        remove: [],
      },
    });
    await commit({ data: { upsert: [{ id: 1, json: '{"a":1}' }], remove: [] } }, [1, 2, 3, 4]);
    await commit({
      ids: { upsert: [row(2, 1, 2, 77), row(5, 2)], remove: [3] },
      leases: {
        upsert: [
          { lease: 'l1', sid: 1, ttlMs: 1000 },
          { lease: 'l2', sid: null, ttlMs: 5 },
        ],
        remove: [],
      },
      leaseRefs: {
        upsert: [
          { lease: 'l1', id: 2, count: 1 },
          { lease: 'l2', id: 5, count: 3 },
        ],
        remove: [],
      },
      data: {
        upsert: [
          { id: 1, json: '{"a":2}' },
          { id: 5, json: 'null' },
        ],
        remove: [],
      },
    });
    await commit({
      sets: { upsert: [{ sid: 2, owner: 'o2', quota: 9, dying: true, secretHash: hash }], remove: [3] },
      leases: { upsert: [], remove: ['l2'] },
      ids: { upsert: [row(3, 1)], remove: [4] },
      data: { upsert: [], remove: [5] },
      leaseRefs: none,
    });
    proxy.cut();
    const remembered = await store.load();
    proxy.restore();
    expect(await store.probe()).toBe('reload');
    const stored = await store.load();
    expect(remembered).toEqual(stored);
    expect(Array.from(stored.ids.id)).toEqual([1, 2, 3, 5]);
    expect(stored.leases.map((l) => l.lease)).toEqual(['l1']);
    await store.close();
  });

  it('ends the turn of an instance cut off while holding the lock after idle_in_transaction_session_timeout', async () => {
    const url = await dbs.create();
    const proxy = await startTcpProxy(Number(new URL(url).port || 5432));
    proxies.push(proxy);
    const cutOff = await PgStore.open({
      url: throughProxy(url, proxy.port),
      timeouts: { idleInTransactionMs: 1000, queryMs: 3000 },
    });
    const other = await PgStore.open({ url });
    await cutOff.load();
    await other.load();
    const held = await cutOff.shared.begin();
    const [stuck] = await dbs.sql(url, `${ofApp('ioasid')} AND state = 'idle in transaction'`);
    // A partition: PostgreSQL keeps the session (idle in its transaction, holding the lock) until its
    // idle_in_transaction_session_timeout ends it; the other instance's turn then goes on.
    proxy.cut(true);
    const turn = await other.shared.begin();
    expect(await dbs.sql(url, `SELECT pid FROM pg_stat_activity WHERE pid = ${stuck.pid}`)).toEqual([]);
    await turn.commit(batch(2, [1]), [['alloc', -1, 1, 1, 1, null]]);
    await held.release();
    proxy.restore();
    expect(await cutOff.probe()).toBeUndefined();
    const next = await cutOff.shared.begin();
    expect(next.commits).toEqual([{ version: 1, nextSeq: 2, ops: [['alloc', -1, 1, 1, 1, null]] }]);
    await next.release();
    await cutOff.close();
    await other.close();
  });
});
