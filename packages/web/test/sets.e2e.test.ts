// The sets table, live updates and a set's page against a real server: one row per set with its owner,
// usage progressbars with count/quota, amber and red levels in text, sorting and filtering, counts that
// follow allocations made over HTTP without a reload, and the set page's IDs, spids and events.

import type { Page } from 'playwright-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type DashboardServer, type TestBrowser, useDashboard } from './support/dashboard.js';
import { appErrors, eventually } from './support/dashboard-checks.js';

/** The page's window as the tests use it (the tests' types have no DOM). */
interface Styled {
  getComputedStyle(element: unknown): { backgroundColor: string };
}

let dash: DashboardServer;
let chrome: TestBrowser;
const sids: Record<string, number> = {};
const secrets: Record<string, string> = {};

useDashboard({}, (started) => {
  ({ dash, chrome } = started);
});
beforeAll(async () => {
  for (const [owner, quota, count] of [
    ['vm-low', 100, 10],
    ['vm-amber', 10, 8],
    ['vm-red', 20, 19],
    ['vm-empty', 5, 0],
  ] as const) {
    const set = await dash.api<{ sid: number; secret: string }>('POST', '/v1/sets', { owner, quota });
    sids[owner] = set.body.sid;
    secrets[owner] = set.body.secret;
    if (count > 0)
      await dash.api('POST', `/v1/sets/${set.body.sid}/ioasids`, { min: 1, max: 1_000_000, count });
  }
});

async function adminPage(hash: string, width = 1280): Promise<Page> {
  const page = await chrome.page(width);
  await page.goto(dash.url);
  await page.getByLabel('Admin token or set secret').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as admin').waitFor();
  await page.goto(`${dash.url}/${hash}`);
  return page;
}

const bar = (page: Page, owner: string, sid: number) =>
  page.getByRole('progressbar', { name: `Usage of ${owner} (set ${sid})` });

describe('sets table', () => {
  it('has one row per set with its owner and a progressbar of count over quota', async () => {
    const page = await adminPage('#/sets');
    const table = page.getByRole('table', { name: 'Sets' });
    await eventually(() => table.getByRole('row').count()).toBe(5);
    for (const owner of ['vm-low', 'vm-amber', 'vm-red', 'vm-empty']) {
      expect(await table.getByRole('row').filter({ hasText: owner }).count()).toBe(1);
    }
    const red = bar(page, 'vm-red', sids['vm-red']);
    expect(await red.getAttribute('aria-valuenow')).toBe('19');
    expect(await red.getAttribute('aria-valuemax')).toBe('20');
    expect(await red.getAttribute('aria-valuemin')).toBe('0');
    const row = (owner: string) => table.getByRole('row').filter({ hasText: owner });
    expect(await row('vm-red').textContent()).toContain('95.0% nearly full');
    expect(await row('vm-amber').textContent()).toContain('80.0% high');
    expect(await row('vm-low').textContent()).toContain('10.0%');
    expect(await row('vm-low').textContent()).not.toContain('high');
    const colour = (owner: string) =>
      row(owner)
        .locator('.fill')
        .evaluate((el) => (globalThis as unknown as Styled).getComputedStyle(el).backgroundColor);
    expect(new Set([await colour('vm-red'), await colour('vm-amber'), await colour('vm-low')]).size).toBe(3);
    expect(
      await row('vm-red')
        .locator('.fill')
        .evaluate((el) => (el as unknown as { style: { width: string } }).style.width),
    ).toBe('95%');
    await page.screenshot({ path: '/tmp/shots/sets-table.png', fullPage: true });

    // sorting by usage, fullest first; filtering by owner
    await page.getByRole('button', { name: 'Usage' }).click();
    const owners = async () =>
      (await table.locator('tbody tr td.owner a').allTextContents()).map((t) => t.trim());
    expect(await owners()).toEqual(['vm-red', 'vm-amber', 'vm-low', 'vm-empty']);
    expect(await page.getByRole('columnheader', { name: /Usage/ }).getAttribute('aria-sort')).toBe(
      'descending',
    );
    await page.getByLabel('Filter by owner or set ID').fill('amb');
    expect(await owners()).toEqual(['vm-amber']);
    await page.getByLabel('Filter by owner or set ID').fill('');
    await page.getByLabel('Show').selectOption('full');
    expect(await owners()).toEqual(['vm-red']);
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });

  it('follows allocations made over HTTP without a reload', async () => {
    const page = await adminPage('#/sets');
    const low = bar(page, 'vm-low', sids['vm-low']);
    await eventually(() => low.getAttribute('aria-valuenow')).toBe('10');
    await page.getByText('Live events: live').waitFor();
    await dash.api('POST', `/v1/sets/${sids['vm-low']}/ioasids`, { min: 1, max: 1_000_000, count: 25 });
    await eventually(() => low.getAttribute('aria-valuenow')).toBe('35');
    const ids = await dash.api<{ ids: number[] }>('GET', `/v1/sets/${sids['vm-low']}/ioasids`);
    await dash.api('DELETE', `/v1/ioasids/${ids.body.ids[0]}`);
    await eventually(() => low.getAttribute('aria-valuenow')).toBe('34');
    // a set created meanwhile appears (an alloc event names it)
    const late = await dash.api<{ sid: number }>('POST', '/v1/sets', { owner: 'vm-late', quota: 4 });
    await dash.api('POST', `/v1/sets/${late.body.sid}/ioasids`, { min: 1, max: 1_000_000 });
    await eventually(() => bar(page, 'vm-late', late.body.sid).getAttribute('aria-valuenow')).toBe('1');
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });
});

describe('set page', () => {
  it('shows the set, its IDs with spid and state, and updates live', async () => {
    const sid = sids['vm-amber'];
    const ids = await dash.api<{ ids: number[] }>('GET', `/v1/sets/${sid}/ioasids`);
    await dash.api('PUT', `/v1/ioasids/${ids.body.ids[0]}/spid`, { spid: 4242 });
    // a lease of the set's own secret holds a reference on its first ID
    const lease = await dash.api<{ lease: string }>(
      'POST',
      '/v1/leases',
      { ttlMs: 600_000 },
      secrets['vm-amber'],
    );
    await dash.api(
      'POST',
      `/v1/ioasids/${ids.body.ids[0]}/refs`,
      { lease: lease.body.lease },
      secrets['vm-amber'],
    );
    const page = await adminPage(`#/sets/${sid}`);
    await page.getByRole('heading', { name: `vm-amber (set ${sid})` }).waitFor();
    expect(await bar(page, 'vm-amber', sid).getAttribute('aria-valuenow')).toBe('8');
    const idRow = page
      .getByRole('table', { name: `IDs of set ${sid}` })
      .getByRole('row')
      .filter({ has: page.getByRole('link', { name: String(ids.body.ids[0]), exact: true }) });
    await eventually(async () => (await idRow.textContent())?.replace(/\s+/g, ' ')).toMatch(/active 4,242 2/);
    const leases = page.getByRole('table', { name: `Leases of set ${sid}` });
    await eventually(async () => (await leases.textContent()) ?? '').toContain(lease.body.lease);
    const events = page.getByRole('table', { name: `Events of set ${sid}` });
    await eventually(async () => (await events.textContent()) ?? '').toContain('bind');
    await page.screenshot({ path: '/tmp/shots/set-page.png', fullPage: true });
    await dash.api('POST', `/v1/sets/${sid}/ioasids`, { min: 1, max: 1_000_000 });
    await eventually(() => bar(page, 'vm-amber', sid).getAttribute('aria-valuenow')).toBe('9');
    await eventually(async () => (await events.getByRole('row').nth(1).textContent()) ?? '').toContain(
      'alloc',
    );
    // the lookup of the ID names the lease holding it
    const box = page.getByRole('searchbox');
    await box.fill(String(ids.body.ids[0]));
    await box.press('Enter');
    const card = page.getByRole('region', { name: `ID ${ids.body.ids[0]}` });
    await eventually(async () => (await card.textContent()) ?? '').toContain(lease.body.lease);
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });
});

describe('event log', () => {
  it('lists the events received since sign-in and the new ones live', async () => {
    const page = await adminPage('#/sets');
    await page.getByText('Live events: live').waitFor();
    await dash.api('POST', `/v1/sets/${sids['vm-empty']}/ioasids`, { min: 1, max: 1_000_000 });
    await eventually(() => bar(page, 'vm-empty', sids['vm-empty']).getAttribute('aria-valuenow')).toBe('1');
    await page.getByRole('link', { name: 'Events' }).click();
    const log = page.getByRole('log');
    await eventually(async () => (await log.textContent()) ?? '').toMatch(/alloc/);
    const ids = await dash.api<{ ids: number[] }>('GET', `/v1/sets/${sids['vm-empty']}/ioasids`);
    await dash.api('DELETE', `/v1/ioasids/${ids.body.ids[0]}`);
    await eventually(async () => (await log.textContent()) ?? '').toMatch(/free/);
    await page.screenshot({ path: '/tmp/shots/event-log.png', fullPage: true });
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });
});
