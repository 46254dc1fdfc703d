// Replays one generated run against the real IoasidSpace and the reference model side by side and
// compares them after every operation; checks the contract's invariants on the real space; shrinks a
// failing run and prints it as a readable script.

import fc from 'fast-check';
import { ERROR_CODES, IoasidSpace, isIoasidError } from 'ioasid';
import {
  DATA,
  GETTERS,
  NOTIFY_TYPES,
  type Op,
  opArbitrary,
  type PickContext,
  PRIORITIES,
  RANGES,
  resolveId,
  resolveSid,
  SPIDS,
  show,
  TOKENS,
} from './commands.js';
import { ModelError, ReferenceModel } from './reference-model.js';
import type { SpaceLike } from './space-like.js';
import {
  type ActorSpec,
  actorSpecArbitrary,
  describeEvent,
  outcome,
  RECORDER_RESULTS,
  World,
} from './subscribers.js';

/** One generated run. */
export interface RunSpec {
  /** Capacity given to the constructor, or null to start without one. */
  readonly capacity: number | null;
  /** Subscribe the invariant tracker (a global subscriber of the real space only) from the start. */
  readonly tracker: boolean;
  /** Re-entrant subscribers (empty: only read-only recorders). */
  readonly actors: readonly ActorSpec[];
  readonly ops: readonly Op[];
}

export interface Failure {
  /** Index of the failing operation. */
  readonly at: number;
  /** What kind of check failed (used to keep the same failure while shrinking). */
  readonly kind: string;
  readonly message: string;
}

/** A run of `length` operations; with `actors`, four re-entrant subscribers join the recorders. */
export function runArbitrary(length: number, actors: boolean): fc.Arbitrary<RunSpec> {
  const subs = RECORDER_RESULTS.length + (actors ? 4 : 0);
  return fc.record({
    capacity: fc.option(fc.integer({ min: 1, max: 64 }), { freq: 6 }),
    tracker: actors ? fc.constant(false) : fc.boolean(),
    actors: actors ? fc.array(actorSpecArbitrary, { minLength: 4, maxLength: 4 }) : fc.constant([]),
    ops: fc.array(opArbitrary(subs), { minLength: length, maxLength: length }),
  });
}

/** Every test space gets the same private system token: learn it once to name it in descriptions. */
export function systemTokenOfCore(): unknown {
  const probe = new IoasidSpace({ capacity: 1 });
  return probe.getSet(probe.allocSystemSet(0)).token;
}

const realError = (e: unknown): string | null => {
  if (!isIoasidError(e)) return null;
  const info = ERROR_CODES[e.code];
  // A code outside the registry, or a wrong errno, is reported as a code the model never produces.
  if (info === undefined || info.errno !== e.errno) return `${e.code}/errno=${e.errno}`;
  return e.code;
};
const modelError = (e: unknown): string | null => (e instanceof ModelError ? e.code : null);

/** A concrete call: the method and its arguments after the picks were resolved. */
interface Call {
  readonly op: Op['op'];
  readonly args: readonly unknown[];
  /** IDs the call touches (probed after it). */
  readonly ids: readonly number[];
}

function resolve(op: Op, ctx: PickContext & { readonly putIds: readonly number[] | null }): Call {
  const sid = (pick: number | null) => (pick === null ? -1 : resolveSid(pick, ctx));
  switch (op.op) {
    case 'installCapacity':
      return { op: op.op, args: [op.total], ids: [] };
    case 'allocSet':
      return { op: op.op, args: [TOKENS[op.token], op.quota], ids: [] };
    case 'allocSystemSet':
      return { op: op.op, args: [op.quota], ids: [] };
    case 'freeSet':
      return { op: op.op, args: [sid(op.sid), op.destroy === 'invalid' ? 1 : op.destroy], ids: [] };
    case 'adjustSet':
      return { op: op.op, args: [sid(op.sid), op.quota], ids: [] };
    case 'alloc':
    case 'tryAlloc':
      return { op: op.op, args: [sid(op.sid), ...RANGES[op.range], DATA[op.data]], ids: [] };
    case 'getSet':
    case 'listIds':
      return { op: op.op, args: [sid(op.sid)], ids: [] };
    case 'put': {
      // With re-entrant subscribers the driver drops only references it took, so that nobody drops a
      // reference another holder counts on (that would be a caller bug, not a core one).
      const id =
        ctx.putIds === null ? resolveId(op.id, ctx) : (ctx.putIds[op.id % ctx.putIds.length] ?? 0xffffffff);
      return { op: op.op, args: [id], ids: [id] };
    }
    case 'free':
    case 'tryFree':
    case 'detachSpid': {
      const id = resolveId(op.id, ctx);
      return { op: op.op, args: [id], ids: [id] };
    }
    case 'get': {
      const id = resolveId(op.id, ctx);
      return { op: op.op, args: op.sid === null ? [id] : [id, resolveSid(op.sid, ctx)], ids: [id] };
    }
    case 'setData': {
      const id = resolveId(op.id, ctx);
      return { op: op.op, args: [id, DATA[op.data]], ids: [id] };
    }
    case 'attachSpid': {
      const id = resolveId(op.id, ctx);
      return { op: op.op, args: [id, SPIDS[op.spid]], ids: [id] };
    }
    case 'findBySpid':
      return { op: op.op, args: [sid(op.sid), SPIDS[op.spid]], ids: [] };
    case 'find': {
      const id = resolveId(op.id, ctx);
      return { op: op.op, args: [sid(op.sid), id, op.getter % GETTERS], ids: [id] };
    }
    case 'notify': {
      const id = resolveId(op.id, ctx);
      return { op: op.op, args: [id, NOTIFY_TYPES[op.type]], ids: [id] };
    }
    case 'addNotifier':
      return {
        op: op.op,
        args: [op.sub, op.sid === null ? null : sid(op.sid), PRIORITIES[op.priority]],
        ids: [],
      };
    case 'removeNotifier':
      return { op: op.op, args: [op.sub, op.sid === null ? null : sid(op.sid)], ids: [] };
  }
}

/** Runs a call in one world. Subscriber and getter arguments become that world's own functions. */
function perform(w: World, call: Call): unknown {
  const s = w.space;
  const a = call.args as never[];
  switch (call.op) {
    case 'installCapacity':
      return s.installCapacity(a[0]);
    case 'allocSet':
      return s.allocSet(a[0], a[1]);
    case 'allocSystemSet':
      return s.allocSystemSet(a[0]);
    case 'freeSet':
      return s.freeSet(a[0], a[1]);
    case 'adjustSet':
      return s.adjustSet(a[0], a[1]);
    case 'alloc':
      return s.alloc(a[0], a[1], a[2], a[3]);
    case 'tryAlloc':
      return s.tryAlloc(a[0], a[1], a[2], a[3]);
    case 'free':
      return s.free(a[0]);
    case 'tryFree':
      return s.tryFree(a[0]);
    case 'getSet':
      return s.getSet(a[0]);
    case 'listIds':
      return s.listIds(a[0]);
    case 'get': {
      const result = a.length === 1 ? s.get(a[0]) : s.get(a[0], a[1]);
      const held = w.driverHeld;
      held.set(a[0], (held.get(a[0]) ?? 0) + 1);
      return result;
    }
    case 'put': {
      const result = s.put(a[0]);
      const held = w.driverHeld;
      const n = held.get(a[0]) ?? 0;
      if (n > 1) held.set(a[0], n - 1);
      else held.delete(a[0]);
      return result;
    }
    case 'setData':
      return s.setData(a[0], a[1]);
    case 'attachSpid':
      return s.attachSpid(a[0], a[1]);
    case 'detachSpid':
      return s.detachSpid(a[0]);
    case 'findBySpid':
      return s.findBySpid(a[0], a[1]);
    case 'find':
      return s.find(a[0], a[1], w.getter(a[2]) as (data: unknown) => boolean);
    case 'notify':
      return s.notify(a[0], a[1]);
    case 'addNotifier': {
      const sid = call.args[1] as number | null;
      const priority = call.args[2] as number;
      return s.addNotifier(w.subs[a[0]], sid === null ? { priority } : { sid, priority });
    }
    case 'removeNotifier': {
      const sid = call.args[1] as number | null;
      return s.removeNotifier(w.subs[a[0]], sid === null ? {} : { sid });
    }
  }
}

/** The call as a line of a script, e.g. `alloc(0, 0, 40, "payload")`. */
function describeCall(call: Call): string {
  const a = call.args;
  switch (call.op) {
    case 'find':
      return `find(${show(a[0])}, ${show(a[1])}${a[2] === 0 ? '' : `, getter#${show(a[2])}`})`;
    case 'addNotifier':
    case 'removeNotifier': {
      const options = a[1] === null ? '' : `sid: ${show(a[1])}`;
      const priority = call.op === 'addNotifier' ? `priority: ${show(a[2])}` : '';
      const sub =
        Number(a[0]) < RECORDER_RESULTS.length
          ? `r${show(a[0])}`
          : `a${Number(a[0]) - RECORDER_RESULTS.length}`;
      return `${call.op}(${sub}, { ${[options, priority].filter((x) => x !== '').join(', ')} })`;
    }
    default:
      return `${call.op}(${a.map(show).join(', ')})`;
  }
}

/**
 * Every observable of a space (reads only), as one comparable string: the counters, every set, its IDs
 * and the spids mapped in it, and every probed ID's findSid, find, state, refCount and spidOf.
 */
function observe(
  w: World,
  probes: readonly number[],
  spidsBySet: ReadonlyMap<number, readonly number[]>,
): string {
  const s = w.space;
  const out = [`capacity=${s.capacity} available=${s.available} size=${s.size} systemSid=${s.systemSid}`];
  let sids: number[] = [];
  try {
    const sets = s.listSets();
    out.push(`sets=${show(sets)}`);
    sids = sets.map((set) => set.sid);
  } catch {
    out.push(`sets=${w.o(() => s.listSets())}`);
  }
  for (const sid of sids) {
    out.push(`set ${sid}: ids=${w.o(() => s.listIds(sid))}`);
    for (const spid of spidsBySet.get(sid) ?? []) {
      out.push(`  findBySpid(${sid}, ${spid})=${w.o(() => s.findBySpid(sid, spid))}`);
    }
  }
  for (const id of probes) out.push(readId(w, id));
  return out.join('\n');
}

/** The reads of one ID; one try block for the usual case where none of them throws. */
function readId(w: World, id: number): string {
  const s = w.space;
  try {
    return `id ${show(id)}: findSid=ok:${s.findSid(id)} find=ok:${show(s.find(-1, id))} state=ok:${show(s.state(id))} refs=ok:${s.refCount(id)} spid=ok:${s.spidOf(id)}`;
  } catch {
    return `id ${show(id)}: findSid=${w.o(() => s.findSid(id))} find=${w.o(() => s.find(-1, id))} state=${w.o(() => s.state(id))} refs=${w.o(() => s.refCount(id))} spid=${w.o(() => s.spidOf(id))}`;
  }
}

/** Reads of IDs that are not allocated (errors expected) and of one spid in every set. */
function observeTouched(w: World, ids: readonly number[], spids: readonly number[]): string {
  const s = w.space;
  const out: string[] = [];
  for (const id of ids) out.push(readId(w, id));
  for (const spid of spids) {
    for (const set of s.listSets())
      out.push(`findBySpid(${set.sid}, ${show(spid)})=${w.o(() => s.findBySpid(set.sid, spid))}`);
  }
  return out.join('\n');
}

/** IDs allocated in a space, ascending (through its set listings). */
function allocatedIds(s: SpaceLike): number[] {
  return s
    .listSets()
    .flatMap((set) => s.listIds(set.sid))
    .sort((a, b) => a - b);
}

/**
 * The contract's invariants 1, 2 and 4 (getSet and listSets included), checked on the real space through
 * its public reads. Adds every allocated ID to `allocated`.
 */
function checkInvariants(s: SpaceLike, allocated: Set<number>): string[] {
  const problems: string[] = [];
  const sets = s.listSets();
  const quotas = sets.reduce((sum, set) => sum + set.quota, 0);
  if (s.available + quotas !== s.capacity) {
    problems.push(`1: available ${s.available} + quotas ${quotas} != capacity ${s.capacity}`);
  }
  const owner = new Map<number, number>();
  let total = 0;
  for (const set of sets) {
    if (set.count > set.quota) problems.push(`2: set ${set.sid} holds ${set.count} IDs, quota ${set.quota}`);
    const info = s.getSet(set.sid);
    if (show(info) !== show(set))
      problems.push(`4: getSet(${set.sid}) = ${show(info)}, listSets has ${show(set)}`);
    const ids = s.listIds(set.sid);
    total += ids.length;
    if (ids.length !== set.count)
      problems.push(`4: set ${set.sid} lists ${ids.length} IDs, count ${set.count}`);
    for (let i = 1; i < ids.length; i++)
      if (ids[i - 1] >= ids[i]) problems.push(`4: set ${set.sid} not ascending`);
    for (const id of ids) {
      const other = owner.get(id);
      if (other !== undefined) problems.push(`4: ID ${id} listed in sets ${other} and ${set.sid}`);
      owner.set(id, set.sid);
      allocated.add(id);
      if (s.findSid(id) !== set.sid)
        problems.push(`4: findSid(${id}) = ${s.findSid(id)}, listed in ${set.sid}`);
      if (!Object.is(s.find(set.sid, id), s.find(-1, id)))
        problems.push(`4: find(${set.sid}, ${id}) != find(-1)`);
      const spid = s.spidOf(id);
      if (spid !== 0xffffffff && s.findBySpid(set.sid, spid) !== id) {
        problems.push(`4: findBySpid(${set.sid}, ${spid}) != ${id}`);
      }
    }
  }
  if (total !== s.size) problems.push(`4: size ${s.size} != IDs listed ${total}`);
  return problems;
}

/**
 * Invariants 3 and 5 seen from the events: a global subscriber of the real space only, at a priority
 * above every other, so that it sees every event first. Without re-entrant subscribers an ID can only
 * be released and handed out again in different top-level operations, so syncing after each is exact.
 */
class Tracker {
  /** Allocated IDs as the events told, and whether this life saw its FREE. */
  readonly alive = new Map<number, boolean>();
  readonly problems: string[] = [];
  readonly callback = (e: { type: string; id: number }): undefined => {
    if (e.type === 'alloc') {
      if (this.alive.has(e.id)) this.problems.push(`3/5: ALLOC for ID ${e.id}, which is still allocated`);
      this.alive.set(e.id, false);
    } else if (e.type === 'free') {
      const freed = this.alive.get(e.id);
      if (freed === undefined) this.problems.push(`5: FREE for ID ${e.id}, which had no ALLOC`);
      if (freed === true) this.problems.push(`5: second FREE in one life of ID ${e.id}`);
      this.alive.set(e.id, true);
    }
    return undefined;
  };

  /** Forgets released IDs; `now` is every ID allocated in the real space. */
  sync(now: ReadonlySet<number>): void {
    for (const id of this.alive.keys()) if (!now.has(id)) this.alive.delete(id);
    for (const id of now)
      if (!this.alive.has(id)) this.problems.push(`5: ID ${id} allocated without an ALLOC event`);
  }
}

export interface ReplayOptions {
  readonly systemToken: unknown;
  /** Collect a readable trace of every operation. */
  readonly trace?: string[];
}

/** Replays a run against both worlds; returns the first disagreement or broken invariant, or null. */
export function replay(spec: RunSpec, options: ReplayOptions): Failure | null {
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0; // thousands of expected errors: skip their stack traces
  const progress = { at: -1 };
  try {
    return replayChecked(spec, options, progress);
  } catch (error) {
    // A read the harness expected to succeed threw (or the harness itself failed): still a failure to shrink.
    const what = error instanceof Error ? `${error.name}: ${error.message}` : show(error);
    return { at: progress.at, kind: 'exception', message: `operation #${progress.at}: unexpected ${what}` };
  } finally {
    Error.stackTraceLimit = limit;
  }
}

function replayChecked(spec: RunSpec, options: ReplayOptions, progress: { at: number }): Failure | null {
  const real = new World('real', spec.actors, realError);
  const model = new World('model', spec.actors, modelError);
  const capacity = spec.capacity === null ? {} : { capacity: spec.capacity };
  real.space = new IoasidSpace({
    ...capacity,
    onNotifierError: real.onNotifierError,
  }) as unknown as SpaceLike;
  model.space = new ReferenceModel({
    ...capacity,
    onNotifierError: model.onNotifierError,
    systemToken: options.systemToken,
  });
  const tracker = spec.tracker ? new Tracker() : null;
  if (tracker !== null) real.space.addNotifier(tracker.callback, { priority: Number.MAX_SAFE_INTEGER });
  const withActors = spec.actors.length > 0;
  const trace = options.trace;
  trace?.push(
    `const space = new IoasidSpace(${spec.capacity === null ? '' : `{ capacity: ${spec.capacity} }`});${tracker === null ? '' : ' // + tracker'}`,
  );

  // The real space's state as of the last comparison: a failed call must leave it exactly so.
  let before = observe(real, [], new Map());
  for (let at = 0; at < spec.ops.length; at++) {
    progress.at = at;
    const modelIds = allocatedIds(model.space);
    const ctx = {
      sids: model.space.listSets().map((set) => set.sid),
      ids: modelIds,
      putIds: withActors ? [...model.driverHeld.keys()].sort((a, b) => a - b) : null,
    };
    const call = resolve(spec.ops[at], ctx);
    const realLog = real.log.length;
    const modelLog = model.log.length;

    const r = real.o(() => perform(real, call));
    const m = model.o(() => perform(model, call));
    const line = `#${at} ${describeCall(call)}`;
    const realEvents = real.log.slice(realLog);
    const modelEvents = model.log.slice(modelLog);
    trace?.push(`${line} -> real ${r}${r === m ? '' : ` | model ${m}`}`);
    if (trace !== undefined) {
      for (let i = 0; i < Math.max(realEvents.length, modelEvents.length); i++) {
        const re = realEvents[i] ?? '(nothing)';
        const me = modelEvents[i] ?? '(nothing)';
        trace.push(re === me ? `    ${re}` : `    real:  ${re}\n    model: ${me}`);
      }
    }
    const failure = (kind: string, message: string): Failure => ({
      at,
      kind,
      message: `operation ${line}: ${message}`,
    });

    if (r.startsWith('crash') || m.startsWith('crash')) return failure('crash', `real ${r}, model ${m}`);
    if (r !== m) return failure('result', `real returned ${r}, model ${m}`);
    if (realEvents.join('\n') !== modelEvents.join('\n')) {
      return failure(
        'events',
        `subscribers saw different things\n--- real\n${realEvents.join('\n')}\n--- model\n${modelEvents.join('\n')}`,
      );
    }
    // Every allocated ID and every mapped spid, then the IDs and spid the call touched.
    const ids = allocatedIds(model.space);
    const spids = new Map<number, number[]>();
    for (const id of ids) {
      const spid = model.space.spidOf(id);
      if (spid === 0xffffffff) continue;
      const sid = model.space.findSid(id);
      spids.set(sid, [...(spids.get(sid) ?? []), spid]);
    }
    const realState = observe(real, ids, spids);
    const modelState = observe(model, ids, spids);
    if (realState !== modelState) {
      return failure('state', `states differ\n--- real\n${realState}\n--- model\n${modelState}`);
    }
    const touched = call.ids.filter((id) => !ids.includes(id));
    const spid = call.op === 'attachSpid' || call.op === 'findBySpid' ? [call.args[1] as number] : [];
    const realTouched = observeTouched(real, touched, spid);
    const modelTouched = observeTouched(model, touched, spid);
    if (realTouched !== modelTouched) {
      return failure(
        'state',
        `reads of touched IDs differ\n--- real\n${realTouched}\n--- model\n${modelTouched}`,
      );
    }
    if (r.startsWith('err') && realState !== before) {
      return failure(
        'unchanged',
        `the failed call changed the space\n--- before\n${before}\n--- after\n${realState}`,
      );
    }
    before = realState;
    if (
      (call.op === 'alloc' || call.op === 'tryAlloc') &&
      r.startsWith('ok') &&
      modelIds.includes(Number(r.slice(3)))
    ) {
      return failure('invariant', `3: alloc handed out ${r.slice(3)}, which was allocated`);
    }
    const allocated = new Set<number>();
    const problems = checkInvariants(real.space, allocated);
    if (tracker !== null) {
      tracker.sync(allocated);
      problems.push(...tracker.problems.splice(0));
    }
    problems.push(...real.violations.splice(0), ...model.violations.splice(0).map((v) => `model: ${v}`));
    if (problems.length > 0) return failure('invariant', problems.join('\n'));
  }
  return null;
}

/** Shrinks a failing run: drops operations (halves, quarters, ... single ones), then actor reactions. */
export function shrink(spec: RunSpec, first: Failure, options: ReplayOptions, budget = 3000): RunSpec {
  let best = spec;
  let tries = 0;
  const fails = (candidate: RunSpec): boolean => {
    tries++;
    const f = replay(candidate, options);
    return f !== null && f.kind === first.kind;
  };
  // Operations after the failing one never matter.
  const cut = { ...best, ops: best.ops.slice(0, first.at + 1) };
  if (fails(cut)) best = cut;
  for (let chunk = best.ops.length >> 1; chunk >= 1 && tries < budget; ) {
    let progressed = false;
    for (let i = 0; i + chunk <= best.ops.length && tries < budget; ) {
      const candidate = { ...best, ops: [...best.ops.slice(0, i), ...best.ops.slice(i + chunk)] };
      if (fails(candidate)) {
        best = candidate;
        progressed = true;
      } else {
        i += chunk;
      }
    }
    if (!progressed) chunk >>= 1;
  }
  if (best.tracker && fails({ ...best, tracker: false })) best = { ...best, tracker: false };
  for (let a = 0; a < best.actors.length; a++) {
    for (const type of ['alloc', 'free', 'bind', 'unbind', 'custom'] as const) {
      for (let i = best.actors[a].on[type].length - 1; i >= 0 && tries < budget; i--) {
        const actors = best.actors.map((spec, k) =>
          k === a ? { ...spec, on: { ...spec.on, [type]: spec.on[type].filter((_, j) => j !== i) } } : spec,
        );
        if (fails({ ...best, actors })) best = { ...best, actors };
      }
    }
    for (const flag of ['holds', 'throws'] as const) {
      if (best.actors[a][flag]) {
        const actors = best.actors.map((spec, k) => (k === a ? { ...spec, [flag]: false } : spec));
        if (fails({ ...best, actors })) best = { ...best, actors };
      }
    }
  }
  return best;
}

/** A failing run as a report: the seed, the shrunk run as data and as a script with both worlds' views. */
export function report(seed: number, spec: RunSpec, options: ReplayOptions): string {
  const trace: string[] = [];
  const failure = replay(spec, { ...options, trace });
  const actors = spec.actors.map((a, i) => `  a${i}: ${JSON.stringify(a)}`).join('\n');
  return [
    `model-based run failed (seed ${seed}; rerun with IOASID_SEED=${seed})`,
    failure === null ? 'the shrunk run no longer fails' : `${failure.kind}: ${failure.message}`,
    '',
    'shrunk run:',
    `  capacity: ${spec.capacity}, tracker: ${spec.tracker}`,
    `  recorders (read-only; result): ${RECORDER_RESULTS.map((r, i) => `r${i} ${r}`).join(', ')}`,
    actors === '' ? '  (no actors)' : `actors:\n${actors}`,
    `ops: ${JSON.stringify(spec.ops)}`,
    '',
    'script (real result, and the model result where it differs; subscriber log below each call):',
    ...trace,
  ].join('\n');
}

export { describeEvent, outcome };
