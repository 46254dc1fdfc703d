// Runs `ioasid-server` (the server package's own command, built) as a child process, the way an operator
// does, and waits for its "listening on" line; used by the serve, shutdown and crash tests.

import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

/** Path of the built `ioasid-server` entry. */
export const SERVER_BIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** A running `ioasid-server`. */
export interface ServeProcess {
  readonly child: ChildProcess;
  /** Base URL from the "listening on" line. */
  readonly url: string;
  /** Standard output so far. */
  stdout(): string;
  /** Standard error so far (the JSON logs). */
  stderr(): string;
  /** Resolves with the exit code (null when killed by a signal) and signal. */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Result of a process that was expected to fail before listening. */
export interface Failed {
  code: number | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** Kills (SIGKILL) every process started here that is still running: call it in afterAll. */
export function killAll(): void {
  for (const child of running) child.kill('SIGKILL');
  running.clear();
}

function run(args: string[], env: Record<string, string | undefined>) {
  const child = spawn(process.execPath, [SERVER_BIN, ...args], {
    env: { ...process.env, NO_COLOR: '1', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  running.add(child);
  child.once('exit', () => running.delete(child));
  let out = '';
  let err = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    err += chunk;
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return { child, exited, out: () => out, err: () => err };
}

/** Starts `ioasid-server ARGS` and resolves once it listens. @throws when it exits first or takes over 30 s */
export async function spawnServe(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<ServeProcess> {
  const p = run(args, env);
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`no "listening on" line after 30 s:\n${p.out()}\n${p.err()}`)),
      30_000,
    );
    const check = () => {
      const match = /listening on (http:\/\/\S+)/.exec(p.out());
      if (match) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    p.child.stdout?.on('data', check);
    p.exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`ioasid-server exited (${code ?? signal}) before listening:\n${p.out()}\n${p.err()}`));
    });
  });
  return { child: p.child, url, stdout: p.out, stderr: p.err, exited: p.exited };
}

/** Runs `ioasid-server ARGS` to completion (for runs expected to fail). */
export async function runServer(
  args: string[],
  env: Record<string, string | undefined> = {},
): Promise<Failed> {
  const p = run(args, env);
  const { code } = await p.exited;
  return { code, stdout: p.out(), stderr: p.err() };
}
