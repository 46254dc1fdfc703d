// Every route over real HTTP with good input: status, answer shape, and the effect on state; plus how
// the core's refusals come back (status from the registry, code, errno, message).

import { ERROR_CODES } from 'ioasid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from './support/server.js';

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ capacity: 10_000 });
});
afterAll(() => t.stop());

let owners = 0;
async function newSet(quota = 100) {
  const res = await t.admin.post('/v1/sets', { owner: `routes-${owners++}`, quota });
  expect(res.status).toBe(201);
  return res.body as { sid: number; secret: string; owner: string };
}

describe('capacity', () => {
  it('reads the capacity and what is left after quotas', async () => {
    const before = await t.admin.get('/v1/capacity');
    expect(before.status).toBe(200);
    await newSet(250);
    const after = await t.admin.get('/v1/capacity');
    expect(after.body).toEqual({ capacity: 10_000, available: before.body.available - 250 });
  });

  it('refuses a second install with 409 EBUSY', async () => {
    const res = await t.admin.put('/v1/capacity', { capacity: 5 });
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      code: 'EBUSY',
      errno: ERROR_CODES.EBUSY.errno,
      reason: 'capacity-installed',
      values: { capacity: 10_000 },
    });
    expect(res.body.error.message).toMatch(/already installed/);
  });
});

describe('sets', () => {
  it('creates a set and returns its secret once, never again', async () => {
    const res = await t.admin.post('/v1/sets', { owner: 'vm-secret', quota: 10 });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      sid: expect.any(Number),
      owner: 'vm-secret',
      quota: 10,
      count: 0,
      dying: false,
      secret: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/),
    });
    const again = await t.admin.get(`/v1/sets/${res.body.sid}`);
    expect(again.body).toEqual({ sid: res.body.sid, owner: 'vm-secret', quota: 10, count: 0, dying: false });
    const list = await t.admin.get('/v1/sets');
    expect(JSON.stringify(list.body)).not.toContain(res.body.secret);
  });

  it('refuses a second live set of the same owner with 409 EEXIST', async () => {
    await t.admin.post('/v1/sets', { owner: 'twice', quota: 1 });
    const res = await t.admin.post('/v1/sets', { owner: 'twice', quota: 1 });
    expect([res.status, res.body.error.code]).toEqual([409, 'EEXIST']);
  });

  it('refuses a quota above what is available with 409 ENOSPC', async () => {
    const res = await t.admin.post('/v1/sets', { owner: 'greedy', quota: 10_001 });
    expect([res.status, res.body.error.code, res.body.error.errno]).toEqual([409, 'ENOSPC', 28]);
  });

  it('creates the system set with owner null, once', async () => {
    const res = await t.admin.post('/v1/sets/system', { quota: 20 });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ owner: null, quota: 20, count: 0, dying: false });
    expect(typeof res.body.secret).toBe('string');
    const again = await t.admin.post('/v1/sets/system', { quota: 20 });
    expect([again.status, again.body.error.code]).toEqual([409, 'EEXIST']);
  });

  it('lists every set for the admin, ascending', async () => {
    await newSet();
    const res = await t.admin.get('/v1/sets');
    const sids = res.body.sets.map((s: { sid: number }) => s.sid);
    expect(sids).toEqual([...sids].sort((a, b) => a - b));
    expect(sids.length).toBeGreaterThan(1);
  });

  it('changes a quota, and refuses one below the count with 400 EINVAL', async () => {
    const set = await newSet(10);
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 5000, count: 3 });
    const res = await t.admin.patch(`/v1/sets/${set.sid}`, { quota: 4 });
    expect(res.body).toMatchObject({ sid: set.sid, quota: 4, count: 3 });
    const low = await t.admin.patch(`/v1/sets/${set.sid}`, { quota: 2 });
    expect([low.status, low.body.error.code]).toEqual([400, 'EINVAL']);
  });

  it('answers 404 ENOENT for a set that does not exist', async () => {
    const res = await t.admin.get('/v1/sets/99999');
    expect([res.status, res.body.error.code, res.body.error.errno]).toEqual([404, 'ENOENT', 2]);
  });

  it('frees every ID of a set without destroying it by default', async () => {
    const set = await newSet(10);
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 5000, count: 4 });
    const res = await t.admin.delete(`/v1/sets/${set.sid}`);
    expect(res.status).toBe(204);
    expect(res.body).toBeNull();
    expect((await t.admin.get(`/v1/sets/${set.sid}/ioasids`)).body).toEqual({ ids: [] });
    expect((await t.admin.get(`/v1/sets/${set.sid}`)).body).toMatchObject({ count: 0, dying: false });
  });

  it('destroys a set with destroy=true, returning its quota', async () => {
    const set = await newSet(77);
    const before = (await t.admin.get('/v1/capacity')).body.available;
    expect((await t.admin.delete(`/v1/sets/${set.sid}?destroy=true`)).status).toBe(204);
    expect((await t.admin.get(`/v1/sets/${set.sid}`)).status).toBe(404);
    expect((await t.admin.get('/v1/capacity')).body.available).toBe(before + 77);
  });
});

describe('IDs', () => {
  it('allocates the lowest free ID of the range and lists it', async () => {
    const set = await newSet();
    const a = await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 7000, max: 7010 });
    expect(a.status).toBe(201);
    expect(a.body).toEqual({ id: 7000 });
    const b = await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 7000, max: 7010, data: { vm: 'x' } });
    expect(b.body).toEqual({ id: 7001 });
    expect((await t.admin.get(`/v1/sets/${set.sid}/ioasids`)).body).toEqual({ ids: [7000, 7001] });
    expect((await t.admin.get('/v1/ioasids/7001')).body).toEqual({
      id: 7001,
      sid: set.sid,
      state: 'active',
      spid: null,
      data: { vm: 'x' },
    });
  });

  it('allocates a batch all or nothing', async () => {
    const set = await newSet(5);
    const ok = await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 8000, max: 8100, count: 3 });
    expect(ok.body).toEqual({ ids: [8000, 8001, 8002] });
    const tooMany = await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 8000, max: 8100, count: 3 });
    expect([tooMany.status, tooMany.body.error.code]).toEqual([409, 'ENOSPC']);
    const narrow = await newSet(10);
    const partial = await t.admin.post(`/v1/sets/${narrow.sid}/ioasids`, { min: 8000, max: 8004, count: 3 });
    expect([partial.status, partial.body.error.code]).toEqual([409, 'ENOSPC']);
    expect(partial.body.error.message).toMatch(/none was allocated/);
    expect((await t.admin.get(`/v1/sets/${narrow.sid}/ioasids`)).body).toEqual({ ids: [] });
  });

  it('refuses an allocation above the quota with 409 ENOSPC', async () => {
    const set = await newSet(1);
    await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 9999 });
    const res = await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 9999 });
    expect([res.status, res.body.error.code]).toEqual([409, 'ENOSPC']);
    expect(res.body.error.message).toMatch(/quota/);
  });

  it('maps a spid, finds it, and unmaps it', async () => {
    const set = await newSet();
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 })).body;
    expect((await t.admin.put(`/v1/ioasids/${id}/spid`, { spid: 42 })).status).toBe(204);
    expect((await t.admin.get(`/v1/sets/${set.sid}/spids/42`)).body).toEqual({ id });
    expect((await t.admin.get(`/v1/ioasids/${id}`)).body.spid).toBe(42);
    expect((await t.admin.delete(`/v1/ioasids/${id}/spid`)).status).toBe(204);
    expect((await t.admin.get(`/v1/sets/${set.sid}/spids/42`)).status).toBe(404);
    const again = await t.admin.delete(`/v1/ioasids/${id}/spid`);
    expect([again.status, again.body.error.code]).toEqual([404, 'ENOENT']);
  });

  it('refuses a spid already mapped to another ID of the set with 400 EINVAL', async () => {
    const set = await newSet();
    const { ids } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999, count: 2 }))
      .body;
    await t.admin.put(`/v1/ioasids/${ids[0]}/spid`, { spid: 5 });
    const res = await t.admin.put(`/v1/ioasids/${ids[1]}/spid`, { spid: 5 });
    expect([res.status, res.body.error.code]).toEqual([400, 'EINVAL']);
  });

  it('replaces and clears data', async () => {
    const set = await newSet();
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 })).body;
    expect((await t.admin.put(`/v1/ioasids/${id}/data`, { data: [1, 'two', { three: 3 }] })).status).toBe(
      204,
    );
    expect((await t.admin.get(`/v1/ioasids/${id}`)).body.data).toEqual([1, 'two', { three: 3 }]);
    await t.admin.put(`/v1/ioasids/${id}/data`, { data: null });
    expect((await t.admin.get(`/v1/ioasids/${id}`)).body.data).toBeNull();
  });

  it('frees an ID, and answers 404 ENOENT for it afterwards', async () => {
    const set = await newSet();
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 })).body;
    expect((await t.admin.delete(`/v1/ioasids/${id}`)).status).toBe(204);
    const res = await t.admin.get(`/v1/ioasids/${id}`);
    expect([res.status, res.body.error.code]).toEqual([404, 'ENOENT']);
  });

  it('publishes an event type of its own and returns the in-process result', async () => {
    const set = await newSet();
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 })).body;
    const res = await t.admin.post(`/v1/ioasids/${id}/notify`, { type: 'vfio.bind:v2' });
    expect(res.body).toEqual({ result: 0 });
  });

  it('refuses the reserved event types with 400 EINVAL', async () => {
    const set = await newSet();
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 })).body;
    for (const type of ['alloc', 'free', 'reset', 'lease-expired']) {
      const res = await t.admin.post(`/v1/ioasids/${id}/notify`, { type });
      expect([res.status, res.body.error.code]).toEqual([400, 'EINVAL']);
      expect(res.body.error.message).toMatch(/reserved/);
    }
  });
});

describe('leases and references', () => {
  it('keeps a freed ID free-pending while a lease references it, and releases it on the last drop', async () => {
    const set = await newSet();
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 })).body;
    const lease = await t.admin.post('/v1/leases', { ttlMs: 60_000 });
    expect(lease.status).toBe(201);
    expect(lease.body).toEqual({ lease: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), ttlMs: 60_000 });
    const L = lease.body.lease;
    expect((await t.admin.post(`/v1/ioasids/${id}/refs`, { lease: L })).status).toBe(204);
    expect((await t.admin.post(`/v1/ioasids/${id}/refs`, { lease: L })).status).toBe(204);
    await t.admin.delete(`/v1/ioasids/${id}`);
    expect((await t.admin.get(`/v1/ioasids/${id}`)).body.state).toBe('free-pending');
    const busy = await t.admin.post(`/v1/ioasids/${id}/refs`, { lease: L });
    expect([busy.status, busy.body.error.code]).toEqual([409, 'EBUSY']);
    expect((await t.admin.delete(`/v1/ioasids/${id}/refs?lease=${L}`)).body).toEqual({ released: false });
    expect((await t.admin.delete(`/v1/ioasids/${id}/refs?lease=${L}`)).body).toEqual({ released: true });
    expect((await t.admin.get(`/v1/ioasids/${id}`)).status).toBe(404);
    const none = await t.admin.delete(`/v1/ioasids/${id}/refs?lease=${L}`);
    expect([none.status, none.body.error.code]).toEqual([404, 'ENOENT']);
  });

  it('keeps a lease alive and deletes it, dropping its references', async () => {
    const set = await newSet();
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 })).body;
    const { lease } = (await t.admin.post('/v1/leases', { ttlMs: 5000 })).body;
    await t.admin.post(`/v1/ioasids/${id}/refs`, { lease });
    expect((await t.admin.post(`/v1/leases/${lease}/keepalive`)).body).toEqual({ lease, ttlMs: 5000 });
    await t.admin.delete(`/v1/ioasids/${id}`);
    expect((await t.admin.delete(`/v1/leases/${lease}`)).status).toBe(204);
    expect((await t.admin.get(`/v1/ioasids/${id}`)).status).toBe(404);
    const gone = await t.admin.post(`/v1/leases/${lease}/keepalive`);
    expect([gone.status, gone.body.error.code]).toEqual([404, 'ENOENT']);
  });

  it('keeps a destroyed set dying while a lease references its ID', async () => {
    const set = await newSet(3);
    const { id } = (await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 99_999 })).body;
    const { lease } = (await t.admin.post('/v1/leases', { ttlMs: 60_000 })).body;
    await t.admin.post(`/v1/ioasids/${id}/refs`, { lease });
    await t.admin.delete(`/v1/sets/${set.sid}?destroy=true`);
    expect((await t.admin.get(`/v1/sets/${set.sid}`)).body).toMatchObject({ dying: true, count: 1 });
    const alloc = await t.admin.post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 9 });
    expect([alloc.status, alloc.body.error.code]).toEqual([404, 'ENOENT']);
    await t.admin.delete(`/v1/leases/${lease}`);
    expect((await t.admin.get(`/v1/sets/${set.sid}`)).status).toBe(404);
  });
});
