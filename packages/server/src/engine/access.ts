// Access rules: what a set secret may touch. The admin may do everything; a set secret only its own set,
// its own IDs and its own leases. Every refusal is EACCES and says which credential would be allowed;
// what is not there at all is ENOENT, worded in the HTTP API's terms.

import { type IoasidSetInfo, type IoasidSpace, isIoasidError } from 'ioasid';
import { ApiError } from '../api-error.js';
import { noSuchSet } from './core-wording.js';
import type { Principal } from './credentials.js';
import type { Lease, LeaseTable } from './lease-table.js';

/** Throws EACCES unless the caller is the admin. @param what the refused action, for the message */
export function requireAdmin(caller: Principal, what: string): void {
  if (caller.kind !== 'admin') {
    throw new ApiError(
      'EACCES',
      `${what} needs the admin token; the secret of set ${caller.sid} may not do it`,
    );
  }
}

/** Throws EACCES when a set secret names another set. */
export function requireSet(caller: Principal, sid: number): void {
  if (caller.kind === 'set' && caller.sid !== sid) {
    throw new ApiError(
      'EACCES',
      `this secret belongs to set ${caller.sid}, not to set ${sid}; use set ${sid}'s secret or the admin token`,
    );
  }
}

/**
 * Returns set `sid` (dying or not) after checking that the caller may touch it.
 * @throws EACCES another set's secret; ENOENT no such set
 */
export function requireExistingSet(space: IoasidSpace, caller: Principal, sid: number): IoasidSetInfo {
  requireSet(caller, sid);
  return existingSet(space, sid);
}

/**
 * Returns set `sid`, dying or not (no access check).
 * @throws ENOENT (ApiError) no such set
 */
export function existingSet(space: IoasidSpace, sid: number): IoasidSetInfo {
  try {
    return space.getSet(sid);
  } catch (error) {
    if (isIoasidError(error) && error.code === 'ENOENT') throw noSuchSet(sid);
    throw error;
  }
}

/**
 * Returns the set of allocated ID `id` after checking that the caller may touch it.
 * @throws ENOENT the ID is not allocated; EACCES it belongs to another set than the caller's
 */
export function requireId(space: IoasidSpace, caller: Principal, id: number): number {
  const sid = space.findSid(id);
  if (caller.kind === 'set' && caller.sid !== sid) {
    throw new ApiError(
      'EACCES',
      `ID ${id} belongs to set ${sid}, not to set ${caller.sid}; use set ${sid}'s secret or the admin token`,
    );
  }
  return sid;
}

/**
 * Returns the lease after checking that the caller may use it (its creator, or the admin).
 * @throws ENOENT no such lease (never created, deleted or expired); EACCES another credential's lease
 */
export function requireLease(leases: LeaseTable, caller: Principal, name: string): Lease {
  const lease = leases.get(name);
  if (lease === undefined) {
    throw new ApiError(
      'ENOENT',
      `lease ${name} does not exist (it expired or was deleted); create one with POST /v1/leases`,
    );
  }
  if (caller.kind === 'set' && caller.sid !== lease.sid) {
    throw new ApiError('EACCES', `lease ${name} was created by another credential; use a lease of your own`);
  }
  return lease;
}

/**
 * Checks that `lease` may hold a reference on an ID of set `sid`: a set's lease only references that
 * set's IDs (so that it holds nothing once its set is gone); the admin's leases reference any ID.
 * @throws EACCES the lease was created by another set's secret
 */
export function requireLeaseMayHold(lease: Lease, id: number, sid: number): void {
  if (lease.sid !== null && lease.sid !== sid) {
    throw new ApiError(
      'EACCES',
      `lease ${lease.lease} was created by set ${lease.sid} and may only reference that set's IDs, but ID ${id} belongs to set ${sid}; use a lease created with set ${sid}'s secret or with the admin token`,
    );
  }
}
