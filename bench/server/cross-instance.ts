// Cross-instance event latency: single-ID allocations on instance A at a moderate, steady rate while
// instance B's event stream is read; for each allocation, the time from its 2xx answer on A to the arrival
// on B's stream of the event its `ioasid-seq` header names (H-CONV-6: at least its own event's seq).
// A's own stream is read too, as the same-instance reference of the same run. With one instance A and B
// are the same server (the code path, not the cross-instance figure).

import { keepAliveAgent, send } from './http-client.js';
import { MAX, startPgCluster } from './pg-cluster.js';
import { openEventStream, type SseReader } from './sse-reader.js';

/** Figures of one run, latencies in milliseconds (negative: the event arrived before the answer). */
export interface CrossInstanceResult {
  readonly instances: number;
  /** True when A and B are one server (one instance). */
  readonly sameInstance: boolean;
  /** Timed allocations (after the untimed warm-up ones). */
  readonly allocs: number;
  /** Allocations per second sent (open loop: on schedule, whatever the answers). */
  readonly ratePerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  /** Allocations whose event reached B before their answer reached the client. */
  readonly eventFirst: number;
  /** Allocations whose `ioasid-seq` named their own `alloc` event (the rest shared a commit). */
  readonly ownSeq: number;
  /** The same latency on A's own stream (the reference: no instance between). */
  readonly sameInstanceP50Ms: number;
  readonly sameInstanceP99Ms: number;
}

/** An allocation answered by A: its ID, its `ioasid-seq` and when the answer arrived. */
interface Answered {
  id: number;
  seq: number;
  answeredMs: number;
}

const WARMUP = 200;
const IN_FLIGHT = 32;

/**
 * Measures the latency on `instances` fresh servers (A the first, B the second, or the first when alone).
 * @throws Error when an instance does not start, an allocation fails or an allocated ID never shows up
 * as an event on B within 10 s
 */
export async function measureCrossInstance(
  instances: number,
  allocs = 2000,
  ratePerSecond = 500,
): Promise<CrossInstanceResult> {
  const cluster = await startPgCluster(instances);
  const a = cluster.servers[0];
  const b = cluster.servers[instances > 1 ? 1 : 0];
  const stream = await openEventStream(b.url, cluster.sid);
  const own = a === b ? stream : await openEventStream(a.url, cluster.sid);
  const agent = keepAliveAgent(IN_FLIGHT);
  try {
    const total = WARMUP + allocs;
    const answers: Answered[] = [];
    const pending: Promise<void>[] = [];
    const started = performance.now();
    let sent = 0;
    let failure: unknown = null;
    while (sent < total) {
      const due = Math.min(total, Math.floor(((performance.now() - started) * ratePerSecond) / 1000) + 1);
      for (; sent < due; sent++) {
        const index = sent;
        pending.push(
          send(agent, a.url + cluster.allocPath, 'POST', { min: 0, max: MAX }, 10_000)
            .then((answer) => {
              if (answer.status !== 201)
                throw new Error(`allocation on A answered ${answer.status}: ${answer.body}`);
              answers[index] = {
                id: (JSON.parse(answer.body) as { id: number }).id,
                seq: Number(answer.headers['ioasid-seq']),
                answeredMs: answer.endedMs,
              };
            })
            .catch((error: unknown) => {
              failure ??= error;
            }),
        );
      }
      await new Promise((resolve) => setTimeout(resolve, 1));
    }
    await Promise.all(pending);
    if (failure !== null) throw failure;
    const timed = answers.slice(WARMUP);
    const latencies = await latenciesOn(stream, answers, timed, 'B');
    const reference = await latenciesOn(own, answers, timed, 'A');
    const round = (ms: number) => Math.round(ms * 100) / 100;
    return {
      instances,
      sameInstance: a === b,
      allocs,
      ratePerSecond,
      p50Ms: round(percentile(latencies, 0.5)),
      p99Ms: round(percentile(latencies, 0.99)),
      maxMs: round(latencies[latencies.length - 1]),
      eventFirst: latencies.filter((ms) => ms < 0).length,
      ownSeq: timed.filter((x) => stream.events.get(x.seq)?.id === x.id).length,
      sameInstanceP50Ms: round(percentile(reference, 0.5)),
      sameInstanceP99Ms: round(percentile(reference, 0.99)),
    };
  } finally {
    stream.close();
    own.close();
    agent.destroy();
    await cluster.close();
  }
}

/**
 * Waits until `stream` has every allocation of `answers` as an event, then gives, ascending, for each of
 * `timed`: the arrival of the event its `ioasid-seq` names minus its answer's arrival.
 * @throws Error when the stream misses an allocated ID or the named event 10 s after the last answer
 */
async function latenciesOn(
  stream: SseReader,
  answers: readonly Answered[],
  timed: readonly Answered[],
  name: string,
): Promise<number[]> {
  const newest = Math.max(...answers.map((x) => x.seq));
  if (!(await stream.waitFor(newest, 10_000))) {
    throw new Error(`${name}'s stream did not reach seq ${newest} within 10 s of the last answer`);
  }
  const seen = new Set([...stream.events.values()].filter((e) => e.type === 'alloc').map((e) => e.id));
  const missing = answers.filter((x) => !seen.has(x.id)).length;
  if (missing > 0) throw new Error(`${missing} allocated IDs never arrived as events on ${name}`);
  const latencies = timed.map((answer) => {
    const event = stream.events.get(answer.seq);
    if (event === undefined)
      throw new Error(`no event ${answer.seq} on ${name} (the seq of an answer from A)`);
    return event.arrivedMs - answer.answeredMs;
  });
  return latencies.sort((x, y) => x - y);
}

/**
 * The nearest-rank percentile `p` (0..1) of ascending `sorted`.
 * @returns NaN when `sorted` is empty
 */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(p * sorted.length) - 1))];
}
