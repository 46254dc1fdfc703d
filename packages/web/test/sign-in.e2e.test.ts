// The dashboard's sign-in against a real server: the admin sees everything, a set secret only its set,
// a wrong token gets an alert with the API's words; and the overview's numbers.

import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type DashboardServer, type TestBrowser, useDashboard } from './support/dashboard.js';
import { appErrors, eventually } from './support/dashboard-checks.js';

let dash: DashboardServer;
let chrome: TestBrowser;

useDashboard({}, (started) => {
  ({ dash, chrome } = started);
});

async function signIn(token: string, width = 1280) {
  const page = await chrome.page(width);
  await page.goto(dash.url);
  await page.getByLabel('Admin token or set secret').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

describe('sign-in', () => {
  it('refuses a wrong token with an alert in the API words', async () => {
    const page = await signIn('not-a-known-token');
    const alert = page.getByRole('alert');
    await eventually(() => alert.textContent()).toContain('this credential is not known here');
    await page.screenshot({ path: '/tmp/shots/sign-in-refused.png' });
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });

  it('shows the admin the overview with the namespace numbers', async () => {
    const a = await dash.api<{ sid: number }>('POST', '/v1/sets', { owner: 'vm-a', quota: 100 });
    await dash.api('POST', '/v1/sets', { owner: 'vm-b', quota: 50 });
    await dash.api('POST', `/v1/sets/${a.body.sid}/ioasids`, { min: 1, max: 1000, count: 10 });
    const page = await signIn(ADMIN_TOKEN);
    await page.getByRole('heading', { name: 'Overview' }).waitFor();
    const stat = (name: string) =>
      page
        .locator('.stat')
        .filter({ has: page.getByText(name, { exact: true }) })
        .locator('.value');
    await eventually(() => stat('Capacity').textContent()).toBe('1,048,576');
    expect(await stat('Available').textContent()).toBe('1,048,426');
    expect(await stat('Allocated').textContent()).toBe('10');
    expect(await stat('Sets').textContent()).toBe('2');
    await eventually(() => page.getByRole('status').first().textContent()).toContain('live');
    expect(await page.getByText('Signed in as admin').count()).toBe(1);
    const map = page.getByRole('img', { name: /^IDs 0 to 1,048,575: 10 allocated/ });
    await eventually(() => map.count()).toBe(1);
    await page.screenshot({ path: '/tmp/shots/overview-admin.png', fullPage: true });
    await page.close();
  });

  it('shows a set secret only its own set', async () => {
    const created = await dash.api<{ sid: number; secret: string }>('POST', '/v1/sets', {
      owner: 'vm-secret',
      quota: 20,
    });
    const page = await signIn(created.body.secret);
    await page.getByText(`Signed in with the secret of set ${created.body.sid}`).waitFor();
    await page.getByRole('link', { name: 'Sets', exact: true }).click();
    const table = page.getByRole('table', { name: 'Sets' });
    await eventually(() => table.getByRole('row').count()).toBe(2);
    expect(await table.textContent()).toContain('vm-secret');
    expect(await table.textContent()).not.toContain('vm-a');
    expect(await page.getByRole('link', { name: 'Admin' }).count()).toBe(0);
    await page.screenshot({ path: '/tmp/shots/sets-set-secret.png', fullPage: true });
    // its set's page: the IDs, leases and events its secret may read, and no admin action
    await dash.api('POST', `/v1/sets/${created.body.sid}/ioasids`, { min: 1, max: 1000, count: 2 });
    await table.getByRole('link', { name: 'vm-secret' }).click();
    await page.getByRole('heading', { name: `vm-secret (set ${created.body.sid})` }).waitFor();
    const ids = page.getByRole('table', { name: `IDs of set ${created.body.sid}` });
    await eventually(() => ids.getByRole('row').count()).toBe(3);
    await page.getByText('No leases.').waitFor();
    expect(await page.getByRole('button', { name: 'Adjust quota' }).count()).toBe(0);
    expect(await page.getByRole('alert').count()).toBe(0);
    await page.screenshot({ path: '/tmp/shots/set-page-secret.png', fullPage: true });
    await page.close();
  });

  it('keeps the credential for the tab across a reload, and forgets it on sign-out', async () => {
    const page = await signIn(ADMIN_TOKEN);
    await page.getByText('Signed in as admin').waitFor();
    await page.reload();
    await page.getByText('Signed in as admin').waitFor();
    const kept = () =>
      page.evaluate(
        () => (globalThis as unknown as { sessionStorage: { length: number } }).sessionStorage.length,
      );
    expect(await kept()).toBe(1);
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await kept()).toBe(0);
    const cookies = await chrome.context.cookies();
    expect(cookies).toEqual([]);
    await page.close();
  });
});
