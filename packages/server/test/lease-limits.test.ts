// The limits on leases over real HTTP with a real SQLite file: the references one lease may hold, with
// the count kept as references are taken and dropped and restored at restart.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from './support/client.js';
import { startTestServer, type TestServer } from './support/server.js';

/** A small reference limit, so that the boundary is reached with a few requests. */
const MAX_REFS = 4;

let t: TestServer;
beforeAll(async () => {
  t = await startTestServer({ capacity: 1000, maxLeaseRefs: MAX_REFS });
});
afterAll(() => t.stop());

let owners = 0;
async function newSet(quota = 10) {
  const res = await t.admin.post('/v1/sets', { owner: `lease-limits-${owners++}`, quota });
  expect(res.status).toBe(201);
  return res.body as { sid: number; secret: string };
}

async function allocIds(api: Api, sid: number, count: number): Promise<number[]> {
  const res = await api.post(`/v1/sets/${sid}/ioasids`, { min: 0, max: 999, count });
  expect(res.status).toBe(201);
  return res.body.ids;
}

async function newLease(api: Api): Promise<string> {
  const res = await api.post('/v1/leases', { ttlMs: 600_000 });
  expect(res.status).toBe(201);
  return res.body.lease;
}

async function take(api: Api, id: number, lease: string) {
  return api.post(`/v1/ioasids/${id}/refs`, { lease });
}

async function drop(api: Api, id: number, lease: string) {
  return api.delete(`/v1/ioasids/${id}/refs?lease=${lease}`);
}

describe('references per lease', () => {
  it('takes references up to the limit and refuses the next one with 409 ENOSPC, changing nothing', async () => {
    const set = await newSet();
    const api = t.as(set.secret);
    const [a, b] = await allocIds(api, set.sid, 2);
    const lease = await newLease(api);
    for (const id of [a, a, b]) expect((await take(api, id, lease)).status).toBe(204);
    // The fourth reference is exactly the limit.
    expect((await take(api, b, lease)).status).toBe(204);
    const refused = await take(api, b, lease);
    expect(refused.status).toBe(409);
    expect(refused.body.error.code).toBe('ENOSPC');
    expect(refused.body.error.message).toBe(
      `lease ${lease} holds ${MAX_REFS} references, the most one lease may hold; drop some or use another lease`,
    );
    // The refused request took nothing: b has exactly the two references taken before it.
    expect((await api.delete(`/v1/ioasids/${b}`)).status).toBe(204);
    expect((await drop(api, b, lease)).body).toEqual({ released: false });
    expect((await drop(api, b, lease)).body).toEqual({ released: true });
    expect((await drop(api, b, lease)).status).toBe(404);
  });

  it('counts dropped references back, whether they were on one ID or several', async () => {
    const set = await newSet();
    const api = t.as(set.secret);
    const [a, b, c] = await allocIds(api, set.sid, 3);
    const lease = await newLease(api);
    for (const id of [a, a, a, b]) expect((await take(api, id, lease)).status).toBe(204);
    expect((await take(api, c, lease)).status).toBe(409);
    expect((await drop(api, a, lease)).status).toBe(200);
    expect((await take(api, c, lease)).status).toBe(204);
    expect((await take(api, c, lease)).status).toBe(409);
    expect((await drop(api, b, lease)).status).toBe(200);
    expect((await drop(api, c, lease)).status).toBe(200);
    expect((await take(api, b, lease)).status).toBe(204);
    expect((await take(api, c, lease)).status).toBe(204);
    const refused = await take(api, c, lease);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'ENOSPC']);
    expect(refused.body.error.message).toContain(`holds ${MAX_REFS} references`);
  });

  it('keeps a separate count per lease', async () => {
    const set = await newSet();
    const api = t.as(set.secret);
    const [a] = await allocIds(api, set.sid, 1);
    const full = await newLease(api);
    const other = await newLease(api);
    for (let i = 0; i < MAX_REFS; i++) expect((await take(api, a, full)).status).toBe(204);
    expect((await take(api, a, full)).status).toBe(409);
    for (let i = 0; i < MAX_REFS; i++) expect((await take(api, a, other)).status).toBe(204);
    expect((await take(api, a, other)).status).toBe(409);
  });

  it('restores the count at restart from the stored references', async () => {
    const set = await newSet();
    const api = () => t.as(set.secret);
    const [a, b] = await allocIds(api(), set.sid, 2);
    const lease = await newLease(api());
    for (const id of [a, b, b, b]) expect((await take(api(), id, lease)).status).toBe(204);
    expect((await drop(api(), b, lease)).status).toBe(200);
    await t.restart();
    // 3 references survive the restart: one more fits, the next does not.
    expect((await take(api(), a, lease)).status).toBe(204);
    const refused = await take(api(), a, lease);
    expect([refused.status, refused.body.error.code]).toEqual([409, 'ENOSPC']);
    expect(refused.body.error.message).toContain(`holds ${MAX_REFS} references`);
    expect((await drop(api(), b, lease)).status).toBe(200);
    await t.restart();
    expect((await take(api(), b, lease)).status).toBe(204);
    expect((await take(api(), b, lease)).status).toBe(409);
  });
});

describe('limit options', () => {
  it('refuses a limit that is not an integer >= 1 at start', async () => {
    await expect(startTestServer({ maxLeaseRefs: 0 })).rejects.toThrow(
      'maxLeaseRefs 0 must be an integer >= 1',
    );
    await expect(startTestServer({ maxLeaseRefs: 1.5 })).rejects.toThrow(
      'maxLeaseRefs 1.5 must be an integer >= 1',
    );
  });
});
