// The multi-instance load run: several servers on one PostgreSQL database, the scenario's connections
// spread over them by one autocannon run per instance (22/21/21 of 64 for three), started together and
// merged: total rate from the summed counts, p50/p99 from the added latency histograms. Then the same
// checks as a single server's run: the IDs held match the acknowledged ones (read with `ioasid-min-seq`
// on every instance), and every acknowledged allocation survives a SIGKILL of all instances.

import autocannon from 'autocannon';
import { cpuSeconds, metric, type Server, stop, TOKEN } from './launch.js';
import { MAX, setCount, startPgCluster } from './pg-cluster.js';
import type { Sample, Scenario } from './scenarios.js';

/** Load runs the connections are split into: one per instance, and at least three (see measureCluster). */
const MIN_RUNS = 3;

/**
 * Splits `connections` into `runs` nearly equal parts, the larger first (64 over 3: 22, 21, 21).
 * @returns the parts, summing to `connections`
 */
export function splitConnections(connections: number, runs: number): number[] {
  return Array.from(
    { length: runs },
    (_, i) => Math.floor(connections / runs) + (i < connections % runs ? 1 : 0),
  );
}

/**
 * Runs `scenario` (single-ID allocations) on `instances` fresh servers sharing one database. With fewer
 * than three instances the load is still split into three autocannon runs (round-robin over the
 * instances), so the merge is exercised and the figure is comparable with the single-server row.
 * @throws Error when an instance does not start, or on any failed check (validation, non-2xx answers, a
 * count that does not match, an allocation lost in a crash)
 */
export async function measureCluster(
  scenario: Scenario,
  instances: number,
  seconds: number,
): Promise<Sample> {
  const cluster = await startPgCluster(instances);
  const { servers, sid, allocPath } = cluster;
  try {
    // Validate before timing, on every instance in turn: the lowest free IDs, in order.
    for (let i = 0; i < 5; i++) {
      const response = await post(servers[i % servers.length], allocPath, { min: 0, max: MAX });
      if (response.id !== i)
        throw new Error(`${instances} instances: validation failed: ID ${response.id}, not ${i}`);
    }
    const parts = splitConnections(scenario.connections, Math.max(MIN_RUNS, instances));
    const options = (server: Server, connections: number, duration: number) => ({
      url: server.url + allocPath,
      method: 'POST' as const,
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ min: 0, max: MAX }),
      connections,
      duration,
    });
    const load = (duration: number) =>
      Promise.all(
        parts.map((connections, i) =>
          autocannon({
            ...options(servers[i % servers.length], connections, duration),
            skipAggregateResult: true,
          }),
        ),
      );
    const warm = await load(1);
    const cpuBefore = servers.map(cpuSeconds);
    const commitBefore = await commitTotals(servers);
    const runs = await load(seconds);
    const cpu = servers.reduce((sum, s, i) => sum + cpuSeconds(s) - cpuBefore[i], 0);
    const commitAfter = await commitTotals(servers);
    for (const r of [...warm, ...runs]) {
      if (r.non2xx !== 0 || r.errors !== 0 || r.timeouts !== 0) {
        throw new Error(
          `${instances} instances: ${r.non2xx} non-2xx, ${r.errors} errors, ${r.timeouts} timeouts`,
        );
      }
    }
    const merged = autocannon.aggregateResult(runs, options(servers[0], scenario.connections, seconds));
    const answered = runs.reduce((sum, r) => sum + r['2xx'], 0);
    // The runs start together and stop after the same duration; the longest one bounds the rate.
    const duration = Math.max(...runs.map((r) => r.duration));
    const acknowledged = 5 + [...warm, ...runs].reduce((sum, r) => sum + r['2xx'], 0);
    // Every instance must hold every allocation once it has seen the newest event of the first.
    const newest = await setCount(servers[0], sid);
    const slack = 2 * scenario.connections;
    for (const server of servers) {
      const { count } = await setCount(server, sid, newest.seq);
      if (count < acknowledged || count > acknowledged + slack) {
        throw new Error(
          `${instances} instances: ${server.url} holds ${count} IDs, ${acknowledged} were acknowledged`,
        );
      }
    }
    let batches = 0;
    let batched = 0;
    for (const server of servers) {
      batches += await metric(server, 'ioasid_commit_batch_requests_count');
      batched += await metric(server, 'ioasid_commit_batch_requests_sum');
    }
    await Promise.all(servers.map((s) => stop(s, 'SIGKILL')));
    const idsAfterCrash = (await setCount(await cluster.launchMore(), sid)).count;
    if (idsAfterCrash < acknowledged) {
      throw new Error(
        `${instances} instances: ${acknowledged} IDs acknowledged, only ${idsAfterCrash} after a crash`,
      );
    }
    return {
      requestsPerSecond: answered / duration,
      idsPerSecond: answered / duration,
      p50Ms: merged.latency.p50,
      p99Ms: merged.latency.p99,
      requestsPerCommit: batched / batches,
      serverCpuUsPerRequest: (cpu * 1e6) / answered,
      commitMs:
        ((commitAfter.seconds - commitBefore.seconds) * 1000) /
        Math.max(1, commitAfter.count - commitBefore.count),
      acknowledgedIds: acknowledged,
      serverIds: newest.count,
      idsAfterCrash,
    };
  } finally {
    await cluster.close();
  }
}

async function post(server: Server, path: string, body: unknown): Promise<{ id: number }> {
  const response = await fetch(server.url + path, {
    method: 'POST',
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== 201)
    throw new Error(`POST ${path} on ${server.url} answered ${response.status}: ${text}`);
  return JSON.parse(text) as { id: number };
}

async function commitTotals(servers: Server[]): Promise<{ seconds: number; count: number }> {
  let seconds = 0;
  let count = 0;
  for (const server of servers) {
    seconds += await metric(server, 'ioasid_commit_duration_seconds_sum');
    count += await metric(server, 'ioasid_commit_duration_seconds_count');
  }
  return { seconds, count };
}
