// One batch of the PostgreSQL store as SQL, inside the caller's transaction. What every batch writes
// (the meta row, IDs, events, the commit log's row, retention) goes in ONE statement of data-modifying
// CTEs, so a write turn holds the namespace's lock for as few round trips as possible; the rarer kinds
// (sets, data, leases, references) get a statement each over arrays (unnest, ANY).

import type pg from 'pg';
import { idArrays, intArray } from './pg-id-codec.js';
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
  /** The commit log's row to append (its operations as JSON), or null when the batch logs none. */
  readonly log: string | null;
}

/** Builds one statement of several parts, numbering their parameters. */
class Statement {
  readonly parts: string[] = [];
  readonly values: unknown[] = [];

  /** Adds a parameter and returns its placeholder. */
  p(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/**
 * Writes `batch` inside the open transaction of `w`. The `meta` row is only updated where `next_seq` is
 * still `stored.nextSeq`, so a write by anything else fails the batch instead of being overwritten.
 * New IDs are inserted plainly (a duplicate key fails the batch), the others updated (every one must be
 * found): half the work of an upsert, and a wrong belief about a row fails loudly.
 * @returns the oldest event stored once it commits (the stored events are always one run,
 * `[oldest, nextSeq)`, empty when they are equal)
 * @throws Error when the stored sequence moved (another writer), or a statement fails; the caller then
 * rolls back
 */
export async function writeBatch(w: pg.Client, batch: StoreBatch, stored: StoredSequence): Promise<number> {
  await writeRareRows(w, batch);
  const m = batch.meta;
  const { ids, events } = batch;
  const s = new Statement();
  s.parts.push(
    `m AS (INSERT INTO meta (one, capacity, next_seq, system_sid, version)
       VALUES (1, ${s.p(m.capacity)}, ${s.p(m.nextSeq)}, ${s.p(m.systemSid)}, ${s.p(stored.version)})
       ON CONFLICT (one) DO UPDATE SET capacity = EXCLUDED.capacity, next_seq = EXCLUDED.next_seq,
         system_sid = EXCLUDED.system_sid, version = EXCLUDED.version
       WHERE meta.next_seq = ${s.p(stored.nextSeq)} RETURNING 1)`,
  );
  // The parts of one statement must touch distinct rows. An ID removed and written again by the same
  // batch (removals go first) is simply written: updated when it has a row, inserted otherwise.
  let remove = ids.remove;
  if (remove.length > 0 && ids.upsert.length > 0) {
    const written = new Set(ids.upsert.map((r) => r.id));
    remove = remove.filter((id) => !written.has(id));
  }
  if (remove.length > 0) {
    s.parts.push(`d AS (DELETE FROM ids WHERE id = ANY(${s.p(intArray(remove))}::bigint[]))`);
  }
  const { insert, update } = stored.ids.split({ upsert: ids.upsert, remove });
  if (insert.length > 0) {
    const a = idArrays(insert);
    s.parts.push(
      `i AS (INSERT INTO ids (id, sid, refs, free_pending, spid)
         SELECT * FROM unnest(${s.p(a[0])}::bigint[], ${s.p(a[1])}::bigint[], ${s.p(a[2])}::integer[],
           ${s.p(a[3])}::boolean[], ${s.p(a[4])}::bigint[]))`,
    );
  }
  if (update.length > 0) {
    const a = idArrays(update);
    s.parts.push(
      `u AS (UPDATE ids SET sid = x.sid, refs = x.refs, free_pending = x.free_pending, spid = x.spid
         FROM unnest(${s.p(a[0])}::bigint[], ${s.p(a[1])}::bigint[], ${s.p(a[2])}::integer[],
           ${s.p(a[3])}::boolean[], ${s.p(a[4])}::bigint[]) AS x(id, sid, refs, free_pending, spid)
         WHERE ids.id = x.id RETURNING 1)`,
    );
  }
  let oldest = stored.oldestSeq;
  if (events.length > 0) {
    // Events of this batch already past the retention (a freeSet of a huge set) are not written; the
    // newest one always is, so the stored log never ends before the sequence does.
    const skip = Math.min(events.length - 1, Math.max(0, batch.retainFrom - events[0].seq));
    const kept = skip === 0 ? events : events.slice(skip);
    s.parts.push(
      `e AS (INSERT INTO events (seq, type, id, sid, spid, data)
         SELECT * FROM unnest(${s.p(intArray(kept.map((e) => e.seq)))}::bigint[], ${s.p(kept.map((e) => e.type))}::text[],
           ${s.p(intArray(kept.map((e) => e.id)))}::bigint[], ${s.p(intArray(kept.map((e) => e.sid)))}::bigint[],
           ${s.p(intArray(kept.map((e) => e.spid)))}::bigint[],
           ${s.p(kept.map((e) => (e.data === null || e.data === undefined ? null : JSON.stringify(e.data))))}::text[]))`,
    );
    const wasEmpty = stored.oldestSeq >= stored.nextSeq;
    oldest = wasEmpty ? kept[0].seq : stored.oldestSeq;
    const retainFrom = Math.min(batch.retainFrom, kept[kept.length - 1].seq);
    if (retainFrom > oldest) {
      // Only rows older than every event written here: no part of this statement touches them.
      s.parts.push(`r AS (DELETE FROM events WHERE seq < ${s.p(retainFrom)})`);
      oldest = retainFrom;
    }
  }
  if (stored.log !== null) {
    s.parts.push(
      `c AS (INSERT INTO commits (version, next_seq, ops) VALUES (${s.p(stored.version)}, ${s.p(m.nextSeq)}, ${s.p(stored.log)}))`,
    );
  }
  const counts = await w.query<[number, number]>({
    text: `WITH ${s.parts.join(',\n')}
      SELECT (SELECT count(*) FROM m)::int, ${update.length > 0 ? '(SELECT count(*) FROM u)::int' : '0'}`,
    values: s.values,
    rowMode: 'array',
  });
  const [metaRows, updated] = counts.rows[0];
  if (metaRows !== 1) {
    throw new Error(
      `the database ${stored.where} no longer continues at event ${stored.nextSeq}: something else wrote to it; nothing was written`,
    );
  }
  if (updated !== update.length) {
    throw new Error(
      `${update.length - updated} of ${update.length} IDs to update have no row in ${stored.where}: something else wrote to it; nothing was written`,
    );
  }
  return oldest;
}

/** Writes the kinds of change most batches do not have: sets, ID data, leases and their references. */
async function writeRareRows(w: pg.Client, batch: StoreBatch): Promise<void> {
  const { sets, data, leases, leaseRefs } = batch;
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
}
