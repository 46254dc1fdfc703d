// The repository stands on its own: no file points at material outside it, and every relative link in
// the Markdown docs leads to a file of the repository (and to a heading of it when it names one).

import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../..');

/** Spellings of the reference material that lives outside the repository (built so as not to match here). */
const OUTSIDE = [['..', 'shared'].join('/'), ['shared', 'spec'].join('/'), ['work', 'shared'].join('/')];

/** Folders never scanned: build output, installed packages, data directories, benchmark results. */
const SKIPPED = new Set(['node_modules', 'dist', 'data', 'results', '.git']);

/** Every file under `dir` (relative to the root), skipping the folders above. */
function filesUnder(dir: string): string[] {
  const absolute = join(ROOT, dir);
  if (!existsSync(absolute)) return [];
  const files: string[] = [];
  for (const entry of readdirSync(absolute, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) {
      if (!SKIPPED.has(entry.name)) files.push(...filesUnder(path));
    } else {
      files.push(path);
    }
  }
  return files;
}

/** The Markdown files whose links are checked. */
function markdownFiles(): string[] {
  const top = ['README.md', 'CHANGELOG.md', 'CONTRIBUTING.md', 'bench/README.md'];
  const docs = filesUnder('docs').filter((file) => file.endsWith('.md'));
  return [...top.filter((file) => existsSync(join(ROOT, file))), ...docs];
}

/** Every file that must not depend on anything outside the repository. */
function scannedFiles(): string[] {
  const packages = readdirSync(join(ROOT, 'packages')).flatMap((name) =>
    ['src', 'test', 'demo'].flatMap((part) => filesUnder(join('packages', name, part))),
  );
  const bench = filesUnder('bench').filter((file) => /\.(ts|md|json)$/.test(file));
  return [...markdownFiles(), ...filesUnder('.ci'), ...packages, ...bench];
}

/** Markdown with fenced code blocks and inline code spans blanked out, so examples are not links. */
function prose(markdown: string): string {
  return markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '').replace(/`[^`\n]*`/g, '``');
}

/** GitHub's anchor of a heading: lower case, punctuation dropped, each space a hyphen. */
function slug(heading: string): string {
  return heading
    .replace(/\[([^\]]*)\]\([^)]*\)/g, '$1')
    .trim()
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

/** The anchors of a Markdown file's headings (duplicates get -1, -2, ... as on GitHub). */
function anchors(markdown: string): Set<string> {
  const result = new Set<string>();
  const counts = new Map<string, number>();
  const withoutFences = markdown.replace(/^```[^\n]*\n[\s\S]*?^```/gm, '');
  for (const match of withoutFences.matchAll(/^#{1,6}\s+(.+?)\s*#*\s*$/gm)) {
    const base = slug(match[1]);
    const seen = counts.get(base) ?? 0;
    counts.set(base, seen + 1);
    result.add(seen === 0 ? base : `${base}-${seen}`);
  }
  return result;
}

/** Relative link targets of a Markdown file: `[text](target)`, without external URLs. */
function relativeLinks(markdown: string): string[] {
  const targets: string[] = [];
  for (const match of prose(markdown).matchAll(/\[[^\]]*\]\(\s*<?([^)\s>]+)>?(?:\s+"[^"]*")?\s*\)/g)) {
    const target = match[1];
    if (!/^[a-z][a-z0-9+.-]*:/i.test(target)) targets.push(target);
  }
  return targets;
}

/** Why a link from `file` to `target` is broken, or null when it is fine. */
function brokenLink(file: string, target: string): string | null {
  const [path, anchor] = target.split('#', 2);
  const destination = path === '' ? join(ROOT, file) : resolve(join(ROOT, dirname(file)), decodeURI(path));
  if (destination !== ROOT && !destination.startsWith(ROOT + sep)) return 'leads outside the repository';
  if (!existsSync(destination)) return 'no such file';
  if (anchor === undefined || anchor === '') return null;
  if (statSync(destination).isDirectory() || !destination.endsWith('.md')) return null;
  const headings = anchors(readFileSync(destination, 'utf8'));
  return headings.has(decodeURIComponent(anchor)) ? null : `no heading with the anchor #${anchor}`;
}

describe('the repository', () => {
  it('scans the docs, the CI script and the sources of every package', () => {
    const files = scannedFiles();
    for (const expected of ['README.md', 'docs/contract.md', 'docs/http-api.md', '.ci/run']) {
      expect(files).toContain(expected);
    }
    expect(files.some((file) => file.startsWith(join('packages', 'core', 'src')))).toBe(true);
  });

  it('has no file that points at reference material outside the repository', () => {
    const offenders: string[] = [];
    for (const file of scannedFiles()) {
      const lines = readFileSync(join(ROOT, file), 'utf8').split('\n');
      lines.forEach((line, i) => {
        if (OUTSIDE.some((spelling) => line.includes(spelling))) offenders.push(`${file}:${i + 1}`);
      });
    }
    expect(offenders, `these lines point outside the repository: ${offenders.join(', ')}`).toEqual([]);
  });

  it('has only relative Markdown links that lead to existing files and headings', () => {
    const broken: string[] = [];
    for (const file of markdownFiles()) {
      for (const target of relativeLinks(readFileSync(join(ROOT, file), 'utf8'))) {
        const why = brokenLink(file, target);
        if (why !== null) broken.push(`${file} -> ${target} (${why})`);
      }
    }
    expect(broken, `broken links: ${broken.join('; ')}`).toEqual([]);
  });

  it('computes anchors as GitHub does (the link check relies on it)', () => {
    expect(slug('History: V1 to V4 of the IOASID series')).toBe('history-v1-to-v4-of-the-ioasid-series');
    expect(slug('The ID table (`id-table.ts`)')).toBe('the-id-table-id-tablets');
    expect(Array.from(anchors('# A\n## B\n## B\n```\n# not a heading\n```\n'))).toEqual(['a', 'b', 'b-1']);
  });
});
