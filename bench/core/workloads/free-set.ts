// freeSet: free every ID of one set holding 10% of a full 2^20-ID space (no subscribers), with the
// set's IDs contiguous or interleaved round-robin with 9 other sets. Peers free the same IDs from a list.

import type { Allocator } from '../contenders/contender.js';
import { median, sampleBatches } from '../harness.js';
import { createSets, quotaOf, SETS } from './find.js';
import { expect, failedRow, validate, type Workload } from './workload.js';

type Layout = 'contiguous' | 'interleaved';

/** The set that is freed: one in the middle, so its contiguous block has neighbours on both sides. */
const VICTIM = 3;

interface Prepared {
  readonly a: Allocator;
  readonly sid: number;
  /** The IDs of the freed set, ascending. */
  readonly ids: Uint32Array;
}

function prepare(create: () => Allocator, capacity: number, layout: Layout): Prepared {
  const a = create();
  const sids = createSets(a, capacity);
  const max = capacity - 1;
  const ids = new Uint32Array(quotaOf(VICTIM, capacity));
  let n = 0;
  let next = 0;
  if (layout === 'contiguous') {
    for (let k = 0; k < SETS; k++) {
      const quota = quotaOf(k, capacity);
      for (let j = 0; j < quota; j++) {
        const id = a.alloc(sids[k], 0, max, null);
        expect(id === next++, `allocation ${next - 1} returned ${id} (the lowest free was expected)`);
        if (k === VICTIM) ids[n++] = id;
      }
    }
  } else {
    for (let i = 0; i < capacity; i++) {
      const id = a.alloc(sids[i % SETS], 0, max, null);
      expect(id === i, `allocation ${i} returned ${id} (the lowest free was expected)`);
      if (i % SETS === VICTIM) ids[n++] = id;
    }
  }
  return { a, sid: sids[VICTIM], ids };
}

function freeSetIn(layout: Layout): Workload {
  return {
    name: `freeSet-${layout}`,
    kind: 'freeSet',
    run({ contender, settings }) {
      const does = contender.does.freeSet;
      if (does === undefined) return [];
      const capacity = settings.capacity;
      const create = (): Allocator => contender.create({ capacity, base: 0 });
      const count = quotaOf(VICTIM, capacity);
      const base = {
        workload: `freeSet-${layout}`,
        title: `freeSet of ${count} IDs (10%), ${layout === 'contiguous' ? 'contiguous' : 'interleaved with 9 sets'}`,
        contender: contender.name,
        unit: 'ms/op' as const,
        how: does.how,
        sameWork: does.sameWork,
      };

      const failure = validate(() => {
        const { a, sid, ids } = prepare(create, capacity, layout);
        expect(ids.length === count, `the set holds ${ids.length} IDs, expected ${count}`);
        a.freeSet(sid, ids);
        expect(a.size === capacity - count, `size ${a.size} after freeSet, expected ${capacity - count}`);
        // has() throws and catches inside ioasid (its lookups throw ENOENT), so check every 7th ID.
        for (let i = 0; i < ids.length; i += 7) expect(!a.has(ids[i]), `ID ${ids[i]} is still allocated`);
        for (let id = 0; id < capacity; id += 7) {
          const mine = ids.length > 0 && binaryHas(ids, id);
          expect(a.has(id) !== mine, `ID ${id} of another set was ${mine ? 'kept' : 'freed'}`);
        }
      });
      if (failure !== null) return [failedRow(base, failure)];

      let current: Prepared | null = null;
      const setup = (): void => {
        current = null;
        current = prepare(create, capacity, layout);
      };
      const run = (): void => {
        const { a, sid, ids } = current as Prepared;
        a.freeSet(sid, ids);
      };
      for (let w = 0; w < settings.warmups; w++) {
        setup();
        run();
      }
      // sampleBatches reports ns per op with ops = 1: convert to ms.
      const samples = sampleBatches(settings.freeSet.samples, 1, run, setup).map((ns) => ns / 1e6);
      return [
        {
          ...base,
          median: median(samples),
          samples: samples.length,
          opsPerSample: 1,
          raw: Array.from(samples),
          note: `each sample refills 2^20 IDs over ${SETS} sets (untimed) and frees set ${VICTIM}'s ${count} IDs`,
        },
      ];
    },
  };
}

function binaryHas(sorted: Uint32Array, id: number): boolean {
  let lo = 0;
  let hi = sorted.length - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid] === id) return true;
    if (sorted[mid] < id) lo = mid + 1;
    else hi = mid - 1;
  }
  return false;
}

export const freeSetContiguous = freeSetIn('contiguous');
export const freeSetInterleaved = freeSetIn('interleaved');
