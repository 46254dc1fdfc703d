// Subscribers of the model-based test. Each world (the real space, the model) gets its own instances of
// the same subscribers; everything they see and do goes to the world's log, which the test compares.
// Recorders only read; actors re-enter the space (get on 'alloc', put on 'free', free, alloc, freeSet...).

import fc from 'fast-check';
import { DATA, RANGES, SPIDS, show, TOKENS } from './commands.js';
import type { SpaceEvent, SpaceLike } from './space-like.js';

/**
 * Results of the recorders: undefined, OK, STOP, BAD, a throw, a non-number, another number, and -1 (a
 * number with the 0x8000 bit set, so it ends the walk, and must come back from notify as it is).
 */
export const RECORDER_RESULTS = [
  'undefined',
  'ok',
  'stop',
  'bad',
  'throw',
  'string',
  'five',
  'minusOne',
] as const;
const NOTIFY_OK = 1;
const NOTIFY_STOP = 0x8001;
const NOTIFY_BAD = 0x8002;
const INVALID_IOASID = 0xffffffff;
/** Reactions run only below this nesting depth, so re-entrance ends. */
const MAX_DEPTH = 2;

export const REACTIONS = [
  'get',
  'putHeld',
  'putAllHeld',
  'putUnheld',
  'freeSelf',
  'freeNext',
  'replaceNext',
  'alloc',
  'allocAbove',
  'freeSet',
  'freeSetDestroy',
  'attach',
  'detach',
  'setData',
  'notify',
  'removeSub',
  'addSub',
  'allocSet',
  'adjust',
] as const;
export type ReactionKind = (typeof REACTIONS)[number];

export interface Reaction {
  readonly kind: ReactionKind;
  readonly arg: number;
}

/** What an actor does on each event type, and what it returns. */
export interface ActorSpec {
  /** Result returned: undefined, NOTIFY_DONE, NOTIFY_OK or NOTIFY_STOP. */
  readonly result: number | undefined;
  /** Throws after reacting (the error goes to onNotifierError). */
  readonly throws: boolean;
  /** Takes a reference on 'alloc' and drops it on 'free' (the contract's slow-teardown pattern). */
  readonly holds: boolean;
  readonly on: { readonly [type in 'alloc' | 'free' | 'bind' | 'unbind' | 'custom']: readonly Reaction[] };
}

const reactions = fc.array(fc.record({ kind: fc.constantFrom(...REACTIONS), arg: fc.nat({ max: 11 }) }), {
  maxLength: 3,
});
const noReactions = fc.constant([] as Reaction[]);
const someReactions = fc.oneof({ weight: 1, arbitrary: noReactions }, { weight: 2, arbitrary: reactions });

export const actorSpecArbitrary: fc.Arbitrary<ActorSpec> = fc.record({
  result: fc.constantFrom(undefined, 0, NOTIFY_OK, NOTIFY_STOP),
  throws: fc.oneof({ weight: 6, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
  holds: fc.oneof({ weight: 2, arbitrary: fc.constant(true) }, { weight: 1, arbitrary: fc.constant(false) }),
  on: fc.record({
    alloc: someReactions,
    free: someReactions,
    bind: someReactions,
    unbind: someReactions,
    custom: someReactions,
  }),
});

/** A short, comparable description of an event. */
export function describeEvent(e: SpaceEvent | null): string {
  if (e === null) return 'null';
  const keys = Object.keys(e).sort().join(',');
  return `${e.type} id=${e.id} sid=${e.sid} token=${show(e.token)} data=${show(e.data)} spid=${e.spid} {${keys}}`;
}

/** Runs `f` and describes its outcome: `ok:<value>` or `err:<code>`; anything else is a crash. */
export function outcome(f: () => unknown, isError: (e: unknown) => string | null): string {
  try {
    return `ok:${show(f())}`;
  } catch (error) {
    const code = isError(error);
    if (code !== null) return `err:${code}`;
    return `crash:${error instanceof Error ? `${error.name}: ${error.message}` : show(error)}`;
  }
}

/** One side of the comparison: a space and everything its subscribers saw. */
export class World {
  /** Everything subscribers saw and did, and errors reported, in order. */
  readonly log: string[] = [];
  /** Contract violations noticed by subscribers (reference accounting). */
  readonly violations: string[] = [];
  /** The subscriber functions of this world: recorders first, then actors. */
  readonly subs: ((event: SpaceEvent) => unknown)[] = [];
  /** References held, by ID: one map per actor, then the driver's. */
  readonly held: Map<number, number>[];
  depth = 0;
  readonly #checked = new WeakSet<SpaceEvent>();
  space: SpaceLike = null as unknown as SpaceLike;

  constructor(
    readonly name: string,
    readonly actors: readonly ActorSpec[],
    readonly isError: (e: unknown) => string | null,
  ) {
    this.held = [...actors.map(() => new Map<number, number>()), new Map<number, number>()];
    RECORDER_RESULTS.forEach((_, i) => {
      this.subs.push((e) => this.#record(i, e));
    });
    actors.forEach((spec, i) => {
      this.subs.push((e) => this.#act(i, spec, e));
    });
  }

  /** The driver's references, by ID. */
  get driverHeld(): Map<number, number> {
    return this.held[this.held.length - 1];
  }

  /** onNotifierError of this world's space. */
  readonly onNotifierError = (error: unknown, event: SpaceEvent | null): void => {
    const what = error instanceof Error ? error.message : show(error);
    this.log.push(`  error "${what}" on ${describeEvent(event)}`);
  };

  /** A `find` getter that logs its call; mode 1..4 chooses its result. */
  getter(mode: number): ((data: unknown) => unknown) | undefined {
    if (mode === 0) return undefined;
    const result = [true, false, 0, 'yes'][mode - 1];
    return (data) => {
      this.log.push(`  getter(${show(data)}) -> ${show(result)}`);
      return result;
    };
  }

  o(f: () => unknown): string {
    return outcome(f, this.isError);
  }

  /** A recorder: logs the event and what it reads of the ID while the event is delivered. */
  #record(i: number, e: SpaceEvent): unknown {
    this.#noteAlloc(e);
    const s = this.space;
    const spid = e.spid === INVALID_IOASID ? '-' : this.o(() => s.findBySpid(e.sid, e.spid));
    this.log.push(
      `${'  '.repeat(this.depth)}r${i} <- ${describeEvent(e)} | state=${this.o(() => s.state(e.id))} refs=${this.o(() => s.refCount(e.id))} find=${this.o(() => s.find(-1, e.id))} bySpid=${spid}`,
    );
    switch (RECORDER_RESULTS[i]) {
      case 'undefined':
        return undefined;
      case 'ok':
        return NOTIFY_OK;
      case 'stop':
        return NOTIFY_STOP;
      case 'bad':
        return NOTIFY_BAD;
      case 'throw':
        throw new Error(`recorder ${i} throws`);
      case 'string':
        return 'not a number';
      case 'five':
        return 5;
      case 'minusOne':
        return -1;
    }
  }

  /** An actor: logs the event, then re-enters the space with its reactions (below MAX_DEPTH). */
  #act(i: number, spec: ActorSpec, e: SpaceEvent): unknown {
    this.#noteAlloc(e);
    const indent = '  '.repeat(this.depth);
    this.log.push(`${indent}a${i} <- ${describeEvent(e)}`);
    if (this.depth < MAX_DEPTH) {
      this.depth++;
      try {
        const list: Reaction[] = [];
        if (spec.holds && e.type === 'alloc') list.push({ kind: 'get', arg: 0 });
        if (spec.holds && e.type === 'free') list.push({ kind: 'putHeld', arg: 0 });
        const own = spec.on[e.type as keyof ActorSpec['on']];
        if (own !== undefined) list.push(...own);
        for (const r of list) this.log.push(`${indent}a${i}.${r.kind}(${r.arg}): ${this.#react(i, r, e)}`);
      } finally {
        this.depth--;
      }
    }
    if (spec.throws) throw new Error(`actor ${i} throws`);
    return spec.result;
  }

  /** Invariant 3 by reference accounting: an ID someone holds a reference on is never handed out. */
  #noteAlloc(e: SpaceEvent): void {
    // Only when the first subscriber sees the event: later ones may see references taken by earlier ones.
    if (e.type !== 'alloc' || this.#checked.has(e)) return;
    this.#checked.add(e);
    this.held.forEach((held, who) => {
      if ((held.get(e.id) ?? 0) > 0) {
        this.violations.push(`ID ${e.id} handed out (ALLOC) while holder ${who} holds a reference on it`);
      }
    });
  }

  #react(i: number, r: Reaction, e: SpaceEvent): string {
    const s = this.space;
    const held = this.held[i];
    const a = r.arg;
    switch (r.kind) {
      case 'get': {
        const got = this.o(() => s.get(e.id));
        if (got.startsWith('ok')) held.set(e.id, (held.get(e.id) ?? 0) + 1);
        return got;
      }
      case 'putHeld': {
        const n = held.get(e.id) ?? 0;
        held.delete(e.id);
        const out: string[] = [];
        for (let k = 0; k < n; k++) out.push(this.o(() => s.put(e.id)));
        return out.join(' ');
      }
      case 'putAllHeld': {
        const out: string[] = [];
        for (const id of [...held.keys()].sort((x, y) => x - y)) {
          const n = held.get(id) ?? 0;
          held.delete(id);
          for (let k = 0; k < n; k++) out.push(`${id}:${this.o(() => s.put(id))}`);
        }
        return out.join(' ');
      }
      case 'putUnheld': {
        // Drops the owner's reference when nobody else holds one (refCount: the owner's, plus the core's
        // hold during FREE), then puts once more: inside FREE the first put must not release the ID and
        // the second has no reference left to drop (ENOENT); elsewhere the first put releases the ID.
        const alone = e.type === 'free' ? 2 : 1;
        if (this.o(() => s.state(e.id)) !== 'ok:"active"' && e.type !== 'free') return 'skipped';
        if (this.o(() => s.refCount(e.id)) !== `ok:${alone}`) return 'skipped';
        return `${this.o(() => s.put(e.id))} ${this.o(() => s.put(e.id))}`;
      }
      case 'freeSelf':
        return this.o(() => s.free(e.id));
      case 'freeNext': {
        let next = -1;
        const listed = this.o(() => {
          next = s.listIds(e.sid).find((id) => id > e.id) ?? -1;
        });
        if (next < 0) return `${listed} none`;
        return `${next}:${this.o(() => s.free(next))}`;
      }
      case 'replaceNext': {
        // Frees the set's next ID, then allocates the lowest free ID above the event's into the set:
        // during a freeSet walk that is often the ID just freed, a new life the walk must spare.
        const freed = this.#react(i, { kind: 'freeNext', arg: a }, e);
        return `${freed}; ${this.#react(i, { kind: 'allocAbove', arg: a }, e)}`;
      }
      case 'alloc': {
        const [min, max] = RANGES[a % 9];
        return this.o(() => s.alloc(e.sid, min, max, DATA[a % DATA.length]));
      }
      case 'allocAbove':
        // The lowest free ID above the event's: during a freeSet walk, often an ID the walk still has to visit.
        return this.o(() => s.alloc(e.sid, e.id + 1, 0xffffffff, DATA[a % DATA.length]));
      case 'freeSet':
        return this.o(() => s.freeSet(e.sid, false));
      case 'freeSetDestroy':
        return this.o(() => s.freeSet(e.sid, true));
      case 'attach':
        return this.o(() => s.attachSpid(e.id, SPIDS[a % 5]));
      case 'detach':
        return this.o(() => s.detachSpid(e.id));
      case 'setData':
        return this.o(() => s.setData(e.id, DATA[a % DATA.length]));
      case 'notify':
        return this.o(() => s.notify(e.id, 'custom'));
      case 'removeSub': {
        const target = this.subs[a % this.subs.length];
        return this.o(() => s.removeNotifier(target, a % 2 === 0 ? {} : { sid: e.sid }));
      }
      case 'addSub': {
        const target = this.subs[a % this.subs.length];
        return this.o(() =>
          s.addNotifier(target, a % 2 === 0 ? { priority: a % 4 } : { sid: e.sid, priority: a % 4 }),
        );
      }
      case 'allocSet':
        return this.o(() => s.allocSet(TOKENS[a % 8], a % 4));
      case 'adjust':
        return this.o(() => s.adjustSet(e.sid, a % 6));
    }
  }
}
