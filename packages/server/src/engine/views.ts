// What the engine hands back to its callers: sets, IDs and leases as the HTTP API shows them, and what a
// commit listener (the metrics) learns about each committed batch.

import type { IoasidSetInfo, IoasidState } from 'ioasid';

/** A set as the API shows it. */
export interface SetView {
  sid: number;
  owner: string | null;
  quota: number;
  count: number;
  dying: boolean;
}

/** Returns a set as the API shows it: its owner when that is a name, else null (the system set). */
export function setView(set: IoasidSetInfo): SetView {
  return {
    sid: set.sid,
    owner: typeof set.token === 'string' ? set.token : null,
    quota: set.quota,
    count: set.count,
    dying: set.dying,
  };
}

/** An ID as the API shows it. */
export interface IdView {
  id: number;
  sid: number;
  state: IoasidState;
  spid: number | null;
  data: unknown;
}

/** A lease as the API shows it. */
export interface LeaseView {
  lease: string;
  ttlMs: number;
}

/** A lease with its references, for inspection. */
export interface LeaseInfo {
  lease: string;
  /** The creating set, null for the admin. */
  sid: number | null;
  ttlMs: number;
  /** `[id, count]` pairs, ascending by ID. */
  refs: [number, number][];
}

/** What a commit listener learns about each committed batch. */
export interface CommitInfo {
  /** Requests whose replies waited for this batch. */
  readonly requests: number;
  readonly events: number;
  /**
   * State rows handed to the store, written or deleted: one per changed ID, set, data, lease or
   * reference, plus the meta row (events not counted).
   */
  readonly rows: number;
  readonly seconds: number;
}
