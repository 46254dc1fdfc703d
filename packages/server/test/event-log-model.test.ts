// The multi-instance tests' linearizability checker (support/event-log-model.ts) on crafted histories:
// a correct one passes and folds to the right state, and each kind of wrong log or answer is caught —
// a non-lowest alloc, a double alloc, a set above its quota, an acknowledged answer missing from the
// log, a log order against real time, a refusal no state explains, a half-applied request.

import { describe, expect, it } from 'vitest';
import {
  type Ack,
  type AllocData,
  checkHistory,
  type History,
  idsOf,
  type LogEvent,
} from './support/event-log-model.js';

const range = (req: string, min = 1, max = 10): AllocData => ({ min, max, req });
const alloc = (seq: number, id: number, sid: number, data: AllocData): LogEvent => ({
  seq,
  type: 'alloc',
  id,
  sid,
  spid: null,
  data,
});
const free = (seq: number, id: number, sid: number, data: AllocData): LogEvent => ({
  seq,
  type: 'free',
  id,
  sid,
  spid: null,
  data,
});
const allocAck = (req: string, sid: number, ids: number[], seq: number, sentAt: number): Ack => ({
  kind: 'alloc',
  req,
  sid,
  min: 1,
  max: 10,
  count: ids.length,
  ids,
  seq,
  sentAt,
  ackedAt: sentAt + 1,
});

/**
 * A correct history, one request at a time: set 1 (quota 2) gets ID 1, set 2 (quota 3) gets 2 and then
 * 3 and 4 in one batch, ID 1 is freed and allocated again; then a quota refusal in set 2 and a
 * range refusal of [2, 4], both while sets and range are full.
 */
function valid(): History & { events: LogEvent[]; acks: Ack[] } {
  return {
    sets: [
      { sid: 1, quota: 2 },
      { sid: 2, quota: 3 },
    ],
    events: [
      alloc(1, 1, 1, range('a')),
      alloc(2, 2, 2, range('b')),
      alloc(3, 3, 2, range('c')),
      alloc(4, 4, 2, range('c')),
      free(5, 1, 1, range('a')),
      alloc(6, 1, 1, range('d')),
    ],
    acks: [
      allocAck('a', 1, [1], 1, 0),
      allocAck('b', 2, [2], 2, 2),
      allocAck('c', 2, [3, 4], 4, 4),
      { kind: 'free', id: 1, sid: 1, req: 'a', seq: 5, sentAt: 6, ackedAt: 7 },
      allocAck('d', 1, [1], 6, 8),
      {
        kind: 'refused',
        reason: 'set-quota',
        req: 'e',
        sid: 2,
        min: 1,
        max: 10,
        count: 1,
        sentAt: 10,
        ackedAt: 11,
      },
      {
        kind: 'refused',
        reason: 'no-free-id',
        req: 'f',
        sid: 1,
        min: 2,
        max: 4,
        count: 1,
        sentAt: 10,
        ackedAt: 11,
      },
    ],
  };
}

const kinds = (history: History) => checkHistory(history).violations.map((v) => v.kind);

describe('checkHistory', () => {
  it('passes a correct history and folds it to the namespace the instances must answer', () => {
    const { violations, state } = checkHistory(valid());
    expect(violations).toEqual([]);
    expect(idsOf(state, 1)).toEqual([1]);
    expect(idsOf(state, 2)).toEqual([2, 3, 4]);
    expect(state.counts).toEqual(
      new Map([
        [1, 1],
        [2, 3],
      ]),
    );
  });

  it('accepts a request in doubt applied wholly or not at all', () => {
    const absent = {
      ...valid(),
      doubts: [{ kind: 'alloc' as const, req: 'g', sid: 1, count: 1, sentAt: 12 }],
    };
    expect(kinds(absent)).toEqual([]);
    const applied = valid();
    applied.events.push(alloc(7, 5, 1, range('g')));
    expect(kinds({ ...applied, doubts: absent.doubts })).toEqual([]);
  });

  it('catches an alloc that is not the lowest free ID of its range', () => {
    const h = valid();
    h.events[5] = alloc(6, 5, 1, range('d'));
    h.acks[4] = allocAck('d', 1, [5], 6, 8);
    expect(kinds(h)).toEqual(['not-lowest']);
  });

  it('catches an ID allocated twice while live', () => {
    const h = valid();
    h.events[5] = alloc(6, 2, 1, range('d'));
    h.acks[4] = allocAck('d', 1, [2], 6, 8);
    expect(kinds(h)).toEqual(['double-alloc']);
  });

  it('catches a set above its quota', () => {
    const h = valid();
    expect(kinds({ ...h, sets: [h.sets[0], { sid: 2, quota: 2 }] })).toEqual(['over-quota']);
  });

  it('catches an acknowledged free or allocation missing from the log', () => {
    const h = valid();
    h.acks.push({ kind: 'free', id: 3, sid: 2, req: 'c', seq: 6, sentAt: 12, ackedAt: 13 });
    h.acks.push(allocAck('z', 1, [7], 6, 12));
    expect(kinds(h)).toEqual(['missing-ack', 'missing-ack']);
  });

  it('catches an answer whose IDs differ from the log', () => {
    const h = valid();
    h.acks[2] = allocAck('c', 2, [3, 5], 4, 4);
    expect(kinds(h)).toEqual(['ack-mismatch']);
  });

  it('catches a log order against real time', () => {
    const h = valid();
    // Allocation b (seq 2) was sent after the answer to the free (seq 5) had been received.
    h.acks[1] = { ...h.acks[1], sentAt: 7.5, ackedAt: 7.9 } as Ack;
    expect(kinds(h)).toEqual(['real-time-order']);
  });

  it('catches a refusal that no state between its request and its answer explains', () => {
    const h = valid();
    h.acks.push({
      kind: 'refused',
      reason: 'set-quota',
      req: 'h',
      sid: 1,
      min: 1,
      max: 10,
      count: 1,
      sentAt: 10,
      ackedAt: 11,
    });
    // Set 2 was full at seq 4 only if the window reaches it: sent after d's answer, it does not.
    h.acks.push({
      kind: 'refused',
      reason: 'batch-over-quota',
      req: 'i',
      sid: 2,
      min: 1,
      max: 10,
      count: 1,
      sentAt: 0.5,
      ackedAt: 1.5,
    });
    expect(kinds(h)).toEqual(['unexplained-refusal', 'unexplained-refusal']);
  });

  it('catches a batch applied in part, a request never sent, and a gap in the seqs', () => {
    const half = { ...valid(), doubts: [{ kind: 'alloc' as const, req: 'g', sid: 1, count: 2, sentAt: 12 }] };
    half.events.push(alloc(7, 5, 1, range('g')));
    expect(kinds(half)).toEqual(['split-request']);
    const stranger = valid();
    stranger.events.push(alloc(7, 5, 1, range('nobody')));
    expect(kinds(stranger)).toEqual(['unknown-request']);
    const gap = valid();
    gap.events[5] = { ...gap.events[5], seq: 7 };
    expect(kinds(gap)).toContain('seq-gap');
  });

  it('catches a free of an ID that is not live and an event of an unknown type', () => {
    const h = valid();
    h.events.push(free(7, 9, 1, range('x')), { seq: 8, type: 'bind', id: 1, sid: 1, spid: 4, data: null });
    expect(kinds(h)).toEqual(['free-not-live', 'unexpected-type']);
  });
});
