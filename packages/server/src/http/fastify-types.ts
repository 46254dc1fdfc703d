// Type additions to fastify: the caller's principal on each request, and per-route configuration
// (the operation name used in metrics and who may call the route).

import type { ErrorCode } from 'ioasid';
import type { Principal } from '../engine/credentials.js';

/** Who may call a route: nobody needs a credential, any valid credential, or only the admin token. */
export type RouteAuth = 'none' | 'any' | 'admin';

declare module 'fastify' {
  interface FastifyRequest {
    /** The authenticated caller; null on routes that need no credential. */
    principal: Principal | null;
  }
  interface FastifyReply {
    /** The code of the error answered, for metrics; null on success. */
    errorCode: ErrorCode | null;
  }
  interface FastifyContextConfig {
    /** Operation name for metrics and logs, e.g. `alloc`. */
    op?: string;
    /** Who may call the route (every /v1 route must say). */
    auth?: RouteAuth;
    /** Also accept the credential as `?access_token=` (the event stream: EventSource cannot set headers). */
    queryToken?: boolean;
  }
}
