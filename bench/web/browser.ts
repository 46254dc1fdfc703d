// The browser side of the dashboard benchmark: Chromium (playwright-core, the e2e tests' flags), a
// sign-in timed to the first frame showing data, and the map drawn after its data arrived. The page
// probes (page-probes.ts) find the app's parts by role, as the tests do.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { TOKEN } from '../server/launch.js';
import { CAPACITY } from './fill.js';
import { PAGE_PROBES } from './page-probes.js';

/** The Chromium binary: $IOASID_CHROMIUM or /usr/bin/chromium (scripts/ensure-chromium.sh). */
export const CHROMIUM = process.env.IOASID_CHROMIUM || '/usr/bin/chromium';
/** The e2e tests' flags, and precise `performance.memory`. */
export const CHROMIUM_ARGS = [
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

/** The views measured, by hash route, and what "painted with data" means on each. */
export const VIEWS = {
  overview: { hash: '#/', what: 'the capacity figure (1,048,576)' },
  sets: { hash: '#/sets', what: 'the sets table with rows naming sets' },
  events: { hash: '#/events', what: 'the page (the event log is watched under load)' },
} as const;
export type View = keyof typeof VIEWS;

/** Chromium with a fresh profile and the page probes in every page. */
export async function launchChromium(): Promise<{ context: BrowserContext; close(): Promise<void> }> {
  const profile = mkdtempSync(join(tmpdir(), 'ioasid-bench-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: CHROMIUM_ARGS,
    viewport: { width: 1440, height: 900 },
  });
  await context.addInitScript({ content: PAGE_PROBES });
  for (const blank of context.pages()) await blank.close();
  return {
    context,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

const round = (value: number) => Math.round(value * 10) / 10;

/**
 * Opens the dashboard at `view` in `page`, signs in with the admin token, and measures the time from
 * the Enter that submits the form to the first animation frame showing the view's data.
 * @param owners owners of the first sets (a sets table row must name one)
 * @throws Error naming what the page lacks (no sign-in form, no data within 30 s)
 */
export async function signIn(
  page: Page,
  url: string,
  view: View,
  owners: string[],
): Promise<{ ms: number; rows: number | null }> {
  await page.goto(`${url}/${VIEWS[view].hash}`, { waitUntil: 'load' });
  const input = page.locator('input[type="password"], input[autocomplete="current-password"]').first();
  try {
    await input.waitFor({ state: 'visible', timeout: 15_000 });
  } catch {
    throw new Error(
      'GET / shows no sign-in form (no password input): the dashboard views (web-app) are not on this branch yet; `git merge main` once they are',
    );
  }
  await input.fill(TOKEN);
  await page.evaluate(`globalThis.__bench.arm(${view === 'overview'})`);
  await input.press('Enter');
  const what =
    view === 'overview'
      ? { capacityTexts: [CAPACITY.toLocaleString('en'), String(CAPACITY)] }
      : view === 'sets'
        ? { owners }
        : {};
  const result = (await page.evaluate(`globalThis.__bench.firstPaint(${JSON.stringify(what)}, 30000)`)) as {
    ok: boolean;
    submittedAt: number | null;
    doneAt: number;
    rows: number | null;
    roles?: string[];
  };
  if (!result.ok || result.submittedAt === null) {
    throw new Error(
      `after sign-in at ${VIEWS[view].hash} the page did not show ${VIEWS[view].what} within 30 s (roles seen: ${result.roles?.join(', ')})`,
    );
  }
  return { ms: round(result.doneAt - result.submittedAt), rows: result.rows };
}

/** The map drawn: its label, and the time from its data's arrival (or the app's own measure). */
export interface MapDrawn {
  readonly label: string;
  /** From the end of the latest GET /v1/map response to the first frame whose label counts IDs. */
  readonly fromResponseMs: number | null;
  /** The app's own performance measure about the map, if it emits one. */
  readonly appMeasure: { name: string; ms: number } | null;
  readonly mapRequests: number;
  /** GET /v1/map requests a second after the map was seen: more than mapRequests when the page asked
   * again (the map first drawn was then not the one the page settles on). */
  readonly mapRequestsAfter: number;
  /** The app's performance marks about the map, in ms after the response's end (a breakdown). */
  readonly marks: Record<string, number>;
}

/** Waits (10 s at most) for the map in `page`; null when the page shows none. */
export async function mapDrawn(page: Page): Promise<MapDrawn | null> {
  const drawn = (await page.evaluate('globalThis.__bench.mapDrawn(10000)')) as {
    ok: boolean;
    at: number;
    label: string;
    responseEnd: number | null;
    requests: number;
    entries: { name: string; type: string; startTime: number; duration: number }[];
  };
  if (!drawn.ok) return null;
  await new Promise((resolve) => setTimeout(resolve, 1000));
  const after = (await page.evaluate(
    `performance.getEntriesByType('resource').filter((e) => e.name.includes('/v1/map')).length`,
  )) as number;
  const measure = drawn.entries.find((e) => e.type === 'measure' && e.duration > 0);
  return {
    label: drawn.label,
    fromResponseMs: drawn.responseEnd === null ? null : round(drawn.at - drawn.responseEnd),
    appMeasure: measure === undefined ? null : { name: measure.name, ms: round(measure.duration) },
    mapRequests: drawn.requests,
    mapRequestsAfter: after,
    marks: Object.fromEntries(
      drawn.entries
        .filter((e) => e.type === 'mark' && drawn.responseEnd !== null)
        .map((e) => [e.name, round(e.startTime - (drawn.responseEnd as number))]),
    ),
  };
}
