// The core's refusals over real HTTP: the code, reason and values are the core's; the message is the core's
// fact followed by the advice of http/advice.ts, which speaks the HTTP API (routes, owners) and never names
// the core's methods and constants (allocSet, attachSpid, INVALID_IOASID_SET). The advice table covers
// every reason of the core and of the server.

import { readFileSync } from 'node:fs';
import { ADVICE, SERVER_REASONS, withAdvice } from '@ioasid/server';
import { ERROR_CODES, ERROR_REASONS, IoasidSpace } from 'ioasid';
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

/**
 * Asserts the refusal's status, code, reason and values, that its message contains `says`, and that it
 * names no core API.
 */
function expectRefusal(
  res: Answer,
  status: number,
  code: string,
  reason: string,
  values: Record<string, unknown>,
  ...says: string[]
): void {
  expect([res.status, res.body.error.code, res.body.error.reason]).toEqual([status, code, reason]);
  expect(res.body.error.values).toEqual(values);
  const message: string = res.body.error.message;
  for (const words of says) expect(message).toContain(words);
  for (const name of CORE_NAMES) expect(message, `"${message}" names ${name}`).not.toContain(name);
}

describe('the advice table', () => {
  it('has an entry, a function or an explicit null, for every reason of the core and of the server', () => {
    const reasons = [...Object.keys(ERROR_REASONS), ...Object.keys(SERVER_REASONS)].sort();
    expect(Object.keys(ADVICE).sort()).toEqual(reasons);
    for (const reason of reasons) {
      const advice = (ADVICE as Record<string, unknown>)[reason];
      expect(advice === null || typeof advice === 'function', reason).toBe(true);
    }
  });

  it("lists the server's reasons in docs/server.md with their code, status and values", () => {
    const docs = readFileSync(new URL('../../../docs/server.md', import.meta.url), 'utf8');
    const section = docs.slice(docs.indexOf('### Errors'), docs.indexOf('## Credentials'));
    const rows: Record<string, unknown> = {};
    for (const m of section.matchAll(/^\| `([a-z-]+)` \| `([A-Z]+)` \| (\d+|varies) \| ([^|]*) \|/gm)) {
      rows[m[1]] = [m[2], m[3], Array.from(m[4].matchAll(/`(\w+)`/g), (v) => v[1])];
    }
    const expected = Object.fromEntries(
      Object.entries(SERVER_REASONS).map(([reason, info]) => [
        reason,
        [
          info.code,
          info.status === 0 ? 'varies' : String(info.status ?? ERROR_CODES[info.code].httpStatus),
          [...info.values],
        ],
      ]),
    );
    expect(rows).toEqual(expected);
  });

  it('gives no reason to both the core and the server', () => {
    const core = new Set(Object.keys(ERROR_REASONS));
    expect(Object.keys(SERVER_REASONS).filter((reason) => core.has(reason))).toEqual([]);
  });

  it('appends the advice to the fact, and leaves a reason without advice (or unknown) as it is', () => {
    expect(withAdvice({ message: 'set 3 does not exist', reason: 'no-set', values: { sid: 3 } })).toBe(
      'set 3 does not exist; list the sets with GET /v1/sets, or create one with POST /v1/sets',
    );
    expect(withAdvice({ message: 'fact', reason: 'admin-only', values: {} })).toBe('fact');
    expect(withAdvice({ message: 'fact', reason: 'unspecified', values: {} })).toBe('fact');
    expect(withAdvice({ message: 'fact', reason: 'toString', values: {} })).toBe('fact');
  });
});

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
        'no-set',
        { sid: MISSING },
        `set ${MISSING} does not exist`,
        'GET /v1/sets',
        'POST /v1/sets',
      );
    });
  }

  it('is 404 ENOENT once the set was destroyed', async () => {
    const set = await newSet();
    expect((await t.admin.delete(`/v1/sets/${set.sid}?destroy=true`)).status).toBe(204);
    expectRefusal(
      await t.admin.get(`/v1/sets/${set.sid}`),
      404,
      'ENOENT',
      'no-set',
      { sid: set.sid },
      'POST /v1/sets',
    );
  });
});

describe('creating sets', () => {
  it('without a capacity is 409 ENOSPC pointing to PUT /v1/capacity, for a set and for the system set', async () => {
    const set = await bare.admin.post('/v1/sets', { owner: 'vm', quota: 5 });
    expectRefusal(
      set,
      409,
      'ENOSPC',
      'no-capacity',
      { quota: 5 },
      'no capacity is installed',
      'quota of 5',
      'PUT /v1/capacity',
    );
    const system = await bare.admin.post('/v1/sets/system', { quota: 7 });
    expectRefusal(system, 409, 'ENOSPC', 'no-capacity', { quota: 7 }, 'quota of 7', 'PUT /v1/capacity');
  });

  it('with a quota above what is left is 409 ENOSPC pointing to GET /v1/capacity and PATCH /v1/sets', async () => {
    const left = (await t.admin.get('/v1/capacity')).body.available;
    expectRefusal(
      await t.admin.post('/v1/sets', { owner: 'too-big', quota: left + 1 }),
      409,
      'ENOSPC',
      'quota-above-available',
      { quota: left + 1, available: left, capacity: 1000 },
      `quota ${left + 1} exceeds the ${left} IDs left`,
      'GET /v1/capacity',
      'PATCH /v1/sets/{sid}',
    );
  });

  it('for an owner that has a set is 409 EEXIST naming the owner, its set and how to destroy it', async () => {
    const set = await newSet();
    const again = await t.admin.post('/v1/sets', { owner: set.owner, quota: 1 });
    expectRefusal(
      again,
      409,
      'EEXIST',
      'owner-exists',
      { owner: set.owner, sid: set.sid },
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
        'system-set-exists',
        { sid: system.sid },
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
        'system-set-dying',
        { sid: system.sid, count: 1 },
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
      'set-quota',
      { sid: set.sid, quota: 1, count: 1 },
      `set ${set.sid} is at its quota of 1 IDs`,
      'DELETE /v1/ioasids/{id}',
      `PATCH /v1/sets/${set.sid}`,
    );
    expectRefusal(
      await t.as(set.secret).post(`/v1/sets/${set.sid}/ioasids`, { min: 0, max: 999, count: 2 }),
      409,
      'ENOSPC',
      'batch-over-quota',
      { sid: set.sid, count: 1, quota: 1, requested: 2 },
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
      'no-spid',
      { id },
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
      'spid-not-mapped',
      { sid: set.sid, spid: 77 },
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
      'spid-in-use',
      { spid: 5, sid: set.sid, id: second, mappedId: first },
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
      'lease-other-set',
      { lease, leaseSid: a.sid, id: idOfB, sid: b.sid },
      `lease ${lease} was created by set ${a.sid}`,
      `ID ${idOfB} belongs to set ${b.sid}`,
      `use a lease created with set ${b.sid}'s secret`,
    );
    await t.admin.delete(`/v1/leases/${lease}`);
  });

  it('taking one on a free-pending ID is 409 EBUSY pointing to dropping the references', async () => {
    const set = await newSet();
    const id = await allocId(set.sid);
    const { lease } = (await t.admin.post('/v1/leases', { ttlMs: 600_000 })).body;
    expect((await t.admin.post(`/v1/ioasids/${id}/refs`, { lease })).status).toBe(204);
    expect((await t.admin.delete(`/v1/ioasids/${id}`)).status).toBe(204);
    expectRefusal(
      await t.admin.post(`/v1/ioasids/${id}/refs`, { lease }),
      409,
      'EBUSY',
      'free-pending',
      { id },
      `ID ${id} is free-pending`,
      `DELETE /v1/ioasids/${id}/refs`,
    );
    await t.admin.delete(`/v1/leases/${lease}`);
  });

  it('dropping one the lease does not hold is 404 ENOENT pointing to POST /v1/ioasids/{id}/refs', async () => {
    const set = await newSet();
    const id = await allocId(set.sid);
    const { lease } = (await t.admin.post('/v1/leases', { ttlMs: 600_000 })).body;
    expectRefusal(
      await t.admin.delete(`/v1/ioasids/${id}/refs?lease=${lease}`),
      404,
      'ENOENT',
      'no-lease-ref',
      { lease, id },
      `lease ${lease} holds no reference on ID ${id}`,
      `POST /v1/ioasids/${id}/refs`,
    );
    await t.admin.delete(`/v1/leases/${lease}`);
  });

  it('with a lease that does not exist is 404 ENOENT pointing to POST /v1/leases', async () => {
    const lease = 'x'.repeat(22);
    expectRefusal(
      await t.admin.post(`/v1/leases/${lease}/keepalive`),
      404,
      'ENOENT',
      'no-lease',
      { lease },
      `lease ${lease} does not exist`,
      'POST /v1/leases',
    );
  });
});

describe('quotas', () => {
  it('below the count of IDs is 400 EINVAL pointing to DELETE /v1/ioasids/{id}', async () => {
    const set = await newSet(5);
    await allocId(set.sid);
    await allocId(set.sid);
    expectRefusal(
      await t.admin.patch(`/v1/sets/${set.sid}`, { quota: 1 }),
      400,
      'EINVAL',
      'quota-below-count',
      { sid: set.sid, quota: 1, count: 2 },
      `set ${set.sid} holds 2 IDs, more than the new quota 1`,
      'DELETE /v1/ioasids/{id}',
      'a quota >= 2',
    );
  });

  it('growing beyond what is left is 409 ENOSPC pointing to shrinking or destroying another set', async () => {
    const set = await newSet(5);
    const left = (await t.admin.get('/v1/capacity')).body.available;
    expectRefusal(
      await t.admin.patch(`/v1/sets/${set.sid}`, { quota: 5 + left + 1 }),
      409,
      'ENOSPC',
      'growth-above-available',
      { sid: set.sid, quota: 5 + left + 1, growth: left + 1, available: left, capacity: 1000 },
      `set ${set.sid} cannot grow by ${left + 1} IDs`,
      'PATCH /v1/sets/{sid}',
      'DELETE /v1/sets/{sid}?destroy=true',
    );
  });
});

describe("the server's own refusals", () => {
  it('data over 4 KiB is 400 EINVAL with its size and the limit', async () => {
    const set = await newSet();
    const id = await allocId(set.sid);
    const data = 'x'.repeat(5000);
    expectRefusal(
      await t.admin.put(`/v1/ioasids/${id}/data`, { data }),
      400,
      'EINVAL',
      'data-too-large',
      { bytes: 5002, limit: 4096 },
      'data is 5002 bytes of JSON, more than the 4096 allowed',
      'store a key to your own data instead',
    );
  });

  it('a reserved event type is 400 EINVAL naming the reserved ones', async () => {
    const set = await newSet();
    const id = await allocId(set.sid);
    expectRefusal(
      await t.admin.post(`/v1/ioasids/${id}/notify`, { type: 'alloc' }),
      400,
      'EINVAL',
      'reserved-event-type',
      { type: 'alloc', reserved: 'alloc, free, reset, lease-expired' },
      'event type "alloc" is reserved',
      'choose another',
    );
  });

  it('a schema violation is 400 EINVAL naming the field and the rule it broke (wrong-type)', async () => {
    expectRefusal(
      await t.admin.post('/v1/sets', { owner: 'v', quota: '1' }),
      400,
      'EINVAL',
      'wrong-type',
      { field: 'body.quota' },
      'body.quota must be an integer',
    );
  });

  it('a wrong method is 405 and an unknown path 404, each naming what exists', async () => {
    expectRefusal(
      await t.admin.post('/v1/capacity', { capacity: 1 }),
      405,
      'EINVAL',
      'method-not-allowed',
      { method: 'POST', path: '/v1/capacity', allowed: 'GET, HEAD, PUT' },
      'POST is not allowed on /v1/capacity; use GET, HEAD, PUT',
    );
    expectRefusal(
      await t.admin.get('/v1/pasids'),
      404,
      'ENOENT',
      'no-route',
      { method: 'GET', path: '/v1/pasids' },
      'there is no route GET /v1/pasids',
      '/openapi.json',
    );
  });
});
