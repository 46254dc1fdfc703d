// The non-throwing lookups setInfo and idInfo: what getSet and findSid/state/refCount/spidOf/find answer
// for what exists, and undefined (never an error) for anything else.

import { INVALID_IOASID, INVALID_IOASID_SET, IoasidSpace } from 'ioasid';
import { describe, expect, it } from 'vitest';

/** Set 0 ('vm', quota 10) with ID 0 (data, spid 7) and free-pending ID 1 (one extra reference). */
function fixture() {
  const space = new IoasidSpace({ capacity: 100 });
  const sid = space.allocSet('vm', 10);
  const id = space.alloc(sid, 0, 99, { vm: 1 });
  space.attachSpid(id, 7);
  const pending = space.alloc(sid, 0, 99);
  space.get(pending);
  space.free(pending);
  return { space, sid, id, pending };
}

const NOT_IDS: unknown[] = [-1, 1.5, INVALID_IOASID, 2 ** 32, Number.NaN, '0', null, undefined, {}, 0n];

describe('setInfo(sid)', () => {
  it('describes an existing set exactly as getSet does', () => {
    const { space, sid } = fixture();
    expect(space.setInfo(sid)).toEqual(space.getSet(sid));
    expect(space.setInfo(sid)).toEqual({ sid, token: 'vm', quota: 10, count: 2, dying: false });
  });

  it('describes a dying set, and gives undefined once it is destroyed', () => {
    const { space, sid, pending } = fixture();
    space.freeSet(sid, true);
    expect(space.setInfo(sid)).toMatchObject({ sid, dying: true, count: 1 });
    space.put(pending);
    expect(space.setInfo(sid)).toBeUndefined();
  });

  it('gives undefined, never throwing, for set IDs that name no set and for values that are not set IDs', () => {
    const { space } = fixture();
    for (const sid of [1, 42, INVALID_IOASID_SET, ...NOT_IDS]) {
      expect(space.setInfo(sid as number), String(sid)).toBeUndefined();
    }
  });

  it('returns a fresh object each time', () => {
    const { space, sid } = fixture();
    expect(space.setInfo(sid)).not.toBe(space.setInfo(sid));
  });
});

describe('idInfo(id)', () => {
  it('describes an allocated ID as the throwing lookups do', () => {
    const { space, sid, id } = fixture();
    expect(space.idInfo(id)).toEqual({
      id,
      sid: space.findSid(id),
      state: space.state(id),
      refs: space.refCount(id),
      spid: space.spidOf(id),
      data: space.find(INVALID_IOASID_SET, id),
    });
    expect(space.idInfo(id)).toEqual({ id, sid, state: 'active', refs: 1, spid: 7, data: { vm: 1 } });
  });

  it('describes a free-pending ID, without a spid or data', () => {
    const { space, sid, pending } = fixture();
    expect(space.idInfo(pending)).toEqual({
      id: pending,
      sid,
      state: 'free-pending',
      refs: 1,
      spid: INVALID_IOASID,
      data: null,
    });
  });

  it('gives undefined once the ID is released, and for values that are not allocated IDs', () => {
    const { space, pending } = fixture();
    space.put(pending);
    expect(space.idInfo(pending)).toBeUndefined();
    for (const id of [5, 4096, 0xfffffffe, ...NOT_IDS]) {
      expect(space.idInfo(id as number), String(id)).toBeUndefined();
    }
  });

  it('answers 0 for -0', () => {
    const { space, id } = fixture();
    expect(Object.is(space.idInfo(-0)?.id, 0)).toBe(id === 0);
  });
});
