// The limits on leases over real HTTP with a real SQLite file: the references one lease may hold, and
// the live leases one credential may hold, with both counts kept through drops, deletions, expiry, the
// end of a set, and restarts.

import { ERROR_CODES } from 'ioasid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api } from './support/client.js';
import { startTestServer, type TestServer } from './support/server.js';
import { openStream } from './support/sse.js';

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
    expect([refused.body.error.reason, refused.body.error.values]).toEqual([
      'lease-ref-limit',
      { lease, held: MAX_REFS, limit: MAX_REFS },
    ]);
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

describe('leases per credential', () => {
  const PER_SET = 2;
  const ADMIN_LEASES = 3;
  let own: TestServer;
  beforeAll(async () => {
    own = await startTestServer({ capacity: 1000, maxLeasesPerSet: PER_SET, maxAdminLeases: ADMIN_LEASES });
  });
  afterAll(() => own.stop());

  let vms = 0;
  async function ownSet(quota = 10) {
    const res = await own.admin.post('/v1/sets', { owner: `per-credential-${vms++}`, quota });
    expect(res.status).toBe(201);
    return res.body as { sid: number; secret: string };
  }
  const create = (api: Api, ttlMs = 600_000) => api.post('/v1/leases', { ttlMs });

  /** Creates leases until the credential holds `count`, asserting each is accepted. */
  async function fill(api: Api, count: number): Promise<string[]> {
    const leases: string[] = [];
    for (let i = 0; i < count; i++) {
      const res = await create(api);
      expect(res.status).toBe(201);
      leases.push(res.body.lease);
    }
    return leases;
  }

  async function expectRefused(api: Api, who: string, held: number, limit: number) {
    const res = await create(api);
    expect(res.status).toBe(409);
    const sid = who === 'the admin token' ? null : Number(who.split(' ').pop());
    expect(res.body.error).toEqual({
      code: 'ENOSPC',
      errno: ERROR_CODES.ENOSPC.errno,
      reason: 'lease-limit',
      message: `${who} holds ${held} leases and may hold at most ${limit}; delete leases it no longer uses (DELETE /v1/leases/{lease}) or let them expire, then retry`,
      values: { sid, held, limit },
    });
  }

  it("refuses a set's lease past its limit with 409 ENOSPC, without touching other credentials", async () => {
    const a = await ownSet();
    const b = await ownSet();
    await fill(own.as(a.secret), PER_SET);
    await expectRefused(own.as(a.secret), `the secret of set ${a.sid}`, PER_SET, PER_SET);
    // Another set and the admin have counts of their own.
    const others = await fill(own.as(b.secret), PER_SET);
    const admin = await fill(own.admin, 1);
    for (const lease of [...others, ...admin]) await own.admin.delete(`/v1/leases/${lease}`);
  });

  it('gives the admin its own, separate limit', async () => {
    const leases = await fill(own.admin, ADMIN_LEASES);
    await expectRefused(own.admin, 'the admin token', ADMIN_LEASES, ADMIN_LEASES);
    for (const lease of leases) expect((await own.admin.delete(`/v1/leases/${lease}`)).status).toBe(204);
    await fill(own.admin, 1).then(([lease]) => own.admin.delete(`/v1/leases/${lease}`));
  });

  it('counts a deleted lease back, whoever deleted it', async () => {
    const set = await ownSet();
    const api = own.as(set.secret);
    const [first, second] = await fill(api, PER_SET);
    expect((await api.delete(`/v1/leases/${first}`)).status).toBe(204);
    await fill(api, 1);
    expect((await create(api)).status).toBe(409);
    // The admin may delete a set's lease; it counts back for the set that created it.
    expect((await own.admin.delete(`/v1/leases/${second}`)).status).toBe(204);
    await fill(api, 1);
    await expectRefused(api, `the secret of set ${set.sid}`, PER_SET, PER_SET);
  });

  it('counts an expired lease back', async () => {
    const set = await ownSet();
    const api = own.as(set.secret);
    const stream = await openStream(own.url, { secret: set.secret });
    try {
      const expiring = (await create(api, 1000)).body.lease;
      await fill(api, PER_SET - 1);
      expect((await create(api)).status).toBe(409);
      const [expired] = await stream.next(1, 15_000);
      expect(expired.data).toMatchObject({ type: 'lease-expired', data: { lease: expiring } });
    } finally {
      stream.close();
    }
    await fill(api, 1);
    expect((await create(api)).status).toBe(409);
  });

  it('forgets the leases of a destroyed set, so a new set with the same set ID starts at zero', async () => {
    const fresh = await startTestServer({ capacity: 1000, maxLeasesPerSet: PER_SET });
    try {
      const create = (secret: string) => fresh.as(secret).post('/v1/leases', { ttlMs: 600_000 });
      // Destroyed at once: it holds no referenced ID.
      const gone = (await fresh.admin.post('/v1/sets', { owner: 'gone', quota: 5 })).body;
      for (let i = 0; i < PER_SET; i++) expect((await create(gone.secret)).status).toBe(201);
      expect((await fresh.admin.delete(`/v1/sets/${gone.sid}?destroy=true`)).status).toBe(204);
      const reused = (await fresh.admin.post('/v1/sets', { owner: 'reused', quota: 5 })).body;
      expect(reused.sid).toBe(gone.sid);
      for (let i = 0; i < PER_SET; i++) expect((await create(reused.secret)).status).toBe(201);
      expect((await create(reused.secret)).status).toBe(409);

      // Dying first: a lease holds a reference, and dropping it destroys the set and ends its leases.
      const dying = (await fresh.admin.post('/v1/sets', { owner: 'dying', quota: 5 })).body;
      const { id } = (await fresh.admin.post(`/v1/sets/${dying.sid}/ioasids`, { min: 0, max: 99 })).body;
      const holder = (await create(dying.secret)).body.lease;
      expect((await create(dying.secret)).status).toBe(201);
      expect((await fresh.as(dying.secret).post(`/v1/ioasids/${id}/refs`, { lease: holder })).status).toBe(
        204,
      );
      expect((await fresh.admin.delete(`/v1/sets/${dying.sid}?destroy=true`)).status).toBe(204);
      expect((await fresh.admin.get(`/v1/sets/${dying.sid}`)).body.dying).toBe(true);
      expect((await fresh.admin.delete(`/v1/ioasids/${id}/refs?lease=${holder}`)).body).toEqual({
        released: true,
      });
      expect((await fresh.admin.get(`/v1/sets/${dying.sid}`)).status).toBe(404);
      const next = (await fresh.admin.post('/v1/sets', { owner: 'next', quota: 5 })).body;
      expect(next.sid).toBe(dying.sid);
      for (let i = 0; i < PER_SET; i++) expect((await create(next.secret)).status).toBe(201);
      expect((await create(next.secret)).status).toBe(409);
    } finally {
      await fresh.stop();
    }
  });

  it('restores the counts at restart, and applies a limit lowered at restart to new leases only', async () => {
    const set = await ownSet();
    const api = () => own.as(set.secret);
    const [kept] = await fill(api(), PER_SET);
    const adminLeases = await fill(own.admin, ADMIN_LEASES);
    await own.restart();
    await expectRefused(api(), `the secret of set ${set.sid}`, PER_SET, PER_SET);
    await expectRefused(own.admin, 'the admin token', ADMIN_LEASES, ADMIN_LEASES);
    expect((await api().delete(`/v1/leases/${kept}`)).status).toBe(204);
    await fill(api(), 1);
    expect((await create(api())).status).toBe(409);

    await own.restart({ maxLeasesPerSet: 1 });
    try {
      // Both leases survive; a new one waits until the set is below the new limit.
      await expectRefused(api(), `the secret of set ${set.sid}`, PER_SET, 1);
    } finally {
      await own.restart();
    }
    for (const lease of adminLeases) await own.admin.delete(`/v1/leases/${lease}`);
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
    await expect(startTestServer({ maxLeasesPerSet: 0 })).rejects.toThrow(
      'maxLeasesPerSet 0 must be an integer >= 1',
    );
    await expect(startTestServer({ maxAdminLeases: -1 })).rejects.toThrow(
      'maxAdminLeases -1 must be an integer >= 1',
    );
  });
});
