// Applying live events to decoded buckets in place (no refetch). Pure: no DOM, testable in Node.
//
// alloc: the bucket gains one used ID; an empty bucket (and every single-ID bucket) takes the event's set.
// free: the bucket loses one used ID; an emptied bucket has no set. The event does not say whether
// references remain, so a `free` is drawn as freed, not as free-pending: the free-pending state shows
// after the next load of the range (GET /v1/map). Other types (bind, unbind, lease-expired, notify
// types) do not change occupancy and are ignored.
import { type Buckets, bucketOf, bucketSizeAt, setIndex } from './map-decode.js';
import type { MapEvent } from './map-types.js';

/** Applies alloc/free events inside [first, last] to `b`; returns the changed buckets (each once). */
export function applyMapEvents(b: Buckets, events: readonly MapEvent[]): number[] {
  const changed = new Set<number>();
  for (const e of events) {
    if (e.id === null || (e.type !== 'alloc' && e.type !== 'free')) continue;
    const k = bucketOf(b, e.id);
    if (k < 0) continue;
    const before = b.set[k];
    if (e.type === 'alloc') {
      if (b.used[k] >= bucketSizeAt(b, k)) continue;
      const s = e.sid === null ? before : setIndex(b, e.sid);
      if (before >= 0) b.usedBySet[before] -= b.used[k];
      b.used[k]++;
      b.totalUsed++;
      if (s >= 0 && (before < 0 || b.bucketSize === 1)) b.set[k] = s;
      if (b.set[k] >= 0) b.usedBySet[b.set[k]] += b.used[k];
    } else {
      if (b.used[k] === 0) continue;
      if (before >= 0) b.usedBySet[before] -= b.used[k];
      b.used[k]--;
      b.totalUsed--;
      if (b.pending[k] > b.used[k]) {
        b.pending[k]--;
        b.totalPending--;
      }
      if (b.used[k] === 0) b.set[k] = -1;
      else if (before >= 0) b.usedBySet[before] += b.used[k];
    }
    changed.add(k);
  }
  return [...changed];
}
