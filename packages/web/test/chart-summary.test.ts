// The history chart's screen-reader summary.
import { describe, expect, it } from 'vitest';
import { lineStats, spanText, summarize } from '../src/components/chart-summary.js';

describe('history chart summary', () => {
  it('gives each line its latest value, minimum and maximum', () => {
    expect(lineStats([3, null, 1, 7, null])).toEqual({ latest: 7, min: 1, max: 7 });
    expect(lineStats([])).toEqual({ latest: null, min: null, max: null });
    const t = Array.from({ length: 3601 }, (_, i) => 1_700_000_000 + i);
    const text = summarize('Allocations and frees per second', {
      t,
      lines: [
        { label: 'allocs', values: t.map((_, i) => i % 50), colour: 'red' },
        { label: 'frees', values: t.map(() => 1234.5678), colour: 'blue' },
      ],
    });
    expect(text).toBe(
      'Allocations and frees per second over the last 1 hour: allocs latest 0, min 0, max 49; frees latest 1,234.57, min 1,234.57, max 1,234.57.',
    );
    expect(summarize('Usage', null)).toBe('Usage: no data yet.');
    expect(spanText(600)).toBe('10 minutes');
    expect(spanText(45)).toBe('45 seconds');
    expect(spanText(3599)).toBe('1 hour');
    expect(spanText(7200)).toBe('2 hours');
    expect(spanText(90)).toBe('2 minutes');
  });
});
