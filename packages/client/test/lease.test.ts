// holdLease against a real server: keepalives keep a lease's references alive past its TTL, release()
// drops them, an abort releases, and a keepalive that fails is reported and makes the handle lost.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoasidClient, IoasidHttpError } from '../src/index.js';
import { ADMIN_TOKEN, TestServer } from './support/server.js';

let server: TestServer;
let admin: IoasidClient;
let sid: number;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

beforeAll(async () => {
  server = await new TestServer().start();
  admin = new IoasidClient({ urls: server.url, token: ADMIN_TOKEN });
  sid = (await admin.createSet({ owner: 'leases', quota: 64 })).sid;
});
afterAll(async () => {
  await server.stop();
});

describe('IoasidClient.holdLease', () => {
  it('keeps references alive well past the TTL, and release() drops them', async () => {
    const id = await admin.alloc(sid);
    const errors: unknown[] = [];
    const handle = await admin.holdLease(1000, { onKeepaliveError: (e) => errors.push(e) });
    await handle.takeRef(id);
    await admin.free(id);
    // Without the keepalives the lease would expire after 1 s and release the ID (see the next test).
    await sleep(2600);
    expect(await admin.describeId(id)).toMatchObject({ state: 'free-pending' });
    expect(handle.state).toBe('held');
    await handle.release();
    expect(handle.state).toBe('released');
    await handle.done;
    await expect(admin.describeId(id)).rejects.toMatchObject({ code: 'ENOENT' });
    expect(errors).toEqual([]);
  });

  it('a lease nobody keeps alive expires after its TTL and its references go (the control)', async () => {
    const id = await admin.alloc(sid);
    const lease = await admin.createLease(1000);
    await admin.takeRef(id, lease.lease);
    await admin.free(id);
    await sleep(1600);
    await expect(admin.describeId(id)).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('reports a keepalive that fails and becomes lost, rejecting done with the error', async () => {
    const errors: unknown[] = [];
    const handle = await admin.holdLease(1000, { onKeepaliveError: (e) => errors.push(e) });
    await admin.deleteLease(handle.lease); // gone behind the handle's back
    await expect(handle.done).rejects.toBeInstanceOf(IoasidHttpError);
    expect(handle.state).toBe('lost');
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ code: 'ENOENT' });
    expect(handle.error).toBe(errors[0]);
    await expect(handle.takeRef(1)).rejects.toBe(errors[0]);
  });

  it('releases the lease when the signal aborts', async () => {
    const controller = new AbortController();
    const handle = await admin.holdLease(5000, { signal: controller.signal });
    controller.abort();
    await handle.done;
    expect(handle.state).toBe('released');
    await sleep(100);
    await expect(admin.keepalive(handle.lease)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
