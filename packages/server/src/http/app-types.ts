// The fastify instance type used by every route module: typebox schemas give typed params and bodies.

import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import type { FastifyBaseLogger, FastifyInstance } from 'fastify';

/** The server's fastify instance. */
export type App = FastifyInstance<
  Server,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  TypeBoxTypeProvider
>;

/** The security requirement of routes that need a credential (OpenAPI). */
export const BEARER = [{ bearer: [] }];
