// Stall after a SIGKILL: several instances on one database under closed-loop load (single-ID
// allocations, the connections spread over the instances), then one instance is killed. For the 5 s
// before the kill (the baseline) and the 5 s after it: the longest time the surviving instances completed
// no allocation (max gap between 2xx answers, the window's edges included) and the longest request
// (requests still unanswered when the window closes count with their age then). With one instance
// nothing is killed: both windows are the baseline (the code path, not the figure).

import type http from 'node:http';
import { keepAliveAgent, send } from './http-client.js';
import { type Server, stop } from './launch.js';
import { splitConnections } from './multi-instance.js';
import { MAX, startPgCluster } from './pg-cluster.js';

/** What the surviving instances did in one window. */
export interface StallWindow {
  /** Longest time without a 2xx answer from a survivor, in ms. */
  readonly maxGapMs: number;
  /** Longest request of a survivor answered in the window, or its age at the window's end, in ms. */
  readonly maxLatencyMs: number;
  /** 2xx answers from survivors in the window. */
  readonly answered: number;
  /** Survivors' other answers and connection errors in the window. */
  readonly failed: number;
}

/** The stall measurement. */
export interface StallResult {
  readonly instances: number;
  readonly connections: number;
  /** False with one instance (nothing to kill). */
  readonly killed: boolean;
  readonly windowMs: number;
  readonly before: StallWindow;
  readonly after: StallWindow;
}

interface Completion {
  startedMs: number;
  endedMs: number;
  ok: boolean;
}

const WARMUP_MS = 1000;
const WINDOW_MS = 5000;

/**
 * Runs the measurement on `instances` fresh servers with `connections` connections in all.
 * @throws Error when an instance does not start, or the survivors answer nothing at all after the kill
 */
export async function measureStall(instances: number, connections = 64): Promise<StallResult> {
  const cluster = await startPgCluster(instances);
  const { servers } = cluster;
  const victim: Server | null = instances > 1 ? servers[instances - 1] : null;
  const parts = splitConnections(connections, instances);
  const agents = parts.map((sockets) => keepAliveAgent(sockets));
  const completions: Completion[] = [];
  const inFlight = new Set<{ startedMs: number }>();
  let stopped = false;
  let killed = false;
  const worker = async (server: Server, agent: http.Agent) => {
    const counts = server !== victim;
    while (!stopped) {
      const startedMs = performance.now();
      const request = { startedMs };
      if (counts) inFlight.add(request);
      try {
        const answer = await send(agent, server.url + cluster.allocPath, 'POST', { min: 0, max: MAX });
        if (counts) completions.push({ startedMs, endedMs: answer.endedMs, ok: answer.status === 201 });
      } catch {
        if (!counts && killed) return; // the victim's connections end with it
        if (counts) completions.push({ startedMs, endedMs: performance.now(), ok: false });
        await new Promise((resolve) => setTimeout(resolve, 10));
      } finally {
        inFlight.delete(request);
      }
    }
  };
  try {
    const workers = servers.flatMap((server, i) =>
      Array.from({ length: parts[i] }, () => worker(server, agents[i])),
    );
    await sleep(WARMUP_MS);
    const beforeStart = performance.now();
    await sleep(WINDOW_MS);
    const killAt = performance.now();
    if (victim !== null) {
      killed = true;
      await stop(victim, 'SIGKILL');
    }
    await sleep(WINDOW_MS - (performance.now() - killAt));
    const end = performance.now();
    const unanswered = [...inFlight].map((r) => end - r.startedMs);
    stopped = true;
    // Requests still in flight end with their sockets (a hung instance must not hang the benchmark).
    for (const agent of agents) agent.destroy();
    await Promise.all(workers);
    const before = summarize(completions, beforeStart, killAt, []);
    const after = summarize(completions, killAt, end, unanswered);
    if (after.answered === 0) throw new Error('the surviving instances answered nothing after the kill');
    return { instances, connections, killed: victim !== null, windowMs: WINDOW_MS, before, after };
  } finally {
    stopped = true;
    for (const agent of agents) agent.destroy();
    await cluster.close();
  }
}

function summarize(all: readonly Completion[], from: number, to: number, unanswered: number[]): StallWindow {
  const inWindow = all.filter((c) => c.endedMs >= from && c.endedMs < to);
  const ok = inWindow.filter((c) => c.ok);
  const edges = [from, ...ok.map((c) => c.endedMs).sort((x, y) => x - y), to];
  let maxGapMs = 0;
  for (let i = 1; i < edges.length; i++) maxGapMs = Math.max(maxGapMs, edges[i] - edges[i - 1]);
  let maxLatencyMs = 0;
  for (const c of inWindow) maxLatencyMs = Math.max(maxLatencyMs, c.endedMs - c.startedMs);
  for (const age of unanswered) maxLatencyMs = Math.max(maxLatencyMs, age);
  const round = (ms: number) => Math.round(ms * 10) / 10;
  return {
    maxGapMs: round(maxGapMs),
    maxLatencyMs: round(maxLatencyMs),
    answered: ok.length,
    failed: inWindow.length - ok.length,
  };
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
