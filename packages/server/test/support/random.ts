// Seeded randomness for tests: a small PRNG (mulberry32) and the seed printed on failure.

/** A seeded generator of integers and choices. */
export interface Random {
  readonly seed: number;
  /** Integer in [0, n). */
  int(n: number): number;
  /** An element of `items`. */
  pick<T>(items: readonly T[]): T;
  /** True with probability `p`. */
  chance(p: number): boolean;
}

/** Returns a generator for `seed` (default: from IOASID_TEST_SEED or the clock). */
export function random(seed = Number(process.env.IOASID_TEST_SEED ?? Date.now() % 2 ** 31)): Random {
  let state = seed >>> 0;
  const next = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  };
  return {
    seed,
    int: (n) => Math.floor(next() * n),
    pick: (items) => items[Math.floor(next() * items.length)],
    chance: (p) => next() < p,
  };
}

/** Runs `body`; on failure, rethrows with the seed (rerun with IOASID_TEST_SEED=<seed>). */
export async function withSeed<T>(rng: Random, body: () => Promise<T>): Promise<T> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof Error)
      error.message = `${error.message}\n(seed ${rng.seed}: rerun with IOASID_TEST_SEED=${rng.seed})`;
    throw error;
  }
}
