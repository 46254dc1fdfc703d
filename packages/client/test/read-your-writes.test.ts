// The client's side of reading your own writes: `lastSeq` follows the `ioasid-seq` headers, `minSeq`
// asks a GET for the namespace as of a sequence number, and `readYourWrites` sends the last one seen.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoasidClient, IoasidHttpError } from '../src/index.js';
import { ADMIN_TOKEN, TestServer } from './support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await new TestServer({ minSeqWaitMs: 300 }).start();
});
afterAll(async () => {
  await server.stop();
  expect(server.fatal).toEqual([]);
});

/** A fetch that records the `ioasid-min-seq` header of every request it sends. */
function recordingFetch(sent: (string | null)[]): typeof fetch {
  return (input, init) => {
    sent.push(new Headers(init?.headers).get('ioasid-min-seq'));
    return fetch(input, init);
  };
}

describe('reading your own writes', () => {
  it('lastSeq is 0 before any answer and then the highest ioasid-seq seen', async () => {
    const client = new IoasidClient({ urls: server.url, token: ADMIN_TOKEN });
    expect(client.lastSeq).toBe(0);
    const set = await client.createSet({ owner: 'ryw-a', quota: 10 });
    const ids = await client.allocMany(set.sid, 3);
    const after = client.lastSeq;
    expect(after).toBeGreaterThanOrEqual(3);
    await client.free(ids[0]);
    expect(client.lastSeq).toBe(after + 1);
    expect(await client.committedSeq()).toBe(client.lastSeq);
  });

  it('minSeq waits for the sequence number, and a number never reached is EAGAIN seq-not-reached', async () => {
    const client = new IoasidClient({ urls: server.url, token: ADMIN_TOKEN });
    await client.capacity();
    expect((await client.listSets({ minSeq: client.lastSeq })).length).toBeGreaterThan(0);
    const error = await client.capacity({ minSeq: client.lastSeq + 100 }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(IoasidHttpError);
    expect(error).toMatchObject({ code: 'EAGAIN', reason: 'seq-not-reached', status: 503 });
  });

  it('readYourWrites sends the last sequence number seen on every GET, and only on GETs', async () => {
    const sent: (string | null)[] = [];
    const client = new IoasidClient({
      urls: server.url,
      token: ADMIN_TOKEN,
      readYourWrites: true,
      fetch: recordingFetch(sent),
    });
    const set = await client.createSet({ owner: 'ryw-b', quota: 10 });
    const id = await client.alloc(set.sid);
    const seq = client.lastSeq;
    expect(await client.listIds(set.sid)).toEqual([id]);
    expect(sent).toEqual([null, null, String(seq)]);

    const plain: (string | null)[] = [];
    const other = new IoasidClient({ urls: server.url, token: ADMIN_TOKEN, fetch: recordingFetch(plain) });
    await other.alloc(set.sid);
    await other.listIds(set.sid);
    expect(plain).toEqual([null, null]);
  });
});
