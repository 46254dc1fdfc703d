// Child-process entry: runs workloads for one contender in a fresh V8 (argv: contender, comma-separated
// workloads, quick flag) and sends the rows to run.ts, so no contender's JIT state affects another's.

import { contenderNamed } from './contenders/index.js';
import { settingsFor } from './settings.js';
import { workloadNamed } from './workloads/index.js';
import { crashedRow, type Row, sink } from './workloads/workload.js';

const [contenderName, workloadNames, quickFlag] = process.argv.slice(2);
const contender = contenderNamed(contenderName);
const settings = settingsFor(quickFlag === '1');
const rows = workloadNames.split(',').flatMap((name): Row[] => {
  try {
    return workloadNamed(name).run({ contender, settings });
  } catch (error) {
    // A contender that breaks while timed (after passing validation) is reported, not fatal to the run.
    return [crashedRow(name, contender.name, error instanceof Error ? error.message : String(error))];
  }
});
const message = { rows, sink: sink.value };
if (process.send === undefined) {
  process.stdout.write(`${JSON.stringify(message)}\n`);
} else {
  process.send(message, () => process.disconnect());
}
