// Starts a real ioasid server for the dashboard's browser tests: a temporary data directory with a real
// SQLite store, port 0 on loopback, a known admin token, and the dashboard this repository built
// (packages/server/dashboard, what GET / serves). restart() stops it and starts it again on the same port
// and data directory: what an open dashboard sees when the operator restarts the service.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { IoasidClient } from '@ioasid/client';
import { type RunningServer, type ServerConfig, startServer } from '@ioasid/server';

/** The admin token of every dashboard test server (what a test types into the sign-in form). */
export const ADMIN_TOKEN = 'web-test-admin-token-0123456789';

/** A server for the dashboard's tests. */
export interface WebTestServer {
  /** Base URL, `http://127.0.0.1:PORT` (the dashboard is at `${url}/`). */
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly adminToken: string;
  /** A client with the admin token, to arrange state and check what the page shows. */
  readonly client: IoasidClient;
  /** The running server (its engine, its app). */
  readonly server: RunningServer;
  /** Errors passed to onFatal so far (a test expecting none checks it is empty). */
  readonly fatal: readonly unknown[];
  /** A client with another credential (a set secret). */
  as(token: string): IoasidClient;
  /** Stops the server gracefully (event streams end) and starts it again on the same port and data. */
  restart(): Promise<void>;
  /** Stops the server (restart() starts it again). */
  close(): Promise<void>;
  /** Stops the server and removes its data directory. */
  stop(): Promise<void>;
}

/**
 * Starts a server; `overrides` go to `startServer` (e.g. `capacity: 0`).
 * @throws Error when the dashboard was not built (run `npm run build`)
 */
export async function startWebTestServer(overrides: Partial<ServerConfig> = {}): Promise<WebTestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-web-test-'));
  const fatal: unknown[] = [];
  let port = 0;
  const config = (): ServerConfig => ({
    dataDir,
    host: '127.0.0.1',
    port,
    logger: false,
    adminToken: ADMIN_TOKEN,
    onFatal: (error) => fatal.push(error),
    ...overrides,
  });
  let server: RunningServer;
  try {
    server = await startServer(config());
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  port = server.port;
  let running = true;
  const index = await fetch(`${server.url}/`);
  if (index.status !== 200 && overrides.dashboard === undefined) {
    await server.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw new Error(`GET / answered ${index.status} (${await index.text()}): run \`npm run build\` first`);
  }
  await index.body?.cancel();
  const url = server.url;
  const test: WebTestServer = {
    url,
    port,
    dataDir,
    adminToken: ADMIN_TOKEN,
    client: new IoasidClient({ urls: url, token: ADMIN_TOKEN }),
    get server() {
      return server;
    },
    fatal,
    as: (token) => new IoasidClient({ urls: url, token }),
    async restart() {
      await test.close();
      server = await startServer(config());
      running = true;
    },
    async close() {
      if (!running) return;
      running = false;
      await server.close();
    },
    async stop() {
      await test.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}
