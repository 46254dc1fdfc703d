// Applying alloc/free events to decoded buckets matches recomputing the buckets from scratch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { decodeMap } from '../src/components/map-decode.js';
import { applyMapEvents } from '../src/components/map-events.js';
import { encodeAnswer, type RefId, referenceBuckets } from './fixtures/map-reference.js';

describe('applyMapEvents', () => {
  it('on single-ID buckets: the result equals the map of the namespace after the events', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ id: fc.integer({ min: 0, max: 63 }), sid: fc.integer({ min: 0, max: 4 }) }), {
          maxLength: 200,
        }),
        (ops) => {
          const held = new Map<number, number>();
          const b = decodeMap(encodeAnswer(referenceBuckets([], 0, 63, 64), 0, 63));
          const events = ops.map(({ id, sid }) => {
            // Alternate: allocate a free ID, free an allocated one (as a real stream would).
            if (held.has(id)) {
              const owner = held.get(id) as number;
              held.delete(id);
              return { type: 'free', id, sid: owner };
            }
            held.set(id, sid);
            return { type: 'alloc', id, sid };
          });
          const changed = applyMapEvents(b, [
            ...events,
            { type: 'bind', id: 3, sid: 0 },
            { type: 'alloc', id: 999, sid: 0 },
          ]);
          const ids: RefId[] = [...held].map(([id, sid]) => ({ id, sid, pending: false }));
          const want = referenceBuckets(ids, 0, 63, 64);
          for (let k = 0; k < 64; k++) {
            expect(b.used[k]).toBe(want[k].used);
            expect(b.set[k] < 0 ? -1 : b.sets[b.set[k]]).toBe(want[k].sid);
          }
          expect(b.totalUsed).toBe(held.size);
          expect(new Set(changed).size).toBe(changed.length);
          for (const k of changed) expect(events.some((e) => e.id === k)).toBe(true);
          for (let i = 0; i < b.sets.length; i++) {
            expect(b.usedBySet[i]).toBe(ids.filter((x) => x.sid === b.sets[i]).length);
          }
        },
      ),
      { numRuns: 200 },
    );
  });

  it('on aggregated buckets: counts move, an empty bucket takes the set, a full one refuses more', () => {
    const b = decodeMap({
      first: 100,
      last: 109,
      bucketSize: 4,
      buckets: 3,
      sets: [7],
      runs: [1, 4, 1, 0, 2, 0, 0, -1],
    });
    expect(applyMapEvents(b, [{ type: 'alloc', id: 101, sid: 7 }])).toEqual([]);
    expect(
      applyMapEvents(b, [
        { type: 'alloc', id: 105, sid: 9 },
        { type: 'alloc', id: 108, sid: 9 },
      ]),
    ).toEqual([1, 2]);
    expect([...b.used]).toEqual([4, 1, 1]);
    expect(b.sets).toEqual([7, 9]);
    expect([...b.set]).toEqual([0, 1, 1]);
    // A free takes one used ID; pending never exceeds used; an emptied bucket loses its set.
    applyMapEvents(b, [
      { type: 'free', id: 100, sid: 7 },
      { type: 'free', id: 101, sid: 7 },
      { type: 'free', id: 102, sid: 7 },
      { type: 'free', id: 103, sid: 7 },
      { type: 'free', id: 104, sid: 9 },
    ]);
    expect([...b.used]).toEqual([0, 0, 1]);
    expect([...b.pending]).toEqual([0, 0, 0]);
    expect([...b.set]).toEqual([-1, -1, 1]);
    expect(b.totalUsed).toBe(1);
    expect(b.totalPending).toBe(0);
    expect(b.usedBySet).toEqual([0, 1]);
  });
});
