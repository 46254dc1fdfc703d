// One batch of the PostgreSQL store as SQL: a statement per kind of change over arrays (unnest, ANY),
// inside the caller's transaction, so a batch of 1,024 IDs is a handful of statements whatever its size.

import type pg from 'pg';
import { INSERT_IDS_SQL, idArrays, intArray, UPDATE_IDS_SQL } from './pg-id-codec.js';
import type { StoredIds } from './pg-stored-ids.js';
import type { StoreBatch } from './store.js';

/** What the store knows of the stored sequence before the batch. */
export interface StoredSequence {
  /** The next sequence number stored in `meta` (the batch's first event must have it). */
  readonly nextSeq: number;
  /** The oldest event stored (equal to `nextSeq` when none is). */
  readonly oldestSeq: number;
  /** The database, redacted, for messages. */
  readonly where: string;
  /** The IDs that have a row (updated by the caller once the batch commits). */
  readonly ids: StoredIds;
  /** The namespace's version to record with the batch (see SharedStore). */
  readonly version: number;
}

/**
 * Writes `batch` inside the open transaction of `w`. The `meta` row is only updated where `next_seq` is
 * still `stored.nextSeq`, so a write by anything else fails the batch instead of being overwritten.
 * @returns the oldest event stored once it commits (the stored events are always one run,
 * `[oldest, nextSeq)`, empty when they are equal)
 * @throws Error when the stored sequence moved (another writer), or a statement fails; the caller then
 * rolls back
 */
export async function writeBatch(w: pg.Client, batch: StoreBatch, stored: StoredSequence): Promise<number> {
  const m = batch.meta;
  const meta = await w.query(
    `INSERT INTO meta (one, capacity, next_seq, system_sid, version) VALUES (1, $1, $2, $3, $5)
     ON CONFLICT (one) DO UPDATE SET capacity = EXCLUDED.capacity, next_seq = EXCLUDED.next_seq,
       system_sid = EXCLUDED.system_sid, version = EXCLUDED.version
     WHERE meta.next_seq = $4`,
    [m.capacity, m.nextSeq, m.systemSid, stored.nextSeq, stored.version],
  );
  if (meta.rowCount !== 1) {
    throw new Error(
      `the database ${stored.where} no longer continues at event ${stored.nextSeq}: something else wrote to it; nothing was written`,
    );
  }
  const { sets, ids, data, leases, leaseRefs, events } = batch;
  if (sets.remove.length > 0) await w.query('DELETE FROM sets WHERE sid = ANY($1::bigint[])', [sets.remove]);
  if (sets.upsert.length > 0) {
    await w.query(
      `INSERT INTO sets (sid, owner, quota, dying, secret_hash)
       SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::boolean[], $5::bytea[])
       ON CONFLICT (sid) DO UPDATE SET owner = EXCLUDED.owner, quota = EXCLUDED.quota,
         dying = EXCLUDED.dying, secret_hash = EXCLUDED.secret_hash`,
      [
        sets.upsert.map((r) => r.sid),
        sets.upsert.map((r) => r.owner),
        sets.upsert.map((r) => r.quota),
        sets.upsert.map((r) => r.dying),
        sets.upsert.map((r) =>
          Buffer.from(r.secretHash.buffer, r.secretHash.byteOffset, r.secretHash.byteLength),
        ),
      ],
    );
  }
  if (ids.remove.length > 0)
    await w.query('DELETE FROM ids WHERE id = ANY($1::bigint[])', [intArray(ids.remove)]);
  // New IDs are inserted plainly (a duplicate key fails the batch), the others updated (every one
  // must be found): half the work of an upsert, and a wrong belief about a row fails loudly.
  const { insert, update } = stored.ids.split(ids);
  if (insert.length > 0) await w.query(INSERT_IDS_SQL, idArrays(insert));
  if (update.length > 0) {
    const updated = await w.query(UPDATE_IDS_SQL, idArrays(update));
    if (updated.rowCount !== update.length) {
      throw new Error(
        `${update.length - (updated.rowCount ?? 0)} of ${update.length} IDs to update have no row in ${stored.where}: something else wrote to it; nothing was written`,
      );
    }
  }
  if (data.remove.length > 0)
    await w.query('DELETE FROM id_data WHERE id = ANY($1::bigint[])', [intArray(data.remove)]);
  if (data.upsert.length > 0) {
    await w.query(
      `INSERT INTO id_data (id, data) SELECT * FROM unnest($1::bigint[], $2::text[])
       ON CONFLICT (id) DO UPDATE SET data = EXCLUDED.data`,
      [data.upsert.map((r) => r.id), data.upsert.map((r) => r.json)],
    );
  }
  if (leases.remove.length > 0) {
    await w.query('DELETE FROM lease_refs WHERE lease = ANY($1::text[])', [leases.remove]);
    await w.query('DELETE FROM leases WHERE lease = ANY($1::text[])', [leases.remove]);
  }
  if (leases.upsert.length > 0) {
    await w.query(
      // A lease is written when created or kept alive: its time runs from now by the database's clock.
      `INSERT INTO leases (lease, sid, ttl_ms, expires_at)
       SELECT l, s, t, now() + t * interval '1 millisecond' FROM unnest($1::text[], $2::bigint[], $3::bigint[]) AS u(l, s, t)
       ON CONFLICT (lease) DO UPDATE SET sid = EXCLUDED.sid, ttl_ms = EXCLUDED.ttl_ms, expires_at = EXCLUDED.expires_at`,
      [leases.upsert.map((r) => r.lease), leases.upsert.map((r) => r.sid), leases.upsert.map((r) => r.ttlMs)],
    );
  }
  if (leaseRefs.remove.length > 0) {
    await w.query(
      'DELETE FROM lease_refs r USING unnest($1::text[], $2::bigint[]) AS d(lease, id) WHERE r.lease = d.lease AND r.id = d.id',
      [leaseRefs.remove.map((r) => r.lease), leaseRefs.remove.map((r) => r.id)],
    );
  }
  if (leaseRefs.upsert.length > 0) {
    await w.query(
      `INSERT INTO lease_refs (lease, id, count) SELECT * FROM unnest($1::text[], $2::bigint[], $3::integer[])
       ON CONFLICT (lease, id) DO UPDATE SET count = EXCLUDED.count`,
      [
        leaseRefs.upsert.map((r) => r.lease),
        leaseRefs.upsert.map((r) => r.id),
        leaseRefs.upsert.map((r) => r.count),
      ],
    );
  }
  if (events.length === 0) return stored.oldestSeq;
  // Events of this batch already past the retention (a freeSet of a huge set) are not written; the
  // newest one always is, so the stored log never ends before the sequence does.
  const skip = Math.min(events.length - 1, Math.max(0, batch.retainFrom - events[0].seq));
  const kept = skip === 0 ? events : events.slice(skip);
  await w.query(
    `INSERT INTO events (seq, type, id, sid, spid, data)
     SELECT * FROM unnest($1::bigint[], $2::text[], $3::bigint[], $4::bigint[], $5::bigint[], $6::text[])`,
    [
      intArray(kept.map((e) => e.seq)),
      kept.map((e) => e.type),
      intArray(kept.map((e) => e.id)),
      intArray(kept.map((e) => e.sid)),
      intArray(kept.map((e) => e.spid)),
      kept.map((e) => (e.data === null || e.data === undefined ? null : JSON.stringify(e.data))),
    ],
  );
  const wasEmpty = stored.oldestSeq >= stored.nextSeq;
  const oldest = wasEmpty ? kept[0].seq : stored.oldestSeq;
  const retainFrom = Math.min(batch.retainFrom, kept[kept.length - 1].seq);
  if (retainFrom <= oldest) return oldest;
  await w.query('DELETE FROM events WHERE seq < $1', [retainFrom]);
  return retainFrom;
}
