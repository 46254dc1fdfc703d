// The text output helpers, in process: usage bars, ID ranges, aligned tables, --json lines. Colour
// escapes (on when the test runs in a terminal) are stripped before comparing.

import { describe, expect, it } from 'vitest';
import { bar as colouredBar, table as colouredTable, json, ranges } from '../dist/output.js';

// biome-ignore lint/suspicious/noControlCharactersInRegex: strips ANSI colour sequences
const plain = (text: string) => text.replace(/\u001b\[[0-9;]*m/g, '');
const bar = (...args: Parameters<typeof colouredBar>) => plain(colouredBar(...args));
const table = (...args: Parameters<typeof colouredTable>) => colouredTable(...args).map(plain);

describe('bar', () => {
  it('fills in proportion to count/quota, full only at quota, with a percentage', () => {
    expect(bar(0, 10)).toBe(`[${'░'.repeat(20)}]   0%`);
    expect(bar(5, 10)).toBe(`[${'█'.repeat(10)}${'░'.repeat(10)}]  50%`);
    expect(bar(999, 1000)).toBe(`[${'█'.repeat(19)}░]  99%`);
    expect(bar(1000, 1000)).toBe(`[${'█'.repeat(20)}] 100%`);
    expect(bar(1, 3, 3)).toBe('[█░░]  33%');
  });

  it('draws an empty bar for a quota of 0', () => {
    expect(bar(0, 0)).toBe(`[${'░'.repeat(20)}]    -`);
  });
});

describe('ranges', () => {
  it('writes ascending IDs as ranges', () => {
    expect(ranges([])).toBe('');
    expect(ranges([7])).toBe('7');
    expect(ranges([1, 2, 3, 7, 9, 10])).toBe('1-3, 7, 9-10');
    expect(ranges([0, 2, 4])).toBe('0, 2, 4');
  });
});

describe('table', () => {
  it('aligns columns, numbers to the right, without padding the last column', () => {
    const lines = table(
      ['SID', 'OWNER', 'USAGE'],
      [
        ['1', 'vm-long-name', 'a'],
        ['123', 'vm', 'bb'],
      ],
      [0],
    );
    expect(lines).toEqual(['SID  OWNER         USAGE', '  1  vm-long-name  a', '123  vm            bb']);
  });
});

describe('json', () => {
  it('prints one line of JSON, and {} for an answer without a body', () => {
    expect(json({ a: [1, 2] })).toBe('{"a":[1,2]}');
    expect(json(null)).toBe('{}');
  });
});
