// How far the page fell behind the server under load: for each probe the server answered (load.ts),
// when the page first showed it (page-probes.ts `watch`), in milliseconds, and for the event log also
// in events (the sequence numbers committed meanwhile).

import type { Committed, LoadResult } from './load.js';

/** What a watched tab saw: markers in its event log, values of the probe set's progressbar. */
export interface Watched {
  readonly seen: Record<string, number>;
  readonly values: { at: number; value: number }[];
  readonly log: boolean;
  readonly bar: boolean;
}

/** The lag figures of one part of the page. */
export interface Lag {
  /** Probes sent, and how many the page showed. */
  readonly sent: number;
  readonly seen: number;
  readonly p50Ms: number;
  readonly maxMs: number;
  /** Events committed between the probe's commit and the page showing it (event log only). */
  readonly p50Events?: number;
  readonly maxEvents?: number;
}

const median = (values: number[]) => {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)];
};
const max = (values: number[]) => (values.length === 0 ? Number.NaN : Math.max(...values));

/** The event log's lag: when each `bench-mark-N` committed, and when the log showed it. */
export function logLag(load: LoadResult, watched: Watched): Lag {
  const seqAt = (at: number) => {
    let seq = 0;
    for (const point of load.seqTimeline) if (point.at <= at) seq = point.seq;
    return seq;
  };
  const lags = load.markers
    .map((m: Committed) => {
      const at = watched.seen[String(m.value)];
      return at === undefined
        ? null
        : { ms: Math.max(0, at - m.committedAt), events: Math.max(0, seqAt(at) - m.seq) };
    })
    .filter((l) => l !== null);
  return {
    sent: load.markers.length,
    seen: lags.length,
    p50Ms: median(lags.map((l) => l.ms)),
    maxMs: max(lags.map((l) => l.ms)),
    p50Events: median(lags.map((l) => l.events)),
    maxEvents: max(lags.map((l) => l.events)),
  };
}

/** The sets table's lag: when each change of the probe set's count committed, and when its bar showed it. */
export function tableLag(load: LoadResult, watched: Watched): Lag {
  const lags = load.probes
    .map((p: Committed) => {
      const shown = watched.values.find((v) => v.at >= p.sentAt && v.value === p.value);
      return shown === undefined ? null : Math.max(0, shown.at - p.committedAt);
    })
    .filter((l) => l !== null);
  return { sent: load.probes.length, seen: lags.length, p50Ms: median(lags), maxMs: max(lags) };
}
