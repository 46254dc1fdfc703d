// docs/api.md documents the core's whole public surface: every export of the built `ioasid` package, and
// every public member of IoasidSpace with each error code its doc comment's `@throws` lines name.

import { existsSync, readFileSync } from 'node:fs';
import * as core from 'ioasid';
import { ERROR_CODES, IoasidSpace } from 'ioasid';
import { describe, expect, it } from 'vitest';

const ROOT = new URL('../../../', import.meta.url);
const read = (path: string): string => readFileSync(new URL(path, ROOT), 'utf8');

const API_MD = read('docs/api.md');
const SPACE_SOURCE = read('packages/core/src/ioasid-space.ts');
const CODES = Object.keys(ERROR_CODES);

/**
 * Names exported by a declaration file of the built package, following `export * from` into the files
 * it names: `export { a, type B, c as d }`, `export type { E }` and `export declare const|class|... F`.
 */
function declaredExports(file: string, seen = new Set<string>()): Set<string> {
  const names = new Set<string>();
  if (seen.has(file)) return names;
  seen.add(file);
  const text = read(file);
  for (const match of text.matchAll(/export\s+(?:type\s+)?\{([^}]*)\}/g)) {
    for (const part of match[1].split(',')) {
      const spec = part.trim().replace(/^type\s+/, '');
      if (spec === '') continue;
      const alias = /\sas\s+(\w+)$/.exec(spec);
      names.add(alias === null ? spec : alias[1]);
    }
  }
  const declaration =
    /export\s+(?:declare\s+)?(?:abstract\s+)?(?:const|let|var|function|class|interface|type|enum)\s+(\w+)/g;
  for (const match of text.matchAll(declaration)) names.add(match[1]);
  for (const match of text.matchAll(/export\s+\*\s+from\s+['"](\.[^'"]+)['"]/g)) {
    const target = new URL(match[1].replace(/\.js$/, '.d.ts'), new URL(file, ROOT));
    const relative = target.href.slice(ROOT.href.length);
    for (const name of declaredExports(relative, seen)) names.add(name);
  }
  return names;
}

/** Every word that appears in code in api.md: inline code spans and fenced blocks. */
function codeWords(markdown: string): Set<string> {
  const words = new Set<string>();
  const code: string[] = [];
  const withoutFences = markdown.replace(/^```[^\n]*\n([\s\S]*?)^```/gm, (_all, body: string) => {
    code.push(body);
    return '';
  });
  for (const match of withoutFences.matchAll(/`([^`\n]+)`/g)) code.push(match[1]);
  for (const text of code) for (const word of text.match(/[A-Za-z_$][\w$]*/g) ?? []) words.add(word);
  return words;
}

/** The doc comment right before each method, getter and the constructor of IoasidSpace, by name. */
function docComments(source: string): Map<string, string> {
  const comments = new Map<string, string>();
  const member =
    /\/\*\*((?:(?!\*\/)[\s\S])*)\*\/\s*(?:(?:public|async|get|override)\s+)*(#?\w+)\s*(?:<[^>]*>)?\s*\(/g;
  for (const match of source.matchAll(member)) {
    if (!match[2].startsWith('#')) comments.set(match[2], match[1].replace(/^\s*\*[ \t]?/gm, ''));
  }
  return comments;
}

/** The error codes named on the `@throws` lines of a doc comment (up to the next tag). */
function thrownCodes(comment: string): string[] {
  const codes = new Set<string>();
  for (const match of comment.matchAll(/@throws\b([\s\S]*?)(?=\n\s*@\w|$)/g)) {
    for (const word of match[1].match(/\bE[A-Z]+\b/g) ?? []) if (CODES.includes(word)) codes.add(word);
  }
  return Array.from(codes);
}

/**
 * The part of api.md that documents `name`: the section under a heading whose code starts with
 * `name(` or `name<` (`new IoasidSpace(` for the constructor), down to the next heading of the same or a higher
 * level; else the table row whose first cell's code starts with `name` (getters, the try* forms).
 */
function sectionOf(markdown: string, name: string): string | null {
  const lines = markdown.split('\n');
  const calls = name === 'constructor' ? ['new IoasidSpace('] : [`${name}(`, `${name}<`];
  const start = lines.findIndex(
    (line) => /^#{1,6} /.test(line) && calls.some((call) => line.includes(`\`${call}`)),
  );
  if (start >= 0) {
    const level = (/^#+/.exec(lines[start]) as RegExpExecArray)[0].length;
    let end = start + 1;
    while (end < lines.length) {
      const heading = /^(#{1,6}) /.exec(lines[end]);
      if (heading !== null && heading[1].length <= level) break;
      end++;
    }
    return lines.slice(start, end).join('\n');
  }
  const row = lines.find((line) => new RegExp(`^\\|\\s*\`${name}\\b`).test(line));
  return row ?? null;
}

/** Public members of IoasidSpace: methods and getters of its prototype, and the constructor. */
function publicMembers(): string[] {
  return Object.getOwnPropertyNames(IoasidSpace.prototype);
}

describe('docs/api.md', () => {
  it('is checked against the built package', () => {
    expect(existsSync(new URL('packages/core/dist/index.d.ts', ROOT)), 'run npm run build first').toBe(true);
  });

  it('finds every runtime export of the package in its declaration file (the scanner misses nothing)', () => {
    const declared = declaredExports('packages/core/dist/index.d.ts');
    const unseen = Object.keys(core).filter((name) => !declared.has(name));
    expect(unseen, `exports the scan of dist/index.d.ts did not find: ${unseen.join(', ')}`).toEqual([]);
  });

  it('documents every export of ioasid, values and types', () => {
    const names = new Set([...Object.keys(core), ...declaredExports('packages/core/dist/index.d.ts')]);
    const words = codeWords(API_MD);
    const missing = Array.from(names)
      .filter((name) => !words.has(name))
      .sort();
    expect(missing, `docs/api.md does not mention these exports of ioasid: ${missing.join(', ')}`).toEqual(
      [],
    );
  });

  it('has a doc comment in the source for every public member of IoasidSpace', () => {
    const comments = docComments(SPACE_SOURCE);
    const undocumented = publicMembers().filter((name) => !comments.has(name));
    expect(
      undocumented,
      `members of IoasidSpace without a doc comment in ioasid-space.ts: ${undocumented.join(', ')}`,
    ).toEqual([]);
  });

  it('has a section or a table row for every public member of IoasidSpace', () => {
    const missing = publicMembers().filter((name) => sectionOf(API_MD, name) === null);
    expect(
      missing,
      `docs/api.md has no section for these members of IoasidSpace: ${missing.join(', ')}`,
    ).toEqual([]);
  });

  it("names in each member's section every error code its @throws lines name", () => {
    const comments = docComments(SPACE_SOURCE);
    const gaps: string[] = [];
    for (const name of publicMembers()) {
      const section = sectionOf(API_MD, name);
      const comment = comments.get(name);
      if (section === null || comment === undefined) continue; // reported by the two tests above
      const absent = thrownCodes(comment).filter((code) => !new RegExp(`\\b${code}\\b`).test(section));
      if (absent.length > 0) gaps.push(`${name}: ${absent.join(', ')}`);
    }
    expect(
      gaps,
      `docs/api.md does not mention these codes that the doc comments say are thrown: ${gaps.join('; ')}`,
    ).toEqual([]);
  });

  it('reads the @throws codes of the doc comments (the parser finds what alloc and find throw)', () => {
    const comments = docComments(SPACE_SOURCE);
    expect(thrownCodes(comments.get('alloc') ?? '').sort()).toEqual(['EAGAIN', 'EINVAL', 'ENOENT', 'ENOSPC']);
    expect(thrownCodes(comments.get('find') ?? '').sort()).toEqual(['EACCES', 'EINVAL', 'ENOENT']);
    expect(thrownCodes(comments.get('constructor') ?? '')).toEqual(['EINVAL']);
  });
});
