// One notifier chain (the global one, or one set's): priority order, FIFO among equals, STOP ends the
// walk, copy-on-write subscriber list so callbacks may add or remove subscribers while it is walked.

import { NOTIFY_DONE, NOTIFY_STOP_MASK } from './constants.js';
import type { IoasidEvent, NotifierCallback } from './types.js';

/** One subscription; exported as a type only so emitters can hold a snapshot of a chain. */
export interface Entry {
  readonly callback: NotifierCallback;
  readonly priority: number;
  /** Cleared on removal so a walk in progress skips the entry. */
  active: boolean;
}

const EMPTY: readonly Entry[] = Object.freeze([]);

/**
 * A list of callbacks ordered like the kernel's `notifier_chain_register`: descending priority, and a
 * new entry goes after every entry of equal priority. The list is replaced, never mutated, so a walk
 * iterates a snapshot: entries added during a walk are not called by it, and entries removed during
 * it are skipped through their `active` flag.
 */
export class NotifierChain {
  #entries: readonly Entry[] = EMPTY;
  /** Number of subscribers (a plain field: emitters test it on every operation). */
  size = 0;

  /** Returns whether `callback` is subscribed to this chain. */
  has(callback: NotifierCallback): boolean {
    return this.#entries.some((e) => e.callback === callback);
  }

  /** Adds `callback`; returns false (adding nothing) if it is already subscribed. */
  add(callback: NotifierCallback, priority: number): boolean {
    const entries = this.#entries;
    if (this.has(callback)) return false;
    let at = entries.length;
    for (let i = 0; i < entries.length; i++) {
      if (entries[i].priority < priority) {
        at = i;
        break;
      }
    }
    const next = entries.slice();
    next.splice(at, 0, { callback, priority, active: true });
    this.#entries = next;
    this.size = next.length;
    return true;
  }

  /** Removes `callback`; returns false if it was not subscribed. */
  remove(callback: NotifierCallback): boolean {
    const i = this.#entries.findIndex((e) => e.callback === callback);
    if (i < 0) return false;
    this.#entries[i].active = false;
    this.#entries = this.#entries.filter((_, j) => j !== i);
    this.size = this.#entries.length;
    return true;
  }

  /**
   * The current subscriber list. It is never mutated, so an emitter can take it before a delivery
   * starts and walk it later: subscribers added in between are not in it.
   */
  snapshot(): readonly Entry[] {
    return this.#entries;
  }

  /** Removes every subscriber, also from walks in progress (a destroyed set's chain ends here). */
  clear(): void {
    for (const e of this.#entries) e.active = false;
    this.#entries = EMPTY;
    this.size = 0;
  }

  /** Walks the current subscribers: `walkEntries(this.snapshot(), event, report)`. */
  walk(event: IoasidEvent, report: (error: unknown, event: IoasidEvent) => void): number | undefined {
    return walkEntries(this.#entries, event, report);
  }
}

/**
 * Calls every still-active entry of a chain snapshot with `event`, in order, and returns the last result
 * (undefined when none was called; any callback result is a number by then, so nothing collides). A result with the 0x8000 bit ends the walk; `undefined` or any
 * non-number counts as NOTIFY_DONE. A callback that throws counts as NOTIFY_DONE and its error goes to
 * `report`.
 */
export function walkEntries(
  entries: readonly Entry[],
  event: IoasidEvent,
  report: (error: unknown, event: IoasidEvent) => void,
): number | undefined {
  let last: number | undefined;
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i];
    if (!entry.active) continue;
    let result: unknown;
    try {
      result = entry.callback(event);
    } catch (error) {
      report(error, event);
      result = NOTIFY_DONE;
    }
    last = typeof result === 'number' ? result : NOTIFY_DONE;
    if ((last & NOTIFY_STOP_MASK) !== 0) break;
  }
  return last;
}
