// The capacity map's run-length decoding against a brute-force reference of GET /v1/map.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { bucketOf, bucketRange, bucketSizeAt, decodeMap, setsInUse } from '../src/components/map-decode.js';
import { encodeAnswer, type RefId, referenceBuckets } from './fixtures/map-reference.js';

/** A namespace of `span` IDs from `first`, some allocated to a few sets, some free-pending. */
const namespace = fc
  .record({
    first: fc.nat({ max: 1000 }),
    span: fc.integer({ min: 1, max: 300 }),
    buckets: fc.integer({ min: 1, max: 320 }),
  })
  .chain(({ first, span, buckets }) =>
    fc
      .uniqueArray(
        fc.record({
          id: fc.integer({ min: first, max: first + span - 1 }),
          sid: fc.integer({ min: 0, max: 6 }),
          pending: fc.boolean(),
        }),
        { selector: (x) => x.id, maxLength: span },
      )
      .map((ids) => ({ first, last: first + span - 1, buckets, ids: ids as RefId[] })),
  );

describe('decodeMap', () => {
  it('gives every bucket the used/pending counts and main set the brute-force reference computes', () => {
    fc.assert(
      fc.property(namespace, ({ first, last, buckets, ids }) => {
        const ref = referenceBuckets(ids, first, last, buckets);
        const answer = encodeAnswer(ref, first, last);
        const b = decodeMap(answer);
        expect(b.count).toBe(ref.length);
        for (let k = 0; k < ref.length; k++) {
          expect(bucketRange(b, k)).toEqual({ first: ref[k].first, last: ref[k].last });
          expect(bucketSizeAt(b, k)).toBe(ref[k].last - ref[k].first + 1);
          expect(b.used[k]).toBe(ref[k].used);
          expect(b.pending[k]).toBe(ref[k].pending);
          expect(b.set[k] < 0 ? -1 : b.sets[b.set[k]]).toBe(ref[k].sid);
        }
        expect(b.totalUsed).toBe(ids.length);
        expect(b.totalPending).toBe(ids.filter((x) => x.pending).length);
        expect(setsInUse(b)).toBe(answer.sets.length);
        for (const x of ids) {
          const k = bucketOf(b, x.id);
          expect(ref[k].first <= x.id && x.id <= ref[k].last).toBe(true);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('decodes 2^20 single-ID buckets of 1,000 sets, one run per bucket', () => {
    const n = 1 << 20;
    const runs: number[] = [];
    for (let k = 0; k < n; k++) runs.push(1, 1, k % 97 === 0 ? 1 : 0, k % 1000);
    const b = decodeMap({
      first: 0,
      last: n - 1,
      bucketSize: 1,
      buckets: n,
      sets: [...Array(1000).keys()],
      runs,
    });
    expect(b.count).toBe(n);
    expect(b.totalUsed).toBe(n);
    expect(b.totalPending).toBe(Math.ceil(n / 97));
    expect(b.set[123_456]).toBe(456);
    expect(setsInUse(b)).toBe(1000);
  });

  it('is tolerant of a malformed answer: runs past the end cut, missing runs empty, bad set index empty', () => {
    const b = decodeMap({
      first: 10,
      last: 19,
      bucketSize: 2,
      buckets: 5,
      sets: [4],
      runs: [2, 2, 0, 0, 1, 9, 9, 7, 9, 1, 0, 0],
    });
    expect([...b.used]).toEqual([2, 2, 0, 1, 1]);
    expect([...b.set]).toEqual([0, 0, -1, 0, 0]);
    const short = decodeMap({ first: 0, last: 9, bucketSize: 4, buckets: 3, sets: [1], runs: [3, 4, 4, 0] });
    // The last bucket covers 8..9: two IDs at most.
    expect([...short.used]).toEqual([4, 4, 2]);
    expect([...short.pending]).toEqual([4, 4, 2]);
    expect(short.totalUsed).toBe(10);
    const none = decodeMap({ first: 0, last: 3, bucketSize: 1, buckets: 4, sets: [], runs: [] });
    expect([...none.set]).toEqual([-1, -1, -1, -1]);
    expect(bucketOf(none, 4)).toBe(-1);
    expect(bucketOf(none, -1)).toBe(-1);
  });
});
