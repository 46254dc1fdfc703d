// The app tests' view of the shared harness (server.ts, browser.ts): a real server serving the dashboard
// at GET / with an `api()` helper to arrange state over HTTP, and a browser whose pages' problems
// (console errors, page errors, CSP violations) are gathered in one list.

import { mkdirSync } from 'node:fs';
import type { ServerConfig } from '@ioasid/server';
import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll } from 'vitest';
import { launchBrowser as launchWatched, type WatchedPage } from './browser.js';
import { ADMIN_TOKEN, startWebTestServer, type WebTestServer } from './server.js';

export { ADMIN_TOKEN };

/** A real server with the dashboard at `${url}/`. */
export interface DashboardServer {
  readonly url: string;
  readonly test: WebTestServer;
  /** Calls the API with the admin token (or `token`); the answer's status and parsed body. */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }>;
  /** Stops the server (the page sees the API gone). */
  close(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a server; `overrides` go to startServer (e.g. `capacity: 0`, `store`). */
export async function startDashboard(overrides: Partial<ServerConfig> = {}): Promise<DashboardServer> {
  const test = await startWebTestServer(overrides);
  return {
    url: test.url,
    test,
    async api<T>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(test.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
    },
    close: () => test.close(),
    start: () => test.restart(),
    stop: () => test.stop(),
  };
}

/** Chromium with every page's problems in `errors`. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** The problems of every page so far, as text (console errors, page errors, CSP violations). */
  readonly errors: string[];
  /** A new watched page of `width` x `height`. */
  page(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

/** Launches Chromium (a fresh profile, the harness's flags), with clipboard access for the copy button. */
export async function launchBrowser(): Promise<TestBrowser> {
  const browser = await launchWatched();
  await browser.context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const pages: WatchedPage[] = [];
  return {
    context: browser.context,
    get errors() {
      return pages.flatMap((w) => w.problems.map((p) => p.text));
    },
    async page(width = 1280, height = 900) {
      const watched = await browser.newPage({ width, height });
      pages.push(watched);
      return watched.page;
    },
    close: () => browser.close(),
  };
}

/** What a test file gets from useDashboard: its server and its browser. */
export interface DashboardFixture {
  readonly dash: DashboardServer;
  readonly chrome: TestBrowser;
}

/**
 * Starts a server (with `overrides`, or what the function returns when the file's hooks run) and Chromium
 * before the file's tests, hands both to `ready`, and stops them after the tests. Register it before the
 * file's own hooks: its beforeAll runs first, its afterAll last.
 */
export function useDashboard(
  overrides: Partial<ServerConfig> | (() => Partial<ServerConfig>),
  ready: (fixture: DashboardFixture) => void,
): void {
  let started: Partial<DashboardFixture> = {};
  beforeAll(async () => {
    mkdirSync('/tmp/shots', { recursive: true });
    const dash = await startDashboard(typeof overrides === 'function' ? overrides() : overrides);
    started = { dash };
    const chrome = await launchBrowser();
    started = { dash, chrome };
    ready({ dash, chrome });
  });
  afterAll(async () => {
    await started.chrome?.close();
    await started.dash?.stop();
  });
}
