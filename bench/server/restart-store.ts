// Restart time of the store and engine alone: fills a data directory with 2^20 live IDs in-process
// (no HTTP load), then times `startServer` on it and prints medians; `--compare` alternates two builds.

import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type * as ServerModule from '@ioasid/server';

type Server = typeof ServerModule;

const IDS = 1 << 20;
const TOKEN = 'bench-admin-token-0123456789';
const USAGE =
  'usage: node --import tsx bench/server/restart-store.ts --data-dir DIR [--runs 3] [--server PATH/dist/index.js] [--compare OTHER/dist/index.js]';

const args = new Map<string, string>();
for (let i = 2; i < process.argv.length; i += 2)
  args.set(process.argv[i].replace(/^--/, ''), process.argv[i + 1]);
const dataDir = args.get('data-dir');
if (dataDir === undefined) throw new Error(USAGE);
const runs = Number(args.get('runs') ?? '3');

const fatal = (error: unknown) => {
  throw error;
};

/** Fills `dataDir` with IDS live IDs of one set, through the engine (no HTTP), unless it holds a store. */
async function fill(server: Server): Promise<void> {
  if (existsSync(join(dataDir as string, server.SQLITE_FILE))) return;
  mkdirSync(dataDir as string, { recursive: true });
  const started = performance.now();
  const store = server.SqliteStore.open({ dataDir: dataDir as string });
  const engine = await server.Engine.open({ store, adminToken: TOKEN, capacity: IDS, onFatal: fatal });
  const { sid } = engine.createSet(server.ADMIN, 'vm', IDS);
  for (let i = 0; i < IDS / 65_536; i++) {
    engine.allocMany(server.ADMIN, sid, 0, IDS - 1, null, 65_536);
    await engine.durable();
  }
  await engine.close();
  console.log(`filled ${dataDir} with ${IDS} IDs in ${Math.round(performance.now() - started)} ms`);
}

/** One restart: startServer's wall and CPU milliseconds (CPU of all threads varies less on a busy machine). */
async function restart(server: Server): Promise<{ wall: number; cpu: number }> {
  const started = performance.now();
  const cpuStarted = process.cpuUsage();
  const running = await server.startServer({
    dataDir: dataDir as string,
    port: 0,
    adminToken: TOKEN,
    logger: false,
    onFatal: fatal,
  });
  const wall = performance.now() - started;
  const used = process.cpuUsage(cpuStarted);
  const size = running.engine.space.size;
  await running.close();
  if (size !== IDS) throw new Error(`the restarted server holds ${size} IDs, not ${IDS}`);
  return { wall, cpu: (used.user + used.system) / 1000 };
}

const median = (values: number[]) =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)].toFixed(0);

// This build (or `--server`'s), and another (e.g. a copy of an older dist/) to compare on the same data
// directory: their restarts alternate in one process, after one warm-up each, so that load from
// elsewhere hits both alike.
const builds: { name: string; server: Server }[] = [
  args.has('server')
    ? {
        name: args.get('server') as string,
        server: (await import(pathToFileURL(args.get('server') as string).href)) as Server,
      }
    : { name: 'this build', server: (await import('@ioasid/server')) as Server },
];
if (args.has('compare')) {
  const path = args.get('compare') as string;
  builds.push({ name: path, server: (await import(pathToFileURL(path).href)) as Server });
}
await fill(builds[0].server);
const results = builds.map(() => ({ wall: [] as number[], cpu: [] as number[] }));
// The first restart of a build in a process is a cold one (as after a real restart: code not yet
// optimised); it is reported apart and not counted in the medians. With --compare the first build's cold
// restart also warms what both share (fastify...), so compare cold restarts in separate processes.
const cold: { wall: number; cpu: number }[] = [];
for (const build of builds) cold.push(await restart(build.server));
for (let i = 0; i < runs; i++) {
  const order = i % 2 === 0 ? builds.map((_, b) => b) : builds.map((_, b) => b).reverse();
  for (const b of order) {
    const { wall, cpu } = await restart(builds[b].server);
    results[b].wall.push(wall);
    results[b].cpu.push(cpu);
  }
}
builds.forEach((build, b) => {
  const { wall, cpu } = results[b];
  console.log(
    `${build.name}: startServer with ${IDS} IDs: cold ${cold[b].wall.toFixed(0)} ms (CPU ${cold[b].cpu.toFixed(0)} ms); then ${wall.map((t) => t.toFixed(0)).join(', ')} ms, median ${median(wall)} ms (CPU median ${median(cpu)} ms)`,
  );
});
