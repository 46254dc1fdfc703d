// Runs the built `ioasid` CLI as a child process, the way a user does: a clean environment (no IOASID_*
// variables of the machine, no colours) and a temporary working directory, so that no ./data/admin.token
// of the repository is picked up unless a test means it.

import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the built CLI entry. */
export const CLI = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** An empty working directory shared by the runs that do not choose one. */
const EMPTY_DIR = mkdtempSync(join(tmpdir(), 'ioasid-cli-cwd-'));
process.on('exit', () => rmSync(EMPTY_DIR, { recursive: true, force: true }));

/** Options of a run. */
export interface RunOptions {
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** The result of a finished run. */
export interface RunResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

function environment(extra: Record<string, string | undefined> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('IOASID_') && key !== 'FORCE_COLOR') env[key] = value;
  }
  return { ...env, NO_COLOR: '1', ...extra };
}

function launch(args: string[], options: RunOptions): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], {
    env: environment(options.env),
    cwd: options.cwd ?? EMPTY_DIR,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs `ioasid ARGS` to completion. */
export function run(args: string[], options: RunOptions = {}): Promise<RunResult> {
  const child = launch(args, options);
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
  });
  return new Promise((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A run that must succeed; returns its standard output. @throws with both outputs otherwise */
export async function ok(args: string[], options: RunOptions = {}): Promise<string> {
  const result = await run(args, options);
  if (result.code !== 0) {
    throw new Error(`ioasid ${args.join(' ')} exited ${result.code}:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

/** A run that must succeed and print one JSON value. */
export async function okJson<T = unknown>(args: string[], options: RunOptions = {}): Promise<T> {
  return JSON.parse(await ok([...args, '--json'], options)) as T;
}

/** A long-running command (watch): its output so far, waiting for lines, and Ctrl-C. */
export interface Running {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Standard output split in lines (complete lines only). */
  lines(): string[];
  /** Resolves once `predicate` holds for the output, or rejects after `timeoutMs` naming what was seen. */
  waitFor(what: string, predicate: () => boolean, timeoutMs?: number): Promise<void>;
  /** Sends SIGINT and resolves with the exit code. */
  interrupt(): Promise<number | null>;
  readonly exited: Promise<number | null>;
}

/** Starts `ioasid ARGS` and returns at once. */
export function start(args: string[], options: RunOptions = {}): Running {
  const child = launch(args, options);
  let stdout = '';
  let stderr = '';
  const waiters = new Set<() => void>();
  const wake = () => {
    for (const waiter of waiters) waiter();
  };
  child.stdout?.on('data', (chunk) => {
    stdout += chunk;
    wake();
  });
  child.stderr?.on('data', (chunk) => {
    stderr += chunk;
    wake();
  });
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  let done = false;
  exited.then(() => {
    done = true;
    wake();
  });
  return {
    child,
    stdout: () => stdout,
    stderr: () => stderr,
    lines: () => stdout.split('\n').slice(0, -1),
    exited,
    waitFor(what, predicate, timeoutMs = 20_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (predicate()) {
            finish();
            resolve();
          } else if (done) {
            finish();
            reject(new Error(`exited before ${what}:\nstdout:\n${stdout}\nstderr:\n${stderr}`));
          }
        };
        const timer = setTimeout(() => {
          finish();
          reject(new Error(`timed out waiting for ${what}:\nstdout:\n${stdout}\nstderr:\n${stderr}`));
        }, timeoutMs);
        const finish = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    async interrupt() {
      if (!done) child.kill('SIGINT');
      return exited;
    },
  };
}
