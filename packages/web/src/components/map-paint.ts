// Painting the capacity map's cells into a Uint32Array view of an ImageData: one write per device pixel,
// no canvas call per cell (2^20 single-ID buckets paint in a few milliseconds). Pure: no DOM.

import { mixRgb, packRgb, type Rgb, type SchemeColours } from './map-colours.js';
import { type Buckets, bucketSizeAt } from './map-decode.js';
import type { GridLayout } from './map-layout.js';

/** The packed pixels a paint uses; `sets[i]` is the colour of `buckets.sets[i]`. */
export interface MapPalette {
  readonly gap: number;
  readonly free: number;
  readonly pendingA: number;
  readonly pendingB: number;
  readonly freeRgb: Rgb;
  readonly sets: Uint32Array;
  readonly setsRgb: readonly Rgb[];
}

/** A palette from a scheme's colours and the sets' colours (index = set index of the buckets). */
export function makePalette(scheme: SchemeColours, setColours: readonly Rgb[]): MapPalette {
  return {
    gap: packRgb(scheme.gap),
    free: packRgb(scheme.free),
    pendingA: packRgb(scheme.pendingA),
    pendingB: packRgb(scheme.pendingB),
    freeRgb: scheme.free,
    sets: Uint32Array.from(setColours, packRgb),
    setsRgb: setColours,
  };
}

const GREY: Rgb = [128, 128, 128];

/**
 * The base colour of bucket `k` (free-pending stripes aside): free, its set's colour when full, and
 * between the two by the used fraction (at least a third of the way, so a single used ID shows).
 */
export function bucketColour(b: Buckets, p: MapPalette, k: number): number {
  const used = b.used[k];
  if (used === 0) return p.free;
  const s = b.set[k];
  const size = b.bucketSize === 1 ? 1 : bucketSizeAt(b, k);
  if (used >= size) return p.sets[s] ?? packRgb(GREY);
  return mixRgb(p.freeRgb, p.setsRgb[s] ?? GREY, 0.35 + (0.65 * used) / size);
}

/**
 * Whether device pixel (x, y) of a free-pending cell gets a stripe: diagonal stripes, 2 px on / 2 px off.
 * Cells under 4 px alternate the two pending colours (a lone 1-px pending cell is never its set's colour);
 * larger cells keep their base colour between the dark stripes.
 */
function pendingPixel(x: number, y: number, small: boolean, base: number, p: MapPalette): number {
  if (((x + y) & 2) === 0) return p.pendingA;
  return small ? p.pendingB : base;
}

/** Paints bucket `k` into `buf` (row stride `stride` pixels, the grid at the buffer's top left). */
export function paintBucket(
  buf: Uint32Array,
  stride: number,
  l: GridLayout,
  b: Buckets,
  p: MapPalette,
  k: number,
): void {
  const x0 = (k % l.cols) * l.pitch;
  const y0 = Math.floor(k / l.cols) * l.pitch;
  const side = l.pitch - l.gap;
  const base = bucketColour(b, p, k);
  const pending = b.pending[k] > 0;
  const small = l.pitch < 4;
  for (let y = y0; y < y0 + side; y++) {
    const row = y * stride;
    if (!pending) buf.fill(base, row + x0, row + x0 + side);
    else for (let x = x0; x < x0 + side; x++) buf[row + x] = pendingPixel(x, y, small, base, p);
  }
}

/** Paints every bucket of `b` into `buf`, the rest of the buffer in the gap colour. */
export function paintAll(buf: Uint32Array, stride: number, l: GridLayout, b: Buckets, p: MapPalette): void {
  buf.fill(p.gap);
  if (l.pitch === 1 && b.bucketSize === 1 && stride === l.cols) {
    // One pixel per ID: the pixel index is the bucket index. A tight loop over typed arrays.
    const { used, pending, set } = b;
    const sets = p.sets;
    const nSets = sets.length;
    const free = p.free;
    const n = l.count;
    // Runs of one set without free-pending IDs (most of a full namespace) are filled at once.
    let k = 0;
    while (k < n) {
      const s = set[k];
      if (used[k] === 0 || s < 0 || s >= nSets) {
        buf[k] = free;
        k++;
      } else if (pending[k] === 0) {
        let end = k + 1;
        while (end < n && set[end] === s && pending[end] === 0 && used[end] !== 0) end++;
        buf.fill(sets[s], k, end);
        k = end;
      } else {
        const x = k % stride;
        buf[k] = pendingPixel(x, (k - x) / stride, true, 0, p);
        k++;
      }
    }
    return;
  }
  for (let k = 0; k < l.count; k++) paintBucket(buf, stride, l, b, p, k);
}
