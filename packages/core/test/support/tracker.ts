// A shadow model of an IoasidSpace that checks the contract's five invariants after every call and at
// every event delivery, nested calls included (the kernel's radix-tree test keeps a shadow bitmap too).

import { INVALID_IOASID, type IoasidEvent, IoasidSpace, type NotifierCallback } from 'ioasid';

/** One life of an ID as the model sees it: from its ALLOC event to its release. */
interface Life {
  readonly id: number;
  readonly sid: number;
  /** ALLOC and FREE events seen in this life (invariant 5). */
  allocs: number;
  frees: number;
  /** References the model knows of: the owner's (until freed) plus every `get` not yet `put`. */
  refs: number;
  /** Freed by its owner (FREE seen). */
  pending: boolean;
  /** Inside the delivery of its FREE event: the ID stays allocated whatever its references. */
  freeing: boolean;
  /** Released: the ID may be handed out again. */
  released: boolean;
}

/** Checks invariants 1, 2 and 4 from the public API; returns the violations found (empty when none). */
export function structuralViolations(space: IoasidSpace): string[] {
  const out: string[] = [];
  const sets = space.listSets();
  // 1. available + sum of quotas of existing sets == capacity
  const quotas = sets.reduce((sum, s) => sum + s.quota, 0);
  if (space.available + quotas !== space.capacity) {
    out.push(`inv1: available ${space.available} + quotas ${quotas} != capacity ${space.capacity}`);
  }
  let total = 0;
  const owner = new Map<number, number>();
  for (let i = 0; i < sets.length; i++) {
    const set = sets[i];
    if (i > 0 && sets[i - 1].sid >= set.sid) out.push(`listSets not ascending at sid ${set.sid}`);
    // 2. every set holds at most quota IDs
    if (set.count > set.quota) out.push(`inv2: set ${set.sid} holds ${set.count} > quota ${set.quota}`);
    // 4. findSid, find, findBySpid, getSet(sid).count and listIds agree
    const ids = space.listIds(set.sid);
    const again = space.getSet(set.sid);
    if (again.count !== set.count || ids.length !== set.count) {
      out.push(`inv4: set ${set.sid} count ${set.count}/${again.count} but listIds has ${ids.length}`);
    }
    for (let j = 0; j < ids.length; j++) {
      const id = ids[j];
      if (j > 0 && ids[j - 1] >= id) out.push(`inv4: listIds(${set.sid}) not ascending at ${id}`);
      if (owner.has(id)) out.push(`inv4: ID ${id} listed in sets ${owner.get(id)} and ${set.sid}`);
      owner.set(id, set.sid);
      try {
        const sid = space.findSid(id);
        if (sid !== set.sid) out.push(`inv4: findSid(${id}) = ${sid}, listed in set ${set.sid}`);
        if (space.find(set.sid, id) !== space.find(-1, id)) out.push(`inv4: find(${set.sid}, ${id}) differs`);
        const spid = space.spidOf(id);
        if (spid !== INVALID_IOASID && space.findBySpid(set.sid, spid) !== id) {
          out.push(`inv4: findBySpid(${set.sid}, ${spid}) is not ${id}`);
        }
      } catch (error) {
        out.push(`inv4: lookup of listed ID ${id} of set ${set.sid} threw ${String(error)}`);
      }
    }
    total += set.count;
  }
  if (total !== space.size) out.push(`inv4: sets hold ${total} IDs but size is ${space.size}`);
  return out;
}

/**
 * Wraps a space with a shadow model of ID lives and references. Scenarios call the tracker's methods
 * (also from inside callbacks) so the model follows every reference; the tracker subscribes itself first
 * and last in the global chain and last in every set chain it creates. Scenarios must therefore create
 * sets through the tracker and must not return NOTIFY_STOP/NOTIFY_BAD from set chains (that would hide
 * the end of a FREE delivery from the model).
 */
export class ContractTracker {
  readonly space: IoasidSpace;
  /** Every invariant violation seen, with where it was seen. */
  readonly violations: string[] = [];
  /** Errors thrown by subscribers (onNotifierError). */
  readonly notifierErrors: unknown[] = [];
  /** Every event delivered, as `type:id`. */
  readonly log: string[] = [];
  /** Latest life of every ID ever allocated. */
  readonly lives = new Map<number, Life>();
  readonly #checkDuringEvents: boolean;
  readonly #allocEvents: { id: number; sid: number }[] = [];
  readonly #setEnd: NotifierCallback = (event) => this.#deliveryEnd(event, true);

  constructor(capacity: number, options: { checkDuringEvents?: boolean } = {}) {
    this.#checkDuringEvents = options.checkDuringEvents ?? true;
    this.space = new IoasidSpace({
      capacity,
      onNotifierError: (error) => {
        this.notifierErrors.push(error);
      },
    });
    this.space.addNotifier((event) => this.#deliveryStart(event), { priority: Number.MAX_SAFE_INTEGER });
    this.space.addNotifier((event) => this.#deliveryEnd(event, false), { priority: Number.MIN_SAFE_INTEGER });
  }

  // ---- the space's calls, followed by the model ---------------------------------------------------

  allocSet(token: unknown, quota: number): number {
    const sid = this.space.allocSet(token, quota);
    this.space.addNotifier(this.#setEnd, { sid, priority: Number.MIN_SAFE_INTEGER });
    return sid;
  }

  allocSystemSet(quota: number): number {
    const sid = this.space.allocSystemSet(quota);
    this.space.addNotifier(this.#setEnd, { sid, priority: Number.MIN_SAFE_INTEGER });
    return sid;
  }

  alloc(sid: number, min: number, max: number, data?: unknown): number {
    const from = this.#allocEvents.length;
    const id = this.space.alloc(sid, min, max, data);
    // The ALLOC event came during the call (the ID may already be freed again by a callback).
    if (!this.#allocEvents.slice(from).some((e) => e.id === id && e.sid === sid)) {
      this.violations.push(`alloc(${sid}) returned ${id} without a matching ALLOC event`);
    }
    return id;
  }

  free(id: number): void {
    this.space.free(id);
  }

  freeSet(sid: number, destroy = false): void {
    this.space.freeSet(sid, destroy);
  }

  adjustSet(sid: number, quota: number): void {
    this.space.adjustSet(sid, quota);
  }

  get(id: number, sid?: number): void {
    this.space.get(id, sid);
    const life = this.lives.get(id);
    if (life === undefined || life.released) this.violations.push(`get(${id}) succeeded on an unknown ID`);
    else life.refs++;
  }

  put(id: number): boolean {
    const released = this.space.put(id);
    const life = this.lives.get(id);
    if (life === undefined || life.released) {
      this.violations.push(`put(${id}) succeeded on an ID the model released`);
      return released;
    }
    life.refs--;
    const expected = life.refs <= 0 && !life.freeing;
    if (released !== expected) {
      this.violations.push(`put(${id}) returned ${released}, model expected ${expected} (refs ${life.refs})`);
    }
    if (released) this.#release(life);
    return released;
  }

  attachSpid(id: number, spid: number): void {
    this.space.attachSpid(id, spid);
  }

  detachSpid(id: number): void {
    this.space.detachSpid(id);
  }

  // ---- checks ------------------------------------------------------------------------------------

  /**
   * Returns every violation: those recorded during deliveries, invariants 1, 2 and 4 now, and the
   * model's agreement with the space (every live ID allocated in its set with the model's state and
   * references; every released ID gone).
   */
  check(): string[] {
    const out = [...this.violations, ...structuralViolations(this.space)];
    const listed = new Set<number>();
    for (const set of this.space.listSets()) for (const id of this.space.listIds(set.sid)) listed.add(id);
    for (const life of this.lives.values()) {
      if (!life.released && life.refs <= 0 && !life.freeing) this.#release(life);
      if (life.released) {
        if (listed.has(life.id)) out.push(`ID ${life.id} is still allocated after the model released it`);
        continue;
      }
      if (!listed.has(life.id)) {
        out.push(`ID ${life.id} (refs ${life.refs}, pending ${life.pending}) vanished from the space`);
        continue;
      }
      const state = this.space.state(life.id);
      if (state !== (life.pending ? 'free-pending' : 'active')) out.push(`ID ${life.id} is ${state}`);
      if (this.space.findSid(life.id) !== life.sid) out.push(`ID ${life.id} moved out of set ${life.sid}`);
      const refs = this.space.refCount(life.id);
      if (!life.freeing && refs !== life.refs) out.push(`ID ${life.id} has ${refs} refs, model ${life.refs}`);
    }
    for (const id of listed) {
      const life = this.lives.get(id);
      if (life === undefined || life.released) out.push(`ID ${id} is allocated without an ALLOC event`);
    }
    return out;
  }

  // ---- model updates from the deliveries ----------------------------------------------------------

  #deliveryStart(event: IoasidEvent): void {
    this.log.push(`${event.type}:${event.id}`);
    if (event.type === 'alloc') {
      this.#allocEvents.push({ id: event.id, sid: event.sid });
      const prev = this.lives.get(event.id);
      // 3. never handed out while allocated or referenced
      if (prev !== undefined && !prev.released) {
        if (prev.refs > 0 || prev.freeing) {
          this.violations.push(
            `inv3: ID ${event.id} handed out again while ${prev.freeing ? 'its FREE is delivered' : `it holds ${prev.refs} refs`}`,
          );
        } else {
          this.#release(prev);
        }
      }
      // 5. exactly one ALLOC per life: a new life starts only after the old one was released
      this.lives.set(event.id, {
        id: event.id,
        sid: event.sid,
        allocs: 1,
        frees: 0,
        refs: 1,
        pending: false,
        freeing: false,
        released: false,
      });
    } else if (event.type === 'free') {
      const life = this.lives.get(event.id);
      if (life === undefined || life.released) {
        this.violations.push(`FREE for ID ${event.id}, which the model has not allocated`);
      } else {
        life.frees++;
        if (life.frees > 1)
          this.violations.push(`inv5: ID ${event.id} got ${life.frees} FREE events in one life`);
        life.pending = true;
        life.freeing = true;
      }
    }
    if (this.#checkDuringEvents) this.#checkNow(`start of ${event.type}:${event.id}`);
  }

  #deliveryEnd(event: IoasidEvent, fromSet: boolean): void {
    // The set chain runs after the global one: the set's end marker is the real end when the set has one.
    if (!fromSet && this.#hasSetMarker(event.sid)) return;
    if (event.type === 'free') {
      const life = this.lives.get(event.id);
      if (life !== undefined && !life.released && life.freeing) {
        life.freeing = false;
        life.refs--; // the owner's reference, dropped once the delivery ends
        if (life.refs <= 0) this.#release(life);
      }
    }
    if (this.#checkDuringEvents) this.#checkNow(`end of ${event.type}:${event.id}`);
  }

  #hasSetMarker(sid: number): boolean {
    // Every set is created through the tracker, which subscribes its end marker; a set's chain ends with
    // the set, and a set holding an ID under FREE delivery cannot be destroyed during it.
    return this.space.listSets().some((set) => set.sid === sid);
  }

  #release(life: Life): void {
    life.released = true;
    life.refs = 0;
    if (life.allocs !== 1 || life.frees > 1) {
      this.violations.push(`inv5: ID ${life.id} life had ${life.allocs} ALLOC and ${life.frees} FREE`);
    }
  }

  #checkNow(where: string): void {
    for (const v of structuralViolations(this.space)) this.violations.push(`${v} (at ${where})`);
  }
}
