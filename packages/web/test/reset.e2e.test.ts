// Resynchronising on `reset` against a real server that keeps only a few events: the page goes offline,
// more events happen than the server retains, and when it comes back the stream says `reset` and the
// page reloads its figures from the API: the counts are exact, without a reload of the page.

import { describe, it } from 'vitest';
import { ADMIN_TOKEN, type DashboardServer, type TestBrowser, useDashboard } from './support/dashboard.js';
import { eventually } from './support/dashboard-checks.js';

let dash: DashboardServer;
let chrome: TestBrowser;

useDashboard({ eventRetention: 10 }, (started) => {
  ({ dash, chrome } = started);
});

describe('reset', () => {
  it('reloads the figures when events were lost beyond the retention', async () => {
    const set = await dash.api<{ sid: number }>('POST', '/v1/sets', { owner: 'vm-reset', quota: 500 });
    const sid = set.body.sid;
    const page = await chrome.page();
    await page.goto(dash.url);
    await page.getByLabel('Admin token or set secret').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${dash.url}/#/sets`);
    const bar = page.getByRole('progressbar', { name: `Usage of vm-reset (set ${sid})` });
    const state = page.locator('ioasid-status-bar .conn');
    await eventually(() => state.textContent()).toContain('live');
    await dash.api('POST', `/v1/sets/${sid}/ioasids`, { min: 1, max: 100_000, count: 3 });
    await eventually(() => bar.getAttribute('aria-valuenow')).toBe('3');
    // offline: the page's new requests fail; and its open stream is cut by the server
    await chrome.context.setOffline(true);
    dash.test.server.app.server.closeAllConnections();
    await eventually(() => state.textContent()).toMatch(/reconnecting|stale/);
    // 40 allocations and 5 frees while the page is away: far more than the 10 events kept
    await dash.api('POST', `/v1/sets/${sid}/ioasids`, { min: 1, max: 100_000, count: 40 });
    const ids = await dash.api<{ ids: number[] }>('GET', `/v1/sets/${sid}/ioasids`);
    for (const id of ids.body.ids.slice(0, 5)) await dash.api('DELETE', `/v1/ioasids/${id}`);
    await chrome.context.setOffline(false);
    await eventually(() => state.textContent()).toContain('live');
    await eventually(() => bar.getAttribute('aria-valuenow')).toBe('38');
    await page.close();
  });
});
