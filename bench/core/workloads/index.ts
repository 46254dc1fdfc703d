// The workloads in report order (memory first, before anything else has touched the heap). Each runs
// in its own worker process per contender (see run.ts).

import { churn50, churn99 } from './churn.js';
import { fill } from './fill.js';
import { find } from './find.js';
import { freeSetContiguous, freeSetInterleaved } from './free-set.js';
import { high } from './high.js';
import { memory } from './memory.js';
import { notifierEmpty, notifierOne } from './notifier.js';
import type { Workload } from './workload.js';

export const WORKLOADS: readonly Workload[] = [
  memory,
  fill,
  churn50,
  churn99,
  find,
  freeSetContiguous,
  freeSetInterleaved,
  high,
  notifierEmpty,
  notifierOne,
];

/** The workload called `name`; throws for an unknown name. */
export function workloadNamed(name: string): Workload {
  const found = WORKLOADS.find((w) => w.name === name);
  if (found === undefined) throw new Error(`unknown workload ${name}`);
  return found;
}
