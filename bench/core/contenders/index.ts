// The contenders of the core benchmarks by name, ioasid first, the naive baseline second: run.ts runs
// each one in its own process so that no contender's JIT state or garbage touches another's figures.

import type { Contender } from './contender.js';
import { idgen } from './idgen.js';
import { ioasid } from './ioasid.js';
import { mnemonist } from './mnemonist.js';
import { naive } from './naive.js';
import { roaring } from './roaring.js';

export const CONTENDERS: readonly Contender[] = [ioasid, naive, idgen, roaring, mnemonist];

/** The contender called `name`; throws for an unknown name. */
export function contenderNamed(name: string): Contender {
  const found = CONTENDERS.find((c) => c.name === name);
  if (found === undefined) throw new Error(`unknown contender ${name}`);
  return found;
}
