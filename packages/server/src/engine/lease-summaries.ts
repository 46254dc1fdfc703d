// GET /v1/leases and GET /v1/ioasids/{id}/refs: the live leases with what they hold, and which leases
// hold references on one ID.

import type { Lease, LeaseTable } from './lease-table.js';

/** A lease as GET /v1/leases shows it. */
export interface LeaseSummary {
  readonly lease: string;
  /** The set whose secret created it, null for the admin. */
  readonly sid: number | null;
  readonly ttlMs: number;
  /** Milliseconds until it expires unless kept alive (its whole TTL while the store takes no writes). */
  readonly expiresInMs: number;
  /** References it holds in total. */
  readonly refs: number;
  /** Distinct IDs it references. */
  readonly ids: number;
}

/** One lease holding references on an ID. */
export interface IdRefHolder {
  readonly lease: string;
  readonly sid: number | null;
  /** References it holds on the ID. */
  readonly refs: number;
}

const byName = (a: { lease: string }, b: { lease: string }) =>
  a.lease < b.lease ? -1 : a.lease > b.lease ? 1 : 0;

/**
 * The leases created by `creator` (a set ID, or null for the admin), or every lease when `creator` is
 * undefined, ascending by name.
 */
export function leaseSummaries(leases: LeaseTable, creator: number | null | undefined): LeaseSummary[] {
  const chosen: Iterable<Lease> = creator === undefined ? leases.all() : leases.ownedBy(creator);
  return Array.from(chosen, (l) => ({
    lease: l.lease,
    sid: l.sid,
    ttlMs: l.ttlMs,
    expiresInMs: leases.expiresInMs(l),
    refs: l.held,
    ids: l.refs.size,
  })).sort(byName);
}

/** The leases holding references on ID `id`, ascending by name (one look-up per live lease). */
export function refHolders(leases: LeaseTable, id: number): IdRefHolder[] {
  const holders: IdRefHolder[] = [];
  for (const l of leases.all()) {
    const refs = l.refs.get(id);
    if (refs !== undefined) holders.push({ lease: l.lease, sid: l.sid, refs });
  }
  return holders.sort(byName);
}
