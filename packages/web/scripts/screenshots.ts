// Takes the README's screenshots of the dashboard (docs/images/dashboard-*.png) against a real server
// with a realistic namespace: 2^20 capacity, 40 VMs' sets at various fill levels, a system set, spids,
// a lease holding a reference, and a live stream. Run it after `npm run build`:
//
//   node --import tsx packages/web/scripts/screenshots.ts [--out docs/images]

import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import type { Page } from 'playwright-core';
import { launchBrowser } from '../test/support/browser.js';
import { startWebTestServer } from '../test/support/server.js';

const { values } = parseArgs({ options: { out: { type: 'string', default: 'docs/images' } } });
const out = resolve(values.out);
mkdirSync(out, { recursive: true });

const server = await startWebTestServer();
const browser = await launchBrowser();
try {
  const api = server.client;
  console.log(`server ${server.url}: filling the namespace ...`);
  const system = await api.createSystemSet(4096);
  await api.allocMany(system.sid, 3000);
  const fills = [0.97, 0.91, 0.85, 0.8, 0.62, 0.5, 0.44, 0.3, 0.21, 0.12];
  for (let vm = 0; vm < 40; vm++) {
    const quota = 2048 * (1 + (vm % 5));
    const set = await api.createSet({ owner: `vm-${String(vm).padStart(2, '0')}`, quota });
    const count = Math.floor(quota * fills[vm % fills.length]);
    for (let done = 0; done < count; ) {
      const n = Math.min(65_536, count - done);
      await api.allocMany(set.sid, n, { data: { vm } });
      done += n;
    }
    if (vm % 7 === 3) {
      // Some churn: a few freed IDs leave holes the next allocations fill (lowest free first).
      const ids = await api.listIds(set.sid);
      for (const id of ids.slice(10, 200)) await api.free(id);
    }
  }
  const guest = (await api.listSets()).find((s) => s.owner === 'vm-03')!;
  const [first, second] = await api.listIds(guest.sid);
  await api.attachSpid(first, 1);
  await api.attachSpid(second, 2);
  const lease = await api.createLease(600_000);
  await api.takeRef(second, lease.lease);
  await api.free(second); // free-pending: the lease still holds it

  const signIn = async (page: Page, route: string) => {
    await page.goto(`${server.url}/${route}`);
    await page.getByLabel('Admin token or set secret').fill(server.adminToken);
    await page.getByRole('button', { name: 'Sign in' }).click();
  };
  const shoot = async (page: Page, name: string) => {
    // Let the live stream connect and the map draw.
    await page.getByText('live', { exact: true }).first().waitFor();
    await page.waitForTimeout(1500);
    const path = join(out, `dashboard-${name}.png`);
    await page.screenshot({ path, fullPage: false });
    console.log(`wrote ${path}`);
  };

  const overview = (await browser.newPage({ width: 1280, height: 1000 })).page;
  await signIn(overview, '#/');
  await overview.getByRole('img', { name: /allocated/ }).waitFor();
  await shoot(overview, 'overview');

  const dark = (await browser.newPage({ width: 1280, height: 900 })).page;
  await dark.emulateMedia({ colorScheme: 'dark' });
  await signIn(dark, '#/sets');
  await dark.getByRole('table', { name: 'Sets' }).waitFor();
  await dark.getByRole('button', { name: 'Usage' }).click();
  await shoot(dark, 'sets-dark');

  const setPage = (await browser.newPage({ width: 1280, height: 1100 })).page;
  await signIn(setPage, `#/sets/${guest.sid}`);
  await setPage.getByRole('heading', { name: /vm-03/ }).waitFor();
  await shoot(setPage, 'set-page');

  const narrow = (await browser.newPage({ width: 390, height: 844 })).page;
  await signIn(narrow, '#/');
  await narrow.getByRole('img', { name: /allocated/ }).waitFor();
  await shoot(narrow, 'narrow');
} finally {
  await browser.close();
  await server.stop();
}
