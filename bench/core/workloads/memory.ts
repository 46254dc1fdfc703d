// Memory: bytes per live ID with 2^20 IDs allocated, each with the SAME small object as data (so the
// figure is the allocator's, not the data's): heapUsed + arrayBuffers after a full GC, minus before.

import type { Contender } from '../contenders/contender.js';
import { median, usedBytes } from '../harness.js';
import { expect, failedRow, validate, type Workload } from './workload.js';

/** One measurement: bytes per ID and native bytes, or the validation failure as text. */
function measureOnce(contender: Contender, capacity: number): { perId: number; native: number } | string {
  const shared = { vm: 1, mm: 2 };
  const before = usedBytes();
  const a = contender.create({ capacity, base: 0 });
  const failure = validate(() => {
    const sid = a.createSet(capacity);
    for (let i = 0; i < capacity; i++) {
      const id = a.alloc(sid, 0, capacity - 1, shared);
      expect(id === i, `allocation ${i} returned ${id}, expected ${i} (the lowest free)`);
    }
    expect(a.size === capacity, `size ${a.size}, expected ${capacity}`);
    for (let id = 0; id < capacity; id += 4099) {
      expect(a.find(sid, id) === shared, `find(${sid}, ${id}) did not return the attached object`);
    }
  });
  if (failure !== null) return failure;
  const after = usedBytes();
  // Reading `a` after the measurement keeps the allocator alive through it.
  const native = a.nativeBytes?.() ?? 0;
  return { perId: (after - before + native) / capacity, native };
}

export const memory: Workload = {
  name: 'memory',
  kind: 'memory',
  run({ contender, settings }) {
    const does = contender.does.memory;
    if (does === undefined) return [];
    const base = {
      workload: 'memory',
      title: 'bytes per live ID at 2^20 IDs with data',
      contender: contender.name,
      unit: 'B/ID' as const,
      how: does.how,
      sameWork: does.sameWork,
    };
    const samples: number[] = [];
    let native = 0;
    for (let s = 0; s < settings.memory.samples; s++) {
      const got = measureOnce(contender, settings.capacity);
      if (typeof got === 'string') return [failedRow(base, got)];
      samples.push(got.perId);
      native = got.native;
    }
    return [
      {
        ...base,
        median: median(samples),
        samples: samples.length,
        opsPerSample: settings.capacity,
        raw: samples,
        note: `heapUsed + arrayBuffers delta after global.gc(), / 2^20; every ID's data is one shared object${native > 0 ? `; includes ${native} native bytes (getRoaringUsedMemory)` : ''}`,
        extra: { nativeBytes: native },
      },
    ];
  },
};
