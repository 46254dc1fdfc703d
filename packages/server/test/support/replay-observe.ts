// What one instance answers about the whole namespace over HTTP (capacity, sets, each set's IDs, details
// and events, each ID and its references, the leases, whether each set's secret is known), read with
// `?min_seq=` so that it has seen the events up to there; its event stream from the start; and the
// events table of the database. Tests compare these between instances that replay each other's commits.

import type pg from 'pg';
import type { Api, Loose } from './client.js';
import { openStream } from './sse.js';

/** One answer as compared: status and body. */
export interface Seen {
  status: number;
  body: Loose;
}

/** Everything observed of one instance. */
export interface Observation {
  capacity: Seen;
  sets: Seen;
  /** By set ID: its IDs, their details, its retained events, and GET /v1/sets/{sid} with its secret. */
  perSet: Record<number, { ids: Seen; details: Seen; events: Seen; bySecret: Seen }>;
  /** By ID: GET /v1/ioasids/{id} and its references. */
  perId: Record<number, { info: Seen; refs: Seen }>;
  /** The leases (admin), without `expiresInMs`, which is each instance's own clock. */
  leases: Seen;
}

/**
 * Reads everything of the namespace from one instance, each GET with `?min_seq=minSeq`. `secrets` maps
 * set IDs to the secrets the test holds (a set's own secret is tried on GET /v1/sets/{sid}).
 * @returns the observation (answers of any status: a refusal is compared like any answer)
 */
export async function observe(
  admin: Api,
  withSecret: (secret: string) => Api,
  secrets: ReadonlyMap<number, string>,
  minSeq: number,
): Promise<Observation> {
  const get = async (api: Api, path: string): Promise<Seen> => {
    const answer = await api.get(`${path}${path.includes('?') ? '&' : '?'}min_seq=${minSeq}`);
    return { status: answer.status, body: answer.body };
  };
  const capacity = await get(admin, '/v1/capacity');
  const sets = await get(admin, '/v1/sets');
  const perSet: Observation['perSet'] = {};
  const perId: Observation['perId'] = {};
  for (const set of (sets.body?.sets ?? []) as { sid: number }[]) {
    const secret = secrets.get(set.sid);
    const ids = await get(admin, `/v1/sets/${set.sid}/ioasids`);
    perSet[set.sid] = {
      ids,
      details: await get(admin, `/v1/sets/${set.sid}/ioasid-details?limit=1000`),
      events: await get(admin, `/v1/sets/${set.sid}/events?limit=1000`),
      bySecret:
        secret === undefined
          ? { status: 0, body: null }
          : await get(withSecret(secret), `/v1/sets/${set.sid}`),
    };
    for (const id of (ids.body?.ids ?? []) as number[]) {
      perId[id] = {
        info: await get(admin, `/v1/ioasids/${id}`),
        refs: await get(admin, `/v1/ioasids/${id}/refs`),
      };
    }
  }
  const leases = await get(admin, '/v1/leases');
  if (Array.isArray(leases.body?.leases)) {
    leases.body = {
      leases: leases.body.leases.map(({ expiresInMs: _, ...rest }: { expiresInMs: number }) => rest),
    };
  }
  return { capacity, sets, perSet, perId, leases };
}

/**
 * A small view of one instance for checking that a refused request changed nothing: its sets, each
 * set's IDs in detail, and the leases (without `expiresInMs`). No min_seq: the caller syncs first.
 */
export async function glance(admin: Api): Promise<Loose> {
  const sets = (await admin.get('/v1/sets')).body;
  const details: Record<number, Loose> = {};
  for (const set of sets.sets as { sid: number }[]) {
    details[set.sid] = (await admin.get(`/v1/sets/${set.sid}/ioasid-details?limit=1000`)).body;
  }
  const leases = (await admin.get('/v1/leases')).body.leases.map(
    ({ expiresInMs: _, ...rest }: { expiresInMs: number }) => rest,
  );
  return { capacity: (await admin.get('/v1/capacity')).body, sets, details, leases };
}

/** An event as the stream and the database give it. */
export interface EventData {
  seq: number;
  type: string;
  id: number | null;
  sid: number | null;
  spid: number | null;
  data: Loose;
}

/** The first `count` events of the instance's stream from the start (`?after=0`), as `data`. */
export async function streamFromStart(base: string, secret: string, count: number): Promise<EventData[]> {
  const stream = await openStream(base, { secret, query: { after: 0 } });
  try {
    return (await stream.next(count, 15_000)).map((e) => e.data);
  } finally {
    stream.close();
  }
}

const num = (value: unknown) => (value === null ? null : Number(value));

/** Every row of the database's events table, ascending, in the stream's shape. */
export async function databaseEvents(db: pg.Client): Promise<EventData[]> {
  const rows = (await db.query('SELECT seq, type, id, sid, spid, data FROM events ORDER BY seq')).rows;
  return rows.map((r) => ({
    seq: Number(r.seq),
    type: r.type,
    id: num(r.id),
    sid: num(r.sid),
    spid: num(r.spid),
    data: r.data === null ? null : JSON.parse(r.data),
  }));
}

/** The namespace's version in the database: the number of the last commit of any instance. */
export async function lastCommit(db: pg.Client): Promise<number> {
  const rows = (await db.query('SELECT version FROM meta')).rows;
  return Number(rows[0].version);
}
