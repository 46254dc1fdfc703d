// The degraded-store banner against a real server whose store stops taking writes: the page polls
// GET /readyz and shows an alert with the cause while writes are refused, and drops it on recovery.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type DashboardServer, type TestBrowser, useDashboard } from './support/dashboard.js';
import { appErrors, eventually } from './support/dashboard-checks.js';
import { FailingStore } from './support/failing-store.js';

let dash: DashboardServer;
let chrome: TestBrowser;
let store: FailingStore;

// Registered first, so it runs after useDashboard's own afterAll has stopped the server.
afterAll(() => {
  if (store !== undefined) rmSync(store.dataDir, { recursive: true, force: true });
});
useDashboard(
  () => {
    store = new FailingStore(mkdtempSync(join(tmpdir(), 'ioasid-web-store-')));
    return { store, storeRetry: { initialMs: 100, maxMs: 500 } };
  },
  (started) => {
    ({ dash, chrome } = started);
  },
);

describe('store banner', () => {
  it('shows the store unavailable with its cause, and goes when the store recovers', async () => {
    const set = await dash.api<{ sid: number }>('POST', '/v1/sets', { owner: 'vm-disk', quota: 10 });
    const page = await chrome.page();
    await page.goto(dash.url);
    await page.getByLabel('Admin token or set secret').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as admin').waitFor();
    const banner = page.locator('ioasid-status-bar').getByRole('alert');
    expect(await banner.count()).toBe(0);
    store.failing = true;
    const refused = await dash.api('POST', `/v1/sets/${set.body.sid}/ioasids`, { min: 1, max: 1000 });
    expect(refused.status).toBe(503);
    await eventually(
      async () => (await banner.count()) > 0 && ((await banner.first().textContent()) ?? ''),
    ).toMatch(/The store is unavailable: writes are refused\.\s+Cause: .*full/);
    await page.screenshot({ path: '/tmp/shots/store-banner.png' });
    store.failing = false;
    await eventually(() => banner.count()).toBe(0);
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });
});
