// Smoke test of the dashboard in a real Chromium against a real server: GET / loads the dashboard under
// the strict Content-Security-Policy with no console error, no page error and no policy violation.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, screenshot, type TestBrowser } from './support/browser.js';
import { startWebTestServer, type WebTestServer } from './support/server.js';

let server: WebTestServer;
let browser: TestBrowser;
beforeAll(async () => {
  server = await startWebTestServer();
  browser = await launchBrowser();
});
afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('the dashboard in Chromium', () => {
  it('loads at GET / under the strict CSP, with no console error, page error or violation', async () => {
    const watched = await browser.newPage();
    const response = await watched.page.goto(`${server.url}/`, { waitUntil: 'load' });
    expect(response?.status()).toBe(200);
    const csp = response?.headers()['content-security-policy'] ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(await watched.page.title()).toBe('ioasid dashboard');
    // The app's element is defined and rendered: the module script ran under the policy.
    await watched.page.waitForFunction(
      "customElements.get('ioasid-app') !== undefined && document.querySelector('ioasid-app')?.shadowRoot !== null",
    );
    await screenshot(watched.page, 'smoke-first-load');
    expect(watched.cspViolations()).toEqual([]);
    await watched.expectNoProblems();
    expect(server.fatal).toEqual([]);
  });

  it('reports a policy violation when a page breaks the policy (the harness sees them)', async () => {
    const watched = await browser.newPage();
    await watched.page.goto(`${server.url}/`, { waitUntil: 'load' });
    // An inline script added at run time is refused by script-src 'self'.
    await watched.page.evaluate(
      "(() => { const s = document.createElement('script'); s.textContent = 'globalThis.ran = 1'; document.body.append(s); })()",
    );
    await expect.poll(() => watched.cspViolations().length).toBeGreaterThan(0);
    expect(await watched.page.evaluate('globalThis.ran')).toBeUndefined();
    await expect(watched.expectNoProblems()).rejects.toThrow(/script-src/);
  });
});
