// Starts a real server in the test process for the CLI to talk to: a temporary data directory, a real
// SQLite store, port 0 on loopback, and a restart on the same port (what a watching client sees when an
// operator restarts the service). Modelled on packages/server/test/support/server.ts.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerConfig, startServer } from '@ioasid/server';

/** The admin token of every test server started with the defaults. */
export const ADMIN_TOKEN = 'cli-test-admin-token-0123456789';

/** A server for the CLI tests. */
export interface CliTestServer {
  readonly url: string;
  readonly port: number;
  readonly dataDir: string;
  readonly server: RunningServer;
  /** Calls the API directly with the admin token (to arrange state or check the CLI's effects). */
  api<T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }>;
  /** Closes the server (streams end, the port is free). */
  close(): Promise<void>;
  /** Starts it again on the same port and data directory. */
  start(): Promise<void>;
  /** Closes it and removes its data directory. */
  stop(): Promise<void>;
}

/** Starts a server; `overrides` may set e.g. `adminToken: undefined` to use `<dataDir>/admin.token`. */
export async function startCliTestServer(
  overrides: Partial<ServerConfig> = {},
  dataDir = mkdtempSync(join(tmpdir(), 'ioasid-cli-test-')),
): Promise<CliTestServer> {
  const fatal: unknown[] = [];
  let port = 0;
  const config = (): ServerConfig => ({
    dataDir,
    port,
    logger: false,
    adminToken: ADMIN_TOKEN,
    onFatal: (error) => fatal.push(error),
    ...overrides,
  });
  let server = await startServer(config());
  port = server.port;
  let running = true;
  const test: CliTestServer = {
    get url() {
      return server.url;
    },
    port,
    dataDir,
    get server() {
      return server;
    },
    async api<T>(method: string, path: string, body?: unknown) {
      const headers: Record<string, string> = { authorization: `Bearer ${server.admin.token}` };
      if (body !== undefined) headers['content-type'] = 'application/json';
      const response = await fetch(server.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await response.text();
      return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as T };
    },
    async close() {
      if (!running) return;
      running = false;
      await server.close();
      if (fatal.length > 0) throw new Error(`onFatal was called: ${String(fatal[0])}`);
    },
    async start() {
      if (running) return;
      server = await startServer(config());
      running = true;
    },
    async stop() {
      await test.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
  return test;
}
