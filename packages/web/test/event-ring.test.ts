// The event log's ring: bounded, newest first, filters, and what a pause holds back.
import { describe, expect, it } from 'vitest';
import { EventRing, LOG_CAPACITY, matchesFilter, summarizeData } from '../src/components/event-ring.js';
import type { EventPayload } from '../src/components/map-types.js';

const ev = (seq: number, type = 'alloc', sid: number | null = seq % 3): EventPayload => ({
  seq,
  type,
  id: seq,
  sid,
  spid: null,
  data: null,
});

describe('EventRing', () => {
  it('keeps the newest capacity items, newest first', () => {
    const ring = new EventRing<EventPayload>(LOG_CAPACITY);
    for (let i = 0; i < 5; i++) ring.push(Array.from({ length: 1000 }, (_, j) => ev(i * 1000 + j)));
    expect(ring.size).toBe(2000);
    expect(ring.pushed).toBe(5000);
    const all = ring.newest(10_000, () => true);
    expect(all.length).toBe(2000);
    expect(all[0].seq).toBe(4999);
    expect(all[1999].seq).toBe(3000);
    ring.push(Array.from({ length: 4500 }, (_, j) => ev(5000 + j)));
    expect(ring.newest(3, () => true).map((e) => e.seq)).toEqual([9499, 9498, 9497]);
    expect(ring.newest(1e9, () => true).at(-1)?.seq).toBe(7500);
  });

  it('filters, and holds back what came after a pause', () => {
    const ring = new EventRing<EventPayload>(10);
    ring.push([ev(1), ev(2, 'free'), ev(3), ev(4, 'bind')]);
    const pausedAt = ring.pushed;
    ring.push([ev(5), ev(6)]);
    expect(
      ring.newest(10, (e) => matchesFilter(e, { sid: null, type: 'alloc' }), pausedAt).map((e) => e.seq),
    ).toEqual([3, 1]);
    expect(ring.newest(10, (e) => matchesFilter(e, { sid: 2, type: '' })).map((e) => e.seq)).toEqual([5, 2]);
    expect(ring.countSince(pausedAt)).toBe(2);
    ring.clear();
    expect(ring.size).toBe(0);
    expect(ring.newest(10, () => true)).toEqual([]);
    ring.push([ev(7)]);
    expect(ring.newest(10, () => true).map((e) => e.seq)).toEqual([7]);
  });

  it('summarises event data in one short line', () => {
    expect(summarizeData({ ...ev(1), data: { vm: 'a' } })).toBe('{"vm":"a"}');
    expect(
      summarizeData({ ...ev(1, 'lease-expired', 2), id: null, data: { lease: 4, released: [1, 2] } }),
    ).toBe('lease 4 released 2 IDs');
    expect(summarizeData({ ...ev(1), data: 'x'.repeat(200) }, 10)).toBe(`${'x'.repeat(9)}…`);
    expect(summarizeData(ev(1))).toBe('');
  });
});
