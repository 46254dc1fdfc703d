// The onRequest hook that authenticates callers: `Authorization: Bearer <secret>` (or `?access_token=`
// on the event stream), 401 EPERM when missing or unknown, 403 EACCES on admin-only routes for set secrets.
// With PostgreSQL, an unknown secret that could be an admin token waits for a re-read of the admin hashes
// (another instance may have recorded it) before it is refused.

import type { FastifyReply, FastifyRequest } from 'fastify';
import { ADMIN_TOKEN_PATTERN } from '../admin-token.js';
import type { Principal } from '../engine/credentials.js';
import type { Engine } from '../engine/engine.js';
import { apiError } from '../server-reasons.js';
import { sendRefusal } from './refusal.js';

const BEARER = /^Bearer +([A-Za-z0-9._~+/=-]{1,256})$/i;

/**
 * The last Authorization header accepted on each connection: a keep-alive client sends the same header
 * with every request, so it is hashed once per connection instead of once per request. An entry is only
 * used while no credential was revoked since (the generation), so a destroyed set's secret stops at once.
 */
interface Accepted {
  readonly header: string;
  readonly principal: Principal;
  readonly generation: number;
}
const accepted = new WeakMap<object, Accepted>();

/**
 * Returns the hook; it sets `request.principal` on routes whose `config.auth` is not `none`.
 * @param refreshAdmin re-reads the admin credentials (see AppOptions.refreshAdmin); awaited, then asked
 * again, for an unknown secret shaped like an admin token; omitted: an unknown secret is refused at once
 */
export function authenticate(engine: Engine, refreshAdmin?: () => Promise<void>) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    const config = request.routeOptions.config;
    const auth = config.auth ?? 'none';
    if (auth === 'none') {
      done();
      return;
    }
    const header = request.headers.authorization;
    const socket = request.raw.socket;
    const known = header === undefined ? undefined : accepted.get(socket);
    if (known !== undefined && known.header === header && known.generation === engine.credentialGeneration) {
      if (auth === 'admin' && known.principal.kind !== 'admin') {
        refuseSetSecret(request, reply, known.principal);
        return;
      }
      request.principal = known.principal;
      done();
      return;
    }
    let secret: string | undefined;
    if (header !== undefined) {
      const match = BEARER.exec(header);
      if (match === null) {
        sendRefusal(
          reply,
          apiError('malformed-authorization', {}, 'the Authorization header is not "Bearer <secret>"'),
        );
        return;
      }
      secret = match[1];
    } else if (config.queryToken) {
      const token = (request.query as Record<string, unknown> | undefined)?.access_token;
      if (typeof token === 'string') secret = token;
    }
    if (secret === undefined) {
      const route = request.url.split('?')[0];
      sendRefusal(
        reply,
        apiError(
          'no-credential',
          { method: request.method, route },
          `${request.method} ${route} needs a credential`,
        ),
      );
      return;
    }
    const found = engine.authenticate(secret);
    const finish = (principal: Principal | null): void => {
      if (principal === null) {
        sendRefusal(reply, apiError('unknown-credential', {}, 'this credential is not known here'));
        return;
      }
      if (header !== undefined)
        accepted.set(socket, { header, principal, generation: engine.credentialGeneration });
      if (auth === 'admin' && principal.kind !== 'admin') {
        refuseSetSecret(request, reply, principal);
        return;
      }
      request.principal = principal;
      done();
    };
    if (found === null && refreshAdmin !== undefined && ADMIN_TOKEN_PATTERN.test(secret)) {
      const presented = secret;
      refreshAdmin().then(
        () => finish(engine.authenticate(presented)),
        () => finish(null),
      );
      return;
    }
    finish(found);
  };
}

function refuseSetSecret(request: FastifyRequest, reply: FastifyReply, principal: Principal): void {
  const action = `${request.method} ${request.routeOptions.url}`;
  const sid = principal.kind === 'set' ? principal.sid : null;
  sendRefusal(
    reply,
    apiError(
      'admin-only',
      { action, sid },
      `${action} needs the admin token; the secret of set ${sid} may not call it`,
    ),
  );
}
