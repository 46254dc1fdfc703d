// Assertions for the contract's error rules: every failure is an IoasidError with the registry's errno,
// and a call that throws changes nothing (checked against a full snapshot of the space).

import { ERROR_CODES, type IoasidError, type IoasidErrorCode, type IoasidSpace, isIoasidError } from 'ioasid';
import { expect } from 'vitest';
import { snapshotSpace } from './snapshot.js';

/** Every code the core may throw, with the Linux errno the contract gives it. */
export const CORE_ERRNO: Readonly<Record<IoasidErrorCode, number>> = {
  EINVAL: 22,
  ENOENT: 2,
  EACCES: 13,
  EBUSY: 16,
  EEXIST: 17,
  ENOSPC: 28,
  EAGAIN: 11,
};

/**
 * Calls `fn`, expects it to throw an IoasidError with `code` and the matching errno (from the contract
 * and the registry), and a non-empty message. Returns the error for further checks.
 */
export function expectIoasidError(fn: () => unknown, code: IoasidErrorCode): IoasidError {
  let thrown: unknown;
  let threw = false;
  let result: unknown;
  try {
    result = fn();
  } catch (error) {
    threw = true;
    thrown = error;
  }
  expect(threw, `expected ${code} but the call returned ${String(result)}`).toBe(true);
  expect(isIoasidError(thrown), `expected an IoasidError, got ${String(thrown)}`).toBe(true);
  const error = thrown as IoasidError;
  expect(error).toBeInstanceOf(Error);
  expect({ code: error.code, errno: error.errno }).toEqual({ code, errno: CORE_ERRNO[code] });
  expect(error.errno).toBe(ERROR_CODES[code].errno);
  expect(error.name).toBe('IoasidError');
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(10);
  return error;
}

/**
 * Like `expectIoasidError`, and also checks that the failed call changed nothing: capacity, sets, IDs,
 * references, states, data and spids are all as before, and (when `events` is given) no event was sent.
 */
export function expectRefused(
  space: IoasidSpace,
  fn: () => unknown,
  code: IoasidErrorCode,
  events?: readonly unknown[],
): IoasidError {
  const before = snapshotSpace(space);
  const eventCount = events?.length ?? 0;
  const error = expectIoasidError(fn, code);
  expect(snapshotSpace(space)).toEqual(before);
  if (events !== undefined) expect(events.length, 'a refused call sent events').toBe(eventCount);
  return error;
}
