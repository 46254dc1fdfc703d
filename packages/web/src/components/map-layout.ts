// Cell geometry of the capacity map, in device pixels: one square cell per bucket, row-major, filling
// the available width. Pure: no DOM, testable in Node.

/** Where the cells sit: `cols` × `rows` cells of `pitch` device pixels (`gap` of them left blank). */
export interface GridLayout {
  readonly count: number;
  readonly cols: number;
  readonly rows: number;
  /** Cell pitch in device pixels (cell + gap). */
  readonly pitch: number;
  /** Blank device pixels on the right and bottom of each cell (0 for cells under 4 px). */
  readonly gap: number;
  /** Drawn size in device pixels: cols × pitch by rows × pitch. */
  readonly width: number;
  readonly height: number;
}

/** Largest cell pitch, in device pixels per device pixel ratio (so 40 CSS px). */
export const MAX_PITCH_CSS = 40;

/**
 * The largest square cell (at least 1 device pixel, at most `maxPitch`) such that `count` cells in
 * rows of `floor(width / pitch)` fit in `maxHeight`; with 1-pixel cells that still do not fit, the grid
 * is taller than `maxHeight` (every bucket is drawn).
 */
export function layoutGrid(count: number, width: number, maxHeight: number, maxPitch: number): GridLayout {
  width = Math.max(1, Math.floor(width));
  maxHeight = Math.max(1, Math.floor(maxHeight));
  if (count <= 0) return { count: 0, cols: 0, rows: 0, pitch: 1, gap: 0, width: 0, height: 0 };
  let pitch = Math.floor(Math.sqrt((width * maxHeight) / count));
  pitch = Math.max(1, Math.min(pitch, Math.floor(maxPitch), width));
  while (pitch > 1 && Math.ceil(count / Math.floor(width / pitch)) * pitch > maxHeight) pitch--;
  const cols = Math.min(count, Math.floor(width / pitch));
  const rows = Math.ceil(count / cols);
  const gap = pitch >= 12 ? 2 : pitch >= 4 ? 1 : 0;
  return { count, cols, rows, pitch, gap, width: cols * pitch, height: rows * pitch };
}

/** The cell under device pixel (x, y), or -1 outside every cell. */
export function cellAt(l: GridLayout, x: number, y: number): number {
  if (x < 0 || y < 0 || x >= l.width || y >= l.height) return -1;
  const k = Math.floor(y / l.pitch) * l.cols + Math.floor(x / l.pitch);
  return k < l.count ? k : -1;
}

/** Top-left device pixel of cell `k`. */
export function cellOrigin(l: GridLayout, k: number): { x: number; y: number } {
  return { x: (k % l.cols) * l.pitch, y: Math.floor(k / l.cols) * l.pitch };
}

/** The cell reached from `k` by an arrow key (clamped to the grid), or `k` when none. */
export function moveCell(l: GridLayout, k: number, key: string): number {
  if (l.count === 0) return -1;
  let next = k;
  if (key === 'ArrowLeft') next = k - 1;
  else if (key === 'ArrowRight') next = k + 1;
  else if (key === 'ArrowUp') next = k - l.cols;
  else if (key === 'ArrowDown') next = k + l.cols;
  else if (key === 'Home') next = 0;
  else if (key === 'End') next = l.count - 1;
  else if (key === 'PageUp') next = k - l.cols * 8;
  else if (key === 'PageDown') next = k + l.cols * 8;
  if (next < 0) next = key === 'ArrowUp' || key === 'PageUp' ? k % l.cols : 0;
  if (next >= l.count) next = l.count - 1;
  return next;
}

/** Most buckets a zoom asks for (the API's limit). */
export const MAX_BUCKETS = 1_048_576;

/** The map's height limit in CSS pixels for a map `widthCss` wide: its width, between 240 and 640. */
export function maxHeightCss(widthCss: number): number {
  return Math.max(240, Math.min(640, Math.floor(widthCss)));
}

/**
 * The number of buckets to ask for [first, last] on a map `widthCss` wide: the cells that fit at one
 * CSS pixel each in its width by its height limit, at most one per ID and at most MAX_BUCKETS.
 */
export function fitBuckets(first: number, last: number, widthCss: number): number {
  const ids = last - first + 1;
  const width = Math.max(16, Math.floor(widthCss));
  return Math.max(1, Math.min(ids, width * maxHeightCss(width), MAX_BUCKETS));
}

/**
 * Buckets to ask the whole namespace of `capacity` IDs in: one per ID when a square of the map's width
 * in device pixels holds them all (2^20 IDs on a desktop, or on a phone's 3x screen), else as many as
 * that square holds; at most MAX_BUCKETS.
 */
export function overviewBuckets(capacity: number, widthCss: number, dpr: number): number {
  const square = Math.floor((Math.max(16, widthCss) * Math.max(1, dpr)) ** 2);
  return Math.max(1, Math.min(capacity > 0 ? capacity : 1, MAX_BUCKETS, square));
}
