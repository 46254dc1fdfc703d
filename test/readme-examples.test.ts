// Runs the README's examples as written: every TypeScript block against the built packages (a trailing
// `// -> value` comment becomes an assertion), and the shell block of the service against a real
// `ioasid serve` on a free port, in a scratch directory laid out like the repository root.

import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const README = readFileSync(join(ROOT, 'README.md'), 'utf8');
const run = promisify(execFile);
/** tsx's loader by its path, so a scratch file runs from any working directory. */
const TSX = pathToFileURL(join(ROOT, 'node_modules', 'tsx', 'dist', 'loader.mjs')).href;

/** A fenced code block of the README: its language and its text. */
interface Block {
  readonly lang: string;
  readonly code: string;
}

function blocks(markdown: string): Block[] {
  const found: Block[] = [];
  const fence = /^```(\w*)\n([\s\S]*?)^```$/gm;
  for (let m = fence.exec(markdown); m !== null; m = fence.exec(markdown)) {
    found.push({ lang: m[1], code: m[2] });
  }
  return found;
}

/**
 * Turns `expression; // -> expected` lines into assertions, so the values the README promises are
 * checked, not just that the example runs.
 */
function withAssertions(code: string): { code: string; assertions: number } {
  let assertions = 0;
  const lines = code.split('\n').map((line) => {
    const m = /^(\s*)(.+?);\s*\/\/ -> (.+)$/.exec(line);
    if (m === null) return line;
    const [, indent, expression, expected] = m;
    if (!/^(await )?[\w.]+\(/.test(expression) || /^[\w.]+\s*=/.test(expression)) return line;
    assertions++;
    const value = expected.replace(/\s*\(.*\)\s*$/, '');
    return `${indent}__readmeAssert.deepStrictEqual(${expression}, ${value}, ${JSON.stringify(line.trim())});`;
  });
  return { code: `import __readmeAssert from 'node:assert/strict';\n${lines.join('\n')}`, assertions };
}

/** Scratch files live under the repository's node_modules so that package imports resolve as for a user. */
const SCRATCH = join(ROOT, 'node_modules', '.cache', 'readme-examples');

describe('the README library example', () => {
  const libraryBlocks = blocks(README).filter(
    (b) => (b.lang === 'ts' || b.lang === 'typescript') && /from 'ioasid'/.test(b.code),
  );

  it('exists', () => {
    expect(libraryBlocks.length).toBeGreaterThan(0);
  });

  it.each(libraryBlocks.map((b, i) => [i, b] as const))(
    'block %i runs as written and every "// ->" value holds',
    async (i, block) => {
      mkdirSync(SCRATCH, { recursive: true });
      const { code, assertions } = withAssertions(block.code);
      const file = join(SCRATCH, `library-${i}.mts`);
      writeFileSync(file, code);
      const { stdout, stderr } = await run(process.execPath, ['--import', TSX, file], { cwd: ROOT });
      expect(stderr).toBe('');
      // The example prints the codes it catches; each printed line must be about a real outcome.
      if (/console\.log/.test(block.code)) expect(stdout.trim().length).toBeGreaterThan(0);
      if (/\/\/ ->/.test(block.code)) expect(assertions).toBeGreaterThan(0);
    },
  );
});

describe('the README service example', () => {
  let dir: string;
  let server: ChildProcess;
  let url: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ioasid-readme-'));
    symlinkSync(join(ROOT, 'packages'), join(dir, 'packages'));
    server = spawn(
      process.execPath,
      ['packages/cli/dist/main.js', 'serve', '--port', '0', '--data-dir', join(dir, 'data')],
      { cwd: dir, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] },
    );
    url = await new Promise<string>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error(`the server did not start:\n${out}`)), 20_000);
      const onData = (chunk: Buffer) => {
        out += chunk;
        const m = /listening on (http:\/\/[\d.]+:\d+)/.exec(out);
        if (m !== null) {
          clearTimeout(timer);
          resolve(m[1]);
        }
      };
      server.stdout?.on('data', onData);
      server.stderr?.on('data', onData);
      server.on('exit', (code) => reject(new Error(`the server exited with ${code}:\n${out}`)));
    });
  });

  afterAll(async () => {
    if (server !== undefined && server.exitCode === null) {
      const exited = new Promise((resolve) => server.on('exit', resolve));
      server.kill('SIGTERM');
      await exited;
    }
    if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  });

  /** The shell lines of the block that follows "In a second terminal", as the README writes them. */
  const commands = (() => {
    const at = README.indexOf('In a second terminal');
    const block = blocks(README.slice(at)).find((b) => b.lang === 'sh');
    return (block?.code ?? '')
      .split('\n')
      .map((line) => line.replace(/\s+#.*$/, '').trim())
      .filter((line) => line !== '' && !line.startsWith('#'));
  })();

  it('has the commands the quick start shows', () => {
    expect(commands.some((c) => c.includes('sets create'))).toBe(true);
    expect(commands.some((c) => c.startsWith('curl'))).toBe(true);
  });

  it('runs every command as written against a real server', async () => {
    const outputs: string[] = [];
    for (const command of commands) {
      const line = command.replaceAll('http://127.0.0.1:7070', url);
      if (/ watch\b/.test(line)) {
        outputs.push(await followBriefly(line, dir, url));
        continue;
      }
      const { stdout } = await run('bash', ['-c', line], {
        cwd: dir,
        env: { ...cleanEnv(), IOASID_URL: url },
      }).catch((error: { code?: number; stdout?: string; stderr?: string }) => {
        throw new Error(`"${command}" exited ${error.code}:\n${error.stdout}\n${error.stderr}`);
      });
      outputs.push(stdout);
    }
    const text = outputs.join('\n');
    expect(text).toMatch(/secret/i); // sets create shows the secret once
    expect(text).toMatch(/vm1/); // the set appears in the status table
    expect(text).toMatch(/"capacity":1048576/); // curl reads the capacity with the admin token
  });

  // After the commands: the quick start's `alloc 0` expects its own set to be set 0.
  it('runs the client example as written against the same server, and its values hold', async () => {
    const clientBlocks = blocks(README).filter(
      (b) => b.lang === 'ts' && /from '@ioasid\/client'/.test(b.code),
    );
    expect(clientBlocks.length).toBeGreaterThan(0);
    for (const [i, block] of clientBlocks.entries()) {
      mkdirSync(SCRATCH, { recursive: true });
      const { code, assertions } = withAssertions(block.code.replaceAll('http://127.0.0.1:7070', url));
      expect(assertions).toBeGreaterThan(0);
      const file = join(SCRATCH, `client-${i}.mts`);
      writeFileSync(file, code);
      const { stdout, stderr } = await run(process.execPath, ['--import', TSX, file], {
        cwd: dir,
        env: cleanEnv(),
      });
      expect(stderr).toBe('');
      expect(stdout).toMatch(/^ENOSPC set-quota \{ sid: \d+, quota: 2, count: 2 \}$/m);
      expect(stdout.match(/^\d+ alloc \d+$/gm)?.length).toBe(2);
    }
  });
});

/**
 * Runs a following command (watch) as written while allocations happen through the API, and returns what
 * it printed: it must show them live.
 */
async function followBriefly(line: string, cwd: string, url: string): Promise<string> {
  const child = spawn('bash', ['-c', `exec ${line}`], {
    cwd,
    env: { ...cleanEnv(), IOASID_URL: url },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout?.on('data', (chunk) => {
    out += chunk;
  });
  child.stderr?.on('data', (chunk) => {
    out += chunk;
  });
  const token = readFileSync(join(cwd, 'data', 'admin.token'), 'utf8').trim();
  const deadline = Date.now() + 15_000;
  while (!/\balloc\b/.test(out) && Date.now() < deadline) {
    // The stream may not be connected yet: allocate again until the watcher shows one.
    const answer = await fetch(`${url}/v1/sets/0/ioasids`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ min: 1, max: 0xfffffffe }),
    });
    expect(answer.status).toBe(201);
    await new Promise((r) => setTimeout(r, 300));
  }
  const exited = new Promise((resolve) => child.on('exit', resolve));
  child.kill('SIGINT');
  await exited;
  expect(out).toMatch(/\balloc\b/);
  return out;
}

function cleanEnv(): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (!key.startsWith('IOASID_') && key !== 'FORCE_COLOR') env[key] = value;
  }
  return { ...env, NO_COLOR: '1' };
}
