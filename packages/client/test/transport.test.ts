// Failover, timeouts, aborts and transport failures: a dead URL before a live one, a server that drops
// the connection after reading a request (POST is not sent again, GET is), 503 EAGAIN, a silent server,
// something that is not the API, and an error body with a reason and values.

import { IoasidError } from 'ioasid';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { IoasidClient, IoasidHttpError, TransportError } from '../src/index.js';
import { ADMIN_TOKEN, deadPort, fakeServer, TestServer } from './support/server.js';

let server: TestServer;

beforeAll(async () => {
  server = await new TestServer().start();
});
afterAll(async () => {
  await server.stop();
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  return promise.then(
    () => {
      throw new Error('expected a rejection');
    },
    (e: unknown) => e,
  );
}

describe('failover over several base URLs', () => {
  it('moves past a dead URL to a live one, for a POST too, and sticks to the live one', async () => {
    const dead = `http://127.0.0.1:${await deadPort()}`;
    const client = new IoasidClient({ urls: [dead, server.url], token: ADMIN_TOKEN });
    expect(client.url).toBe(dead);
    const set = await client.createSet({ owner: 'failover-post', quota: 4 });
    expect(set.owner).toBe('failover-post');
    expect(client.url).toBe(server.url);
    expect(await client.getSet(set.sid)).toMatchObject({ sid: set.sid });
  });

  it('never sends a POST again once it may have reached a server, but retries a GET elsewhere', async () => {
    const dropper = await fakeServer((request) => request.socket.destroy());
    try {
      const client = new IoasidClient({ urls: [dropper.url, server.url], token: ADMIN_TOKEN });
      const error = await rejection(client.createSet({ owner: 'maybe-created', quota: 1 }));
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).kind).toBe('unreachable');
      expect((error as TransportError).attempts.map((a) => a.url)).toEqual([dropper.url]);
      expect(dropper.seen).toEqual(['POST /v1/sets']);
      // The GET goes on to the live server, which never saw the POST.
      const sets = await client.listSets();
      expect(sets.map((s) => s.owner)).not.toContain('maybe-created');
      expect(dropper.seen).toEqual(['POST /v1/sets', 'GET /v1/sets']);
      expect(client.url).toBe(server.url);
    } finally {
      await dropper.close();
    }
  });

  it('tries the next URL on 503 EAGAIN for a GET, and throws the EAGAIN when every URL answers it', async () => {
    const busy = await fakeServer((_request, response) => {
      response.writeHead(503, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: { code: 'EAGAIN', errno: 11, reason: 'unspecified', message: 'busy', values: {} },
        }),
      );
    });
    try {
      const client = new IoasidClient({ urls: [busy.url, server.url], token: ADMIN_TOKEN });
      expect(await client.capacity()).toHaveProperty('capacity');
      const alone = new IoasidClient({ urls: busy.url, token: ADMIN_TOKEN });
      const error = await rejection(alone.capacity());
      expect(error).toBeInstanceOf(IoasidHttpError);
      expect((error as IoasidHttpError).code).toBe('EAGAIN');
      expect((error as IoasidHttpError).status).toBe(503);
      // A POST answered EAGAIN is not sent elsewhere.
      const post = new IoasidClient({ urls: [busy.url, server.url], token: ADMIN_TOKEN });
      expect(await rejection(post.createLease(5000))).toMatchObject({ code: 'EAGAIN' });
    } finally {
      await busy.close();
    }
  });

  it('throws a TransportError "unreachable" naming every URL when none answers', async () => {
    const urls = [`http://127.0.0.1:${await deadPort()}`, `http://127.0.0.1:${await deadPort()}`];
    const error = await rejection(new IoasidClient({ urls }).capacity());
    expect(error).toBeInstanceOf(TransportError);
    const transport = error as TransportError;
    expect(transport.kind).toBe('unreachable');
    expect(transport.detail).toBe('connection refused');
    expect(transport.attempts).toEqual(
      urls.map((url) => ({ url, kind: 'unreachable', detail: 'connection refused' })),
    );
  });
});

describe('timeouts, aborts and answers that are not the API', () => {
  it('fails with a TransportError "timeout" when nothing answers in time', async () => {
    const silent = await fakeServer(() => {});
    try {
      const started = Date.now();
      const error = await rejection(new IoasidClient({ urls: silent.url, timeoutMs: 300 }).health());
      expect(error).toBeInstanceOf(TransportError);
      expect((error as TransportError).kind).toBe('timeout');
      expect((error as TransportError).detail).toBe('no answer within 0.3 s');
      expect(Date.now() - started).toBeLessThan(5000);
    } finally {
      await silent.close();
    }
  });

  it("rejects with the signal's reason when the caller aborts, before or during the request", async () => {
    const silent = await fakeServer(() => {});
    try {
      const client = new IoasidClient({ urls: silent.url });
      const controller = new AbortController();
      const pending = rejection(client.health({ signal: controller.signal }));
      setTimeout(() => controller.abort(new Error('stop now')), 50);
      expect(await pending).toEqual(new Error('stop now'));
      const already = AbortSignal.abort();
      const error = await rejection(client.health({ signal: already }));
      expect((error as Error).name).toBe('AbortError');
      expect(silent.seen).toEqual(['GET /healthz']);
    } finally {
      await silent.close();
    }
  });

  it('fails with a TransportError "bad-answer" when what answers is not the ioasid API', async () => {
    const other = await fakeServer((_request, response) => {
      response.writeHead(404, { 'content-type': 'text/html' }).end('<h1>not here</h1>');
    });
    try {
      const error = await rejection(new IoasidClient({ urls: other.url }).capacity());
      expect(error).toBeInstanceOf(TransportError);
      expect(error).toMatchObject({ kind: 'bad-answer', status: 404, contentType: 'text/html' });
      expect((error as Error).message).toBe(
        `GET /v1/capacity at ${other.url}: answered HTTP 404 (text/html), which is not an ioasid API answer`,
      );
    } finally {
      await other.close();
    }
  });

  it("carries an error body's reason and values, and is an IoasidError", async () => {
    const quota = await fakeServer((_request, response) => {
      response.writeHead(409, { 'content-type': 'application/json' });
      response.end(
        JSON.stringify({
          error: {
            code: 'ENOSPC',
            errno: 28,
            reason: 'set-quota',
            message: 'set 3 holds 64 of its quota of 64',
            values: { sid: 3, quota: 64, count: 64 },
          },
        }),
      );
    });
    try {
      const error = await rejection(new IoasidClient({ urls: quota.url }).alloc(3));
      expect(error instanceof IoasidError && error.code === 'ENOSPC' && error.reason === 'set-quota').toBe(
        true,
      );
      expect(error).toMatchObject({ errno: 28, values: { sid: 3, quota: 64, count: 64 }, status: 409 });
    } finally {
      await quota.close();
    }
  });
});
