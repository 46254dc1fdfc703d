// The event stream as an AsyncIterable: reads GET /v1/events with its own SSE parser over the fetch body,
// resumes after a drop with Last-Event-ID (across restarts and failover URLs), backs off, stops on abort.

import { Backoff, type BackoffOptions, sleep } from './backoff.js';
import { IoasidHttpError, TransportError } from './errors.js';
import { type SseMessage, SseParser } from './sse-parser.js';
import type { Transport } from './transport.js';
import type { EventView, ResetData } from './types.js';

/** `{ type: 'reset', oldest }`: events before `oldest` are gone; resynchronise from the API, then go on. */
export interface ResetItem extends ResetData {
  readonly type: 'reset';
}

/** What the iterator yields: an event (`{ seq, type, id, sid, spid, data }`) or a reset. */
export type StreamItem = EventView | ResetItem;

/** True when `item` is a reset (an event's `type` is never `'reset'`: the server reserves it). */
export function isReset(item: StreamItem): item is ResetItem {
  return item.type === 'reset' && 'oldest' in item;
}

/** What happens to the connection, for logs and progress notes. */
export type ConnectionNote =
  /** Connected to `url`; `resumed` on a reconnection, `after` the position it resumed after. */
  | { readonly type: 'open'; readonly url: string; readonly resumed: boolean; readonly after: number | null }
  /** The connection ended or failed (`reason`); the next attempt is in `retryInMs`. */
  | {
      readonly type: 'lost';
      readonly reason: string;
      readonly retryInMs: number;
      /** Failed attempts since the last connection (0: it had been connected). */
      readonly failures: number;
    };

/** Options of `IoasidClient.events`. */
export interface EventsOptions {
  /** First replay every retained event after this sequence number; default: new events only. */
  readonly after?: number;
  /** Only this set's events (admin; a set secret only ever receives its own set's). */
  readonly sid?: number;
  /** Ends the iteration cleanly (the loop just finishes). */
  readonly signal?: AbortSignal;
  /** Reconnection waits (default 250 ms doubling to 5 s, with jitter; back to the minimum after a success). */
  readonly backoff?: BackoffOptions;
  /** A connection silent this long is presumed dead and resumed (default 60 s; the server pings every 15 s). */
  readonly idleTimeoutMs?: number;
  /** Told when a connection opens or is lost. */
  readonly onConnection?: (note: ConnectionNote) => void;
}

/** Default silence after which a stream is presumed dead. */
export const IDLE_TIMEOUT_MS = 60_000;

/** The stream carried data that is not an ioasid event: reading it again would not help. */
export class MalformedEventError extends TransportError {
  constructor(url: string, data: string) {
    const shown = JSON.stringify(data.length > 80 ? `${data.slice(0, 77)}...` : data);
    super(
      'bad-answer',
      { method: 'GET', path: '/v1/events', url },
      `sent data that is not an ioasid event: ${shown}`,
    );
    this.name = 'MalformedEventError';
  }
}

function item(message: SseMessage, url: string): StreamItem {
  let value: unknown;
  try {
    value = JSON.parse(message.data);
  } catch {
    throw new MalformedEventError(url, message.data);
  }
  const record = value as Record<string, unknown> | null;
  const field = message.event === 'reset' ? 'oldest' : 'seq';
  if (record === null || typeof record !== 'object' || typeof record[field] !== 'number') {
    throw new MalformedEventError(url, message.data);
  }
  if (message.event === 'reset') return { type: 'reset', oldest: record.oldest as number };
  if (typeof record.type !== 'string') throw new MalformedEventError(url, message.data);
  return record as unknown as EventView;
}

/** Failures after which a reconnection may help: the server away or restarting, or busy. */
function retryable(error: unknown): boolean {
  if (error instanceof MalformedEventError) return false;
  if (error instanceof TransportError) return true;
  return error instanceof IoasidHttpError && error.code === 'EAGAIN';
}

function describe(error: unknown): string {
  if (error instanceof TransportError) return error.detail;
  return error instanceof Error ? error.message : String(error);
}

/**
 * Follows GET /v1/events. Without `after` it first asks `/metrics` for the latest sequence number, so a
 * drop before the first event still resumes without a gap. The FIRST connection must succeed: its failure
 * is thrown (a wrong URL or credential shows at once). Later drops, TransportErrors and 503 EAGAIN are
 * retried with backoff, resuming after the last item with Last-Event-ID; any other refusal (EPERM once a
 * set's secret is revoked, ...) and a MalformedEventError end the iteration by throwing.
 * @param committedSeq reads the server's latest sequence number (null when unknown)
 */
export async function* followEvents(
  transport: Transport,
  committedSeq: (signal?: AbortSignal) => Promise<number | null>,
  options: EventsOptions = {},
): AsyncGenerator<StreamItem, void, undefined> {
  const { signal } = options;
  const idleMs = options.idleTimeoutMs ?? IDLE_TIMEOUT_MS;
  const backoff = new Backoff(options.backoff);
  let position: number | null;
  try {
    position = options.after ?? (await committedSeq(signal));
  } catch (error) {
    if (signal?.aborted) return;
    throw error;
  }
  let connected = false;
  let failures = 0;
  while (!signal?.aborted) {
    const connection = new AbortController();
    const abort = () => connection.abort(signal?.reason);
    signal?.addEventListener('abort', abort, { once: true });
    let reason = 'the server ended the stream';
    try {
      const query = new URLSearchParams();
      if (options.sid !== undefined) query.set('sid', String(options.sid));
      if (!connected && position !== null) query.set('after', String(position));
      const headers: Record<string, string> = { accept: 'text/event-stream' };
      if (connected && position !== null) headers['last-event-id'] = String(position);
      const { response, url } = await transport.stream(
        {
          method: 'GET',
          path: `/v1/events${query.size > 0 ? `?${query}` : ''}`,
          headers,
          signal: connection.signal,
        },
        'text/event-stream',
      );
      options.onConnection?.({ type: 'open', url, resumed: connected, after: position });
      connected = true;
      failures = 0;
      const opened = Date.now();
      const pending: SseMessage[] = [];
      const parser = new SseParser({ onMessage: (message) => pending.push(message) });
      const body = response.body;
      if (body === null) throw new MalformedEventError(url, '(no body)');
      const reader = body.pipeThrough(new TextDecoderStream()).getReader();
      let idle = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      const arm = () => {
        clearTimeout(timer);
        timer = setTimeout(() => {
          idle = true;
          connection.abort(new Error('idle'));
        }, idleMs);
      };
      try {
        arm();
        for (;;) {
          let chunk: Awaited<ReturnType<typeof reader.read>>;
          try {
            chunk = await reader.read();
          } catch (error) {
            if (signal?.aborted) return;
            reason = idle
              ? `nothing received for ${idleMs / 1000} s`
              : `the connection dropped: ${describe((error as { cause?: unknown }).cause ?? error)}`;
            break;
          }
          if (chunk.done) break;
          arm();
          parser.feed(chunk.value);
          for (const message of pending.splice(0)) {
            const next = item(message, url);
            if (isReset(next)) {
              position = next.oldest - 1;
            } else {
              position = next.seq;
              backoff.reset(); // events arrive: the connection is healthy
            }
            yield next;
          }
        }
      } finally {
        clearTimeout(timer);
        reader.cancel().catch(() => {});
      }
      // A stream that stayed up a while was healthy even without events; one that ends at once was not.
      if (Date.now() - opened >= backoff.maxMs) backoff.reset();
    } catch (error) {
      if (signal?.aborted) return;
      if (!connected || !retryable(error)) throw error;
      reason = describe(error);
    } finally {
      signal?.removeEventListener('abort', abort);
      connection.abort();
    }
    if (signal?.aborted) return;
    const wait = backoff.next();
    options.onConnection?.({ type: 'lost', reason, retryInMs: wait, failures });
    failures++;
    await sleep(wait, signal);
  }
}
