// The dashboard under load against a real server: 1,000 sets in the table (one row each), and a stream
// of allocations and frees across them at about 1,000 events a second; once the load stops the table
// and the overview show exactly what the API says, without a reload, and the page logged no error.

import { beforeAll, describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type DashboardServer, type TestBrowser, useDashboard } from './support/dashboard.js';
import { appErrors, eventually } from './support/dashboard-checks.js';

const SETS = 1_000;
let dash: DashboardServer;
let chrome: TestBrowser;
const sids: number[] = [];

useDashboard({}, (started) => {
  ({ dash, chrome } = started);
});
beforeAll(async () => {
  for (let i = 0; i < SETS; i += 50) {
    const batch = await Promise.all(
      Array.from({ length: 50 }, (_, k) =>
        dash.api<{ sid: number }>('POST', '/v1/sets', {
          owner: `vm-${String(i + k).padStart(4, '0')}`,
          quota: 100,
        }),
      ),
    );
    for (const answer of batch) sids.push(answer.body.sid);
  }
});

describe('under load', () => {
  it('keeps the sets table of 1,000 sets exact through a burst of events', async () => {
    const page = await chrome.page(1280, 900);
    await page.goto(dash.url);
    await page.getByLabel('Admin token or set secret').fill(ADMIN_TOKEN);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.goto(`${dash.url}/#/sets`);
    const table = page.getByRole('table', { name: 'Sets' });
    await eventually(() => table.getByRole('row').count()).toBe(SETS + 1);
    await eventually(() => page.locator('ioasid-status-bar').getByRole('status').textContent()).toContain(
      'live',
    );
    // about 1,000 events a second for 5 s: every 100 ms, 100 allocations over 10 sets, and some frees
    for (let tick = 0; tick < 50; tick++) {
      const round = sids.slice((tick * 10) % SETS, ((tick * 10) % SETS) + 10);
      await Promise.all(
        round.map((sid) =>
          dash.api('POST', `/v1/sets/${sid}/ioasids`, { min: 1, max: 1_048_575, count: 10 }),
        ),
      );
      if (tick % 5 === 4) {
        const ids = await dash.api<{ ids: number[] }>('GET', `/v1/sets/${round[0]}/ioasids`);
        await Promise.all(ids.body.ids.slice(0, 5).map((id) => dash.api('DELETE', `/v1/ioasids/${id}`)));
      }
    }
    const sets = await dash.api<{ sets: Array<{ sid: number; owner: string; count: number }> }>(
      'GET',
      '/v1/sets',
    );
    const expected = sets.body.sets.filter((s) => s.count > 0).map((s) => [s.owner, String(s.count)]);
    expect(expected.length).toBe(500);
    const shown = async () =>
      page.evaluate(() => {
        type El = {
          shadowRoot: { querySelectorAll(s: string): Iterable<El> } | null;
          querySelector(s: string): El | null;
          getAttribute(n: string): string | null;
          textContent: string | null;
        };
        const d = (globalThis as unknown as { document: El }).document;
        const app = d.querySelector('ioasid-app') as El;
        const view = app.shadowRoot?.querySelectorAll('ioasid-sets-table') as Iterable<El>;
        const rows: Array<[string, string]> = [];
        for (const v of view) {
          for (const tr of v.shadowRoot?.querySelectorAll('tbody tr') ?? []) {
            const owner = tr.querySelector('td.owner a')?.textContent?.trim() ?? '';
            const count = tr.querySelector('[role=progressbar]')?.getAttribute('aria-valuenow') ?? '';
            if (count !== '0') rows.push([owner, count]);
          }
        }
        return rows.sort();
      });
    await eventually(shown).toEqual(expected.sort());
    await page.screenshot({ path: '/tmp/shots/load-sets.png' });
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });
});
