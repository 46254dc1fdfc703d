// IoasidSpace: one system-wide IOASID namespace with capacity, sets, quotas, references, guest-ID
// mapping, notifier chains and custom allocators. Every rule here is a rule of docs/contract.md.

import {
  INVALID_IOASID,
  INVALID_IOASID_SET,
  IOASID_ALLOC,
  IOASID_BIND,
  IOASID_FREE,
  IOASID_UNBIND,
  MAX_CAPACITY,
  NOTIFY_DONE,
} from './constants.js';
import { type AllocatorGroup, CustomAllocators } from './custom-allocators.js';
import { ERROR_CODES, IoasidError, type IoasidErrorCode } from './errors.js';
import { type IdPage, IdTable, newSpidColumn, REF_PENDING, SID_SHIFT } from './id-table.js';
import { NotifierChain, walkEntries } from './notifier-chain.js';
import { ioasidError } from './reasons.js';
import { MAX_SID, type SetRecord, SetRegistry } from './set-registry.js';
import type {
  Ioasid,
  IoasidAllocatorOps,
  IoasidEvent,
  IoasidIdInfo,
  IoasidSetInfo,
  IoasidSpaceOptions,
  IoasidState,
  NegativeErrno,
  NotifierCallback,
  NotifierOptions,
  Sid,
} from './types.js';
import { checkIoasid, checkQuota, checkSid, isIoasid, isRangeBound, isSid } from './validate.js';

const PAGE_MASK = 4095;
const ENOENT = -ERROR_CODES.ENOENT.errno;
const EINVAL = -ERROR_CODES.EINVAL.errno;
const ENOSPC = -ERROR_CODES.ENOSPC.errno;

/** The private token of the system set; `getSet(systemSid).token` returns it. */
const SYSTEM_TOKEN: unique symbol = Symbol('ioasid system set');

/**
 * One IOASID namespace: IDs `0..0xFFFFFFFE` shared by every set, as the kernel's `drivers/iommu/ioasid.c`
 * with the "IOASID extensions for guest SVA" set API.
 *
 * Context: every method is synchronous and never waits, so any of them may be called from a notifier
 * callback or from code that must not wait (the kernel's atomic context). A nested call completes, with
 * its own notifications, before it returns. Every failure throws an IoasidError and changes nothing.
 */
export class IoasidSpace {
  #capacity = 0;
  #available = 0;
  readonly #ids = new IdTable();
  /** IDs whose FREE is being delivered: the core holds one reference on each until delivery ends. */
  readonly #delivering = new Set<Ioasid>();
  /** `#ids.columns` held directly: the lookup directory of `find` and `findSid`. */
  readonly #columns = this.#ids.columns;
  readonly #sets = new SetRegistry();
  readonly #global = new NotifierChain();
  readonly #allocators = new CustomAllocators();
  #systemSet: SetRecord | null = null;
  readonly #onError: ((error: unknown, event: IoasidEvent | null) => void) | null;
  readonly #report = (error: unknown, event: IoasidEvent | null): void => this.#reportError(error, event);

  /**
   * Creates an empty namespace.
   * @param options `capacity` installs a capacity at once; `onNotifierError` receives subscriber errors
   * @throws EINVAL `invalid-options`, `invalid-callback`, `invalid-capacity`
   */
  constructor(options: IoasidSpaceOptions = {}) {
    if (typeof options !== 'object' || options === null) {
      throw ioasidError('invalid-options', { name: 'options', value: options });
    }
    const { capacity, onNotifierError } = options;
    if (onNotifierError !== undefined && typeof onNotifierError !== 'function') {
      throw ioasidError('invalid-callback', { name: 'options.onNotifierError', value: onNotifierError });
    }
    this.#onError = onNotifierError ?? null;
    if (capacity !== undefined) this.installCapacity(capacity);
  }

  /** The installed capacity (0 until `installCapacity`). */
  get capacity(): number {
    return this.#capacity;
  }

  /** Capacity not reserved by any set's quota: `capacity - sum(quotas)`. */
  get available(): number {
    return this.#available;
  }

  /** The system set's ID, or INVALID_IOASID_SET (-1) while there is none. */
  get systemSid(): Sid {
    return this.#systemSet === null ? INVALID_IOASID_SET : this.#systemSet.sid;
  }

  /** Number of IDs allocated in the whole namespace, free-pending ones included. */
  get size(): number {
    return this.#ids.live;
  }

  /**
   * Installs the capacity once, before any set reserves quota: `capacity = available = total`.
   * Mirrors `ioasid_install_capacity()` (V1: set-once; a second install is refused, not ignored).
   * @param total IDs the namespace may hand out, integer 1..2^32-1 (VT-d: 2^20)
   * @throws EINVAL `invalid-capacity`; EBUSY `capacity-installed`
   */
  installCapacity(total: number): void {
    if (!isRangeBound(total) || total === 0) {
      throw ioasidError('invalid-capacity', { capacity: total, max: MAX_CAPACITY });
    }
    if (this.#capacity !== 0) {
      throw ioasidError('capacity-installed', { capacity: this.#capacity });
    }
    this.#capacity = total;
    this.#available = total;
  }

  /**
   * Creates a set owned by `token` and reserves `quota` IDs of the capacity for it.
   * Mirrors `ioasid_alloc_set()` with the reviewers' fixes: check and reservation in one step, unique
   * tokens, set IDs lowest-unused from 0.
   * @param token the owner (a VM, an mm, a string): any value but null or undefined, compared with Object.is
   * @param quota IDs the set may hold at once, integer 0..2^32-1 (0: nothing until adjusted)
   * @returns the new set ID, the lowest unused (a destroyed set's ID is reused)
   * @throws EINVAL `invalid-token`, `invalid-quota`; ENOSPC `no-capacity` (quota > 0 before a capacity is
   * installed), `quota-above-available`, `set-ids-exhausted`; EEXIST `owner-exists` (a live set has the token)
   */
  allocSet(token: unknown, quota: number): Sid {
    if (token === null || token === undefined) {
      throw ioasidError('invalid-token', { token });
    }
    return this.#createSet(token, quota).sid;
  }

  /**
   * Creates the system set used for bare-metal SVA, with a private token; its ID is then `systemSid`.
   * Mirrors `ioasid_alloc_system_set()`.
   * @param quota IDs reserved for host processes (V1's VT-d used 32768)
   * @returns the system set's ID
   * @throws EINVAL `invalid-quota`; ENOSPC `no-capacity`, `quota-above-available`, `set-ids-exhausted`;
   * EEXIST `system-set-exists`, or `system-set-dying` while it is being destroyed
   */
  allocSystemSet(quota: number): Sid {
    checkQuota(quota);
    const system = this.#systemSet;
    if (system !== null) {
      throw system.dying
        ? ioasidError('system-set-dying', { sid: system.sid, count: system.count })
        : ioasidError('system-set-exists', { sid: system.sid });
    }
    const set = this.#createSet(SYSTEM_TOKEN, quota);
    this.#systemSet = set;
    return set.sid;
  }

  /**
   * Frees every ID of a set in ascending order, exactly as `free` does for each (one FREE event each),
   * and with `destroy` destroys the set: at once if no ID is still referenced, else when its last ID is
   * released (until then it is "dying"). Destroying returns the quota to `available`, makes the set ID
   * reusable, releases the token at once and drops the set's subscribers.
   * IDs that callbacks allocate into the set during the walk are not freed by it.
   * Mirrors `ioasid_free_set()`.
   * @param sid the set
   * @param destroy true to destroy the set as well (default false)
   * @throws EINVAL `invalid-sid`, `invalid-destroy`; ENOENT `no-set`, `set-dying`
   */
  freeSet(sid: Sid, destroy = false): void {
    if (typeof destroy !== 'boolean') {
      throw ioasidError('invalid-destroy', { destroy });
    }
    const set = this.#liveSet(sid);
    if (destroy) {
      set.dying = true;
      this.#sets.releaseToken(set);
    }
    if (set.count > 0) {
      if (this.#hasSubscribers(set) || this.#allocators.active !== null) {
        this.#freeAllIn(set);
      } else {
        // Nobody can observe the order or re-enter: release the whole set a bitmap word at a time.
        set.count -= this.#ids.freeAllOf(set.sid, set.lo, set.hi, set.spids);
        if (set.count === 0) {
          set.lo = 0xffffffff;
          set.hi = 0;
        }
      }
    }
    if (destroy && set.count === 0 && !set.destroyed) this.#destroySet(set);
  }

  /**
   * Changes a set's quota; `available` changes by `old - quota`. Mirrors `ioasid_adjust_set()` with
   * the V3 delta rule (the V1/V2 absolute comparison was a bug).
   * @param sid the set
   * @param quota the new quota, integer 0..2^32-1, at least the number of IDs the set holds
   * @throws EINVAL `invalid-sid`, `invalid-quota`, `quota-below-count`; ENOENT `no-set`, `set-dying`;
   * ENOSPC `growth-above-available` (growth `quota - old` above `available`)
   */
  adjustSet(sid: Sid, quota: number): void {
    checkQuota(quota);
    const set = this.#liveSet(sid);
    if (quota < set.count) {
      throw ioasidError('quota-below-count', { sid: set.sid, quota, count: set.count });
    }
    const growth = quota - set.quota;
    if (growth > this.#available) {
      throw ioasidError('growth-above-available', {
        sid: set.sid,
        quota,
        growth,
        available: this.#available,
        capacity: this.#capacity,
      });
    }
    this.#available -= growth;
    set.quota = quota;
  }

  /**
   * Describes a set (dying ones included).
   * @returns `{ sid, token, quota, count, dying }`, a fresh object
   * @throws EINVAL `invalid-sid`; ENOENT `no-set`
   */
  getSet(sid: Sid): IoasidSetInfo {
    return describe(this.#existingSet(sid));
  }

  /**
   * `getSet` that never throws, for callers asking whether a set exists: any value that names no existing
   * set (never created, destroyed, or not a set ID at all) gives undefined.
   * @returns `{ sid, token, quota, count, dying }` (a fresh object), or undefined
   */
  setInfo(sid: Sid): IoasidSetInfo | undefined {
    const set = typeof sid === 'number' && sid >>> 0 === sid ? this.#sets.get(sid) : null;
    return set === null ? undefined : describe(set);
  }

  /** Returns every existing set (dying ones included) as `getSet` describes it, ascending by set ID. */
  listSets(): IoasidSetInfo[] {
    return Array.from(this.#sets.all(), describe);
  }

  /**
   * Returns the IDs a set holds (free-pending included), ascending.
   * Mirrors `ioasid_set_for_each_ioasid()`.
   * @throws EINVAL `invalid-sid`; ENOENT `no-set`
   */
  listIds(sid: Sid): Ioasid[] {
    const set = this.#existingSet(sid);
    return set.count === 0 ? [] : Array.from(this.#ids.collect(set.sid, set.lo, set.hi, set.count));
  }

  /**
   * Calls `visit(id, sid, pending)` for every allocated ID in `[first, last]`, free-pending ones included
   * (`pending` true), in ascending order, skipping empty stretches of the namespace a 4096-ID page (or a
   * 2^22-ID chunk) at a time. With `sid`, only that set's IDs, skipping the pages it does not occupy.
   * Returning `false` from `visit` stops the walk. Each ID's state is read just before its call, so
   * `visit` may call any method: an ID released before the walk reaches it is not visited, an ID
   * allocated during the walk may or may not be. Takes no reference and emits nothing.
   * Mirrors `xa_for_each_range()` over the kernel's ID xarray (with `sid`, `ioasid_set_for_each_ioasid()`
   * limited to a range).
   * @param first lowest ID, inclusive; @param last highest ID, inclusive (0xFFFFFFFF is clamped to 0xFFFFFFFE)
   * @param sid only this set's IDs; INVALID_IOASID_SET (-1, the default) for every set's
   * @throws EINVAL `invalid-range` (`0 <= first <= last <= 0xFFFFFFFF`), `invalid-callback`, `invalid-sid`;
   * ENOENT `no-set`
   */
  forEachId(
    first: number,
    last: number,
    visit: (id: Ioasid, sid: Sid, pending: boolean) => unknown,
    sid: Sid = INVALID_IOASID_SET,
  ): void {
    const range = this.#walkRange(first, last, visit, sid);
    if (range !== null) this.#ids.forEach(range[0], range[1], sid, visit);
  }

  /**
   * Calls `visit(from, to, sid, pending)` for each run of consecutive allocated IDs in `[first, last]`
   * that belong to one set and are all active (`pending` false) or all free-pending: the same IDs as
   * `forEachId`, in ascending order, one call per run instead of one per ID, so a walk over densely
   * allocated stretches costs a few nanoseconds per ID. Runs are maximal within the range (a run never
   * follows one of the same set and state without a gap). With `sid`, only that set's IDs. Returning
   * `false` from `visit` stops the walk. A run is reported once the walk has read past it, so changes
   * `visit` makes may or may not be seen by the rest of the walk: collect, then change. Takes no reference
   * and emits nothing. Mirrors `for_each_set_bitrange()` over the allocation bitmap, split by set and state.
   * @param first lowest ID, inclusive; @param last highest ID, inclusive (0xFFFFFFFF is clamped to 0xFFFFFFFE)
   * @param sid only this set's IDs; INVALID_IOASID_SET (-1, the default) for every set's
   * @throws EINVAL `invalid-range` (`0 <= first <= last <= 0xFFFFFFFF`), `invalid-callback`, `invalid-sid`;
   * ENOENT `no-set`
   */
  forEachIdRun(
    first: number,
    last: number,
    visit: (from: Ioasid, to: Ioasid, sid: Sid, pending: boolean) => unknown,
    sid: Sid = INVALID_IOASID_SET,
  ): void {
    const range = this.#walkRange(first, last, visit, sid);
    if (range !== null) this.#ids.forEachRun(range[0], range[1], sid, visit);
  }

  /**
   * Allocates the lowest free ID in `[min, max]` of the whole namespace to set `sid`, with one
   * reference (the owner's), and emits ALLOC. The checks and the allocation are one step.
   * Mirrors `ioasid_alloc()`.
   * @param sid the set (not dying)
   * @param min lowest acceptable ID, inclusive
   * @param max highest acceptable ID, inclusive; 0xFFFFFFFF is clamped to 0xFFFFFFFE
   * @param data private data returned by `find` (default null)
   * @returns the ID
   * @throws EINVAL `invalid-sid`, `invalid-range` (`0 <= min <= max <= 0xFFFFFFFF`), or a custom
   * allocator's bad result (`allocator-bad-id`, `allocator-id-out-of-range`, `allocator-id-allocated`);
   * ENOENT `no-set`, `set-dying`; ENOSPC `set-quota`, `no-free-id`, `allocator-no-free-id`;
   * EAGAIN `allocation-raced`
   */
  alloc(sid: Sid, min: number, max: number, data: unknown = null): Ioasid {
    const id = this.#alloc(sid, min, max, data);
    if (id < 0) throw this.#allocError(id, sid, min, max);
    return id;
  }

  /**
   * `alloc` that returns a negative errno (-EINVAL, -ENOENT, -ENOSPC) instead of throwing, for callers
   * that expect failures on a hot path. Errors of a custom allocator's result are returned the same way.
   */
  tryAlloc(sid: Sid, min: number, max: number, data: unknown = null): Ioasid | NegativeErrno {
    try {
      return this.#alloc(sid, min, max, data);
    } catch (error) {
      if (error instanceof IoasidError) return -error.errno;
      throw error;
    }
  }

  /**
   * Frees an ID: it becomes free-pending, FREE is emitted while it is still allocated and findable, then
   * the owner's reference is dropped; the ID is released (and may be handed out again) once every
   * reference is gone. Freeing a free-pending ID does nothing (one FREE per ID life). There is no
   * ownership check: callers check with `findSid`. Mirrors `ioasid_free()`.
   * @throws EINVAL `invalid-id`; ENOENT `id-not-allocated`
   */
  free(id: Ioasid): void {
    if (typeof id !== 'number') throw this.#unknownId(id);
    const page = this.#ids.page(id);
    const o = id & PAGE_MASK;
    const meta = page === null ? 0 : page.meta[o];
    if (meta === 0 || !isIoasid(id)) throw this.#unknownId(id);
    const p = page as IdPage;
    this.#free(p.base + o, p, o, this.#sets.bySid[meta >>> SID_SHIFT] as SetRecord);
  }

  /** `free` that returns 0 or a negative errno (-EINVAL, -ENOENT) instead of throwing. */
  tryFree(id: Ioasid): 0 | NegativeErrno {
    if (!isIoasid(id)) return EINVAL;
    const page = this.#ids.page(id);
    const o = id & PAGE_MASK;
    const meta = page === null ? 0 : page.meta[o];
    if (meta === 0) return ENOENT;
    const p = page as IdPage;
    this.#free(p.base + o, p, o, this.#sets.bySid[meta >>> SID_SHIFT] as SetRecord);
    return 0;
  }

  /**
   * Takes a reference on an ID so it is not handed out again until `put`. Mirrors `ioasid_get()`.
   * @param sid if given and not INVALID_IOASID_SET, the set the ID must belong to
   * @throws EINVAL `invalid-id`, `invalid-sid`; ENOENT `id-not-allocated`; EACCES `foreign-id`;
   * EBUSY `free-pending`
   */
  get(id: Ioasid, sid: Sid = INVALID_IOASID_SET): void {
    const page = this.#lookup(id, sid);
    const o = id & PAGE_MASK;
    if ((page.meta[o] & REF_PENDING) !== 0) {
      throw ioasidError('free-pending', { id: page.base + o });
    }
    this.#ids.addRef(page, o);
  }

  /**
   * Drops a reference. Dropping the last one releases the ID (without a FREE event when it was never
   * freed). Mirrors `ioasid_put()`.
   * @returns true if this released the ID
   * @throws EINVAL `invalid-id`; ENOENT `id-not-allocated`, `no-reference` (only the core's hold during
   * the ID's FREE delivery is left)
   */
  put(id: Ioasid): boolean {
    const page = this.#lookup(id, INVALID_IOASID_SET);
    const o = id & PAGE_MASK;
    if (this.#delivering.size !== 0 && this.#delivering.has(id) && this.#ids.refCount(page, o) === 1) {
      // Only the core's own hold is left: the caller is dropping a reference nobody took.
      throw ioasidError('no-reference', { id });
    }
    if (this.#ids.dropRefs(page, o, 1) !== 0) return false;
    this.#release(page.base + o, page, o, this.#sets.bySid[page.meta[o] >>> SID_SHIFT] as SetRecord);
    return true;
  }

  /**
   * Returns an ID's private data: the fast path, a direct lookup. Free-pending IDs are still found.
   * Takes no reference. Mirrors `ioasid_find()`.
   * @param sid the set the ID must belong to, or INVALID_IOASID_SET (-1) to skip the check
   * @param getter if given, called once with the data; a falsy result makes `find` return null
   * @returns the data, or null when there is none or the getter refused
   * @throws EINVAL `invalid-id`, `invalid-sid`, `invalid-callback` (getter); ENOENT `id-not-allocated`;
   * EACCES `foreign-id`
   */
  find(sid: Sid, id: Ioasid, getter?: ((data: unknown) => boolean) | null): unknown {
    // Kept small so V8 inlines it into callers' loops: checks and errors live out of line.
    if (typeof id !== 'number' || id >>> 0 !== id || id === INVALID_IOASID) throw this.#unknownId(id, sid);
    const columns = this.#columns[id >>> 22];
    const slot = ((id >>> 12) & 1023) << 1;
    const o = id & PAGE_MASK;
    const metas = columns === null ? null : (columns[slot] as Int32Array | null);
    const meta = metas === null ? 0 : metas[o];
    if (meta === 0 || (sid !== INVALID_IOASID_SET && meta >>> SID_SHIFT !== sid)) {
      throw this.#findError(id, sid, meta);
    }
    const slots = (columns as unknown[])[slot + 1] as unknown[] | null;
    const data = slots === null ? null : slots[o];
    return getter === undefined || getter === null ? data : applyGetter(getter, data);
  }

  /**
   * Returns the set of an allocated ID (free-pending included). Takes no reference.
   * Mirrors `ioasid_find_sid()`.
   * @throws EINVAL `invalid-id`; ENOENT `id-not-allocated`
   */
  findSid(id: Ioasid): Sid {
    if (typeof id !== 'number') throw this.#unknownId(id);
    const columns = this.#columns[id >>> 22];
    const metas = columns === null ? null : (columns[((id >>> 12) & 1023) << 1] as Int32Array | null);
    const meta = metas === null ? 0 : metas[id & PAGE_MASK];
    if (meta === 0 || !isIoasid(id)) throw this.#unknownId(id);
    return meta >>> SID_SHIFT;
  }

  /**
   * Describes an allocated ID without throwing, for callers asking whether it exists: any value that is
   * not an allocated ID (free, released, or not an ID at all) gives undefined. Takes no reference.
   * Combines `findSid`, `state`, `refCount`, `spidOf` and `find(INVALID_IOASID_SET, id)`.
   * @returns `{ id, sid, state, refs, spid, data }` (spid INVALID_IOASID when none; a fresh object), or
   * undefined
   */
  idInfo(id: Ioasid): IoasidIdInfo | undefined {
    if (!isIoasid(id)) return undefined;
    const page = this.#ids.page(id);
    const o = id & PAGE_MASK;
    const meta = page === null ? 0 : page.meta[o];
    if (meta === 0) return undefined;
    const p = page as IdPage;
    return {
      id: p.base + o,
      sid: meta >>> SID_SHIFT,
      state: (meta & REF_PENDING) === 0 ? 'active' : 'free-pending',
      refs: this.#ids.refCount(p, o),
      spid: p.spids === null ? INVALID_IOASID : p.spids[o],
      data: p.data === null ? null : (p.data[o] ?? null),
    };
  }

  /**
   * Replaces an ID's private data (null or undefined clears it). Mirrors `ioasid_attach_data()`.
   * @throws EINVAL `invalid-id`; ENOENT `id-not-allocated`
   */
  setData(id: Ioasid, data: unknown): void {
    const page = this.#lookup(id, INVALID_IOASID_SET);
    const o = id & PAGE_MASK;
    if (data === null || data === undefined) {
      if (page.data !== null) page.data[o] = null;
    } else {
      this.#ids.dataOf(page)[o] = data;
    }
  }

  /**
   * Returns `'active'`, or `'free-pending'` once freed while references remain.
   * @throws EINVAL `invalid-id`; ENOENT `id-not-allocated`
   */
  state(id: Ioasid): IoasidState {
    const page = this.#lookup(id, INVALID_IOASID_SET);
    return (page.meta[id & PAGE_MASK] & REF_PENDING) === 0 ? 'active' : 'free-pending';
  }

  /**
   * Returns the number of references an ID holds (the owner's included until it is freed).
   * @throws EINVAL `invalid-id`; ENOENT `id-not-allocated`
   */
  refCount(id: Ioasid): number {
    const page = this.#lookup(id, INVALID_IOASID_SET);
    return this.#ids.refCount(page, id & PAGE_MASK);
  }

  /**
   * Maps the guest's own ID `spid` to host ID `id` inside `id`'s set, replacing any earlier mapping of
   * `id`, and emits BIND carrying `spid`. Two sets may use the same spid. Mirrors `ioasid_attach_spid()`.
   * @param spid the guest ID, integer 0..0xFFFFFFFE
   * @throws EINVAL `invalid-id`, `invalid-spid`, `spid-in-use` (mapped to another ID of the set);
   * ENOENT `id-not-allocated`; EBUSY `free-pending`
   */
  attachSpid(id: Ioasid, spid: number): void {
    checkIoasid(spid, 'spid');
    const page = this.#lookup(id, INVALID_IOASID_SET);
    const o = id & PAGE_MASK;
    if ((page.meta[o] & REF_PENDING) !== 0) {
      throw ioasidError('free-pending', { id: page.base + o });
    }
    const set = this.#sets.bySid[page.meta[o] >>> SID_SHIFT] as SetRecord;
    if (set.spids === null) set.spids = new Map<number, number>();
    const map = set.spids;
    const other = map.get(spid);
    if (other !== undefined && other !== id) {
      throw ioasidError('spid-in-use', { spid, sid: set.sid, id: page.base + o, mappedId: other });
    }
    if (page.spids === null) page.spids = newSpidColumn();
    const spids = page.spids;
    const old = spids[o];
    if (old !== INVALID_IOASID && old !== spid) map.delete(old);
    spids[o] = spid;
    map.set(spid, page.base + o); // the table's own number: a caller's -0 is stored as 0
    if (this.#hasSubscribers(set)) this.#emit(IOASID_BIND, page, o, set);
  }

  /**
   * Emits UNBIND carrying the ID's spid, then removes the mapping. Mirrors `ioasid_detach_spid()`
   * (V4 order: subscribers can still look the mapping up while they handle UNBIND).
   * @throws EINVAL `invalid-id`; ENOENT `id-not-allocated`, `no-spid`
   */
  detachSpid(id: Ioasid): void {
    const page = this.#lookup(id, INVALID_IOASID_SET);
    const o = id & PAGE_MASK;
    const spid = page.spids === null ? INVALID_IOASID : page.spids[o];
    if (spid === INVALID_IOASID) {
      throw ioasidError('no-spid', { id: page.base + o });
    }
    const set = this.#sets.bySid[page.meta[o] >>> SID_SHIFT] as SetRecord;
    if (this.#hasSubscribers(set)) this.#emit(IOASID_UNBIND, page, o, set);
    // Callbacks may have detached, replaced or released the mapping already: remove only what was announced.
    const now = this.#ids.page(id);
    if (now !== null && now.meta[o] !== 0 && now.spids !== null && now.spids[o] === spid) {
      now.spids[o] = INVALID_IOASID;
      (this.#sets.bySid[now.meta[o] >>> SID_SHIFT] as SetRecord).spids?.delete(spid);
    }
  }

  /**
   * Returns the host ID mapped to guest ID `spid` in set `sid`, in O(1); takes no reference.
   * Mirrors `ioasid_find_by_spid()`.
   * @throws EINVAL `invalid-spid`, `invalid-sid`; ENOENT `no-set`, `spid-not-mapped`
   */
  findBySpid(sid: Sid, spid: number): Ioasid {
    checkIoasid(spid, 'spid');
    const set = this.#existingSet(sid);
    const id = set.spids === null ? undefined : set.spids.get(spid);
    if (id === undefined) {
      throw ioasidError('spid-not-mapped', { sid: set.sid, spid });
    }
    return id;
  }

  /**
   * Returns the spid mapped to an ID, or INVALID_IOASID when none.
   * @throws EINVAL `invalid-id`; ENOENT `id-not-allocated`
   */
  spidOf(id: Ioasid): number {
    const page = this.#lookup(id, INVALID_IOASID_SET);
    return page.spids === null ? INVALID_IOASID : page.spids[id & PAGE_MASK];
  }

  /**
   * Subscribes `callback` to every event, or to one set's with `options.sid`. Higher `priority` runs
   * first, equal priorities in registration order. A set's subscribers end with the set.
   * Mirrors `ioasid_register_notifier()`.
   * @throws EINVAL `invalid-callback`, `invalid-options`, `invalid-sid`, `invalid-priority`; ENOENT `no-set`;
   * EEXIST `already-subscribed` (in that scope)
   */
  addNotifier(callback: NotifierCallback, options: NotifierOptions = {}): void {
    const { chain, sid } = this.#chainFor(callback, options, true);
    const priority = options.priority === undefined ? 0 : options.priority;
    if (typeof priority !== 'number' || !Number.isSafeInteger(priority)) {
      throw ioasidError('invalid-priority', { priority });
    }
    if (!chain.add(callback, priority)) {
      throw ioasidError('already-subscribed', { sid });
    }
  }

  /**
   * Unsubscribes `callback` from the scope it was added to. A walk in progress does not call it again.
   * Mirrors `ioasid_unregister_notifier()`.
   * @throws EINVAL `invalid-callback`, `invalid-options`, `invalid-sid`; ENOENT `no-set`, `not-subscribed`
   */
  removeNotifier(callback: NotifierCallback, options: NotifierOptions = {}): void {
    const { chain, sid } = this.#chainFor(callback, options, false);
    if (!chain.remove(callback)) throw ioasidError('not-subscribed', { sid });
  }

  /**
   * Publishes an event (VFIO announcing `'bind'` or `'unbind'`) for an allocated ID to the global chain,
   * then to the ID's set chain. Changes no state. Mirrors V1's `ioasid_notify()`.
   * @param type the event type, a non-empty string
   * @returns the result of the last callback called, NOTIFY_DONE when none
   * @throws EINVAL `invalid-event-type`, `invalid-id`; ENOENT `id-not-allocated`
   */
  notify(id: Ioasid, type: string): number {
    if (typeof type !== 'string' || type.length === 0) {
      throw ioasidError('invalid-event-type', { type });
    }
    const page = this.#lookup(id, INVALID_IOASID_SET);
    const o = id & PAGE_MASK;
    return this.#emit(type, page, o, this.#sets.bySid[page.meta[o] >>> SID_SHIFT] as SetRecord);
  }

  /**
   * Registers a custom allocator. The first one becomes active at once; ops with the same `alloc` and
   * `free` functions as a registered allocator share it and its IDs; others wait in registration order.
   * Mirrors `ioasid_register_allocator()`.
   * @throws EINVAL `invalid-allocator-ops`; EEXIST `allocator-registered`; EAGAIN `default-allocator-busy`
   * (no custom allocator yet and the default allocator has IDs outstanding, free-pending included)
   */
  registerAllocator(ops: IoasidAllocatorOps): void {
    this.#allocators.register(ops, this.#ids.live);
  }

  /**
   * Unregisters custom allocator ops. Removing the last ops of the active allocator activates the next
   * registered one, or the default allocator. Mirrors `ioasid_unregister_allocator()`, except that an
   * allocator with IDs out is refused instead of orphaning them.
   * @throws EINVAL `invalid-allocator-ops`; ENOENT `allocator-not-registered`; EBUSY `allocator-busy` (last
   * ops of the active allocator while it has IDs outstanding)
   */
  unregisterAllocator(ops: IoasidAllocatorOps): void {
    this.#allocators.unregister(ops, this.#ids.live);
  }

  // ---- internals ------------------------------------------------------------------------------

  #createSet(token: unknown, quota: number): SetRecord {
    checkQuota(quota);
    if (quota > this.#available) {
      throw this.#capacity === 0
        ? ioasidError('no-capacity', { quota })
        : ioasidError('quota-above-available', {
            quota,
            available: this.#available,
            capacity: this.#capacity,
          });
    }
    const owner = this.#sets.byToken(token);
    if (owner !== null) {
      throw ioasidError('owner-exists', { owner: token, sid: owner.sid });
    }
    if (this.#sets.nextSid() < 0) {
      throw ioasidError('set-ids-exhausted', { max: MAX_SID + 1 });
    }
    const set = this.#sets.add(token, quota);
    this.#available -= quota;
    return set;
  }

  /**
   * Checks the arguments of a walk and returns the part of `[first, last]` worth walking (within the
   * set's bounds with a `sid`), or null when nothing there can be allocated.
   */
  #walkRange(first: number, last: number, visit: unknown, sid: Sid): [number, number] | null {
    if (!(isRangeBound(first) && isRangeBound(last) && first <= last)) {
      throw ioasidError('invalid-range', { min: first, max: last });
    }
    if (typeof visit !== 'function') {
      throw ioasidError('invalid-callback', { name: 'visit', value: visit });
    }
    let from = first;
    let to = last === INVALID_IOASID ? INVALID_IOASID - 1 : last;
    if (sid !== INVALID_IOASID_SET) {
      const set = this.#existingSet(sid);
      if (set.count === 0) return null;
      if (set.lo > from) from = set.lo;
      if (set.hi < to) to = set.hi;
      return from > to ? null : [from, to];
    }
    return this.#ids.live === 0 ? null : [from, to];
  }

  /** The set `sid`, dying or not; EINVAL/ENOENT otherwise. */
  #existingSet(sid: Sid): SetRecord {
    checkSid(sid);
    const set = this.#sets.get(sid);
    if (set === null) throw ioasidError('no-set', { sid });
    return set;
  }

  /** The set `sid` if it exists and is not dying; EINVAL/ENOENT otherwise. */
  #liveSet(sid: Sid): SetRecord {
    const set = this.#existingSet(sid);
    if (set.dying) throw ioasidError('set-dying', { sid: set.sid, count: set.count });
    return set;
  }

  /** The page of allocated ID `id`, after the ID and (unless -1) ownership checks. */
  #lookup(id: Ioasid, sid: Sid): IdPage {
    if (!isIoasid(id)) throw this.#unknownId(id, sid);
    const page = this.#ids.page(id);
    const o = id & PAGE_MASK;
    if (page === null || page.meta[o] === 0) throw this.#unknownId(id, sid);
    if (sid !== INVALID_IOASID_SET && page.meta[o] >>> SID_SHIFT !== sid) {
      throw this.#foreignId(id, sid, page.meta[o] >>> SID_SHIFT);
    }
    return page;
  }

  #findError(id: Ioasid, sid: Sid, meta: number): IoasidError {
    return meta === 0 ? this.#unknownId(id, sid) : this.#foreignId(id, sid, meta >>> SID_SHIFT);
  }

  #unknownId(id: unknown, sid: unknown = INVALID_IOASID_SET): IoasidError {
    checkIoasid(id);
    if (sid !== INVALID_IOASID_SET) checkSid(sid);
    return ioasidError('id-not-allocated', { id });
  }

  #foreignId(id: Ioasid, sid: unknown, owner: number): IoasidError {
    checkSid(sid);
    return ioasidError('foreign-id', { id, owner, sid });
  }

  #alloc(sid: Sid, min: number, max: number, data: unknown): number {
    const sets = this.#sets.bySid;
    const set = typeof sid === 'number' && sid >>> 0 === sid && sid < sets.length ? sets[sid] : null;
    if (set === null || set.dying) return isSid(sid) ? ENOENT : EINVAL;
    if (!(isRangeBound(min) && isRangeBound(max) && min <= max)) return EINVAL;
    if (max === INVALID_IOASID) max = INVALID_IOASID - 1;
    if (set.count >= set.quota) return ENOSPC;
    const custom = this.#allocators.active;
    let id: number;
    if (custom === null) {
      id = this.#ids.lowestFree(min, max);
      if (id < 0) return ENOSPC;
    } else {
      id = this.#customAlloc(custom, set, min, max);
    }
    const page = this.#ids.occupy(id, set.sid, data === undefined ? null : data);
    set.count++;
    set.noteId(id);
    if (set.walks !== null) for (const spared of set.walks) spared.add(id);
    if (this.#hasSubscribers(set)) this.#emit(IOASID_ALLOC, page, id & PAGE_MASK, set);
    return id;
  }

  /** Builds the error for a negative result of #alloc; the failed call changed nothing, so re-check. */
  #allocError(errno: number, sid: Sid, min: number, max: number): IoasidError {
    if (errno === ENOENT) {
      const set = this.#sets.get(sid);
      return set === null
        ? ioasidError('no-set', { sid })
        : ioasidError('set-dying', { sid, count: set.count });
    }
    if (errno === EINVAL) {
      return isSid(sid) ? ioasidError('invalid-range', { min, max }) : ioasidError('invalid-sid', { sid });
    }
    const set = this.#sets.get(sid) as SetRecord;
    if (set.count >= set.quota) {
      return ioasidError('set-quota', { sid, quota: set.quota, count: set.count });
    }
    return ioasidError('no-free-id', { min, max: Math.min(max, INVALID_IOASID - 1) });
  }

  #customAlloc(group: AllocatorGroup, set: SetRecord, min: number, max: number): number {
    const ops = group.members[0];
    const id = ops.alloc(min, max, ops.pdata);
    if (id === INVALID_IOASID) {
      throw ioasidError('allocator-no-free-id', { min, max });
    }
    if (!isIoasid(id)) {
      throw ioasidError('allocator-bad-id', { id });
    }
    if (id < min || id > max || this.#ids.has(id)) {
      ops.free(id, ops.pdata);
      throw id < min || id > max
        ? ioasidError('allocator-id-out-of-range', { id, min, max })
        : ioasidError('allocator-id-allocated', { id });
    }
    // The allocator is user code and may have called back into the space: re-check what it may change.
    if (set.destroyed || set.dying || set.count >= set.quota || this.#allocators.active !== group) {
      ops.free(id, ops.pdata);
      throw ioasidError('allocation-raced', { sid: set.sid });
    }
    return id + 0; // an allocator's -0 is ID 0
  }

  #free(id: Ioasid, page: IdPage, o: number, set: SetRecord): void {
    if ((page.meta[o] & REF_PENDING) !== 0) return; // one FREE per ID life
    page.meta[o] |= REF_PENDING;
    if (!this.#hasSubscribers(set)) {
      if (this.#ids.dropRefs(page, o, 1) === 0) this.#release(id, page, o, set);
      return;
    }
    // Hold the ID through delivery so that no callback's put can release it while later subscribers
    // still have to see it allocated; then drop this hold and the owner's reference together.
    this.#ids.addRef(page, o);
    this.#delivering.add(id);
    try {
      this.#emit(IOASID_FREE, page, o, set);
    } finally {
      this.#delivering.delete(id);
    }
    if (this.#ids.dropRefs(page, o, 2) === 0) this.#release(id, page, o, set);
  }

  #freeAllIn(set: SetRecord): void {
    const ids = this.#ids.collect(set.sid, set.lo, set.hi, set.count);
    const spared = new Set<number>();
    if (set.walks === null) set.walks = [];
    set.walks.push(spared);
    try {
      for (let i = 0; i < ids.length; i++) {
        const id = ids[i];
        const page = this.#ids.page(id);
        const o = id & PAGE_MASK;
        // Callbacks may have released the ID, or a new life of it may belong to this walk's spared list.
        if (page === null || page.meta[o] === 0 || page.meta[o] >>> SID_SHIFT !== set.sid) continue;
        if (spared.size !== 0 && spared.has(id)) continue;
        this.#free(id, page, o, set);
      }
    } finally {
      const walks = set.walks as Set<number>[];
      walks.splice(walks.indexOf(spared), 1);
      if (walks.length === 0) set.walks = null;
    }
  }

  #release(id: Ioasid, page: IdPage, o: number, set: SetRecord): void {
    if (page.spids !== null) {
      const spid = page.spids[o];
      if (spid !== INVALID_IOASID) set.spids?.delete(spid);
    }
    this.#ids.release(page, o);
    if (--set.count === 0) {
      set.lo = 0xffffffff;
      set.hi = 0;
      if (set.dying && !set.destroyed) this.#destroySet(set);
    }
    const custom = this.#allocators.active;
    if (custom !== null) {
      const ops = custom.members[0];
      try {
        ops.free(id, ops.pdata);
      } catch (error) {
        this.#reportError(error, null);
      }
    }
  }

  #destroySet(set: SetRecord): void {
    set.destroyed = true;
    set.dying = false;
    set.chain?.clear();
    set.chain = null;
    this.#sets.remove(set);
    this.#available += set.quota;
    if (this.#systemSet === set) this.#systemSet = null;
  }

  #hasSubscribers(set: SetRecord): boolean {
    return this.#global.size !== 0 || (set.chain !== null && set.chain.size !== 0);
  }

  /** Delivers one event to the global chain, then to the set's; returns the last callback's result. */
  #emit(type: string, page: IdPage, o: number, set: SetRecord): number {
    const event: IoasidEvent = {
      type,
      id: page.base + o, // never the caller's -0
      sid: set.sid,
      token: set.token,
      data: page.data === null ? null : page.data[o],
      spid: page.spids === null ? INVALID_IOASID : page.spids[o],
    };
    // Both lists are taken before anyone is called: a set subscriber added by a global callback is
    // not called for this event either.
    const setEntries = set.chain === null ? null : set.chain.snapshot();
    let last = this.#global.walk(event, this.#report);
    if (setEntries !== null) {
      const result = walkEntries(setEntries, event, this.#report);
      if (result !== undefined) last = result;
    }
    return last === undefined ? NOTIFY_DONE : last;
  }

  #chainFor(
    callback: NotifierCallback,
    options: NotifierOptions,
    create: boolean,
  ): { chain: NotifierChain; sid: Sid | null } {
    if (typeof callback !== 'function') {
      throw ioasidError('invalid-callback', { name: 'notifier callback', value: callback });
    }
    if (typeof options !== 'object' || options === null) {
      throw ioasidError('invalid-options', { name: 'notifier options', value: options });
    }
    const sid = options.sid;
    if (sid === undefined || sid === INVALID_IOASID_SET) return { chain: this.#global, sid: null };
    const set = this.#existingSet(sid);
    if (set.chain === null) {
      if (!create) return { chain: new NotifierChain(), sid: set.sid };
      set.chain = new NotifierChain();
    }
    return { chain: set.chain, sid: set.sid };
  }

  #reportError(error: unknown, event: IoasidEvent | null): void {
    const handler = this.#onError;
    if (handler !== null) {
      try {
        handler(error, event);
        return;
      } catch (handlerError) {
        error = handlerError;
      }
    }
    // Never swallowed: rethrown outside the operation, where the host's uncaught-error handling sees it.
    (globalThis as unknown as { queueMicrotask(cb: () => void): void }).queueMicrotask(() => {
      throw error;
    });
  }
}

/** The getter step of `find`: a falsy result refuses the data (null), as the kernel's bool getter does. */
function applyGetter(getter: unknown, data: unknown): unknown {
  if (typeof getter !== 'function') {
    throw ioasidError('invalid-callback', { name: 'getter', value: getter });
  }
  return getter(data) ? data : null;
}

function describe(set: SetRecord): IoasidSetInfo {
  return { sid: set.sid, token: set.token, quota: set.quota, count: set.count, dying: set.dying };
}

/** The errno of each code, negated, as the `try*` forms return them. */
export const NEGATIVE_ERRNO: Readonly<Record<IoasidErrorCode, number>> = Object.freeze({
  EINVAL,
  ENOENT,
  EACCES: -ERROR_CODES.EACCES.errno,
  EBUSY: -ERROR_CODES.EBUSY.errno,
  EEXIST: -ERROR_CODES.EEXIST.errno,
  ENOSPC,
  EAGAIN: -ERROR_CODES.EAGAIN.errno,
});
