// Restart time with 2^20 live IDs: fill a store through the API with batch allocations, then time
// restarts after a crash (SIGKILL: the WAL is recovered) and after graceful stops.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, launch, type Server, stop } from './launch.js';

/** Restart measurements, in milliseconds. */
export interface RestartResult {
  ids: number;
  /** Seconds to allocate the 2^20 IDs with 16 batch requests of 65,536 (durable, group commit). */
  fillSeconds: number;
  /** startServer time (store load, rebuild, HTTP setup, listen) after SIGKILL. */
  afterCrashReadyMs: number;
  /** startServer time after graceful stops, one per restart. */
  readyMs: number[];
  /** Process spawn to "listening on" (Node start, module loading and tsx included), per restart. */
  spawnMs: number[];
}

const IDS = 1 << 20;

/** Fills a store with 2^20 IDs and restarts it `restarts` times. @throws when an ID is missing after a restart */
export async function measureRestart(restarts: number): Promise<RestartResult> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-bench-restart-'));
  let server: Server | null = null;
  try {
    server = await launch({ dataDir, commitMode: 'group' });
    const { sid } = await admin<{ sid: number }>(
      server,
      'POST',
      '/v1/sets',
      { owner: 'vm', quota: IDS },
      201,
    );
    const started = performance.now();
    for (let i = 0; i < IDS / 65_536; i++) {
      await admin(server, 'POST', `/v1/sets/${sid}/ioasids`, { min: 0, max: 0xfffff, count: 65_536 }, 201);
    }
    const fillSeconds = (performance.now() - started) / 1000;
    await stop(server, 'SIGKILL');
    server = await launch({ dataDir, commitMode: 'group' });
    if (server.ids !== IDS) throw new Error(`after a crash the server holds ${server.ids} IDs, not ${IDS}`);
    const afterCrashReadyMs = server.readyMs;
    const readyMs: number[] = [];
    const spawnMs: number[] = [];
    for (let i = 0; i < restarts; i++) {
      await stop(server, 'SIGTERM');
      server = await launch({ dataDir, commitMode: 'group' });
      if (server.ids !== IDS)
        throw new Error(`after restart ${i + 1} the server holds ${server.ids} IDs, not ${IDS}`);
      readyMs.push(server.readyMs);
      spawnMs.push(server.spawnMs);
    }
    return { ids: IDS, fillSeconds, afterCrashReadyMs, readyMs, spawnMs };
  } finally {
    if (server !== null) await stop(server, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
  }
}
