// TEMPORARY (delete once the server serves the dashboard at GET /, from the web-serve part): a real
// server on a temporary data directory, and in front of it a tiny static server of the built dashboard
// (packages/server/dashboard) that proxies the API paths to it, with the dashboard's CSP header; plus
// Chromium through playwright-core. The e2e tests then switch to the real serving and the shared harness.

import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, extname, join, normalize } from 'node:path';
import { type RunningServer, type Store, startServer } from '@ioasid/server';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

/** The admin token of the test servers. */
export const ADMIN_TOKEN = 'web-e2e-admin-token-0123456789abcdef';

/** The built dashboard: `dashboard/` of the @ioasid/server package, found through its package.json. */
const ROOT = join(
  dirname(createRequire(import.meta.url).resolve('@ioasid/server/package.json')),
  'dashboard',
);
const API = /^\/(v1\/|readyz|healthz|metrics|openapi\.json)/;
const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
};
const CSP =
  "default-src 'self'; script-src 'self'; style-src 'self'; connect-src 'self'; img-src 'self' data:; " +
  "object-src 'none'; base-uri 'none'; frame-ancestors 'none'";

/** A real server with the dashboard in front. */
export interface DashboardServer {
  /** Where the browser goes (the static server + proxy). */
  readonly url: string;
  /** The API server itself. */
  readonly server: RunningServer;
  /** Calls the API with the admin token (or `token`). */
  api<T = unknown>(
    method: string,
    path: string,
    body?: unknown,
    token?: string,
  ): Promise<{ status: number; body: T }>;
  /** Closes the API server (the proxy stays: the page sees the API gone). */
  close(): Promise<void>;
  /** Starts the API server again on the same port and data directory. */
  start(): Promise<void>;
  stop(): Promise<void>;
}

/** Starts a server (capacity `capacity`, default 2^20) and the static server + proxy in front of it. */
export async function startDashboard(
  options: { capacity?: number; store?: (dataDir: string) => Store } = {},
): Promise<DashboardServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-web-e2e-'));
  const config = (port: number) => ({
    dataDir,
    port,
    logger: false as const,
    adminToken: ADMIN_TOKEN,
    capacity: options.capacity,
    sseKeepAliveMs: 2_000,
    storeRetry: { initialMs: 100, maxMs: 500 },
    // a store of the test's (made anew for each start: the server closes it), else SQLite in dataDir
    ...(options.store === undefined ? {} : { store: options.store(dataDir) }),
    onFatal: () => {},
  });
  let server = await startServer(config(0));
  let running = true;
  const target = new URL(server.url);
  const front: Server = createServer((req, res) => {
    const url = req.url ?? '/';
    if (API.test(url)) {
      const upstream = request(
        { host: target.hostname, port: target.port, method: req.method, path: url, headers: req.headers },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        },
      );
      upstream.on('error', () => {
        if (res.headersSent) res.destroy();
        else res.writeHead(502, { 'content-type': 'text/plain' }).end('the API server is away');
      });
      req.pipe(upstream);
      res.on('close', () => upstream.destroy());
      return;
    }
    const path = normalize(url.split('?')[0] === '/' ? '/index.html' : url.split('?')[0]);
    try {
      const body = readFileSync(join(ROOT, path));
      res.writeHead(200, {
        'content-type': TYPES[extname(path)] ?? 'application/octet-stream',
        'content-security-policy': CSP,
      });
      res.end(body);
    } catch {
      res.writeHead(404).end('not found');
    }
  });
  await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(front.address() as AddressInfo).port}`;
  return {
    url,
    get server() {
      return server;
    },
    async close() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async start() {
      if (running) return;
      server = await startServer(config(Number(target.port)));
      running = true;
    },
    async api<T>(method: string, path: string, body?: unknown, token = ADMIN_TOKEN) {
      const headers: Record<string, string> = { authorization: `Bearer ${token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(server.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
    },
    async stop() {
      front.closeAllConnections();
      await new Promise<void>((resolve) => front.close(() => resolve()));
      if (running) await server.close();
      running = false;
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Chromium (headless, a new empty profile) and the console errors of every page it opens. */
export interface TestBrowser {
  readonly context: BrowserContext;
  /** Console errors and page errors seen so far. */
  readonly errors: string[];
  /** A new page in a new context of `width` x `height`. */
  page(width?: number, height?: number): Promise<Page>;
  close(): Promise<void>;
}

/** Launches /usr/bin/chromium. */
export async function launchBrowser(): Promise<TestBrowser> {
  const profile = mkdtempSync(join(tmpdir(), 'ioasid-web-chromium-'));
  const context: BrowserContext = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
    ],
  });
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  const errors: string[] = [];
  return {
    context,
    errors,
    async page(width = 1280, height = 900) {
      const page = await context.newPage();
      await page.setViewportSize({ width, height });
      page.on('console', (message) => {
        if (message.type() === 'error') errors.push(message.text());
      });
      page.on('pageerror', (error) => errors.push(String(error)));
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
