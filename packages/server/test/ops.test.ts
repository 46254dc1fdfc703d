// Operations: liveness and readiness, Prometheus metrics that follow the state, the OpenAPI document and
// browsable docs generated from the route schemas, and the admin token file of a first start.

import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SqliteStore, type Store, startServer } from '@ioasid/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Loose } from './support/client.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ capacity: 5000 });
});
afterAll(() => t.stop());

const text = async (path: string) => {
  const res = await fetch(t.url + path);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: await res.text() };
};

describe('health', () => {
  it('answers /healthz and /readyz without a credential', async () => {
    expect(await text('/healthz')).toMatchObject({ status: 200, body: '{"status":"ok"}' });
    expect(await text('/readyz')).toMatchObject({ status: 200, body: '{"status":"ready"}' });
  });
});

describe('readiness after a failed commit', () => {
  it('answers 503 EAGAIN to the unwritten change and to /readyz with the cause while the store fails, and 200 again once it recovers', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ioasid-ops-'));
    const inner = SqliteStore.open({ dataDir: dir });
    let fail = false;
    const store: Store = {
      load: () => inner.load(),
      commit: (batch) => (fail ? Promise.reject(new Error('I/O error (simulated)')) : inner.commit(batch)),
      readEvents: (after, limit) => inner.readEvents(after, limit),
      close: () => inner.close(),
    };
    const fatal: unknown[] = [];
    const own = await startServer({
      dataDir: dir,
      port: 0,
      logger: false,
      adminToken: ADMIN_TOKEN,
      store,
      storeRetry: { initialMs: 10, maxMs: 20 },
      onFatal: (e) => fatal.push(e),
    });
    try {
      const admin = client(own.url, ADMIN_TOKEN);
      expect((await fetch(`${own.url}/readyz`)).status).toBe(200);
      fail = true;
      // The mutation is not on disk: its answer is 503 EAGAIN, never a success.
      const lost = await admin.post('/v1/sets', { owner: 'lost', quota: 1 });
      expect([lost.status, lost.body.error.code, lost.body.error.reason]).toEqual([
        503,
        'EAGAIN',
        'store-unavailable',
      ]);
      expect(lost.body.error.values.cause).toMatch(/I\/O error \(simulated\)/);
      const ready = await fetch(`${own.url}/readyz`);
      expect(ready.status).toBe(503);
      expect(((await ready.json()) as Loose).error).toMatchObject({
        code: 'EAGAIN',
        reason: 'store-unavailable',
        values: { cause: expect.stringMatching(/I\/O error/) },
      });
      expect((await admin.get('/v1/sets')).body.sets).toEqual([]);
      // Refused up front, before memory: counted, and the metrics name the cause.
      expect((await admin.post('/v1/sets', { owner: 'refused', quota: 1 })).status).toBe(503);
      const metrics = await (await fetch(`${own.url}/metrics`)).text();
      expect(metrics).toMatch(/^ioasid_store_degraded\{cause="I\/O error \(simulated\)"\} 1$/m);
      expect(metrics).toMatch(/^ioasid_store_failures_total [1-9]/m);
      expect(metrics).toMatch(/^ioasid_store_refused_writes_total [1-9]/m);
      fail = false;
      let status = 503;
      for (let i = 0; i < 200 && status !== 200; i++) {
        await new Promise((resolve) => setTimeout(resolve, 10));
        status = (await fetch(`${own.url}/readyz`)).status;
      }
      expect(status).toBe(200);
      expect((await admin.post('/v1/sets', { owner: 'kept', quota: 1 })).status).toBe(201);
      expect(await (await fetch(`${own.url}/metrics`)).text()).toMatch(
        /^ioasid_store_degraded\{cause=""\} 0$/m,
      );
      expect(fatal).toEqual([]);
    } finally {
      await own.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('metrics', () => {
  it('reports capacity, per-set quota and usage, operations by result, and commit batches', async () => {
    const set = (await t.admin.post('/v1/sets', { owner: 'metered', quota: 40 })).body;
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 999, count: 3 });
    await t.admin.post('/v1/sets', { owner: 'metered', quota: 1 });
    const m = await text('/metrics');
    expect(m.status).toBe(200);
    expect(m.type).toMatch(/text\/plain/);
    const value = (line: string) => {
      const found = m.body.split('\n').find((l) => l.startsWith(`${line} `));
      return found === undefined ? undefined : Number(found.slice(line.length + 1));
    };
    expect(value('ioasid_capacity')).toBe(5000);
    expect(value('ioasid_available')).toBe(5000 - 40);
    expect(value(`ioasid_set_quota{sid="${set.sid}"}`)).toBe(40);
    expect(value(`ioasid_set_count{sid="${set.sid}"}`)).toBe(3);
    expect(value('ioasid_ids_allocated')).toBe(3);
    expect(value('ioasid_operations_total{op="alloc",result="ok"}')).toBe(1);
    expect(value('ioasid_operations_total{op="set.create",result="EEXIST"}')).toBe(1);
    expect(value('ioasid_operation_duration_seconds_count{op="alloc"}')).toBe(1);
    expect(value('ioasid_commit_batch_requests_count')).toBeGreaterThan(0);
    expect(value('ioasid_commit_duration_seconds_count')).toBeGreaterThan(0);
    expect(value('ioasid_event_seq')).toBe(3);
    // The test server's store is a real SQLite file: its WAL holds the commits above.
    expect(value('ioasid_store_log_bytes')).toBeGreaterThan(0);
    expect(value('ioasid_store_checkpoint_failures_total')).toBe(0);
    expect(m.body).toContain('process_cpu_user_seconds_total');
  });
});

describe('OpenAPI', () => {
  it('documents every route of the API with its strict schemas', async () => {
    const doc = JSON.parse((await text('/openapi.json')).body);
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths).sort()).toEqual(
      [
        '/healthz',
        '/metrics',
        '/readyz',
        '/v1/capacity',
        '/v1/events',
        '/v1/history',
        '/v1/instances',
        '/v1/ioasids/{id}',
        '/v1/ioasids/{id}/data',
        '/v1/ioasids/{id}/notify',
        '/v1/ioasids/{id}/refs',
        '/v1/ioasids/{id}/spid',
        '/v1/leases',
        '/v1/leases/{lease}',
        '/v1/leases/{lease}/keepalive',
        '/v1/map',
        '/v1/sets',
        '/v1/sets/system',
        '/v1/sets/{sid}',
        '/v1/sets/{sid}/events',
        '/v1/sets/{sid}/ioasid-details',
        '/v1/sets/{sid}/ioasids',
        '/v1/sets/{sid}/spids/{spid}',
      ].sort(),
    );
    const create = doc.paths['/v1/sets'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body).toMatchObject({ type: 'object', additionalProperties: false, required: ['owner', 'quota'] });
    expect(create.responses['201']).toBeDefined();
    expect(create.security).toEqual([{ bearer: [] }]);
    expect(doc.components.securitySchemes.bearer).toMatchObject({ type: 'http', scheme: 'bearer' });
    const params = doc.paths['/v1/sets/{sid}'].get.parameters;
    expect(params).toContainEqual(
      expect.objectContaining({
        name: 'sid',
        in: 'path',
        schema: expect.objectContaining({ type: 'integer' }),
      }),
    );
  });

  it('serves browsable docs at /docs', async () => {
    const res = await fetch(`${t.url}/docs`, { redirect: 'follow' });
    expect(res.status).toBe(200);
    expect(await res.text()).toMatch(/swagger/i);
  });
});

describe('first start', () => {
  it('creates the admin token file with mode 0600 and reuses it on the next start', async () => {
    const own = await startTestServer({ adminToken: undefined });
    try {
      const path = join(own.dataDir, 'admin.token');
      expect(own.server.admin).toMatchObject({ path, created: true, warning: null });
      expect(statSync(path).mode & 0o777).toBe(0o600);
      const token = own.server.admin.token;
      expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect((await own.as(token).get('/v1/capacity')).status).toBe(200);
      await own.restart({ adminToken: undefined });
      expect(own.server.admin).toMatchObject({ path, created: false, token });
    } finally {
      await own.stop();
    }
  });

  it('refuses a second server on the same data directory', async () => {
    await expect(
      startServer({
        dataDir: t.dataDir,
        port: 0,
        logger: false,
        adminToken: 'another-admin-token-123',
        onFatal() {},
      }),
    ).rejects.toThrow(/locked by another process/);
  });

  it('refuses a malformed admin token', async () => {
    await expect(startTestServer({ adminToken: 'short' })).rejects.toThrow(/16 to 256 characters/);
  });
});
