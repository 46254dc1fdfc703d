// Operational routes, no credential needed: liveness, readiness, Prometheus metrics, the OpenAPI document.

import type { Engine } from '../../engine/engine.js';
import type { Metrics } from '../../metrics.js';
import { apiError } from '../../server-reasons.js';
import type { App } from '../app-types.js';
import { sendRefusal } from '../refusal.js';
import { ErrorBody, Health } from '../schemas.js';

/** Registers /healthz, /readyz, /metrics and /openapi.json. `closing` tells whether shutdown began. */
export function opsRoutes(app: App, engine: Engine, metrics: Metrics, closing: () => boolean): void {
  app.get(
    '/healthz',
    {
      schema: { tags: ['operations'], summary: 'Alive: the process answers', response: { 200: Health } },
      config: { auth: 'none' },
    },
    async () => ({ status: 'ok' }),
  );

  app.get(
    '/readyz',
    {
      schema: {
        tags: ['operations'],
        summary:
          'Ready: state loaded, store writable, not shutting down (503 store-unavailable names the cause; reads are still served)',
        response: { 200: Health, 503: ErrorBody },
      },
      config: { auth: 'none' },
    },
    async (_request, reply) => {
      if (engine.stopped || closing()) {
        return sendRefusal(reply, apiError('not-ready', {}, 'the server is shutting down'));
      }
      const unavailable = engine.unavailable();
      if (unavailable !== null) return sendRefusal(reply, unavailable);
      return { status: 'ready' };
    },
  );

  app.get(
    '/metrics',
    {
      schema: { tags: ['operations'], summary: 'Prometheus metrics (text exposition format)' },
      config: { auth: 'none' },
    },
    async (_request, reply) => {
      const text = await metrics.registry.metrics();
      return reply.type(metrics.registry.contentType).send(text);
    },
  );

  app.get('/openapi.json', { schema: { hide: true }, config: { auth: 'none' } }, async () => app.swagger());
}
