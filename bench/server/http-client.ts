// A minimal HTTP/1.1 client on node:http with keep-alive, for the measurements that need each answer's
// own timing and headers (cross-instance event latency, stall after a kill): autocannon reports only
// aggregates.

import http from 'node:http';
import { TOKEN } from './launch.js';

/** One answer, with when it was sent and when its last byte arrived (performance.now(), ms). */
export interface Answer {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
  readonly startedMs: number;
  readonly endedMs: number;
}

/**
 * A keep-alive agent holding at most `sockets` connections (one request in flight on each).
 * @returns the agent; destroy it when done
 */
export function keepAliveAgent(sockets: number): http.Agent {
  return new http.Agent({ keepAlive: true, maxSockets: sockets, maxFreeSockets: sockets });
}

/**
 * Sends an admin-authorised JSON request to `url` through `agent`.
 * @returns the answer, whatever its status
 * @throws the socket's error when the connection fails or is reset (e.g. the server was killed); Error
 * when no answer came within `timeoutMs` (default: no limit)
 */
export function send(
  agent: http.Agent,
  url: string,
  method: string,
  body?: unknown,
  timeoutMs?: number,
): Promise<Answer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const request = http.request(
      url,
      {
        method,
        agent,
        headers: {
          authorization: `Bearer ${TOKEN}`,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => {
          text += chunk;
        });
        response.on('end', () =>
          resolve({
            status: response.statusCode ?? 0,
            headers: response.headers,
            body: text,
            startedMs,
            endedMs: performance.now(),
          }),
        );
        response.on('error', reject);
      },
    );
    request.on('error', reject);
    if (timeoutMs !== undefined) {
      request.setTimeout(timeoutMs, () => request.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    }
    request.end(payload);
  });
}
