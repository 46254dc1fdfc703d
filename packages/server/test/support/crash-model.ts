// What one crash-test client knows about its set, and what each of its operations must do: the model
// predicts every answer (status, error code, allocated IDs, whether a dropped reference released the ID)
// and the state after it, so the load checks every answer and a restart's verification can tell "the
// operation in doubt was applied" from "it was not" (and from anything else, which is a failure).

import type { EventRecord } from '@ioasid/server';

/** An ID the client owns (allocated in its set), as far as it knows. */
export interface Held {
  data: unknown;
  /** The guest ID attached to it, null when none. */
  spid: number | null;
  /** References the client's lease holds on it. */
  refs: number;
  /** Freed while referenced: free-pending until the last reference is dropped. */
  freed: boolean;
}

/** A client's view of its set: ID → what it holds. Free-pending IDs are in it, released ones are not. */
export type Model = Map<number, Held>;

/** One operation of a client (with its own set secret and lease). */
export type Op =
  | { kind: 'alloc'; count: number; data: unknown }
  | { kind: 'free'; id: number }
  | { kind: 'data'; id: number; data: unknown }
  | { kind: 'bind'; id: number; spid: number }
  | { kind: 'unbind'; id: number }
  | { kind: 'ref'; id: number }
  | { kind: 'unref'; id: number }
  /** Frees every ID of the set at once (`DELETE /v1/sets/{sid}?destroy=false`): never half. */
  | { kind: 'clear' }
  /** Something the client's secret or lease may not do: refused (403 or 404), changes nothing. */
  | { kind: 'foreign'; method: 'DELETE' | 'PUT' | 'POST' | 'PATCH'; path: string; body?: unknown };

/** What the server must answer to an operation, and the model after it. */
export interface Expected {
  /** Accepted statuses (one, except for a foreign operation, which may meet a released ID). */
  status: number[];
  /** Error code of a refusal. */
  code?: string[];
  /** The IDs an allocation returns. */
  ids?: number[];
  /** The `released` answer of a dropped reference. */
  released?: boolean;
  /** The model once the operation is applied (a copy; the same content when it changes nothing). */
  after: Model;
}

/** A deep enough copy of a model (data values are never mutated). */
export function copy(model: Model): Model {
  return new Map(Array.from(model, ([id, held]) => [id, { ...held }]));
}

/** The ID of `model` that holds guest ID `spid`, if any. */
export function holderOf(model: Model, spid: number): number | undefined {
  for (const [id, held] of model) if (held.spid === spid) return id;
  return undefined;
}

/** The `count` lowest IDs of `[lo, hi]` the model does not hold (the client alone allocates there). */
export function lowestFree(model: Model, lo: number, hi: number, count: number): number[] {
  const ids: number[] = [];
  for (let id = lo; id <= hi && ids.length < count; id++) if (!model.has(id)) ids.push(id);
  return ids;
}

/** Predicts the answer to `op` and the model after it. `quota` and `[lo, hi]` are the client's set's. */
export function predict(model: Model, op: Op, quota: number, lo: number, hi: number): Expected {
  const after = copy(model);
  const ok = (status: number, more: Partial<Expected> = {}): Expected => ({
    status: [status],
    after,
    ...more,
  });
  const refused = (status: number, code: string): Expected => ({
    status: [status],
    code: [code],
    after: copy(model),
  });
  if (op.kind === 'foreign') {
    return { status: [403, 404], code: ['EACCES', 'ENOENT'], after };
  }
  if (op.kind === 'clear') {
    for (const [id, held] of after) {
      if (held.refs > 0) held.freed = true;
      else after.delete(id);
    }
    return ok(204);
  }
  if (op.kind === 'alloc') {
    // The set's count includes free-pending IDs; a batch is all or nothing.
    if (model.size + op.count > quota) return refused(409, 'ENOSPC');
    const ids = lowestFree(model, lo, hi, op.count);
    for (const id of ids) after.set(id, { data: op.data, spid: null, refs: 0, freed: false });
    return ok(201, { ids });
  }
  const held = after.get(op.id) as Held;
  switch (op.kind) {
    case 'free':
      // Freeing a free-pending ID does nothing; a referenced ID becomes free-pending; else it is released.
      if (held.refs > 0) held.freed = true;
      else after.delete(op.id);
      return ok(204);
    case 'data':
      held.data = op.data;
      return ok(204);
    case 'bind': {
      if (held.freed) return refused(409, 'EBUSY');
      const holder = holderOf(model, op.spid);
      if (holder !== undefined && holder !== op.id) return refused(400, 'EINVAL');
      held.spid = op.spid;
      return ok(204);
    }
    case 'unbind':
      if (held.spid === null) return refused(404, 'ENOENT');
      held.spid = null;
      return ok(204);
    case 'ref':
      if (held.freed) return refused(409, 'EBUSY');
      held.refs++;
      return ok(204);
    case 'unref': {
      if (held.refs === 0) return refused(404, 'ENOENT');
      held.refs--;
      const released = held.freed && held.refs === 0;
      if (released) after.delete(op.id);
      return ok(200, { released });
    }
  }
}

/** What the API shows of one ID: `GET /v1/ioasids/{id}` without `id` and `sid`. */
export interface Visible {
  state: 'active' | 'free-pending';
  spid: number | null;
  data: unknown;
}

/** The visible part of a model (reference counts are not visible), ascending by ID. */
export function visible(model: Model): [number, Visible][] {
  return Array.from(model, ([id, h]): [number, Visible] => [
    id,
    { state: h.freed ? 'free-pending' : 'active', spid: h.spid, data: h.data },
  ]).sort((a, b) => a[0] - b[0]);
}

/** IDs where the expected visible state and the server's differ, each with both sides (null: absent). */
export function differences(
  expected: [number, Visible][],
  actual: [number, Visible][],
): { id: number; expected: Visible | null; server: Visible | null }[] {
  const left = new Map(expected);
  const right = new Map(actual);
  const ids = new Set([...left.keys(), ...right.keys()]);
  const out: { id: number; expected: Visible | null; server: Visible | null }[] = [];
  for (const id of [...ids].sort((x, y) => x - y)) {
    const x = left.get(id) ?? null;
    const y = right.get(id) ?? null;
    if (JSON.stringify(x) !== JSON.stringify(y)) out.push({ id, expected: x, server: y });
  }
  return out;
}

/** One ID according to the event log. */
export interface Folded {
  sid: number;
  spid: number | null;
  /** A `free` event was seen in its current life (free-pending, or released since: no event says). */
  freed: boolean;
}

/** A server event as the stream sends it. */
export type LogEvent = EventRecord;

/**
 * Folds the event log into the IDs it describes, checking each event against the state before it.
 * @returns per ID, its set, spid and whether it was freed; or the first inconsistency as a string
 */
export function fold(events: LogEvent[]): Map<number, Folded> | string {
  const ids = new Map<number, Folded>();
  for (const e of events) {
    const id = e.id as number;
    const prev = ids.get(id);
    const say = (what: string) => `event ${JSON.stringify(e)}: ${what} (before: ${JSON.stringify(prev)})`;
    switch (e.type) {
      case 'alloc':
        if (prev !== undefined && !prev.freed) return say('allocated twice');
        if (e.spid !== null) return say('a new ID has a spid');
        ids.set(id, { sid: e.sid as number, spid: null, freed: false });
        break;
      case 'free':
        if (prev === undefined || prev.freed) return say('freed while not active');
        if (prev.sid !== e.sid || prev.spid !== e.spid) return say('set or spid differs');
        prev.freed = true;
        break;
      case 'bind':
        if (prev === undefined || prev.freed) return say('bound while not active');
        if (prev.sid !== e.sid || e.spid === null) return say('set differs or no spid');
        prev.spid = e.spid;
        break;
      case 'unbind':
        if (prev === undefined) return say('unbound while not allocated');
        if (prev.sid !== e.sid || prev.spid === null || prev.spid !== e.spid)
          return say('set or spid differs');
        prev.spid = null;
        break;
      default:
        return say('unexpected event type');
    }
  }
  return ids;
}
