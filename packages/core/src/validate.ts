// Argument checks shared by every public call: one place decides what is a valid ID, set ID or quota.
// Each returns a boolean so hot paths can test cheaply and build the error only when a check fails.

import { MAX_CAPACITY, MAX_IOASID } from './constants.js';
import { IoasidError } from './errors.js';

/** True for an integer in `[0, 0xFFFFFFFE]`: an ID that can exist. */
export function isIoasid(value: unknown): value is number {
  return typeof value === 'number' && value >>> 0 === value && value !== 0xffffffff;
}

/** True for an integer in `[0, 0xFFFFFFFF]` (a range bound, where the sentinel is allowed and clamped). */
export function isRangeBound(value: unknown): value is number {
  return typeof value === 'number' && value >>> 0 === value;
}

/** True for a set ID that could name a set: a safe integer >= 0. */
export function isSid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** True for a quota or capacity: an integer in `[0, 2^32 - 1]`. */
export function isQuota(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && value <= MAX_CAPACITY;
}

/** Renders a value for an error message without ever throwing (symbols, bigints, cycles). */
export function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'bigint') return `${value}n (a BigInt)`;
  if (typeof value === 'number' || typeof value === 'boolean')
    return Object.is(value, -0) ? '-0' : String(value);
  if (value === null || value === undefined || typeof value === 'symbol') return String(value);
  if (typeof value === 'function') return `function ${value.name || '(anonymous)'}`;
  return Object.prototype.toString.call(value);
}

/** Throws EINVAL unless `id` is an integer in `[0, 0xFFFFFFFE]`. */
export function checkIoasid(id: unknown, what = 'ID'): asserts id is number {
  if (!isIoasid(id)) {
    throw new IoasidError(
      'EINVAL',
      `${what} ${show(id)} is not valid: IDs are integers from 0 to ${MAX_IOASID} (0xFFFFFFFE)`,
    );
  }
}

/** Throws EINVAL unless `sid` is a safe integer >= 0. */
export function checkSid(sid: unknown): asserts sid is number {
  if (!isSid(sid)) {
    throw new IoasidError('EINVAL', `set ID ${show(sid)} is not valid: set IDs are integers >= 0`);
  }
}

/** Throws EINVAL unless `quota` is an integer in `[0, 2^32 - 1]`. */
export function checkQuota(quota: unknown, what = 'quota'): asserts quota is number {
  if (!isQuota(quota)) {
    throw new IoasidError(
      'EINVAL',
      `${what} ${show(quota)} is not valid: use an integer from 0 to ${MAX_CAPACITY} (2^32 - 1)`,
    );
  }
}
