// Assertions for the contract's error rules: every failure is an IoasidError with the registry's errno,
// and a call that throws changes nothing (checked against a full snapshot of the space).

import {
  ERROR_CODES,
  ERROR_REASONS,
  type ErrorReason,
  type IoasidError,
  type IoasidErrorCode,
  type IoasidSpace,
  isIoasidError,
} from 'ioasid';
import { expect } from 'vitest';
import { snapshotSpace } from './snapshot.js';

/** Every code the core may throw (the registry's codes but EPERM, which only the service uses). */
export const CORE_CODES: readonly IoasidErrorCode[] = Object.freeze(
  (Object.keys(ERROR_CODES) as (keyof typeof ERROR_CODES)[]).filter(
    (code): code is IoasidErrorCode => code !== 'EPERM',
  ),
);

/**
 * Calls `fn`, expects it to throw an IoasidError with `code` and the registry's errno for it, and a
 * non-empty message. Returns the error for further checks.
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
  expect({ code: error.code, errno: error.errno }).toEqual({ code, errno: ERROR_CODES[code].errno });
  expect(error.name).toBe('IoasidError');
  expect(typeof error.message).toBe('string');
  expect(error.message.length).toBeGreaterThan(10);
  expectRegistryReason(error);
  return error;
}

/**
 * Expects `error` to carry a reason of the registry, with that reason's code and exactly its value names.
 */
export function expectRegistryReason(error: IoasidError): void {
  expect(Object.keys(ERROR_REASONS), `reason ${error.reason} is not in ERROR_REASONS`).toContain(
    error.reason,
  );
  const info = ERROR_REASONS[error.reason as ErrorReason];
  expect(error.code, error.reason).toBe(info.code);
  expect(Object.keys(error.values).sort(), error.reason).toEqual([...info.values].sort());
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
