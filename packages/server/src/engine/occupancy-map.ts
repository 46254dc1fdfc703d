// GET /v1/map: the occupancy of a range of the namespace in buckets, run-length encoded. One walk of the
// allocated IDs of the range (the core's forEachId skips empty pages), so the cost follows the IDs
// allocated in the range, not its width; empty stretches become one run.

import type { IoasidSpace } from 'ioasid';
import { apiError } from '../server-reasons.js';

/** Default number of buckets. */
export const DEFAULT_MAP_BUCKETS = 4096;
/** Most buckets one answer may have (2^20: one per ID of VT-d's PASID space). */
export const MAX_MAP_BUCKETS = 1_048_576;

/** What a map is asked for; omitted fields take their defaults. */
export interface MapQuery {
  /** Lowest ID, inclusive (default 0). */
  readonly first?: number;
  /** Highest ID, inclusive (default capacity - 1). */
  readonly last?: number;
  /** Buckets wanted, 1..2^20 (default 4096). */
  readonly buckets?: number;
}

/** The occupancy of `[first, last]`, as `GET /v1/map` answers it. */
export interface OccupancyMap {
  readonly first: number;
  readonly last: number;
  /** IDs per bucket (the last bucket may be shorter); 0 when there is no bucket. */
  readonly bucketSize: number;
  /** Number of buckets N (the sum of the runs' repeats). */
  readonly buckets: number;
  /** The sets that top at least one bucket, ascending; runs name them by index. */
  readonly sets: number[];
  /**
   * Quadruples `repeat, used, pending, set`: `repeat` consecutive buckets each with `used` allocated IDs
   * (free-pending included), `pending` of them free-pending, and `set` the index in `sets` of the set
   * holding most of them (lowest set ID on a tie), -1 for an empty bucket.
   */
  readonly runs: number[];
}

/**
 * Computes the occupancy map of `query` over `space`; with `onlySid`, only that set's IDs count.
 * With no capacity installed and no `last`, there is nothing to map: no bucket, no run.
 * @throws EINVAL `invalid-map-range` when first > last
 */
export function occupancyMap(space: IoasidSpace, query: MapQuery, onlySid: number | null): OccupancyMap {
  const first = query.first ?? 0;
  const buckets = query.buckets ?? DEFAULT_MAP_BUCKETS;
  if (query.last === undefined && space.capacity === 0) {
    return { first, last: first, bucketSize: 0, buckets: 0, sets: [], runs: [] };
  }
  const last = query.last ?? space.capacity - 1;
  if (first > last) {
    throw apiError(
      'invalid-map-range',
      { first, last },
      query.last === undefined
        ? `first ${first} is above the last ID of the capacity (${last})`
        : `first ${first} is above last ${last}`,
    );
  }
  const width = last - first + 1;
  const bucketSize = Math.ceil(width / buckets);
  const count = Math.ceil(width / bucketSize);
  const runs =
    bucketSize === 1
      ? singleIdRuns(space, first, last, onlySid)
      : bucketRuns(space, first, last, bucketSize, onlySid);
  return { first, last, bucketSize, buckets: count, ...finish(runs, count) };
}

/**
 * The runs of one-ID buckets: each run of IDs the core reports (one set, one state) is one run, after a
 * run of empty buckets for the gap before it. Empty buckets after the last ID are added by `finish`.
 * Sets are set IDs until `finish` indexes them.
 */
function singleIdRuns(space: IoasidSpace, first: number, last: number, onlySid: number | null): number[] {
  const runs: number[] = [];
  let next = first; // the first ID after the runs written
  space.forEachIdRun(
    first,
    last,
    (from, to, sid, pending) => {
      if (from > next) runs.push(from - next, 0, 0, -1);
      runs.push(to - from + 1, 1, pending ? 1 : 0, sid);
      next = to + 1;
    },
    onlySid ?? undefined,
  );
  return runs;
}

/**
 * The runs of buckets of `size` IDs: adds each run of IDs the core reports to the buckets it covers,
 * tallied per set, and writes a bucket once the walk passes its end; equal consecutive buckets merge.
 */
function bucketRuns(
  space: IoasidSpace,
  first: number,
  last: number,
  size: number,
  onlySid: number | null,
): number[] {
  const runs: number[] = [];
  const sets = space.listSets();
  const counts = new Float64Array(sets.length === 0 ? 0 : sets[sets.length - 1].sid + 1);
  const touched = new Int32Array(Math.min(counts.length, size));
  let touchedCount = 0;
  let bucket = -1; // the bucket being tallied, -1 before the first ID
  let end = -1; // its last ID
  let done = 0; // buckets written
  let used = 0;
  let pending = 0;
  let runUsed = -1;
  let runPending = -1;
  let runSet = -2;
  let at = -1;
  const push = (repeat: number, u: number, p: number, set: number) => {
    if (u === runUsed && p === runPending && set === runSet) {
      runs[at] += repeat;
      return;
    }
    at = runs.length;
    runs.push(repeat, u, p, set);
    runUsed = u;
    runPending = p;
    runSet = set;
  };
  const close = () => {
    let top = -1;
    let most = 0;
    for (let i = 0; i < touchedCount; i++) {
      const sid = touched[i];
      const n = counts[sid];
      if (n > most || (n === most && sid < top)) {
        top = sid;
        most = n;
      }
      counts[sid] = 0;
    }
    touchedCount = 0;
    push(1, used, pending, top);
    used = 0;
    pending = 0;
    done = bucket + 1;
  };
  space.forEachIdRun(
    first,
    last,
    (from, to, sid, p) => {
      for (let id = from; id <= to; ) {
        if (id > end) {
          if (bucket >= 0) close();
          bucket = Math.floor((id - first) / size);
          if (bucket > done) push(bucket - done, 0, 0, -1);
          end = first + (bucket + 1) * size - 1;
        }
        const upTo = Math.min(to, end);
        const n = upTo - id + 1;
        used += n;
        if (p) pending += n;
        if (counts[sid] === 0) touched[touchedCount++] = sid;
        counts[sid] += n;
        id = upTo + 1;
      }
    },
    onlySid ?? undefined,
  );
  if (bucket >= 0) close();
  return runs;
}

/**
 * Adds the empty buckets after the last run up to `count`, and turns the runs' set IDs into indexes of
 * the ascending list of the sets they name.
 */
function finish(runs: number[], count: number): { sets: number[]; runs: number[] } {
  let covered = 0;
  for (let i = 0; i < runs.length; i += 4) covered += runs[i];
  if (count > covered) {
    const n = runs.length;
    if (n > 0 && runs[n - 3] === 0) runs[n - 4] += count - covered;
    else runs.push(count - covered, 0, 0, -1);
  }
  let top = -1;
  for (let i = 3; i < runs.length; i += 4) if (runs[i] > top) top = runs[i];
  // Set ID -> index in `sets` (+1; 0: not named), one slot per set ID up to the highest named.
  const index = new Int32Array(top + 1);
  for (let i = 3; i < runs.length; i += 4) if (runs[i] >= 0) index[runs[i]] = 1;
  const sets: number[] = [];
  for (let sid = 0; sid <= top; sid++) if (index[sid] !== 0) index[sid] = sets.push(sid);
  for (let i = 3; i < runs.length; i += 4) if (runs[i] >= 0) runs[i] = index[runs[i]] - 1;
  return { sets, runs };
}
