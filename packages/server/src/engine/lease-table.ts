// Leases: named holders of ID references with a time to live, renewed by keepalive.
// Each lease has one unref'd timer; a restart gives every lease its full TTL again. References change
// only through the table, which keeps each lease's total so that limit checks never sum the map, and the
// leases of each creator, so that counting or ending them never scans the table.

import { randomBytes } from 'node:crypto';

/** One lease and the references it holds. */
export interface Lease {
  readonly lease: string;
  /** The set whose secret created it, or null for the admin. Its references stay inside that set. */
  readonly sid: number | null;
  readonly ttlMs: number;
  /** ID → references held on it (change it through the table: addRef, dropRef, restoreRef). */
  readonly refs: ReadonlyMap<number, number>;
  /** References held in total: the sum of `refs`, kept up to date by the table. */
  readonly held: number;
}

interface Entry extends Lease {
  refs: Map<number, number>;
  held: number;
  timer: NodeJS.Timeout | null;
  /** When the timer fires (performance.now() milliseconds); meaningful while `timer` is set. */
  deadline: number;
}

/** Returns a new lease name: 16 random bytes, base64url (22 characters). */
export function newLeaseName(): string {
  return randomBytes(16).toString('base64url');
}

/**
 * The live leases. Timers run only between `start` and `stop`; when one fires, `onExpire` is called
 * with the lease (which is still in the table: the caller drops its references and deletes it).
 */
export class LeaseTable {
  readonly #leases = new Map<string, Entry>();
  /** Creator (a set ID, or null for the admin) → its leases. Creators without leases have no entry. */
  readonly #byCreator = new Map<number | null, Set<Entry>>();
  readonly #onExpire: (lease: Lease) => void;
  #running = false;
  /** See trackDeadlines. */
  #tracking = false;

  /** @param onExpire called when a lease was not kept alive within its TTL */
  constructor(onExpire: (lease: Lease) => void) {
    this.#onExpire = onExpire;
  }

  /** Number of leases. */
  get size(): number {
    return this.#leases.size;
  }

  /** Creates a lease (named randomly unless `name` is given, at restart) and starts its timer if running. */
  add(sid: number | null, ttlMs: number, name: string = newLeaseName()): Lease {
    const entry: Entry = { lease: name, sid, ttlMs, refs: new Map(), held: 0, timer: null, deadline: 0 };
    if (this.#tracking) entry.deadline = performance.now() + ttlMs;
    this.#leases.set(name, entry);
    const owned = this.#byCreator.get(sid);
    if (owned === undefined) this.#byCreator.set(sid, new Set([entry]));
    else owned.add(entry);
    if (this.#running) this.#arm(entry);
    return entry;
  }

  /** Returns the lease, or undefined. */
  get(name: string): Lease | undefined {
    return this.#leases.get(name);
  }

  /** Restarts a lease's TTL. */
  keepalive(name: string): void {
    const entry = this.#leases.get(name);
    if (entry?.timer) {
      entry.timer.refresh();
      entry.deadline = performance.now() + entry.ttlMs;
    } else if (entry !== undefined && this.#tracking) entry.deadline = performance.now() + entry.ttlMs;
  }

  /**
   * Keeps each lease's deadline (from its creation or last keepalive, by this process's clock) without
   * timers: where something else decides expiry (the database, for a shared store), `expiresInMs` still
   * says about how long a lease has left. Leases already in the table get their whole TTL from now.
   */
  trackDeadlines(): void {
    this.#tracking = true;
    for (const entry of this.#leases.values()) entry.deadline = performance.now() + entry.ttlMs;
  }

  /**
   * Milliseconds until `lease` (a lease of this table) expires unless kept alive: what is left of its TTL
   * while timers run, its whole TTL while they do not (it gets the whole TTL again when they start).
   */
  expiresInMs(lease: Lease): number {
    const entry = lease as Entry;
    if (entry.timer === null && !this.#tracking) return entry.ttlMs;
    return Math.max(0, Math.ceil(entry.deadline - performance.now()));
  }

  /**
   * Removes a lease and stops its timer. The lease is left holding nothing.
   * @returns the references it held (ID → count), which the caller must drop on the IDs; empty when the
   * lease does not exist
   */
  delete(name: string): ReadonlyMap<number, number> {
    const entry = this.#leases.get(name);
    if (entry === undefined) return new Map();
    if (entry.timer !== null) clearTimeout(entry.timer);
    this.#leases.delete(name);
    const owned = this.#byCreator.get(entry.sid) as Set<Entry>;
    owned.delete(entry);
    if (owned.size === 0) this.#byCreator.delete(entry.sid);
    const refs = entry.refs;
    entry.refs = new Map();
    entry.held = 0;
    return refs;
  }

  /** Records one more reference of `lease` (a live lease of this table) on ID `id` (the caller took it on the ID). */
  addRef(lease: Lease, id: number): void {
    const entry = lease as Entry;
    entry.refs.set(id, (entry.refs.get(id) ?? 0) + 1);
    entry.held++;
  }

  /**
   * Records that `lease` (a live lease of this table) dropped one reference on ID `id` (the caller drops it
   * on the ID).
   * @returns false, changing nothing, when the lease holds no reference on `id`
   */
  dropRef(lease: Lease, id: number): boolean {
    const entry = lease as Entry;
    const count = entry.refs.get(id);
    if (count === undefined) return false;
    if (count === 1) entry.refs.delete(id);
    else entry.refs.set(id, count - 1);
    entry.held--;
    return true;
  }

  /** Sets the references of `lease` on ID `id` to a stored `count` >= 1 (restart). */
  restoreRef(lease: Lease, id: number, count: number): void {
    const entry = lease as Entry;
    entry.held += count - (entry.refs.get(id) ?? 0);
    entry.refs.set(id, count);
  }

  /** Returns every lease created by set `sid` (null: by the admin), a fresh array. */
  ownedBy(sid: number | null): Lease[] {
    const owned = this.#byCreator.get(sid);
    return owned === undefined ? [] : Array.from(owned);
  }

  /** Returns the number of leases created by set `sid` (null: by the admin). */
  countOwnedBy(sid: number | null): number {
    return this.#byCreator.get(sid)?.size ?? 0;
  }

  /** Every lease. */
  all(): IterableIterator<Lease> {
    return this.#leases.values();
  }

  /** Starts every lease's timer with its full TTL. */
  start(): void {
    this.#running = true;
    for (const entry of this.#leases.values()) this.#arm(entry);
  }

  /** Stops every timer (shutdown): no lease expires afterwards. */
  stop(): void {
    this.#running = false;
    for (const entry of this.#leases.values()) {
      if (entry.timer !== null) clearTimeout(entry.timer);
      entry.timer = null;
    }
  }

  #arm(entry: Entry): void {
    entry.deadline = performance.now() + entry.ttlMs;
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.#leases.get(entry.lease) === entry) this.#onExpire(entry);
    }, entry.ttlMs);
    entry.timer.unref();
  }
}
