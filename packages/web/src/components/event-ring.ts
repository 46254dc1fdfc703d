// A bounded ring of the newest events for the event log, and the log's row text. Pure: no DOM.
import type { EventPayload } from './map-types.js';

/** Events the log keeps (older ones are dropped as new ones arrive). */
export const LOG_CAPACITY = 2000;
/** Rows the log renders at most (the newest matching the filters). */
export const LOG_ROWS = 200;

/** A fixed-size ring: `push` drops the oldest beyond `capacity`; every item gets a running number. */
export class EventRing<T> {
  readonly capacity: number;
  #items: (T | undefined)[];
  #next = 0;
  /** Running number of the oldest item not cleared. */
  #cleared = 0;

  constructor(capacity: number) {
    this.capacity = Math.max(1, Math.floor(capacity));
    this.#items = new Array<T | undefined>(this.capacity);
  }

  /** Number of items ever pushed (the running number of the next one). */
  get pushed(): number {
    return this.#next;
  }

  /** Number of items kept: at most `capacity`. */
  get size(): number {
    return Math.min(this.#next - this.#cleared, this.capacity);
  }

  /** Appends items in order, dropping the oldest beyond capacity. */
  push(items: readonly T[]): void {
    const start = Math.max(0, items.length - this.capacity);
    for (let i = start; i < items.length; i++) this.#items[(this.#next + i) % this.capacity] = items[i];
    this.#next += items.length;
  }

  /** Forgets every item (the running number goes on). */
  clear(): void {
    this.#cleared = this.#next;
  }

  /**
   * Up to `limit` of the newest kept items with running number < `before` that `keep` accepts, newest
   * first.
   */
  newest(limit: number, keep: (item: T) => boolean, before = this.#next): T[] {
    const out: T[] = [];
    const oldest = Math.max(this.#next - this.capacity, this.#cleared);
    for (let n = Math.min(before, this.#next) - 1; n >= oldest && out.length < limit; n--) {
      const item = this.#items[n % this.capacity] as T;
      if (keep(item)) out.push(item);
    }
    return out;
  }

  /** Number of kept items with running number >= `from`. */
  countSince(from: number): number {
    const oldest = Math.max(this.#next - this.capacity, this.#cleared);
    return Math.max(0, this.#next - Math.max(from, oldest));
  }
}

/** The log's filters: a set id (null = every set) and an event type ('' = every type). */
export interface LogFilter {
  readonly sid: number | null;
  readonly type: string;
}

/** Whether `e` passes `f`. */
export function matchesFilter(e: EventPayload, f: LogFilter): boolean {
  return (f.sid === null || e.sid === f.sid) && (f.type === '' || e.type === f.type);
}

/** A short one-line summary of an event's data: "lease 3 released 5 IDs", compact JSON, or "". */
export function summarizeData(e: EventPayload, max = 80): string {
  const data = e.data as unknown;
  if (data === null || data === undefined) return '';
  if (e.type === 'lease-expired' && typeof data === 'object') {
    const d = data as { lease?: unknown; released?: unknown };
    const n = Array.isArray(d.released) ? d.released.length : 0;
    return `lease ${String(d.lease)} released ${n} ${n === 1 ? 'ID' : 'IDs'}`;
  }
  let text: string;
  try {
    text = typeof data === 'string' ? data : JSON.stringify(data);
  } catch {
    text = String(data);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
