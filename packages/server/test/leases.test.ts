// Leases over real HTTP with the shortest TTL (1 s): an expired lease drops its references, releases
// the IDs whose last reference it held and says so in one lease-expired event; keepalive prevents that;
// leases survive a restart and get their full TTL again.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './support/server.js';
import { openStream } from './support/sse.js';

let t: TestServer;
let owners = 0;
beforeAll(async () => {
  t = await startTestServer({ capacity: 10_000 });
});
afterAll(() => t.stop());

async function newSet(quota = 100) {
  return (await t.admin.post('/v1/sets', { owner: `leases-${owners++}`, quota })).body as {
    sid: number;
    secret: string;
  };
}
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('lease expiry', () => {
  it('drops the references, releases freed IDs, keeps the others, and emits one lease-expired', async () => {
    const set = await newSet();
    const asSet = t.as(set.secret);
    const { ids } = (await asSet.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 9999, count: 3 })).body;
    const { lease } = (await asSet.post('/v1/leases', { ttlMs: 1000 })).body;
    for (const id of ids) await asSet.post(`/v1/ioasids/${id}/refs`, { lease });
    await asSet.post(`/v1/ioasids/${ids[0]}/refs`, { lease });
    await asSet.delete(`/v1/ioasids/${ids[0]}`);
    await asSet.delete(`/v1/ioasids/${ids[1]}`);
    const stream = await openStream(t.url, { secret: set.secret });
    try {
      const [expired] = await stream.next(1, 15_000);
      expect(expired.event).toBe('lease-expired');
      expect(expired.data).toEqual({
        seq: expired.data.seq,
        type: 'lease-expired',
        id: null,
        sid: set.sid,
        spid: null,
        data: { lease, released: [ids[0], ids[1]].sort((a, b) => a - b) },
      });
    } finally {
      stream.close();
    }
    expect((await asSet.get(`/v1/sets/${set.sid}/ioasids`)).body).toEqual({ ids: [ids[2]] });
    expect((await asSet.get(`/v1/ioasids/${ids[2]}`)).body.state).toBe('active');
    const gone = await asSet.post(`/v1/leases/${lease}/keepalive`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'ENOENT']);
  });

  it("announces an admin lease's expiry with sid null, to the admin's stream only", async () => {
    const set = await newSet();
    const adminStream = await openStream(t.url, { secret: ADMIN_TOKEN });
    const setStream = await openStream(t.url, { secret: set.secret });
    try {
      const { lease } = (await t.admin.post('/v1/leases', { ttlMs: 1000 })).body;
      const [expired] = await adminStream.next(1, 15_000);
      expect(expired.data).toMatchObject({ type: 'lease-expired', sid: null, data: { lease, released: [] } });
      // The set's stream gets its own next event, not the admin's lease.
      await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 9999 });
      const [next] = await setStream.next(1);
      expect(next.event).toBe('alloc');
    } finally {
      adminStream.close();
      setStream.close();
    }
  });

  it('destroys a dying set when the expiry releases its last ID', async () => {
    const set = await newSet(5);
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 9999 })).body;
    const { lease } = (await t.as(set.secret).post('/v1/leases', { ttlMs: 1000 })).body;
    await t.as(set.secret).post(`/v1/ioasids/${id}/refs`, { lease });
    await t.admin.delete(`/v1/sets/${set.sid}?destroy=true`);
    expect((await t.admin.get(`/v1/sets/${set.sid}`)).body.dying).toBe(true);
    const stream = await openStream(t.url, { secret: ADMIN_TOKEN, query: { sid: set.sid } });
    try {
      const [expired] = await stream.next(1, 15_000);
      expect(expired.data.data).toEqual({ lease, released: [id] });
    } finally {
      stream.close();
    }
    expect((await t.admin.get(`/v1/sets/${set.sid}`)).status).toBe(404);
  });

  it('does not expire a lease that is kept alive', async () => {
    const { lease } = (await t.admin.post('/v1/leases', { ttlMs: 3000 })).body;
    await sleep(2000);
    expect((await t.admin.post(`/v1/leases/${lease}/keepalive`)).status).toBe(200);
    await sleep(2000);
    // 4 s after creation, 2 s after the keepalive: a 3 s lease is still there.
    expect((await t.admin.post(`/v1/leases/${lease}/keepalive`)).status).toBe(200);
    await t.admin.delete(`/v1/leases/${lease}`);
  });
});

describe('leases across a restart', () => {
  it('keeps the lease and its references, and restarts its TTL in full', async () => {
    const own = await startTestServer({ capacity: 1000 });
    try {
      const set = (await own.admin.post('/v1/sets', { owner: 'vm', quota: 5 })).body;
      const { id } = (await own.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99 })).body;
      const created = Date.now();
      const { lease } = (await own.admin.post('/v1/leases', { ttlMs: 3000 })).body;
      await own.admin.post(`/v1/ioasids/${id}/refs`, { lease });
      await own.admin.delete(`/v1/ioasids/${id}`);
      await own.server.close();
      // Stay down past the lease's original deadline.
      await sleep(Math.max(0, 3300 - (Date.now() - created)));
      await own.restart();
      expect((await own.admin.post(`/v1/leases/${lease}/keepalive`)).status).toBe(200);
      expect((await own.admin.get(`/v1/ioasids/${id}`)).body.state).toBe('free-pending');
      expect((await own.admin.delete(`/v1/ioasids/${id}/refs?lease=${lease}`)).body).toEqual({
        released: true,
      });
    } finally {
      await own.stop();
    }
  });
});
