// Reading your own writes across instances: every 2xx answer of the API carries `ioasid-seq`, the
// namespace's event sequence number as this instance has committed or seen it, and every GET of the API
// accepts `?min_seq=N` or `ioasid-min-seq: N` and is answered only once this instance has seen N.

import type { FastifyReply, FastifyRequest, RouteOptions } from 'fastify';
import { Type } from 'typebox';
import type { EventHub } from '../engine/event-hub.js';
import { apiError } from '../server-reasons.js';

/** How long a read waits for `min_seq` before it is answered 503 `seq-not-reached`. */
export const MIN_SEQ_WAIT_MS = 5_000;

/** The answer header with the namespace's sequence number. */
export const SEQ_HEADER = 'ioasid-seq';
/** The request header that asks for the namespace as of a sequence number. */
export const MIN_SEQ_HEADER = 'ioasid-min-seq';

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

const MinSeq = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description:
    'answer only once this instance has seen this event sequence number (the ioasid-seq header of an ' +
    'earlier answer), waiting at most 5 s, else 503 EAGAIN seq-not-reached',
});

function isApiRead(method: RouteOptions['method'], url: string): boolean {
  const methods = Array.isArray(method) ? method : [method];
  return url.startsWith('/v1') && methods.includes('GET');
}

/**
 * onRoute hook: adds the optional `min_seq` query parameter to the schema of every GET of the API (so
 * validation, the strict conversion of numbers and the OpenAPI document all know it). A route without a
 * query schema gets one holding only `min_seq`, other parameters still ignored as before.
 */
export function addMinSeqParameter(route: RouteOptions): void {
  if (!isApiRead(route.method, route.url)) return;
  route.schema ??= {};
  const schema = route.schema;
  const query = schema.querystring as { properties?: Record<string, unknown> } | undefined;
  schema.querystring =
    query === undefined
      ? Type.Object({ min_seq: Type.Optional(MinSeq) })
      : { ...query, properties: { ...query.properties, min_seq: MinSeq } };
}

/**
 * preHandler hook: for a GET of the API with `min_seq` or `ioasid-min-seq` (the larger wins), waits until
 * the instance has committed or seen that sequence number.
 * @throws EINVAL `invalid-min-seq` for a malformed header; EAGAIN `seq-not-reached` after `waitMs`
 */
export function waitForMinSeq(hub: EventHub, waitMs = MIN_SEQ_WAIT_MS) {
  return async (request: FastifyRequest): Promise<void> => {
    if (request.method !== 'GET' || !request.url.startsWith('/v1')) return;
    let wanted = (request.query as { min_seq?: number } | undefined)?.min_seq;
    const header = request.headers[MIN_SEQ_HEADER];
    if (header !== undefined) {
      if (typeof header !== 'string' || !DECIMAL.test(header)) {
        throw apiError(
          'invalid-min-seq',
          { value: String(header) },
          `${MIN_SEQ_HEADER} ${JSON.stringify(header)} is not an event sequence number`,
        );
      }
      wanted = Math.max(wanted ?? 0, Number(header));
    }
    if (wanted === undefined || hub.committedSeq >= wanted) return;
    const started = performance.now();
    if (await hub.waitFor(wanted, waitMs)) return;
    const waitedMs = Math.round(performance.now() - started);
    throw apiError(
      'seq-not-reached',
      { minSeq: wanted, seq: hub.committedSeq, waitedMs },
      `this instance has seen the namespace up to event ${hub.committedSeq}, not yet ${wanted}, after ${waitedMs} ms`,
    );
  };
}

/** onSend hook: puts `ioasid-seq` on every 2xx answer of the API (the event stream sends its own ids). */
export function addSeqHeader(hub: EventHub) {
  return (
    request: FastifyRequest,
    reply: FastifyReply,
    payload: unknown,
    done: (e: null, p: unknown) => void,
  ) => {
    if (reply.statusCode < 300 && request.url.startsWith('/v1')) {
      reply.header(SEQ_HEADER, String(hub.committedSeq));
    }
    done(null, payload);
  };
}
