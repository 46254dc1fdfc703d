// Random requests covering every operation of the namespace's commit log (capacity, sets, IDs, spids,
// data, notify, leases and references), many of them refused on purpose: owners that exist, quotas that
// do not fit, other sets' IDs, unknown leases, free-pending IDs, dying sets, reserved event types, data
// over 4 KiB, batches whose range runs out part-way. What the test learns from the answers (sets and
// their secrets, IDs, leases) steers the next requests; no model decides what the answers must be.

import type { Answer, Loose } from './client.js';
import type { Random } from './random.js';

/** The operations of the commit log that a request can cause (lease expiry is not a request). */
export const REQUEST_OPS = [
  'capacity',
  'createSet',
  'createSystemSet',
  'adjustSet',
  'freeSet',
  'alloc',
  'allocMany',
  'free',
  'setData',
  'attachSpid',
  'detachSpid',
  'notify',
  'createLease',
  'keepalive',
  'deleteLease',
  'takeRef',
  'dropRef',
] as const;

/** One of REQUEST_OPS. */
export type RequestOp = (typeof REQUEST_OPS)[number];

/** A request to send: which operation, the call, and the credential (the admin token or a set secret). */
export interface ReplayRequest {
  readonly op: RequestOp;
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  readonly path: string;
  readonly body?: unknown;
  readonly secret: string;
}

/** What the test learnt from answers so far; refreshed from what the servers answer at checkpoints. */
export interface Knowledge {
  readonly adminToken: string;
  /** The installed capacity (0 until one is). */
  capacity: number;
  /** Set ID -> secret of the latest set created with that ID. */
  readonly secrets: Map<number, string>;
  /** Set IDs believed live and not dying. */
  sets: Set<number>;
  /** IDs believed allocated -> their set. */
  ids: Map<number, number>;
  /** Leases believed live -> the set whose secret created them (null: the admin). */
  leases: Map<string, number | null>;
  /** References believed held, keyed `id lease`: [id, lease]. */
  refs: Map<string, [number, string]>;
  /** Leases the random requests leave alone (the one left to expire). */
  readonly reserved: Set<string>;
  /** IDs the random requests leave alone (those the lease left to expire holds). */
  readonly avoid: Set<number>;
}

/** Empty knowledge: nothing installed yet. */
export function emptyKnowledge(adminToken: string): Knowledge {
  return {
    adminToken,
    capacity: 0,
    secrets: new Map(),
    sets: new Set(),
    ids: new Map(),
    leases: new Map(),
    refs: new Map(),
    reserved: new Set(),
    avoid: new Set(),
  };
}

const OWNERS = ['vm-a', 'vm-b', 'vm-c', 'vm-d', 'vm-e', 'vm-f'];
const CUSTOM_TYPES = ['vm-pause', 'vm-resume', 'page-fault', 'migrate'];
const RESERVED_TYPES = ['alloc', 'free', 'bind', 'unbind', 'lease-expired'];
/** A well-formed lease name no lease has (22 base64url characters). */
export const UNKNOWN_LEASE = 'AAAAAAAAAAAAAAAAAAAAAA';
/** Leases the random requests create live longer than the test (the TTL's maximum). */
const LONG_TTL_MS = 600_000;

/** Relative weights of the operations in the random phase. */
const WEIGHTS: [RequestOp, number][] = [
  ['capacity', 1],
  ['createSet', 6],
  ['createSystemSet', 2],
  ['adjustSet', 4],
  ['freeSet', 3],
  ['alloc', 14],
  ['allocMany', 7],
  ['free', 8],
  ['setData', 5],
  ['attachSpid', 6],
  ['detachSpid', 4],
  ['notify', 5],
  ['createLease', 4],
  ['keepalive', 3],
  ['deleteLease', 2],
  ['takeRef', 8],
  ['dropRef', 6],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, w]) => sum + w, 0);

function pickOp(rng: Random, k: Knowledge): RequestOp {
  // Keep a few sets alive, so most requests have somewhere to go.
  if (k.capacity > 0 && k.sets.size < 2 && rng.chance(0.5)) return 'createSet';
  let r = rng.int(TOTAL_WEIGHT);
  for (const [op, w] of WEIGHTS) {
    if (r < w) return op;
    r -= w;
  }
  return 'alloc';
}

/** A set ID: mostly a live one, sometimes a gone or never-created one. */
function pickSid(rng: Random, k: Knowledge): number {
  if (k.sets.size > 0 && rng.chance(0.85)) return rng.pick([...k.sets]);
  if (k.secrets.size > 0 && rng.chance(0.6)) return rng.pick([...k.secrets.keys()]);
  return rng.int(12);
}

/** An ID and its set (null when not known): mostly a known one, sometimes any number. */
function pickId(rng: Random, k: Knowledge): [number, number | null] {
  const known = [...k.ids].filter(([id]) => !k.avoid.has(id));
  if (known.length > 0 && rng.chance(0.85)) return rng.pick(known);
  for (;;) {
    const id = rng.int(Math.max(k.capacity, 50) + 10);
    if (!k.avoid.has(id)) return [id, null];
  }
}

/**
 * A lease: mostly a known one not reserved (with `forSid`, mostly one that may reference that set's
 * IDs: its own or the admin's), sometimes one that does not exist.
 */
function pickLease(rng: Random, k: Knowledge, forSid?: number | null): [string, number | null] {
  const usable = [...k.leases].filter(([name]) => !k.reserved.has(name));
  const fitting = usable.filter(([, sid]) => sid === null || sid === forSid);
  if (forSid !== undefined && fitting.length > 0 && rng.chance(0.7)) return rng.pick(fitting);
  if (usable.length > 0 && rng.chance(0.9)) return rng.pick(usable);
  return [UNKNOWN_LEASE, null];
}

/** The credential: mostly the set's own secret, else the admin token, sometimes another set's secret. */
function callerFor(rng: Random, k: Knowledge, sid: number | null): string {
  const own = sid === null ? undefined : k.secrets.get(sid);
  const r = rng.int(100);
  if (own !== undefined && r < 70) return own;
  if (r < 93 || k.secrets.size === 0) return k.adminToken;
  return rng.pick([...k.secrets.values()]);
}

/** The credential for a lease's reference: mostly the lease's creator, else as callerFor the ID's set. */
function leaseCaller(rng: Random, k: Knowledge, creator: number | null, sid: number | null): string {
  if (!rng.chance(0.75)) return callerFor(rng, k, sid);
  return creator === null ? k.adminToken : (k.secrets.get(creator) ?? k.adminToken);
}

/** A range `[min, max]`, mostly low and overlapping others, sometimes empty (min > max). */
function range(rng: Random, k: Knowledge): { min: number; max: number } {
  const top = Math.max(k.capacity, 50);
  const min = rng.chance(0.7) ? rng.int(40) : rng.int(top + 10);
  const max = min + rng.int(rng.chance(0.3) ? 4 : 60);
  return rng.chance(0.04) ? { min: max + 1, max: min } : { min, max };
}

/** Data for an ID: none, a small object, a string, or (rarely) over 4 KiB. */
function data(rng: Random): unknown {
  const r = rng.int(100);
  if (r < 30) return undefined;
  if (r < 40) return null;
  if (r < 97) return rng.chance(0.5) ? { vm: rng.int(1000), tag: `t${rng.int(9)}` } : `d-${rng.int(100)}`;
  return 'x'.repeat(4200);
}

/** The next random request, given what is known. */
export function randomRequest(rng: Random, k: Knowledge): ReplayRequest {
  const op = pickOp(rng, k);
  const admin = k.adminToken;
  switch (op) {
    case 'capacity':
      return {
        op,
        method: 'PUT',
        path: '/v1/capacity',
        body: { capacity: 100 + rng.int(200) },
        secret: admin,
      };
    case 'createSet': {
      const quota = rng.chance(0.05) ? k.capacity + 5 : 1 + rng.int(24);
      return {
        op,
        method: 'POST',
        path: '/v1/sets',
        body: { owner: rng.pick(OWNERS), quota },
        secret: admin,
      };
    }
    case 'createSystemSet':
      return { op, method: 'POST', path: '/v1/sets/system', body: { quota: 1 + rng.int(8) }, secret: admin };
    case 'adjustSet': {
      const sid = pickSid(rng, k);
      return {
        op,
        method: 'PATCH',
        path: `/v1/sets/${sid}`,
        body: { quota: rng.int(30) },
        secret: rng.chance(0.9) ? admin : callerFor(rng, k, sid),
      };
    }
    case 'freeSet': {
      const sid = pickSid(rng, k);
      const destroy = rng.chance(0.5);
      return {
        op,
        method: 'DELETE',
        path: `/v1/sets/${sid}?destroy=${destroy}`,
        secret: callerFor(rng, k, sid),
      };
    }
    case 'alloc': {
      const sid = pickSid(rng, k);
      const value = data(rng);
      const body = { ...range(rng, k), ...(value === undefined ? {} : { data: value }) };
      return { op, method: 'POST', path: `/v1/sets/${sid}/ioasids`, body, secret: callerFor(rng, k, sid) };
    }
    case 'allocMany': {
      const sid = pickSid(rng, k);
      const value = data(rng);
      // A narrow range often runs out part-way: those allocated are rolled back.
      const narrow = rng.chance(0.5);
      const r = narrow ? { min: rng.int(60), max: 0 } : range(rng, k);
      if (narrow) r.max = r.min + 1 + rng.int(3);
      const body = { ...r, count: 1 + rng.int(5), ...(value === undefined ? {} : { data: value }) };
      return { op, method: 'POST', path: `/v1/sets/${sid}/ioasids`, body, secret: callerFor(rng, k, sid) };
    }
    case 'free': {
      const [id, sid] = pickId(rng, k);
      return { op, method: 'DELETE', path: `/v1/ioasids/${id}`, secret: callerFor(rng, k, sid) };
    }
    case 'setData': {
      const [id, sid] = pickId(rng, k);
      const value = data(rng);
      return {
        op,
        method: 'PUT',
        path: `/v1/ioasids/${id}/data`,
        body: { data: value === undefined ? null : value },
        secret: callerFor(rng, k, sid),
      };
    }
    case 'attachSpid': {
      const [id, sid] = pickId(rng, k);
      return {
        op,
        method: 'PUT',
        path: `/v1/ioasids/${id}/spid`,
        body: { spid: rng.int(12) },
        secret: callerFor(rng, k, sid),
      };
    }
    case 'detachSpid': {
      const [id, sid] = pickId(rng, k);
      return { op, method: 'DELETE', path: `/v1/ioasids/${id}/spid`, secret: callerFor(rng, k, sid) };
    }
    case 'notify': {
      const [id, sid] = pickId(rng, k);
      const type = rng.chance(0.85) ? rng.pick(CUSTOM_TYPES) : rng.pick(RESERVED_TYPES);
      return {
        op,
        method: 'POST',
        path: `/v1/ioasids/${id}/notify`,
        body: { type },
        secret: callerFor(rng, k, sid),
      };
    }
    case 'createLease': {
      const sid = k.sets.size > 0 && rng.chance(0.6) ? rng.pick([...k.sets]) : null;
      return {
        op,
        method: 'POST',
        path: '/v1/leases',
        body: { ttlMs: LONG_TTL_MS },
        secret: sid === null ? admin : callerFor(rng, k, sid),
      };
    }
    case 'keepalive': {
      const [lease, sid] = pickLease(rng, k);
      return { op, method: 'POST', path: `/v1/leases/${lease}/keepalive`, secret: callerFor(rng, k, sid) };
    }
    case 'deleteLease': {
      const [lease, sid] = pickLease(rng, k);
      return { op, method: 'DELETE', path: `/v1/leases/${lease}`, secret: callerFor(rng, k, sid) };
    }
    case 'takeRef': {
      const [id, sid] = pickId(rng, k);
      const [lease, creator] = pickLease(rng, k, sid);
      const path = `/v1/ioasids/${id}/refs`;
      return { op, method: 'POST', path, body: { lease }, secret: leaseCaller(rng, k, creator, sid) };
    }
    case 'dropRef': {
      const held = [...k.refs].filter(([, [id, lease]]) => !k.avoid.has(id) && !k.reserved.has(lease));
      const [id, sid, lease, creator] =
        held.length > 0 && rng.chance(0.6)
          ? (() => {
              const [, [i, l]] = rng.pick(held);
              return [i, k.ids.get(i) ?? null, l, k.leases.get(l) ?? null] as const;
            })()
          : (() => {
              const [i, s] = pickId(rng, k);
              return [i, s, ...pickLease(rng, k, s)] as const;
            })();
      const path = `/v1/ioasids/${id}/refs?lease=${lease}`;
      return { op, method: 'DELETE', path, secret: leaseCaller(rng, k, creator, sid) };
    }
  }
}

/** Learns from an answer: the capacity, sets and secrets, IDs and leases it created or ended. */
export function learn(k: Knowledge, request: ReplayRequest, answer: Answer<Loose>): void {
  if (answer.status >= 300) return;
  const body = answer.body;
  switch (request.op) {
    case 'capacity':
      k.capacity = body.capacity;
      return;
    case 'createSet':
    case 'createSystemSet':
      k.secrets.set(body.sid, body.secret);
      k.sets.add(body.sid);
      return;
    case 'freeSet':
      if (request.path.endsWith('destroy=true'))
        k.sets.delete(Number(request.path.split('/')[3].split('?')[0]));
      return;
    case 'alloc':
    case 'allocMany': {
      const sid = Number(request.path.split('/')[3]);
      for (const id of body.ids ?? [body.id]) k.ids.set(id, sid);
      return;
    }
    case 'createLease': {
      const sid = [...k.secrets].find(([, secret]) => secret === request.secret)?.[0] ?? null;
      k.leases.set(body.lease, sid);
      return;
    }
    case 'takeRef': {
      const id = Number(request.path.split('/')[3]);
      const lease = (request.body as { lease: string }).lease;
      k.refs.set(`${id} ${lease}`, [id, lease]);
      return;
    }
    case 'dropRef': {
      const [path, query] = request.path.split('?');
      const id = Number(path.split('/')[3]);
      if (body.released) k.refs.delete(`${id} ${new URLSearchParams(query).get('lease')}`);
      return;
    }
    case 'deleteLease':
      k.leases.delete(request.path.split('/')[3]);
      return;
    default:
      return;
  }
}
