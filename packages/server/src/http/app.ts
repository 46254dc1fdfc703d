// Builds the fastify application around an engine: strict JSON parsing and validation, authentication,
// error mapping, 404/405, the routes, the OpenAPI document and browsable docs, metrics and logging.

import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import Fastify, { type FastifyBaseLogger, LogController } from 'fastify';
import type { Logger } from 'pino';
import type { ApiError } from '../api-error.js';
import type { Engine } from '../engine/engine.js';
import { Metrics } from '../metrics.js';
import { apiError } from '../server-reasons.js';
import type { App } from './app-types.js';
import { authenticate } from './auth.js';
import { DEFAULT_DASHBOARD_DIR, dashboardRoutes } from './dashboard.js';
import { toErrorReply } from './errors.js';
import { sendRefusal } from './refusal.js';
import './fastify-types.js';
import {
  MAX_SEGMENT_LENGTH,
  onCheckExpectation,
  onClientError,
  onFrameworkError,
  refuseEarly,
} from './refusals.js';
import { capacityRoutes } from './routes/capacity.js';
import { eventRoutes } from './routes/events.js';
import { ioasidRoutes } from './routes/ioasids.js';
import { leaseRoutes } from './routes/leases.js';
import { namespaceRoutes } from './routes/namespace.js';
import { opsRoutes } from './routes/ops.js';
import { setViewRoutes } from './routes/set-views.js';
import { setRoutes } from './routes/sets.js';
import { addMinSeqParameter, addSeqHeader, waitForMinSeq } from './seq-consistency.js';
import type { SseStream } from './sse-stream.js';
import { strictParams } from './strict-params.js';

/** Largest request body (64 KiB); larger ones are answered 413 EINVAL. */
export const BODY_LIMIT = 65_536;

/** Options of `buildApp`. */
export interface AppOptions {
  /** The allocator to serve. The app does not close it: close the app, then the engine. */
  readonly engine: Engine;
  /** A pino logger (see createLogger); false or omitted: no logs. */
  readonly logger?: Logger | false;
  /** Milliseconds between keep-alive comments on event streams (default 15,000). */
  readonly sseKeepAliveMs?: number;
  /** Unsent bytes after which a slow event-stream client is disconnected (default 8 MiB). */
  readonly sseMaxBufferedBytes?: number;
  /** How long a GET with `min_seq` waits for that sequence number (default 5,000 ms). */
  readonly minSeqWaitMs?: number;
  /** Include prom-client's process metrics (default true). */
  readonly defaultMetrics?: boolean;
  /** Package version shown in the OpenAPI document. */
  readonly version?: string;
  /**
   * The directory of the built dashboard served at GET / and /assets/* (default: the server package's
   * `dashboard/`, where `npm run build` writes it); false: no dashboard (GET / is then 404 `no-route`).
   */
  readonly dashboard?: string | false;
  /**
   * Re-reads the admin credentials (PostgreSQL: another instance may have recorded a token since); awaited
   * before an unknown secret shaped like an admin token is refused. It limits its own rate.
   */
  readonly refreshAdmin?: () => Promise<void>;
}

interface KnownRoute {
  readonly pattern: RegExp;
  readonly methods: string[];
}

/**
 * Creates the HTTP application (not listening yet: call `listen`). Every /v1 route must declare who may
 * call it; building fails otherwise.
 */
export async function buildApp(options: AppOptions): Promise<App> {
  const { engine } = options;
  const app: App = (
    options.logger
      ? Fastify({ loggerInstance: options.logger as FastifyBaseLogger, ...settings() })
      : Fastify({ logger: false, ...settings() })
  ).withTypeProvider<TypeBoxTypeProvider>();
  const metrics = new Metrics(engine, { defaultMetrics: options.defaultMetrics });
  const streams = new Set<SseStream>();
  let closing = false;
  const debug = options.logger ? options.logger.isLevelEnabled('debug') : false;

  app.decorateRequest('principal', null);
  app.decorateReply('errorCode', null);
  strictJsonBodies(app);

  const known: KnownRoute[] = [];
  app.addHook('onRoute', (route) => {
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (route.url.startsWith('/v1') && route.config?.auth === undefined) {
      throw new Error(`route ${methods.join(',')} ${route.url} must declare config.auth`);
    }
    known.push({ pattern: routePattern(route.url), methods: methods.map(String) });
    addMinSeqParameter(route);
  });

  await app.register(swagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'ioasid',
        version: options.version ?? '0.1.0',
        description:
          'The Linux IOASID allocator (PCIe PASID / SMMU SubstreamID) with guest-SVA sets, as a durable service. ' +
          'Errors are { error: { code, errno, message } }; match on code.',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer', description: 'the admin token or a set secret' },
          accessToken: {
            type: 'apiKey',
            in: 'query',
            name: 'access_token',
            description: 'event stream only',
          },
        },
      },
    },
  });

  // Refusals of the HTTP machinery answer with the API's error body too (see refusals.ts).
  app.server.on('checkExpectation', onCheckExpectation);
  app.addHook(
    'onRequest',
    refuseEarly(() => closing),
  );
  app.addHook('onRequest', authenticate(engine, options.refreshAdmin));
  app.addHook('preValidation', strictParams);
  app.addHook('preHandler', waitForMinSeq(engine.events, options.minSeqWaitMs));
  app.addHook('onSend', addSeqHeader(engine.events));
  app.addHook('onResponse', (request, reply, done) => {
    const op = request.routeOptions.config.op;
    if (op !== undefined) {
      const result = reply.statusCode < 400 ? 'ok' : (reply.errorCode ?? String(reply.statusCode));
      metrics.observe(op, result, reply.elapsedTime / 1000);
    }
    if (debug) {
      request.log.debug({ req: request, op, status: reply.statusCode, ms: reply.elapsedTime }, 'answered');
    }
    done();
  });

  app.setErrorHandler((error, request, reply) => {
    const { status, body } = toErrorReply(error, request);
    // A store outage is logged by the engine (once, a reminder a minute, and its end), not per request.
    if (status >= 500 && body.error.reason !== 'store-unavailable') {
      request.log.error({ err: error, req: request }, 'request failed');
    }
    reply.errorCode = body.error.code;
    return reply.code(status).send(body);
  });

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0];
    const allowed = new Set<string>();
    for (const route of known) if (route.pattern.test(path)) for (const m of route.methods) allowed.add(m);
    // A known path with another method is 405; with an allowed method it is a wildcard route that found
    // nothing (a missing /assets/ file), which is 404 like any unknown path.
    if (allowed.size > 0 && !allowed.has(request.method)) {
      const list = Array.from(allowed).sort().join(', ');
      reply.header('allow', list);
      return sendRefusal(
        reply,
        apiError(
          'method-not-allowed',
          { method: request.method, path, allowed: list },
          `${request.method} is not allowed on ${path}`,
        ),
      );
    }
    return sendRefusal(
      reply,
      apiError('no-route', { method: request.method, path }, `there is no route ${request.method} ${path}`),
    );
  });

  capacityRoutes(app, engine);
  setRoutes(app, engine);
  setViewRoutes(app, engine);
  ioasidRoutes(app, engine);
  leaseRoutes(app, engine);
  namespaceRoutes(app, engine);
  eventRoutes(app, engine, {
    keepAliveMs: options.sseKeepAliveMs ?? 15_000,
    maxBufferedBytes: options.sseMaxBufferedBytes ?? 8 * 1024 * 1024,
    streams,
  });
  opsRoutes(app, engine, metrics, () => closing);
  await app.register(swaggerUi, { routePrefix: '/docs' });
  if (options.dashboard !== false) await dashboardRoutes(app, options.dashboard ?? DEFAULT_DASHBOARD_DIR);

  // Responses not finished yet (event streams included), counted on the raw server: 'close' fires for
  // every response, also when its client went away, so the count cannot drift.
  let unfinished = 0;
  app.server.on('request', (_request, response) => {
    unfinished++;
    response.once('close', () => unfinished--);
  });
  let reaper: NodeJS.Timeout | null = null;
  app.addHook('preClose', (done) => {
    closing = true;
    // Event streams never end by themselves; end them so the server can close.
    for (const stream of streams) stream.close();
    // Requests in flight finish (and commit) normally. Keep-alive connections would hold the close open
    // until their timeout, and a connection that never sent a request is not "idle" to Node (it would
    // hold it open indefinitely), so idle ones are closed at once and every one once nothing is in flight.
    reaper = setInterval(() => {
      if (unfinished === 0) app.server.closeAllConnections();
      else app.server.closeIdleConnections();
    }, 25);
    done();
  });
  app.addHook('onClose', (_instance, done) => {
    if (reaper !== null) clearInterval(reaper);
    done();
  });
  await app.ready();
  return app;
}

const settings = () => ({
  bodyLimit: BODY_LIMIT,
  // Per-request lines are written by our onResponse hook at debug level: at 15k requests/s, info lines
  // for every request would cost more than the allocations.
  logController: new LogController({ disableRequestLogging: true }),
  // New requests while stopping are refused by refuseEarly, with the API's error body.
  return503OnClosing: false,
  routerOptions: { maxParamLength: MAX_SEGMENT_LENGTH },
  // Node would answer a missing Host header with an empty 400; refuseEarly answers it in the API's words.
  http: { requireHostHeader: false },
  clientErrorHandler: onClientError,
  frameworkErrors: onFrameworkError,
  ajv: {
    customOptions: { removeAdditional: false, coerceTypes: false, useDefaults: false, allErrors: false },
  },
});

/**
 * JSON only, parsed by fastify's safe parser (it refuses `__proto__` and `constructor.prototype` keys);
 * an empty body counts as none (for body-less POSTs). Refusals say exactly what was wrong.
 */
function strictJsonBodies(app: App): void {
  const parse = app.getDefaultJsonParser('error', 'error');
  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    if (body === '') {
      done(null, undefined);
      return;
    }
    parse(request, body as string, (error: Error | null, value?: unknown) => {
      if (error === null) done(null, value);
      else done(explainJsonError(body as string), undefined);
    });
  });
}

function explainJsonError(body: string): ApiError {
  try {
    JSON.parse(body);
  } catch (error) {
    return apiError('invalid-json', {}, `the body is not valid JSON (${(error as Error).message})`);
  }
  return apiError(
    'prototype-key',
    {},
    'the body has a "__proto__" or "constructor.prototype" key, which is refused (prototype poisoning)',
  );
}

/** A fastify URL pattern (`/v1/sets/:sid`, `/docs/*`) as a regular expression over paths. */
function routePattern(url: string): RegExp {
  const source = url
    .split('/')
    .map((segment) => {
      if (segment.startsWith(':')) return '[^/]+';
      if (segment === '*') return '.*';
      return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    })
    .join('/');
  return new RegExp(`^${source}$`);
}
