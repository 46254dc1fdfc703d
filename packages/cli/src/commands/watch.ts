// `ioasid watch`: follows the server's event stream (GET /v1/events, Server-Sent Events) and prints one
// line per event. It resumes after a dropped connection or a server restart with Last-Event-ID, so no
// event is lost or printed twice, backs off between attempts (bounded), and stops cleanly on Ctrl-C.

import type { Command } from 'commander';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import pc from 'picocolors';
import { parseInteger, parseSid } from '../arguments.js';
import type { ApiClient } from '../client.js';
import { type ClientOptions, connect, withClientOptions } from '../client-options.js';
import { CliError } from '../exit-codes.js';
import { preview } from '../output.js';
import type { CliContext } from '../serve.js';

/** First wait before reconnecting; doubled after each failed attempt up to BACKOFF_MAX_MS. */
export const BACKOFF_MIN_MS = 250;
/** Longest wait between reconnection attempts. */
export const BACKOFF_MAX_MS = 5_000;
/**
 * A stream silent this long is presumed dead (the server sends a keep-alive comment every 15 s by
 * default), so a connection lost without a FIN is noticed and resumed.
 */
export const IDLE_TIMEOUT_MS = 60_000;

interface WatchOptions extends ClientOptions {
  after?: string;
  sid?: string;
}

/** An event as the stream's data line carries it. */
interface StreamEvent {
  seq: number;
  type: string;
  id: number | null;
  sid: number | null;
  spid: number | null;
  data: unknown;
}

/** The stream carried data that is not an event; reading it again after a reconnection would not help. */
class MalformedEvent extends CliError {
  constructor(url: string, data: string) {
    super(
      'BAD_ANSWER',
      `the event stream of ${url} sent data that is not an ioasid event: ${preview(data, 80)}`,
      'check that --url / IOASID_URL points at an ioasid server',
    );
  }
}

/** Parses an event's data line. @throws MalformedEvent when it is not JSON of the expected shape */
function parseData<T>(url: string, data: string, field: string): T {
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    throw new MalformedEvent(url, data);
  }
  if (
    value === null ||
    typeof value !== 'object' ||
    typeof (value as Record<string, unknown>)[field] !== 'number'
  ) {
    throw new MalformedEvent(url, data);
  }
  return value as T;
}

/** Adds `watch` to `program`. */
export function addWatchCommand(program: Command, context: CliContext): void {
  withClientOptions(
    program
      .command('watch')
      .description(
        'print events as they happen (one line each; --json: one JSON object per line), resuming after disconnects; Ctrl-C stops',
      )
      .option('--after <seq>', 'first replay every retained event after this sequence number')
      .option('--sid <sid>', 'only events of this set (a set secret only ever sees its own)'),
  ).action(async (options: WatchOptions) => {
    const after =
      options.after === undefined ? null : parseInteger(options.after, '--after', 0, Number.MAX_SAFE_INTEGER);
    const sid = options.sid === undefined ? null : parseSid(options.sid, '--sid');
    const { api, json } = connect(options, context);
    await watch(api, { after, sid, json }, context);
  });
}

/** Follows the stream until SIGINT or SIGTERM, or until an error that retrying cannot fix. */
async function watch(
  api: ApiClient,
  options: { after: number | null; sid: number | null; json: boolean },
  context: CliContext,
): Promise<void> {
  const stop = new AbortController();
  context.onSignal('SIGINT', () => stop.abort());
  context.onSignal('SIGTERM', () => stop.abort());
  // Position of the last event received (or skipped by a reset): what Last-Event-ID resumes after.
  let position: number | null;
  try {
    position = options.after ?? (await committedSeq(api, stop.signal));
  } catch (error) {
    if (stop.signal.aborted) return;
    throw error;
  }
  let connected = false;
  let failures = 0;
  let delay = BACKOFF_MIN_MS;
  const onMessage = (message: EventSourceMessage) => {
    if (message.event === 'reset') {
      const { oldest } = parseData<{ oldest: number }>(api.url, message.data, 'oldest');
      position = oldest - 1;
      context.out(
        options.json
          ? JSON.stringify({ type: 'reset', oldest })
          : pc.red(`reset: the oldest event kept is ${oldest}`),
      );
      context.err(
        pc.yellow(
          `events before ${oldest} are no longer kept by the server, so some were missed: resynchronise your view (\`ioasid status\`, \`ioasid sets show SID\`); continuing from event ${oldest}`,
        ),
      );
      return;
    }
    const event = parseData<StreamEvent>(api.url, message.data, 'seq');
    position = event.seq;
    // Events arrive, so the connection is healthy: the next loss starts the backoff from the bottom.
    delay = BACKOFF_MIN_MS;
    context.out(options.json ? message.data : line(event));
  };
  while (!stop.signal.aborted) {
    const query = new URLSearchParams();
    if (options.sid !== null) query.set('sid', String(options.sid));
    if (!connected && position !== null) query.set('after', String(position));
    const path = `/v1/events${query.size > 0 ? `?${query}` : ''}`;
    const connection = new AbortController();
    const abort = () => connection.abort();
    stop.signal.addEventListener('abort', abort, { once: true });
    let reason: string;
    try {
      const resume = connected && position !== null ? String(position) : null;
      const response = await api.openEvents(path, resume, connection.signal);
      context.err(
        pc.dim(
          connected
            ? `reconnected; resuming after event ${position ?? '(none yet)'}`
            : `watching ${api.url}${options.sid === null ? '' : ` (set ${options.sid})`}; Ctrl-C stops`,
        ),
      );
      connected = true;
      failures = 0;
      const opened = Date.now();
      reason = await follow(response, connection, onMessage);
      // A stream that stayed up a while was healthy even without events; one that ends at once was not.
      if (Date.now() - opened >= BACKOFF_MAX_MS) delay = BACKOFF_MIN_MS;
    } catch (error) {
      if (stop.signal.aborted) break;
      // The first connection must work (a wrong URL or credential should fail at once); later ones are
      // retried while the server is away or restarting, but not when it refuses the credential.
      if (!(error instanceof CliError) || !connected || !retryable(error)) throw error;
      reason = error.message;
    } finally {
      stop.signal.removeEventListener('abort', abort);
    }
    if (stop.signal.aborted) break;
    const wait = `${delay / 1000} s`;
    context.err(
      pc.yellow(
        failures === 0
          ? `connection lost (${reason}); reconnecting in ${wait}`
          : `reconnection failed (${reason}); retrying in ${wait}`,
      ),
    );
    failures++;
    await sleep(delay, stop.signal);
    delay = Math.min(delay * 2, BACKOFF_MAX_MS);
  }
  context.err(pc.dim(`stopped${position === null ? '' : ` after event ${position}`}`));
}

function retryable(error: CliError): boolean {
  if (error instanceof MalformedEvent) return false;
  return error.failure === 'NO_SERVER' || error.failure === 'BAD_ANSWER' || error.failure === 'EAGAIN';
}

/**
 * The server's latest sequence number (its metrics), so that a watch started "from now" still has a
 * position to resume from if it loses the connection before its first event; null when unavailable
 * (then that first reconnection starts with new events only).
 */
async function committedSeq(api: ApiClient, stop: AbortSignal): Promise<number | null> {
  try {
    const signal = AbortSignal.any([stop, AbortSignal.timeout(5_000)]);
    const response = await fetch(`${api.url}/metrics`, { signal });
    if (!response.ok) return null;
    const match = /^ioasid_event_seq(?:\{[^}]*\})? (\d+)$/m.exec(await response.text());
    return match === null ? null : Number(match[1]);
  } catch (error) {
    throw api.connectionError(error);
  }
}

/** Reads one connection's events until it ends; returns why it ended. */
async function follow(
  response: Response,
  connection: AbortController,
  onEvent: (message: EventSourceMessage) => void,
): Promise<string> {
  const parser = createParser({ onEvent });
  const reader = (response.body as ReadableStream<Uint8Array>).getReader();
  const decoder = new TextDecoder();
  let idle = false;
  let timer: NodeJS.Timeout | undefined;
  const arm = () => {
    clearTimeout(timer);
    timer = setTimeout(() => {
      idle = true;
      connection.abort();
    }, IDLE_TIMEOUT_MS);
  };
  try {
    arm();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) return 'the server ended the stream';
      arm();
      parser.feed(decoder.decode(value, { stream: true }));
    }
  } catch (error) {
    if (error instanceof CliError) throw error; // from onEvent: a malformed event
    if (idle) return `nothing received for ${IDLE_TIMEOUT_MS / 1000} s`;
    if (connection.signal.aborted) throw error;
    const cause = (error as { cause?: { message?: string } }).cause?.message;
    return `the connection dropped: ${cause ?? (error instanceof Error ? error.message : String(error))}`;
  } finally {
    clearTimeout(timer);
    reader.releaseLock();
  }
}

/** Waits `ms`, or less when `signal` aborts. */
function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** One event as a text line: seq, type, id, sid, spid, data. */
function line(e: StreamEvent): string {
  const dash = (value: number | null) => (value === null ? '-' : String(value));
  const colour =
    e.type === 'alloc' || e.type === 'bind'
      ? pc.green
      : e.type === 'free' || e.type === 'unbind'
        ? pc.red
        : pc.cyan;
  return `${String(e.seq).padStart(6)}  ${colour(e.type.padEnd(13))}  id=${dash(e.id)}  sid=${dash(e.sid)}  spid=${dash(e.spid)}  data=${preview(e.data)}`;
}
