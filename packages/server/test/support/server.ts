// Starts real servers for tests: a temporary data directory, a real SQLite file, port 0 on loopback,
// and a restart that reopens the same directory (the way a crashed or upgraded server comes back).

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerConfig, startServer } from '@ioasid/server';
import { type Api, client } from './client.js';

/** A test server and what tests need to talk to it. */
export interface TestServer {
  server: RunningServer;
  readonly dataDir: string;
  readonly url: string;
  /** Client with the admin token. */
  readonly admin: Api;
  /** Client with any secret (or none). */
  as(secret: string | null): Api;
  /** Closes the server gracefully and starts a new one on the same data directory. */
  restart(overrides?: Partial<ServerConfig>): Promise<void>;
  /** Closes the server and removes its data directory. */
  stop(): Promise<void>;
  /** Errors passed to onFatal (a test fails if it expects none). */
  readonly fatal: unknown[];
}

export const ADMIN_TOKEN = 'test-admin-token-0123456789';

/** Starts a server on a fresh temporary directory. */
export async function startTestServer(overrides: Partial<ServerConfig> = {}): Promise<TestServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'ioasid-server-test-'));
  const fatal: unknown[] = [];
  const config = (more: Partial<ServerConfig>): ServerConfig => ({
    dataDir,
    port: 0,
    logger: false,
    adminToken: ADMIN_TOKEN,
    onFatal: (error) => fatal.push(error),
    ...overrides,
    ...more,
  });
  let server: RunningServer;
  try {
    server = await startServer(config({}));
  } catch (error) {
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  const test: TestServer = {
    get server() {
      return server;
    },
    dataDir,
    get url() {
      return server.url;
    },
    get admin() {
      return client(server.url, ADMIN_TOKEN);
    },
    as: (secret) => client(server.url, secret),
    async restart(more = {}) {
      await server.close();
      server = await startServer(config(more));
    },
    async stop() {
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
    fatal,
  };
  return test;
}
