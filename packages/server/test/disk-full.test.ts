// A real full disk: `ioasid-server` runs with its data directory on a 4 MiB tmpfs and allocates IDs with
// ~4 KB of data until the disk is full. It must stay up, serve reads and the event stream, say why in
// /readyz, and take writes again by itself once space is freed, with no gap in its event log.

import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { client, type Loose } from './support/client.js';
import { killAll, type ServeProcess, spawnServe } from './support/process.js';
import { openStream, type StreamEvent } from './support/sse.js';

const TOKEN = 'disk-full-admin-token-0123456789';
const ROOT = process.getuid?.() === 0;
const FILLER_BYTES = 1024 * 1024;
/** JSON text just under the 4 KiB data limit. */
const DATA = { pad: 'x'.repeat(3900) };

let mountPoint = '';
let mounted = false;

beforeAll(() => {
  if (!ROOT) return;
  mountPoint = mkdtempSync(join(tmpdir(), 'ioasid-disk-full-'));
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=4m', 'tmpfs', mountPoint]);
  mounted = true;
});

afterAll(() => {
  killAll();
  if (mounted) execFileSync('umount', ['-l', mountPoint]);
  if (mountPoint !== '') rmSync(mountPoint, { recursive: true, force: true });
});

/** Reads every event from the start through the stream (after=0), until `last`. */
async function eventLog(url: string, last: number): Promise<StreamEvent[]> {
  const stream = await openStream(url, { secret: TOKEN, query: { after: 0 } });
  try {
    return await stream.next(last, 15_000);
  } finally {
    stream.close();
  }
}

async function waitFor<T>(what: string, ms: number, check: () => Promise<T | null>): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== null) return value;
    if (Date.now() > deadline) throw new Error(`${what}: not within ${ms} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('a full disk under a running server', () => {
  it('keeps the server up: acknowledged IDs read back, the stream goes on, a restart on the full disk starts degraded, writes return once space is freed', async () => {
    if (!ROOT) {
      throw new Error(
        'this test mounts a 4 MiB tmpfs as the data directory and needs root: run it as root (CI does), e.g. `sudo npx vitest run packages/server/test/disk-full.test.ts`',
      );
    }
    const dataDir = join(mountPoint, 'data');
    const filler = join(mountPoint, 'filler');
    writeFileSync(filler, Buffer.alloc(FILLER_BYTES, 1));
    let server: ServeProcess = await spawnServe(
      ['--port', '0', '--data-dir', dataDir, '--capacity', '100000', '--log-level', 'info'],
      { IOASID_ADMIN_TOKEN: TOKEN },
    );
    const started = Date.now();
    let admin = client(server.url, TOKEN);
    const set = await admin.post('/v1/sets', { owner: 'vm', quota: 100000 });
    expect(set.status).toBe(201);
    const before = await openStream(server.url, { secret: TOKEN });

    // Fill the disk: allocate until a write is refused because the disk is full.
    const acked: number[] = [];
    let refusal: Loose = null;
    for (let i = 0; i < 5000 && refusal === null; i++) {
      const answer = await admin.post(`/v1/sets/${set.body.sid}/ioasids`, {
        min: 1,
        max: 1_000_000,
        data: DATA,
      });
      if (answer.status === 201) acked.push(answer.body.id);
      else refusal = answer;
    }
    expect(refusal, 'the disk never filled up').not.toBeNull();
    expect(refusal.status).toBe(503);
    expect(refusal.body.error).toMatchObject({
      code: 'EAGAIN',
      reason: 'store-unavailable',
      values: { cause: `the disk holding ${dataDir} is full` },
    });
    expect(acked.length).toBeGreaterThan(50);

    // Degraded: the process is up, reads and the stream are served, writes refused with the cause.
    const ready = await admin.get('/readyz');
    expect(ready.status).toBe(503);
    expect(ready.body.error).toMatchObject({
      reason: 'store-unavailable',
      values: { cause: `the disk holding ${dataDir} is full` },
    });
    const seen = await before.next(acked.length, 15_000);
    expect(seen.map((e) => e.data.id)).toEqual(acked);
    before.close();
    for (const id of acked) {
      const read = await admin.get(`/v1/ioasids/${id}`);
      expect([read.status, read.body.data]).toEqual([200, DATA]);
    }
    const refused = await admin.post(`/v1/sets/${set.body.sid}/ioasids`, { min: 1, max: 1_000_000 });
    expect([refused.status, refused.body.error.reason]).toEqual([503, 'store-unavailable']);
    expect(refused.body.error.message).toMatch(/is full.*writes are refused/);
    expect(server.child.exitCode).toBeNull();

    // Stopped and started again on the full disk: it stops cleanly, and starts degraded, not ready.
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
    const first = server.stderr();
    server = await spawnServe(
      ['--port', '0', '--data-dir', dataDir, '--capacity', '100000', '--log-level', 'info'],
      { IOASID_ADMIN_TOKEN: TOKEN },
    );
    admin = client(server.url, TOKEN);
    const restarted = await admin.get('/readyz');
    expect([restarted.status, restarted.body.error?.values.cause]).toEqual([
      503,
      `the disk holding ${dataDir} is full`,
    ]);
    expect((await admin.get(`/v1/ioasids/${acked[acked.length - 1]}`)).body.data).toEqual(DATA);
    const live = await openStream(server.url, { secret: TOKEN });

    // Space comes back: the server takes writes again by itself, without a restart.
    unlinkSync(filler);
    await waitFor('/readyz 200 after freeing space', 45_000, async () =>
      (await admin.get('/readyz')).status === 200 ? true : null,
    );
    const after = await admin.post(`/v1/sets/${set.body.sid}/ioasids`, {
      min: 1,
      max: 1_000_000,
      data: DATA,
    });
    expect(after.status).toBe(201);
    expect((await live.next(1, 15_000))[0].data.id).toBe(after.body.id);
    live.close();
    expect(server.child.exitCode).toBeNull();

    // The event log: no gap, and exactly the acknowledged allocations (none of a refused write).
    const log = await eventLog(server.url, acked.length + 1);
    expect(log.map((e) => Number(e.id))).toEqual(log.map((_, i) => i + 1));
    expect(log.map((e) => [e.event, e.data.id])).toEqual(
      [...acked, after.body.id].map((id) => ['alloc', id]),
    );

    // The logs: one error line per run, one recovery line, checkpoint warnings at most once a minute.
    const lines = (first + server.stderr())
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { level: number; msg: string });
    expect(lines.filter((l) => /^store unavailable/.test(l.msg)).map((l) => l.level)).toEqual([50, 50]);
    expect(lines.filter((l) => /^store recovered after .* writes were refused/.test(l.msg))).toHaveLength(1);
    // Refused requests are counted, not logged one by one.
    expect(lines.filter((l) => l.msg === 'request failed')).toEqual([]);
    // Per process: at most one line a minute, plus one for the final checkpoint at a stop on a full disk.
    const minutes = 1 + Math.floor((Date.now() - started) / 60_000);
    const checkpoints = (text: string) =>
      text.split('\n').filter((l) => /WAL checkpoint failed/.test(l)).length;
    expect(checkpoints(first)).toBeLessThanOrEqual(minutes + 1);
    expect(checkpoints(server.stderr())).toBeLessThanOrEqual(minutes);
    server.child.kill('SIGTERM');
    expect((await server.exited).code).toBe(0);
  }, 120_000);
});
