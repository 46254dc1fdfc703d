// Routes of the namespace's capacity: read it (any credential), install it once (admin).

import type { Engine } from '../../engine/engine.js';
import { type App, BEARER } from '../app-types.js';
import { durably } from '../durably.js';
import { CapacityBody, CapacityView, ErrorBody } from '../schemas.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };

/** Registers GET and PUT /v1/capacity. */
export function capacityRoutes(app: App, engine: Engine): void {
  app.get(
    '/v1/capacity',
    {
      schema: {
        tags: ['capacity'],
        summary: 'Capacity and the part not reserved by any set',
        security: BEARER,
        response: { 200: CapacityView, ...errors },
      },
      config: { op: 'capacity.get', auth: 'any' },
    },
    () => durably(engine, () => engine.capacity()),
  );

  app.put(
    '/v1/capacity',
    {
      schema: {
        tags: ['capacity'],
        summary: 'Install the capacity (once; EBUSY if installed)',
        security: BEARER,
        body: CapacityBody,
        response: { 200: CapacityView, ...errors },
      },
      config: { op: 'capacity.install', auth: 'admin' },
    },
    (request) => durably(engine, () => engine.installCapacity(request.principal!, request.body.capacity)),
  );
}
