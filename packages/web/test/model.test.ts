// The dashboard's namespace model without a browser: events change set counts in place, a snapshot
// older or newer than the stream's position is reconciled without counting an event twice, and the
// per-set net rate (live minute completed by the seeded history rate) gives the time to full.

import type { EventView } from '@ioasid/client';
import { describe, expect, it } from 'vitest';
import { NamespaceModel } from '../src/store/model.js';

const T0 = 1_700_000_000_000;
const event = (seq: number, type: string, sid: number | null, id = seq): EventView => ({
  seq,
  type,
  id,
  sid,
  spid: null,
  data: null,
});
const set = (sid: number, count: number, quota = 100) => ({
  sid,
  owner: `vm-${sid}`,
  quota,
  count,
  dying: false,
});

describe('NamespaceModel', () => {
  it('counts allocs and frees per set and reports a set it does not know', () => {
    const m = new NamespaceModel();
    m.load({ capacity: 1000, available: 900 }, [set(1, 0)], 10);
    expect(m.apply(event(11, 'alloc', 1), T0)).toEqual({ unknownSet: false });
    m.apply(event(12, 'alloc', 1), T0);
    m.apply(event(13, 'free', 1), T0);
    m.apply(event(14, 'bind', 1), T0);
    expect(m.sets.get(1)?.count).toBe(1);
    expect(m.lastSeq).toBe(14);
    expect(m.apply(event(15, 'alloc', 2), T0)).toEqual({ unknownSet: true });
    expect(m.allocated()).toBe(1);
  });

  it('does not count twice the events a newer snapshot holds, and re-applies those an older one lacks', () => {
    const m = new NamespaceModel();
    m.load({ capacity: 1000, available: 900 }, [set(1, 0)], 0);
    for (let seq = 1; seq <= 5; seq++) m.apply(event(seq, 'alloc', 1), T0);
    expect(m.sets.get(1)?.count).toBe(5);
    // a snapshot taken at seq 3 (count 3): events 4 and 5 are applied again on top of it
    m.load({ capacity: 1000, available: 900 }, [set(1, 3)], 3);
    expect(m.sets.get(1)?.count).toBe(5);
    // a snapshot taken at seq 8 (count 8): events 6..8 arriving later are not counted again
    m.load({ capacity: 1000, available: 900 }, [set(1, 8)], 8);
    for (let seq = 6; seq <= 9; seq++) m.apply(event(seq, 'alloc', 1), T0);
    expect(m.sets.get(1)?.count).toBe(9);
  });

  it('derives the net rate and the time to full from the live minute and the seeded rate', () => {
    const m = new NamespaceModel();
    m.load({ capacity: 1000, available: 900 }, [set(1, 40, 100), set(2, 10, 100)], 0);
    m.seedRates([{ sid: 1, perSecond: 2 }], T0);
    // nothing seen live yet: the seeded rate alone
    expect(m.netRate(1, T0)).toBe(2);
    expect(m.secondsToFull(1, T0)).toBe(30);
    expect(m.secondsToFull(2, T0)).toBe(Number.POSITIVE_INFINITY);
    // 60 s later, 30 allocs of set 2 seen live in the minute: 0.5/s; set 1's seed has aged out
    for (let k = 0; k < 30; k++) m.apply(event(k + 1, 'alloc', 2), T0 + 30_000 + k * 1000);
    const now = T0 + 61_000;
    expect(m.netRate(2, now)).toBeCloseTo(0.5, 5);
    expect(m.netRate(1, now)).toBe(0);
    expect(m.secondsToFull(2, now)).toBeCloseTo((100 - 40) / 0.5, 5);
    expect(m.allocsPerSecond(T0 + 31_000)).toBe(1);
  });
});
