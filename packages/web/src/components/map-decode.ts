// Decoding the map's run-length encoded buckets into flat typed arrays, and the bucket arithmetic of
// GET /v1/map (which IDs a bucket covers). Pure: no DOM, testable in Node.
import type { MapAnswer } from './map-types.js';

/**
 * The decoded occupancy of [first, last]: per bucket the IDs in use (free-pending included), the
 * free-pending IDs and the index into `sets` of its main set (-1 when empty). `sets` may grow when events
 * bring a set the answer did not name; `usedBySet[i]` sums `used` over the buckets whose main set is
 * `sets[i]` (exact for single-ID buckets, the dominant set's share otherwise).
 */
export interface Buckets {
  readonly first: number;
  readonly last: number;
  readonly bucketSize: number;
  readonly count: number;
  readonly sets: number[];
  readonly used: Uint32Array;
  readonly pending: Uint32Array;
  readonly set: Int32Array;
  readonly usedBySet: number[];
  totalUsed: number;
  totalPending: number;
}

/**
 * Decodes a MapAnswer's `runs` into per-bucket arrays. Tolerant of a malformed answer: runs beyond
 * `buckets` are cut, buckets no run covers stay empty, a set index outside `sets` reads as -1, and
 * used/pending are clamped to the bucket's size.
 */
export function decodeMap(answer: MapAnswer): Buckets {
  const count = Math.max(0, Math.floor(answer.buckets));
  const used = new Uint32Array(count);
  const pending = new Uint32Array(count);
  const set = new Int32Array(count).fill(-1);
  const sets = answer.sets.slice();
  const nSets = sets.length;
  const bySet = new Float64Array(nSets);
  const bucketSize = Math.max(1, answer.bucketSize);
  // The last bucket may be shorter than bucketSize: its counts are clamped on their own below.
  const lastSize = count > 0 ? sizeOf(answer.first, answer.last, bucketSize, count - 1) : 0;
  const runs = answer.runs;
  const nRuns = runs.length - 3;
  let totalUsed = 0;
  let totalPending = 0;
  let at = 0;
  // One tight loop (2^20 runs of one bucket decode in a few milliseconds): plain comparisons, no calls.
  for (let r = 0; r < nRuns && at < count; r += 4) {
    const repeat = runs[r];
    let u = runs[r + 1];
    let p = runs[r + 2];
    let s = runs[r + 3];
    if (s >= 0 && s < nSets && u > 0) {
      s |= 0;
      if (u > bucketSize) u = bucketSize;
      if (p > u) p = u;
      if (!(p > 0)) p = 0;
    } else {
      s = -1;
      u = 0;
      p = 0;
    }
    let end = repeat > 0 ? at + repeat : at;
    if (end > count) end = count;
    if (end === at + 1 && end < count) {
      // The arrays start as "empty" (0, 0, -1): an empty bucket needs no write.
      if (s >= 0) {
        used[at] = u;
        set[at] = s;
        totalUsed += u;
        bySet[s] += u;
        if (p > 0) {
          pending[at] = p;
          totalPending += p;
        }
      }
      at = end;
      continue;
    }
    const bulkEnd = end === count && lastSize < u ? end - 1 : end;
    if (bulkEnd > at) {
      const n = bulkEnd - at;
      used.fill(u, at, bulkEnd);
      pending.fill(p, at, bulkEnd);
      set.fill(s, at, bulkEnd);
      totalUsed += n * u;
      totalPending += n * p;
      if (s >= 0) bySet[s] += n * u;
    }
    if (bulkEnd < end) {
      const uu = lastSize;
      const pp = Math.min(p, uu);
      used[count - 1] = uu;
      pending[count - 1] = pp;
      set[count - 1] = uu === 0 ? -1 : s;
      totalUsed += uu;
      totalPending += pp;
      if (uu > 0 && s >= 0) bySet[s] += uu;
    }
    at = end;
  }
  return {
    first: answer.first,
    last: answer.last,
    bucketSize,
    count,
    sets,
    used,
    pending,
    set,
    usedBySet: Array.from(bySet),
    totalUsed,
    totalPending,
  };
}

/** Number of IDs bucket `k` covers: bucketSize, or fewer for the last bucket. */
function sizeOf(first: number, last: number, bucketSize: number, k: number): number {
  const start = first + k * bucketSize;
  return Math.max(0, Math.min(last, start + bucketSize - 1) - start + 1);
}

/** The IDs bucket `k` covers: `[first + k*bucketSize, min(last, first + (k+1)*bucketSize - 1)]`. */
export function bucketRange(b: Buckets, k: number): { first: number; last: number } {
  const first = b.first + k * b.bucketSize;
  return { first, last: Math.min(b.last, first + b.bucketSize - 1) };
}

/** Number of IDs in bucket `k`. */
export function bucketSizeAt(b: Buckets, k: number): number {
  return sizeOf(b.first, b.last, b.bucketSize, k);
}

/** The bucket holding `id`, or -1 when `id` is outside [first, last]. */
export function bucketOf(b: Buckets, id: number): number {
  if (!Number.isInteger(id) || id < b.first || id > b.last) return -1;
  const k = Math.floor((id - b.first) / b.bucketSize);
  return k < b.count ? k : -1;
}

/** Number of sets holding IDs in the drawn range (as far as the buckets tell). */
export function setsInUse(b: Buckets): number {
  let n = 0;
  for (const u of b.usedBySet) if (u > 0) n++;
  return n;
}

/** The index of `sid` in `b.sets`, appending it when new. */
export function setIndex(b: Buckets, sid: number): number {
  let i = b.sets.indexOf(sid);
  if (i < 0) {
    i = b.sets.length;
    b.sets.push(sid);
    b.usedBySet.push(0);
  }
  return i;
}
