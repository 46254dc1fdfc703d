// The benchmark's load scenarios and contenders, and one measured run of a scenario against a contender:
// validate, warm up, load with autocannon, then check the count of IDs and, for durable contenders,
// that every acknowledged allocation survives a SIGKILL and restart.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import autocannon from 'autocannon';
import { admin, cpuSeconds, launch, metric, type Server, stop, TOKEN } from './launch.js';
import { measureCluster } from './multi-instance.js';
import { createBenchDatabase } from './pg-database.js';

/** A server configuration under test. */
export interface Contender {
  readonly name: string;
  readonly commitMode: 'group' | 'per-request';
  readonly store: 'sqlite' | 'memory' | 'postgres' | 'bare-fastify';
  /** False for the reference that keeps nothing: it shows the HTTP and allocator cost alone. */
  readonly durable: boolean;
  /**
   * PostgreSQL only: this many instances on one database, the load spread over them (multi-instance.ts).
   * Absent: one server.
   */
  readonly instances?: number;
}

/**
 * Instances of the multi-instance contender: `BENCH_PG_INSTANCES`, default 3. With 1, its code path runs
 * on one server (the load still split into three autocannon runs), for builds without multi-instance
 * support.
 */
export const PG_INSTANCES = Number(process.env.BENCH_PG_INSTANCES ?? 3);

/**
 * The contender (group commit), the naive durable baseline, and the non-durable reference; then the same
 * two durable designs on PostgreSQL (one instance), with group commit also on several instances sharing
 * one database. The PostgreSQL baseline commits one transaction per
 * request, one at a time: a global lock around each request's transaction.
 */
export const CONTENDERS: readonly Contender[] = [
  { name: 'group commit (durable)', commitMode: 'group', store: 'sqlite', durable: true },
  { name: 'fsync per request (durable baseline)', commitMode: 'per-request', store: 'sqlite', durable: true },
  { name: 'no store (not durable, reference)', commitMode: 'group', store: 'memory', durable: false },
  { name: 'bare fastify route (HTTP ceiling)', commitMode: 'group', store: 'bare-fastify', durable: false },
  { name: 'PostgreSQL group commit (durable)', commitMode: 'group', store: 'postgres', durable: true },
  {
    name: `PostgreSQL ${PG_INSTANCES} instance${PG_INSTANCES === 1 ? '' : 's'} on one database, group commit (durable)`,
    commitMode: 'group',
    store: 'postgres',
    durable: true,
    instances: PG_INSTANCES,
  },
  {
    name: 'PostgreSQL transaction per request, global lock (durable baseline)',
    commitMode: 'per-request',
    store: 'postgres',
    durable: true,
  },
];

/** One load shape. */
export interface Scenario {
  readonly name: string;
  readonly connections: number;
  /** IDs each request allocates (the batch `count`, or 1). */
  readonly perRequest: number;
  /** Contenders it runs against (by name). */
  readonly contenders: readonly string[];
}

/** What one measured run gives. */
export interface Sample {
  requestsPerSecond: number;
  idsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Requests answered per group commit, on average (server metrics). */
  requestsPerCommit: number;
  /**
   * Server CPU time (user + system) per request during the timed run, in microseconds: unlike the rates,
   * it hardly depends on what else the machine runs. One core's worth is 1e6 / this requests per second.
   */
  serverCpuUsPerRequest: number;
  /** Mean time of one commit (batch building, transaction and fsync), in milliseconds. */
  commitMs: number;
  acknowledgedIds: number;
  /** IDs the server holds after the run (in-flight requests at the end may add a few). */
  serverIds: number;
  /** IDs found after SIGKILL and restart (durable contenders), null otherwise. */
  idsAfterCrash: number | null;
}

const MAX = 0xffffffff;

/**
 * Runs `scenario` against `contender` on a fresh server and data directory (or fresh servers on one fresh
 * database, for a multi-instance contender).
 * @throws Error when a server does not start, or on any failed check
 */
export async function measure(scenario: Scenario, contender: Contender, seconds: number): Promise<Sample> {
  if (contender.instances !== undefined) return measureCluster(scenario, contender.instances, seconds);
  const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-bench-server-'));
  const database = contender.store === 'postgres' ? await createBenchDatabase() : null;
  const databaseUrl = database?.url;
  let server: Server | null = null;
  try {
    server = await launch({ dataDir, commitMode: contender.commitMode, store: contender.store, databaseUrl });
    if (contender.store === 'bare-fastify') return await ceiling(server, scenario, seconds);
    const { sid } = await admin<{ sid: number }>(
      server,
      'POST',
      '/v1/sets',
      { owner: 'bench', quota: MAX },
      201,
    );
    const path = `/v1/sets/${sid}/ioasids`;
    const body =
      scenario.perRequest === 1 ? { min: 0, max: MAX } : { min: 0, max: MAX, count: scenario.perRequest };
    // Validate before timing: lowest free IDs, in order, the batch all at once.
    const first = await admin<{ id: number }>(server, 'POST', path, { min: 0, max: MAX }, 201);
    const batch = await admin<{ ids: number[] }>(server, 'POST', path, { min: 0, max: MAX, count: 4 }, 201);
    if (first.id !== 0 || batch.ids.join() !== '1,2,3,4') {
      throw new Error(`${contender.name}: validation failed: got ${first.id} then ${batch.ids.join()}`);
    }
    const load = (duration: number) =>
      autocannon({
        url: server!.url + path,
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
        body: JSON.stringify(body),
        connections: scenario.connections,
        duration,
      });
    const warm = await load(1);
    const cpuBefore = cpuSeconds(server);
    const commitBefore = await commitTotals(server);
    const run = await load(seconds);
    const cpu = cpuSeconds(server) - cpuBefore;
    const commitAfter = await commitTotals(server);
    for (const r of [warm, run]) {
      if (r.non2xx !== 0 || r.errors !== 0 || r.timeouts !== 0) {
        throw new Error(`${contender.name}: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`);
      }
    }
    const acknowledged = 5 + (warm['2xx'] + run['2xx']) * scenario.perRequest;
    const serverIds = (await admin<{ count: number }>(server, 'GET', `/v1/sets/${sid}`)).count;
    // Requests in flight when a load run stops are served but not counted by autocannon (two runs).
    const slack = 2 * scenario.connections * scenario.perRequest;
    if (serverIds < acknowledged || serverIds > acknowledged + slack) {
      throw new Error(
        `${contender.name}: the server holds ${serverIds} IDs, ${acknowledged} were acknowledged`,
      );
    }
    const commits = await metric(server, 'ioasid_commit_batch_requests_count');
    const answered = await metric(server, 'ioasid_commit_batch_requests_sum');
    let idsAfterCrash: number | null = null;
    if (contender.durable) {
      await stop(server, 'SIGKILL');
      server = await launch({
        dataDir,
        commitMode: contender.commitMode,
        store: contender.store === 'postgres' ? 'postgres' : 'sqlite',
        databaseUrl,
      });
      idsAfterCrash = (await admin<{ count: number }>(server, 'GET', `/v1/sets/${sid}`)).count;
      if (idsAfterCrash < acknowledged) {
        throw new Error(
          `${contender.name}: ${acknowledged} IDs acknowledged, only ${idsAfterCrash} after a crash`,
        );
      }
    }
    return {
      requestsPerSecond: run['2xx'] / run.duration,
      idsPerSecond: (run['2xx'] * scenario.perRequest) / run.duration,
      p50Ms: run.latency.p50,
      p99Ms: run.latency.p99,
      requestsPerCommit: answered / commits,
      serverCpuUsPerRequest: (cpu * 1e6) / run['2xx'],
      commitMs:
        ((commitAfter.seconds - commitBefore.seconds) * 1000) /
        Math.max(1, commitAfter.count - commitBefore.count),
      acknowledgedIds: acknowledged,
      serverIds,
      idsAfterCrash,
    };
  } finally {
    if (server !== null) await stop(server, 'SIGKILL');
    rmSync(dataDir, { recursive: true, force: true });
    await database?.drop();
  }
}

async function commitTotals(server: Server): Promise<{ seconds: number; count: number }> {
  return {
    seconds: await metric(server, 'ioasid_commit_duration_seconds_sum'),
    count: await metric(server, 'ioasid_commit_duration_seconds_count'),
  };
}

/** Loads the bare fastify route (no allocator): the most this machine's HTTP stack gives. */
async function ceiling(server: Server, scenario: Scenario, seconds: number): Promise<Sample> {
  const load = (duration: number) =>
    autocannon({
      url: `${server.url}/v1/sets/0/ioasids`,
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ min: 0, max: MAX }),
      connections: scenario.connections,
      duration,
    });
  await load(1);
  const before = cpuSeconds(server);
  const run = await load(seconds);
  const cpu = cpuSeconds(server) - before;
  if (run.non2xx !== 0 || run.errors !== 0)
    throw new Error(`bare fastify: ${run.non2xx} non-2xx, ${run.errors} errors`);
  return {
    requestsPerSecond: run['2xx'] / run.duration,
    idsPerSecond: run['2xx'] / run.duration,
    p50Ms: run.latency.p50,
    p99Ms: run.latency.p99,
    requestsPerCommit: Number.NaN,
    serverCpuUsPerRequest: (cpu * 1e6) / run['2xx'],
    commitMs: Number.NaN,
    acknowledgedIds: 0,
    serverIds: 0,
    idsAfterCrash: null,
  };
}
