// Namespace-wide views for dashboards: the occupancy map, the last hour's history and the instances.

import type { Engine } from '../../engine/engine.js';
import { type App, BEARER } from '../app-types.js';
import { durably, durablyAsync } from '../durably.js';
import {
  ErrorBody,
  HistoryView,
  InstanceList,
  MapQuery,
  MapView,
  NoQuery,
  OptionalSidQuery,
} from '../schemas.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const tags = ['namespace'];

/** Registers GET /v1/map, GET /v1/history and GET /v1/instances. */
export function namespaceRoutes(app: App, engine: Engine): void {
  app.get(
    '/v1/map',
    {
      schema: {
        tags,
        summary:
          'Occupancy of [first, last] in buckets, run-length encoded (a set secret sees its own IDs only)',
        security: BEARER,
        querystring: MapQuery,
        response: { 200: MapView, ...errors },
      },
      config: { op: 'map', auth: 'any' },
    },
    async (request, reply) => {
      const map = await durably(engine, () => engine.inspection.map(request.principal!, request.query));
      // Serialized here: at 2^20 buckets `runs` may hold millions of numbers, which JSON.stringify
      // writes several times faster than the schema's serializer (the schema still documents it).
      return reply.serializer(JSON.stringify).send(map);
    },
  );

  app.get(
    '/v1/history',
    {
      schema: {
        tags,
        summary:
          "The last hour in memory: alloc and free events per second, a set's count every 10 s, net rates " +
          '(a set secret gets its own set)',
        security: BEARER,
        querystring: OptionalSidQuery,
        response: { 200: HistoryView, ...errors },
      },
      config: { op: 'history', auth: 'any' },
    },
    (request) => durably(engine, () => engine.inspection.history(request.principal!, request.query.sid)),
  );

  app.get(
    '/v1/instances',
    {
      schema: {
        tags,
        summary: 'The server instances serving the namespace (PostgreSQL: heartbeat at most 15 s old)',
        security: BEARER,
        querystring: NoQuery,
        response: { 200: InstanceList, ...errors },
      },
      config: { op: 'instances', auth: 'admin' },
    },
    (request) =>
      durablyAsync(engine, async () => ({
        instances: await engine.inspection.instances(request.principal!),
      })),
  );
}
