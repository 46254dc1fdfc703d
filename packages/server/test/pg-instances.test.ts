// The instances of a namespace on PostgreSQL: the heartbeat (last_seen_at and seq on the instance's row,
// migration 2), GET /v1/instances listing those at most 15 s old by the database's clock, and a failing
// heartbeat taking the store-trouble path instead of crashing.

import { hostname } from 'node:os';
import { PgStore } from '@ioasid/server';
import { afterAll, describe, expect, it } from 'vitest';
import { useTestDatabases } from './support/pg.js';
import { startTestServer, type TestServer } from './support/server.js';
import { allocBatch } from './support/store-batch.js';

const dbs = useTestDatabases();
const servers: TestServer[] = [];
afterAll(async () => {
  for (const server of servers) await server.stop();
});

/** A store whose heartbeat never runs on its own during the test (an hour apart). */
const quietStore = (url: string) => PgStore.open({ url, heartbeatMs: 3_600_000 });

describe('PostgreSQL instances', () => {
  it('lists the instances whose heartbeat is at most 15 s old by the database clock', async () => {
    const url = await dbs.create();
    const store = await quietStore(url);
    try {
      await store.load();
      const [self] = await store.instances();
      expect(self).toMatchObject({ pid: process.pid, host: hostname(), seq: 0 });
      expect(self.lastSeenAt.getTime()).toBeGreaterThanOrEqual(self.startedAt.getTime());
      await dbs.sql(
        url,
        "INSERT INTO instances (name, pid, host, last_seen_at, seq) VALUES ('other', 4242, 'host-b', now(), 7)",
      );
      expect((await store.instances()).map((i) => [i.host, i.pid, i.seq])).toEqual([
        ['host-b', 4242, 7],
        [hostname(), process.pid, 0],
      ]);
      await dbs.sql(
        url,
        "UPDATE instances SET last_seen_at = now() - interval '16 seconds' WHERE name = 'other'",
      );
      expect((await store.instances()).map((i) => i.host)).toEqual([hostname()]);
      await dbs.sql(
        url,
        "UPDATE instances SET last_seen_at = now() - interval '14 seconds' WHERE name = 'other'",
      );
      expect((await store.instances()).map((i) => i.host)).toEqual(['host-b', hostname()]);
    } finally {
      await store.close();
    }
  });

  it('beats every interval with the sequence number it committed, and stops at close', async () => {
    const url = await dbs.create();
    const store = await PgStore.open({ url, heartbeatMs: 50 });
    await store.load();
    await store.commit(allocBatch(1 << 20, 1, 3, [5, 6]));
    const seen = async () =>
      (await dbs.sql(url, 'SELECT seq, last_seen_at FROM instances'))[0] as {
        seq: string;
        last_seen_at: Date;
      };
    await expect.poll(async () => Number((await seen()).seq)).toBe(2);
    const first = (await seen()).last_seen_at.getTime();
    await expect.poll(async () => (await seen()).last_seen_at.getTime()).toBeGreaterThan(first);
    await store.close();
    expect(await dbs.sql(url, 'SELECT * FROM instances')).toEqual([]);
  });

  it('hands a failed heartbeat to the store-trouble path and goes on', async () => {
    const url = await dbs.create();
    const store = await PgStore.open({ url, heartbeatMs: 50 });
    let troubles = 0;
    store.watch(() => troubles++);
    try {
      await store.load();
      await dbs.sql(url, 'ALTER TABLE instances RENAME COLUMN seq TO seq_gone');
      await expect.poll(() => troubles).toBeGreaterThan(0);
      await dbs.sql(url, 'ALTER TABLE instances RENAME COLUMN seq_gone TO seq');
      await store.commit(allocBatch(1 << 20, 1, 2, [9]));
      await expect.poll(async () => Number((await dbs.sql(url, 'SELECT seq FROM instances'))[0].seq)).toBe(1);
    } finally {
      await store.close();
    }
  });

  it('answers GET /v1/instances with this server, named host:pid, once its heartbeat saw its commits', async () => {
    const url = await dbs.create();
    const t = await startTestServer({ databaseUrl: url, capacity: 1000 });
    servers.push(t);
    const set = (await t.admin.post('/v1/sets', { owner: 'vm', quota: 10 })).body;
    expect((await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 9, count: 3 })).status).toBe(
      201,
    );
    const committed = t.server.engine.events.committedSeq;
    expect(committed).toBe(3);
    await expect
      .poll(async () => (await t.admin.get('/v1/instances')).body, { timeout: 15_000 })
      .toEqual({
        instances: [
          {
            name: `${hostname()}:${process.pid}`,
            startedAt: expect.any(String),
            lastSeenAt: expect.any(String),
            seq: committed,
          },
        ],
      });
    expect((await t.as(set.secret).get('/v1/instances')).status).toBe(403);
  });
});
