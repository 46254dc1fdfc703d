// A brute-force reference of GET /v1/map (DASH-API.md) for the tests: from a list of allocated IDs,
// the buckets with their used/pending counts and main set, run-length encoded like the server.
import type { MapAnswer } from '../../src/components/map-types.js';

/** One allocated ID of a synthetic namespace. */
export interface RefId {
  readonly id: number;
  readonly sid: number;
  readonly pending: boolean;
}

/** Per bucket: used, pending, main sid (-1 when empty), computed ID by ID. */
export interface RefBucket {
  readonly first: number;
  readonly last: number;
  readonly used: number;
  readonly pending: number;
  readonly sid: number;
}

/** The buckets of [first, last] in `buckets` buckets, by the API's formulas, one ID at a time. */
export function referenceBuckets(
  ids: readonly RefId[],
  first: number,
  last: number,
  buckets: number,
): RefBucket[] {
  const size = Math.ceil((last - first + 1) / buckets);
  const n = Math.ceil((last - first + 1) / size);
  const out: RefBucket[] = [];
  for (let k = 0; k < n; k++) {
    const lo = first + k * size;
    const hi = Math.min(last, first + (k + 1) * size - 1);
    const inside = ids.filter((x) => x.id >= lo && x.id <= hi);
    const bySid = new Map<number, number>();
    for (const x of inside) bySid.set(x.sid, (bySid.get(x.sid) ?? 0) + 1);
    let sid = -1;
    let most = 0;
    for (const [s, c] of bySid) if (c > most || (c === most && s < sid)) [sid, most] = [s, c];
    out.push({
      first: lo,
      last: hi,
      used: inside.length,
      pending: inside.filter((x) => x.pending).length,
      sid,
    });
  }
  return out;
}

/** The MapAnswer of those buckets: `sets` ascending, `runs` as [repeat, used, pending, set] quadruples. */
export function encodeAnswer(b: readonly RefBucket[], first: number, last: number): MapAnswer {
  const sets = [...new Set(b.filter((x) => x.sid >= 0).map((x) => x.sid))].sort((x, y) => x - y);
  const runs: number[] = [];
  for (const x of b) {
    const set = x.sid < 0 ? -1 : sets.indexOf(x.sid);
    const n = runs.length;
    if (n > 0 && runs[n - 3] === x.used && runs[n - 2] === x.pending && runs[n - 1] === set) runs[n - 4]++;
    else runs.push(1, x.used, x.pending, set);
  }
  const bucketSize = b.length > 0 ? b[0].last - b[0].first + 1 : 1;
  return { first, last, bucketSize, buckets: b.length, sets, runs };
}
