// The repository's package boundaries: every import of every workspace package (found with TypeScript's
// parser), the layer rules they must keep, and the package graph drawn for docs/design.md.

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { join, posix, relative, sep } from 'node:path';
import ts from 'typescript';

/** How a file refers to a module. */
export type ImportKind = 'import' | 'export' | 'dynamic' | 'require' | 'resolve' | 'url' | 'type';

/** One reference from a file to a module or file. */
export interface ImportRef {
  /** Path of the file, relative to the repository root, with `/`. */
  readonly file: string;
  readonly specifier: string;
  readonly kind: ImportKind;
}

/** Where a file sits in its package: shipped code, or code only the developers run. */
export type Role = 'src' | 'dev';

/** One workspace package as the rules see it. */
export interface WorkspacePackage {
  readonly name: string;
  /** Directory relative to the repository root (`packages/core`). */
  readonly dir: string;
  readonly dependencies: Readonly<Record<string, string>>;
  readonly devDependencies: Readonly<Record<string, string>>;
  readonly peerDependencies: Readonly<Record<string, string>>;
  readonly optionalPeers: readonly string[];
  /** Files of the package with their role and their imports. */
  readonly files: readonly { readonly file: string; readonly role: Role; readonly imports: ImportRef[] }[];
}

/**
 * The picture: which workspace packages each package's shipped code may import (its layer and those
 * below it), whether it may import third-party packages and `node:` modules. A workspace package that
 * is not listed here is a violation: place it in the picture first.
 */
export const LAYERS: Readonly<
  Record<
    string,
    {
      readonly rank: number;
      readonly imports: readonly string[];
      readonly thirdParty: boolean;
      readonly node: boolean;
    }
  >
> = {
  ioasid: { rank: 0, imports: [], thirdParty: false, node: false },
  '@ioasid/client': { rank: 1, imports: ['ioasid'], thirdParty: true, node: false },
  '@ioasid/server': { rank: 1, imports: ['ioasid'], thirdParty: true, node: true },
  '@ioasid/cli': { rank: 2, imports: ['@ioasid/client'], thirdParty: true, node: true },
  '@ioasid/dashboard': { rank: 2, imports: ['@ioasid/client'], thirdParty: true, node: false },
  'ioasid-bench': { rank: 3, imports: ['ioasid', '@ioasid/server'], thirdParty: true, node: true },
};

/**
 * The one import across the rules: `ioasid serve` loads the server's serve command at run time, from
 * this file only, and only as an optional peer dependency.
 */
export const SERVE_DELEGATION = {
  from: '@ioasid/cli',
  file: 'src/serve.ts',
  specifier: '@ioasid/server/serve',
} as const;

/**
 * The one path across packages: the dashboard's build writes its files into the server's package
 * (`packages/server/dashboard`), which serves them at `GET /`. Files, not code: nothing imports them.
 */
export const DASHBOARD_OUTPUT = {
  from: '@ioasid/dashboard',
  file: 'vite.config.ts',
  target: 'packages/server/dashboard',
  to: '@ioasid/server',
} as const;

const SOURCE = /\.(ts|mts|cts|tsx|js|mjs|cjs)$/;

/** The package a bare specifier names (`@a/b/c` → `@a/b`, `x/y` → `x`). */
export function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

/**
 * Every module reference of one source text: imports, exports, `import()`, `require()`,
 * `import.meta.resolve()`, `new URL(..., import.meta.url)` and `import('x')` types.
 */
export function importsOf(file: string, text: string): ImportRef[] {
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const out: ImportRef[] = [];
  const literal = (node: ts.Node | undefined): string | null =>
    node !== undefined && (ts.isStringLiteral(node) || ts.isNoSubstitutionTemplateLiteral(node))
      ? node.text
      : null;
  const isImportMeta = (node: ts.Node, name: string) =>
    ts.isPropertyAccessExpression(node) &&
    node.name.text === name &&
    ts.isMetaProperty(node.expression) &&
    node.expression.keywordToken === ts.SyntaxKind.ImportKeyword;
  const add = (specifier: string | null, kind: ImportKind) => {
    if (specifier !== null) out.push({ file, specifier, kind });
  };
  const visit = (node: ts.Node): void => {
    if (ts.isImportDeclaration(node)) add(literal(node.moduleSpecifier), 'import');
    else if (ts.isExportDeclaration(node)) add(literal(node.moduleSpecifier), 'export');
    else if (ts.isImportEqualsDeclaration(node) && ts.isExternalModuleReference(node.moduleReference)) {
      add(literal(node.moduleReference.expression), 'require');
    } else if (ts.isImportTypeNode(node) && ts.isLiteralTypeNode(node.argument)) {
      add(literal(node.argument.literal), 'type');
    } else if (ts.isCallExpression(node)) {
      if (node.expression.kind === ts.SyntaxKind.ImportKeyword) add(literal(node.arguments[0]), 'dynamic');
      else if (ts.isIdentifier(node.expression) && node.expression.text === 'require') {
        add(literal(node.arguments[0]), 'require');
      } else if (isImportMeta(node.expression, 'resolve')) add(literal(node.arguments[0]), 'resolve');
    } else if (
      ts.isNewExpression(node) &&
      ts.isIdentifier(node.expression) &&
      node.expression.text === 'URL' &&
      node.arguments?.length === 2 &&
      isImportMeta(node.arguments[1], 'url')
    ) {
      add(literal(node.arguments[0]), 'url');
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return out;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of readdirSync(dir)) {
    if (entry === 'node_modules' || entry === 'dist' || entry === 'results' || entry.startsWith('.'))
      continue;
    const path = join(dir, entry);
    if (statSync(path).isDirectory()) out.push(...sourceFiles(path));
    else if (SOURCE.test(entry) && !entry.endsWith('.d.ts')) out.push(path);
  }
  return out;
}

/**
 * Reads every workspace package of the repository at `root` (the `workspaces` of its package.json) with
 * the imports of its files. In a package with a `src/` folder that folder is shipped code and the rest
 * (`test/`, `demo/`) developer code; a package without one (bench) is all its own code, held to its
 * `dependencies`.
 */
export function readWorkspace(root: string): { packages: WorkspacePackage[]; rootDevDependencies: string[] } {
  const rootJson = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const packages = (rootJson.workspaces as string[]).map((dir): WorkspacePackage => {
    const json = JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8'));
    const hasSrc = statSyncSafe(join(root, dir, 'src'));
    const files = sourceFiles(join(root, dir)).map((path) => {
      const file = relative(root, path).split(sep).join('/');
      const inPackage = file.slice(dir.length + 1);
      const role: Role = hasSrc ? (inPackage.startsWith('src/') ? 'src' : 'dev') : 'src';
      return { file, role, imports: importsOf(file, readFileSync(path, 'utf8')) };
    });
    return {
      name: json.name,
      dir,
      dependencies: json.dependencies ?? {},
      devDependencies: json.devDependencies ?? {},
      peerDependencies: json.peerDependencies ?? {},
      optionalPeers: Object.entries(json.peerDependenciesMeta ?? {})
        .filter(([, meta]) => (meta as { optional?: boolean }).optional === true)
        .map(([name]) => name),
      files,
    };
  });
  return { packages, rootDevDependencies: Object.keys(rootJson.devDependencies ?? {}) };
}

function statSyncSafe(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/** A workspace-package edge of the graph: `from` imports `to` from shipped code. */
export interface Edge {
  readonly from: string;
  readonly to: string;
  /** True for the serve delegation (resolved at run time, optional peer). */
  readonly optional: boolean;
  /** True for the dashboard's build output written into the server's package (files, no import). */
  readonly built?: boolean;
}

/**
 * Checks every rule and returns the violations, one sentence each (empty when the boundaries hold):
 * bare specifiers declared (dependencies or peers for shipped code; also devDependencies, the root's
 * devDependencies and the package itself for developer code), builtins imported as `node:`, the layer
 * rules of LAYERS (shipped code; developer code may also use lower layers, and packages of its own rank it declares as devDependencies, such as the server a client test starts), no relative path
 * into another package, and the serve delegation as the only CLI-to-server import.
 */
export function checkBoundaries(
  packages: readonly WorkspacePackage[],
  rootDevDependencies: readonly string[],
): string[] {
  const problems: string[] = [];
  const byName = new Map(packages.map((p) => [p.name, p]));
  for (const pkg of packages) {
    const layer = LAYERS[pkg.name];
    if (layer === undefined) {
      problems.push(`${pkg.dir}: package ${pkg.name} has no place in the layer picture (LAYERS)`);
      continue;
    }
    for (const { file, role, imports } of pkg.files) {
      for (const ref of imports) {
        const at = `${file} imports '${ref.specifier}'`;
        const spec = ref.specifier;
        if (spec.startsWith('.') || spec.startsWith('/')) {
          const target = posix.join(posix.dirname(file), spec);
          const other = packages.find(
            (p) => p !== pkg && (target === p.dir || target.startsWith(`${p.dir}/`)),
          );
          const output =
            pkg.name === DASHBOARD_OUTPUT.from &&
            file === `${pkg.dir}/${DASHBOARD_OUTPUT.file}` &&
            target === DASHBOARD_OUTPUT.target;
          if (other !== undefined && !output)
            problems.push(`${at}: a path into package ${other.name}; import it by name`);
          continue;
        }
        if (spec.startsWith('node:') || isBuiltin(spec)) {
          if (!spec.startsWith('node:')) problems.push(`${at}: write Node's modules as 'node:${spec}'`);
          else if (role === 'src' && !layer.node)
            problems.push(`${at}: ${pkg.name} must not use Node's modules`);
          continue;
        }
        if (ref.kind === 'url') continue; // a URL of a file, checked above when relative
        const name = packageOf(spec);
        const self = name === pkg.name;
        const declared =
          name in pkg.dependencies ||
          name in pkg.peerDependencies ||
          (role === 'dev' && (self || name in pkg.devDependencies || rootDevDependencies.includes(name)));
        if (!declared) {
          problems.push(
            `${at}: ${name} is not declared in ${pkg.dir}/package.json (${role === 'src' ? 'dependencies' : 'devDependencies'})`,
          );
        }
        const target = byName.get(name);
        const delegation =
          pkg.name === SERVE_DELEGATION.from &&
          file === `${pkg.dir}/${SERVE_DELEGATION.file}` &&
          spec === SERVE_DELEGATION.specifier;
        if (target === undefined) {
          if (!layer.thirdParty && !(role === 'dev' && rootDevDependencies.includes(name))) {
            problems.push(`${at}: ${pkg.name} imports no package at all`);
          }
          continue;
        }
        if (self) continue;
        const targetLayer = LAYERS[target.name];
        if (delegation) {
          if (ref.kind !== 'resolve' && ref.kind !== 'dynamic') {
            problems.push(
              `${at}: the serve delegation must load ${name} at run time (import.meta.resolve, import())`,
            );
          }
          if (name in pkg.dependencies || !pkg.optionalPeers.includes(name)) {
            problems.push(`${at}: the serve delegation needs ${name} as an optional peer dependency only`);
          }
          continue;
        }
        const allowed =
          layer.imports.includes(name) ||
          (role === 'dev' &&
            targetLayer !== undefined &&
            (targetLayer.rank < layer.rank ||
              (targetLayer.rank === layer.rank && name in pkg.devDependencies)));
        if (!allowed) {
          const upward = targetLayer !== undefined && targetLayer.rank >= layer.rank;
          problems.push(
            `${at}: ${pkg.name} must not import ${name}${upward ? ' (it is not below it)' : ''}; allowed: ${layer.imports.join(', ') || 'none'}`,
          );
        }
      }
    }
  }
  return problems;
}

/** The workspace-package edges of shipped code, sorted. */
export function edgesOf(packages: readonly WorkspacePackage[]): Edge[] {
  const names = new Set(packages.map((p) => p.name));
  const edges = new Map<string, Edge>();
  for (const pkg of packages) {
    for (const { role, imports } of pkg.files) {
      if (role !== 'src') continue;
      for (const ref of imports) {
        if (ref.specifier.startsWith('.') || ref.specifier.startsWith('node:')) continue;
        const to = packageOf(ref.specifier);
        if (to === pkg.name || !names.has(to)) continue;
        const optional = pkg.name === SERVE_DELEGATION.from && ref.specifier === SERVE_DELEGATION.specifier;
        edges.set(`${pkg.name} ${to} ${optional}`, { from: pkg.name, to, optional });
      }
    }
  }
  if (names.has(DASHBOARD_OUTPUT.from) && names.has(DASHBOARD_OUTPUT.to)) {
    const { from, to } = DASHBOARD_OUTPUT;
    edges.set(`${from} ${to} built`, { from, to, optional: false, built: true });
  }
  return [...edges.values()].sort((a, b) => `${a.from} ${a.to}`.localeCompare(`${b.from} ${b.to}`));
}

/** The third-party packages shipped code of `pkg` imports, sorted. */
export function thirdPartyOf(pkg: WorkspacePackage, names: ReadonlySet<string>): string[] {
  const out = new Set<string>();
  for (const { role, imports } of pkg.files) {
    if (role !== 'src') continue;
    for (const { specifier } of imports) {
      if (specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('node:')) continue;
      if (!names.has(packageOf(specifier))) out.add(packageOf(specifier));
    }
  }
  return [...out].sort();
}

/** The package graph as a mermaid block (what docs/design.md shows between its package-graph markers). */
export function mermaidOf(packages: readonly WorkspacePackage[]): string {
  const names = new Set(packages.map((p) => p.name));
  const id = (name: string) => name.replace(/^@ioasid\//, '').replace(/[^a-z0-9]/gi, '_');
  const sorted = [...packages].sort(
    (a, b) => (LAYERS[a.name]?.rank ?? 9) - (LAYERS[b.name]?.rank ?? 9) || a.name.localeCompare(b.name),
  );
  const lines = ['```mermaid', 'graph BT'];
  for (const pkg of sorted) {
    const third = thirdPartyOf(pkg, names);
    const label = third.length === 0 ? pkg.name : `${pkg.name}<br/><small>${third.join(', ')}</small>`;
    lines.push(`  ${id(pkg.name)}["${label}"]`);
  }
  for (const edge of edgesOf(packages)) {
    lines.push(
      edge.built
        ? `  ${id(edge.from)} == "built into, served at GET /" ==> ${id(edge.to)}`
        : edge.optional
          ? `  ${id(edge.from)} -. "serve, at run time, if installed" .-> ${id(edge.to)}`
          : `  ${id(edge.from)} --> ${id(edge.to)}`,
    );
  }
  lines.push('```');
  return lines.join('\n');
}
