// The data the capacity map draws: the answer of GET /v1/map, the events it applies, and the decoded
// buckets it keeps. Types only: the shapes follow DASH-API.md (the client's generated types, once the
// route exists, have the same fields).
import type { EventView } from '@ioasid/client';

/**
 * The answer of `GET /v1/map?first&last&buckets`: the occupancy of [first, last] in `buckets` buckets of
 * `bucketSize` IDs (the last one may be shorter). `runs` is run-length encoded quadruples
 * `[repeat, used, pending, set]` over consecutive buckets; `set` indexes `sets` (-1 when empty).
 */
export interface MapAnswer {
  readonly first: number;
  readonly last: number;
  readonly bucketSize: number;
  readonly buckets: number;
  readonly sets: readonly number[];
  readonly runs: readonly number[];
}

/** One event as GET /v1/events sends it: `{ seq, type, id, sid, spid, data }`. */
export type EventPayload = EventView;

/** What the map reads from an event: its type, the ID and its set. */
export interface MapEvent {
  readonly type: string;
  readonly id: number | null;
  readonly sid: number | null;
}

/** Asks the API (GET /v1/map) for the occupancy of [first, last] in at most `buckets` buckets. */
export type LoadRange = (first: number, last: number, buckets: number) => Promise<MapAnswer>;
