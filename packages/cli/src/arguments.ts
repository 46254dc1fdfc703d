// Parsing of the client commands' arguments: every number and JSON value is checked here, before any
// request, so a typo exits with EINVAL's code and a message naming the argument and its allowed range.

import { MAX_IOASID } from '@ioasid/client';
import { CliError } from './exit-codes.js';

/** Largest set ID the API accepts (the server stores set IDs as 31-bit integers). */
export const MAX_SID = 0x7fffffff;
/** Largest quota, range bound or capacity (2^32 - 1). */
export const MAX_U32 = 0xffffffff;
/** Most IDs one `alloc --count` may ask for (the API's batch limit). */
export const MAX_BATCH = 65_536;

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const HEX = /^0[xX][0-9a-fA-F]+$/;

/**
 * Parses a non-negative integer written in decimal or `0x` hexadecimal, within [min, max] inclusive.
 * @param what the argument's name for the message, e.g. `--quota` or `SID`
 * @throws CliError EINVAL for anything else (signs, fractions, exponents, spaces, out of range)
 */
export function parseInteger(value: string, what: string, min: number, max: number): number {
  const n = DECIMAL.test(value) || HEX.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new CliError(
      'EINVAL',
      `${what} must be an integer from ${min} to ${max} (decimal or 0x hex), not ${JSON.stringify(value)}`,
    );
  }
  return n;
}

/** A set ID: 0 to 2^31 - 1. */
export const parseSid = (value: string, what = 'SID') => parseInteger(value, what, 0, MAX_SID);
/** An IOASID: 0 to 0xFFFFFFFE. */
export const parseId = (value: string, what = 'ID') => parseInteger(value, what, 0, MAX_IOASID);
/** A guest ID (spid): 0 to 0xFFFFFFFE. */
export const parseSpid = (value: string, what = 'SPID') => parseInteger(value, what, 0, MAX_IOASID);
/** A quota: 0 to 2^32 - 1. */
export const parseQuota = (value: string, what = '--quota') => parseInteger(value, what, 0, MAX_U32);

/**
 * Parses `--data`: any JSON value.
 * @throws CliError EINVAL when it is not JSON, with an example of quoting it in a shell
 */
export function parseJson(value: string, what: string): unknown {
  try {
    return JSON.parse(value);
  } catch (error) {
    throw new CliError(
      'EINVAL',
      `${what} must be JSON (${error instanceof Error ? error.message : String(error)}), not ${JSON.stringify(value)}`,
      `quote it for the shell, e.g. ${what} '{"vm":"guest-1"}' or ${what} '"a string"'`,
    );
  }
}
