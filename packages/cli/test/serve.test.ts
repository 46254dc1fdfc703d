// `ioasid serve` hands over to the server package: same flags, lines and exit codes as `ioasid-server`;
// without @ioasid/server installed it says what to install; client commands never load the server.

import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { EXIT_SERVER_MISSING } from '../dist/exit-codes.js';
import { run, start } from './support/cli.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-cli-serve-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** A copy of the built CLI with its dependencies but without @ioasid/server next to it. */
function cliWithoutServer(): string {
  const dir = join(tempDir(), 'cli');
  cpSync(join(ROOT, 'packages/cli/dist'), join(dir, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'packages/cli/package.json'), join(dir, 'package.json'));
  mkdirSync(join(dir, 'node_modules'));
  for (const dependency of ['commander', 'picocolors', 'ioasid', '@ioasid/client']) {
    mkdirSync(join(dir, 'node_modules', dependency, '..'), { recursive: true });
    symlinkSync(join(ROOT, 'node_modules', dependency), join(dir, 'node_modules', dependency));
  }
  return join(dir, 'dist/main.js');
}

describe('ioasid serve', () => {
  it('runs the server with its flags, prints where to find it, and exits 0 on SIGTERM', async () => {
    const dir = tempDir();
    const serve = start(['serve', '--port', '0', '--data-dir', dir, '--capacity', '64']);
    await serve.waitFor('listening on', () => /listening on http:\/\/\S+\n/.test(serve.stdout()));
    const url = (/listening on (http:\/\/\S+)/.exec(serve.stdout()) as RegExpExecArray)[1];
    expect(serve.stdout()).toContain(`admin token: ${join(dir, 'admin.token')} (created, mode 0600)`);
    expect(serve.stdout()).toContain(`API: ${url}/v1  docs: ${url}/docs`);
    const token = readFileSync(join(dir, 'admin.token'), 'utf8').trim();
    const answer = await fetch(`${url}/v1/capacity`, { headers: { authorization: `Bearer ${token}` } });
    expect(await answer.json()).toEqual({ capacity: 64, available: 64 });
    serve.child.kill('SIGTERM');
    expect(await serve.exited).toBe(0);
  });

  it('refuses bad flags and variables as the server does, with the ioasid prefix and exit code 1', async () => {
    const badFlag = await run(['serve', '--port', 'http']);
    expect(badFlag.code).toBe(1);
    expect(badFlag.stderr).toMatch(/--port must be an integer from 0 to 65535, not "http"/);
    const badEnv = await run(['serve', '--data-dir', tempDir()], { env: { IOASID_CAPACITY: 'lots' } });
    expect(badEnv.code).toBe(1);
    expect(badEnv.stderr).toMatch(/^ioasid: IOASID_CAPACITY must be an integer from 0 to 4294967295/m);
  });

  it("lists the server's flags and variables for `ioasid serve --help`", async () => {
    const help = await run(['serve', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toMatch(/^Usage: ioasid serve \[options\]/);
    for (const flag of ['--host', '--port', '--data-dir', '--capacity', '--event-retention', '--log-level']) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toContain('IOASID_MAX_ADMIN_LEASES');
  });

  it(`says what to install and exits ${EXIT_SERVER_MISSING} when @ioasid/server is not installed`, async () => {
    const main = cliWithoutServer();
    const node = (args: string[]) => runAt(main, args);
    const serve = await node(['serve', '--port', '0']);
    expect(serve.code).toBe(EXIT_SERVER_MISSING);
    expect(serve.stderr).toContain(
      'ioasid: `ioasid serve` needs the @ioasid/server package, which is not installed',
    );
    expect(serve.stderr).toContain('npm install @ioasid/server');
    // The client commands work without it: nothing listens at this URL, so "no server" (69).
    const status = await node(['status', '--url', 'http://127.0.0.1:9', '--token', 'x'.repeat(24)]);
    expect([status.code, status.stderr]).toEqual([69, expect.stringContaining('127.0.0.1:9')]);
  });

  it('runs a client command without loading the server package, fastify or better-sqlite3', async () => {
    const dir = tempDir();
    const log = join(dir, 'modules.log');
    writeFileSync(log, '');
    writeFileSync(
      join(dir, 'hooks.mjs'),
      `import { appendFileSync } from 'node:fs';
let log;
export function initialize(data) { log = data.log; }
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(log, resolved.url + '\\n');
  return resolved;
}
`,
    );
    writeFileSync(
      join(dir, 'register.mjs'),
      `import { register } from 'node:module';
register('./hooks.mjs', import.meta.url, { data: { log: ${JSON.stringify(log)} } });
`,
    );
    const status = await runAt(
      fileURLToPath(new URL('../dist/main.js', import.meta.url)),
      ['status', '--url', 'http://127.0.0.1:9', '--token', 'x'.repeat(24)],
      ['--import', join(dir, 'register.mjs')],
    );
    expect(status.code).toBe(69);
    const loaded = readFileSync(log, 'utf8').split('\n');
    // The hook saw the CLI's own modules, so an absence below means the module was not loaded.
    expect(loaded.some((url) => url.endsWith('/packages/cli/dist/commands/status.js'))).toBe(true);
    expect(loaded.some((url) => url.includes('/node_modules/commander/'))).toBe(true);
    expect(loaded.filter((url) => /packages\/server\/|\/fastify\/|better-sqlite3/.test(url))).toEqual([]);
  });
});

/** Runs `node [nodeArgs] main args` to completion with a clean environment. */
async function runAt(main: string, args: string[], nodeArgs: string[] = []) {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('IOASID_')) env[key] = value;
  const child = spawn(process.execPath, [...nodeArgs, main, ...args], {
    env: { ...env, NO_COLOR: '1' },
    cwd: tempDir(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk) => {
    stdout += chunk;
  });
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
  });
  const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
  return { code, stdout, stderr };
}
