// Package boundaries: every import of every workspace package is declared in its package.json, core
// (and the client) use no Node module, the layers import only downwards, and docs/design.md draws them.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import {
  checkBoundaries,
  importsOf,
  mermaidOf,
  readWorkspace,
  type WorkspacePackage,
} from './support/package-graph.js';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const { packages, rootDevDependencies } = readWorkspace(ROOT);
const named = (name: string) => packages.find((p) => p.name === name) as WorkspacePackage;

/** The workspace with one more file in package `name` (a new package when there is none by that name). */
function withFile(name: string, path: string, code: string): WorkspacePackage[] {
  const existing = packages.find((p) => p.name === name);
  const pkg: WorkspacePackage = existing ?? {
    name,
    dir: `packages/${name.replace(/^@ioasid\//, '')}`,
    dependencies: {},
    devDependencies: {},
    peerDependencies: {},
    optionalPeers: [],
    files: [],
  };
  const file = `${pkg.dir}/${path}`;
  const added = {
    ...pkg,
    files: [
      ...pkg.files,
      { file, role: path.startsWith('src/') ? 'src' : 'dev', imports: importsOf(file, code) } as const,
    ],
  };
  return [...packages.filter((p) => p !== existing), added];
}

describe('package boundaries', () => {
  it('finds every package of the workspace and the imports of their files', () => {
    expect(packages.map((p) => p.name)).toEqual(
      expect.arrayContaining(['ioasid', '@ioasid/server', '@ioasid/cli', 'ioasid-bench']),
    );
    const cliServe = named('@ioasid/cli').files.find((f) => f.file === 'packages/cli/src/serve.ts');
    expect(cliServe?.imports).toContainEqual({
      file: 'packages/cli/src/serve.ts',
      specifier: '@ioasid/server/serve',
      kind: 'resolve',
    });
  });

  it('holds: declared dependencies, no Node modules in core, imports only downwards', () => {
    expect(checkBoundaries(packages, rootDevDependencies)).toEqual([]);
  });

  it('keeps the server out of the CLI dependencies: an optional peer, loaded only by `ioasid serve`', () => {
    const cli = named('@ioasid/cli');
    expect(cli.dependencies).not.toHaveProperty('@ioasid/server');
    expect(cli.peerDependencies).toHaveProperty('@ioasid/server');
    expect(cli.optionalPeers).toContain('@ioasid/server');
    const serverImports = cli.files
      .filter((f) => f.role === 'src')
      .flatMap((f) => f.imports)
      .filter((ref) => ref.specifier.startsWith('@ioasid/server'));
    expect(serverImports).toEqual([
      { file: 'packages/cli/src/serve.ts', specifier: '@ioasid/server/serve', kind: 'resolve' },
    ]);
  });

  it("keeps the SQLite store's layout to itself: the engine imports only the store interface", () => {
    const engineImports = named('@ioasid/server')
      .files.filter((f) => f.file.startsWith('packages/server/src/engine/'))
      .flatMap((f) => f.imports)
      .filter((ref) => ref.specifier.includes('/store/'));
    expect(engineImports.length).toBeGreaterThan(0);
    expect(engineImports.filter((ref) => !ref.specifier.endsWith('/store/store.js'))).toEqual([]);
  });

  it.each([
    [
      'ioasid',
      'src/extra.ts',
      "import { readFileSync } from 'node:fs';",
      /ioasid must not use Node's modules/,
    ],
    ['ioasid', 'src/extra.ts', "export { default } from 'pino';", /ioasid imports no package at all/],
    [
      '@ioasid/server',
      'src/extra.ts',
      "import '@ioasid/cli';",
      /@ioasid\/server must not import @ioasid\/cli \(it is not below it\)/,
    ],
    [
      '@ioasid/server',
      'src/extra.ts',
      "import { readFileSync } from 'fs';",
      /write Node's modules as 'node:fs'/,
    ],
    [
      '@ioasid/server',
      'test/extra.ts',
      "import { CLI } from '../../cli/test/support/cli.js';",
      /a path into package @ioasid\/cli/,
    ],
    [
      '@ioasid/cli',
      'src/commands/extra.ts',
      "import { startServer } from '@ioasid/server';",
      /@ioasid\/cli must not import @ioasid\/server/,
    ],
    [
      '@ioasid/cli',
      'src/serve.ts',
      "import { runServe } from '@ioasid/server/serve';",
      /must load @ioasid\/server at run time/,
    ],
    [
      '@ioasid/cli',
      'src/extra.ts',
      "const x = await import('left-pad');",
      /left-pad is not declared in packages\/cli\/package.json \(dependencies\)/,
    ],
    [
      '@ioasid/client',
      'src/extra.ts',
      "import { Engine } from '@ioasid/server';",
      /@ioasid\/client must not import @ioasid\/server/,
    ],
    [
      '@ioasid/client',
      'src/extra.ts',
      "import { request } from 'node:http';",
      /@ioasid\/client must not use Node's modules/,
    ],
    ['ioasid-extra', 'src/extra.ts', "import 'ioasid';", /has no place in the layer picture/],
  ])('reports a broken rule: %s %s with `%s`', (name, path, code, expected) => {
    const problems = checkBoundaries(withFile(name, path, code), rootDevDependencies);
    expect(problems.length, problems.join('\n')).toBeGreaterThan(0);
    expect(problems.join('\n')).toMatch(expected);
  });

  it('draws in docs/design.md the package graph that the imports make', () => {
    const doc = readFileSync(new URL('../../../docs/design.md', import.meta.url), 'utf8');
    const start = doc.indexOf('<!-- package-graph:start');
    const end = doc.indexOf('<!-- package-graph:end -->');
    expect(start, 'docs/design.md has no package-graph markers').toBeGreaterThan(-1);
    const drawn = doc.slice(doc.indexOf('\n', start) + 1, end).trim();
    expect(drawn, `docs/design.md should show:\n${mermaidOf(packages)}`).toBe(mermaidOf(packages));
  });
});
