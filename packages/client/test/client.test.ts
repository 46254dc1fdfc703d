// Every method of IoasidClient once against a real server on a real port: answers typed and correct, and
// refusals thrown as the core's IoasidError with the body's code, errno, reason and values.

import { ERROR_CODES, IoasidError } from 'ioasid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoasidClient, IoasidHttpError, type NewSet } from '../src/index.js';
import { ADMIN_TOKEN, TestServer } from './support/server.js';

let server: TestServer;
let admin: IoasidClient;
let owners = 0;

async function newSet(quota = 16): Promise<NewSet> {
  return admin.createSet({ owner: `c-${owners++}`, quota });
}

/** The rejection of `promise` (fails the test when it resolves). */
async function refusal(promise: Promise<unknown>): Promise<IoasidHttpError> {
  const error = await promise.then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(IoasidHttpError);
  return error as IoasidHttpError;
}

beforeAll(async () => {
  server = await new TestServer({ capacity: 0 }).start();
  admin = new IoasidClient({ urls: server.url, token: ADMIN_TOKEN });
});
afterAll(async () => {
  await server.stop();
  expect(server.fatal).toEqual([]);
});

describe('IoasidClient against a real server', () => {
  it('reads and installs the capacity, then refuses a second install with EBUSY', async () => {
    expect(await admin.capacity()).toEqual({ capacity: 0, available: 0 });
    expect(await admin.installCapacity(4096)).toEqual({ capacity: 4096, available: 4096 });
    expect(await admin.capacity()).toEqual({ capacity: 4096, available: 4096 });
    const error = await refusal(admin.installCapacity(10));
    expect(error.code).toBe('EBUSY');
    expect(error.status).toBe(409);
  });

  it('creates, lists, reads, adjusts, frees and destroys sets, and creates the system set', async () => {
    const set = await newSet(8);
    expect(set).toEqual({
      sid: set.sid,
      owner: set.owner,
      quota: 8,
      count: 0,
      dying: false,
      secret: set.secret,
    });
    expect(typeof set.secret).toBe('string');
    expect(await admin.getSet(set.sid)).toEqual({
      sid: set.sid,
      owner: set.owner,
      quota: 8,
      count: 0,
      dying: false,
    });
    expect((await admin.listSets()).map((s) => s.sid)).toContain(set.sid);
    expect(await admin.adjustSet(set.sid, 12)).toMatchObject({ sid: set.sid, quota: 12 });
    await admin.allocMany(set.sid, 3);
    await admin.freeSet(set.sid);
    expect(await admin.getSet(set.sid)).toMatchObject({ count: 0 });
    await admin.destroySet(set.sid);
    expect((await refusal(admin.getSet(set.sid))).code).toBe('ENOENT');
    const system = await admin.createSystemSet(4);
    expect(system).toMatchObject({ owner: null, quota: 4, count: 0, dying: false });
    expect((await refusal(admin.createSystemSet(4))).code).toBe('EEXIST');
  });

  it('allocates one ID and a batch, lists them, and finds, describes, annotates, binds and frees IDs', async () => {
    const set = await newSet();
    const id = await admin.alloc(set.sid, { min: 100, max: 200, data: { vm: 'a' } });
    expect(id).toBe(100);
    const batch = await admin.allocMany(set.sid, 3, { min: 100, max: 200 });
    expect(batch).toEqual([101, 102, 103]);
    expect(await admin.listIds(set.sid)).toEqual([100, 101, 102, 103]);
    expect(await admin.describeId(id)).toEqual({
      id,
      sid: set.sid,
      state: 'active',
      spid: null,
      data: { vm: 'a' },
    });
    await admin.setData(id, [1, 2]);
    await admin.attachSpid(id, 7);
    expect(await admin.findBySpid(set.sid, 7)).toBe(id);
    expect(await admin.describeId(id)).toMatchObject({ spid: 7, data: [1, 2] });
    expect(await admin.notify(id, 'vm.paused')).toBe(0);
    await admin.detachSpid(id);
    expect((await refusal(admin.findBySpid(set.sid, 7))).code).toBe('ENOENT');
    await admin.free(id);
    expect((await refusal(admin.describeId(id))).code).toBe('ENOENT');
  });

  it('creates, keeps alive and deletes leases, whose references keep a freed ID pending', async () => {
    const set = await newSet();
    const id = await admin.alloc(set.sid);
    const lease = await admin.createLease(5000);
    expect(lease).toEqual({ lease: lease.lease, ttlMs: 5000 });
    expect(await admin.keepalive(lease.lease)).toEqual(lease);
    await admin.takeRef(id, lease.lease);
    await admin.takeRef(id, lease.lease);
    await admin.free(id);
    expect(await admin.describeId(id)).toMatchObject({ state: 'free-pending' });
    expect(await admin.dropRef(id, lease.lease)).toBe(false);
    await admin.deleteLease(lease.lease);
    expect((await refusal(admin.describeId(id))).code).toBe('ENOENT');
    expect((await refusal(admin.keepalive(lease.lease))).code).toBe('ENOENT');
  });

  it('reads the dashboard views: map, history, leases, references, set events, ID details, instances', async () => {
    const set = await newSet(8);
    const vm = new IoasidClient({ urls: server.url, token: set.secret });
    const ids = await vm.allocMany(set.sid, 3, { min: 4000, max: 4095, data: { vm: 'd' } });
    const lease = await vm.createLease(60_000);
    await vm.takeRef(ids[0], lease.lease);
    await vm.free(ids[0]);
    await vm.attachSpid(ids[1], 7);

    expect(await vm.map({ first: 4000, last: 4009, buckets: 5 })).toEqual({
      first: 4000,
      last: 4009,
      bucketSize: 2,
      buckets: 5,
      sets: [set.sid],
      runs: [1, 2, 1, 0, 1, 1, 0, 0, 3, 0, 0, -1],
    });
    expect((await admin.map()).buckets).toBe(4096);
    const history = await vm.history();
    expect(history).toMatchObject({ intervalMs: 1000, usageIntervalMs: 10_000 });
    expect(history.usage).toEqual([{ sid: set.sid, counts: expect.any(Array) }]);
    expect(history.usage[0].counts.at(-1)).toBe(3);
    const sum = (counts: number[]) => counts.reduce((x, y) => x + y, 0);
    expect([sum(history.allocs), sum(history.frees)]).toEqual([3, 1]);
    expect(history.rates).toEqual([{ sid: set.sid, perSecond: 2 / 60 }]);
    expect((await admin.history(set.sid)).usage[0].sid).toBe(set.sid);

    const leases = await vm.listLeases();
    expect(leases).toEqual([
      { lease: lease.lease, sid: set.sid, ttlMs: 60_000, expiresInMs: expect.any(Number), refs: 1, ids: 1 },
    ]);
    expect((await admin.listLeases(set.sid)).map((l) => l.lease)).toEqual([lease.lease]);
    expect(await vm.idRefs(ids[0])).toEqual({
      id: ids[0],
      refs: 1,
      leases: [{ lease: lease.lease, sid: set.sid, refs: 1 }],
    });

    const events = await vm.setEvents(set.sid);
    expect(events.map((e) => [e.type, e.id])).toEqual([
      ['alloc', ids[0]],
      ['alloc', ids[1]],
      ['alloc', ids[2]],
      ['free', ids[0]],
      ['bind', ids[1]],
    ]);
    expect(await vm.setEvents(set.sid, 2)).toEqual(events.slice(-2));

    const page = await vm.idDetails(set.sid, { limit: 2 });
    expect(page).toEqual({
      ids: [
        { id: ids[0], state: 'free-pending', spid: null, refs: 1, data: { vm: 'd' } },
        { id: ids[1], state: 'active', spid: 7, refs: 1, data: { vm: 'd' } },
      ],
      next: ids[1],
    });
    expect(await vm.idDetails(set.sid, { after: ids[1] })).toEqual({
      ids: [{ id: ids[2], state: 'active', spid: null, refs: 1, data: { vm: 'd' } }],
      next: null,
    });

    const instances = await admin.instances();
    expect(instances).toHaveLength(1);
    expect(instances[0].seq).toBe(server.running.engine.events.committedSeq);
    expect((await refusal(vm.instances())).code).toBe('EACCES');
    expect((await refusal(admin.map({ first: 10, last: 9 }))).reason).toBe('invalid-map-range');
    expect((await refusal(admin.idRefs(4095))).code).toBe('ENOENT');
  });

  it('answers health, readiness, metrics, the OpenAPI document and the latest event sequence number', async () => {
    expect(await admin.health()).toEqual({ status: 'ok' });
    expect(await admin.ready()).toEqual({ status: 'ready' });
    expect(await admin.metrics()).toMatch(/^ioasid_event_seq /m);
    const document = await admin.openapi();
    expect(document.openapi).toBe('3.0.3');
    const set = await newSet();
    await admin.alloc(set.sid);
    const seq = await admin.committedSeq();
    expect(seq).toBe(server.running.engine.events.committedSeq);
  });

  it('throws the core IoasidError with the code, errno, reason, values and message of the error body', async () => {
    const set = await newSet(1);
    await admin.alloc(set.sid);
    const raw = await fetch(`${server.url}/v1/sets/${set.sid}/ioasids`, {
      method: 'POST',
      headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ min: 1, max: 1000 }),
    });
    const body = (await raw.json()) as { error: Record<string, unknown> };
    const error = await refusal(admin.alloc(set.sid, { min: 1, max: 1000 }));
    expect(error).toBeInstanceOf(IoasidError);
    expect(error.name).toBe('IoasidError');
    expect({
      code: error.code,
      errno: error.errno,
      reason: error.reason,
      message: error.message,
      values: error.values,
    }).toEqual(body.error);
    expect(error.code).toBe('ENOSPC');
    expect(error.errno).toBe(ERROR_CODES.ENOSPC.errno);
    expect(error.status).toBe(409);
    expect(error.method).toBe('POST');
    expect(error.url).toBe(`${server.url}/v1/sets/${set.sid}/ioasids`);
  });

  it('refuses with EPERM (401) without a credential and EACCES (403) for another set', async () => {
    const mine = await newSet();
    const theirs = await newSet();
    const anonymous = new IoasidClient({ urls: server.url });
    const perm = await refusal(anonymous.capacity());
    expect([perm.code, perm.status]).toEqual(['EPERM', 401]);
    const secret = new IoasidClient({ urls: `${server.url}/`, token: mine.secret });
    expect(await secret.listSets()).toEqual([expect.objectContaining({ sid: mine.sid })]);
    const access = await refusal(secret.alloc(theirs.sid));
    expect([access.code, access.status]).toEqual(['EACCES', 403]);
  });

  it('rejects a URL that is not an http(s) base URL when the client is built', () => {
    expect(() => new IoasidClient({ urls: 'localhost:7070' })).toThrow(TypeError);
    expect(() => new IoasidClient({ urls: 'http://127.0.0.1:7070/?x=1' })).toThrow(/without \?query/);
    expect(() => new IoasidClient({ urls: [] })).toThrow(/at least one/);
  });
});
