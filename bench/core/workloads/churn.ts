// Churn: with IDs 0..n-1 allocated (n = 50% or 99% of 2^20), free a random ID then allocate the lowest
// free one, which must be the ID just freed. Median per pair over batches, and p99.9 of single pairs.

import type { Allocator } from '../contenders/contender.js';
import { median, now, percentile, randomIds, sampleBatches, timerOverhead } from '../harness.js';
import { expect, failedRow, sink, validate, type Workload } from './workload.js';

/** Allocates IDs 0..count-1 to `sid` (setup, untimed). */
export function fillPrefix(a: Allocator, sid: number, count: number, max: number): void {
  for (let i = 0; i < count; i++) a.alloc(sid, 0, max, null);
}

/** Frees and re-allocates `ids[from..to)`; returns the sum of the allocated IDs (the checksum). */
export function churnPairs(
  a: Allocator,
  sid: number,
  ids: Uint32Array,
  from: number,
  to: number,
  max: number,
): number {
  let sum = 0;
  for (let i = from; i < to; i++) {
    a.free(ids[i]);
    sum += a.alloc(sid, 0, max, null);
  }
  return sum;
}

/** Sum of `ids[from..to)`: what churnPairs must return when each alloc returns the freed ID. */
export function sumOf(ids: Uint32Array, from: number, to: number): number {
  let sum = 0;
  for (let i = from; i < to; i++) sum += ids[i];
  return sum;
}

/** Validates that each alloc returns the ID just freed, over `ids[from..to)`. */
export function validateChurn(
  a: Allocator,
  sid: number,
  ids: Uint32Array,
  from: number,
  to: number,
  max: number,
): void {
  for (let i = from; i < to; i++) {
    a.free(ids[i]);
    const id = a.alloc(sid, 0, max, null);
    expect(id === ids[i], `after freeing ${ids[i]} (the lowest free ID) alloc returned ${id}`);
  }
}

function churnAt(percent: number): Workload {
  return {
    name: `churn-${percent}`,
    kind: 'churn',
    run({ contender, settings }) {
      const does = contender.does.churn;
      if (does === undefined) return [];
      const capacity = settings.capacity;
      const max = capacity - 1;
      const occupied = Math.round((capacity * percent) / 100);
      const s = settings.churn;
      const slow = contender.slow;
      const batch = slow ? s.slowBatch : s.batch;
      const sampleCount = slow ? s.slowSamples : s.samples;
      const single = slow ? s.slowSingle : s.single;
      const base = {
        workload: `churn-${percent}`,
        title: `churn at ${percent}% occupancy (free random + alloc lowest)`,
        contender: contender.name,
        unit: 'ns/pair' as const,
        how: does.how,
        sameWork: does.sameWork,
      };

      const a = contender.create({ capacity, base: 0 });
      const sid = a.createSet(capacity);
      fillPrefix(a, sid, occupied, max);
      a.hint = false; // the naive baseline scans from 0 from here on
      // One slice of random IDs per batch (validation and warm-up first), then the single-pair slice.
      const warm = 1 + settings.warmups;
      const ids = randomIds((warm + sampleCount) * batch + single, occupied, 0x5eed0000 + percent);

      const failure = validate(() => validateChurn(a, sid, ids, 0, batch, max));
      if (failure !== null) return [failedRow(base, failure)];
      for (let w = 1; w < warm; w++) sink.value += churnPairs(a, sid, ids, w * batch, (w + 1) * batch, max);

      let checked = true;
      const samples = sampleBatches(sampleCount, batch, (run) => {
        const from = (warm + run) * batch;
        const sum = churnPairs(a, sid, ids, from, from + batch, max);
        if (sum !== sumOf(ids, from, from + batch)) checked = false;
        sink.value += sum;
      });

      const singles = new Float64Array(single);
      const from = (warm + sampleCount) * batch;
      let sum = 0;
      for (let i = 0; i < single; i++) {
        const id = ids[from + i];
        const t0 = now();
        a.free(id);
        sum += a.alloc(sid, 0, max, null);
        singles[i] = Number(now() - t0);
      }
      if (sum !== sumOf(ids, from, from + single)) checked = false;
      if (!checked)
        return [failedRow(base, 'a timed alloc did not return the ID just freed (checksum mismatch)')];
      const overhead = timerOverhead();
      return [
        {
          ...base,
          median: median(samples),
          p999: percentile(singles, 99.9),
          samples: samples.length,
          opsPerSample: batch,
          raw: Array.from(samples),
          note: `${slow ? `naive: only ${batch} pairs x ${samples.length} batches and ${single} single pairs (O(n) scans); ` : ''}p99.9 over ${single} single pairs includes ~${overhead.toFixed(0)} ns of timer overhead`,
          extra: {
            occupied,
            singlePairs: single,
            timerOverheadNs: overhead,
            p50SingleNs: median(singles),
            maxSingleNs: percentile(singles, 100),
          },
        },
      ];
    },
  };
}

export const churn50 = churnAt(50);
export const churn99 = churnAt(99);
