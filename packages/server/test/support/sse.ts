// An event-stream client for tests: reads a `fetch` body with eventsource-parser and hands out events
// in order; `next(n)` waits for the next n events (or fails after a timeout, naming what it got).

import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Loose } from './client.js';

/** One received SSE message, its data parsed as JSON. */
export interface StreamEvent {
  id: string | undefined;
  event: string;
  data: Loose;
}

/** An open stream. */
export interface TestStream {
  /** Resolves with the next `count` events. */
  next(count: number, timeoutMs?: number): Promise<StreamEvent[]>;
  /** Comments received (keep-alives). */
  readonly comments: string[];
  readonly status: number;
  close(): void;
}

/** Options of `openStream`. */
export interface StreamOptions {
  secret?: string | null;
  lastEventId?: string;
  query?: Record<string, string | number>;
  /** Send the secret as ?access_token= instead of a header. */
  tokenInQuery?: boolean;
}

/** Opens GET /v1/events; rejects with the status and body when the server refuses. */
export async function openStream(base: string, options: StreamOptions = {}): Promise<TestStream> {
  const query = new URLSearchParams(
    Object.entries(options.query ?? {}).map(([k, v]) => [k, String(v)] as [string, string]),
  );
  const headers: Record<string, string> = {};
  if (options.secret) {
    if (options.tokenInQuery) query.set('access_token', options.secret);
    else headers.authorization = `Bearer ${options.secret}`;
  }
  if (options.lastEventId !== undefined) headers['last-event-id'] = options.lastEventId;
  const controller = new AbortController();
  const qs = query.toString();
  const response = await fetch(`${base}/v1/events${qs ? `?${qs}` : ''}`, {
    headers,
    signal: controller.signal,
  });
  if (response.status !== 200) {
    const text = await response.text();
    throw Object.assign(new Error(`stream refused: ${response.status} ${text}`), {
      status: response.status,
      body: text,
    });
  }
  const queue: StreamEvent[] = [];
  const comments: string[] = [];
  let wake = null as (() => void) | null;
  let ended = false;
  const parser = createParser({
    onEvent(message: EventSourceMessage) {
      queue.push({ id: message.id, event: message.event ?? 'message', data: JSON.parse(message.data) });
      wake?.();
    },
    onComment(comment) {
      comments.push(comment);
    },
  });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  (async () => {
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        parser.feed(decoder.decode(value, { stream: true }));
      }
    } catch {
      // aborted by close()
    } finally {
      ended = true;
      wake?.();
    }
  })();
  const waitFor = (count: number, deadline: number): Promise<void> =>
    new Promise((resolve, reject) => {
      const check = () => {
        if (queue.length >= count) return resolve();
        if (ended) return reject(new Error(`stream ended after ${queue.length} of ${count} events`));
        if (Date.now() > deadline) {
          return reject(
            new Error(`timed out with ${queue.length} of ${count} events: ${JSON.stringify(queue)}`),
          );
        }
        wake = check;
        setTimeout(check, Math.min(100, Math.max(1, deadline - Date.now())));
      };
      check();
    });
  return {
    status: response.status,
    comments,
    async next(count, timeoutMs = 10_000) {
      await waitFor(count, Date.now() + timeoutMs);
      return queue.splice(0, count);
    },
    close() {
      controller.abort();
    },
  };
}
