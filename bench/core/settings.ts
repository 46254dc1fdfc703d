// How many operations and repetitions each workload runs, for the full run and for BENCH_QUICK=1
// (a smoke run under a minute). The naive baseline's O(n) operations get their own, smaller counts.

export interface Settings {
  readonly quick: boolean;
  /** Capacity of every allocator: 2^20 IDs, VT-d's PASID space. */
  readonly capacity: number;
  /** Untimed runs after the validating one, before sampling. */
  readonly warmups: number;
  readonly fill: { readonly samples: number };
  readonly churn: {
    /** Pairs per timed batch, and batches (the median is taken over batches). */
    readonly batch: number;
    readonly samples: number;
    /** Pairs timed one by one for p99.9. */
    readonly single: number;
    /** The same three for the naive baseline (each of its pairs scans up to 2^20 IDs). */
    readonly slowBatch: number;
    readonly slowSamples: number;
    readonly slowSingle: number;
  };
  readonly find: { readonly queries: number; readonly samples: number };
  readonly freeSet: { readonly samples: number };
  readonly high: {
    /** IDs allocated then freed per round (4096 from 3e9 crosses a 4096-ID page boundary). */
    readonly ids: number;
    readonly rounds: number;
    readonly samples: number;
    readonly slowRounds: number;
    readonly slowSamples: number;
  };
  readonly memory: { readonly samples: number };
  readonly notifier: { readonly batch: number; readonly samples: number };
}

export function settingsFor(quick: boolean): Settings {
  return {
    quick,
    capacity: 2 ** 20,
    warmups: quick ? 0 : 2,
    fill: { samples: quick ? 3 : 11 },
    churn: {
      batch: quick ? 2 ** 14 : 2 ** 16,
      samples: quick ? 5 : 21,
      single: quick ? 2 ** 15 : 2 ** 18,
      slowBatch: quick ? 4 : 10,
      slowSamples: quick ? 2 : 5,
      slowSingle: quick ? 8 : 50,
    },
    find: { queries: quick ? 2 ** 16 : 2 ** 20, samples: quick ? 3 : 15 },
    freeSet: { samples: quick ? 2 : 11 },
    high: {
      ids: 4096,
      rounds: quick ? 4 : 16,
      samples: quick ? 5 : 15,
      slowRounds: 1,
      slowSamples: quick ? 1 : 3,
    },
    memory: { samples: quick ? 1 : 3 },
    notifier: { batch: 2 ** 12, samples: quick ? 60 : 400 },
  };
}
