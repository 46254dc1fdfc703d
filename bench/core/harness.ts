// Timing helpers of the core benchmarks: a monotonic clock, batched and per-operation sampling,
// median and percentiles, a seeded PRNG for pre-generated inputs, and forced garbage collection.

/** Nanoseconds from an arbitrary origin, as a bigint (process.hrtime.bigint). */
export const now = process.hrtime.bigint;

/** Median of the samples (the mean of the two middle values for an even count). */
export function median(samples: ArrayLike<number>): number {
  return percentile(samples, 50);
}

/**
 * The p-th percentile (0..100) of the samples, by linear interpolation between the closest ranks
 * (the definition of numpy's default), so p99.9 of 100 samples is close to the maximum.
 */
export function percentile(samples: ArrayLike<number>, p: number): number {
  const sorted = Float64Array.from(samples).sort();
  if (sorted.length === 0) return Number.NaN;
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (rank - lo);
}

/** Runs a full garbage collection when node runs with --expose-gc (npm run bench does), else nothing. */
export function collectGarbage(): void {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc !== undefined) {
    gc();
    gc();
  }
}

/**
 * Times `samples` runs of `batch`, each after `setup` (untimed), with a garbage collection before each
 * run so that one run's garbage is not collected during the next. `batch` does `ops` operations.
 * @returns nanoseconds per operation of each run
 */
export function sampleBatches(
  samples: number,
  ops: number,
  batch: (run: number) => void,
  setup?: (run: number) => void,
): Float64Array {
  const out = new Float64Array(samples);
  for (let run = 0; run < samples; run++) {
    setup?.(run);
    collectGarbage();
    const t0 = now();
    batch(run);
    out[run] = Number(now() - t0) / ops;
  }
  return out;
}

/** Median cost in ns of timing nothing with two `now()` calls: the floor under per-operation samples. */
export function timerOverhead(): number {
  const samples = new Float64Array(100_000);
  for (let i = 0; i < samples.length; i++) {
    const t0 = now();
    samples[i] = Number(now() - t0);
  }
  return median(samples);
}

/** A seeded 32-bit PRNG (mulberry32): the same seed gives the same inputs in every process. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}

/** `count` integers drawn uniformly from `[0, bound)` with the seeded PRNG. */
export function randomIds(count: number, bound: number, seed: number): Uint32Array {
  const next = prng(seed);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = next() % bound;
  return out;
}

/** Heap plus ArrayBuffer bytes in use after a full collection: what the allocator's structures cost. */
export function usedBytes(): number {
  collectGarbage();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

/**
 * Distribution-free 95% confidence interval of the median (sign-test order statistics): the k-th
 * smallest and k-th largest sample with k = floor((n - 1.96 sqrt(n)) / 2), at least the extremes.
 */
export function medianInterval(samples: ArrayLike<number>): [number, number] {
  const sorted = Float64Array.from(samples).sort();
  const n = sorted.length;
  const k = Math.max(0, Math.floor((n - 1.96 * Math.sqrt(n)) / 2));
  return [sorted[k], sorted[n - 1 - k]];
}
