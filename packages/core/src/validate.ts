// Argument checks shared by every public call: one place decides what is a valid ID, set ID or quota.
// Each returns a boolean so hot paths can test cheaply and build the error only when a check fails.

import { MAX_CAPACITY, MAX_IOASID } from './constants.js';
import { ioasidError } from './reasons.js';

export { show } from './show.js';

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

/** Throws EINVAL (`invalid-id`, or `invalid-spid` when `what` is `'spid'`) unless `id` is in `[0, 0xFFFFFFFE]`. */
export function checkIoasid(id: unknown, what: 'ID' | 'spid' = 'ID'): asserts id is number {
  if (!isIoasid(id)) {
    throw what === 'ID'
      ? ioasidError('invalid-id', { id, max: MAX_IOASID })
      : ioasidError('invalid-spid', { spid: id, max: MAX_IOASID });
  }
}

/** Throws EINVAL (`invalid-sid`) unless `sid` is a safe integer >= 0. */
export function checkSid(sid: unknown): asserts sid is number {
  if (!isSid(sid)) throw ioasidError('invalid-sid', { sid });
}

/** Throws EINVAL (`invalid-quota`) unless `quota` is an integer in `[0, 2^32 - 1]`. */
export function checkQuota(quota: unknown): asserts quota is number {
  if (!isQuota(quota)) throw ioasidError('invalid-quota', { quota, max: MAX_CAPACITY });
}
