// The operations of the namespace's log (shared stores): each change a request made, as a JSON array
// with the operation's name first, the caller, the arguments, and what was drawn at random (a set's
// secret hash, a lease's name), so that another instance replaying it reaches the very same state.

import type { OpRecord } from '../store/store.js';
import { ADMIN, type Principal } from './credentials.js';

/** Operation names, as stored (short: the log is written with every commit). */
export const OP = {
  capacity: 'cap',
  createSet: 'set',
  createSystemSet: 'sys',
  adjustSet: 'adj',
  freeSet: 'fset',
  alloc: 'alloc',
  allocMany: 'allocn',
  free: 'free',
  setData: 'data',
  attachSpid: 'bind',
  detachSpid: 'unbind',
  notify: 'notify',
  createLease: 'lease',
  keepalive: 'keep',
  deleteLease: 'unlease',
  takeRef: 'ref',
  dropRef: 'unref',
  expire: 'expire',
} as const;

/** The caller as stored: -1 for the admin, the set ID for a set's secret. */
export function callerKey(caller: Principal): number {
  return caller.kind === 'admin' ? -1 : caller.sid;
}

/** The principal of a stored caller. @throws Error for a value no caller has */
export function callerOf(key: unknown): Principal {
  if (key === -1) return ADMIN;
  if (typeof key === 'number' && Number.isInteger(key) && key >= 0) return { kind: 'set', sid: key };
  throw new Error(`the commit log names an unknown caller ${JSON.stringify(key)}`);
}

/** A hash as stored (hex). */
export function hexOf(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

/** The bytes of a stored hash. @throws Error when it is not 32 bytes of hex */
export function bytesOf(hex: unknown): Uint8Array {
  if (typeof hex !== 'string' || !/^[0-9a-f]{64}$/.test(hex)) {
    throw new Error(`the commit log holds a malformed secret hash ${JSON.stringify(hex)}`);
  }
  return new Uint8Array(Buffer.from(hex, 'hex'));
}

/** Returns the numbers of `op` from index 1 on, checked. @throws Error when one is not a number */
export function numbersOf(op: OpRecord, ...indexes: number[]): number[] {
  return indexes.map((i) => {
    const value = op[i];
    if (typeof value !== 'number')
      throw new Error(`operation ${JSON.stringify(op[0])} has no number at ${i}`);
    return value;
  });
}

/** Returns the string at `index` of `op`. @throws Error when it is not one */
export function stringOf(op: OpRecord, index: number): string {
  const value = op[index];
  if (typeof value !== 'string')
    throw new Error(`operation ${JSON.stringify(op[0])} has no string at ${index}`);
  return value;
}
