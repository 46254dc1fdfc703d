// Fan-out of committed events to live listeners (the SSE streams). Events reach it only after their
// batch is on disk, so a client never sees an event that a crash could take back.

import type { EventRecord } from '../store/store.js';

/** Receives each committed batch of events, ascending by sequence number. */
export type EventListener = (events: readonly EventRecord[]) => void;

/** The live listeners of committed events. */
export class EventHub {
  #listeners: EventListener[] = [];
  #observers: EventListener[] = [];
  /** Reads waiting for a sequence number (min_seq): not streams, so not counted in `size`. */
  readonly #waiters = new Set<{ readonly seq: number; resolve(): void }>();
  #committedSeq: number;
  #oldestSeq: number;

  /**
   * @param committedSeq the last committed event's sequence number (0 when none)
   * @param oldestSeq the oldest retained event (committedSeq + 1 when none is retained)
   */
  constructor(committedSeq: number, oldestSeq: number) {
    this.#committedSeq = committedSeq;
    this.#oldestSeq = oldestSeq;
  }

  /** The last committed event's sequence number (0 when none). */
  get committedSeq(): number {
    return this.#committedSeq;
  }

  /** The oldest event still retained in the store. */
  get oldestSeq(): number {
    return this.#oldestSeq;
  }

  /** Number of listeners (open streams). */
  get size(): number {
    return this.#listeners.length;
  }

  /** Adds a listener; returns the function that removes it. */
  subscribe(listener: EventListener): () => void {
    this.#listeners = [...this.#listeners, listener];
    return () => {
      this.#listeners = this.#listeners.filter((l) => l !== listener);
    };
  }

  /**
   * Resolves true once the event with sequence number `seq` (or a later one) is committed, at once when
   * it already is; false when `timeoutMs` passes first. The wait does not keep the process alive.
   */
  waitFor(seq: number, timeoutMs: number): Promise<boolean> {
    if (this.#committedSeq >= seq) return Promise.resolve(true);
    return new Promise((resolve) => {
      const waiter = {
        seq,
        resolve: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(waiter);
        resolve(false);
      }, timeoutMs);
      timer.unref?.();
      this.#waiters.add(waiter);
    });
  }

  /**
   * Adds an observer: told every committed batch like a listener, before the listeners, but not an open
   * stream (not counted in `size`) and never removed (the engine's own views: history, set events).
   */
  observe(observer: EventListener): void {
    this.#observers.push(observer);
  }

  /** Delivers a committed batch's events and records the store's new oldest retained event. */
  publish(events: readonly EventRecord[], oldestSeq: number): void {
    this.#oldestSeq = oldestSeq;
    if (events.length === 0) return;
    this.#committedSeq = events[events.length - 1].seq;
    for (const observer of this.#observers) observer(events);
    for (const waiter of this.#waiters) {
      if (waiter.seq > this.#committedSeq) continue;
      this.#waiters.delete(waiter);
      waiter.resolve();
    }
    // A snapshot of the list: a listener that unsubscribes (or subscribes) during delivery is safe.
    for (const listener of this.#listeners) listener(events);
  }
}
