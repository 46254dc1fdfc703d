// Access control over HTTP: no or unknown credential is 401 EPERM; a set secret reaches only its own set,
// IDs and leases (403 EACCES otherwise) and no admin-only route; secrets never reach the logs.

import { Writable } from 'node:stream';
import { createLogger } from '@ioasid/server';
import { ERROR_CODES } from 'ioasid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Api, Loose } from './support/client.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './support/server.js';
import { openStream } from './support/sse.js';

let logs = '';
const sink = new Writable({
  write(chunk, _encoding, done) {
    logs += chunk.toString();
    done();
  },
});

let t: TestServer;
let a: { sid: number; secret: string };
let b: { sid: number; secret: string };
let idA: number;
let idB: number;
let asA: Api;
beforeAll(async () => {
  t = await startTestServer({ capacity: 1000, logger: createLogger({ level: 'trace', destination: sink }) });
  a = (await t.admin.post('/v1/sets', { owner: 'vm-a', quota: 10 })).body;
  b = (await t.admin.post('/v1/sets', { owner: 'vm-b', quota: 10 })).body;
  idA = (await t.admin.post(`/v1/sets/${a.sid}/ioasids`, { min: 0, max: 999 })).body.id;
  idB = (await t.admin.post(`/v1/sets/${b.sid}/ioasids`, { min: 0, max: 999 })).body.id;
  asA = t.as(a.secret);
});
afterAll(() => t.stop());

const expectError = (
  res: { status: number; body: { error: { code: string } } },
  status: number,
  code: string,
) => expect([res.status, res.body.error.code]).toEqual([status, code]);

describe('credentials', () => {
  it('answers 401 EPERM without a credential, on every /v1 route', async () => {
    const anonymous = t.as(null);
    const routes: [string, string][] = [
      ['GET', '/v1/capacity'],
      ['PUT', '/v1/capacity'],
      ['POST', '/v1/sets'],
      ['POST', '/v1/sets/system'],
      ['GET', '/v1/sets'],
      ['GET', `/v1/sets/${a.sid}`],
      ['PATCH', `/v1/sets/${a.sid}`],
      ['DELETE', `/v1/sets/${a.sid}`],
      ['GET', `/v1/sets/${a.sid}/ioasids`],
      ['POST', `/v1/sets/${a.sid}/ioasids`],
      ['GET', `/v1/sets/${a.sid}/spids/1`],
      ['GET', `/v1/ioasids/${idA}`],
      ['DELETE', `/v1/ioasids/${idA}`],
      ['PUT', `/v1/ioasids/${idA}/data`],
      ['PUT', `/v1/ioasids/${idA}/spid`],
      ['DELETE', `/v1/ioasids/${idA}/spid`],
      ['POST', `/v1/ioasids/${idA}/notify`],
      ['POST', '/v1/leases'],
      ['POST', `/v1/leases/${'x'.repeat(22)}/keepalive`],
      ['DELETE', `/v1/leases/${'x'.repeat(22)}`],
      ['POST', `/v1/ioasids/${idA}/refs`],
      ['DELETE', `/v1/ioasids/${idA}/refs?lease=${'x'.repeat(22)}`],
      ['GET', '/v1/events'],
      ['GET', '/v1/map'],
      ['GET', '/v1/history'],
      ['GET', '/v1/instances'],
      ['GET', '/v1/leases'],
      ['GET', `/v1/ioasids/${idA}/refs`],
      ['GET', `/v1/sets/${a.sid}/events`],
      ['GET', `/v1/sets/${a.sid}/ioasid-details`],
    ];
    for (const [method, path] of routes) {
      const res = await anonymous.raw(method, path, method === 'GET' ? undefined : '{}');
      expect([method, path, res.status, res.body.error.code]).toEqual([method, path, 401, 'EPERM']);
      expect(res.body.error.errno).toBe(ERROR_CODES.EPERM.errno);
      expect(res.body.error.reason).toBe('no-credential');
      expect(res.body.error.values).toEqual({ method, route: path.split('?')[0] });
    }
    expect((await anonymous.get(`/v1/ioasids/${idA}`)).body.error.message).toMatch(/Authorization: Bearer/);
  });

  it('answers 401 EPERM to an unknown secret and to a malformed header', async () => {
    const unknown = await t.as('not-a-secret-of-this-server').get('/v1/capacity');
    expectError(unknown, 401, 'EPERM');
    expect([unknown.body.error.reason, unknown.body.error.values]).toEqual(['unknown-credential', {}]);
    expect(unknown.body.error.message).toContain('POST /v1/sets');
    const basic = await fetch(`${t.url}/v1/capacity`, { headers: { authorization: `Basic ${ADMIN_TOKEN}` } });
    expect(basic.status).toBe(401);
    const body = (await basic.json()) as Loose;
    expect(body.error.message).toMatch(/Bearer/);
    expect(body.error.reason).toBe('malformed-authorization');
  });

  it('lets nobody in with a destroyed set’s secret', async () => {
    const gone = (await t.admin.post('/v1/sets', { owner: 'short-lived', quota: 1 })).body;
    expect((await t.as(gone.secret).get(`/v1/sets/${gone.sid}`)).status).toBe(200);
    await t.admin.delete(`/v1/sets/${gone.sid}?destroy=true`);
    expectError(await t.as(gone.secret).get(`/v1/sets/${gone.sid}`), 401, 'EPERM');
  });
});

describe('a set secret', () => {
  it('reads, allocates, annotates and frees in its own set', async () => {
    expect((await asA.get(`/v1/sets/${a.sid}`)).status).toBe(200);
    expect((await asA.get('/v1/sets')).body.sets.map((s: { sid: number }) => s.sid)).toEqual([a.sid]);
    expect((await asA.get('/v1/capacity')).status).toBe(200);
    const { id } = (await asA.post(`/v1/sets/${a.sid}/ioasids`, { min: 0, max: 999 })).body;
    expect((await asA.put(`/v1/ioasids/${id}/data`, { data: 'mine' })).status).toBe(204);
    expect((await asA.put(`/v1/ioasids/${id}/spid`, { spid: 9 })).status).toBe(204);
    expect((await asA.get(`/v1/sets/${a.sid}/spids/9`)).body).toEqual({ id });
    expect((await asA.post(`/v1/ioasids/${id}/notify`, { type: 'mine' })).status).toBe(200);
    expect((await asA.delete(`/v1/ioasids/${id}/spid`)).status).toBe(204);
    expect((await asA.delete(`/v1/ioasids/${id}`)).status).toBe(204);
    expect((await asA.delete(`/v1/sets/${a.sid}?destroy=false`)).status).toBe(204);
    idA = (await asA.post(`/v1/sets/${a.sid}/ioasids`, { min: 0, max: 999 })).body.id;
  });

  it('gets 403 EACCES on another set and its IDs', async () => {
    expectError(await asA.get(`/v1/sets/${b.sid}`), 403, 'EACCES');
    expectError(await asA.get(`/v1/sets/${b.sid}/ioasids`), 403, 'EACCES');
    expectError(await asA.post(`/v1/sets/${b.sid}/ioasids`, { min: 0, max: 999 }), 403, 'EACCES');
    expectError(await asA.get(`/v1/sets/${b.sid}/spids/1`), 403, 'EACCES');
    expectError(await asA.delete(`/v1/sets/${b.sid}`), 403, 'EACCES');
    expectError(await asA.get(`/v1/ioasids/${idB}`), 403, 'EACCES');
    expectError(await asA.delete(`/v1/ioasids/${idB}`), 403, 'EACCES');
    expectError(await asA.put(`/v1/ioasids/${idB}/data`, { data: 1 }), 403, 'EACCES');
    expectError(await asA.put(`/v1/ioasids/${idB}/spid`, { spid: 1 }), 403, 'EACCES');
    expectError(await asA.delete(`/v1/ioasids/${idB}/spid`), 403, 'EACCES');
    expectError(await asA.post(`/v1/ioasids/${idB}/notify`, { type: 'x' }), 403, 'EACCES');
    const res = await asA.get(`/v1/ioasids/${idB}`);
    expect(res.body.error.message).toMatch(new RegExp(`belongs to set ${b.sid}`));
    expect(res.body.error.message).toContain(`use set ${b.sid}'s secret or the admin token`);
    expect([res.body.error.reason, res.body.error.values]).toEqual([
      'foreign-id',
      { id: idB, owner: b.sid, sid: a.sid },
    ]);
    const other = await asA.get(`/v1/sets/${b.sid}`);
    expect([other.body.error.reason, other.body.error.values]).toEqual([
      'other-set',
      { sid: b.sid, callerSid: a.sid },
    ]);
    // Nothing of set B changed.
    expect((await t.admin.get(`/v1/ioasids/${idB}`)).body).toMatchObject({
      id: idB,
      state: 'active',
      data: null,
    });
  });

  it('gets 403 EACCES on the admin-only routes', async () => {
    expectError(await asA.put('/v1/capacity', { capacity: 5 }), 403, 'EACCES');
    expectError(await asA.post('/v1/sets', { owner: 'x', quota: 1 }), 403, 'EACCES');
    expectError(await asA.post('/v1/sets/system', { quota: 1 }), 403, 'EACCES');
    expectError(await asA.patch(`/v1/sets/${a.sid}`, { quota: 5 }), 403, 'EACCES');
    expectError(await asA.get('/v1/instances'), 403, 'EACCES');
    const destroy = await asA.delete(`/v1/sets/${a.sid}?destroy=true`);
    expectError(destroy, 403, 'EACCES');
    expect(destroy.body.error.message).toMatch(/admin token/);
    expect([destroy.body.error.reason, destroy.body.error.values]).toEqual([
      'admin-only',
      { action: 'destroying a set', sid: a.sid },
    ]);
    const route = await asA.put('/v1/capacity', { capacity: 5 });
    expect([route.body.error.reason, route.body.error.values]).toEqual([
      'admin-only',
      { action: 'PUT /v1/capacity', sid: a.sid },
    ]);
    expect((await t.admin.get(`/v1/sets/${a.sid}`)).body.dying).toBe(false);
  });

  it('uses only its own leases, and references only its own IDs with them', async () => {
    const own = (await asA.post('/v1/leases', { ttlMs: 60_000 })).body.lease;
    const admins = (await t.admin.post('/v1/leases', { ttlMs: 60_000 })).body.lease;
    const other = (await t.as(b.secret).post('/v1/leases', { ttlMs: 60_000 })).body.lease;
    expect((await asA.post(`/v1/ioasids/${idA}/refs`, { lease: own })).status).toBe(204);
    expectError(await asA.post(`/v1/ioasids/${idB}/refs`, { lease: own }), 403, 'EACCES');
    expectError(await asA.post(`/v1/ioasids/${idA}/refs`, { lease: other }), 403, 'EACCES');
    expectError(await asA.post(`/v1/ioasids/${idA}/refs`, { lease: admins }), 403, 'EACCES');
    expectError(await asA.post(`/v1/leases/${other}/keepalive`), 403, 'EACCES');
    expectError(await asA.delete(`/v1/leases/${other}`), 403, 'EACCES');
    expectError(await asA.delete(`/v1/ioasids/${idA}/refs?lease=${other}`), 403, 'EACCES');
    // The admin may use any lease, but a set's lease only holds that set's IDs.
    expectError(await t.admin.post(`/v1/ioasids/${idB}/refs`, { lease: own }), 403, 'EACCES');
    expect((await asA.delete(`/v1/ioasids/${idA}/refs?lease=${own}`)).body).toEqual({ released: false });
    expect((await asA.delete(`/v1/leases/${own}`)).status).toBe(204);
  });

  it('may not open the event stream of another set', async () => {
    await expect(openStream(t.url, { secret: a.secret, query: { sid: b.sid } })).rejects.toMatchObject({
      status: 403,
    });
  });
});

describe('logs', () => {
  it('never contain the admin token or a set secret, from headers or the access_token parameter', async () => {
    await asA.get(`/v1/sets/${a.sid}`);
    await t.as('wrong-secret-value-123').get('/v1/capacity');
    const stream = await openStream(t.url, { secret: a.secret, tokenInQuery: true });
    stream.close();
    await t.admin.get(`/v1/nothing?access_token=${a.secret}`);
    await t.admin.raw('POST', `/v1/sets`, '{broken');
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(logs.length).toBeGreaterThan(0);
    expect(logs).toContain('[Redacted]');
    for (const secret of [ADMIN_TOKEN, a.secret, b.secret]) expect(logs).not.toContain(secret);
  });
});
