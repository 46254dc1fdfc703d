// The core's messages name its own API ("create it with allocSet", "attach one with attachSpid"); an HTTP
// caller gets the same code in the HTTP API's words. Where a question to the core tells in advance (does
// the set exist, has the ID a spid), the check runs before the call (here and in access.ts); otherwise the
// refusal is reworded after it: a refused core call changes nothing, so the state it refused on tells
// which refusal it was. Any other error passes through unchanged.

import {
  INVALID_IOASID,
  INVALID_IOASID_SET,
  type IoasidSetInfo,
  type IoasidSpace,
  isIoasidError,
} from 'ioasid';
import { ApiError } from '../api-error.js';

/**
 * Rewords a refusal of `allocSet` or `allocSystemSet` made for `POST /v1/sets` or `POST /v1/sets/system`.
 * @param owner the requested owner, or null for the system set
 * @returns the error to throw: ENOSPC without a capacity, EEXIST for a taken owner or an existing system
 * set in API terms; any other error unchanged
 */
export function rewordSetCreation(
  space: IoasidSpace,
  error: unknown,
  owner: string | null,
  quota: number,
): unknown {
  if (!isIoasidError(error)) return error;
  if (error.code === 'ENOSPC' && space.capacity === 0 && quota > 0) {
    return new ApiError(
      'ENOSPC',
      `no capacity is installed, so a quota of ${quota} cannot be reserved; install one with PUT /v1/capacity first`,
    );
  }
  if (error.code === 'EEXIST' && owner === null && space.systemSid !== INVALID_IOASID_SET) {
    const sid = space.systemSid;
    return new ApiError(
      'EEXIST',
      space.getSet(sid).dying
        ? `the system set is set ${sid}, which is being destroyed and waits for its referenced IDs; create it again once GET /v1/sets/${sid} answers 404`
        : `the system set already exists as set ${sid}; use it (GET /v1/sets/${sid}) or destroy it first (DELETE /v1/sets/${sid}?destroy=true)`,
    );
  }
  if (error.code === 'EEXIST' && owner !== null) {
    const set = space.listSets().find((s) => s.token === owner && !s.dying);
    if (set !== undefined) {
      return new ApiError(
        'EEXIST',
        `owner ${JSON.stringify(owner)} already has set ${set.sid}; use that set or destroy it first (DELETE /v1/sets/${set.sid}?destroy=true)`,
      );
    }
  }
  return error;
}

/** Returns the ENOENT for a set that does not exist (never created, or destroyed). */
export function noSuchSet(sid: number): ApiError {
  return new ApiError(
    'ENOENT',
    `set ${sid} does not exist; list the sets with GET /v1/sets, or create one with POST /v1/sets`,
  );
}

/**
 * Rewords a refusal of `alloc` into set `sid` (`POST /v1/sets/{sid}/ioasids`).
 * @returns ENOENT in API terms when the set does not exist, ENOSPC when it is at its quota; any other
 * error unchanged
 */
export function rewordAlloc(space: IoasidSpace, error: unknown, sid: number): unknown {
  if (!isIoasidError(error) || (error.code !== 'ENOENT' && error.code !== 'ENOSPC')) return error;
  const set = setOrNull(space, sid);
  if (set === null) return error.code === 'ENOENT' ? noSuchSet(sid) : error;
  if (error.code === 'ENOENT' || set.dying || set.count < set.quota) return error;
  return new ApiError(
    'ENOSPC',
    `set ${sid} is at its quota of ${set.quota} IDs; free IDs (DELETE /v1/ioasids/{id}) or have the admin raise the quota (PATCH /v1/sets/${sid})`,
  );
}

/**
 * Rewords a refusal of `attachSpid` (`PUT /v1/ioasids/{id}/spid`) for ID `id` of set `sid`.
 * @returns EINVAL in API terms when `spid` is mapped to another ID of the set; any other error unchanged
 */
export function rewordAttachSpid(
  space: IoasidSpace,
  error: unknown,
  sid: number,
  id: number,
  spid: number,
): unknown {
  if (!isIoasidError(error) || error.code !== 'EINVAL') return error;
  const other = mappedId(space, sid, spid);
  if (other === INVALID_IOASID || other === id) return error;
  return new ApiError(
    'EINVAL',
    `spid ${spid} is already mapped to ID ${other} in set ${sid}; detach it first with DELETE /v1/ioasids/${other}/spid`,
  );
}

/**
 * Rewords a refusal of `findBySpid` (`GET /v1/sets/{sid}/spids/{spid}`) for an existing set.
 * @returns ENOENT in API terms when no ID of the set is mapped to `spid`; any other error unchanged
 */
export function rewordFindBySpid(space: IoasidSpace, error: unknown, sid: number, spid: number): unknown {
  if (!isIoasidError(error) || error.code !== 'ENOENT' || mappedId(space, sid, spid) !== INVALID_IOASID) {
    return error;
  }
  return new ApiError(
    'ENOENT',
    `set ${sid} has no ID mapped to spid ${spid}; map one with PUT /v1/ioasids/{id}/spid`,
  );
}

/**
 * Checks, before `detachSpid` (`DELETE /v1/ioasids/{id}/spid`), that allocated ID `id` has a spid.
 * @throws ENOENT (ApiError) when it has none
 */
export function requireSpid(space: IoasidSpace, id: number): void {
  if (space.spidOf(id) === INVALID_IOASID) {
    throw new ApiError(
      'ENOENT',
      `ID ${id} has no spid attached; attach one with PUT /v1/ioasids/${id}/spid first`,
    );
  }
}

/** Returns the ID of set `sid` mapped to `spid`, or INVALID_IOASID when there is none. */
function mappedId(space: IoasidSpace, sid: number, spid: number): number {
  try {
    return space.findBySpid(sid, spid);
  } catch (error) {
    if (isIoasidError(error) && error.code === 'ENOENT') return INVALID_IOASID;
    throw error;
  }
}

/** Returns set `sid`, or null when it does not exist. */
function setOrNull(space: IoasidSpace, sid: number): IoasidSetInfo | null {
  try {
    return space.getSet(sid);
  } catch (error) {
    if (isIoasidError(error) && error.code === 'ENOENT') return null;
    throw error;
  }
}
