// The event stream against a real server: typed events, resuming after a restart and across failover
// URLs without a gap or a duplicate, reset before the retention, a clean end on abort, and the failures
// that end the iteration (first connection refused, data that is not an event).

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ConnectionNote,
  type EventsOptions,
  IoasidClient,
  IoasidHttpError,
  isReset,
  MalformedEventError,
  type StreamItem,
} from '../src/index.js';
import { ADMIN_TOKEN, fakeServer, Relay, TestServer } from './support/server.js';

let server: TestServer;
let admin: IoasidClient;
let owners = 0;

beforeAll(async () => {
  server = await new TestServer({ eventRetention: 1000 }).start();
  admin = new IoasidClient({ urls: server.url, token: ADMIN_TOKEN });
});
afterAll(async () => {
  await server.stop();
});

/** Follows the stream in the background, collecting items and connection notes. */
function follow(client: IoasidClient, options: EventsOptions = {}) {
  const controller = new AbortController();
  const items: StreamItem[] = [];
  const notes: ConnectionNote[] = [];
  const iterable = client.events({
    backoff: { minMs: 20, maxMs: 200 },
    ...options,
    signal: controller.signal,
    onConnection: (note) => notes.push(note),
  });
  const finished = (async () => {
    for await (const item of iterable) items.push(item);
  })();
  const until = async (what: string, predicate: () => boolean, timeoutMs = 20_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${what}: ${JSON.stringify({ items, notes })}`);
      await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, 10))]);
    }
  };
  return { items, notes, until, finished, stop: () => controller.abort() };
}

/** A backoff long enough for a test to commit events before the client comes back. */
const SLOW = { minMs: 1500, maxMs: 3000 };
const seqs = (items: StreamItem[]) =>
  items.map((item) => (isReset(item) ? `reset ${item.oldest}` : item.seq));
const run = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i);

describe('IoasidClient.events', () => {
  it('yields typed events as they commit, and ends cleanly when the signal aborts', async () => {
    const set = await admin.createSet({ owner: `e-${owners++}`, quota: 8 });
    const stream = follow(admin);
    await stream.until('the connection', () => stream.notes.length > 0);
    const id = await admin.alloc(set.sid, { data: { vm: 'e' } });
    await admin.attachSpid(id, 5);
    await stream.until('two events', () => stream.items.length >= 2);
    const [alloc, bind] = stream.items;
    expect(alloc).toEqual({
      seq: expect.any(Number),
      type: 'alloc',
      id,
      sid: set.sid,
      spid: null,
      data: { vm: 'e' },
    });
    expect(bind).toEqual({
      seq: (alloc as { seq: number }).seq + 1,
      type: 'bind',
      id,
      sid: set.sid,
      spid: 5,
      data: { vm: 'e' },
    });
    stream.stop();
    await stream.finished;
    expect(stream.notes).toEqual([
      { type: 'open', url: server.url, resumed: false, after: expect.any(Number) },
    ]);
  });

  it('replays after `after`, filtered by set', async () => {
    const a = await admin.createSet({ owner: `e-${owners++}`, quota: 8 });
    const b = await admin.createSet({ owner: `e-${owners++}`, quota: 8 });
    const before = (await admin.committedSeq())!;
    const first = await admin.alloc(a.sid);
    await admin.alloc(b.sid);
    const second = await admin.alloc(a.sid);
    const stream = follow(admin, { after: before, sid: a.sid });
    await stream.until('both events of set a', () => stream.items.length >= 2);
    stream.stop();
    expect(stream.items).toEqual([
      expect.objectContaining({ seq: before + 1, id: first, sid: a.sid }),
      expect.objectContaining({ seq: before + 3, id: second, sid: a.sid }),
    ]);
  });

  it('resumes after the server restarts, with no gap and no duplicate', async () => {
    const set = await admin.createSet({ owner: `e-${owners++}`, quota: 8 });
    // Reconnections wait at least 750 ms, so the events below commit while the client is away.
    const stream = follow(admin, { backoff: SLOW });
    await stream.until('the connection', () => stream.notes.length > 0);
    await admin.alloc(set.sid);
    await stream.until('the first event', () => stream.items.length >= 1);
    await server.close();
    await stream.until('the loss', () => stream.notes.some((n) => n.type === 'lost'));
    await server.start();
    await admin.alloc(set.sid);
    await admin.alloc(set.sid);
    await stream.until('the two events after the restart', () => stream.items.length >= 3);
    stream.stop();
    await stream.finished;
    const first = (stream.items[0] as { seq: number }).seq;
    expect(seqs(stream.items)).toEqual(run(first, 3));
    expect(stream.notes.filter((n) => n.type === 'open').at(-1)).toEqual({
      type: 'open',
      url: server.url,
      resumed: true,
      after: first,
    });
  });

  it('fails over to the next URL when its URL goes away, resuming with no gap and no duplicate', async () => {
    const set = await admin.createSet({ owner: `e-${owners++}`, quota: 8 });
    const one = await new Relay(server.running.port).open();
    const two = await new Relay(server.running.port).open();
    try {
      const client = new IoasidClient({ urls: [one.url, two.url], token: ADMIN_TOKEN });
      const stream = follow(client, { backoff: SLOW });
      await stream.until('the connection', () => stream.notes.length > 0);
      await admin.alloc(set.sid);
      await stream.until('the first event', () => stream.items.length >= 1);
      await one.cut();
      await admin.alloc(set.sid);
      await admin.alloc(set.sid);
      await stream.until('the events committed meanwhile', () => stream.items.length >= 3);
      stream.stop();
      await stream.finished;
      expect(seqs(stream.items)).toEqual(run((stream.items[0] as { seq: number }).seq, 3));
      const opens = stream.notes.filter((n) => n.type === 'open');
      expect(opens.map((n) => n.url)).toEqual([one.url, two.url]);
      expect(client.url).toBe(two.url);
    } finally {
      await one.cut();
      await two.cut();
    }
  });

  it('yields a reset when resuming before the retention, then goes on from the oldest kept event', async () => {
    const set = await admin.createSet({ owner: `e-${owners++}`, quota: 2000 });
    await admin.allocMany(set.sid, 1500);
    await admin.freeSet(set.sid);
    const oldest = server.running.engine.events.oldestSeq;
    expect(oldest).toBeGreaterThan(1);
    const stream = follow(admin, { after: 0 });
    await stream.until('the reset and the next event', () => stream.items.length >= 2);
    stream.stop();
    expect(stream.items[0]).toEqual({ type: 'reset', oldest });
    expect(isReset(stream.items[0])).toBe(true);
    expect(stream.items[1]).toMatchObject({ seq: oldest });
  });

  it('throws when the first connection is refused, and on data that is not an event', async () => {
    const stranger = new IoasidClient({ urls: server.url, token: 'not-a-known-secret' });
    const refused = follow(stranger, { after: 0 });
    await expect(refused.finished).rejects.toBeInstanceOf(IoasidHttpError);
    await expect(refused.finished).rejects.toMatchObject({ code: 'EPERM', status: 401 });

    const fake = await fakeServer((_request, response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' });
      response.end('id: 1\nevent: alloc\ndata: <html>\n\n');
    });
    try {
      const bad = follow(new IoasidClient({ urls: fake.url }), { after: 0 });
      await expect(bad.finished).rejects.toBeInstanceOf(MalformedEventError);
      await expect(bad.finished).rejects.toMatchObject({ kind: 'bad-answer' });
      expect(fake.seen).toEqual(['GET /v1/events?after=0']);
    } finally {
      await fake.close();
    }
  });
});
