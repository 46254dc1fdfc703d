// Painting into a pixel buffer: free, allocated, partly used and free-pending cells get distinct pixels.
import { describe, expect, it } from 'vitest';
import { packRgb, parseCssColour, schemeColours, sidRgb, unpackRgb } from '../src/components/map-colours.js';
import { decodeMap } from '../src/components/map-decode.js';
import { layoutGrid } from '../src/components/map-layout.js';
import { makePalette, paintAll, paintBucket } from '../src/components/map-paint.js';
import { describeBucket, describeOccupancy } from '../src/components/map-text.js';

describe('map colours', () => {
  it('packs pixels in ImageData byte order and parses the colours a canvas reports', () => {
    const px = new Uint32Array([packRgb([1, 2, 3])]);
    expect([...new Uint8Array(px.buffer)]).toEqual([1, 2, 3, 255]);
    expect(unpackRgb(px[0])).toEqual([1, 2, 3]);
    expect(parseCssColour('#0a0b0c')).toEqual([10, 11, 12]);
    expect(parseCssColour('#abc')).toEqual([170, 187, 204]);
    expect(parseCssColour('rgba(1, 2, 3, 0.5)')).toEqual([1, 2, 3]);
    expect(parseCssColour('rgb(4 5 6)')).toEqual([4, 5, 6]);
    expect(parseCssColour('nonsense')).toBeNull();
  });

  it('gives consecutive sets different colours, stable, and never grey', () => {
    for (const dark of [false, true]) {
      const seen = new Set<string>();
      for (let sid = 0; sid < 1000; sid++) {
        const [r, g, b] = sidRgb(sid, dark);
        expect(sidRgb(sid, dark)).toEqual([r, g, b]);
        expect(Math.max(r, g, b) - Math.min(r, g, b)).toBeGreaterThan(40);
        seen.add(`${r},${g},${b}`);
      }
      expect(seen.size).toBeGreaterThan(700);
      for (let sid = 0; sid < 999; sid++) {
        const a = sidRgb(sid, dark);
        const b = sidRgb(sid + 1, dark);
        expect(Math.abs(a[0] - b[0]) + Math.abs(a[1] - b[1]) + Math.abs(a[2] - b[2])).toBeGreaterThan(60);
      }
    }
  });
});

describe('paint', () => {
  const scheme = schemeColours(false);
  const setColour = sidRgb(5, false);

  it('one pixel per ID: free, allocated and free-pending pixels differ', () => {
    // IDs 0..7: 0 free, 1 allocated to set 5, 2 free-pending.
    const b = decodeMap({
      first: 0,
      last: 7,
      bucketSize: 1,
      buckets: 8,
      sets: [5],
      runs: [1, 0, 0, -1, 1, 1, 0, 0, 1, 1, 1, 0, 5, 0, 0, -1],
    });
    const l = layoutGrid(8, 8, 8, 1);
    const p = makePalette(scheme, [setColour]);
    const buf = new Uint32Array(l.width * l.height);
    paintAll(buf, l.width, l, b, p);
    expect(buf[0]).toBe(p.free);
    expect(buf[1]).toBe(p.sets[0]);
    expect([p.pendingA, p.pendingB]).toContain(buf[2]);
    expect(buf[2]).not.toBe(p.sets[0]);
    expect(buf[2]).not.toBe(p.free);
  });

  it('big cells: a gap, shades by used fraction, stripes on free-pending cells, repaint of one cell', () => {
    // 4 buckets of 4 IDs: empty, 1 used, 4 used, 4 used with 2 pending.
    const b = decodeMap({
      first: 0,
      last: 15,
      bucketSize: 4,
      buckets: 4,
      sets: [5],
      runs: [1, 0, 0, -1, 1, 1, 0, 0, 1, 4, 0, 0, 1, 4, 2, 0],
    });
    const l = layoutGrid(4, 80, 20, 20);
    expect(l.pitch).toBe(20);
    const p = makePalette(scheme, [setColour]);
    const buf = new Uint32Array(l.width * l.height);
    paintAll(buf, l.width, l, b, p);
    const at = (x: number, y: number) => buf[y * l.width + x];
    expect(at(19, 19)).toBe(p.gap);
    expect(at(5, 5)).toBe(p.free);
    expect(at(45, 5)).toBe(p.sets[0]);
    expect(at(25, 5)).not.toBe(p.free);
    expect(at(25, 5)).not.toBe(p.sets[0]);
    const striped = new Set<number>();
    for (let x = 60; x < 78; x++) striped.add(at(x, 5));
    expect(striped).toEqual(new Set([p.pendingA, p.sets[0]]));
    b.used[0] = 4;
    b.set[0] = 0;
    paintBucket(buf, l.width, l, b, p, 0);
    expect(at(5, 5)).toBe(p.sets[0]);
  });
});

describe('map words', () => {
  it('states the occupancy and each cell in words', () => {
    const b = decodeMap({
      first: 0,
      last: 1_048_575,
      bucketSize: 4096,
      buckets: 256,
      sets: [3, 8],
      runs: [128, 4096, 0, 0, 1, 4000, 12, 1, 127, 0, 0, -1],
    });
    expect(describeOccupancy(b)).toBe(
      'IDs 0 to 1,048,575: 528,288 allocated (50.4%), 12 free-pending, 2 sets',
    );
    const name = (sid: number) => `set ${sid}`;
    expect(describeBucket(b, 128, name)).toBe(
      'IDs 524,288 to 528,383: 4,000 of 4,096 used (97.7%), 12 free-pending, mostly set 8',
    );
    expect(describeBucket(b, 200, name)).toBe('IDs 819,200 to 823,295: all 4,096 free');
    const one = decodeMap({
      first: 7,
      last: 9,
      bucketSize: 1,
      buckets: 3,
      sets: [2],
      runs: [1, 1, 0, 0, 1, 1, 1, 0, 1, 0, 0, -1],
    });
    expect(describeBucket(one, 0, name)).toBe('ID 7: allocated, set 2');
    expect(describeBucket(one, 1, name)).toBe('ID 8: free-pending, set 2');
    expect(describeBucket(one, 2, name)).toBe('ID 9: free');
    expect(describeOccupancy(one)).toBe('IDs 7 to 9: 2 allocated (66.7%), 1 free-pending, 1 set');
  });
});
