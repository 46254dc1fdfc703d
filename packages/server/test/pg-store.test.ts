// The PostgreSQL store against a real server: the shared Store contract, plus what is specific to the
// database (migrations under concurrent opens, instances sharing it through write turns, settings, direct
// writes, errors).

import { hostname } from 'node:os';
import {
  type IdRow,
  idRowsOf,
  migratePg,
  PG_SCHEMA_VERSION,
  PgStore,
  type StoreBatch,
  StoreUnavailableError,
} from '@ioasid/server';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { describeStore } from './store.case.js';
import { databaseUrl, TEST_DATABASE_URL, useTestDatabases } from './support/pg.js';
import { storeBatch } from './support/store-batch.js';

const dbs = useTestDatabases();

const batch = (overrides: Partial<StoreBatch> = {}): StoreBatch => storeBatch(1 << 20, overrides);

describeStore(
  'PostgreSQL',
  () => dbs.create(),
  (url) => PgStore.open({ url }),
);

describe('PostgreSQL store database', () => {
  it('migrates exactly once when three servers open a new database at the same time', async () => {
    const url = await dbs.create();
    const clients = await Promise.all(
      [0, 1, 2].map(async () => {
        const client = new pg.Client({ connectionString: url });
        client.on('error', () => {});
        await client.connect();
        return client;
      }),
    );
    const applied = await Promise.all(clients.map((client) => migratePg(client))).finally(() =>
      Promise.all(clients.map((client) => client.end())),
    );
    const versions = Array.from({ length: PG_SCHEMA_VERSION }, (_, i) => i + 1);
    expect(applied.flat()).toEqual(versions);
    expect(applied.filter((versions) => versions.length > 0)).toHaveLength(1);
    const rows = await dbs.sql(url, 'SELECT version FROM schema_migrations ORDER BY version');
    expect(rows).toEqual(versions.map((version) => ({ version })));
  });

  it('lets three concurrent opens share the database, each with a row of its own until it closes', async () => {
    const url = await dbs.create();
    const stores = await Promise.all([0, 1, 2].map(() => PgStore.open({ url })));
    const names = stores.map((store) => store.instanceName);
    expect(new Set(names).size).toBe(3);
    for (const name of names) expect(name).toMatch(new RegExp(`^${hostname()}:${process.pid}:[0-9a-f]{6}$`));
    expect(await dbs.sql(url, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([
      { n: PG_SCHEMA_VERSION },
    ]);
    expect(await stores[0].instances()).toHaveLength(3);
    await stores[2].close();
    expect(await stores[0].instances()).toHaveLength(2);
    await Promise.all(stores.slice(0, 2).map((store) => store.close()));
  });

  it('serialises write turns: the second waits for the first and finds its commit in the log', async () => {
    const url = await dbs.create();
    const [a, b] = await Promise.all([PgStore.open({ url }), PgStore.open({ url })]);
    await a.load();
    await b.load();
    const heard: number[] = [];
    b.shared.onCommitted((version) => heard.push(version));
    const turnA = await a.shared.begin();
    expect(turnA.commits).toEqual([]);
    let bStarted = false;
    const turnB = b.shared.begin().then((turn) => {
      bStarted = true;
      return turn;
    });
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(bStarted).toBe(false); // A holds the namespace's lock
    await turnA.commit(batch({ meta: { capacity: 8, nextSeq: 2, systemSid: -1 }, events: [ev(1)] }), [
      ['cap', 8],
    ]);
    const second = await turnB;
    expect(second.commits).toEqual([{ version: 1, nextSeq: 2, ops: [['cap', 8]] }]);
    expect(second.lockWaitMs).toBeGreaterThan(100);
    await second.release();
    await expect.poll(() => heard).toContain(1);
    expect(a.shared.version).toBe(1);
    expect(b.shared.version).toBe(0); // until the engine absorbs what it replayed
    expect(await b.shared.readCommits()).toHaveLength(1);
    await a.close();
    await b.close();
  });

  it('ends the turn lock of an instance whose session dies, so the others go on', async () => {
    const url = await dbs.create();
    const [a, b] = await Promise.all([PgStore.open({ url }), PgStore.open({ url })]);
    await a.load();
    await b.load();
    const held = await a.shared.begin(); // the instance "dies" holding the lock
    const [{ pid }] = await dbs.sql(
      url,
      "SELECT pid FROM pg_stat_activity WHERE application_name = 'ioasid' AND state = 'idle in transaction' AND datname = current_database()",
    );
    const turnB = b.shared.begin();
    await new Promise((resolve) => setTimeout(resolve, 100));
    await dbs.sql(url, `SELECT pg_terminate_backend(${Number(pid)})`);
    const turn = await turnB;
    expect(turn.commits).toEqual([]);
    await turn.release();
    await held.release(); // its connection is gone: ending the turn only frees the store's queue
    await a.close();
    await b.close();
  });

  it('says when the log no longer holds what an instance must replay, and expires leases by its clock', async () => {
    const url = await dbs.create();
    const [a, b] = await Promise.all([PgStore.open({ url }), PgStore.open({ url })]);
    await a.load();
    await b.load();
    const turn = await a.shared.begin();
    await turn.commit(
      batch({
        leases: {
          upsert: [
            { lease: 'short', sid: null, ttlMs: 1 },
            { lease: 'long', sid: null, ttlMs: 60_000 },
          ],
          remove: [],
        },
      }),
      [['lease', -1, 1, 'short']],
    );
    await new Promise((resolve) => setTimeout(resolve, 50));
    const next = await a.shared.begin();
    expect(next.expired).toEqual(['short']);
    expect(next.nextExpiryMs).toBeGreaterThan(50_000);
    expect(next.nextExpiryMs).toBeLessThanOrEqual(60_000);
    await next.release();
    await dbs.sql(url, 'DELETE FROM commits');
    expect(await b.shared.readCommits()).toBe('gap');
    await a.close();
    await b.close();
  });

  it('refuses a commit that does not continue the stored sequence (something else wrote)', async () => {
    const url = await dbs.create();
    const store = await PgStore.open({ url });
    await store.load();
    await store.commit(batch({ meta: { capacity: 8, nextSeq: 2, systemSid: -1 }, events: [ev(1)] }));
    await dbs.sql(url, 'UPDATE meta SET next_seq = 10');
    await expect(
      store.commit(batch({ meta: { capacity: 8, nextSeq: 3, systemSid: -1 }, events: [ev(2)] })),
    ).rejects.toThrow(/no longer continues at event 2: something else wrote to it/);
    expect(await dbs.sql(url, 'SELECT seq::int FROM events ORDER BY seq')).toEqual([{ seq: 1 }]);
    await store.close();
  });

  it('inserts new IDs and updates stored ones, also an ID removed and written again in one batch', async () => {
    const url = await dbs.create();
    let store = await PgStore.open({ url });
    await store.load();
    const row = (id: number, refs: number): IdRow => ({ id, sid: 1, refs, freePending: false, spid: null });
    await store.commit(batch({ ids: { upsert: [row(1, 1), row(2, 1)], remove: [] } }));
    await store.commit(batch({ ids: { upsert: [row(2, 5), row(3, 1)], remove: [1] } }));
    await store.commit(batch({ ids: { upsert: [row(2, 6)], remove: [2] } }));
    await store.close();
    store = await PgStore.open({ url });
    expect(idRowsOf((await store.load()).ids)).toEqual([row(2, 6), row(3, 1)]);
    await store.commit(batch({ ids: { upsert: [row(3, 2), row(4, 1)], remove: [] } }));
    expect(await dbs.sql(url, 'SELECT id::int, refs FROM ids ORDER BY id')).toEqual([
      { id: 2, refs: 6 },
      { id: 3, refs: 2 },
      { id: 4, refs: 1 },
    ]);
    await store.close();
  });

  it('fails a batch, writing nothing, when a row it updates or inserts was changed behind its back', async () => {
    const url = await dbs.create();
    const store = await PgStore.open({ url });
    await store.load();
    const row = (id: number, refs: number): IdRow => ({ id, sid: 1, refs, freePending: false, spid: null });
    await store.commit(batch({ ids: { upsert: [row(1, 1)], remove: [] } }));
    await dbs.sql(url, 'DELETE FROM ids WHERE id = 1');
    await expect(
      store.commit(batch({ ids: { upsert: [row(1, 2), row(5, 1)], remove: [] } })),
    ).rejects.toThrow(/1 of 1 IDs to update have no row .*something else wrote to it; nothing was written/);
    await dbs.sql(url, 'INSERT INTO ids (id, sid, refs, free_pending) VALUES (7, 2, 1, false)');
    await expect(store.commit(batch({ ids: { upsert: [row(7, 1)], remove: [] } }))).rejects.toThrow(
      /duplicate key value violates unique constraint "ids_pkey"/,
    );
    expect(await dbs.sql(url, 'SELECT id::int FROM ids ORDER BY id')).toEqual([{ id: 7 }]);
    await store.close();
  });

  it('refuses, by its primary key, an ID written directly into a second set', async () => {
    const url = await dbs.create();
    const store = await PgStore.open({ url });
    await store.load();
    await store.commit(
      batch({ ids: { upsert: [{ id: 5, sid: 1, refs: 1, freePending: false, spid: null }], remove: [] } }),
    );
    await store.close();
    await expect(
      dbs.sql(url, 'INSERT INTO ids (id, sid, refs, free_pending) VALUES (5, 2, 1, false)'),
    ).rejects.toThrow(/duplicate key value violates unique constraint "ids_pkey"/);
    const reopened = await PgStore.open({ url });
    expect(idRowsOf((await reopened.load()).ids)).toEqual([
      { id: 5, sid: 1, refs: 1, freePending: false, spid: null },
    ]);
    await reopened.close();
  });

  it('reloads 70,000 IDs written in batches of 1,024, across packed rows, exactly', async () => {
    const url = await dbs.create();
    let store = await PgStore.open({ url });
    await store.load();
    const rows: IdRow[] = Array.from({ length: 70_000 }, (_, i) => ({
      id: i * 3 + (i % 2),
      sid: i % 17,
      refs: 1 + (i % 5),
      freePending: i % 11 === 0,
      spid: i % 4 === 0 ? null : 0xfffffffe - i,
    }));
    for (let at = 0; at < rows.length; at += 1024) {
      await store.commit(batch({ ids: { upsert: rows.slice(at, at + 1024), remove: [] } }));
    }
    await store.close();
    store = await PgStore.open({ url });
    expect(idRowsOf((await store.load()).ids)).toEqual(rows);
    await store.close();
  });

  it('keeps the event retention of the first opener and reports a different requested one', async () => {
    const url = await dbs.create();
    const first = await PgStore.open({ url, eventRetention: 500 });
    expect(first.settings).toEqual({ eventRetention: 500, requestedRetention: null });
    await first.close();
    const second = await PgStore.open({ url, eventRetention: 900 });
    expect(second.settings).toEqual({ eventRetention: 500, requestedRetention: 900 });
    await second.close();
  });

  it('refuses a database whose schema is newer than this server knows, changing nothing', async () => {
    const url = await dbs.create();
    await (await PgStore.open({ url })).close();
    await dbs.sql(url, "INSERT INTO schema_migrations (version, description) VALUES (99, 'future')");
    await expect(PgStore.open({ url })).rejects.toThrow(
      `the database has schema version 99, this server knows up to ${PG_SCHEMA_VERSION}`,
    );
  });

  it('refuses a commit before load, since it would not know the stored sequence', async () => {
    const store = await PgStore.open({ url: await dbs.create() });
    await expect(store.commit(batch())).rejects.toThrow(/before load\(\)/);
    await store.close();
  });

  it('explains an unreachable server and a missing database, without the password', async () => {
    const refused = await PgStore.open({ url: 'postgres://u:hunter2@127.0.0.1:1/x' }).catch(
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as Error).message).toMatch(
      /cannot connect to PostgreSQL at postgres:\/\/u:\[Redacted\]@127\.0\.0\.1:1\/x: .*ECONNREFUSED.*is PostgreSQL running/,
    );
    expect((refused as Error).message).not.toContain('hunter2');
    const missing = await PgStore.open({ url: databaseUrl(TEST_DATABASE_URL, 'ioasid_test_missing') }).catch(
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(StoreUnavailableError);
    expect((missing as Error).message).toMatch(/does not exist.*createdb ioasid_test_missing/);
    await expect(PgStore.open({ url: 'mysql://x@y/z' })).rejects.toThrow(
      /--database-url must look like postgres:\/\//,
    );
  });
});

function ev(seq: number) {
  return { seq, type: 'alloc', id: seq, sid: 0, spid: null, data: null };
}
