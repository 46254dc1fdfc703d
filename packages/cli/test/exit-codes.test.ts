// The exit codes: one per registry code (64 + errno), apart from the CLI's own, and the same table in
// the registry, `ioasid --help` and docs/cli.md (as fastify's errors test does for its codes).

import { readFileSync } from 'node:fs';
import { ERROR_CODES, type ErrorCode } from '@ioasid/client';
import { describe, expect, it } from 'vitest';
import {
  EXIT_BAD_ANSWER,
  EXIT_FAILURE,
  EXIT_NO_SERVER,
  EXIT_OK,
  EXIT_SERVE_FATAL,
  EXIT_SERVER_MISSING,
  exitCodeOf,
  exitCodeTable,
} from '../dist/exit-codes.js';
import { ok } from './support/cli.js';

const own = [EXIT_OK, EXIT_FAILURE, EXIT_NO_SERVER, EXIT_SERVE_FATAL, EXIT_BAD_ANSWER, EXIT_SERVER_MISSING];

/** `[exit, name]` of each `  NN  NAME  meaning` line of the help. */
function helpRows(lines: string[]): Array<[number, string]> {
  return lines.flatMap((line) => {
    const match = /^ {2}( {0,2}\d+) {2}(\S+(?: \S+)?) {2,}/.exec(line);
    return match === null ? [] : [[Number(match[1]), match[2]] as [number, string]];
  });
}

/** `[exit, name]` of each `| NN | NAME | meaning |` row of a Markdown table. */
function docRows(lines: string[]): Array<[number, string]> {
  return lines.flatMap((line) => {
    const cells = line.split('|').map((cell) => cell.trim());
    return /^\d+$/.test(cells[1] ?? '') ? [[Number(cells[1]), cells[2]] as [number, string]] : [];
  });
}

describe('exit codes', () => {
  it('gives every registry code its own exit code, 64 + errno, apart from the CLI codes and below 126', () => {
    const codes = Object.keys(ERROR_CODES) as ErrorCode[];
    const exits = codes.map((code) => exitCodeOf(code));
    for (const code of codes) expect(exitCodeOf(code)).toBe(64 + ERROR_CODES[code].errno);
    expect(new Set([...exits, ...own]).size).toBe(exits.length + own.length);
    for (const exit of exits) {
      expect(exit).toBeGreaterThan(1);
      expect(exit).toBeLessThan(126);
    }
    expect(exitCodeOf('NO_SERVER')).toBe(69);
    expect(exitCodeOf('BAD_ANSWER')).toBe(76);
  });

  it('lists the same codes in the registry, `ioasid --help` and docs/cli.md', async () => {
    const expected = exitCodeTable().map((r) => [r.exit, r.name] as [number, string]);
    expect(expected.map(([, name]) => name)).toEqual(expect.arrayContaining(Object.keys(ERROR_CODES)));

    const help = await ok(['--help']);
    const helpLines = help.split('\n');
    const start = helpLines.findIndex((line) => line.startsWith('Exit codes'));
    expect(start).toBeGreaterThan(0);
    expect(helpRows(helpLines.slice(start + 1))).toEqual(expected);

    const doc = readFileSync(new URL('../../../docs/cli.md', import.meta.url), 'utf8');
    const section = doc.slice(doc.indexOf('## Exit codes'));
    expect(docRows(section.split('\n'))).toEqual(expected);
  });
});
