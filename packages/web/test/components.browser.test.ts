// The three dashboard components in a real Chromium: the fixture page (test/fixtures/viz) is built with
// vite into a temporary folder, served by a throwaway HTTP server with the dashboard's
// Content-Security-Policy, and driven through `window.viz` (see fixtures/viz/main.js).
// Screenshots (light, dark, 390 px) go to /tmp/shots/ for a human to look at.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHROMIUM, CHROMIUM_ARGS } from './support/browser.js';

const FIXTURE = fileURLToPath(new URL('./fixtures/viz/', import.meta.url));
const SHOTS = '/tmp/shots';
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
};
const IDS = 1 << 20;
const SETS = 1000;

/** What the fixture page exposes as `window.viz` (see fixtures/viz/main.js). */
interface Viz {
  violations: string[];
  selects: { first: number; last: number }[];
  loads: { first: number; last: number; buckets: number }[];
  eventSelects: { seq: number }[];
  showMap(
    ids: number,
    sets: number,
    shape?: 'interleaved' | 'blocks',
  ): Promise<{ updateMs: number; frameMs: number; paintMs: number }>;
  pixels(points: [number, number][]): number[][];
  mapCanvas(): { width: number; height: number; left: number; top: number; cssWidth: number; label: string };
  applyEvents(
    events: { seq: number; type: string; id: number; sid: number; spid: null; data: null }[],
  ): Promise<void>;
  drawnRange(): { first: number; last: number; bucketSize: number; buckets: number } | null;
  appendEvents(from: number, n: number, sets: number): Promise<number>;
  setLogSets(sets: number): void;
  logRows(): string[];
  frames(n?: number): Promise<void>;
  showChart(): Promise<void>;
  chartInfo(): { summary: string; canvasWidth: number; hostWidth: number; wrapPosition: string };
  setWidth(px: number): void;
  withColours(ids: number[]): Promise<number[][]>;
  emptyLabel(): Promise<string>;
}
/** The fixture's API; page functions call the page's global `viz()` of the same shape. */
const viz = () => (globalThis as unknown as { viz: () => Viz }).viz();

let out: string;
let profile: string;
let server: Server;
let context: BrowserContext;
let page: Page;
const consoleErrors: string[] = [];

beforeAll(async () => {
  out = mkdtempSync(join(tmpdir(), 'ioasid-viz-'));
  profile = mkdtempSync(join(tmpdir(), 'ioasid-viz-profile-'));
  await build({
    root: FIXTURE,
    configFile: false,
    base: './',
    logLevel: 'warn',
    build: { outDir: out, emptyOutDir: true, target: 'es2022', modulePreload: { polyfill: false } },
  });
  server = createServer((req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname)).replace(
      /^([/\\])+/,
      '',
    );
    const file = join(out, path === '' ? 'index.html' : path);
    if (!file.startsWith(out) || !statSync(file, { throwIfNoEntry: false })?.isFile()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': TYPES[extname(file)] ?? 'application/octet-stream',
      'content-security-policy': CSP,
    });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [...CHROMIUM_ARGS],
    viewport: { width: 1100, height: 1400 },
    deviceScaleFactor: 1,
  });
  page = context.pages()[0] ?? (await context.newPage());
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(m.text());
  });
  page.on('pageerror', (e) => consoleErrors.push(String(e)));
  await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/index.html`);
  await page.waitForFunction(() => (globalThis as unknown as { vizReady?: boolean }).vizReady === true);
  mkdirSync(SHOTS, { recursive: true });
}, 120_000);

afterAll(async () => {
  await context?.close();
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  if (out) rmSync(out, { recursive: true, force: true });
  if (profile) rmSync(profile, { recursive: true, force: true });
});

/** RGBA of the map's device pixel for `id` (1,024 one-pixel cells per row on this page). */
const pixelOf = async (ids: number[]) =>
  page.evaluate(
    (pts) => viz().pixels(pts),
    ids.map((id) => [id % 1024, Math.floor(id / 1024)] as [number, number]),
  );
const same = (a: number[], b: number[]) => a.every((v, i) => v === b[i]);
const grey = (p: number[]) => Math.max(p[0], p[1], p[2]) - Math.min(p[0], p[1], p[2]) < 12;

describe('<ioasid-capacity-map> in Chromium', () => {
  it('draws 2^20 single-ID buckets of 1,000 sets with the occupancy in words', async () => {
    const times = await page.evaluate(([ids, sets]) => viz().showMap(ids, sets), [IDS, SETS]);
    console.log(
      `capacity map, 2^20 single-ID buckets, 1,000 sets: .data set -> drawn (decode + paint + put) ${times.updateMs.toFixed(1)} ms, ` +
        `-> next frame ${times.frameMs.toFixed(1)} ms (paint alone ${times.paintMs.toFixed(1)} ms)`,
    );
    const again = await page.evaluate(([ids, sets]) => viz().showMap(ids, sets), [IDS, SETS]);
    console.log(
      `  again (warm): drawn ${again.updateMs.toFixed(1)} ms, next frame ${again.frameMs.toFixed(1)} ms (paint ${again.paintMs.toFixed(1)} ms)`,
    );
    const canvas = await page.evaluate(() => viz().mapCanvas());
    expect(canvas.width).toBe(1024);
    expect(canvas.height).toBe(1024);
    expect(canvas.label).toBe(
      'IDs 0 to 1,048,575: 1,047,552 allocated (99.9%), 256 free-pending, 1,000 sets',
    );
    await expect
      .poll(() => page.getByRole('img', { name: /^IDs 0 to 1,048,575: 1,047,552 allocated/ }).count())
      .toBe(1);
    // ID 0: set 0; ID 1023: free; ID 5 and 4,101: free-pending; ID 1: set 1.
    const [set0, free, pending, pending2, set1] = await pixelOf([0, 1023, 5, 4101, 1]);
    expect(same(set0, free)).toBe(false);
    expect(same(set0, set1)).toBe(false);
    expect(grey(set0) || grey(set1)).toBe(false);
    expect(grey(pending) && grey(pending2)).toBe(true);
    expect(same(pending, free)).toBe(false);
    await page.screenshot({ path: `${SHOTS}/map-light.png`, fullPage: true });
  });

  it('shows the ID, its state and set on hover', async () => {
    const c = await page.evaluate(() => viz().mapCanvas());
    // ID 2,051 = row 2, column 3: set 51; ID 5: free-pending; ID 1,023: free.
    await page.mouse.move(c.left + 3.5, c.top + 2.5);
    await expect.poll(() => page.getByRole('tooltip').textContent()).toBe('ID 2,051: allocated, set 51');
    await page.screenshot({
      path: `${SHOTS}/map-tooltip.png`,
      clip: { x: 0, y: 0, width: 700, height: 400 },
    });
    await page.mouse.move(c.left + 5.5, c.top + 0.5);
    await expect.poll(() => page.getByRole('tooltip').textContent()).toBe('ID 5: free-pending, set 5');
    await page.mouse.move(c.left + 1023.5, c.top + 0.5);
    await expect.poll(() => page.getByRole('tooltip').textContent()).toBe('ID 1,023: free');
  });

  it('selects a range by dragging and zooms into it with loadRange; Escape zooms out', async () => {
    const c = await page.evaluate(() => viz().mapCanvas());
    await page.mouse.move(c.left + 10.5, c.top + 0.5);
    await page.mouse.down();
    await page.mouse.move(c.left + 15.5, c.top + 1.5, { steps: 3 });
    await page.mouse.move(c.left + 20.5, c.top + 1.5, { steps: 3 });
    await page.mouse.up();
    await page.screenshot({
      path: `${SHOTS}/map-selected.png`,
      clip: { x: 0, y: 0, width: 700, height: 400 },
    });
    expect(await page.evaluate(() => viz().selects.at(-1))).toEqual({ first: 10, last: 1044 });
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect
      .poll(() => page.evaluate(() => viz().drawnRange()))
      .toEqual({
        first: 10,
        last: 1044,
        bucketSize: 1,
        buckets: 1035,
      });
    expect(await page.evaluate(() => viz().loads)).toEqual([{ first: 10, last: 1044, buckets: 1035 }]);
    const zoomed = await page.evaluate(() => viz().mapCanvas());
    expect(zoomed.label).toBe('IDs 10 to 1,044: 1,034 allocated (99.9%), 0 free-pending, 1,000 sets');
    const crumbs = page.getByRole('navigation', { name: 'Zoomed range' }).getByRole('button');
    expect((await crumbs.allTextContents()).map((t) => t.trim())).toEqual([
      'IDs 0 to 1,048,575',
      'IDs 10 to 1,044',
    ]);
    await page.screenshot({ path: `${SHOTS}/map-zoomed.png`, fullPage: true });
    // Keyboard: focus the map, move right twice and down once, Space selects; Escape zooms out.
    await page.getByRole('img', { name: /^IDs 10 to 1,044/ }).focus();
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('ArrowRight');
    await page.keyboard.press('Space');
    await page.keyboard.press('ArrowDown');
    await page.screenshot({
      path: `${SHOTS}/map-keyboard.png`,
      clip: { x: 0, y: 0, width: 700, height: 400 },
    });
    await page.keyboard.press('ArrowUp');
    expect(await page.evaluate(() => viz().selects.at(-1))).toEqual({ first: 12, last: 12 });
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => viz().drawnRange()?.first)).toBe(0);
    expect((await page.evaluate(() => viz().loads)).at(-1)).toEqual({
      first: 0,
      last: IDS - 1,
      buckets: IDS,
    });
  });

  it('zooms out of a wide range through aggregated buckets', async () => {
    // Select IDs 0..(4 rows) and zoom: fewer IDs than cells, so single IDs again; the fixture aggregates
    // only when asked for fewer buckets than IDs, which a 1,024 px map never does for 2^20: check the ask.
    const c = await page.evaluate(() => viz().mapCanvas());
    await page.mouse.click(c.left + 0.5, c.top + 0.5);
    await page.keyboard.down('Shift');
    await page.mouse.click(c.left + 1023.5, c.top + 1000.5);
    await page.keyboard.up('Shift');
    expect(await page.evaluate(() => viz().selects.at(-1))).toEqual({ first: 0, last: 1000 * 1024 + 1023 });
    await page.getByRole('button', { name: 'Zoom in' }).click();
    await expect
      .poll(() => page.evaluate(() => viz().loads.at(-1)))
      .toEqual({
        first: 0,
        last: 1000 * 1024 + 1023,
        buckets: 1024 * 640,
      });
    await expect.poll(() => page.evaluate(() => viz().drawnRange()?.bucketSize)).toBe(2);
    const [half] = await pixelOf([0]);
    expect(half.length).toBe(4);
    await page.getByRole('button', { name: 'Reset' }).click();
    await expect.poll(() => page.evaluate(() => viz().drawnRange()?.buckets)).toBe(IDS);
  });

  it('applies alloc and free events to the drawn cells', async () => {
    const [set7] = await pixelOf([7]);
    await page.evaluate(
      (events) => viz().applyEvents(events),
      [
        { seq: 1, type: 'free', id: 0, sid: 0, spid: null, data: null },
        { seq: 2, type: 'alloc', id: 1023, sid: 7, spid: null, data: null },
      ],
    );
    const [id0, id1023, free] = await pixelOf([0, 1023, 2047]);
    expect([id0[3], id1023[3], free[3], set7[3]]).toEqual([255, 255, 255, 255]);
    expect(same(free, set7)).toBe(false);
    expect(same(id0, free)).toBe(true);
    expect(same(id1023, set7)).toBe(true);
    expect((await page.evaluate(() => viz().mapCanvas())).label).toBe(
      'IDs 0 to 1,048,575: 1,047,552 allocated (99.9%), 256 free-pending, 1,000 sets',
    );
  });
});

describe('<ioasid-capacity-map> options', () => {
  it('takes set colours from colorOf (any CSS colour) and states an empty namespace', async () => {
    const [id1, id2] = await page.evaluate(() => viz().withColours([1, 2]));
    expect(id1.slice(0, 3)).toEqual([102, 51, 153]); // rebeccapurple
    expect(id2.slice(0, 3)).toEqual([0, 128, 0]); // rgb(0 128 0)
    expect(await page.evaluate(() => viz().emptyLabel())).toBe('No IDs to draw: the capacity is 0');
    await page.evaluate(([ids, sets]) => viz().showMap(ids, sets), [IDS, SETS]);
  });
});

describe('<ioasid-event-log> in Chromium', () => {
  it('keeps 2,000 of 5,000 events, newest first, renders at most 200 rows, and filters', async () => {
    await page.evaluate((sets) => viz().setLogSets(sets), 20);
    const kept = await page.evaluate((sets) => viz().appendEvents(0, 5000, sets), 20);
    expect(kept).toBe(2000);
    expect(await page.getByRole('log').count()).toBe(1);
    const rows = await page.evaluate(() => viz().logRows());
    expect(rows.length).toBe(200);
    expect(rows[0]).toMatch(/^seq 4999 unbind ID 14997 set 19 \(tenant-19\) spid 49 \{"vm":"vm-1"\}$/);
    await page.getByRole('combobox', { name: 'Filter by type' }).selectOption('free');
    await page.evaluate(() => viz().frames());
    const free = await page.evaluate(() => viz().logRows());
    expect(free.length).toBe(200);
    expect(free.every((r) => / free /.test(r))).toBe(true);
    await page.getByRole('combobox', { name: 'Filter by set' }).selectOption('5');
    await page.evaluate(() => viz().frames());
    const set5 = await page.evaluate(() => viz().logRows());
    // seq ≡ 1 (mod 4) and ≡ 5 (mod 20) among the newest 2,000 (seq 3,000..4,999): 100 events.
    expect(set5.length).toBe(100);
    expect(set5.every((r) => / free .* set 5 \(tenant-5\)/.test(r))).toBe(true);
    await page.getByRole('combobox', { name: 'Filter by set' }).selectOption('');
    await page.getByRole('combobox', { name: 'Filter by type' }).selectOption('');
  });

  it('pauses: new events are counted and shown on resume; a row click selects the event', async () => {
    await page.getByRole('button', { name: 'Pause' }).click();
    await page.evaluate((sets) => viz().appendEvents(5000, 12, sets), 20);
    await expect.poll(() => page.getByText('Paused: 12 new events, resume to show.').isVisible()).toBe(true);
    expect((await page.evaluate(() => viz().logRows()))[0]).toMatch(/^seq 4999 /);
    await page.screenshot({ path: `${SHOTS}/log-paused.png`, fullPage: true });
    await page.getByRole('button', { name: 'Resume' }).click();
    await page.evaluate(() => viz().frames());
    expect((await page.evaluate(() => viz().logRows()))[0]).toMatch(/^seq 5011 /);
    await page.getByRole('log').getByRole('button').first().click();
    expect((await page.evaluate(() => viz().eventSelects.at(-1)))?.seq).toBe(5011);
  });
});

describe('<ioasid-history-chart> in Chromium', () => {
  it('draws an hour with uPlot, styled under the CSP, follows the width, and sums up for screen readers', async () => {
    await page.evaluate(() => viz().showChart());
    const info = await page.evaluate(() => viz().chartInfo());
    expect(info.wrapPosition).toBe('relative'); // uPlot's stylesheet is adopted in the shadow root
    expect(info.canvasWidth).toBeGreaterThan(900);
    expect(info.summary).toMatch(
      /^Allocations and frees per second over the last 1 hour: allocs\/s latest [\d,]+, min [\d,]+, max [\d,]+; frees\/s latest [\d,]+, min [\d,]+, max [\d,]+\.$/,
    );
    await page.screenshot({ path: `${SHOTS}/all-light.png`, fullPage: true });
    await page.locator('ioasid-history-chart').screenshot({ path: `${SHOTS}/chart-light.png` });
    await page.evaluate(() => viz().setWidth(600));
    await expect
      .poll(async () => (await page.evaluate(() => viz().chartInfo())).canvasWidth)
      .toBeLessThan(560);
    await page.evaluate(() => viz().setWidth(1072));
    await expect.poll(async () => (await page.evaluate(() => viz().mapCanvas())).width).toBe(1024);
  });
});

describe('the components in the dark scheme and at 390 px', () => {
  it('redraw in dark colours and fit 390 px without horizontal scrolling', async () => {
    const [lightFree] = await pixelOf([1023 + 1024]);
    await page.emulateMedia({ colorScheme: 'dark' });
    await page.evaluate(() => viz().frames(3));
    const [darkFree] = await pixelOf([1023 + 1024]);
    expect(same(lightFree, darkFree)).toBe(false);
    expect(darkFree[0] + darkFree[1] + darkFree[2]).toBeLessThan(lightFree[0] + lightFree[1] + lightFree[2]);
    await page.screenshot({ path: `${SHOTS}/all-dark.png`, fullPage: true });
    await page.locator('ioasid-capacity-map').screenshot({ path: `${SHOTS}/map-dark.png` });
    await page.locator('ioasid-history-chart').screenshot({ path: `${SHOTS}/chart-dark.png` });
    await page.locator('ioasid-event-log').screenshot({ path: `${SHOTS}/log-dark.png` });
    await page.evaluate(([ids, sets]) => viz().showMap(ids, sets, 'blocks'), [IDS, SETS]);
    await page.locator('ioasid-capacity-map').screenshot({ path: `${SHOTS}/map-blocks-dark.png` });
    await page.setViewportSize({ width: 390, height: 900 });
    await page.evaluate(() => viz().frames(3));
    const overflow = await page.evaluate(
      () =>
        (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
          .documentElement.scrollWidth,
    );
    expect(overflow).toBeLessThanOrEqual(390);
    await page.screenshot({ path: `${SHOTS}/narrow-dark.png`, fullPage: true });
    await page.locator('ioasid-event-log').screenshot({ path: `${SHOTS}/narrow-log-dark.png` });
    await page.locator('ioasid-history-chart').screenshot({ path: `${SHOTS}/narrow-chart-dark.png` });
    await page.emulateMedia({ colorScheme: 'light' });
    await page.evaluate(() => viz().frames(3));
    await page.screenshot({ path: `${SHOTS}/narrow-light.png`, fullPage: true });
    await page.setViewportSize({ width: 1100, height: 1400 });
    await page.evaluate(() => viz().frames(3));
    await page.locator('ioasid-capacity-map').screenshot({ path: `${SHOTS}/map-blocks-light.png` });
    await page.setViewportSize({ width: 1100, height: 1400 });
  });

  it('ran without a Content-Security-Policy violation or a console error', async () => {
    expect(await page.evaluate(() => viz().violations)).toEqual([]);
    expect(consoleErrors).toEqual([]);
  });
});
