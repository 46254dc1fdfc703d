// Routes of leases: list, create, keep alive, delete (dropping every reference the lease holds).

import { Type } from 'typebox';
import type { Engine } from '../../engine/engine.js';
import { type App, BEARER } from '../app-types.js';
import { durably, noContent } from '../durably.js';
import { ErrorBody, LeaseBody, LeaseList, LeaseParams, LeaseView, OptionalSidQuery } from '../schemas.js';

const errors = { '4xx': ErrorBody, '5xx': ErrorBody };
const tags = ['leases'];

/** Registers the /v1/leases routes. */
export function leaseRoutes(app: App, engine: Engine): void {
  app.get(
    '/v1/leases',
    {
      schema: {
        tags,
        summary:
          'The live leases with what they hold, ascending (a set secret sees those it created; ?sid= for the admin)',
        security: BEARER,
        querystring: OptionalSidQuery,
        response: { 200: LeaseList, ...errors },
      },
      config: { op: 'lease.list', auth: 'any' },
    },
    (request) =>
      durably(engine, () => ({ leases: engine.inspection.leases(request.principal!, request.query.sid) })),
  );

  app.post(
    '/v1/leases',
    {
      schema: {
        tags,
        summary: 'Create a lease; it expires unless kept alive within ttlMs',
        security: BEARER,
        body: LeaseBody,
        response: { 201: LeaseView, ...errors },
      },
      config: { op: 'lease.create', auth: 'any' },
    },
    async (request, reply) => {
      const lease = await durably(engine, () => engine.createLease(request.principal!, request.body.ttlMs));
      return reply.code(201).send(lease);
    },
  );

  app.post(
    '/v1/leases/:lease/keepalive',
    {
      schema: {
        tags,
        summary: "Restart the lease's time to live",
        security: BEARER,
        params: LeaseParams,
        response: { 200: LeaseView, ...errors },
      },
      config: { op: 'lease.keepalive', auth: 'any' },
    },
    (request) => durably(engine, () => engine.keepalive(request.principal!, request.params.lease)),
  );

  app.delete(
    '/v1/leases/:lease',
    {
      schema: {
        tags,
        summary: 'Delete a lease, dropping every reference it holds',
        security: BEARER,
        params: LeaseParams,
        response: { 204: Type.Null({ description: 'done' }), ...errors },
      },
      config: { op: 'lease.delete', auth: 'any' },
    },
    async (request, reply) => {
      await durably(engine, () => engine.deleteLease(request.principal!, request.params.lease));
      return noContent(reply);
    },
  );
}
