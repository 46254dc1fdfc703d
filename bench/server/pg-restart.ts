// Restart time on PostgreSQL: fills a fresh database with 2^20 live IDs through the engine (no HTTP
// load), then times the store's load alone and a whole `startServer` on it, and prints medians.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, Engine, PgStore, startServer } from '@ioasid/server';
import { createBenchDatabase } from './pg-database.js';

const IDS = 1 << 20;
const TOKEN = 'bench-admin-token-0123456789';
const RUNS = Number(process.argv[2] ?? '3');

const fatal = (error: unknown) => {
  throw error;
};
const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor((values.length - 1) / 2)];

const database = await createBenchDatabase();
const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-bench-pg-restart-'));
try {
  let started = performance.now();
  const store = await PgStore.open({ url: database.url });
  const engine = await Engine.open({ store, adminToken: TOKEN, capacity: IDS, onFatal: fatal });
  const { sid } = engine.createSet(ADMIN, 'vm', IDS);
  for (let i = 0; i < IDS / 65_536; i++) {
    engine.allocMany(ADMIN, sid, 0, IDS - 1, null, 65_536);
    await engine.durable();
  }
  await engine.close();
  console.log(`filled with ${IDS} IDs in ${Math.round(performance.now() - started)} ms (batches of 65,536)`);

  const loadMs: number[] = [];
  const readyMs: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    const alone = await PgStore.open({ url: database.url });
    started = performance.now();
    const snapshot = await alone.load();
    loadMs.push(performance.now() - started);
    await alone.close();
    if (snapshot.ids.id.length !== IDS) throw new Error(`loaded ${snapshot.ids.id.length} IDs, not ${IDS}`);
    started = performance.now();
    const server = await startServer({
      dataDir,
      databaseUrl: database.url,
      port: 0,
      adminToken: TOKEN,
      logger: false,
      onFatal: fatal,
    });
    readyMs.push(performance.now() - started);
    if (server.engine.space.size !== IDS) throw new Error(`rebuilt ${server.engine.space.size} IDs`);
    await server.close();
  }
  console.log(
    `PostgreSQL, 2^20 IDs: store load ${Math.round(median(loadMs))} ms, startServer ${Math.round(median(readyMs))} ms ` +
      `(medians of ${RUNS}; loads ${loadMs.map(Math.round).join(', ')} ms)`,
  );
} finally {
  rmSync(dataDir, { recursive: true, force: true });
  await database.drop();
}
