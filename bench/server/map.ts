// GET /v1/map on a fully allocated 2^20-ID namespace held by 1,000 sets, at 2^20 and at 4,096 buckets:
// the answer's time at the client and the server process's CPU time per request, for two layouts (each
// set's IDs in one block, as allocation in bursts gives; and sets interleaved 16 IDs at a time).
// Run: npm run build && node --import tsx bench/server/map.ts   (prints a table; writes nothing)

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, cpuSeconds, launch, stop, TOKEN } from './launch.js';

const N = 1 << 20;
const SETS = 1000;
const REQUESTS = Number(process.env.BENCH_MAP_REQUESTS ?? 30);
const quota = (i: number) => Math.floor(((i + 1) * N) / SETS) - Math.floor((i * N) / SETS);

async function fill(url: string, layout: 'blocks' | 'interleaved'): Promise<void> {
  const server = { url } as Parameters<typeof admin>[0];
  const sids: number[] = [];
  for (let i = 0; i < SETS; i++) {
    sids.push(
      (await admin<{ sid: number }>(server, 'POST', '/v1/sets', { owner: `s${i}`, quota: quota(i) }, 201))
        .sid,
    );
  }
  const alloc = (i: number, count: number) =>
    admin(server, 'POST', `/v1/sets/${sids[i]}/ioasids`, { min: 0, max: N - 1, count }, 201);
  if (layout === 'blocks') {
    for (let i = 0; i < SETS; i++) await alloc(i, quota(i));
    return;
  }
  const left = sids.map((_, i) => quota(i));
  while (left.some((n) => n > 0)) {
    // One request per set at a time, in set order, so the sets' runs of 16 IDs alternate.
    for (let i = 0; i < SETS; i++) {
      const count = Math.min(16, left[i]);
      if (count === 0) continue;
      left[i] -= count;
      await alloc(i, count);
    }
  }
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

for (const layout of ['blocks', 'interleaved'] as const) {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-bench-map-'));
  const server = await launch({ dataDir, commitMode: 'group', store: 'memory' });
  try {
    await fill(server.url, layout);
    for (const buckets of [1_048_576, 4096]) {
      const path = `/v1/map?first=0&last=${N - 1}&buckets=${buckets}`;
      const times: number[] = [];
      let bytes = 0;
      let runs = 0;
      for (let i = 0; i < 3; i++)
        await fetch(server.url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
      const cpu0 = cpuSeconds(server);
      for (let i = 0; i < REQUESTS; i++) {
        const started = performance.now();
        const res = await fetch(server.url + path, { headers: { authorization: `Bearer ${TOKEN}` } });
        const text = await res.text();
        times.push(performance.now() - started);
        bytes = text.length;
        runs = (JSON.parse(text) as { runs: number[] }).runs.length / 4;
      }
      const cpuMs = ((cpuSeconds(server) - cpu0) * 1000) / REQUESTS;
      console.log(
        `${layout.padEnd(11)} buckets=${String(buckets).padEnd(7)} runs=${String(runs).padEnd(7)} ` +
          `${(bytes / 1024).toFixed(0).padStart(6)} KiB  median ${median(times).toFixed(1)} ms  ` +
          `min ${Math.min(...times).toFixed(1)} ms  server CPU ${cpuMs.toFixed(1)} ms/request`,
      );
    }
  } finally {
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
  }
}
