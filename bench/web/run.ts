// `npm run bench:web`: the dashboard in a real Chromium against a real server (SQLite, temporary
// directory) holding 2^20 IDs, all allocated, across 1,000 sets. Measures sign-in to first paint with
// data, the map drawn after its data arrives, GET /v1/map latency (GET /v1/capacity as the baseline),
// how far the event log and the sets table fall behind under 1,000 events/s for 30 s, the page's heap
// meanwhile, and the gzipped size of the dashboard's JavaScript. Writes bench/results/web-latest.json.
// Definitions are in bench/README.md ("The dashboard in a browser").

import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { launch, type Server, stop, TOKEN } from '../server/launch.js';
import { CAPACITY, fill, PROBE_OWNER, SETS } from './fill.js';
import { type Committed, runLoad } from './load.js';
import { PAGE_PROBES } from './page-probes.js';

const CHROMIUM = process.env.IOASID_CHROMIUM || '/usr/bin/chromium';
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
  '--enable-precise-memory-info',
];
const EVENTS_PER_SECOND = 1000;
const LOAD_SECONDS = 30;
const HEAP_EVERY_MS = 5000;
const LATENCY_REQUESTS = 50;
const FIRST_PAINT_RUNS = 3;

const median = (values: number[]) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const percentile = (values: number[], p: number) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
};
const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits;

/** What the run could not measure, and why: the run fails with these after writing what it has. */
const missing: string[] = [];

/** Latency of one GET in this process: median and p99 (of LATENCY_REQUESTS, after 5 untimed). */
async function latency(
  server: Server,
  path: string,
): Promise<{ p50Ms: number; p99Ms: number; bytes: number }> {
  const headers = { authorization: `Bearer ${TOKEN}` };
  let bytes = 0;
  for (let i = 0; i < 5; i++) await (await fetch(server.url + path, { headers })).arrayBuffer();
  const times: number[] = [];
  for (let i = 0; i < LATENCY_REQUESTS; i++) {
    const start = performance.now();
    const response = await fetch(server.url + path, { headers });
    const body = await response.arrayBuffer();
    times.push(performance.now() - start);
    if (response.status !== 200) throw new Error(`GET ${path} answered ${response.status}`);
    bytes = body.byteLength;
  }
  return { p50Ms: round(median(times), 2), p99Ms: round(percentile(times, 99), 2), bytes };
}

/** Opens the dashboard in `page`, signs in with the admin token and measures first paint with data. */
async function signIn(page: Page, server: Server, owners: string[]) {
  await page.goto(`${server.url}/`, { waitUntil: 'load' });
  const input = page.locator('input[type="password"], input[autocomplete="current-password"]').first();
  try {
    await input.waitFor({ state: 'visible', timeout: 15_000 });
  } catch {
    throw new Error(
      'GET / shows no sign-in form (no password input): the dashboard views (web-app) are not on this branch yet; `git merge main` once they are',
    );
  }
  await input.fill(TOKEN);
  await page.evaluate('globalThis.__bench.arm()');
  await input.press('Enter');
  const result = (await page.evaluate(
    `globalThis.__bench.firstPaint(${JSON.stringify(owners)}, ${JSON.stringify([
      CAPACITY.toLocaleString('en'),
      String(CAPACITY),
    ])}, 30000)`,
  )) as { ok: boolean; submittedAt: number | null; doneAt: number; rows?: number; roles?: string[] };
  if (!result.ok || result.submittedAt === null) {
    throw new Error(
      `after sign-in the page showed no sets table with rows and the capacity within 30 s (roles seen: ${result.roles?.join(', ')})`,
    );
  }
  return { ms: round(result.doneAt - result.submittedAt), rows: result.rows ?? 0 };
}

async function main(): Promise<void> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `Chromium is not at ${CHROMIUM}: run \`bash scripts/ensure-chromium.sh\` or set IOASID_CHROMIUM`,
    );
  }
  // The server package's build output (what GET / serves), found through the package, not a path into it.
  const assets = fileURLToPath(
    new URL('dashboard/assets/', import.meta.resolve('@ioasid/server/package.json')),
  );
  if (!existsSync(assets)) throw new Error('the dashboard is not built: run `npm run build` first');
  const loadBefore = loadavg();
  const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-bench-web-'));
  const server = await launch({ dataDir, commitMode: 'group', store: 'sqlite', capacity: 0 });
  let context: BrowserContext | null = null;
  const profile = mkdtempSync(join(tmpdir(), 'ioasid-bench-chromium-'));
  const result: Record<string, unknown> = {};
  try {
    console.log(`server ${server.url}; installing capacity 2^20, ${SETS} sets, allocating every ID ...`);
    const fillStart = performance.now();
    const sets = await fill(server, (line) => console.log(line));
    const fillSeconds = round((performance.now() - fillStart) / 1000, 2);
    console.log(`  filled in ${fillSeconds} s`);
    const index = await fetch(`${server.url}/`);
    if (index.status !== 200) throw new Error(`GET / answered ${index.status}: run \`npm run build\` first`);
    await index.arrayBuffer();

    // ---- the map endpoint, in node, beside GET /v1/capacity -------------------------------------
    const capacityLatency = await latency(server, '/v1/capacity');
    const probeMap = await fetch(`${server.url}/v1/map?buckets=4096`, {
      headers: { authorization: `Bearer ${TOKEN}` },
    });
    let mapLatency: Record<string, { p50Ms: number; p99Ms: number; bytes: number }> | null = null;
    if (probeMap.status === 404) {
      missing.push('GET /v1/map answers 404: the map endpoint (dash-api) is not on this branch yet');
    } else {
      const body = (await probeMap.json()) as { buckets?: number; runs?: number[] };
      if (body.buckets !== 4096 || !Array.isArray(body.runs))
        throw new Error(`GET /v1/map?buckets=4096 answered ${JSON.stringify(body).slice(0, 200)}`);
      mapLatency = {
        '4096': await latency(server, '/v1/map?buckets=4096'),
        '1048576': await latency(server, '/v1/map?buckets=1048576'),
      };
    }
    console.log(
      `GET /v1/capacity ${JSON.stringify(capacityLatency)}; GET /v1/map ${JSON.stringify(mapLatency)}`,
    );

    // ---- the page -----------------------------------------------------------------------------------
    context = await chromium.launchPersistentContext(profile, {
      executablePath: CHROMIUM,
      headless: true,
      args: ARGS,
      viewport: { width: 1440, height: 900 },
    });
    await context.addInitScript({ content: PAGE_PROBES });
    for (const blank of context.pages()) await blank.close();
    const owners = sets.slice(0, 50).map((s) => s.owner);
    const firstPaint: { ms: number; rows: number }[] = [];
    let page: Page | null = null;
    let map: Record<string, unknown> | null = null;
    try {
      for (let run = 0; run < FIRST_PAINT_RUNS; run++) {
        if (page !== null) await page.close();
        page = await context.newPage();
        firstPaint.push(await signIn(page, server, owners));
        console.log(
          `first paint with data, run ${run + 1}: ${firstPaint[run].ms} ms (${firstPaint[run].rows} rows)`,
        );
      }
      const drawn = (await page!.evaluate('globalThis.__bench.mapDrawn(10000)')) as {
        ok: boolean;
        at: number;
        label: string;
        responseEnd: number | null;
        requests: number;
        entries: { name: string; duration: number }[];
      };
      if (!drawn.ok) {
        missing.push(
          'the page shows no capacity map (a canvas with role img whose aria-label counts allocated IDs)',
        );
      } else {
        const measure = drawn.entries.find((e) => e.duration > 0);
        map = {
          label: drawn.label,
          fromResponseMs: drawn.responseEnd === null ? null : round(drawn.at - drawn.responseEnd),
          appMeasure: measure === undefined ? null : { name: measure.name, ms: round(measure.duration) },
          mapRequests: drawn.requests,
        };
        if (drawn.responseEnd === null)
          missing.push('no GET /v1/map request was seen before the map was drawn');
        console.log(`map drawn: ${JSON.stringify(map)}`);
      }
    } catch (error) {
      missing.push((error as Error).message);
    }

    // ---- 1,000 events/s for 30 s -----------------------------------------------------------------
    let load: Record<string, unknown> | null = null;
    if (page !== null && firstPaint.length === FIRST_PAINT_RUNS) {
      const cdp = await context.newCDPSession(page);
      await cdp.send('HeapProfiler.collectGarbage');
      const heap: { atS: number; usedMiB: number; performanceMemoryMiB: number | null }[] = [];
      const loadStart = performance.now();
      const sampleHeap = async () => {
        const usage = await cdp.send('Runtime.getHeapUsage');
        const memory = (await page!.evaluate(
          'performance.memory ? performance.memory.usedJSHeapSize : null',
        )) as number | null;
        heap.push({
          atS: round((performance.now() - loadStart) / 1000),
          usedMiB: round(usage.usedSize / 2 ** 20, 2),
          performanceMemoryMiB: memory === null ? null : round(memory / 2 ** 20, 2),
        });
      };
      await sampleHeap();
      await page.evaluate(`globalThis.__bench.watch(${JSON.stringify(PROBE_OWNER)})`);
      const sampler = setInterval(() => void sampleHeap(), HEAP_EVERY_MS);
      console.log(`load: ${EVENTS_PER_SECOND} events/s for ${LOAD_SECONDS} s ...`);
      const done = await runLoad(server, sets.slice(1), sets[0], EVENTS_PER_SECOND, LOAD_SECONDS);
      await new Promise((resolve) => setTimeout(resolve, 3000));
      clearInterval(sampler);
      await sampleHeap();
      await cdp.send('HeapProfiler.collectGarbage');
      await sampleHeap();
      const watched = (await page.evaluate('globalThis.__bench.stopWatch()')) as {
        seen: Record<string, number>;
        values: { at: number; value: number }[];
        log: boolean;
        bar: boolean;
      };
      const seqAt = (at: number) => {
        let seq = 0;
        for (const point of done.seqTimeline) if (point.at <= at) seq = point.seq;
        return seq;
      };
      const logLag = done.markers.map((m: Committed) => {
        const at = watched.seen[String(m.value)];
        return at === undefined
          ? null
          : { ms: Math.max(0, at - m.committedAt), events: Math.max(0, seqAt(at) - m.seq) };
      });
      const tableLag = done.probes.map((p: Committed) => {
        const shown = watched.values.find((v) => v.at >= p.sentAt && v.value === p.value);
        return shown === undefined ? null : Math.max(0, shown.at - p.committedAt);
      });
      const logSeen = logLag.filter((l) => l !== null) as { ms: number; events: number }[];
      const tableSeen = tableLag.filter((l) => l !== null) as number[];
      if (!watched.log) missing.push('the page shows no event log (role=log)');
      if (!watched.bar)
        missing.push(`the page shows no progressbar for the set ${PROBE_OWNER} (the sets table)`);
      const firstHalf = heap.filter((h) => h.atS <= LOAD_SECONDS / 2).map((h) => h.usedMiB);
      const secondHalf = heap.filter((h) => h.atS > LOAD_SECONDS / 2).map((h) => h.usedMiB);
      load = {
        eventsPerSecond: done.eventsPerSecond,
        achievedEventsPerSecond: round(median(done.eventsPerSecond.slice(1))),
        errors: done.errors,
        firstError: done.firstError,
        log: {
          markers: done.markers.length,
          seen: logSeen.length,
          p50Ms: round(median(logSeen.map((l) => l.ms))),
          maxMs: round(Math.max(...logSeen.map((l) => l.ms), Number.NaN)),
          p50Events: median(logSeen.map((l) => l.events)),
          maxEvents: Math.max(...logSeen.map((l) => l.events), Number.NaN),
        },
        table: {
          probes: done.probes.length,
          seen: tableSeen.length,
          p50Ms: round(median(tableSeen)),
          maxMs: round(Math.max(...tableSeen, Number.NaN)),
        },
        heap,
        heapFirstHalfMaxMiB: Math.max(...firstHalf),
        heapSecondHalfMaxMiB: Math.max(...secondHalf),
      };
      console.log(`load: ${JSON.stringify({ ...load, heap: undefined, eventsPerSecond: undefined })}`);
    }

    // ---- the JavaScript shipped ----------------------------------------------------------------------
    const js = readdirSync(assets)
      .filter((f) => f.endsWith('.js'))
      .map((file) => {
        const bytes = readFileSync(join(assets, file));
        return { file, bytes: bytes.length, gzipBytes: gzipSync(bytes, { level: 9 }).length };
      });
    const jsGzipKiB = round(js.reduce((n, f) => n + f.gzipBytes, 0) / 1024, 2);

    // ---- report -----------------------------------------------------------------------------------------
    const fp = median(firstPaint.map((f) => f.ms));
    const mapMs =
      (map?.appMeasure as { ms: number } | null)?.ms ?? (map?.fromResponseMs as number | undefined);
    const bigMap = mapLatency?.['1048576'];
    const l = load as {
      log: { maxMs: number; p50Ms: number };
      table: { maxMs: number };
      heapFirstHalfMaxMiB: number;
      heapSecondHalfMaxMiB: number;
    } | null;
    const lagMax = l === null ? Number.NaN : Math.max(l.log.maxMs, l.table.maxMs);
    const targets = [
      {
        target: 'sign-in to first paint with data <= 1 s',
        measured: `${fp} ms (median of ${firstPaint.length}; first ${firstPaint[0]?.ms ?? 'n/a'} ms)`,
        met: fp <= 1000,
      },
      {
        target: 'map drawn <= 200 ms after its data',
        measured: `${mapMs ?? 'n/a'} ms`,
        met: mapMs !== undefined && mapMs <= 200,
      },
      {
        target: 'GET /v1/map (2^20 buckets) <= 50 ms',
        measured: bigMap
          ? `p50 ${bigMap.p50Ms} ms, p99 ${bigMap.p99Ms} ms (baseline GET /v1/capacity p50 ${capacityLatency.p50Ms} ms)`
          : 'n/a',
        met: bigMap !== undefined && bigMap.p99Ms <= 50,
      },
      {
        target: 'event log and table <= 1 s behind at 1,000 events/s',
        measured:
          l === null
            ? 'n/a'
            : `log max ${l.log.maxMs} ms (p50 ${l.log.p50Ms}), table max ${l.table.maxMs} ms`,
        met: lagMax <= 1000,
      },
      {
        target: 'heap bounded under load',
        measured:
          l === null
            ? 'n/a'
            : `max ${l.heapFirstHalfMaxMiB} MiB in the first 15 s, ${l.heapSecondHalfMaxMiB} MiB in the last 15 s`,
        met: l !== null && l.heapSecondHalfMaxMiB <= l.heapFirstHalfMaxMiB * 1.25 + 2,
      },
      {
        target: 'JS <= 150 KiB gzipped',
        measured: `${jsGzipKiB} KiB (${js.length} files)`,
        met: jsGzipKiB <= 150,
      },
    ];
    console.log('');
    console.table(js);
    console.table(
      targets.map((t) => ({ target: t.target, measured: t.measured, met: t.met ? 'yes' : 'NO' })),
    );
    Object.assign(result, {
      date: new Date().toISOString(),
      machine: {
        node: process.version,
        chromium: context === null ? null : (context.browser()?.version() ?? null),
        cpus: cpus().length,
        cpu: cpus()[0]?.model,
        memoryGiB: Math.round(totalmem() / 2 ** 30),
        loadBefore,
        loadAfter: loadavg(),
      },
      settings: {
        capacity: CAPACITY,
        sets: SETS,
        eventsPerSecond: EVENTS_PER_SECOND,
        loadSeconds: LOAD_SECONDS,
        latencyRequests: LATENCY_REQUESTS,
        firstPaintRuns: FIRST_PAINT_RUNS,
        chromiumArgs: ARGS,
      },
      fillSeconds,
      capacityLatency,
      mapLatency,
      firstPaint,
      map,
      load,
      js,
      jsGzipKiB,
      targets,
      missing,
    });
  } finally {
    await context?.close();
    await stop(server);
    rmSync(dataDir, { recursive: true, force: true });
    rmSync(profile, { recursive: true, force: true });
  }
  const file = fileURLToPath(new URL('../results/web-latest.json', import.meta.url));
  mkdirSync(fileURLToPath(new URL('../results/', import.meta.url)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(result, null, 2)}\n`);
  console.log(`\nwritten to ${file}`);
  if (missing.length > 0) {
    console.error(`\nnot measured:\n${missing.map((m) => `  - ${m}`).join('\n')}`);
    process.exitCode = 1;
  }
}

await main();
