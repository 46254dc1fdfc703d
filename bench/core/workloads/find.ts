// Lookups: find(sid, id) and findSid(id) hits on random IDs of a full 2^20-ID space shared round-robin
// by 10 sets. Queries are pre-generated; results feed a checksum. Validated: right data, right set.

import type { Allocator } from '../contenders/contender.js';
import { median, randomIds, sampleBatches } from '../harness.js';
import { expect, failedRow, type Row, sink, validate, type Workload } from './workload.js';

/** Number of sets sharing the space in the find and freeSet workloads. */
export const SETS = 10;

/** Quota of set `k` of SETS when they share `capacity` IDs (the first sets get the remainder). */
export function quotaOf(k: number, capacity: number): number {
  return Math.floor(capacity / SETS) + (k < capacity % SETS ? 1 : 0);
}

/** Creates the SETS sets; returns their set IDs. */
export function createSets(a: Allocator, capacity: number): Int32Array {
  const sids = new Int32Array(SETS);
  for (let k = 0; k < SETS; k++) sids[k] = a.createSet(quotaOf(k, capacity));
  return sids;
}

/** Data stored with `id`: a number, so that the checksum adds it without a pointer chase. */
const dataOf = (id: number): number => id + 1;

function findRows(context: Parameters<Workload['run']>[0]): Row[] {
  const { contender, settings } = context;
  const capacity = settings.capacity;
  const max = capacity - 1;
  const { queries, samples: sampleCount } = settings.find;
  const rows: Row[] = [];

  const a = contender.create({ capacity, base: 0 });
  const sids = createSets(a, capacity);
  for (let i = 0; i < capacity; i++) a.alloc(sids[i % SETS], 0, max, dataOf(i));
  const ids = randomIds(queries, capacity, 0xf1d0);
  const owners = new Int32Array(queries);
  for (let i = 0; i < queries; i++) owners[i] = sids[ids[i] % SETS];

  for (const kind of ['find', 'findSid'] as const) {
    const does = contender.does[kind];
    if (does === undefined) continue;
    const base = {
      workload: kind,
      title: kind === 'find' ? 'find(sid, id) hit, random IDs' : 'findSid(id) hit, random IDs',
      contender: contender.name,
      unit: 'ns/op' as const,
      how: does.how,
      sameWork: does.sameWork,
    };
    const run =
      kind === 'find'
        ? (): number => {
            let sum = 0;
            for (let i = 0; i < queries; i++) sum += a.find(owners[i], ids[i]) as number;
            return sum;
          }
        : (): number => {
            let sum = 0;
            for (let i = 0; i < queries; i++) sum += a.findSid(ids[i]);
            return sum;
          };
    let expected = 0;
    const failure = validate(() => {
      for (let i = 0; i < queries; i++) {
        const id = ids[i];
        if (kind === 'find') {
          const data = a.find(owners[i], id);
          expect(
            data === dataOf(id),
            `find(${owners[i]}, ${id}) returned ${String(data)}, expected ${dataOf(id)}`,
          );
          expected += dataOf(id);
        } else {
          const sid = a.findSid(id);
          expect(sid === owners[i], `findSid(${id}) returned ${sid}, expected ${owners[i]}`);
          expected += owners[i];
        }
      }
    });
    if (failure !== null) {
      rows.push(failedRow(base, failure));
      continue;
    }
    for (let w = 0; w < settings.warmups; w++) sink.value += run();
    let checked = true;
    const samples = sampleBatches(sampleCount, queries, () => {
      const sum = run();
      if (sum !== expected) checked = false;
      sink.value += sum;
    });
    if (!checked) {
      rows.push(failedRow(base, 'a timed lookup returned a wrong result (checksum mismatch)'));
      continue;
    }
    rows.push({
      ...base,
      median: median(samples),
      samples: samples.length,
      opsPerSample: queries,
      raw: Array.from(samples),
      note: `${queries} pre-generated random IDs per sample over a full space of ${SETS} round-robin sets`,
    });
  }
  return rows;
}

export const find: Workload = { name: 'find', kind: 'find', run: findRows };
