// The event load of the browser benchmark: free-then-allocate pairs over HTTP at a steady rate (each
// pair is two events, `free` and `alloc`), on random sets of the full namespace, plus two probes the
// page is watched for: a `bench-mark-N` notification once a second (the event log's lag) and, every
// two seconds, one ID of the probe set freed or allocated again (the sets table's lag, through the
// probe set's progressbar). Every answer's `ioasid-seq` header gives the committed sequence over time.

import { type Server, TOKEN } from '../server/launch.js';
import { CAPACITY, type FilledSet } from './fill.js';

/** A probe answered by the server: when (Date.now()), at which sequence number, and what it set. */
export interface Committed {
  readonly sentAt: number;
  readonly committedAt: number;
  readonly seq: number;
  /** The marker's number, or the probe set's count after the change. */
  readonly value: number;
}

/** What the load did. */
export interface LoadResult {
  readonly seconds: number;
  /** Events committed (2xx frees and allocations of the pairs) per whole second. */
  readonly eventsPerSecond: number[];
  readonly errors: number;
  readonly firstError: string | null;
  readonly markers: Committed[];
  readonly probes: Committed[];
  /** Highest committed sequence number seen, over time (Date.now(), seq), increasing. */
  readonly seqTimeline: { at: number; seq: number }[];
}

interface Answer {
  status: number;
  seq: number;
  body: unknown;
}

async function call(server: Server, method: string, path: string, body?: unknown): Promise<Answer> {
  const response = await fetch(server.url + path, {
    method,
    headers:
      body === undefined
        ? { authorization: `Bearer ${TOKEN}` }
        : { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  return {
    status: response.status,
    seq: Number(response.headers.get('ioasid-seq') ?? Number.NaN),
    body: text === '' ? null : JSON.parse(text),
  };
}

/**
 * Runs the load for `seconds` at `rate` events/s over `sets` (the probe set excluded), probing with
 * `probe`; resolves once every request has been answered.
 */
export async function runLoad(
  server: Server,
  sets: FilledSet[],
  probe: FilledSet,
  rate: number,
  seconds: number,
): Promise<LoadResult> {
  const pool = sets.map((s) => ({ sid: s.sid, ids: [...s.ids] }));
  const eventsPerSecond = new Array<number>(seconds).fill(0);
  const seqTimeline: { at: number; seq: number }[] = [];
  const markers: Committed[] = [];
  const probes: Committed[] = [];
  const probeIds = [...probe.ids];
  let probeCount = probe.ids.length;
  let errors = 0;
  let firstError: string | null = null;
  let inFlight = 0;
  let started = 0;
  const t0 = performance.now();

  const seen = (answer: Answer) => {
    if (!Number.isFinite(answer.seq)) return;
    const last = seqTimeline[seqTimeline.length - 1];
    if (last === undefined || answer.seq > last.seq) seqTimeline.push({ at: Date.now(), seq: answer.seq });
  };
  const fail = (what: string, answer: Answer | Error) => {
    errors++;
    firstError ??= `${what}: ${answer instanceof Error ? answer.message : `${answer.status} ${JSON.stringify(answer.body)}`}`;
  };
  const countEvent = () => {
    const second = Math.floor((performance.now() - t0) / 1000);
    if (second < seconds) eventsPerSecond[second]++;
  };

  const pair = async () => {
    const set = pool[Math.floor(Math.random() * pool.length)];
    if (set.ids.length === 0) return;
    const at = Math.floor(Math.random() * set.ids.length);
    const id = set.ids[at];
    set.ids[at] = set.ids[set.ids.length - 1];
    set.ids.pop();
    const freed = await call(server, 'DELETE', `/v1/ioasids/${id}`);
    if (freed.status !== 204) return fail(`DELETE /v1/ioasids/${id}`, freed);
    seen(freed);
    countEvent();
    const allocated = await call(server, 'POST', `/v1/sets/${set.sid}/ioasids`, {
      min: 0,
      max: CAPACITY - 1,
    });
    if (allocated.status !== 201) return fail(`POST /v1/sets/${set.sid}/ioasids`, allocated);
    seen(allocated);
    countEvent();
    set.ids.push((allocated.body as { id: number }).id);
  };

  const mark = async (n: number) => {
    const sentAt = Date.now();
    const answer = await call(server, 'POST', `/v1/ioasids/${probeIds[0]}/notify`, {
      type: `bench-mark-${n}`,
    });
    if (answer.status !== 200) return fail('notify', answer);
    seen(answer);
    markers.push({ sentAt, committedAt: Date.now(), seq: answer.seq, value: n });
  };

  const probeStep = async (free: boolean) => {
    const sentAt = Date.now();
    const answer = free
      ? await call(server, 'DELETE', `/v1/ioasids/${probeIds.pop()}`)
      : await call(server, 'POST', `/v1/sets/${probe.sid}/ioasids`, { min: 0, max: CAPACITY - 1 });
    if (answer.status !== (free ? 204 : 201)) return fail('probe', answer);
    seen(answer);
    probeCount += free ? -1 : 1;
    if (!free) probeIds.push((answer.body as { id: number }).id);
    probes.push({ sentAt, committedAt: Date.now(), seq: answer.seq, value: probeCount });
  };

  const running = new Set<Promise<void>>();
  const track = (p: Promise<void>) => {
    const done = p.catch((error: Error) => fail('request', error)).finally(() => running.delete(done));
    running.add(done);
  };

  const pairRate = rate / 2;
  await new Promise<void>((resolve) => {
    let marks = 0;
    let steps = 0;
    const timer = setInterval(() => {
      const elapsed = (performance.now() - t0) / 1000;
      if (elapsed >= seconds) {
        clearInterval(timer);
        resolve();
        return;
      }
      const due = Math.floor(elapsed * pairRate);
      while (started < due && inFlight < 256) {
        started++;
        inFlight++;
        track(pair().finally(() => inFlight--));
      }
      if (elapsed >= marks + 0.5) track(mark(marks++));
      if (elapsed >= steps * 2 + 1) track(probeStep(steps++ % 2 === 0));
    }, 5);
  });
  await Promise.all(running);
  return { seconds, eventsPerSecond, errors, firstError, markers, probes, seqTimeline };
}
