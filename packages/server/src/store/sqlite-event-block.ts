// The SQLite store's form of a run of consecutive events (one event_blocks row): a JSON array of
// `[type, id, sid, spid, data]` tuples numbered from the block's first one. Half the client-facing bytes.

import type { EventRecord } from './store.js';

/** Encodes `events[start..end)` (consecutive sequence numbers) as one block body. */
export function encodeBlock(events: readonly EventRecord[], start: number, end: number): string {
  let body = '[';
  for (let i = start; i < end; i++) {
    const e = events[i];
    const data = e.data === null || e.data === undefined ? 'null' : JSON.stringify(e.data);
    body += `${i === start ? '' : ','}[${JSON.stringify(e.type)},${e.id},${e.sid},${e.spid},${data}]`;
  }
  return `${body}]`;
}

type Tuple = [string, number | null, number | null, number | null, unknown];

/**
 * Decodes a block whose first event is `firstSeq`, appending the events with `seq > after` to `out`.
 * @throws Error when the body is not a block (a damaged store)
 */
export function decodeBlock(firstSeq: number, body: string, after: number, out: EventRecord[]): void {
  const tuples = JSON.parse(body) as Tuple[];
  if (!Array.isArray(tuples)) throw new Error(`the event block starting at ${firstSeq} is damaged`);
  for (let i = 0; i < tuples.length; i++) {
    const seq = firstSeq + i;
    if (seq <= after) continue;
    const [type, id, sid, spid, data] = tuples[i];
    out.push({ seq, type, id, sid, spid, data });
  }
}
