// Layout and access of the dashboard against a real server: every page at 390 px wide without
// horizontal scrolling and at 1,440 px, light and dark schemes, keyboard focus visible, the lookup
// searchbox and what it finds (an ID, a set ID, an owner, set:spid), and no console errors.

import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type DashboardServer, type TestBrowser, useDashboard } from './support/dashboard.js';
import { appErrors } from './support/dashboard-checks.js';

let dash: DashboardServer;
let chrome: TestBrowser;
let sid: number;
let ids: number[];

const ROUTES = ['#/', '#/sets', '#/events', '#/history', '#/admin', '#/lookup/vm', '#/sets/0'];

useDashboard({}, (started) => {
  ({ dash, chrome } = started);
});
beforeAll(async () => {
  for (let i = 0; i < 12; i++) {
    const set = await dash.api<{ sid: number }>('POST', '/v1/sets', {
      owner: `vm-with-a-rather-long-owner-name-${i}`,
      quota: 1_000 * (i + 1),
    });
    await dash.api('POST', `/v1/sets/${set.body.sid}/ioasids`, {
      min: 1,
      max: 1_048_575,
      count: 700 + i * 100,
    });
  }
  sid = (await dash.api<{ sid: number }>('POST', '/v1/sets', { owner: 'vm', quota: 10 })).body.sid;
  ids = (
    await dash.api<{ ids: number[] }>('POST', `/v1/sets/${sid}/ioasids`, { min: 1, max: 1_048_575, count: 3 })
  ).body.ids;
  await dash.api('PUT', `/v1/ioasids/${ids[1]}/spid`, { spid: 77 });
});

async function adminPage(width: number, height = 900): Promise<Page> {
  const page = await chrome.page(width, height);
  await page.goto(dash.url);
  await page.getByLabel('Admin token or set secret').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as admin').waitFor();
  return page;
}

const scrollWidth = (page: Page) =>
  page.evaluate(
    () =>
      (globalThis as unknown as { document: { documentElement: { scrollWidth: number } } }).document
        .documentElement.scrollWidth,
  );

describe('layout', () => {
  it('has no horizontal scrolling at 390 px on any page', async () => {
    const page = await adminPage(390, 844);
    for (const route of ROUTES) {
      await page.goto(`${dash.url}/${route}`);
      await page.locator('main h2').first().waitFor();
      expect({ route, width: await scrollWidth(page) }).toEqual({ route, width: 390 });
      await page.screenshot({
        path: `/tmp/shots/narrow-${route.replace(/[#/]/g, '') || 'overview'}.png`,
        fullPage: true,
      });
    }
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });

  it('lays out wide, in light and dark schemes', async () => {
    const page = await adminPage(1440);
    await page.goto(`${dash.url}/#/sets`);
    await page.getByRole('table', { name: 'Sets' }).waitFor();
    expect(await scrollWidth(page)).toBe(1440);
    await page.screenshot({ path: '/tmp/shots/wide-sets-light.png', fullPage: true });
    await page.emulateMedia({ colorScheme: 'dark' });
    const background = await page.evaluate(
      () =>
        (
          globalThis as unknown as {
            getComputedStyle(e: unknown): { backgroundColor: string };
            document: { documentElement: unknown };
          }
        ).getComputedStyle(
          (globalThis as unknown as { document: { documentElement: unknown } }).document.documentElement,
        ).backgroundColor,
    );
    expect(background).toBe('rgb(13, 17, 23)');
    await page.screenshot({ path: '/tmp/shots/wide-sets-dark.png', fullPage: true });
    await page.close();
  });

  it('is reachable by keyboard with a visible focus ring', async () => {
    const page = await adminPage(1280);
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    const outline = await page.evaluate(() => {
      type El = { shadowRoot: { activeElement: El | null } | null; tagName: string };
      const g = globalThis as unknown as {
        document: { activeElement: El | null };
        getComputedStyle(e: El): { outlineStyle: string; outlineWidth: string };
      };
      let el = g.document.activeElement;
      while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
      if (el === null) return null;
      const style = g.getComputedStyle(el);
      return { tag: el.tagName, style: style.outlineStyle, width: style.outlineWidth };
    });
    expect(outline).toEqual({ tag: 'A', style: 'solid', width: '3px' });
    await page.screenshot({ path: '/tmp/shots/focus.png' });
    await page.close();
  });
});

describe('lookup', () => {
  async function lookUp(page: Page, text: string) {
    const box = page.getByRole('searchbox');
    await box.fill(text);
    await box.press('Enter');
    await page.getByRole('heading', { name: `Lookup: “${text}”` }).waitFor();
    await page
      .getByRole('status')
      .filter({ hasText: /match|Nothing/ })
      .waitFor();
  }

  it('finds an ID, a set ID, an owner and set:spid, listing every match of a number', async () => {
    const page = await adminPage(1280);
    await lookUp(page, String(ids[1]));
    const idCard = page.getByRole('region', { name: `ID ${ids[1]}` });
    expect(await idCard.textContent()).toContain('77');
    expect(await idCard.textContent()).toContain('vm (set');
    await lookUp(page, `${sid}`);
    // a number is a set ID and perhaps an ID: the set is listed with the ID when both exist
    await page.getByRole('region', { name: `Set ${sid}` }).waitFor();
    await lookUp(page, `${sid}:77`);
    expect(await page.getByRole('region', { name: `ID ${ids[1]}` }).count()).toBe(1);
    await lookUp(page, 'long-owner-name-1');
    expect(await page.getByRole('region', { name: /^Set / }).count()).toBe(3);
    await page.screenshot({ path: '/tmp/shots/lookup-owner.png', fullPage: true });
    await lookUp(page, 'nobody-has-this');
    await page.getByText('Nothing matched.').waitFor();
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });
});
