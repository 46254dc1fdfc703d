// The namespace's commit log in PostgreSQL: each write turn that changed anything appends one row (its
// version, the next event sequence number after it, its operations as JSON), and the other instances
// replay those rows to stay current. Old rows are pruned: an instance further behind reloads instead.

import type pg from 'pg';
import { LOCK_CLASS, LOCK_NAMESPACE } from './pg-schema.js';
import type { CommitRecord, OpRecord } from './store.js';

/** Channel of the NOTIFY sent with each commit; the payload is `VERSION:NEXT_SEQ` after it. */
export const COMMIT_CHANNEL = 'ioasid_commit';
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

/**
 * Begins a transaction on `w` and takes the namespace's lock (one round trip: the keys are constants);
 * a turn of another instance holding it makes this wait, at most the connection's `lock_timeout`.
 * @returns milliseconds spent waiting
 */
export async function beginTurn(w: pg.Client): Promise<number> {
  const started = performance.now();
  await w.query(`BEGIN; SELECT pg_advisory_xact_lock(${LOCK_CLASS}, ${LOCK_NAMESPACE})`);
  return performance.now() - started;
}

/**
 * Reads, in one statement (one snapshot), the commits after `after` and, with `leases`, the leases whose
 * time ran out by the database's clock and the time until the next one does.
 */
export async function readLog(w: pg.Client, after: number, leases: boolean): Promise<LogRead> {
  const result = await w.query<
    [string | null, string | null, string | null, string | null, string[], number | null]
  >({
    text: `SELECT m.version, c.version, c.next_seq, c.ops,
             ${leases ? "(SELECT coalesce(array_agg(lease ORDER BY lease), '{}') FROM leases WHERE expires_at <= now())" : "'{}'::text[]"},
             ${leases ? '(SELECT extract(epoch FROM min(expires_at) - now()) * 1000 FROM leases WHERE expires_at > now())::float8' : 'NULL::float8'}
           FROM (SELECT 1) one
           LEFT JOIN meta m ON m.one = 1
           LEFT JOIN LATERAL (SELECT version, next_seq, ops FROM commits WHERE version > $1 ORDER BY version LIMIT ${PAGE + 1}) c ON true`,
    values: [after],
    rowMode: 'array',
  });
  const rows = result.rows;
  const head = rows[0][0] === null ? 0 : Number(rows[0][0]);
  const expired = rows[0][4];
  const nextExpiryMs = rows[0][5] === null ? null : Math.max(0, Math.ceil(rows[0][5]));
  const commits: CommitRecord[] = [];
  for (const r of rows) {
    if (r[1] === null) continue;
    if (commits.length === PAGE) break;
    commits.push({
      version: Number(r[1]),
      nextSeq: Number(r[2]),
      ops: JSON.parse(r[3] as string) as OpRecord[],
    });
  }
  const more = rows.length > PAGE && rows[PAGE][1] !== null;
  const gap =
    (commits.length > 0 && commits[0].version !== after + 1) || (commits.length === 0 && head > after);
  return { commits: gap ? 'gap' : commits, more, expired, nextExpiryMs };
}

/**
 * Appends the commit of `version` to the log, prunes what is past KEPT_COMMITS (every 256 versions) and
 * queues the notification, all inside the open transaction of `w` (the notification is delivered at
 * COMMIT, and not at all on rollback).
 */
export async function appendCommit(
  w: pg.Client,
  version: number,
  nextSeq: number,
  ops: readonly OpRecord[],
): Promise<void> {
  await w.query('INSERT INTO commits (version, next_seq, ops) VALUES ($1, $2, $3)', [
    version,
    nextSeq,
    JSON.stringify(ops),
  ]);
  if (version % 256 === 0) await w.query('DELETE FROM commits WHERE version <= $1', [version - KEPT_COMMITS]);
  await w.query(`NOTIFY ${COMMIT_CHANNEL}, '${version}:${nextSeq}'`);
}
