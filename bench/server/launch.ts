// Starts and stops benchmark server processes and talks to them: spawn, wait for "listening on",
// kill, and a few admin requests used to set up and to validate runs.

import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The admin token every benchmark server uses. */
export const TOKEN = 'bench-admin-token-0123456789';
const CHILD = fileURLToPath(new URL('./child.ts', import.meta.url));
const BARE = fileURLToPath(new URL('./bare-fastify.ts', import.meta.url));

/** A running benchmark server. */
export interface Server {
  readonly child: ChildProcess;
  readonly url: string;
  /** Milliseconds startServer took (store load and rebuild included), as the server measured it. */
  readonly readyMs: number;
  /** Milliseconds from spawning the process to its "listening on" line. */
  readonly spawnMs: number;
  /** IDs allocated after the rebuild. */
  readonly ids: number;
  /** Resolves when the process has exited. */
  readonly exited: Promise<void>;
}

/** What to run. */
export interface LaunchOptions {
  dataDir: string;
  commitMode: 'group' | 'per-request';
  /** `bare-fastify` runs bare-fastify.ts instead of the ioasid server. */
  store?: 'sqlite' | 'memory' | 'postgres' | 'bare-fastify';
  /** The PostgreSQL database of the `postgres` store. */
  databaseUrl?: string;
  /** Capacity installed at start (default 2^32 - 1; 0: none, install it with PUT /v1/capacity). */
  capacity?: number;
}

/**
 * Spawns a server and resolves once it listens.
 * @throws Error when it exits before listening (with its exit code and what it printed)
 */
export async function launch(options: LaunchOptions): Promise<Server> {
  const started = performance.now();
  const args =
    options.store === 'bare-fastify'
      ? ['--import', 'tsx', BARE]
      : ['--import', 'tsx', CHILD, '--commit-mode', options.commitMode, '--data-dir', options.dataDir];
  if (options.store !== 'bare-fastify')
    args.push('--admin-token', TOKEN, '--store', options.store ?? 'sqlite');
  if (options.databaseUrl !== undefined) args.push('--database-url', options.databaseUrl);
  if (options.capacity !== undefined) args.push('--capacity', String(options.capacity));
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let exitStatus = '';
  const exited = new Promise<void>((resolve) =>
    child.once('exit', (code, signal) => {
      exitStatus = code === null ? `signal ${signal}` : `code ${code}`;
      resolve();
    }),
  );
  let out = '';
  const { url, ready } = await new Promise<{ url: string; ready: { ms: number; ids: number } }>(
    (resolve, reject) => {
      child.stdout?.on('data', (chunk) => {
        out += chunk;
        const listening = /listening on (\S+)/.exec(out);
        const ready = /ready (\{.*\})/.exec(out);
        if (listening && ready) resolve({ url: listening[1], ready: JSON.parse(ready[1]) });
      });
      void exited.then(() =>
        reject(new Error(`the benchmark server exited (${exitStatus}) before listening:\n${out}`)),
      );
    },
  );
  return { child, url, readyMs: ready.ms, spawnMs: performance.now() - started, ids: ready.ids, exited };
}

/** Stops a server: gracefully (SIGTERM) or as a crash (SIGKILL). */
export async function stop(server: Server, signal: 'SIGTERM' | 'SIGKILL' = 'SIGTERM'): Promise<void> {
  server.child.kill(signal);
  await server.exited;
}

/** Sends an admin request; returns the parsed answer. @throws when the status is not the expected one */
export async function admin<T>(
  server: Server,
  method: string,
  path: string,
  body?: unknown,
  expect = 200,
): Promise<T> {
  const response = await fetch(server.url + path, {
    method,
    headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  if (response.status !== expect) throw new Error(`${method} ${path} answered ${response.status}: ${text}`);
  return (text === '' ? null : JSON.parse(text)) as T;
}

/** CPU seconds (user + system) the server process used so far (Linux /proc). */
export function cpuSeconds(server: Server): number {
  const fields = readFileSync(`/proc/${server.child.pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // Fields 14 and 15 of /proc/PID/stat (utime, stime), in clock ticks of 1/100 s.
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

/** Reads one unlabelled value from /metrics (NaN when absent). */
export async function metric(server: Server, name: string): Promise<number> {
  const text = await (await fetch(`${server.url}/metrics`)).text();
  const line = text.split('\n').find((l) => l.startsWith(`${name} `));
  return line === undefined ? Number.NaN : Number(line.slice(name.length + 1));
}
