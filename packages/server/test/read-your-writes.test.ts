// Reading your own writes: every 2xx answer of the API carries `ioasid-seq`, the namespace's sequence
// number after its commit, and a GET with `?min_seq=N` or `ioasid-min-seq: N` is answered only once the
// instance has seen N (else 503 EAGAIN `seq-not-reached` after the wait).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Loose } from './support/client.js';
import { ADMIN_TOKEN, startTestServer, type TestServer } from './support/server.js';

const WAIT_MS = 400;
let t: TestServer;
let sid: number;

beforeAll(async () => {
  t = await startTestServer({ capacity: 1000, minSeqWaitMs: WAIT_MS });
  sid = (await t.admin.post('/v1/sets', { owner: 'vm-a', quota: 100 })).body.sid;
});
afterAll(() => t.stop());

const seqOf = (headers: Headers) => {
  const value = headers.get('ioasid-seq');
  return value === null ? null : Number(value);
};

/** The last committed sequence number as /metrics reports it. */
async function metricsSeq(): Promise<number> {
  const text = await (await fetch(`${t.url}/metrics`)).text();
  return Number(/^ioasid_event_seq (\d+)$/m.exec(text)?.[1]);
}

/** A GET with the admin token: status, headers and the parsed body. */
async function get(path: string, headers: Record<string, string> = {}) {
  const res = await fetch(t.url + path, { headers: { authorization: `Bearer ${ADMIN_TOKEN}`, ...headers } });
  return { status: res.status, headers: res.headers, json: async (): Promise<Loose> => res.json() };
}

describe('ioasid-seq', () => {
  it('is on every 2xx answer of a mutation: the sequence number of its own last event', async () => {
    const before = await metricsSeq();
    const one = await t.admin.post(`/v1/sets/${sid}/ioasids`, { min: 1, max: 999 });
    expect(one.status).toBe(201);
    expect(seqOf(one.headers)).toBe(before + 1);
    const many = await t.admin.post(`/v1/sets/${sid}/ioasids`, { min: 1, max: 999, count: 5 });
    expect(seqOf(many.headers)).toBe(before + 6);
    const freed = await t.admin.delete(`/v1/ioasids/${one.body.id}`);
    expect(freed.status).toBe(204);
    expect(seqOf(freed.headers)).toBe(before + 7);
    expect(await metricsSeq()).toBe(before + 7);
  });

  it('stays the same for a mutation without events, and is on reads too', async () => {
    const seq = await metricsSeq();
    const patched = await t.admin.patch(`/v1/sets/${sid}`, { quota: 120 });
    expect(patched.status).toBe(200);
    expect(seqOf(patched.headers)).toBe(seq);
    expect(seqOf((await t.admin.get('/v1/sets')).headers)).toBe(seq);
  });

  it('is not on error answers nor outside the API', async () => {
    const missing = await t.admin.get('/v1/sets/999999');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('ioasid-seq')).toBeNull();
    expect((await fetch(`${t.url}/healthz`)).headers.get('ioasid-seq')).toBeNull();
  });
});

describe('min_seq', () => {
  it('answers at once when the instance has seen the sequence number, by query or header', async () => {
    const seq = await metricsSeq();
    for (const answer of [
      await get(`/v1/capacity?min_seq=${seq}`),
      await get('/v1/capacity', { 'ioasid-min-seq': String(seq) }),
      await get(`/v1/sets/${sid}/ioasids?min_seq=0`),
    ]) {
      expect(answer.status).toBe(200);
      expect(seqOf(answer.headers)).toBe(seq);
    }
  });

  it('waits for a commit that brings the sequence number, then answers with it', async () => {
    const seq = await metricsSeq();
    const waiting = get(`/v1/sets/${sid}/ioasids?min_seq=${seq + 1}`);
    let settled = false;
    void waiting.then(() => {
      settled = true;
    });
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(settled).toBe(false);
    const alloc = await t.admin.post(`/v1/sets/${sid}/ioasids`, { min: 1, max: 999 });
    const answer = await waiting;
    expect(answer.status).toBe(200);
    expect(seqOf(answer.headers)).toBe(seq + 1);
    expect((await answer.json()).ids).toContain(alloc.body.id);
  });

  it('answers 503 EAGAIN seq-not-reached when the wait runs out, with what it had seen', async () => {
    const seq = await metricsSeq();
    const answer = await get('/v1/capacity', { 'ioasid-min-seq': String(seq + 1000) });
    expect(answer.status).toBe(503);
    const body = await answer.json();
    expect(body.error).toMatchObject({ code: 'EAGAIN', reason: 'seq-not-reached' });
    expect(body.error.values.minSeq).toBe(seq + 1000);
    expect(body.error.values.seq).toBe(seq);
    expect(body.error.values.waitedMs).toBeGreaterThanOrEqual(WAIT_MS - 5);
    expect(body.error.message).toContain(`not yet ${seq + 1000}`);
  });

  it('takes the larger of the query and the header', async () => {
    const seq = await metricsSeq();
    const answer = await get(`/v1/capacity?min_seq=0`, { 'ioasid-min-seq': String(seq + 1000) });
    expect(answer.status).toBe(503);
  });

  it('refuses a malformed value with 400 EINVAL', async () => {
    const header = await get('/v1/capacity', { 'ioasid-min-seq': '0x10' });
    expect(header.status).toBe(400);
    expect((await header.json()).error).toMatchObject({
      code: 'EINVAL',
      reason: 'invalid-min-seq',
      values: { value: '0x10' },
    });
    for (const value of ['01', '-1', '1.5', 'abc']) {
      const query = await get(`/v1/capacity?min_seq=${value}`);
      expect(query.status, value).toBe(400);
      expect((await query.json()).error.code).toBe('EINVAL');
    }
  });

  it('is documented on every GET of the API in the OpenAPI document, and on nothing else', async () => {
    const doc: Loose = await (await fetch(`${t.url}/openapi.json`)).json();
    let gets = 0;
    for (const [path, item] of Object.entries<Record<string, { parameters?: { name: string }[] }>>(
      doc.paths,
    )) {
      for (const [method, operation] of Object.entries(item)) {
        const has = (operation.parameters ?? []).some((p) => p.name === 'min_seq');
        expect(has, `${method} ${path}`).toBe(method === 'get' && path.startsWith('/v1'));
        if (has) gets++;
      }
    }
    expect(gets).toBeGreaterThan(5);
  });
});
