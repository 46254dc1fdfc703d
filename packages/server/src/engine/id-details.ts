// GET /v1/sets/{sid}/ioasid-details: a page of one set's IDs with their state, spid, references and data,
// found by the core's walk of the set's pages (forEachId with a set), so a page costs the pages it
// crosses, not the set's size.

import { INVALID_IOASID, type IoasidIdInfo, type IoasidSpace, type IoasidState, MAX_IOASID } from 'ioasid';

/** Default IDs per page. */
export const DEFAULT_DETAILS_LIMIT = 200;
/** Most IDs per page. */
export const MAX_DETAILS_LIMIT = 1000;

/** One ID of the page. */
export interface IdDetail {
  readonly id: number;
  readonly state: IoasidState;
  /** The guest ID mapped to it, null when none. */
  readonly spid: number | null;
  /** References it holds (the owner's included until it is freed). */
  readonly refs: number;
  readonly data: unknown;
}

/** A page of a set's IDs, and where the next one starts. */
export interface IdDetailsPage {
  readonly ids: IdDetail[];
  /** The last ID of this page when more follow (pass it as `after`), else null. */
  readonly next: number | null;
}

/** The IDs of set `sid` (which exists) above `after` (-1: from the first), at most `limit`, ascending. */
export function idDetails(space: IoasidSpace, sid: number, after: number, limit: number): IdDetailsPage {
  const found: number[] = [];
  if (after < MAX_IOASID) {
    space.forEachId(
      after + 1,
      MAX_IOASID,
      (id) => {
        found.push(id);
        return found.length <= limit;
      },
      sid,
    );
  }
  const more = found.length > limit;
  if (more) found.length = limit;
  const ids = found.map((id) => {
    const info = space.idInfo(id) as IoasidIdInfo;
    return {
      id,
      state: info.state,
      spid: info.spid === INVALID_IOASID ? null : info.spid,
      refs: info.refs,
      data: info.data,
    };
  });
  return { ids, next: more ? found[found.length - 1] : null };
}
