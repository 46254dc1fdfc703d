// Leases: named holders of ID references with a time to live, renewed by keepalive.
// Each lease has one unref'd timer; a restart gives every lease its full TTL again.

import { randomBytes } from 'node:crypto';

/** One lease and the references it holds. */
export interface Lease {
  readonly lease: string;
  /** The set whose secret created it, or null for the admin. Its references stay inside that set. */
  readonly sid: number | null;
  readonly ttlMs: number;
  /** ID → references held on it. */
  readonly refs: Map<number, number>;
}

interface Entry extends Lease {
  timer: NodeJS.Timeout | null;
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
  readonly #onExpire: (lease: Lease) => void;
  #running = false;

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
    const entry: Entry = { lease: name, sid, ttlMs, refs: new Map(), timer: null };
    this.#leases.set(name, entry);
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
    if (entry?.timer) entry.timer.refresh();
  }

  /** Removes a lease and stops its timer (its references must have been dropped by the caller). */
  delete(name: string): void {
    const entry = this.#leases.get(name);
    if (entry === undefined) return;
    if (entry.timer !== null) clearTimeout(entry.timer);
    this.#leases.delete(name);
  }

  /** Every lease created by set `sid`. */
  ownedBy(sid: number): Lease[] {
    return Array.from(this.#leases.values()).filter((lease) => lease.sid === sid);
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
    entry.timer = setTimeout(() => {
      entry.timer = null;
      if (this.#leases.get(entry.lease) === entry) this.#onExpire(entry);
    }, entry.ttlMs);
    entry.timer.unref();
  }
}
