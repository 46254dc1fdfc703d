// Notifier chain cost on churn at 50%, each comparison in its own process: a space never subscribed
// against one whose global chain is empty again (a subscriber added then removed), or has a no-op.

import { IoasidAllocator } from '../contenders/ioasid.js';
import { median, medianInterval, now, percentile, randomIds } from '../harness.js';
import { churnPairs, fillPrefix, sumOf, validateChurn } from './churn.js';
import { expect, failedRow, type Row, sink, validate, type Workload } from './workload.js';

type Variant = 'none' | 'empty' | 'one';

const TITLES: Record<Variant, string> = {
  none: 'churn 50%, no subscriber ever registered',
  empty: 'churn 50%, empty chain (a global subscriber added then removed)',
  one: 'churn 50%, one global no-op subscriber',
};

const HOW: Record<Variant, string> = {
  none: 'free(id) then alloc(sid, 0, 0xFFFFF) on a space that never had a subscriber',
  empty: 'the same after addNotifier(noop) + removeNotifier(noop)',
  one: 'the same with addNotifier(noop) (ALLOC and FREE events delivered)',
};

/**
 * "Costs nothing measurable": the paired differences (empty - none, batch by batch) show no difference,
 * i.e. the 95% confidence interval of their median contains 0, or the median difference is negligible,
 * within max(2 ns, 3% of none). A miss needs a difference that is both real and larger than that.
 */
const NOISE_NS = 2;
const NOISE_SHARE = 0.03;

/** Times churn on a never-subscribed space against `variant`, in alternating (ABBA) batch order. */
function compare(variant: 'empty' | 'one'): Workload {
  return {
    name: `notifier-${variant}`,
    kind: 'churn',
    only: ['ioasid'],
    run({ contender, settings }) {
      const capacity = settings.capacity;
      const max = capacity - 1;
      const occupied = capacity / 2;
      const { batch, samples: sampleCount } = settings.notifier;
      let calls = 0;
      const noop = (): void => {
        calls++;
      };
      const rowBase = (v: Variant) => ({
        workload: `notifier-${v}`,
        title: TITLES[v],
        contender: contender.name,
        unit: 'ns/pair' as const,
        how: HOW[v],
        sameWork: true,
      });
      const rows: Variant[] = variant === 'empty' ? ['none', 'empty'] : ['one'];

      const spaces = (['none', variant] as const).map((v) => {
        const a = new IoasidAllocator({ capacity, base: 0 });
        const sid = a.createSet(capacity);
        fillPrefix(a, sid, occupied, max);
        if (v !== 'none') a.space.addNotifier(noop);
        if (v === 'empty') a.space.removeNotifier(noop);
        return { v, a, sid };
      });
      const warm = 1 + settings.warmups;
      const ids = randomIds((warm + sampleCount) * batch, occupied, 0x5eed0050);

      for (const { v, a, sid } of spaces) {
        const failure = validate(() => {
          const before = calls;
          validateChurn(a, sid, ids, 0, batch, max);
          const expected = v === 'one' ? 2 * batch : 0;
          expect(
            calls - before === expected,
            `the subscriber ran ${calls - before} times, expected ${expected}`,
          );
        });
        if (failure !== null) return rows.map((r) => failedRow(rowBase(r), `${v}: ${failure}`));
        for (let w = 1; w < warm; w++) sink.value += churnPairs(a, sid, ids, w * batch, (w + 1) * batch, max);
      }

      const times = [new Float64Array(sampleCount), new Float64Array(sampleCount)];
      let checked = true;
      for (let s = 0; s < sampleCount; s++) {
        const from = (warm + s) * batch;
        const expected = sumOf(ids, from, from + batch);
        for (let k = 0; k < 2; k++) {
          const which = (s + (s >> 1) + k) & 1; // orders A B, B A, B A, A B, ... (ABBA)
          const { a, sid } = spaces[which];
          const t0 = now();
          const sum = churnPairs(a, sid, ids, from, from + batch, max);
          times[which][s] = Number(now() - t0) / batch;
          if (sum !== expected) checked = false;
          sink.value += sum;
        }
      }
      if (!checked) return rows.map((r) => failedRow(rowBase(r), 'checksum mismatch in a timed batch'));

      const diffs = times[1].map((t, s) => t - times[0][s]);
      const none = median(times[0]);
      const diff = median(diffs);
      const spread = percentile(diffs, 75) - percentile(diffs, 25);
      const note = `${sampleCount} batches of ${batch} pairs per space, ABBA order (short batches, so that load from other processes hits both sides of a pair alike), two spaces at 50% in one process`;
      const measured = (v: Variant, t: Float64Array) => ({
        ...rowBase(v),
        median: median(t),
        samples: sampleCount,
        opsPerSample: batch,
        raw: Array.from(t),
        note,
      });
      if (variant === 'one') {
        const [lo1, hi1] = medianInterval(diffs);
        return [
          {
            ...measured('one', times[1]),
            note: `${note}; paired median one - none = ${diff.toFixed(1)} ns (none: ${none.toFixed(1)} ns)`,
            extra: { pairedNoneNs: none, pairedDiffNs: diff, ciLowNs: lo1, ciHighNs: hi1, diffIqrNs: spread },
          },
        ];
      }
      const limit = Math.max(NOISE_NS, NOISE_SHARE * none);
      const [lo, hi] = medianInterval(diffs);
      const verdict = {
        met: (lo <= 0 && hi >= 0) || Math.abs(diff) <= limit,
        detail: `paired median empty - none = ${diff.toFixed(2)} ns, 95% CI [${lo.toFixed(2)}, ${hi.toFixed(2)}] ns; negligible below +/-${limit.toFixed(2)} ns`,
      };
      return [
        measured('none', times[0]),
        {
          ...measured('empty', times[1]),
          verdict,
          extra: { pairedDiffNs: diff, ciLowNs: lo, ciHighNs: hi, limitNs: limit, diffIqrNs: spread },
        },
      ] satisfies Row[];
    },
  };
}

export const notifierEmpty = compare('empty');
export const notifierOne = compare('one');
