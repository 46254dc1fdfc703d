// Access rules: what a set secret may touch. The admin may do everything; a set secret only its own set,
// its own IDs and its own leases. Every refusal is EACCES with a reason; what is not there at all is the
// core's ENOENT (`no-set`, `id-not-allocated`) or the server's (`no-lease`).

import { type IoasidSetInfo, type IoasidSpace, ioasidError } from 'ioasid';
import { apiError } from '../server-reasons.js';
import type { Principal } from './credentials.js';
import type { Lease, LeaseTable } from './lease-table.js';

/**
 * Throws unless the caller is the admin. @param what the refused action, for the message
 * @throws EACCES `admin-only`
 */
export function requireAdmin(caller: Principal, what: string): void {
  if (caller.kind !== 'admin') {
    throw apiError(
      'admin-only',
      { action: what, sid: caller.sid },
      `${what} needs the admin token; the secret of set ${caller.sid} may not do it`,
    );
  }
}

/** Throws when a set secret names another set. @throws EACCES `other-set` */
export function requireSet(caller: Principal, sid: number): void {
  if (caller.kind === 'set' && caller.sid !== sid) {
    throw apiError(
      'other-set',
      { sid, callerSid: caller.sid },
      `this secret belongs to set ${caller.sid}, not to set ${sid}`,
    );
  }
}

/**
 * Returns set `sid` (dying or not) after checking that the caller may touch it.
 * @throws EACCES `other-set`; ENOENT `no-set`
 */
export function requireExistingSet(space: IoasidSpace, caller: Principal, sid: number): IoasidSetInfo {
  requireSet(caller, sid);
  return existingSet(space, sid);
}

/**
 * Returns set `sid`, dying or not (no access check).
 * @throws ENOENT `no-set` (the core's reason) when there is no such set
 */
export function existingSet(space: IoasidSpace, sid: number): IoasidSetInfo {
  const set = space.setInfo(sid);
  if (set === undefined) throw ioasidError('no-set', { sid });
  return set;
}

/**
 * Returns the set of allocated ID `id` after checking that the caller may touch it.
 * @throws ENOENT `id-not-allocated`; EACCES `foreign-id` (it belongs to another set than the caller's)
 */
export function requireId(space: IoasidSpace, caller: Principal, id: number): number {
  const sid = space.findSid(id);
  if (caller.kind === 'set' && caller.sid !== sid) {
    throw ioasidError('foreign-id', { id, owner: sid, sid: caller.sid });
  }
  return sid;
}

/**
 * Returns the lease after checking that the caller may use it (its creator, or the admin).
 * @throws ENOENT `no-lease` (never created, deleted or expired); EACCES `not-lease-creator`
 */
export function requireLease(leases: LeaseTable, caller: Principal, name: string): Lease {
  const lease = leases.get(name);
  if (lease === undefined) {
    throw apiError('no-lease', { lease: name }, `lease ${name} does not exist (it expired or was deleted)`);
  }
  if (caller.kind === 'set' && caller.sid !== lease.sid) {
    throw apiError('not-lease-creator', { lease: name }, `lease ${name} was created by another credential`);
  }
  return lease;
}

/**
 * Checks that `lease` may hold a reference on an ID of set `sid`: a set's lease only references that
 * set's IDs (so that it holds nothing once its set is gone); the admin's leases reference any ID.
 * @throws EACCES `lease-other-set`: the lease was created by another set's secret
 */
export function requireLeaseMayHold(lease: Lease, id: number, sid: number): void {
  if (lease.sid !== null && lease.sid !== sid) {
    throw apiError(
      'lease-other-set',
      { lease: lease.lease, leaseSid: lease.sid, id, sid },
      `lease ${lease.lease} was created by set ${lease.sid} and may only reference that set's IDs, but ID ${id} belongs to set ${sid}`,
    );
  }
}
