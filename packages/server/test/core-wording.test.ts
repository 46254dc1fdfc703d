// The core's refusals over real HTTP: the code is the core's, but the message speaks the HTTP API (routes,
// owners) instead of naming the core's methods and constants (allocSet, attachSpid, INVALID_IOASID_SET).

import { IoasidSpace } from 'ioasid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Answer } from './support/client.js';
import { startTestServer, type TestServer } from './support/server.js';

/** Names of the core's API that mean nothing to an HTTP client: its camelCase members and constants. */
const CORE_NAMES = [
  ...Object.getOwnPropertyNames(IoasidSpace.prototype).filter((name) => /^[a-z]+[A-Z]/.test(name)),
  'INVALID_IOASID',
];

/** A set ID that no test creates. */
const MISSING = 4242;

let t: TestServer;
let bare: TestServer;
beforeAll(async () => {
  t = await startTestServer({ capacity: 1000 });
  bare = await startTestServer({ capacity: 0 });
});
afterAll(async () => {
  await t.stop();
  await bare.stop();
});

let owners = 0;
async function newSet(quota = 10) {
  const res = await t.admin.post('/v1/sets', { owner: `wording-${owners++}`, quota });
  expect(res.status).toBe(201);
  return res.body as { sid: number; secret: string; owner: string };
}

async function allocId(sid: number): Promise<number> {
  const res = await t.admin.post(`/v1/sets/${sid}/ioasids`, { min: 0, max: 999 });
  expect(res.status).toBe(201);
  return res.body.id;
}

/** Asserts the refusal's status and code, that its message contains `says`, and names no core API. */
function expectRefusal(res: Answer, status: number, code: string, ...says: string[]): void {
  expect([res.status, res.body.error.code]).toEqual([status, code]);
  const message: string = res.body.error.message;
  for (const words of says) expect(message).toContain(words);
  for (const name of CORE_NAMES) expect(message, `"${message}" names ${name}`).not.toContain(name);
}

describe('the core API names this test looks for', () => {
  it('include the methods the core names in its own messages', () => {
    for (const name of ['allocSet', 'attachSpid', 'adjustSet', 'installCapacity', 'systemSid']) {
      expect(CORE_NAMES).toContain(name);
    }
  });
});

describe('a set that does not exist', () => {
  const routes: [string, (api: TestServer['admin']) => Promise<Answer>][] = [
    ['GET /v1/sets/{sid}', (api) => api.get(`/v1/sets/${MISSING}`)],
    ['PATCH /v1/sets/{sid}', (api) => api.patch(`/v1/sets/${MISSING}`, { quota: 1 })],
    ['DELETE /v1/sets/{sid}', (api) => api.delete(`/v1/sets/${MISSING}`)],
    ['DELETE /v1/sets/{sid}?destroy=true', (api) => api.delete(`/v1/sets/${MISSING}?destroy=true`)],
    ['GET /v1/sets/{sid}/ioasids', (api) => api.get(`/v1/sets/${MISSING}/ioasids`)],
    ['POST /v1/sets/{sid}/ioasids', (api) => api.post(`/v1/sets/${MISSING}/ioasids`, { min: 0, max: 9 })],
    [
      'POST /v1/sets/{sid}/ioasids with a count',
      (api) => api.post(`/v1/sets/${MISSING}/ioasids`, { min: 0, max: 9, count: 2 }),
    ],
    ['GET /v1/sets/{sid}/spids/{spid}', (api) => api.get(`/v1/sets/${MISSING}/spids/1`)],
  ];
  for (const [route, send] of routes) {
    it(`is 404 ENOENT pointing to GET and POST /v1/sets on ${route}`, async () => {
      expectRefusal(
        await send(t.admin),
        404,
        'ENOENT',
        `set ${MISSING} does not exist`,
        'GET /v1/sets',
        'POST /v1/sets',
      );
    });
  }

  it('is 404 ENOENT once the set was destroyed', async () => {
    const set = await newSet();
    expect((await t.admin.delete(`/v1/sets/${set.sid}?destroy=true`)).status).toBe(204);
    expectRefusal(await t.admin.get(`/v1/sets/${set.sid}`), 404, 'ENOENT', 'POST /v1/sets');
  });
});

describe('creating sets', () => {
  it('without a capacity is 409 ENOSPC pointing to PUT /v1/capacity, for a set and for the system set', async () => {
    const set = await bare.admin.post('/v1/sets', { owner: 'vm', quota: 5 });
    expectRefusal(set, 409, 'ENOSPC', 'no capacity is installed', 'quota of 5', 'PUT /v1/capacity');
    const system = await bare.admin.post('/v1/sets/system', { quota: 7 });
    expectRefusal(system, 409, 'ENOSPC', 'quota of 7', 'PUT /v1/capacity');
  });

  it('for an owner that has a set is 409 EEXIST naming the owner, its set and how to destroy it', async () => {
    const set = await newSet();
    const again = await t.admin.post('/v1/sets', { owner: set.owner, quota: 1 });
    expectRefusal(
      again,
      409,
      'EEXIST',
      `owner "${set.owner}" already has set ${set.sid}`,
      `DELETE /v1/sets/${set.sid}?destroy=true`,
    );
    expect(again.body.error.message).not.toContain('token');
  });

  it('for the system set while it exists is 409 EEXIST pointing to it, also while it is being destroyed', async () => {
    const own = await startTestServer({ capacity: 100 });
    try {
      const system = (await own.admin.post('/v1/sets/system', { quota: 5 })).body;
      expectRefusal(
        await own.admin.post('/v1/sets/system', { quota: 5 }),
        409,
        'EEXIST',
        `the system set already exists as set ${system.sid}`,
        `GET /v1/sets/${system.sid}`,
        `DELETE /v1/sets/${system.sid}?destroy=true`,
      );
      // A lease's reference keeps the destroyed system set dying.
      const { id } = (await own.admin.post(`/v1/sets/${system.sid}/ioasids`, { min: 0, max: 99 })).body;
      const { lease } = (await own.admin.post('/v1/leases', { ttlMs: 600_000 })).body;
      expect((await own.admin.post(`/v1/ioasids/${id}/refs`, { lease })).status).toBe(204);
      expect((await own.admin.delete(`/v1/sets/${system.sid}?destroy=true`)).status).toBe(204);
      expectRefusal(
        await own.admin.post('/v1/sets/system', { quota: 5 }),
        409,
        'EEXIST',
        `set ${system.sid}, which is being destroyed`,
        `GET /v1/sets/${system.sid} answers 404`,
      );
      expect((await own.admin.delete(`/v1/leases/${lease}`)).status).toBe(204);
      expect((await own.admin.post('/v1/sets/system', { quota: 5 })).status).toBe(201);
    } finally {
      await own.stop();
    }
  });
});

describe('IDs', () => {
  it('allocating into a full set is 409 ENOSPC pointing to DELETE /v1/ioasids and PATCH /v1/sets', async () => {
    const set = await newSet(1);
    await allocId(set.sid);
    expectRefusal(
      await t.as(set.secret).post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 999 }),
      409,
      'ENOSPC',
      `set ${set.sid} is at its quota of 1 IDs`,
      'DELETE /v1/ioasids/{id}',
      `PATCH /v1/sets/${set.sid}`,
    );
    expectRefusal(
      await t.as(set.secret).post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 999, count: 2 }),
      409,
      'ENOSPC',
      `PATCH /v1/sets/${set.sid}`,
    );
  });

  it('detaching a spid from an ID without one is 404 ENOENT pointing to PUT /v1/ioasids/{id}/spid', async () => {
    const set = await newSet();
    const id = await allocId(set.sid);
    expectRefusal(
      await t.as(set.secret).delete(`/v1/ioasids/${id}/spid`),
      404,
      'ENOENT',
      `ID ${id} has no spid attached`,
      `PUT /v1/ioasids/${id}/spid`,
    );
  });

  it('looking up an unmapped spid is 404 ENOENT pointing to PUT /v1/ioasids/{id}/spid', async () => {
    const set = await newSet();
    expectRefusal(
      await t.as(set.secret).get(`/v1/sets/${set.sid}/spids/77`),
      404,
      'ENOENT',
      `set ${set.sid} has no ID mapped to spid 77`,
      'PUT /v1/ioasids/{id}/spid',
    );
  });

  it('mapping a spid that another ID has is 400 EINVAL pointing to detaching it there', async () => {
    const set = await newSet();
    const first = await allocId(set.sid);
    const second = await allocId(set.sid);
    expect((await t.as(set.secret).put(`/v1/ioasids/${first}/spid`, { spid: 5 })).status).toBe(204);
    // Mapping it to the same ID again is allowed (and emits bind again).
    expect((await t.as(set.secret).put(`/v1/ioasids/${first}/spid`, { spid: 5 })).status).toBe(204);
    expectRefusal(
      await t.as(set.secret).put(`/v1/ioasids/${second}/spid`, { spid: 5 }),
      400,
      'EINVAL',
      `spid 5 is already mapped to ID ${first} in set ${set.sid}`,
      `DELETE /v1/ioasids/${first}/spid`,
    );
  });
});

describe('references', () => {
  it("taking one with a set's lease on another set's ID is 403 EACCES naming both sets", async () => {
    const a = await newSet();
    const b = await newSet();
    const idOfB = await allocId(b.sid);
    const { lease } = (await t.as(a.secret).post('/v1/leases', { ttlMs: 600_000 })).body;
    // The admin may use any lease, but set a's lease only holds set a's IDs.
    expectRefusal(
      await t.admin.post(`/v1/ioasids/${idOfB}/refs`, { lease }),
      403,
      'EACCES',
      `lease ${lease} was created by set ${a.sid}`,
      `ID ${idOfB} belongs to set ${b.sid}`,
    );
    await t.admin.delete(`/v1/leases/${lease}`);
  });
});
