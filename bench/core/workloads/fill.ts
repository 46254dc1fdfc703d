// Fill: allocate every ID of a fresh 2^20-ID space, lowest free first, into one set with quota 2^20.
// Validated: the IDs come out as 0, 1, ..., 2^20 - 1 in order.

import type { Allocator } from '../contenders/contender.js';
import { median, sampleBatches } from '../harness.js';
import { expect, failedRow, sink, validate, type Workload } from './workload.js';

export const fill: Workload = {
  name: 'fill',
  kind: 'fill',
  run({ contender, settings }) {
    const capacity = settings.capacity;
    const max = capacity - 1;
    const does = contender.does.fill;
    if (does === undefined) return [];
    const base = {
      workload: 'fill',
      title: 'fill 2^20 IDs, lowest free first',
      contender: contender.name,
      unit: 'ns/op' as const,
      how: does.how,
      sameWork: does.sameWork,
    };
    let a: Allocator = contender.create({ capacity, base: 0 });
    let sid = 0;
    const fresh = (): void => {
      a = contender.create({ capacity, base: 0 });
      sid = a.createSet(capacity);
    };
    const run = (): void => {
      let sum = 0;
      for (let i = 0; i < capacity; i++) sum += a.alloc(sid, 0, max, null);
      sink.value += sum;
    };

    const failure = validate(() => {
      fresh();
      for (let i = 0; i < capacity; i++) {
        const id = a.alloc(sid, 0, max, null);
        expect(id === i, `allocation ${i} returned ${id}, expected ${i} (the lowest free)`);
      }
      expect(a.size === capacity, `size is ${a.size} after the fill, expected ${capacity}`);
    });
    if (failure !== null) return [failedRow(base, failure)];

    for (let w = 0; w < settings.warmups; w++) {
      fresh();
      run();
    }
    const samples = sampleBatches(settings.fill.samples, capacity, run, fresh);
    return [
      {
        ...base,
        median: median(samples),
        samples: samples.length,
        opsPerSample: capacity,
        raw: Array.from(samples),
        note: 'each sample fills a fresh allocator; creating it is not timed',
      },
    ];
  },
};
