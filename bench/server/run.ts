// `npm run bench:server`: the durable server under autocannon on loopback. Allocation throughput and
// latency with 1 and 64 clients and with batches, against the naive durable design (one fsync'd
// transaction per request) and a non-durable reference in the same run, on SQLite and on PostgreSQL
// (one instance); restart time with 2^20 IDs.
// Writes bench/results/server-latest.json (BENCH_QUICK=1: a short run, written to the temp directory).

import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { probeFsync } from './fsync-probe.js';
import { measureRestart } from './restart.js';
import { CONTENDERS, measure, type Sample, type Scenario } from './scenarios.js';

const QUICK = process.env.BENCH_QUICK === '1';
const SECONDS = QUICK ? 2 : 4;
const ROUNDS = QUICK ? 1 : 3;
const [GROUP, PER_REQUEST, REFERENCE, CEILING, PG_GROUP, PG_PER_REQUEST] = CONTENDERS.map((c) => c.name);

const SCENARIOS: Scenario[] = [
  { name: 'alloc, 1 client', connections: 1, perRequest: 1, contenders: [GROUP, PER_REQUEST, REFERENCE] },
  {
    name: 'alloc, 64 clients',
    connections: 64,
    perRequest: 1,
    contenders: [GROUP, PER_REQUEST, REFERENCE, CEILING, PG_GROUP, PG_PER_REQUEST],
  },
  {
    name: 'batch alloc (1024/request), 16 clients',
    connections: 16,
    perRequest: 1024,
    contenders: [GROUP, PER_REQUEST, PG_GROUP, PG_PER_REQUEST],
  },
];

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};

async function main(): Promise<void> {
  const probeDir = mkdtempSync(join(tmpdir(), 'ioasid-bench-fsync-'));
  const fsync = probeFsync(probeDir);
  rmSync(probeDir, { recursive: true, force: true });
  const loadBefore = loadavg();
  console.log(
    `4 KiB write + fsync here: p50 ${fsync.fsync.p50Us} µs, p99 ${fsync.fsync.p99Us} µs ` +
      `(fdatasync: p50 ${fsync.fdatasync.p50Us} µs, p99 ${fsync.fdatasync.p99Us} µs)`,
  );
  console.log(
    `${ROUNDS} round(s) of ${SECONDS} s per run (plus 1 s warm-up), contenders interleaved; medians reported\n`,
  );

  const samples = new Map<string, Sample[]>();
  for (let round = 0; round < ROUNDS; round++) {
    for (const scenario of SCENARIOS) {
      for (const name of scenario.contenders) {
        const contender = CONTENDERS.find((c) => c.name === name)!;
        const sample = await measure(scenario, contender, SECONDS);
        const key = `${scenario.name}|${name}`;
        samples.set(key, [...(samples.get(key) ?? []), sample]);
        console.log(
          `  round ${round + 1}: ${scenario.name} / ${name}: ${Math.round(sample.idsPerSecond)} IDs/s, p99 ${sample.p99Ms} ms`,
        );
      }
    }
  }
  console.log('\nrestart with 2^20 live IDs ...');
  const restart = await measureRestart(QUICK ? 1 : 3);

  const rows = SCENARIOS.flatMap((scenario) =>
    scenario.contenders.map((contender) => {
      const all = samples.get(`${scenario.name}|${contender}`)!;
      // Noise on a shared machine only slows runs down, so the best round is reported beside the median.
      const best = all.reduce((a, b) => (b.idsPerSecond > a.idsPerSecond ? b : a));
      return {
        scenario: scenario.name,
        contender,
        connections: scenario.connections,
        idsPerRequest: scenario.perRequest,
        requestsPerSecond: Math.round(median(all.map((s) => s.requestsPerSecond))),
        idsPerSecond: Math.round(median(all.map((s) => s.idsPerSecond))),
        p50Ms: median(all.map((s) => s.p50Ms)),
        p99Ms: median(all.map((s) => s.p99Ms)),
        bestIdsPerSecond: Math.round(best.idsPerSecond),
        bestP99Ms: best.p99Ms,
        requestsPerCommit: Math.round(median(all.map((s) => s.requestsPerCommit)) * 10) / 10,
        serverCpuUsPerRequest: Math.round(median(all.map((s) => s.serverCpuUsPerRequest))),
        commitMs: Math.round(median(all.map((s) => s.commitMs)) * 100) / 100,
        survivedCrash: all.every((s) => s.idsAfterCrash === null || s.idsAfterCrash >= s.acknowledgedIds),
        samples: all,
      };
    }),
  );
  const row = (scenario: string, contender: string) =>
    rows.find((r) => r.scenario === scenario && r.contender === contender)!;
  const one = row(SCENARIOS[0].name, GROUP);
  // A sequential client waits for one round trip and one fsync per durable answer, at the very least:
  // the non-durable reference's round trip plus the probed fsync, both from this run.
  const oneReference = row(SCENARIOS[0].name, REFERENCE);
  const roundTripUs = 1e6 / oneReference.requestsPerSecond;
  const oneClientBound = Math.round(1e6 / (roundTripUs + fsync.fsync.p50Us));
  const many = row(SCENARIOS[1].name, GROUP);
  const batch = row(SCENARIOS[2].name, GROUP);
  const readyMs = median(restart.readyMs);
  const targets = [
    {
      target: '>= 15,000 durable allocations/s, 64 clients',
      measured: many.idsPerSecond,
      met: many.idsPerSecond >= 15_000,
    },
    { target: 'p99 <= 10 ms, 64 clients', measured: many.p99Ms, met: many.p99Ms <= 10 },
    {
      target: '>= 3,000 durable allocations/s, 1 sequential client',
      measured: one.idsPerSecond,
      met: one.idsPerSecond >= 3_000,
      bound: `at most ~${oneClientBound}/s here: ${Math.round(roundTripUs)} µs non-durable round trip + ${fsync.fsync.p50Us} µs fsync (p50), same run`,
    },
    {
      target: '>= 250,000 IDs/s via batch',
      measured: batch.idsPerSecond,
      met: batch.idsPerSecond >= 250_000,
    },
    {
      target: 'restart with 2^20 IDs ready <= 1 s (startServer)',
      measured: Math.round(readyMs),
      met: readyMs <= 1000,
    },
  ];

  console.log('');
  console.table(
    rows.map((r) => ({
      scenario: r.scenario,
      contender: r.contender,
      'req/s': r.requestsPerSecond,
      'IDs/s': r.idsPerSecond,
      'p50 ms': r.p50Ms,
      'p99 ms': r.p99Ms,
      'best IDs/s (p99)': `${r.bestIdsPerSecond} (${r.bestP99Ms})`,
      'req/commit': r.requestsPerCommit,
      'commit ms': r.commitMs,
      'server CPU µs/req': r.serverCpuUsPerRequest,
      'survives kill':
        r.contender === REFERENCE || r.contender === CEILING ? 'n/a' : r.survivedCrash ? 'yes' : 'NO',
    })),
  );
  console.log(
    `restart with 2^20 IDs: startServer ${Math.round(readyMs)} ms (median of ${restart.readyMs.length}; ` +
      `${Math.round(restart.afterCrashReadyMs)} ms after SIGKILL), process spawn to listening ${Math.round(median(restart.spawnMs))} ms; ` +
      `filled in ${restart.fillSeconds.toFixed(2)} s`,
  );
  console.table(
    targets.map((t) => ({
      target: t.target,
      measured: t.measured,
      met: t.met ? 'yes' : 'NO',
      'physical bound': t.bound ?? '',
    })),
  );

  // The PostgreSQL store beside SQLite under the same load, as ratios (the machine is shared and noisy).
  const ratio = (a: number, b: number) => Math.round((a / b) * 100) / 100;
  const comparisons = [SCENARIOS[1].name, SCENARIOS[2].name].map((scenario) => ({
    scenario,
    'PostgreSQL / SQLite (group commit)': ratio(
      row(scenario, PG_GROUP).idsPerSecond,
      row(scenario, GROUP).idsPerSecond,
    ),
    'PostgreSQL group commit / its per-request baseline': ratio(
      row(scenario, PG_GROUP).idsPerSecond,
      row(scenario, PG_PER_REQUEST).idsPerSecond,
    ),
    'p99 PostgreSQL / SQLite': ratio(row(scenario, PG_GROUP).p99Ms, row(scenario, GROUP).p99Ms),
  }));
  console.table(comparisons);

  const result = {
    date: new Date().toISOString(),
    quick: QUICK,
    machine: {
      node: process.version,
      cpus: cpus().length,
      cpu: cpus()[0]?.model,
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      loadBefore,
      loadAfter: loadavg(),
    },
    settings: {
      secondsPerRun: SECONDS,
      warmupSeconds: 1,
      rounds: ROUNDS,
      loadGenerator: 'autocannon 9.0.0, same machine',
    },
    fsync,
    rows,
    comparisons,
    restart,
    targets,
  };
  const file = QUICK
    ? join(tmpdir(), 'ioasid-server-latest-quick.json')
    : fileURLToPath(new URL('../results/server-latest.json', import.meta.url));
  if (!QUICK) mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
}

await main();
