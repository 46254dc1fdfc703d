// The argument parsers of the client commands, in process (the CLI tests show that each command uses
// them before any request): which numbers and JSON values pass, and what the refusals say.

import { describe, expect, it } from 'vitest';
import { parseId, parseInteger, parseJson, parseQuota, parseSid, parseSpid } from '../dist/arguments.js';
import { CliError } from '../dist/exit-codes.js';

/** The CliError `parse` throws. */
function refusal(parse: () => unknown): CliError {
  try {
    parse();
  } catch (error) {
    expect(error).toBeInstanceOf(CliError);
    return error as CliError;
  }
  throw new Error('expected a refusal');
}

describe('parseInteger', () => {
  it('accepts decimal and 0x hexadecimal integers within the range, bounds included', () => {
    expect(parseInteger('0', 'N', 0, 10)).toBe(0);
    expect(parseInteger('10', 'N', 0, 10)).toBe(10);
    expect(parseInteger('0xA', 'N', 0, 10)).toBe(10);
    expect(parseInteger('0x0', 'N', 0, 10)).toBe(0);
    expect(parseSid('2147483647')).toBe(0x7fffffff);
    expect(parseId('0xfffffffe')).toBe(0xfffffffe);
    expect(parseSpid('4294967294')).toBe(0xfffffffe);
    expect(parseQuota('4294967295')).toBe(0xffffffff);
  });

  it.each([
    '',
    ' 1',
    '1 ',
    '-1',
    '+1',
    '1.5',
    '1.0',
    '1e3',
    '01',
    '0x',
    '0xg',
    'ten',
    'Infinity',
    'NaN',
    '99999999999999999999',
  ])('refuses %j with EINVAL, naming the argument and its range', (value) => {
    const error = refusal(() => parseInteger(value, '--quota', 0, 100));
    expect(error.failure).toBe('EINVAL');
    expect(error.exitCode).toBe(86);
    expect(error.message).toBe(
      `--quota must be an integer from 0 to 100 (decimal or 0x hex), not ${JSON.stringify(value)}`,
    );
  });

  it('refuses values outside the range of each kind of number', () => {
    expect(refusal(() => parseSid('2147483648')).message).toMatch(
      /^SID must be an integer from 0 to 2147483647/,
    );
    expect(refusal(() => parseId('4294967295')).message).toMatch(
      /^ID must be an integer from 0 to 4294967294/,
    );
    expect(refusal(() => parseSpid('0xffffffff')).message).toMatch(/^SPID must be/);
    expect(refusal(() => parseQuota('4294967296')).message).toMatch(/^--quota must be/);
    expect(refusal(() => parseInteger('0', '--count', 1, 65536)).message).toMatch(
      /^--count must be an integer from 1/,
    );
  });
});

describe('parseJson', () => {
  it('accepts any JSON value', () => {
    expect(parseJson('{"vm":"a","n":[1,2]}', '--data')).toEqual({ vm: 'a', n: [1, 2] });
    expect(parseJson('"text"', '--data')).toBe('text');
    expect(parseJson('null', '--data')).toBeNull();
    expect(parseJson('42', '--data')).toBe(42);
  });

  it('refuses what is not JSON with EINVAL and shows how to quote it', () => {
    const error = refusal(() => parseJson('{vm:1}', '--data'));
    expect(error.failure).toBe('EINVAL');
    expect(error.message).toMatch(/^--data must be JSON \(.+\), not "\{vm:1\}"$/);
    expect(error.hint).toContain(`--data '{"vm":"guest-1"}'`);
    expect(refusal(() => parseJson('text', '--data')).failure).toBe('EINVAL');
  });
});
