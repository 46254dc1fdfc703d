// GET /v1/history: the last hour of this process, in memory. Committed alloc and free events are counted
// per second (all sets, and per set), and every set's count is sampled every 10 s. It starts empty when
// the process starts and is never stored.

import type { IoasidSpace } from 'ioasid';
import type { EventRecord } from '../store/store.js';
import { HISTORY_SECONDS, SecondSeries, USAGE_SAMPLES, UsageSeries } from './history-series.js';

/** Milliseconds per entry of `allocs` and `frees`. */
export const HISTORY_INTERVAL_MS = 1000;
/** Milliseconds between two samples of the sets' counts. */
export const USAGE_INTERVAL_MS = 10_000;
/** Seconds over which `rates` are computed. */
export const RATE_WINDOW_SECONDS = 60;

/** What GET /v1/history answers. */
export interface HistoryView {
  /** The time of the answer (epoch milliseconds): the end of the last, incomplete, second. */
  readonly now: number;
  readonly intervalMs: number;
  /** Committed alloc events per second, oldest first; the last entry is the current second. */
  readonly allocs: number[];
  /** Committed free events per second, aligned with `allocs`. */
  readonly frees: number[];
  readonly usageIntervalMs: number;
  /** The requested set's count every 10 s, oldest first, the last entry its count now. */
  readonly usage: { sid: number; counts: number[] }[];
  /** Net allocations per second over the last 60 s of each visible set whose count changed. */
  readonly rates: { sid: number; perSecond: number }[];
}

/** What the history reads: the allocator (replaced after a failed commit) and the clock. */
export interface HistorySource {
  space(): IoasidSpace;
  /** Epoch milliseconds. */
  clock(): number;
}

/**
 * The in-memory history of the namespace. Fed by `committed` (every committed batch of events) and by a
 * sampler every 10 s (an unref'd timer, stopped by `stop`); views also sample first, so a view is never
 * more than its own call behind. Memory: 24 bytes per second that had an alloc or a free, per set and for
 * all sets, at most an hour's worth (3600 seconds), and 2.9 KB of samples per set.
 */
export class History {
  readonly #source: HistorySource;
  readonly #all = new SecondSeries();
  readonly #bySet = new Map<number, SecondSeries>();
  readonly #usage = new Map<number, UsageSeries>();
  /** The second the history starts at (the process's start). */
  readonly #start: number;
  #last = 0;
  #timer: NodeJS.Timeout | null;

  /** Starts recording now; the sampler runs every 10 s until `stop`. */
  constructor(source: HistorySource) {
    this.#source = source;
    this.#start = Math.floor(this.#now() / HISTORY_INTERVAL_MS);
    this.#timer = setInterval(() => this.sample(), USAGE_INTERVAL_MS);
    this.#timer.unref();
  }

  /** Stops the sampler (the engine closes). */
  stop(): void {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
  }

  /** Counts the alloc and free events of a committed batch in the current second. */
  committed(events: readonly EventRecord[]): void {
    let allocs = 0;
    let frees = 0;
    const perSet = new Map<number, [number, number]>();
    for (const e of events) {
      const alloc = e.type === 'alloc';
      if (!alloc && e.type !== 'free') continue;
      if (alloc) allocs++;
      else frees++;
      if (e.sid === null) continue;
      let counts = perSet.get(e.sid);
      if (counts === undefined) {
        counts = [0, 0];
        perSet.set(e.sid, counts);
      }
      counts[alloc ? 0 : 1]++;
    }
    if (allocs + frees === 0) return;
    const second = Math.floor(this.#now() / HISTORY_INTERVAL_MS);
    this.#all.add(second, allocs, frees);
    const space = this.#source.space();
    for (const [sid, [a, f]] of perSet) {
      // A set destroyed by this batch keeps no history: a new set may get its ID.
      if (space.setInfo(sid) === undefined) {
        this.forget(sid);
        continue;
      }
      let series = this.#bySet.get(sid);
      if (series === undefined) {
        series = new SecondSeries();
        this.#bySet.set(sid, series);
      }
      series.add(second, a, f);
    }
  }

  /** Drops what is recorded about set `sid` (destroyed: its ID may be reused by a new set). */
  forget(sid: number): void {
    this.#bySet.delete(sid);
    this.#usage.delete(sid);
  }

  /** Samples every set's count for the current 10-second slot, and drops what gone sets left. */
  sample(): void {
    const now = this.#now();
    const slot = Math.floor(now / USAGE_INTERVAL_MS);
    const second = Math.floor(now / HISTORY_INTERVAL_MS);
    const live = new Set<number>();
    for (const set of this.#source.space().listSets()) {
      live.add(set.sid);
      let usage = this.#usage.get(set.sid);
      if (usage === undefined) {
        usage = new UsageSeries();
        this.#usage.set(set.sid, usage);
      }
      usage.sample(slot, set.count);
    }
    for (const sid of this.#usage.keys()) if (!live.has(sid)) this.#usage.delete(sid);
    for (const [sid, series] of this.#bySet) {
      if (!live.has(sid) || series.empty(second)) this.#bySet.delete(sid);
    }
  }

  /**
   * The history as GET /v1/history answers it.
   * @param scope the set whose alloc and free counts to give, or null for all sets
   * @param usageSid the set whose sampled count to give, or null for none
   * @param visible the sets whose rates may be given
   */
  view(scope: number | null, usageSid: number | null, visible: readonly number[]): HistoryView {
    this.sample();
    const now = this.#now();
    const second = Math.floor(now / HISTORY_INTERVAL_MS);
    const from = Math.max(this.#start, second - HISTORY_SECONDS + 1);
    const allocs = new Array<number>(second - from + 1).fill(0);
    const frees = new Array<number>(second - from + 1).fill(0);
    const series = scope === null ? this.#all : this.#bySet.get(scope);
    series?.fill(from, allocs, frees);
    const usage: HistoryView['usage'] = [];
    if (usageSid !== null) {
      const slot = Math.floor(now / USAGE_INTERVAL_MS);
      const counts = this.#usage.get(usageSid)?.before(slot, USAGE_SAMPLES - 1) ?? [];
      counts.push(this.#source.space().setInfo(usageSid)?.count ?? 0);
      usage.push({ sid: usageSid, counts });
    }
    const rates: HistoryView['rates'] = [];
    for (const sid of visible) {
      const net = this.#bySet.get(sid)?.net(second - RATE_WINDOW_SECONDS + 1) ?? 0;
      if (net !== 0) rates.push({ sid, perSecond: net / RATE_WINDOW_SECONDS });
    }
    return {
      now,
      intervalMs: HISTORY_INTERVAL_MS,
      allocs,
      frees,
      usageIntervalMs: USAGE_INTERVAL_MS,
      usage,
      rates,
    };
  }

  /** The clock, never going back (a clock set back would otherwise reorder the series). */
  #now(): number {
    const now = this.#source.clock();
    if (now > this.#last) this.#last = now;
    return this.#last;
  }
}
