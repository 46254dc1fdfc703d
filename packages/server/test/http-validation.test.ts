// Bad input on every route is refused before it reaches the allocator: 400 EINVAL for wrong types,
// missing or extra fields, out-of-range or huge numbers, malformed JSON and non-canonical path numbers;
// 413 for oversized bodies, 415 for other media types, 405 and 404 for wrong methods and paths.
// After every refusal the state is exactly what it was.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loose } from './support/client.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './support/server.js';
import { observe } from './support/state.js';

let t: TestServer;
let sid: number;
let id: number;
let lease: string;
beforeAll(async () => {
  t = await startTestServer({ capacity: 1000 });
  sid = (await t.admin.post('/v1/sets', { owner: 'fixture', quota: 10 })).body.sid;
  id = (await t.admin.post(`/v1/sets/${sid}/ioasids`, { min: 0, max: 100 })).body.id;
  lease = (await t.admin.post('/v1/leases', { ttlMs: 600_000 })).body.lease;
});
afterAll(() => t.stop());

interface Case {
  name: string;
  method: string;
  path: () => string;
  /** An object is sent as JSON; a string is sent as is. */
  body?: unknown;
  contentType?: string;
  status: number;
  code?: string;
  message?: RegExp;
}

const big = 'x'.repeat(70_000);
const cases: Case[] = [
  // Bodies: missing, extra, wrong types, out of range.
  {
    name: 'set without owner',
    method: 'POST',
    path: () => '/v1/sets',
    body: { quota: 1 },
    status: 400,
    message: /missing the required field "owner"/,
  },
  {
    name: 'set without quota',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'a' },
    status: 400,
    message: /"quota"/,
  },
  {
    name: 'set with an extra field',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'a', quota: 1, color: 'red' },
    status: 400,
    // The advice once, not twice (it used to be in the sentence and appended again).
    message:
      /^body has an unknown field "color"; remove it \(the fields of each route are listed in GET \/openapi\.json\)$/,
  },
  {
    name: 'owner of the wrong type',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 5, quota: 1 },
    status: 400,
    message: /body\.owner must be of type string, not 5/,
  },
  {
    name: 'empty owner',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: '', quota: 1 },
    status: 400,
    message: /body\.owner/,
  },
  {
    name: 'owner over 128 characters',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'o'.repeat(129), quota: 1 },
    status: 400,
    message: /body\.owner/,
  },
  {
    name: 'quota as a string',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'a', quota: '1' },
    status: 400,
    message: /body\.quota must be an integer, not "1"/,
  },
  {
    name: 'negative quota',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'a', quota: -1 },
    status: 400,
    message: /body\.quota must be >= 0, not -1/,
  },
  {
    name: 'fractional quota',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'a', quota: 1.5 },
    status: 400,
    message: /integer/,
  },
  {
    name: 'quota of 2^32',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'a', quota: 2 ** 32 },
    status: 400,
    message: /<= 4294967295/,
  },
  {
    name: 'quota of 1e400 (Infinity)',
    method: 'POST',
    path: () => '/v1/sets',
    body: '{"owner":"a","quota":1e400}',
    status: 400,
    message: /not Infinity/,
  },
  {
    name: 'quota beyond 2^53',
    method: 'POST',
    path: () => '/v1/sets',
    body: '{"owner":"a","quota":9007199254740993}',
    status: 400,
  },
  {
    name: 'quota true',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'a', quota: true },
    status: 400,
  },
  {
    name: 'quota null',
    method: 'POST',
    path: () => '/v1/sets',
    body: { owner: 'a', quota: null },
    status: 400,
  },
  {
    name: 'a JSON array',
    method: 'POST',
    path: () => '/v1/sets',
    body: '[1,2]',
    status: 400,
    message: /body must be of type object/,
  },
  { name: 'JSON null', method: 'POST', path: () => '/v1/sets', body: 'null', status: 400 },
  { name: 'a JSON string', method: 'POST', path: () => '/v1/sets', body: '"vm"', status: 400 },
  {
    name: 'malformed JSON',
    method: 'POST',
    path: () => '/v1/sets',
    body: '{"owner":"a",',
    status: 400,
    message: /not valid JSON \(.*JSON/,
  },
  { name: 'an empty JSON body', method: 'POST', path: () => '/v1/sets', body: '', status: 400 },
  {
    name: 'a __proto__ key',
    method: 'POST',
    path: () => '/v1/sets',
    body: '{"owner":"a","quota":1,"__proto__":{"x":1}}',
    status: 400,
    message: /__proto__/,
  },
  {
    name: 'a body over 64 KiB',
    method: 'POST',
    path: () => '/v1/sets',
    body: JSON.stringify({ owner: big, quota: 1 }),
    status: 413,
    message: /64 KiB/,
  },
  {
    name: 'text/plain',
    method: 'POST',
    path: () => '/v1/sets',
    body: 'owner=a',
    contentType: 'text/plain',
    status: 415,
    message: /application\/json/,
  },
  {
    name: 'form encoding',
    method: 'POST',
    path: () => '/v1/sets',
    body: 'owner=a&quota=1',
    contentType: 'application/x-www-form-urlencoded',
    status: 415,
  },
  {
    name: 'capacity 0',
    method: 'PUT',
    path: () => '/v1/capacity',
    body: { capacity: 0 },
    status: 400,
    message: /body\.capacity must be >= 1/,
  },
  {
    name: 'capacity 2^32',
    method: 'PUT',
    path: () => '/v1/capacity',
    body: { capacity: 2 ** 32 },
    status: 400,
  },
  { name: 'capacity missing', method: 'PUT', path: () => '/v1/capacity', body: {}, status: 400 },
  {
    name: 'system set with an owner',
    method: 'POST',
    path: () => '/v1/sets/system',
    body: { quota: 1, owner: 'x' },
    status: 400,
    message: /unknown field "owner"/,
  },
  {
    name: 'quota change of the wrong type',
    method: 'PATCH',
    path: () => `/v1/sets/${sid}`,
    body: { quota: 'many' },
    status: 400,
  },
  {
    name: 'alloc without max',
    method: 'POST',
    path: () => `/v1/sets/${sid}/ioasids`,
    body: { min: 0 },
    status: 400,
    message: /"max"/,
  },
  {
    name: 'alloc with max 2^32',
    method: 'POST',
    path: () => `/v1/sets/${sid}/ioasids`,
    body: { min: 0, max: 2 ** 32 },
    status: 400,
  },
  {
    name: 'alloc with negative min',
    method: 'POST',
    path: () => `/v1/sets/${sid}/ioasids`,
    body: { min: -1, max: 5 },
    status: 400,
  },
  {
    name: 'alloc with min above max',
    method: 'POST',
    path: () => `/v1/sets/${sid}/ioasids`,
    body: { min: 9, max: 5 },
    status: 400,
    message: /range/,
  },
  {
    name: 'alloc with count 0',
    method: 'POST',
    path: () => `/v1/sets/${sid}/ioasids`,
    body: { min: 0, max: 5, count: 0 },
    status: 400,
  },
  {
    name: 'alloc with count 65537',
    method: 'POST',
    path: () => `/v1/sets/${sid}/ioasids`,
    body: { min: 0, max: 5, count: 65_537 },
    status: 400,
  },
  {
    name: 'alloc with an extra field',
    method: 'POST',
    path: () => `/v1/sets/${sid}/ioasids`,
    body: { min: 0, max: 5, sid: 1 },
    status: 400,
  },
  {
    name: 'alloc with data over 4 KiB',
    method: 'POST',
    path: () => `/v1/sets/${sid}/ioasids`,
    body: { min: 0, max: 5, data: 'd'.repeat(5000) },
    status: 400,
    message: /4096/,
  },
  {
    name: 'data without data',
    method: 'PUT',
    path: () => `/v1/ioasids/${id}/data`,
    body: {},
    status: 400,
    message: /"data"/,
  },
  {
    name: 'data over 4 KiB',
    method: 'PUT',
    path: () => `/v1/ioasids/${id}/data`,
    body: { data: { big: 'd'.repeat(4100) } },
    status: 400,
  },
  {
    name: 'spid 0xFFFFFFFF',
    method: 'PUT',
    path: () => `/v1/ioasids/${id}/spid`,
    body: { spid: 0xffffffff },
    status: 400,
  },
  {
    name: 'spid as a string',
    method: 'PUT',
    path: () => `/v1/ioasids/${id}/spid`,
    body: { spid: '3' },
    status: 400,
  },
  {
    name: 'notify in capitals',
    method: 'POST',
    path: () => `/v1/ioasids/${id}/notify`,
    body: { type: 'BIND' },
    status: 400,
    message: /must match/,
  },
  {
    name: 'notify with an empty type',
    method: 'POST',
    path: () => `/v1/ioasids/${id}/notify`,
    body: { type: '' },
    status: 400,
  },
  {
    name: 'notify with a 65-character type',
    method: 'POST',
    path: () => `/v1/ioasids/${id}/notify`,
    body: { type: 'a'.repeat(65) },
    status: 400,
  },
  {
    name: 'lease TTL under 1 s',
    method: 'POST',
    path: () => '/v1/leases',
    body: { ttlMs: 999 },
    status: 400,
    message: /body\.ttlMs must be >= 1000/,
  },
  {
    name: 'lease TTL over 10 min',
    method: 'POST',
    path: () => '/v1/leases',
    body: { ttlMs: 600_001 },
    status: 400,
  },
  {
    name: 'reference without lease',
    method: 'POST',
    path: () => `/v1/ioasids/${id}/refs`,
    body: {},
    status: 400,
  },
  {
    name: 'reference with a malformed lease',
    method: 'POST',
    path: () => `/v1/ioasids/${id}/refs`,
    body: { lease: 'short' },
    status: 400,
  },
  // Paths and query strings: only canonical decimal numbers, in range.
  {
    name: 'a set ID that is a word',
    method: 'GET',
    path: () => '/v1/sets/abc',
    status: 400,
    message: /params\.sid must be an integer, not "abc"/,
  },
  { name: 'a negative set ID', method: 'GET', path: () => '/v1/sets/-1', status: 400 },
  { name: 'a set ID with a leading zero', method: 'GET', path: () => '/v1/sets/01', status: 400 },
  { name: 'a hexadecimal set ID', method: 'GET', path: () => '/v1/sets/0x1', status: 400 },
  { name: 'a set ID in exponent form', method: 'GET', path: () => '/v1/sets/1e3', status: 400 },
  { name: 'a set ID with a space', method: 'GET', path: () => '/v1/sets/%201', status: 400 },
  { name: 'a set ID of 2^31', method: 'GET', path: () => '/v1/sets/2147483648', status: 400 },
  {
    name: 'a huge set ID',
    method: 'GET',
    path: () => '/v1/sets/123456789012345678901234567890',
    status: 400,
  },
  { name: 'an ID of 0xFFFFFFFF', method: 'GET', path: () => '/v1/ioasids/4294967295', status: 400 },
  {
    name: 'a spid of 0xFFFFFFFF in a path',
    method: 'GET',
    path: () => `/v1/sets/${sid}/spids/4294967295`,
    status: 400,
  },
  {
    name: 'destroy=1',
    method: 'DELETE',
    path: () => `/v1/sets/${sid}?destroy=1`,
    status: 400,
    message: /querystring\.destroy/,
  },
  { name: 'destroy=TRUE', method: 'DELETE', path: () => `/v1/sets/${sid}?destroy=TRUE`, status: 400 },
  {
    name: 'an unknown query parameter',
    method: 'DELETE',
    path: () => `/v1/sets/${sid}?force=true`,
    status: 400,
    message: /unknown field "force"/,
  },
  {
    name: 'dropping a reference without a lease',
    method: 'DELETE',
    path: () => `/v1/ioasids/${id}/refs`,
    status: 400,
  },
  {
    name: 'keepalive of a malformed lease',
    method: 'POST',
    path: () => '/v1/leases/nope/keepalive',
    status: 400,
  },
  { name: 'events after -1', method: 'GET', path: () => '/v1/events?after=-1', status: 400 },
  { name: 'events after a word', method: 'GET', path: () => '/v1/events?after=latest', status: 400 },
  { name: 'events for a set ID that is a word', method: 'GET', path: () => '/v1/events?sid=me', status: 400 },
  // Methods and paths.
  {
    name: 'DELETE on /v1/capacity',
    method: 'DELETE',
    path: () => '/v1/capacity',
    status: 405,
    message: /use GET, HEAD, PUT/,
  },
  { name: 'PUT on /v1/sets', method: 'PUT', path: () => '/v1/sets', body: {}, status: 405 },
  { name: 'POST on an ID', method: 'POST', path: () => `/v1/ioasids/${id}`, body: {}, status: 405 },
  { name: 'DELETE on /v1/leases', method: 'DELETE', path: () => '/v1/leases', status: 405 },
  { name: 'PUT on /v1/map', method: 'PUT', path: () => '/v1/map', body: {}, status: 405 },
  {
    name: 'an unknown path',
    method: 'GET',
    path: () => '/v1/pasids',
    status: 404,
    code: 'ENOENT',
    message: /no route GET \/v1\/pasids/,
  },
  { name: 'another version', method: 'GET', path: () => '/v2/sets', status: 404, code: 'ENOENT' },
];

describe('refused input', () => {
  it.each(cases)('answers $status to $name and changes nothing', async (c) => {
    const before = observe(t.server.engine);
    const body =
      c.body === undefined ? undefined : typeof c.body === 'string' ? c.body : JSON.stringify(c.body);
    const res = await t.admin.raw(c.method, c.path(), body, c.contentType);
    expect(res.status).toBe(c.status);
    expect(res.body.error.code).toBe(c.code ?? 'EINVAL');
    expect(res.body.error.errno).toBe(c.code === 'ENOENT' ? 2 : 22);
    expect(res.body.error.message.length).toBeGreaterThan(10);
    if (c.message) expect(res.body.error.message).toMatch(c.message);
    if (c.status === 405) expect(res.headers.get('allow')).toBeTruthy();
    await t.server.engine.durable();
    expect(observe(t.server.engine)).toEqual(before);
  });

  it('refuses a non-numeric Last-Event-ID with 400 EINVAL', async () => {
    const res = await fetch(`${t.url}/v1/events`, {
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'last-event-id': 'x1' },
    });
    expect(res.status).toBe(400);
    expect(((await res.json()) as Loose).error).toMatchObject({
      code: 'EINVAL',
      message: expect.stringMatching(/Last-Event-ID/),
    });
  });

  it('still serves the fixture after all of that', async () => {
    expect((await t.admin.get(`/v1/ioasids/${id}`)).body).toMatchObject({ id, sid, state: 'active' });
    expect((await t.admin.post(`/v1/leases/${lease}/keepalive`)).status).toBe(200);
  });
});
