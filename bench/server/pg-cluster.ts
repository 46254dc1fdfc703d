// Several ioasid servers on ONE fresh PostgreSQL database (group commit), serving one namespace: the
// setup shared by the multi-instance load, the cross-instance event latency and the stall after a kill.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { admin, launch, type Server, stop, TOKEN } from './launch.js';
import { createBenchDatabase } from './pg-database.js';

/** Largest ID and quota the benchmark uses. */
export const MAX = 0xffffffff;

/** Running instances on one database, with one set created for the benchmark. */
export interface PgCluster {
  /** The instances, in start order; a stopped one stays in the list. */
  readonly servers: Server[];
  readonly databaseUrl: string;
  /** The benchmark's set (created on the first instance, quota 2^32 - 1). */
  readonly sid: number;
  /** `/v1/sets/{sid}/ioasids`: where allocations go. */
  readonly allocPath: string;
  /** Starts one more instance on the database (e.g. to check what survived). */
  launchMore(): Promise<Server>;
  /** Kills every instance (SIGKILL), drops the database and removes the data directories. */
  close(): Promise<void>;
}

/**
 * Creates a database and starts `count` instances on it one after the other, then creates the set.
 * @throws Error when an instance does not start or does not learn of the set within 5 s (everything
 * started is stopped and the database dropped first)
 */
export async function startPgCluster(count: number): Promise<PgCluster> {
  const database = await createBenchDatabase();
  const servers: Server[] = [];
  const dirs: string[] = [];
  const launchMore = async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-bench-cluster-'));
    dirs.push(dataDir);
    const server = await launch({
      dataDir,
      commitMode: 'group',
      store: 'postgres',
      databaseUrl: database.url,
    });
    servers.push(server);
    return server;
  };
  const close = async () => {
    await Promise.all(servers.map((s) => stop(s, 'SIGKILL')));
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
    await database.drop();
  };
  try {
    for (let i = 0; i < count; i++) await launchMore();
    const { sid } = await admin<{ sid: number }>(
      servers[0],
      'POST',
      '/v1/sets',
      { owner: 'bench', quota: MAX },
      201,
    );
    // Creating a set has no event, so `ioasid-min-seq` cannot wait for it: poll every instance until it
    // knows the set (another instance learns of the commit asynchronously).
    for (const server of servers) await waitForSet(server, sid);
    return {
      servers,
      databaseUrl: database.url,
      sid,
      allocPath: `/v1/sets/${sid}/ioasids`,
      launchMore,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

/** Polls `GET /v1/sets/{sid}` on `server` until it answers 200. @throws Error after 5 s of 404s */
async function waitForSet(server: Server, sid: number): Promise<void> {
  const deadline = performance.now() + 5000;
  for (;;) {
    const response = await fetch(`${server.url}/v1/sets/${sid}`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    await response.text();
    if (response.status === 200) return;
    if (response.status !== 404 || performance.now() > deadline)
      throw new Error(`set ${sid} on ${server.url}: ${response.status} (waited for it after its creation)`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/**
 * Reads the count of IDs of set `sid` on `server`, once that instance has seen event `minSeq`
 * (`ioasid-min-seq`, H-CONV-6). Returns the count and the answer's `ioasid-seq`.
 * @throws Error when the answer is not 200 (e.g. 503 EAGAIN `seq-not-reached` after 5 s)
 */
export async function setCount(
  server: Server,
  sid: number,
  minSeq = 0,
): Promise<{ count: number; seq: number }> {
  const response = await fetch(`${server.url}/v1/sets/${sid}`, {
    headers: { authorization: `Bearer ${TOKEN}`, 'ioasid-min-seq': String(minSeq) },
  });
  const text = await response.text();
  if (response.status !== 200)
    throw new Error(`GET /v1/sets/${sid} on ${server.url} answered ${response.status}: ${text}`);
  return {
    count: (JSON.parse(text) as { count: number }).count,
    seq: Number(response.headers.get('ioasid-seq')),
  };
}
