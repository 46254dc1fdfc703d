// The load and the final check of the multi-instance tests. Clients each work in one set with its secret
// and send every request to a random running instance: allocations with random ranges (single and
// batches), frees of IDs they hold, reads of their set as of the last seq they were answered (every ID
// they hold listed), and, at the end, allocations until the set's quota refuses them. What
// each request was answered is recorded for the checker (support/event-log-model.ts). The final check
// writes a barrier allocation, reads the whole log from every instance (the same on each), runs the
// checker, and compares what every instance answers with the state the log folds to.

import { expect } from 'vitest';
import { type Answer, client } from './client.js';
import {
  type Ack,
  type AllocData,
  checkHistory,
  type Doubt,
  type FoldedState,
  idsOf,
  type LogEvent,
  type ModelSet,
  type RefusalReason,
} from './event-log-model.js';
import { INSTANCES_TOKEN, type Instances } from './instances.js';
import { type Random, random } from './random.js';
import { openStream } from './sse.js';

/** A set of the load, with its secret. */
export interface LoadSet extends ModelSet {
  secret: string;
}

/** One client: its set, its generator and the IDs it holds (ID → the request that allocated it). */
export interface LoadClient {
  index: number;
  set: LoadSet;
  rng: Random;
  held: Map<number, string>;
  counter: number;
  /** The highest `ioasid-seq` the client was answered: its reads ask for at least that. */
  seq: number;
}

/** What the clients were answered, and how long the instances together answered nothing. */
export interface Recorder {
  acks: Ack[];
  doubts: Doubt[];
  /** Answers by operation and outcome (coverage). */
  coverage: Map<string, number>;
  /** Longest time between two answers (any status, any instance) between `begin()` and `end()`. */
  maxGapMs: number;
  /** Set when a client got an answer no rule allows: the others stop. */
  halted: boolean;
  /** Starts measuring the gaps. */
  begin(): void;
  /** Notes an answer received now. */
  answered(): void;
  /** Stops measuring, counting the time since the last answer as a gap. */
  end(): void;
}

/** The instances, the recorder, the sets and where allocations may land. */
export interface Load {
  readonly instances: Instances;
  readonly rec: Recorder;
  readonly sets: LoadSet[];
  /** The admin's set for the barrier allocation (quota 1). */
  readonly barrier: ModelSet;
  /** Random ranges lie in [1, span]: narrow enough that ranges fill up and allocations contend. */
  readonly span: number;
  /** The installed capacity. */
  readonly capacity: number;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function recorder(): Recorder {
  let last = 0;
  let measuring = false;
  const rec: Recorder = {
    acks: [],
    doubts: [],
    coverage: new Map(),
    maxGapMs: 0,
    halted: false,
    begin() {
      last = performance.now();
      measuring = true;
    },
    answered() {
      if (!measuring) return;
      const now = performance.now();
      rec.maxGapMs = Math.max(rec.maxGapMs, now - last);
      last = now;
    },
    end() {
      rec.answered();
      measuring = false;
    },
  };
  return rec;
}

function count(rec: Recorder, key: string): void {
  rec.coverage.set(key, (rec.coverage.get(key) ?? 0) + 1);
}

/**
 * Creates the sets (owners `mi-<index>`, with `quotas`) and the barrier set on instance 0, and waits until
 * every instance lists them (a set's creation has no event, so `min_seq` cannot wait for it).
 * @returns the load, ready for `clients`
 */
export async function prepareLoad(
  instances: Instances,
  quotas: readonly number[],
  options: { span: number; capacity?: number },
): Promise<Load> {
  const admin = client(instances.url(0), INSTANCES_TOKEN);
  const sets: LoadSet[] = [];
  for (const [i, quota] of quotas.entries()) {
    const made = await admin.post('/v1/sets', { owner: `mi-${i}`, quota });
    expect(made.status, JSON.stringify(made.body)).toBe(201);
    sets.push({ sid: made.body.sid, quota, secret: made.body.secret });
  }
  const made = await admin.post('/v1/sets', { owner: 'mi-barrier', quota: 1 });
  expect(made.status).toBe(201);
  const barrier = { sid: made.body.sid as number, quota: 1 };
  const sids = [...sets.map((s) => s.sid), barrier.sid].sort((a, b) => a - b);
  for (const index of instances.live()) {
    const api = client(instances.url(index), INSTANCES_TOKEN);
    await expect
      .poll(async () => ((await api.get('/v1/sets')).body?.sets ?? []).map((s: { sid: number }) => s.sid), {
        timeout: 10_000,
      })
      .toEqual(sids);
  }
  return {
    instances,
    rec: recorder(),
    sets,
    barrier,
    span: options.span,
    capacity: options.capacity ?? 4096,
  };
}

/** `n` clients spread round-robin over the sets, each with its own generator derived from `rng`'s seed. */
export function clients(load: Load, rng: Random, n: number): LoadClient[] {
  return Array.from({ length: n }, (_, index) => ({
    index,
    set: load.sets[index % load.sets.length],
    rng: random((rng.seed + (index + 1) * 0x9e3779b9) >>> 0),
    held: new Map(),
    counter: 0,
    seq: 0,
  }));
}

/** What became of a request. */
export type Outcome = { kind: 'ok' } | { kind: 'refused'; reason: RefusalReason } | { kind: 'lost' };

/** Sends one request to a random running instance; null when no answer came (the instance died). */
async function send(load: Load, c: LoadClient, call: (url: string) => Promise<Answer>) {
  const url = await load.instances.pick(c.rng);
  const sentAt = performance.now();
  try {
    const answer = await call(url);
    load.rec.answered();
    return { answer, sentAt, ackedAt: performance.now() };
  } catch {
    return { answer: null, sentAt, ackedAt: performance.now() };
  }
}

/** Fails the load (and stops the other clients) with what was asked and answered. */
function unexpected(load: Load, what: string, answer: Answer): never {
  load.rec.halted = true;
  throw new Error(`${what}: unexpected answer ${answer.status} ${JSON.stringify(answer.body)}`);
}

/** Allocates `count` IDs of `[min, max]` in the client's set; records the answer. */
export async function allocate(load: Load, c: LoadClient, min: number, max: number, n = 1): Promise<Outcome> {
  const { rec } = load;
  const sid = c.set.sid;
  const req = `c${c.index}-${c.counter++}`;
  const data: AllocData = { min, max, req };
  const body = n === 1 ? { min, max, data } : { min, max, data, count: n };
  const op = n === 1 ? 'alloc' : 'batch';
  const { answer, sentAt, ackedAt } = await send(load, c, (url) =>
    client(url, c.set.secret).post(`/v1/sets/${sid}/ioasids`, body),
  );
  if (answer === null || answer.status === 503) {
    // No answer, or EAGAIN (a commit that failed may still have landed): applied wholly or not at all.
    rec.doubts.push({ kind: 'alloc', req, sid, count: n, sentAt });
    count(rec, `${op} ${answer === null ? 'lost' : `503 ${answer.body?.error?.reason}`}`);
    return { kind: 'lost' };
  }
  if (answer.status === 201) {
    const ids: number[] = n === 1 ? [answer.body.id] : answer.body.ids;
    const seq = Number(answer.headers.get('ioasid-seq'));
    rec.acks.push({ kind: 'alloc', req, sid, min, max, count: n, ids, seq, sentAt, ackedAt });
    c.seq = Math.max(c.seq, seq);
    for (const id of ids) c.held.set(id, req);
    count(rec, `${op} 201`);
    return { kind: 'ok' };
  }
  const reason = answer.body?.error?.reason;
  if (answer.status === 409 && ['set-quota', 'batch-over-quota', 'no-free-id'].includes(reason)) {
    rec.acks.push({ kind: 'refused', reason, req, sid, min, max, count: n, sentAt, ackedAt });
    count(rec, `${op} refused ${reason}`);
    return { kind: 'refused', reason };
  }
  return unexpected(load, `client ${c.index}: allocation ${JSON.stringify(body)} in set ${sid}`, answer);
}

/** Frees a random ID the client holds; records the answer. A free without answer is not retried. */
export async function freeOne(load: Load, c: LoadClient): Promise<Outcome> {
  const { rec } = load;
  const id = c.rng.pick([...c.held.keys()]);
  const req = c.held.get(id) as string;
  // Forgotten at once: a free in doubt may have landed, and then the ID may be another client's.
  c.held.delete(id);
  const sid = c.set.sid;
  const { answer, sentAt, ackedAt } = await send(load, c, (url) =>
    client(url, c.set.secret).delete(`/v1/ioasids/${id}`),
  );
  if (answer === null || answer.status === 503) {
    rec.doubts.push({ kind: 'free', id, sid, req, sentAt });
    count(rec, `free ${answer === null ? 'lost' : `503 ${answer.body?.error?.reason}`}`);
    return { kind: 'lost' };
  }
  if (answer.status !== 204) return unexpected(load, `client ${c.index}: free of ID ${id} (${req})`, answer);
  const seq = Number(answer.headers.get('ioasid-seq'));
  rec.acks.push({ kind: 'free', id, sid, req, seq, sentAt, ackedAt });
  c.seq = Math.max(c.seq, seq);
  count(rec, 'free 204');
  return { kind: 'ok' };
}

/**
 * Reads the client's set on a random instance as of the last seq it was answered (`ioasid-min-seq`,
 * H-CONV-6): every ID it holds must be listed, whichever instance allocated it.
 * @throws when one is missing or the answer is neither 200 nor (the instance died) none
 */
export async function readOwn(load: Load, c: LoadClient): Promise<Outcome> {
  const sid = c.set.sid;
  const minSeq = c.seq;
  const held = [...c.held.keys()].sort((a, b) => a - b);
  const { answer } = await send(load, c, (url) =>
    fetch(`${url}/v1/sets/${sid}/ioasids`, {
      headers: { authorization: `Bearer ${c.set.secret}`, 'ioasid-min-seq': String(minSeq) },
    }).then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers })),
  );
  if (answer === null || (answer.status === 503 && answer.body?.error?.reason !== 'seq-not-reached')) {
    count(load.rec, 'read lost');
    return { kind: 'lost' };
  }
  const what = `client ${c.index}: IDs of set ${sid} as of seq ${minSeq}`;
  if (answer.status !== 200) return unexpected(load, what, answer);
  const listed = new Set<number>(answer.body.ids);
  const missing = held.filter((id) => !listed.has(id));
  const seq = Number(answer.headers.get('ioasid-seq'));
  if (missing.length > 0 || !(seq >= minSeq)) {
    load.rec.halted = true;
    throw new Error(`${what}: answered at seq ${seq} without the client's IDs ${missing}`);
  }
  count(load.rec, 'read 200');
  return { kind: 'ok' };
}

/**
 * One random operation: an allocation in a random range of [1, span] (a batch of 2 to 4 now and
 * then), a free, or a read of the client's set (`readOwn`). With `retry`, an allocation without answer is sent once more, as a new request, to
 * a random running instance (a free is never sent again: see `freeOne`).
 */
export async function step(load: Load, c: LoadClient, retry = false): Promise<void> {
  const { rng } = c;
  const roll = rng.int(100);
  if (c.held.size > 0 && roll >= 60) {
    await (roll < 90 ? freeOne(load, c) : readOwn(load, c));
    return;
  }
  const half = Math.floor(load.span / 2);
  const min = 1 + rng.int(half);
  const max = Math.min(load.span, min + 2 + rng.int(half));
  const n = roll < 45 ? 1 : 2 + rng.int(3);
  const outcome = await allocate(load, c, min, max, n);
  if (retry && outcome.kind === 'lost' && !load.rec.halted) await allocate(load, c, min, max, n);
}

/**
 * Allocates single IDs anywhere in the capacity until the set's quota refuses one (`set-quota`): once
 * every client of a set did, its count must be its quota exactly.
 * @throws when another refusal comes, or no refusal within quota + 10 allocations
 */
export async function fill(load: Load, c: LoadClient): Promise<void> {
  for (let i = 0; i < c.set.quota + 10 && !load.rec.halted; i++) {
    const outcome = await allocate(load, c, 1, load.capacity - 1);
    if (outcome.kind === 'refused') {
      if (outcome.reason === 'set-quota') return;
      load.rec.halted = true;
      throw new Error(`client ${c.index}: filling set ${c.set.sid} was refused with ${outcome.reason}`);
    }
    if (outcome.kind === 'lost') await sleep(20);
  }
  throw new Error(`client ${c.index}: set ${c.set.sid} (quota ${c.set.quota}) never refused an allocation`);
}

/** What the final check found. */
export interface Verified {
  /** The whole log, from seq 1 to the barrier allocation. */
  events: LogEvent[];
  /** The state the log folds to. */
  state: FoldedState;
}

/**
 * The final check, once no client sends anything: allocates the barrier ID (its `ioasid-seq` S is the
 * last event, every earlier commit being before it); reads events 1..S from the stream of every running
 * instance (identical, each `id` its seq); runs the checker on the log and every answer; and asks every
 * instance, as of S, for the sets and each set's IDs, which must be what the log folds to.
 * @returns the log and the folded state
 */
export async function verifyNamespace(load: Load): Promise<Verified> {
  const { instances, rec, barrier } = load;
  const url0 = instances.url(instances.live()[0]);
  const data: AllocData = { min: 1, max: load.capacity - 1, req: 'barrier' };
  const sentAt = performance.now();
  const made = await client(url0, INSTANCES_TOKEN).post(`/v1/sets/${barrier.sid}/ioasids`, {
    min: data.min,
    max: data.max,
    data,
  });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  const last = Number(made.headers.get('ioasid-seq'));
  rec.acks.push({
    kind: 'alloc',
    req: 'barrier',
    sid: barrier.sid,
    min: data.min,
    max: data.max,
    count: 1,
    ids: [made.body.id],
    seq: last,
    sentAt,
    ackedAt: performance.now(),
  });

  let events: LogEvent[] | null = null;
  for (const index of instances.live()) {
    const stream = await openStream(instances.url(index), { secret: INSTANCES_TOKEN, query: { after: 0 } });
    try {
      const received = await stream.next(last, 30_000);
      expect(
        received.map((e) => [e.event, e.id]),
        `instance ${index}: event names and ids`,
      ).toEqual(received.map((e) => [e.data.type, String(e.data.seq)]));
      const log = received.map((e) => e.data as LogEvent);
      if (events === null) events = log;
      else
        expect(log, `instance ${index}'s log differs from instance ${instances.live()[0]}'s`).toEqual(events);
    } finally {
      stream.close();
    }
  }
  if (events === null) throw new Error('no instance is running');

  const sets = [...load.sets.map(({ sid, quota }) => ({ sid, quota })), barrier];
  const { violations, state } = checkHistory({ sets, events, acks: rec.acks, doubts: rec.doubts });
  expect(violations.slice(0, 20), `${violations.length} violations of the history`).toEqual([]);

  const expected = sets
    .map((s) => ({ sid: s.sid, quota: s.quota, count: state.counts.get(s.sid) ?? 0 }))
    .sort((a, b) => a.sid - b.sid);
  for (const index of instances.live()) {
    const api = client(instances.url(index), INSTANCES_TOKEN);
    const listed = await api.get(`/v1/sets?min_seq=${last}`);
    expect(listed.status, `instance ${index}: ${JSON.stringify(listed.body)}`).toBe(200);
    const shown = (listed.body.sets as { sid: number; quota: number; count: number }[]).map((s) => ({
      sid: s.sid,
      quota: s.quota,
      count: s.count,
    }));
    expect(shown, `instance ${index}: GET /v1/sets`).toEqual(expected);
    for (const set of sets) {
      const ids = await api.get(`/v1/sets/${set.sid}/ioasids?min_seq=${last}`);
      expect(ids.body, `instance ${index}: IDs of set ${set.sid}`).toEqual({ ids: idsOf(state, set.sid) });
    }
  }
  return { events, state };
}
