// Restart time of the store and engine alone: fills a data directory with 2^20 live IDs in-process
// (no HTTP), then times `startServer` on it several times and prints the median (compare builds with it).

import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ServerModule from '@ioasid/server';

const IDS = 1 << 20;
const TOKEN = 'bench-admin-token-0123456789';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const dataDir = args.get('data-dir');
if (dataDir === undefined) {
  throw new Error(
    'usage: node --import tsx bench/server/restart-store.ts --data-dir DIR [--runs 3] [--server PATH/dist/index.js]',
  );
}
const runs = Number(args.get('runs') ?? '3');
// Another build of the server (e.g. a copy of an older dist/) may be measured on the same data directory.
const server = (
  args.has('server')
    ? await import(pathToFileURL(args.get('server') as string).href)
    : await import('@ioasid/server')
) as typeof ServerModule;

const fatal = (error: unknown) => {
  throw error;
};

if (!existsSync(join(dataDir, server.SQLITE_FILE))) {
  mkdirSync(dataDir, { recursive: true });
  const started = performance.now();
  const engine = await server.Engine.open({
    store: server.SqliteStore.open({ dataDir }),
    adminToken: TOKEN,
    capacity: IDS,
    onFatal: fatal,
  });
  const { sid } = engine.createSet(server.ADMIN, 'vm', IDS);
  for (let i = 0; i < IDS / 65_536; i++) {
    engine.allocMany(server.ADMIN, sid, 0, IDS - 1, null, 65_536);
    await engine.durable();
  }
  await engine.close();
  console.log(`filled ${dataDir} with ${IDS} IDs in ${Math.round(performance.now() - started)} ms`);
}

const times: number[] = [];
const cpu: number[] = [];
for (let i = 0; i < runs; i++) {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const running = await server.startServer({
    dataDir,
    port: 0,
    adminToken: TOKEN,
    logger: false,
    onFatal: fatal,
  });
  const ms = performance.now() - started;
  const used = process.cpuUsage(cpuStarted);
  if (running.engine.space.size !== IDS) {
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`the restarted server holds ${running.engine.space.size} IDs, not ${IDS}`);
  }
  await running.close();
  times.push(ms);
  cpu.push((used.user + used.system) / 1000);
}
// CPU time (all threads) is printed too: on a shared machine it varies less than the wall time.
const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(0);
console.log(
  `startServer with ${IDS} IDs: ${times.map((t) => t.toFixed(0)).join(', ')} ms; median ${median(times)} ms (CPU median ${median(cpu)} ms)`,
);
