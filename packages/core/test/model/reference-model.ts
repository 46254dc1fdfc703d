// A reference model of the ioasid contract for the model-based test: plain Maps and arrays, linear
// scans, no cleverness, so that it is obviously right. It has the same methods as IoasidSpace.
//
// Sources of every rule: docs/contract.md, and the implementer's decisions listed in docs/design.md and
// docs/api.md (check orders, the FREE hold, the freeSet walk). Where neither fixes a check order, the model
// follows the core's choice and says so in a comment ("order: core").

import { ERROR_CODES } from 'ioasid';

/** The contract's constants, written out here so that the model does not trust the package under test. */
export const INVALID_IOASID = 0xffffffff;
export const MAX_IOASID = 0xfffffffe;
export const INVALID_IOASID_SET = -1;
export const MAX_CAPACITY = 0xffffffff;
export const NOTIFY_DONE = 0;
export const NOTIFY_STOP_MASK = 0x8000;

export type ModelErrorCode = 'EINVAL' | 'ENOENT' | 'EACCES' | 'EBUSY' | 'EEXIST' | 'ENOSPC' | 'EAGAIN';

/**
 * The Linux errno of each code, from the registry: the one test that pins the registry to errno-base.h
 * (contract/errors.test.ts) keeps these numbers honest, so the model need not repeat them.
 */
export const ERRNO: Readonly<Record<ModelErrorCode, number>> = Object.fromEntries(
  (['EINVAL', 'ENOENT', 'EACCES', 'EBUSY', 'EEXIST', 'ENOSPC', 'EAGAIN'] as const).map((code) => [
    code,
    ERROR_CODES[code].errno,
  ]),
) as Record<ModelErrorCode, number>;

/** What a failing model call throws: only the code matters for the comparison. */
export class ModelError extends Error {
  constructor(
    readonly code: ModelErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'ModelError';
  }
}

/** The event every subscriber receives, as the contract describes it. */
export interface ModelEvent {
  readonly type: string;
  readonly id: number;
  readonly sid: number;
  readonly token: unknown;
  readonly data: unknown;
  readonly spid: number;
}

export type ModelCallback = (event: ModelEvent) => unknown;

export interface ModelSetInfo {
  readonly sid: number;
  readonly token: unknown;
  readonly quota: number;
  readonly count: number;
  readonly dying: boolean;
}

export interface ReferenceModelOptions {
  readonly capacity?: number;
  readonly onNotifierError?: (error: unknown, event: ModelEvent | null) => void;
  /** The token `allocSystemSet` gives the system set (tests pass the core's own private token). */
  readonly systemToken?: unknown;
}

interface ModelSet {
  readonly sid: number;
  readonly token: unknown;
  quota: number;
  /** freeSet(sid, true) was called; the set waits for its last ID. */
  dying: boolean;
  /** The set is gone (its sid may belong to a new set now). */
  destroyed: boolean;
  /** Subscribers of this set, in registration order. */
  subs: Registration[];
}

/** One life of one ID. A new allocation of the same number is a new record. */
interface ModelId {
  readonly id: number;
  readonly set: ModelSet;
  data: unknown;
  /** References: the owner's (until free drops it) plus one per successful get. */
  refs: number;
  /** free was called: one FREE per life. */
  pending: boolean;
  /** 1 while this ID's FREE is being delivered: the core holds the ID, so no put can release it. */
  holds: number;
  /** The guest ID mapped to this ID, or null. */
  spid: number | null;
}

interface Registration {
  readonly callback: ModelCallback;
  readonly priority: number;
  /** Set on removal, so that a delivery in progress skips it. */
  removed: boolean;
}

function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

/** An ID that can exist: integer 0..0xFFFFFFFE. */
function isId(value: unknown): value is number {
  return isInteger(value) && value >= 0 && value <= MAX_IOASID;
}

/** A range bound: integer 0..0xFFFFFFFF. */
function isBound(value: unknown): value is number {
  return isInteger(value) && value >= 0 && value <= INVALID_IOASID;
}

/** A set ID: safe integer >= 0. */
function isSid(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/** A quota or capacity: integer 0..2^32-1. */
function isQuota(value: unknown): value is number {
  return isInteger(value) && value >= 0 && value <= MAX_CAPACITY;
}

function fail(code: ModelErrorCode, message: string): never {
  throw new ModelError(code, message);
}

/** The reference model. Every method validates everything before it changes anything. */
export class ReferenceModel {
  #capacity = 0;
  #available = 0;
  /** Existing sets (live and dying) by set ID. */
  readonly #sets = new Map<number, ModelSet>();
  /** Allocated IDs (free-pending included) by ID. */
  readonly #ids = new Map<number, ModelId>();
  /** Global subscribers, in registration order. */
  readonly #global: Registration[] = [];
  #system: ModelSet | null = null;
  readonly #systemToken: unknown;
  readonly #onError: ((error: unknown, event: ModelEvent | null) => void) | null;

  constructor(options: ReferenceModelOptions = {}) {
    this.#onError = options.onNotifierError ?? null;
    this.#systemToken = options.systemToken ?? Symbol('reference model system set');
    if (options.capacity !== undefined) this.installCapacity(options.capacity);
  }

  get capacity(): number {
    return this.#capacity;
  }

  get available(): number {
    return this.#available;
  }

  get size(): number {
    return this.#ids.size;
  }

  get systemSid(): number {
    return this.#system === null ? INVALID_IOASID_SET : this.#system.sid;
  }

  // ---- capacity and sets ----------------------------------------------------------------------

  installCapacity(total: number): void {
    if (!isBound(total) || total === 0) fail('EINVAL', `bad capacity ${total}`);
    if (this.#capacity !== 0) fail('EBUSY', 'capacity already installed');
    this.#capacity = total;
    this.#available = total;
  }

  allocSet(token: unknown, quota: number): number {
    if (token === null || token === undefined) fail('EINVAL', 'no token');
    return this.#createSet(token, quota).sid;
  }

  allocSystemSet(quota: number): number {
    // order: core (a bad quota, then EEXIST, then ENOSPC).
    if (!isQuota(quota)) fail('EINVAL', `bad quota ${quota}`);
    if (this.#system !== null) fail('EEXIST', 'system set exists');
    const set = this.#createSet(this.#systemToken, quota);
    this.#system = set;
    return set.sid;
  }

  freeSet(sid: number, destroy: boolean = false): void {
    if (typeof destroy !== 'boolean') fail('EINVAL', 'destroy must be a boolean');
    const set = this.#liveSet(sid);
    if (destroy) set.dying = true; // refuses alloc/adjust/freeSet at once, releases the token
    // The walk frees a snapshot of the set's ID lives, ascending. A life released meanwhile, or an ID
    // allocated during the walk (a new life), is not freed by it.
    const snapshot = this.#idsOf(set);
    for (const life of snapshot) {
      if (this.#ids.get(life.id) === life) this.#freeLife(life);
    }
    if (destroy && !set.destroyed && this.#idsOf(set).length === 0) this.#destroy(set);
  }

  adjustSet(sid: number, quota: number): void {
    if (!isQuota(quota)) fail('EINVAL', `bad quota ${quota}`); // order: core (quota first)
    const set = this.#liveSet(sid);
    const count = this.#idsOf(set).length;
    if (quota < count) fail('EINVAL', `quota ${quota} below count ${count}`);
    const growth = quota - set.quota;
    if (growth > this.#available) fail('ENOSPC', `growth ${growth} above available ${this.#available}`);
    this.#available -= growth;
    set.quota = quota;
  }

  getSet(sid: number): ModelSetInfo {
    return this.#describe(this.#existingSet(sid));
  }

  listSets(): ModelSetInfo[] {
    const sids = [...this.#sets.keys()].sort((a, b) => a - b);
    return sids.map((sid) => this.#describe(this.#sets.get(sid) as ModelSet));
  }

  listIds(sid: number): number[] {
    return this.#idsOf(this.#existingSet(sid)).map((life) => life.id);
  }

  // ---- IDs ------------------------------------------------------------------------------------

  alloc(sid: number, min: number, max: number, data: unknown = null): number {
    if (!isSid(sid)) fail('EINVAL', `bad sid ${sid}`);
    const set = this.#sets.get(sid);
    if (set === undefined || set.dying) fail('ENOENT', `no live set ${sid}`);
    if (!isBound(min) || !isBound(max) || min > max) fail('EINVAL', `bad range [${min}, ${max}]`);
    if (max === INVALID_IOASID) max = MAX_IOASID;
    if (this.#idsOf(set).length >= set.quota) fail('ENOSPC', `set ${sid} at quota`);
    // Lowest free ID in [min, max], one namespace for all sets: count upward.
    let id = min + 0; // + 0 turns -0 into 0
    while (id <= max && this.#ids.has(id)) id++;
    if (id > max) fail('ENOSPC', `no free ID in [${min}, ${max}]`);
    const life: ModelId = { id, set, data: data ?? null, refs: 1, pending: false, holds: 0, spid: null };
    this.#ids.set(id, life);
    this.#emit('alloc', life);
    return id;
  }

  /** `alloc` returning the negative errno instead of throwing. */
  tryAlloc(sid: number, min: number, max: number, data: unknown = null): number {
    try {
      return this.alloc(sid, min, max, data);
    } catch (error) {
      if (error instanceof ModelError) return -ERRNO[error.code];
      throw error;
    }
  }

  free(id: number): void {
    this.#freeLife(this.#lookup(id));
  }

  /** `free` returning 0 or the negative errno instead of throwing. */
  tryFree(id: number): number {
    try {
      this.free(id);
      return 0;
    } catch (error) {
      if (error instanceof ModelError) return -ERRNO[error.code];
      throw error;
    }
  }

  get(id: number, sid: number = INVALID_IOASID_SET): void {
    const life = this.#lookup(id, sid);
    if (life.pending) fail('EBUSY', `ID ${id} is free-pending`);
    life.refs++;
  }

  put(id: number): boolean {
    const life = this.#lookup(id);
    // Decision: while the ID's FREE is delivered the core holds it, so a put never releases it then;
    // a put when only that hold is left drops a reference nobody took: ENOENT (order: core).
    if (life.refs === 0) fail('ENOENT', `ID ${id} has no reference left to drop`);
    life.refs--;
    if (life.refs === 0 && life.holds === 0) {
      this.#release(life);
      return true;
    }
    return false;
  }

  find(sid: number, id: number, getter?: ((data: unknown) => unknown) | null): unknown {
    const life = this.#lookup(id, sid);
    if (getter !== undefined && getter !== null) {
      if (typeof getter !== 'function') fail('EINVAL', 'getter must be a function');
      if (!getter(life.data)) return null;
    }
    return life.data;
  }

  findSid(id: number): number {
    return this.#lookup(id).set.sid;
  }

  setData(id: number, data: unknown): void {
    this.#lookup(id).data = data ?? null;
  }

  state(id: number): 'active' | 'free-pending' {
    return this.#lookup(id).pending ? 'free-pending' : 'active';
  }

  /** References, the FREE-delivery hold included (as the core counts them). */
  refCount(id: number): number {
    const life = this.#lookup(id);
    return life.refs + life.holds;
  }

  // ---- guest IDs ------------------------------------------------------------------------------

  attachSpid(id: number, spid: number): void {
    if (!isId(spid)) fail('EINVAL', `bad spid ${spid}`);
    const life = this.#lookup(id);
    if (life.pending) fail('EBUSY', `ID ${id} is free-pending`);
    for (const other of this.#idsOf(life.set)) {
      if (other !== life && other.spid === spid) fail('EINVAL', `spid ${spid} mapped to ID ${other.id}`);
    }
    life.spid = spid + 0; // -0 is the number 0
    this.#emit('bind', life);
  }

  detachSpid(id: number): void {
    const life = this.#lookup(id);
    const spid = life.spid;
    if (spid === null) fail('ENOENT', `ID ${id} has no spid`);
    this.#emit('unbind', life); // the mapping is still visible during UNBIND
    // Remove what was announced, unless callbacks already changed it or the life ended.
    if (this.#ids.get(id) === life && life.spid === spid) life.spid = null;
  }

  findBySpid(sid: number, spid: number): number {
    if (!isId(spid)) fail('EINVAL', `bad spid ${spid}`); // order: core (spid first)
    const set = this.#existingSet(sid);
    for (const life of this.#idsOf(set)) if (life.spid === spid) return life.id;
    return fail('ENOENT', `no ID mapped to spid ${spid} in set ${sid}`);
  }

  spidOf(id: number): number {
    return this.#lookup(id).spid ?? INVALID_IOASID;
  }

  // ---- notifications --------------------------------------------------------------------------

  addNotifier(callback: ModelCallback, options: { sid?: number; priority?: number } = {}): void {
    const list = this.#chainFor(callback, options);
    // order: core (the scope is checked before the priority).
    const priority = options.priority ?? 0;
    if (typeof priority !== 'number' || !Number.isSafeInteger(priority)) fail('EINVAL', 'bad priority');
    if (list.some((r) => r.callback === callback)) fail('EEXIST', 'already subscribed here');
    list.push({ callback, priority, removed: false });
  }

  removeNotifier(callback: ModelCallback, options: { sid?: number } = {}): void {
    const list = this.#chainFor(callback, options);
    const i = list.findIndex((r) => r.callback === callback);
    if (i < 0) fail('ENOENT', 'not subscribed here');
    list[i].removed = true;
    list.splice(i, 1);
  }

  notify(id: number, type: string): number {
    if (typeof type !== 'string' || type.length === 0) fail('EINVAL', 'bad event type');
    return this.#emit(type, this.#lookup(id));
  }

  // ---- internals ------------------------------------------------------------------------------

  #createSet(token: unknown, quota: number): ModelSet {
    if (!isQuota(quota)) fail('EINVAL', `bad quota ${quota}`);
    if (quota > this.#available) fail('ENOSPC', `quota ${quota} above available ${this.#available}`);
    for (const set of this.#sets.values()) {
      if (!set.dying && Object.is(set.token, token)) fail('EEXIST', `token owns set ${set.sid}`);
    }
    let sid = 0;
    while (this.#sets.has(sid)) sid++;
    const set: ModelSet = { sid, token, quota, dying: false, destroyed: false, subs: [] };
    this.#sets.set(sid, set);
    this.#available -= quota;
    return set;
  }

  #existingSet(sid: number): ModelSet {
    if (!isSid(sid)) fail('EINVAL', `bad sid ${sid}`);
    const set = this.#sets.get(sid);
    if (set === undefined) fail('ENOENT', `no set ${sid}`);
    return set;
  }

  #liveSet(sid: number): ModelSet {
    const set = this.#existingSet(sid);
    if (set.dying) fail('ENOENT', `set ${sid} is dying`);
    return set;
  }

  /** The ID's life, checking the ID, then the sid (unless -1), then existence, then ownership. */
  #lookup(id: number, sid: number = INVALID_IOASID_SET): ModelId {
    if (!isId(id)) fail('EINVAL', `bad ID ${id}`);
    if (sid !== INVALID_IOASID_SET && !isSid(sid)) fail('EINVAL', `bad sid ${sid}`);
    const life = this.#ids.get(id);
    if (life === undefined) fail('ENOENT', `ID ${id} not allocated`);
    if (sid !== INVALID_IOASID_SET && life.set.sid !== sid) fail('EACCES', `ID ${id} not in set ${sid}`);
    return life;
  }

  /** The lives of a set's IDs, ascending. */
  #idsOf(set: ModelSet): ModelId[] {
    const lives = [...this.#ids.values()].filter((life) => life.set === set);
    return lives.sort((a, b) => a.id - b.id);
  }

  #describe(set: ModelSet): ModelSetInfo {
    return {
      sid: set.sid,
      token: set.token,
      quota: set.quota,
      count: this.#idsOf(set).length,
      dying: set.dying,
    };
  }

  /** free: free-pending, FREE while held, then drop the owner's reference (if any is left). */
  #freeLife(life: ModelId): void {
    if (life.pending) return; // one FREE per life
    life.pending = true;
    life.holds++;
    this.#emit('free', life);
    life.holds--;
    if (life.refs > 0) life.refs--;
    if (life.refs === 0 && life.holds === 0) this.#release(life);
  }

  #release(life: ModelId): void {
    this.#ids.delete(life.id); // data and spid mapping go with the life
    const set = life.set;
    if (set.dying && !set.destroyed && this.#idsOf(set).length === 0) this.#destroy(set);
  }

  #destroy(set: ModelSet): void {
    set.destroyed = true;
    this.#sets.delete(set.sid);
    for (const r of set.subs) r.removed = true; // a set's subscribers end with the set
    set.subs = [];
    this.#available += set.quota;
    if (this.#system === set) this.#system = null;
  }

  #chainFor(callback: ModelCallback, options: { sid?: number }): Registration[] {
    if (typeof callback !== 'function') fail('EINVAL', 'callback must be a function');
    if (typeof options !== 'object' || options === null) fail('EINVAL', 'options must be an object');
    const sid = options.sid;
    if (sid === undefined || sid === INVALID_IOASID_SET) return this.#global;
    return this.#existingSet(sid).subs; // dying sets may be subscribed
  }

  /**
   * Global chain first, then the set's chain; returns the last callback's result (DONE if none). Both
   * chains are taken before anyone is called: a subscriber added during the delivery (to either chain)
   * is not called for it; one removed during it is skipped.
   */
  #emit(type: string, life: ModelId): number {
    const event: ModelEvent = {
      type,
      id: life.id,
      sid: life.set.sid,
      token: life.set.token,
      data: life.data,
      spid: life.spid ?? INVALID_IOASID,
    };
    const globalSubs = [...this.#global];
    const setSubs = [...life.set.subs];
    let last: number | null = null;
    const fromGlobal = this.#walk(globalSubs, event);
    if (fromGlobal !== null) last = fromGlobal;
    const fromSet = this.#walk(setSubs, event);
    if (fromSet !== null) last = fromSet;
    return last ?? NOTIFY_DONE;
  }

  /**
   * Calls the subscribers highest priority first, registration order among equals (a stable sort of the
   * registration-ordered list), skipping those removed meanwhile. A result with the 0x8000 bit ends the
   * walk. Returns the last result, or null if nobody was called.
   */
  #walk(list: Registration[], event: ModelEvent): number | null {
    const ordered = [...list].sort((a, b) =>
      a.priority > b.priority ? -1 : a.priority < b.priority ? 1 : 0,
    );
    let last: number | null = null;
    for (const r of ordered) {
      if (r.removed) continue;
      let result: unknown;
      try {
        result = r.callback(event);
      } catch (error) {
        this.#report(error, event);
        result = NOTIFY_DONE;
      }
      last = typeof result === 'number' ? result : NOTIFY_DONE;
      if ((last & NOTIFY_STOP_MASK) !== 0) break;
    }
    return last;
  }

  #report(error: unknown, event: ModelEvent): void {
    if (this.#onError !== null) {
      this.#onError(error, event);
      return;
    }
    queueMicrotask(() => {
      throw error;
    });
  }
}
