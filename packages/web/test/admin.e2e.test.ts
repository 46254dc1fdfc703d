// The admin actions against a real server: install capacity when none, create a set (secret shown once,
// copy), the system set, adjust a quota (and its refusal below the count, in the API's words), free an ID,
// free a set and destroy it through the confirmation dialog.

import type { Page } from 'playwright-core';
import { describe, expect, it } from 'vitest';
import { ADMIN_TOKEN, type DashboardServer, type TestBrowser, useDashboard } from './support/dashboard.js';
import { appErrors, eventually } from './support/dashboard-checks.js';

let dash: DashboardServer;
let chrome: TestBrowser;

useDashboard({ capacity: 0 }, (started) => {
  ({ dash, chrome } = started);
});

async function adminPage(hash = ''): Promise<Page> {
  const page = await chrome.page();
  await page.goto(dash.url);
  await page.getByLabel('Admin token or set secret').fill(ADMIN_TOKEN);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByText('Signed in as admin').waitFor();
  if (hash !== '') await page.goto(`${dash.url}/${hash}`);
  return page;
}

describe('admin actions', () => {
  it('installs capacity when there is none, from the overview', async () => {
    const page = await adminPage();
    await page.getByRole('heading', { name: 'No capacity installed yet' }).waitFor();
    await page.screenshot({ path: '/tmp/shots/no-capacity.png', fullPage: true });
    await page.getByLabel('Capacity (number of IDs)').fill('65536');
    await page.getByRole('button', { name: 'Install capacity' }).click();
    const stat = page.locator('.stat').filter({ has: page.getByText('Capacity', { exact: true }) });
    await eventually(() => stat.locator('.value').textContent()).toBe('65,536');
    expect((await dash.api<{ capacity: number }>('GET', '/v1/capacity')).body.capacity).toBe(65_536);
    await page.close();
  });

  it('creates a set and shows its secret once, with a copy button and a warning', async () => {
    const page = await adminPage('#/admin');
    await page.getByLabel('Owner (e.g. a VM name)').fill('vm-new');
    await page.getByLabel('Quota (IDs)').first().fill('1000');
    await page.getByRole('button', { name: 'Create set' }).click();
    await page.getByText('shown this once').waitFor();
    const secret = (await page.locator('#secret').textContent())?.trim() ?? '';
    expect(secret.length).toBeGreaterThan(10);
    expect(await page.getByText('it cannot be shown again').count()).toBe(1);
    await page.getByRole('button', { name: 'Copy secret' }).click();
    await page.getByText('Copied to the clipboard.').waitFor();
    const sets = await dash.api<{ sets: Array<{ owner: string; sid: number }> }>('GET', '/v1/sets');
    const sid = sets.body.sets.find((s) => s.owner === 'vm-new')?.sid;
    expect(sid).toBeDefined();
    // the secret works as a credential of that set
    expect((await dash.api('GET', `/v1/sets/${sid}`, undefined, secret)).status).toBe(200);
    await page.screenshot({ path: '/tmp/shots/created-set.png', fullPage: true });
    // the same owner again: the API's refusal in an alert
    await page.getByRole('button', { name: 'Create set' }).click();
    const refused = page.locator('ioasid-create-set').getByRole('alert');
    await eventually(() => refused.textContent()).toMatch(/vm-new/);
    await page.close();
  });

  it('lists the server instances with their lag', async () => {
    const page = await adminPage('#/admin');
    const table = page.getByRole('table', { name: 'Server instances' });
    await eventually(() => table.getByRole('row').count()).toBe(2);
    expect(await table.getByRole('row').nth(1).textContent()).toContain('none');
    await page.close();
  });

  it('creates the system set, and refuses a second one in the API words', async () => {
    const page = await adminPage('#/admin');
    const form = page.locator('ioasid-create-system-set');
    await form.getByLabel('Quota (IDs)').fill('16');
    await form.getByRole('button', { name: 'Create system set' }).click();
    await form.getByText(/System set \d+ created with quota 16/).waitFor();
    await form.getByRole('button', { name: 'Create system set' }).click();
    await eventually(() => form.getByRole('alert').count()).toBe(1);
    const refusal = await dash.api<{ error: { message: string } }>('POST', '/v1/sets/system', { quota: 16 });
    expect(await form.getByRole('alert').textContent()).toContain(refusal.body.error.message);
    await page.close();
  });

  it('adjusts a quota, and shows the refusal below the count in the API words', async () => {
    const set = await dash.api<{ sid: number }>('POST', '/v1/sets', { owner: 'vm-quota', quota: 10 });
    const sid = set.body.sid;
    await dash.api('POST', `/v1/sets/${sid}/ioasids`, { min: 1, max: 65_535, count: 6 });
    const page = await adminPage(`#/sets/${sid}`);
    const progress = page.getByRole('progressbar', { name: `Usage of vm-quota (set ${sid})` });
    await eventually(() => progress.getAttribute('aria-valuemax')).toBe('10');
    await page.getByLabel('New quota').fill('20');
    await page.getByRole('button', { name: 'Adjust quota' }).click();
    await eventually(() => progress.getAttribute('aria-valuemax')).toBe('20');
    await page.getByLabel('New quota').fill('3');
    await page.getByRole('button', { name: 'Adjust quota' }).click();
    const alert = page.locator('ioasid-adjust-quota').getByRole('alert');
    await eventually(() => alert.count()).toBe(1);
    const refusal = await dash.api<{ error: { message: string } }>('PATCH', `/v1/sets/${sid}`, { quota: 3 });
    expect(refusal.status).toBe(400);
    expect(await alert.textContent()).toContain(refusal.body.error.message);
    await page.screenshot({ path: '/tmp/shots/quota-refused.png', fullPage: true });
    await page.close();
  });

  it('frees an ID from the lookup, then frees and destroys the set through the dialog', async () => {
    const set = await dash.api<{ sid: number }>('POST', '/v1/sets', { owner: 'vm-free', quota: 8 });
    const sid = set.body.sid;
    const ids = await dash.api<{ ids: number[] }>('POST', `/v1/sets/${sid}/ioasids`, {
      min: 1,
      max: 65_535,
      count: 3,
    });
    const id = ids.body.ids[0];
    const page = await adminPage(`#/lookup/${id}`);
    await page.getByRole('heading', { name: new RegExp(`^ID ${id.toLocaleString('en-US')}`) }).waitFor();
    await page.getByRole('button', { name: `Free ID ${id}` }).click();
    await page.getByRole('button', { name: `Free ID ${id.toLocaleString('en-US')}` }).click();
    await page.getByText(`ID ${id.toLocaleString('en-US')} freed.`).waitFor();
    expect((await dash.api('GET', `/v1/ioasids/${id}`)).status).toBe(404);

    await page.goto(`${dash.url}/#/sets/${sid}`);
    const progress = page.getByRole('progressbar', { name: `Usage of vm-free (set ${sid})` });
    await eventually(() => progress.getAttribute('aria-valuenow')).toBe('2');
    await page.getByRole('button', { name: 'Free set...' }).click();
    const dialog = page.getByRole('dialog', { name: `Free vm-free (set ${sid})?` });
    await dialog.waitFor();
    await page.screenshot({ path: '/tmp/shots/free-set-dialog.png' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    expect((await dash.api<{ count: number }>('GET', `/v1/sets/${sid}`)).body.count).toBe(2);
    await page.getByRole('button', { name: 'Free set...' }).click();
    await dialog.getByLabel(/Destroy the set too/).check();
    await dialog.getByRole('button', { name: 'Free the IDs and destroy the set' }).click();
    await page.getByRole('heading', { name: 'Sets', exact: true }).waitFor();
    expect((await dash.api('GET', `/v1/sets/${sid}`)).status).toBe(404);
    expect(appErrors(chrome.errors)).toEqual([]);
    await page.close();
  });
});
