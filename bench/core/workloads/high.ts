// High IDs: allocate 4096 IDs with alloc(sid, 3e9, 0xFFFFFFFF) (the lowest free at or above 3e9, across a
// page boundary), then free them; ns per alloc + free. Validated: 3e9, 3e9 + 1, ... and all freed.

import { median, sampleBatches } from '../harness.js';
import { expect, failedRow, sink, validate, type Workload } from './workload.js';

const LOW = 3e9;
const HIGH = 0xffffffff;

export const high: Workload = {
  name: 'high',
  kind: 'high',
  run({ contender, settings }) {
    const does = contender.does.high;
    if (does === undefined) return [];
    const s = settings.high;
    const rounds = contender.slow ? s.slowRounds : s.rounds;
    const sampleCount = contender.slow ? s.slowSamples : s.samples;
    const count = s.ids;
    const base = {
      workload: 'high',
      title: `alloc(sid, 3e9, 0xFFFFFFFF) x ${count}, then free each`,
      contender: contender.name,
      unit: 'ns/pair' as const,
      how: does.how,
      sameWork: does.sameWork,
    };
    const a = contender.create({ capacity: settings.capacity, base: LOW });
    const sid = a.createSet(settings.capacity);
    const ids = new Float64Array(count);
    const round = (): number => {
      let sum = 0;
      for (let i = 0; i < count; i++) ids[i] = a.alloc(sid, LOW, HIGH, null);
      for (let i = 0; i < count; i++) {
        a.free(ids[i]);
        sum += ids[i];
      }
      return sum;
    };

    const failure = validate(() => {
      for (let i = 0; i < count; i++) {
        ids[i] = a.alloc(sid, LOW, HIGH, null);
        expect(ids[i] === LOW + i, `allocation ${i} returned ${ids[i]}, expected ${LOW + i}`);
      }
      for (let i = 0; i < count; i++) a.free(ids[i]);
      expect(a.size === 0, `size ${a.size} after freeing every ID, expected 0`);
      for (let i = 0; i < count; i++) expect(!a.has(LOW + i), `ID ${LOW + i} is still allocated`);
    });
    if (failure !== null) return [failedRow(base, failure)];

    // Every round allocates LOW..LOW+count-1 again, so its checksum is known.
    const expected = count * LOW + (count * (count - 1)) / 2;
    let checked = true;
    const run = (): void => {
      for (let r = 0; r < rounds; r++) {
        const sum = round();
        if (sum !== expected) checked = false;
        sink.value += sum;
      }
    };
    for (let w = 0; w < settings.warmups; w++) run();
    const samples = sampleBatches(sampleCount, rounds * count, run);
    if (!checked) return [failedRow(base, 'a timed round returned other IDs than 3e9.. (checksum mismatch)')];
    return [
      {
        ...base,
        median: median(samples),
        samples: samples.length,
        opsPerSample: rounds * count,
        raw: Array.from(samples),
        note: `${rounds} rounds of ${count} allocs + ${count} frees per sample${contender.slow ? ' (naive: fewer rounds, O(n) scans from 3e9)' : ''}`,
      },
    ];
  },
};
