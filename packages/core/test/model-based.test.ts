// Model-based random test of the core allocator: long seeded operation sequences replayed against the
// real IoasidSpace and a small, obviously correct reference model (test/model/reference-model.ts),
// compared after every operation, with the contract's invariants checked on the real space.
//
// IOASID_SEED=<n> replays another seed; IOASID_MODEL_RUNS=<n> changes the number of runs per property.

import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { labelSystemToken } from './model/commands.js';
import {
  type Failure,
  type ReplayOptions,
  type RunSpec,
  replay,
  report,
  runArbitrary,
  shrink,
  systemTokenOfCore,
} from './model/harness.js';

const SEED = Number(process.env.IOASID_SEED ?? 0x10a51d);
const RUNS = Number(process.env.IOASID_MODEL_RUNS ?? 150);
const LENGTH = 300;
/** Generous: a run takes ~50 ms on an idle core, several times that on a busy machine. */
const TIMEOUT = Math.max(60_000, RUNS * 600);

const systemToken = systemTokenOfCore();
labelSystemToken(systemToken);
const options: ReplayOptions = { systemToken };

/**
 * Runs `numRuns` generated runs; on the first failure shrinks it (fast-check's own shrinking is off: the
 * harness drops operations instead, which keeps every remaining operation meaningful) and fails with
 * the seed and the shrunk run as a script.
 */
function check(arbitrary: fc.Arbitrary<RunSpec>, numRuns: number): void {
  let failure: Failure | null = null;
  const details = fc.check(
    fc.property(arbitrary, (spec) => {
      failure = replay(spec, options);
      return failure === null;
    }),
    { seed: SEED, numRuns, endOnFailure: true },
  );
  if (!details.failed || details.counterexample === null) return;
  const [spec] = details.counterexample;
  const first = failure ?? replay(spec, options);
  if (first === null)
    throw new Error(`run failed only inside fast-check (seed ${SEED}): ${String(details.errorInstance)}`);
  const shrunk = shrink(spec, first, options);
  expect.fail(report(SEED, shrunk, options));
}

describe('the core agrees with the reference model', () => {
  it(
    `on ${RUNS} random runs of ${LENGTH} operations with read-only subscribers (seed ${SEED})`,
    () => {
      check(runArbitrary(LENGTH, false), RUNS);
    },
    TIMEOUT,
  );

  // The re-entrant subscribers take references on 'alloc', drop them on 'free', free other IDs, allocate,
  // free whole sets, attach and detach spids, publish events, add and remove subscribers, all from inside
  // deliveries; the model follows the same depth-first semantics, so the comparison stays exact. The
  // driver only drops references it took; the one unbalanced put ('putUnheld') happens only when nobody
  // else holds the ID, so the reference accounting check (no ID handed out while held) stays valid.
  it(
    `on ${Math.ceil(RUNS / 2)} random runs of ${LENGTH} operations with re-entrant subscribers (seed ${SEED})`,
    () => {
      check(runArbitrary(LENGTH, true), Math.ceil(RUNS / 2));
    },
    TIMEOUT,
  );
});
