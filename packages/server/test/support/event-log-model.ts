// A linearizability checker for one namespace served by one or more instances: it folds the event log
// (the `data` of each event of `GET /v1/events`, from seq 1) through a model of the namespace (sets with
// quotas, live IDs and their sets) and checks it against what the clients were answered.
//
// In the log: seqs number events 1, 2, 3 ... without gap; every `alloc` is the LOWEST free ID of the
// range its request asked for at that point (the request's `min`, `max` and a unique `req` travel in the
// alloc's `data`, so every ID of a batch carries them too); no ID is allocated twice while live; no set is
// ever above its quota; a `free` frees a live ID of its set. Against the clients: every acknowledged
// allocation appears as exactly its IDs (a batch as consecutive events), every acknowledged free as the
// `free` of that ID's life, and no request appears that no client sent or twice; the log order respects
// real time (an answer received before another request was sent comes first in the log); a refusal
// (`ENOSPC`) is explained by the state at some point between its request and its answer.
//
// The model knows no references: a `free` releases its ID at once, which holds while no lease takes a
// reference (the tests using it take none). Other event types are violations.

/** What the load puts in the `data` of every allocation: the requested range and a unique request ID. */
export interface AllocData {
  min: number;
  max: number;
  req: string;
}

/** One event as the stream sends it (H-EVENT-2). */
export interface LogEvent {
  seq: number;
  type: string;
  id: number | null;
  sid: number | null;
  spid: number | null;
  data: unknown;
}

/** A set of the namespace (sets are created before the load and never change their quota). */
export interface ModelSet {
  sid: number;
  quota: number;
}

/** When a request was sent and its answer received (the test process's `performance.now()`). */
export interface Timed {
  sentAt: number;
  ackedAt: number;
}

/** An allocation answered 201. */
export interface AllocAck extends Timed {
  kind: 'alloc';
  req: string;
  sid: number;
  min: number;
  max: number;
  count: number;
  /** The IDs answered, in the answer's order. */
  ids: number[];
  /** The answer's `ioasid-seq` header: at least the seq of its last event. */
  seq: number;
}

/** A free answered 204. */
export interface FreeAck extends Timed {
  kind: 'free';
  id: number;
  sid: number;
  /** The `req` of the allocation of the life of the ID that was freed. */
  req: string;
  /** The answer's `ioasid-seq` header. */
  seq: number;
}

/** The ENOSPC reasons of an allocation the checker explains. */
export type RefusalReason = 'set-quota' | 'batch-over-quota' | 'no-free-id';

/** An allocation refused with 409 ENOSPC. */
export interface Refusal extends Timed {
  kind: 'refused';
  reason: RefusalReason;
  req: string;
  sid: number;
  min: number;
  max: number;
  count: number;
}

/** An answer a client received. */
export type Ack = AllocAck | FreeAck | Refusal;

/** A request sent without an answer (the instance died, or 503): applied wholly or not at all. */
export type Doubt =
  | { kind: 'alloc'; req: string; sid: number; count: number; sentAt: number }
  | { kind: 'free'; id: number; sid: number; req: string; sentAt: number };

/** What went wrong, by kind (the unit tests match on it). */
export type ViolationKind =
  | 'seq-gap'
  | 'unexpected-type'
  | 'bad-data'
  | 'unknown-set'
  | 'outside-range'
  | 'double-alloc'
  | 'not-lowest'
  | 'over-quota'
  | 'free-not-live'
  | 'free-wrong-set'
  | 'unknown-request'
  | 'split-request'
  | 'missing-ack'
  | 'ack-mismatch'
  | 'seq-header'
  | 'real-time-order'
  | 'unexplained-refusal';

/** One violation: its kind and what was seen. */
export interface Violation {
  kind: ViolationKind;
  message: string;
}

/** A live ID of the folded state. */
export interface LiveId {
  sid: number;
  /** The request that allocated it. */
  req: string;
  /** The seq of its `alloc` event. */
  seq: number;
}

/** The namespace the log folds to. */
export interface FoldedState {
  ids: Map<number, LiveId>;
  /** Live IDs per set (every set given, 0 when none). */
  counts: Map<number, number>;
}

/** What `checkHistory` returns. */
export interface CheckResult {
  /** Every violation found, in log order then ack order; empty when the history is linearizable. */
  violations: Violation[];
  /** The state after the last event. */
  state: FoldedState;
}

/** The history to check. */
export interface History {
  sets: readonly ModelSet[];
  /** The whole log from seq 1. */
  events: readonly LogEvent[];
  acks: readonly Ack[];
  doubts?: readonly Doubt[];
}

const isAllocData = (data: unknown): data is AllocData =>
  typeof data === 'object' &&
  data !== null &&
  Number.isInteger((data as AllocData).min) &&
  Number.isInteger((data as AllocData).max) &&
  typeof (data as AllocData).req === 'string';

/** The lowest ID of `[min, max]` not in `live` (null when none): walks only the live IDs at `min`. */
export function lowestFree(live: ReadonlyMap<number, unknown>, min: number, max: number): number | null {
  for (let id = min; id <= max; id++) if (!live.has(id)) return id;
  return null;
}

/** How many IDs of `[min, max]` are free, counting at most `enough`. */
function freeIn(live: ReadonlyMap<number, unknown>, min: number, max: number, enough: number): number {
  let free = 0;
  for (let id = min; id <= max && free < enough; id++) if (!live.has(id)) free++;
  return free;
}

/** Events of one request: their seqs (ascending), IDs and set. */
interface Applied {
  seqs: number[];
  ids: number[];
  sids: Set<number>;
}

/** A model state and the one step that changes it; shared by the check's two passes over the log. */
class Namespace {
  readonly ids = new Map<number, LiveId>();
  readonly counts = new Map<number, number>();
  readonly quotas = new Map<number, number>();

  constructor(sets: readonly ModelSet[]) {
    for (const set of sets) {
      this.quotas.set(set.sid, set.quota);
      this.counts.set(set.sid, 0);
    }
  }

  /** Applies `e`; `report` receives what is wrong with it (the step is applied as far as it makes sense). */
  apply(e: LogEvent, report: (kind: ViolationKind, what: string) => void): void {
    const say = (kind: ViolationKind, what: string) => report(kind, `event ${JSON.stringify(e)}: ${what}`);
    const id = e.id as number;
    const sid = e.sid as number;
    if (e.type !== 'alloc' && e.type !== 'free') {
      say('unexpected-type', 'not an alloc or a free');
      return;
    }
    if (!Number.isInteger(id) || !Number.isInteger(sid)) {
      say('bad-data', 'no ID or set');
      return;
    }
    if (!this.quotas.has(sid)) {
      say('unknown-set', `set ${sid} is not one of the namespace`);
      return;
    }
    if (e.type === 'free') {
      const live = this.ids.get(id);
      if (live === undefined) {
        say('free-not-live', `ID ${id} is not allocated`);
        return;
      }
      if (live.sid !== sid) say('free-wrong-set', `ID ${id} belongs to set ${live.sid}`);
      this.ids.delete(id);
      this.counts.set(live.sid, (this.counts.get(live.sid) ?? 0) - 1);
      return;
    }
    if (!isAllocData(e.data)) {
      say('bad-data', 'the data has no { min, max, req }');
      return;
    }
    const { min, max, req } = e.data;
    if (id < min || id > max) say('outside-range', `ID ${id} is outside [${min}, ${max}]`);
    const prev = this.ids.get(id);
    if (prev !== undefined) say('double-alloc', `ID ${id} is live since seq ${prev.seq} (${prev.req})`);
    else {
      const lowest = lowestFree(this.ids, min, max);
      if (lowest !== id) say('not-lowest', `the lowest free ID of [${min}, ${max}] was ${lowest}`);
    }
    this.ids.set(id, { sid, req, seq: e.seq });
    const count = (this.counts.get(sid) ?? 0) + 1;
    this.counts.set(sid, count);
    const quota = this.quotas.get(sid) as number;
    if (count > quota) say('over-quota', `set ${sid} holds ${count} IDs, above its quota of ${quota}`);
  }
}

/** Whether the state explains refusal `r` (the set or the range was too full for it). */
function explains(state: Namespace, r: Refusal): boolean {
  const count = state.counts.get(r.sid) ?? 0;
  const quota = state.quotas.get(r.sid) ?? 0;
  switch (r.reason) {
    case 'set-quota':
      return count >= quota;
    case 'batch-over-quota':
      return count + r.count > quota;
    case 'no-free-id':
      return freeIn(state.ids, r.min, r.max, r.count) < r.count;
  }
}

/** How many entries of `sorted` (ascending by `key`) have a key below `value` (or equal, with `orEqual`). */
function countBelow<T>(
  sorted: readonly T[],
  key: (item: T) => number,
  value: number,
  orEqual = false,
): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const k = key(sorted[mid]);
    if (k < value || (orEqual && k === value)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * Checks a history: the log on its own, the log against every answer and request, and real time.
 * @returns the violations (none when the history is linearizable) and the folded final state
 */
export function checkHistory(history: History): CheckResult {
  const violations: Violation[] = [];
  const report = (kind: ViolationKind, message: string) => violations.push({ kind, message });
  const { events, acks } = history;
  const doubts = history.doubts ?? [];

  // 1. The log on its own, and which request each event belongs to.
  const model = new Namespace(history.sets);
  const byReq = new Map<string, Applied>();
  /** Seq of the `free` ending each life, by `${id}/${req}`. */
  const frees = new Map<string, number>();
  events.forEach((e, i) => {
    if (e.seq !== i + 1) report('seq-gap', `event ${i + 1} of the log has seq ${e.seq}`);
    const life = e.type === 'free' ? model.ids.get(e.id as number) : undefined;
    model.apply(e, report);
    if (e.type === 'alloc' && isAllocData(e.data)) {
      const applied = byReq.get(e.data.req) ?? { seqs: [], ids: [], sids: new Set<number>() };
      byReq.set(e.data.req, applied);
      applied.seqs.push(e.seq);
      applied.ids.push(e.id as number);
      applied.sids.add(e.sid as number);
    }
    if (life !== undefined) frees.set(`${e.id}/${life.req}`, e.seq);
  });

  // 2. Requests: each applied request was sent, once, wholly (consecutive events of one set).
  const sent = new Map<string, { count: number; sid: number }>();
  for (const a of acks) if (a.kind !== 'free') sent.set(a.req, { count: a.count, sid: a.sid });
  for (const d of doubts) if (d.kind === 'alloc') sent.set(d.req, { count: d.count, sid: d.sid });
  for (const [req, applied] of byReq) {
    const request = sent.get(req);
    const seqs = applied.seqs;
    if (request === undefined) report('unknown-request', `request ${req} (seqs ${seqs}) was never sent`);
    else if (
      seqs.length !== request.count ||
      seqs.some((s, i) => s !== seqs[0] + i) ||
      applied.sids.size !== 1 ||
      !applied.sids.has(request.sid)
    )
      report(
        'split-request',
        `request ${req} for ${request.count} IDs of set ${request.sid} is at seqs ${seqs} (IDs ${applied.ids}, sets ${[...applied.sids]})`,
      );
  }

  // 3. Answers: each success is in the log as itself; each refusal's request is not.
  /** First and last seq of each successful answer, for the real-time checks. */
  const placed: { ack: AllocAck | FreeAck; first: number; last: number }[] = [];
  for (const a of acks) {
    if (a.kind === 'refused') {
      if (byReq.has(a.req)) report('ack-mismatch', `refused request ${a.req} is in the log`);
      continue;
    }
    if (a.kind === 'free') {
      const seq = frees.get(`${a.id}/${a.req}`);
      if (seq === undefined) {
        report(
          'missing-ack',
          `the free of ID ${a.id} (allocated by ${a.req}) answered 204 is not in the log`,
        );
        continue;
      }
      if (a.seq < seq)
        report('seq-header', `the free of ID ${a.id} at seq ${seq} answered ioasid-seq ${a.seq}`);
      placed.push({ ack: a, first: seq, last: seq });
      continue;
    }
    const applied = byReq.get(a.req);
    if (applied === undefined) {
      report('missing-ack', `allocation ${a.req} answered ${JSON.stringify(a.ids)} is not in the log`);
      continue;
    }
    const answered = [...a.ids].sort((x, y) => x - y);
    const logged = [...applied.ids].sort((x, y) => x - y);
    if (JSON.stringify(answered) !== JSON.stringify(logged))
      report('ack-mismatch', `allocation ${a.req} answered IDs ${answered}, the log has ${logged}`);
    const last = applied.seqs[applied.seqs.length - 1];
    if (a.seq < last) report('seq-header', `allocation ${a.req} at seq ${last} answered ioasid-seq ${a.seq}`);
    placed.push({ ack: a, first: applied.seqs[0], last });
  }

  // 4. Real time. An operation sent after answer A was received comes after A's events; so each
  // operation's window of the log starts after the last event of every answer received before it was
  // sent, and ends before the first event of every operation sent after its answer was received.
  const byAcked = [...placed].sort((x, y) => x.ack.ackedAt - y.ack.ackedAt);
  const maxLast: number[] = [];
  for (const p of byAcked) maxLast.push(Math.max(maxLast[maxLast.length - 1] ?? 0, p.last));
  const bySent = [...placed].sort((x, y) => x.ack.sentAt - y.ack.sentAt);
  const minFirst: number[] = new Array(bySent.length);
  for (let i = bySent.length - 1; i >= 0; i--)
    minFirst[i] = Math.min(minFirst[i + 1] ?? Number.POSITIVE_INFINITY, bySent[i].first);
  /** The highest seq that must precede an operation sent at `sentAt`. */
  const floor = (sentAt: number) => {
    const n = countBelow(byAcked, (p) => p.ack.ackedAt, sentAt);
    return n === 0 ? 0 : maxLast[n - 1];
  };
  /** The lowest seq that must follow an operation answered at `ackedAt`. */
  const ceiling = (ackedAt: number) => {
    const n = countBelow(bySent, (p) => p.ack.sentAt, ackedAt, true);
    return n === bySent.length ? Number.POSITIVE_INFINITY : minFirst[n];
  };
  for (const p of placed) {
    const before = floor(p.ack.sentAt);
    if (before >= p.first) {
      const what = p.ack.kind === 'alloc' ? `allocation ${p.ack.req}` : `free of ID ${p.ack.id}`;
      report(
        'real-time-order',
        `${what} at seq ${p.first} was sent after an answer whose event has seq ${before} was received`,
      );
    }
  }

  // 5. Refusals: some state in each one's window (after `floor` events, before `ceiling`) explains it.
  const windows = acks
    .filter((a): a is Refusal => a.kind === 'refused')
    .map((r) => ({
      r,
      from: floor(r.sentAt),
      to: Math.min(ceiling(r.ackedAt) - 1, events.length),
      ok: false,
    }));
  const replay = new Namespace(history.sets);
  for (let p = 0; p <= events.length; p++) {
    if (p > 0) replay.apply(events[p - 1], () => {});
    for (const w of windows) if (!w.ok && w.from <= p && p <= w.to && explains(replay, w.r)) w.ok = true;
  }
  for (const w of windows) {
    if (!w.ok)
      report(
        'unexplained-refusal',
        `${w.r.reason} refusal of ${w.r.req} (set ${w.r.sid}, [${w.r.min}, ${w.r.max}], count ${w.r.count}) ` +
          `is explained by no state after seqs ${w.from}..${w.to}`,
      );
  }

  return { violations, state: { ids: model.ids, counts: model.counts } };
}

/** The IDs of set `sid` in `state`, ascending (what `GET /v1/sets/{sid}/ioasids` must answer). */
export function idsOf(state: FoldedState, sid: number): number[] {
  const ids: number[] = [];
  for (const [id, live] of state.ids) if (live.sid === sid) ids.push(id);
  return ids.sort((a, b) => a - b);
}
