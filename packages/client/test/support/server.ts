// Real servers for the client's tests: a temporary SQLite data directory, port 0 on loopback, a restart
// on the same port and directory, plus tiny fake HTTP servers for what a real one never does.

import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import {
  type AddressInfo,
  connect,
  createServer as createNetServer,
  type Server as NetServer,
  type Socket,
} from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type RunningServer, type ServerConfig, startServer } from '@ioasid/server';

/** The admin token of every test server. */
export const ADMIN_TOKEN = 'client-test-admin-token-0123456789';

/** A real server that can be stopped and started again on the same port and data. */
export class TestServer {
  readonly dataDir = mkdtempSync(join(tmpdir(), 'ioasid-client-test-'));
  readonly #overrides: Partial<ServerConfig>;
  readonly fatal: unknown[] = [];
  #server: RunningServer | null = null;
  #port = 0;

  constructor(overrides: Partial<ServerConfig> = {}) {
    this.#overrides = overrides;
  }

  /** Starts it (again, on the port it had). */
  async start(): Promise<this> {
    this.#server = await startServer({
      dataDir: this.dataDir,
      port: this.#port,
      logger: false,
      adminToken: ADMIN_TOKEN,
      capacity: 100_000,
      onFatal: (error) => this.fatal.push(error),
      ...this.#overrides,
    });
    this.#port = this.#server.port;
    return this;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  get running(): RunningServer {
    if (this.#server === null) throw new Error('the test server is not running');
    return this.#server;
  }

  /** Closes it gracefully (event streams end); the data stays. */
  async close(): Promise<void> {
    const server = this.#server;
    this.#server = null;
    await server?.close();
  }

  /** Closes it and removes its data. */
  async stop(): Promise<void> {
    await this.close();
    rmSync(this.dataDir, { recursive: true, force: true });
  }
}

/** A port nothing listens on (bound, then released). */
export async function deadPort(): Promise<number> {
  const probe = createServer();
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve));
  const { port } = probe.address() as AddressInfo;
  await new Promise((resolve) => probe.close(resolve));
  return port;
}

/** A fake HTTP server answering with `handler`; returns its URL, the requests it saw, and a closer. */
export async function fakeServer(
  handler: (request: IncomingMessage, response: ServerResponse) => void,
): Promise<{ url: string; seen: string[]; close(): Promise<void> }> {
  const seen: string[] = [];
  const server: Server = createServer((request, response) => {
    seen.push(`${request.method} ${request.url}`);
    handler(request, response);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    seen,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

/**
 * A TCP relay to `port` on loopback that can be cut (its connections dropped, new ones refused) and
 * restored on the same port: a URL that goes away while the server behind it goes on.
 */
export class Relay {
  readonly #target: number;
  readonly #sockets = new Set<Socket>();
  #listener: NetServer | null = null;
  #port = 0;

  constructor(target: number) {
    this.#target = target;
  }

  get url(): string {
    return `http://127.0.0.1:${this.#port}`;
  }

  /** Listens (again, on the same port). */
  async open(): Promise<this> {
    const listener = createNetServer((client) => {
      const upstream = connect(this.#target, '127.0.0.1');
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket);
        socket.on('close', () => this.#sockets.delete(socket));
        socket.on('error', () => {});
      }
      client.pipe(upstream).pipe(client);
    });
    await new Promise<void>((resolve) => listener.listen(this.#port, '127.0.0.1', resolve));
    this.#port = (listener.address() as AddressInfo).port;
    this.#listener = listener;
    return this;
  }

  /** Drops every connection and stops listening. */
  async cut(): Promise<void> {
    const listener = this.#listener;
    this.#listener = null;
    for (const socket of this.#sockets) socket.destroy();
    if (listener !== null) await new Promise((resolve) => listener.close(resolve));
  }
}
