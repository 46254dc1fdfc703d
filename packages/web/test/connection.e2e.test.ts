// The live stream's state against a real server that goes away and comes back: the page says
// "reconnecting", then "stale for N s", then "live" again, and events after the return arrive.

import { describe, it } from 'vitest';
import { ADMIN_TOKEN, type DashboardServer, type TestBrowser, useDashboard } from './support/dashboard.js';
import { eventually } from './support/dashboard-checks.js';

let dash: DashboardServer;
let chrome: TestBrowser;

useDashboard({}, (started) => {
  ({ dash, chrome } = started);
});

describe('connection state', () => {
  it('shows reconnecting, then stale for N s, then live again, and resumes the events', async () => {
    const set = await dash.api<{ sid: number }>('POST', '/v1/sets', { owner: 'vm-conn', quota: 10 });
    const page = await chrome.page();
    await page.goto(dash.url);
    await page.getByLabel('Admin token or set secret').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${dash.url}/#/sets`);
    const state = page.locator('ioasid-status-bar .conn');
    await eventually(() => state.textContent()).toContain('live');
    await dash.close();
    await eventually(() => state.textContent()).toMatch(/reconnecting|stale for \d+ s/);
    await eventually(() => state.textContent()).toMatch(/stale for \d+ s/);
    await page.screenshot({ path: '/tmp/shots/stale.png' });
    await dash.start();
    await eventually(async () => (await state.textContent())?.replace(/\s+/g, ' ').trim()).toBe(
      '● Live events: live',
    );
    await dash.api('POST', `/v1/sets/${set.body.sid}/ioasids`, { min: 1, max: 1000, count: 2 });
    const bar = page.getByRole('progressbar', { name: `Usage of vm-conn (set ${set.body.sid})` });
    await eventually(() => bar.getAttribute('aria-valuenow')).toBe('2');
    await page.close();
  });
});
