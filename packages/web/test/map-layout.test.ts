// Cell geometry of the capacity map: every bucket gets one cell, inside the width, hit-testing inverts it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  cellAt,
  cellOrigin,
  fitBuckets,
  layoutGrid,
  MAX_BUCKETS,
  moveCell,
  overviewBuckets,
} from '../src/components/map-layout.js';

describe('layoutGrid', () => {
  it('fits every cell in the width, under the height limit unless cells are 1 px, and cellAt inverts cellOrigin', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 16, max: 3000 }),
        fc.integer({ min: 16, max: 2000 }),
        (count, width, maxHeight) => {
          const l = layoutGrid(count, width, maxHeight, 80);
          expect(l.cols * l.rows).toBeGreaterThanOrEqual(count);
          expect((l.rows - 1) * l.cols).toBeLessThan(count);
          expect(l.width).toBeLessThanOrEqual(width);
          expect(l.pitch).toBeGreaterThanOrEqual(1);
          expect(l.pitch).toBeLessThanOrEqual(80);
          if (l.pitch > 1) expect(l.height).toBeLessThanOrEqual(maxHeight);
          // A bigger cell would not fit (unless capped).
          const bigger = l.pitch + 1;
          if (bigger <= 80 && bigger <= width) {
            expect(Math.ceil(count / Math.floor(width / bigger)) * bigger).toBeGreaterThan(maxHeight);
          }
          for (const k of [0, count - 1, Math.floor(count / 2)]) {
            const { x, y } = cellOrigin(l, k);
            expect(cellAt(l, x, y)).toBe(k);
            expect(cellAt(l, x + l.pitch - 1, y + l.pitch - 1)).toBe(k);
          }
        },
      ),
    );
  });

  it('draws 2^20 buckets on 1,024 device pixels as 1,024 × 1,024 one-pixel cells', () => {
    const l = layoutGrid(1 << 20, 1024, 640, 40);
    expect(l).toEqual({
      count: 1 << 20,
      cols: 1024,
      rows: 1024,
      pitch: 1,
      gap: 0,
      width: 1024,
      height: 1024,
    });
    expect(cellAt(l, 5, 3)).toBe(3 * 1024 + 5);
    expect(cellAt(l, 1024, 0)).toBe(-1);
  });

  it('gives few buckets big cells with a gap, capped', () => {
    const l = layoutGrid(64, 800, 600, 40);
    expect(l.pitch).toBe(40);
    expect(l.gap).toBe(2);
    expect(l.cols).toBe(20);
    expect(cellAt(l, 800, 0)).toBe(-1);
    expect(cellAt(l, 3 * 40 + 1, 3 * 40 + 1)).toBe(63);
    expect(cellAt(l, 4 * 40 + 1, 3 * 40 + 1)).toBe(-1); // row 3 holds cells 60..63 only
  });

  it('moves the focus cell by arrow keys within the grid', () => {
    const l = layoutGrid(10, 4, 100, 1); // 4 columns, 3 rows
    expect(l.cols).toBe(4);
    expect(moveCell(l, 5, 'ArrowRight')).toBe(6);
    expect(moveCell(l, 5, 'ArrowUp')).toBe(1);
    expect(moveCell(l, 1, 'ArrowUp')).toBe(1);
    expect(moveCell(l, 7, 'ArrowDown')).toBe(9);
    expect(moveCell(l, 0, 'ArrowLeft')).toBe(0);
    expect(moveCell(l, 9, 'ArrowRight')).toBe(9);
    expect(moveCell(l, 4, 'End')).toBe(9);
    expect(moveCell(l, 4, 'Home')).toBe(0);
  });

  it('asks a zoom for the cells that fit, never more than the IDs or the API limit', () => {
    expect(fitBuckets(0, 99, 1000)).toBe(100);
    expect(fitBuckets(0, 0xfffffffe, 1000)).toBe(640_000);
    expect(fitBuckets(0, 0xfffffffe, 5000)).toBe(MAX_BUCKETS);
    expect(fitBuckets(0, 1e6, 390)).toBe(390 * 390);
  });
});

describe('overviewBuckets', () => {
  it('asks one bucket per ID of a 2^20 namespace when a square of the width in device pixels holds them', () => {
    expect(overviewBuckets(1 << 20, 1100, 1)).toBe(1 << 20);
    expect(overviewBuckets(1 << 20, 390, 3)).toBe(1 << 20);
  });

  it('asks as many as that square holds on a small screen, and never more than the API answers', () => {
    expect(overviewBuckets(1 << 20, 390, 1)).toBe(390 * 390);
    expect(overviewBuckets(2 ** 32 - 1, 2000, 2)).toBe(MAX_BUCKETS);
  });

  it('asks one per ID of a small namespace, and one bucket when there is no capacity', () => {
    expect(overviewBuckets(4096, 1100, 1)).toBe(4096);
    expect(overviewBuckets(0, 1100, 1)).toBe(1);
  });
});
