// A TCP proxy of the tests' own between a server and PostgreSQL, to take the database away and bring
// it back: `cut()` destroys every connection and refuses new ones, `restore()` accepts them again.

import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';

/** A running proxy. */
export interface TcpProxy {
  /** The local port it listens on (127.0.0.1). */
  readonly port: number;
  /** Connections forwarded so far. */
  readonly accepted: number;
  /**
   * Destroys every open connection and refuses new ones until `restore`. With `keepUpstream`, the
   * connections to the target stay open (a network partition the database has not noticed yet: its
   * sessions, and the locks they hold, live on).
   */
  cut(keepUpstream?: boolean): void;
  /** Forwards new connections again. */
  restore(): void;
  /** Destroys everything and stops listening. */
  close(): Promise<void>;
}

/** Starts a proxy on 127.0.0.1 (a free port) forwarding to `targetHost:targetPort`. */
export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const upstreams = new Set<Socket>();
  let open = true;
  let accepted = 0;
  const track = (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => {});
  };
  const server: Server = createServer((client) => {
    track(client);
    if (!open) {
      // Refused: a reset, as from a port nobody listens on.
      client.resetAndDestroy();
      return;
    }
    accepted++;
    const upstream = tcpConnect(targetPort, targetHost);
    track(upstream);
    upstreams.add(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    client.on('close', () => {
      if (!keep.has(upstream)) upstream.destroy();
    });
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  /** Upstream connections left open by `cut(true)` (destroyed by `close`). */
  const keep = new Set<Socket>();
  const destroyAll = (keepUpstream: boolean) => {
    for (const socket of sockets) {
      if (keepUpstream && upstreams.has(socket)) {
        socket.unpipe();
        keep.add(socket);
      } else socket.resetAndDestroy();
    }
    sockets.clear();
  };
  return {
    port,
    get accepted() {
      return accepted;
    },
    cut(keepUpstream = false) {
      open = false;
      destroyAll(keepUpstream);
    },
    restore() {
      open = true;
    },
    async close() {
      open = false;
      destroyAll(false);
      for (const socket of keep) socket.destroy();
      keep.clear();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** Returns `url` (a postgres:// URL) pointing at 127.0.0.1:`port` instead. */
export function throughProxy(url: string, port: number): string {
  const u = new URL(url);
  u.hostname = '127.0.0.1';
  u.port = String(port);
  return u.toString();
}
