// Reads a server's event stream (GET /v1/events, docs/http-api.md H-EVENT-2) and records when each event
// arrived, for the cross-instance event latency.

import http from 'node:http';
import { TOKEN } from './launch.js';

/** An event as it arrived: its `data` fields the benchmark uses, and the arrival time (performance.now()). */
export interface ArrivedEvent {
  readonly seq: number;
  readonly type: string;
  readonly id: number;
  readonly arrivedMs: number;
}

/** An open stream. */
export interface SseReader {
  /** Events by `seq`, in arrival order. */
  readonly events: Map<number, ArrivedEvent>;
  /** Resolves once an event with `seq` >= `seq` has arrived, or after `timeoutMs` (then false). */
  waitFor(seq: number, timeoutMs: number): Promise<boolean>;
  close(): void;
}

/**
 * Opens `GET /v1/events?sid=SID` on `baseUrl` (new events only) with the admin token.
 * @returns once the stream answered 200 and its headers arrived
 * @throws Error when it answers anything else, or the connection fails before that
 */
export function openEventStream(baseUrl: string, sid: number): Promise<SseReader> {
  const events = new Map<number, ArrivedEvent>();
  let newest = 0;
  let waiters: { seq: number; resolve: (reached: boolean) => void }[] = [];
  return new Promise((resolve, reject) => {
    const request = http.get(
      `${baseUrl}/v1/events?sid=${sid}`,
      { headers: { authorization: `Bearer ${TOKEN}`, accept: 'text/event-stream' } },
      (response) => {
        if (response.statusCode !== 200) {
          reject(new Error(`GET /v1/events answered ${response.statusCode}`));
          response.resume();
          return;
        }
        response.setEncoding('utf8');
        let buffer = '';
        response.on('data', (chunk: string) => {
          const arrivedMs = performance.now();
          buffer += chunk;
          let end = buffer.indexOf('\n\n');
          while (end !== -1) {
            const block = buffer.slice(0, end);
            buffer = buffer.slice(end + 2);
            end = buffer.indexOf('\n\n');
            const data = block.split('\n').find((line) => line.startsWith('data: '));
            if (data === undefined) continue; // a keep-alive comment
            const event = JSON.parse(data.slice(6)) as { seq: number; type: string; id: number };
            events.set(event.seq, { seq: event.seq, type: event.type, id: event.id, arrivedMs });
            newest = Math.max(newest, event.seq);
          }
          waiters = waiters.filter((w) => {
            if (newest < w.seq) return true;
            w.resolve(true);
            return false;
          });
        });
        resolve({
          events,
          waitFor: (seq, timeoutMs) =>
            newest >= seq
              ? Promise.resolve(true)
              : new Promise((done) => {
                  const waiter = { seq, resolve: done };
                  waiters.push(waiter);
                  setTimeout(() => {
                    waiters = waiters.filter((w) => w !== waiter);
                    done(false);
                  }, timeoutMs).unref();
                }),
          close: () => request.destroy(),
        });
      },
    );
    request.on('error', reject);
  });
}
