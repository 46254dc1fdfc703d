// Entry of `npm run bench`: runs every workload for every contender, each pair in a fresh worker
// process (BENCH_QUICK=1: one process per contender, fewer repetitions), then prints and saves the table.

import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { CONTENDERS } from './contenders/index.js';
import { renderTable, verdicts } from './report.js';
import { settingsFor } from './settings.js';
import { WORKLOADS } from './workloads/index.js';
import { crashedRow, type Row } from './workloads/workload.js';

interface WorkerMessage {
  readonly rows: Row[];
}

/** Runs workloads for one contender in a child process; a crash becomes a failed row. */
function runWorker(contender: string, workloads: readonly string[], quick: boolean): Promise<Row[]> {
  return new Promise((resolve) => {
    const worker = fileURLToPath(new URL('./worker.ts', import.meta.url));
    const child = fork(worker, [contender, workloads.join(','), quick ? '1' : '0'], {
      execArgv: ['--expose-gc', '--import', 'tsx'],
      stdio: ['ignore', 'inherit', 'pipe', 'ipc'],
    });
    let rows: Row[] | null = null;
    let stderr = '';
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    child.on('message', (message: WorkerMessage) => {
      rows = message.rows;
    });
    child.on('exit', (code, signal) => {
      if (rows !== null) return resolve(rows);
      const reason = `worker exited with ${signal ?? code}: ${stderr.trim().split('\n').slice(0, 3).join(' | ')}`;
      resolve(workloads.map((w) => crashedRow(w, contender, reason)));
    });
  });
}

/** The worker processes to run: one per contender and workload, or per contender when quick. */
function plan(quick: boolean): { contender: string; workloads: string[] }[] {
  const jobs: { contender: string; workloads: string[] }[] = [];
  for (const contender of CONTENDERS) {
    const names = WORKLOADS.filter(
      (w) =>
        (w.only === undefined || w.only.includes(contender.name)) && contender.does[w.kind] !== undefined,
    ).map((w) => w.name);
    if (quick) jobs.push({ contender: contender.name, workloads: names });
    else for (const name of names) jobs.push({ contender: contender.name, workloads: [name] });
  }
  return jobs;
}

async function main(): Promise<void> {
  const quick = process.env.BENCH_QUICK === '1';
  const started = Date.now();
  // The machine may be shared: the load average before and after says how much to trust the figures.
  const loadBefore = loadavg()[0];
  const rows: Row[] = [];
  for (const job of plan(quick)) {
    const t0 = Date.now();
    const got = await runWorker(job.contender, job.workloads, quick);
    rows.push(...got);
    const failed = got.filter((r) => r.failed !== undefined).length;
    const seconds = ((Date.now() - t0) / 1000).toFixed(1).padStart(5);
    process.stderr.write(
      `  ${job.contender.padEnd(14)} ${job.workloads.join(',').padEnd(20)} ${seconds} s${failed > 0 ? '  FAILED' : ''}\n`,
    );
  }

  const machine = {
    node: process.version,
    v8: process.versions.v8,
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpuModel: cpus()[0]?.model ?? 'unknown',
    totalMemoryBytes: totalmem(),
    date: new Date().toISOString(),
    loadAverage1mBefore: loadBefore,
    loadAverage1mAfter: loadavg()[0],
  };
  const seconds = (Date.now() - started) / 1000;
  const header = `ioasid core benchmarks${quick ? ' (BENCH_QUICK: fewer repetitions, figures are rough)' : ''}: capacity 2^20, node ${machine.node}, ${machine.cpus} x ${machine.cpuModel}, ${machine.date}, ${seconds.toFixed(0)} s, load average ${loadBefore.toFixed(1)} -> ${machine.loadAverage1mAfter.toFixed(1)}`;
  process.stdout.write(`\n${renderTable(rows, header)}\n`);

  const file = fileURLToPath(
    new URL(`../results/${quick ? 'latest-quick' : 'latest'}.json`, import.meta.url),
  );
  mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  const json = { quick, seconds, machine, settings: settingsFor(quick), verdicts: verdicts(rows), rows };
  writeFileSync(file, `${JSON.stringify(json, null, 2)}\n`);
  process.stdout.write(`\nwrote ${file}\n`);
}

await main();
