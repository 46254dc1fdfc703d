// Text output of the client commands: aligned tables, usage bars, compact ID ranges, and the raw JSON
// printed by --json. Colour comes from picocolors, which turns itself off for pipes and NO_COLOR.

import type { SetView } from '@ioasid/client';
import pc from 'picocolors';

/** Characters of a usage bar between its brackets. */
export const BAR_WIDTH = 20;

/** Prints `value` as one line of JSON (the --json output; 204 answers print `{}`). */
export function json(value: unknown): string {
  return JSON.stringify(value ?? {});
}

/** Visible length of a string that may hold colour escapes. */
function visible(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour sequences
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/**
 * Formats rows as a table with a header, columns separated by two spaces; numeric columns are right
 * aligned. Returns the lines.
 */
export function table(
  header: readonly string[],
  rows: readonly string[][],
  right: readonly number[] = [],
): string[] {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visible(r[i] ?? ''))));
  const line = (cells: readonly string[]) =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat(widths[i] - visible(cell));
        return right.includes(i) ? pad + cell : i === cells.length - 1 ? cell : cell + pad;
      })
      .join('  ');
  return [pc.bold(line(header)), ...rows.map(line)];
}

/**
 * A usage bar of `count` out of `quota`, e.g. `[█████░░░░░░░░░░░░░░░]  25%`; yellow from 75 %, red when full.
 * A quota of 0 draws an empty bar with `-`.
 */
export function bar(count: number, quota: number, width = BAR_WIDTH): string {
  if (quota <= 0) return `[${'░'.repeat(width)}]    -`;
  const ratio = Math.min(1, count / quota);
  // Round down so a bar is full only when the set is: one cell short means "not at quota yet".
  const filled = count >= quota ? width : Math.min(width - 1, Math.floor(ratio * width));
  const percent = `${count >= quota ? 100 : Math.min(99, Math.floor(ratio * 100))}%`.padStart(4);
  const colour = count >= quota ? pc.red : ratio >= 0.75 ? pc.yellow : pc.green;
  return `[${colour('█'.repeat(filled))}${'░'.repeat(width - filled)}] ${percent}`;
}

/** The sets table of `status` and `sets list`. */
export function setsTable(sets: readonly SetView[]): string[] {
  if (sets.length === 0) return [pc.dim('no sets (create one with `ioasid sets create OWNER --quota N`)')];
  const rows = sets.map((s) => [
    String(s.sid),
    s.owner === null ? pc.dim('(system)') : s.owner,
    String(s.quota),
    String(s.count),
    s.dying ? pc.red('yes') : 'no',
    bar(s.count, s.quota),
  ]);
  return table(['SID', 'OWNER', 'QUOTA', 'COUNT', 'DYING', 'USAGE'], rows, [0, 2, 3]);
}

/** Key: value lines, keys aligned. */
export function fields(entries: ReadonlyArray<readonly [string, string]>): string[] {
  const width = Math.max(...entries.map(([k]) => k.length));
  return entries.map(([k, v]) => `${pc.dim(`${k}:`.padEnd(width + 1))} ${v}`);
}

/** Ascending IDs as ranges: `[1,2,3,7,9,10]` → `1-3, 7, 9-10`. */
export function ranges(ids: readonly number[]): string {
  const parts: string[] = [];
  let i = 0;
  while (i < ids.length) {
    let j = i;
    while (j + 1 < ids.length && ids[j + 1] === ids[j] + 1) j++;
    parts.push(j === i ? String(ids[i]) : `${ids[i]}-${ids[j]}`);
    i = j + 1;
  }
  return parts.join(', ');
}

/** A JSON value for a text line: compact JSON, cut to `max` characters. */
export function preview(value: unknown, max = 200): string {
  const text = JSON.stringify(value) ?? 'null';
  return text.length > max ? `${text.slice(0, max - 3)}...` : text;
}
