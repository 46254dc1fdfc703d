// Rebuilds the exact core state from a store snapshot, before the server's notifier is registered,
// so the replay emits no events: sets with their original set IDs, IDs, spids, references, free-pending.

import { INVALID_IOASID, IoasidSpace } from 'ioasid';
import type { StoreSnapshot } from '../store/store.js';
import type { Credentials } from './credentials.js';
import type { LeaseTable } from './lease-table.js';

/** The parts of the engine the snapshot is loaded into. */
export interface RebuildTargets {
  /** Filled with the IDs that have a stored data row. */
  readonly withData: Set<number>;
  readonly credentials: Credentials;
  readonly leases: LeaseTable;
  readonly onNotifierError: (error: unknown) => void;
}

/** What the rebuild returns besides the filled targets. */
export interface Rebuilt {
  readonly space: IoasidSpace;
  /** The sequence number the next event gets. */
  readonly nextSeq: number;
}

/** Raised when the snapshot cannot be the state of a correct server: the store is damaged. */
export class DamagedStoreError extends Error {
  constructor(message: string) {
    super(`the store is damaged: ${message}; restore a backup or start with an empty data directory`);
    this.name = 'DamagedStoreError';
  }
}

/**
 * Replays a snapshot into a new IoasidSpace.
 *
 * Sets get their original set IDs through placeholder sets (see below); a dying set gets its
 * (free-pending) IDs and is destroyed again before any live set is created. Each ID is
 * allocated with `alloc(sid, id, id, data)`, mapped to its spid, given its lease references with `get`,
 * and freed (while those references are held) when it was free-pending.
 *
 * @throws DamagedStoreError when the snapshot is inconsistent
 */
export function rebuild(snapshot: StoreSnapshot, targets: RebuildTargets): Rebuilt {
  const { withData, credentials, leases } = targets;
  const space = new IoasidSpace({ onNotifierError: (error) => targets.onNotifierError(error) });
  const meta = snapshot.meta;
  if (meta === null) return { space, nextSeq: 1 };
  const damaged = (what: string, error: unknown) =>
    new DamagedStoreError(`${what} failed (${error instanceof Error ? error.message : String(error)})`);
  if (meta.capacity > 0) space.installCapacity(meta.capacity);

  const ids = snapshot.ids;
  const data = new Map<number, string>();
  for (const row of snapshot.data) data.set(row.id, row.json);

  // Lease references, summed per ID to check them against the stored reference counts.
  const leaseRefs = new Map<number, number>();
  for (const row of snapshot.leases) leases.add(row.sid, row.ttlMs, row.lease);
  for (const row of snapshot.leaseRefs) {
    const lease = leases.get(row.lease);
    if (lease === undefined) throw new DamagedStoreError(`references of unknown lease ${row.lease}`);
    leases.restoreRef(lease, row.id, row.count);
    leaseRefs.set(row.id, (leaseRefs.get(row.id) ?? 0) + row.count);
  }

  const restore = (id: number, sid: number, refs: number, pending: boolean, spid: number): void => {
    const held = leaseRefs.get(id) ?? 0;
    if (held !== (pending ? refs : refs - 1)) {
      throw new DamagedStoreError(
        `ID ${id} has ${refs} references${pending ? ' (free-pending)' : ''} but leases hold ${held}`,
      );
    }
    leaseRefs.delete(id);
    const json = data.get(id);
    try {
      space.alloc(sid, id, id, json === undefined ? null : JSON.parse(json));
      if (spid !== INVALID_IOASID) space.attachSpid(id, spid);
      for (let i = 0; i < held; i++) space.get(id);
      if (pending) space.free(id);
    } catch (error) {
      throw damaged(`restoring ID ${id} of set ${sid}`, error);
    }
    if (json !== undefined) withData.add(id);
  };

  // The IDs of dying sets, collected in one pass: [id, refs, pending, spid] each.
  const dying = new Map<number, [number, number, boolean, number][]>();
  for (const set of snapshot.sets) if (set.dying) dying.set(set.sid, []);
  if (dying.size > 0) {
    for (let i = 0; i < ids.id.length; i++) {
      dying.get(ids.sid[i])?.push([ids.id[i], ids.refs[i], ids.freePending[i] === 1, ids.spid[i]]);
    }
  }

  // Every set ID up to the highest one is first held by an empty placeholder set. Each real set then
  // takes its ID by destroying that placeholder (the core hands out the lowest unused set ID, and it is
  // the only unused one below the top). Dying sets go first: they release their owners' tokens, which
  // newer live sets (possibly with lower set IDs) may hold.
  const top = snapshot.sets.length === 0 ? -1 : snapshot.sets[snapshot.sets.length - 1].sid;
  const placeholders = new Set<number>();
  try {
    for (let sid = 0; sid <= top; sid++) {
      if (space.allocSet(Symbol('placeholder'), 0) !== sid)
        throw new Error('set IDs were not handed out in order');
      placeholders.add(sid);
    }
  } catch (error) {
    throw damaged('reserving set IDs', error);
  }
  const create = (set: (typeof snapshot.sets)[number]): void => {
    if (!placeholders.has(set.sid)) throw new DamagedStoreError(`set ${set.sid} is stored twice`);
    try {
      placeholders.delete(set.sid);
      space.freeSet(set.sid, true);
      const sid =
        set.sid === meta.systemSid
          ? space.allocSystemSet(set.quota)
          : space.allocSet(set.owner ?? Symbol('ownerless set'), set.quota);
      if (sid !== set.sid) throw new Error(`the core gave set ID ${sid}`);
    } catch (error) {
      throw damaged(`restoring set ${set.sid}`, error);
    }
    credentials.restore(set.sid, set.secretHash);
  };
  for (const set of snapshot.sets) {
    const records = dying.get(set.sid);
    if (records === undefined) continue;
    if (records.length === 0) throw new DamagedStoreError(`set ${set.sid} is dying but holds no ID`);
    create(set);
    for (const [id, refs, pending, spid] of records) restore(id, set.sid, refs, pending, spid);
    space.freeSet(set.sid, true);
  }
  for (const set of snapshot.sets) if (!set.dying) create(set);
  for (let i = 0; i < ids.id.length; i++) {
    const sid = ids.sid[i];
    if (!dying.has(sid)) restore(ids.id[i], sid, ids.refs[i], ids.freePending[i] === 1, ids.spid[i]);
  }
  for (const sid of placeholders) space.freeSet(sid, true);
  if (meta.systemSid !== space.systemSid) {
    throw new DamagedStoreError(
      `the system set is recorded as set ${meta.systemSid} but no such set is stored`,
    );
  }
  if (leaseRefs.size > 0) {
    throw new DamagedStoreError(`leases hold references on ${leaseRefs.size} IDs that are not allocated`);
  }
  return { space, nextSeq: meta.nextSeq };
}
