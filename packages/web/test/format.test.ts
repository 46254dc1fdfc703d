// The dashboard's number formats: thousands separators, one-decimal percentages, durations in the two
// largest units, and the usage levels behind the bar colours (amber >= 80%, red >= 90%).

import { describe, expect, it } from 'vitest';
import { duration, num, pct, rate, usageLevel } from '../src/format.js';

describe('format', () => {
  it('writes numbers, percentages and rates with separators', () => {
    expect(num(1_048_576)).toBe('1,048,576');
    expect(pct(524_288, 1_048_576)).toBe('50.0%');
    expect(pct(1, 0)).toBe('0.0%');
    // Rounded down: never shown at a threshold it has not reached, and exact for integer shares.
    expect(pct(6553, 8192)).toBe('79.9%');
    expect(pct(57, 100)).toBe('57.0%');
    expect(pct(9, 10)).toBe('90.0%');
    expect(rate(1234.567)).toBe('1,234.57/s');
  });

  it('writes durations in their two largest units, without a zero tail', () => {
    expect(duration(45)).toBe('45 s');
    expect(duration(90)).toBe('1 min 30 s');
    expect(duration(600)).toBe('10 min');
    expect(duration(3_600)).toBe('1 h');
    expect(duration(7_500)).toBe('2 h 5 min');
    expect(duration(Number.POSITIVE_INFINITY)).toBe('never');
  });

  it('puts a set at 80% in the high level and at 90% in the full one', () => {
    expect(usageLevel(79, 100)).toBe('ok');
    expect(usageLevel(80, 100)).toBe('high');
    expect(usageLevel(89, 100)).toBe('high');
    expect(usageLevel(90, 100)).toBe('full');
    expect(usageLevel(0, 0)).toBe('ok');
  });
});
