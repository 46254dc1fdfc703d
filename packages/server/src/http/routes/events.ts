// The event stream route: Server-Sent Events of committed events, resumable with Last-Event-ID or
// ?after=, limited to the caller's set for a set secret, filtered with ?sid= for the admin.

import { requireSet } from '../../engine/access.js';
import type { Engine } from '../../engine/engine.js';
import { apiError } from '../../server-reasons.js';
import { type App, BEARER } from '../app-types.js';
import { ErrorBody, EventStreamItem, EventsQuery } from '../schemas.js';
import { SseStream } from '../sse-stream.js';

/** Options of the event stream route. */
export interface EventRouteOptions {
  readonly keepAliveMs: number;
  readonly maxBufferedBytes: number;
  /** Open streams, so shutdown can end them. */
  readonly streams: Set<SseStream>;
}

const DECIMAL = /^(0|[1-9][0-9]{0,15})$/;

/** Registers GET /v1/events. */
export function eventRoutes(app: App, engine: Engine, options: EventRouteOptions): void {
  app.get(
    '/v1/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Server-Sent Events: id = seq, event = type, data = {seq, type, id, sid, spid, data}',
        description:
          'Starts after the Last-Event-ID header, else after ?after=, else with new events only. A position older ' +
          'than the retention first gets `event: reset` with `{"oldest": SEQ}`. Keep-alive comments every 15 s.',
        security: [...BEARER, { accessToken: [] }],
        querystring: EventsQuery,
        response: {
          200: {
            description: 'text/event-stream; the schema is that of one data line (an event, or a reset)',
            content: { 'text/event-stream': { schema: EventStreamItem } },
          },
          '4xx': ErrorBody,
        },
      },
      config: { op: 'events', auth: 'any', queryToken: true },
      // A stream's headers are only sent with its first event, and a HEAD answer has none: HEAD is 405.
      exposeHeadRoute: false,
    },
    async (request, reply) => {
      const caller = request.principal!;
      const { after, sid } = request.query;
      if (sid !== undefined) requireSet(caller, sid);
      const header = request.headers['last-event-id'];
      let start: number | null = after ?? null;
      if (header !== undefined) {
        if (typeof header !== 'string' || !DECIMAL.test(header)) {
          throw apiError(
            'invalid-last-event-id',
            { value: String(header) },
            `Last-Event-ID ${JSON.stringify(header)} is not an event sequence number`,
          );
        }
        start = Number(header);
      }
      reply.hijack();
      const stream = new SseStream(reply.raw, {
        sid: caller.kind === 'set' ? caller.sid : (sid ?? null),
        keepAliveMs: options.keepAliveMs,
        maxBufferedBytes: options.maxBufferedBytes,
        authorized: () => engine.isCurrent(caller),
      });
      options.streams.add(stream);
      stream.onEnd = () => options.streams.delete(stream);
      const source = {
        hub: engine.events,
        readEvents: (from: number, limit: number) => engine.readEvents(from, limit),
      };
      await stream.start(source, start).catch((error: unknown) => {
        request.log.warn({ err: error }, 'event stream failed');
        stream.close();
      });
    },
  );
}
