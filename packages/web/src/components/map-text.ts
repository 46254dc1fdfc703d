// The capacity map's words: the canvas's aria-label (occupancy of the drawn range) and the text of one
// cell (tooltip and keyboard announcement). Pure: no DOM, testable in Node.
import { type Buckets, bucketRange, bucketSizeAt, setsInUse } from './map-decode.js';

/** A number with thousands separators: 1,048,575. */
export function num(n: number): string {
  return n.toLocaleString('en-US');
}

/** "IDs 0 to 1,048,575" (or "ID 7" for one ID). */
export function rangeText(first: number, last: number): string {
  return first === last ? `ID ${num(first)}` : `IDs ${num(first)} to ${num(last)}`;
}

/** "IDs 0 to 1,048,575: 524,288 allocated (50.0%), 12 free-pending, 3 sets". */
export function describeOccupancy(b: Buckets): string {
  const ids = b.last - b.first + 1;
  const pct = ids > 0 ? ((100 * b.totalUsed) / ids).toFixed(1) : '0.0';
  const sets = setsInUse(b);
  return (
    `${rangeText(b.first, b.last)}: ${num(b.totalUsed)} allocated (${pct}%), ` +
    `${num(b.totalPending)} free-pending, ${num(sets)} ${sets === 1 ? 'set' : 'sets'}`
  );
}

/**
 * The text of cell `k`: "ID 12: allocated, set 7", "ID 12: free-pending, set 7", "ID 12: free", or for a
 * bucket "IDs 0 to 255: 200 of 256 used (78.1%), 3 free-pending, mostly set 7".
 */
export function describeBucket(b: Buckets, k: number, setName: (sid: number) => string): string {
  const { first, last } = bucketRange(b, k);
  const used = b.used[k];
  const pending = b.pending[k];
  const s = b.set[k];
  const set = s >= 0 ? setName(b.sets[s]) : '';
  if (first === last) {
    if (used === 0) return `${rangeText(first, last)}: free`;
    return `${rangeText(first, last)}: ${pending > 0 ? 'free-pending' : 'allocated'}, ${set}`;
  }
  const size = bucketSizeAt(b, k);
  if (used === 0) return `${rangeText(first, last)}: all ${num(size)} free`;
  const pct = ((100 * used) / size).toFixed(1);
  return (
    `${rangeText(first, last)}: ${num(used)} of ${num(size)} used (${pct}%)` +
    `${pending > 0 ? `, ${num(pending)} free-pending` : ''}, mostly ${set}`
  );
}
