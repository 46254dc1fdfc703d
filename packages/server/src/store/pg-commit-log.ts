// The namespace's commit log in PostgreSQL: each write turn that changed anything appends one row (its
// version, the next event sequence number after it, its operations as JSON: pg-batch.ts writes it with
// the turn's other rows), and the other instances replay those rows to stay current. The NOTIFY of a commit carries its operations too when they fit, so
// an idle instance replays a small commit without reading the log. Old rows are pruned: an instance
// further behind reloads instead.

import type pg from 'pg';
import { LOCK_CLASS, LOCK_NAMESPACE } from './pg-schema.js';
import type { CommitRecord, OpRecord } from './store.js';

/**
 * Channel of the NOTIFY sent with each commit; the payload is `VERSION:NEXT_SEQ`, followed by
 * `:OPERATIONS` (the commit's operations as JSON) when the whole payload fits NOTIFY_PAYLOAD_BYTES.
 */
export const COMMIT_CHANNEL = 'ioasid_commit';
/** Largest payload sent (PostgreSQL refuses 8,000 bytes or more). */
export const NOTIFY_PAYLOAD_BYTES = 7900;
/** Commits kept in the log: an instance more than this many commits behind loads the whole state. */
export const KEPT_COMMITS = 20_000;
/** Commits read at most per query (a catch-up further behind reads again). */
const PAGE = 1000;

/** What one read of the log and the leases found. */
export interface LogRead {
  readonly commits: CommitRecord[] | 'gap';
  /** True when more commits than one page were waiting (read again). */
  readonly more: boolean;
  readonly expired: string[];
  readonly nextExpiryMs: number | null;
}

/** Columns of the log read, by name (the simple protocol of `beginTurn` has no array row mode). */
interface LogRow {
  head: string | null;
  version: string | null;
  next_seq: string | null;
  ops: string | null;
  expired: string[];
  next_expiry_ms: number | null;
}

/** The log read after `after` (an integer, inlined: the turn sends it in the simple protocol). */
function logSql(after: number, leases: boolean): string {
  if (!Number.isSafeInteger(after) || after < 0) throw new RangeError(`not a version: ${after}`);
  return `SELECT m.version AS head, c.version, c.next_seq, c.ops,
       ${leases ? "(SELECT coalesce(array_agg(lease ORDER BY lease), '{}') FROM leases WHERE expires_at <= now())" : "'{}'::text[]"} AS expired,
       ${leases ? '(SELECT extract(epoch FROM min(expires_at) - now()) * 1000 FROM leases WHERE expires_at > now())::float8' : 'NULL::float8'} AS next_expiry_ms
     FROM (SELECT 1) one
     LEFT JOIN meta m ON m.one = 1
     LEFT JOIN LATERAL (SELECT version, next_seq, ops FROM commits WHERE version > ${after} ORDER BY version LIMIT ${PAGE + 1}) c ON true`;
}

function parseLog(rows: LogRow[], after: number): LogRead {
  const head = rows[0].head === null ? 0 : Number(rows[0].head);
  const expired = rows[0].expired;
  const nextExpiryMs =
    rows[0].next_expiry_ms === null ? null : Math.max(0, Math.ceil(rows[0].next_expiry_ms));
  const commits: CommitRecord[] = [];
  for (const r of rows) {
    if (r.version === null) continue;
    if (commits.length === PAGE) break;
    commits.push({
      version: Number(r.version),
      nextSeq: Number(r.next_seq),
      ops: JSON.parse(r.ops as string) as OpRecord[],
    });
  }
  const more = rows.length > PAGE && rows[PAGE].version !== null;
  const gap =
    (commits.length > 0 && commits[0].version !== after + 1) || (commits.length === 0 && head > after);
  return { commits: gap ? 'gap' : commits, more, expired, nextExpiryMs };
}

/**
 * Begins a transaction on `w`, takes the namespace's lock and reads the log after `after` with the
 * expired leases, in one round trip: three statements in the simple protocol, the read with a snapshot
 * of its own taken once the lock is held. A turn of another instance holding the lock makes this wait,
 * at most the connection's `lock_timeout`.
 * @returns the read, and the milliseconds the database spent waiting for the lock
 */
export async function beginTurn(w: pg.Client, after: number): Promise<{ read: LogRead; lockWaitMs: number }> {
  const results = (await w.query(
    `BEGIN;
     SELECT extract(epoch FROM clock_timestamp() - statement_timestamp()) * 1000 AS waited
       FROM (SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${LOCK_NAMESPACE})) l;
     ${logSql(after, true)}`,
  )) as unknown as pg.QueryResult[];
  const lockWaitMs = Number(results[1].rows[0].waited);
  return { read: parseLog(results[2].rows as LogRow[], after), lockWaitMs };
}

/** Reads the commits after `after` without the lock (catch-up between turns). */
export async function readLog(w: pg.Client, after: number): Promise<LogRead> {
  const result = await w.query<LogRow>(logSql(after, false));
  return parseLog(result.rows, after);
}

/**
 * Commits the open transaction of `w`, notifying the other instances of `version` (with its operations
 * when they fit) in the same round trip; the notification is delivered only if the commit succeeds.
 */
export async function commitAndNotify(
  w: pg.Client,
  version: number,
  nextSeq: number,
  json: string,
): Promise<void> {
  let payload = `${version}:${nextSeq}:${json}`;
  if (Buffer.byteLength(payload) > NOTIFY_PAYLOAD_BYTES) payload = `${version}:${nextSeq}`;
  // standard_conforming_strings is on (pg-connect.ts): only quotes need doubling in the literal.
  await w.query(`NOTIFY ${COMMIT_CHANNEL}, '${payload.replaceAll("'", "''")}'; COMMIT`);
}

/** A notification as heard: its version and next sequence number, and its operations still as text. */
export interface Notification {
  readonly version: number;
  readonly nextSeq: number;
  /** The operations' JSON, or null when they did not come with it. */
  readonly opsJson: string | null;
}

/**
 * Parses a notification's header; the operations are left as text (`commitOf` parses them), since an
 * instance's own commits, announced to it too, need no parsing.
 * @returns null for a payload this server does not understand
 */
export function parseNotification(payload: string): Notification | null {
  const first = payload.indexOf(':');
  const second = first < 0 ? -1 : payload.indexOf(':', first + 1);
  const version = Number(payload.slice(0, first));
  const nextSeq = Number(second < 0 ? payload.slice(first + 1) : payload.slice(first + 1, second));
  if (first < 0 || !Number.isSafeInteger(version) || !Number.isSafeInteger(nextSeq)) return null;
  return { version, nextSeq, opsJson: second < 0 ? null : payload.slice(second + 1) };
}

/** The commit a notification announced, or null when its operations did not come with it (or are not a list). */
export function commitOf(heard: Notification): CommitRecord | null {
  if (heard.opsJson === null) return null;
  try {
    const ops = JSON.parse(heard.opsJson) as unknown;
    return Array.isArray(ops)
      ? { version: heard.version, nextSeq: heard.nextSeq, ops: ops as OpRecord[] }
      : null;
  } catch {
    return null;
  }
}
