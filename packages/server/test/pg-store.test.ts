// The PostgreSQL store against a real server: the shared Store contract, plus what is specific to the
// database (migrations under concurrent opens, the instance lock, settings, direct writes, errors).

import { hostname } from 'node:os';
import {
  DatabaseInUseError,
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

  it('lets one of three concurrent opens serve the database and refuses the others, naming it', async () => {
    const url = await dbs.create();
    const results = await Promise.allSettled([0, 1, 2].map(() => PgStore.open({ url })));
    const opened = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(opened).toHaveLength(1);
    expect(refused).toHaveLength(2);
    for (const r of refused) {
      expect(r.reason).toBeInstanceOf(DatabaseInUseError);
      expect(r.reason.message).toMatch(/another ioasid instance .*serves the database/);
    }
    expect(await dbs.sql(url, 'SELECT count(*)::int AS n FROM schema_migrations')).toEqual([
      { n: PG_SCHEMA_VERSION },
    ]);
    await (opened[0] as PromiseFulfilledResult<PgStore>).value.close();
  });

  it('refuses a second instance with the pid and host of the first, and admits one after close', async () => {
    const url = await dbs.create();
    const first = await PgStore.open({ url });
    await first.load();
    const refusal = await PgStore.open({ url }).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(DatabaseInUseError);
    expect((refusal as Error).message).toContain(`pid ${process.pid} on ${hostname()}`);
    expect((refusal as Error).message).toMatch(/several instances on one database come with/);
    await first.close();
    const second = await PgStore.open({ url });
    expect((await second.load()).meta).toBeNull();
    await second.close();
  });

  it('frees the database when the first instance session dies, and that instance then commits nothing', async () => {
    const url = await dbs.create();
    const lost: string[] = [];
    const first = await PgStore.open({ url, onLockLost: (message) => lost.push(message) });
    await first.load();
    // What PostgreSQL does when the process holding the lock dies: the session ends, the lock with it.
    await dbs.sql(
      url,
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'ioasid-lock' AND datname = current_database()",
    );
    const second = await PgStore.open({ url });
    await second.load();
    await expect.poll(() => lost.length).toBeGreaterThan(0);
    await expect(first.commit(batch())).rejects.toThrow(/instance lock .* was lost.*nothing was written/);
    await second.close();
    await first.close();
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
