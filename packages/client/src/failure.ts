// Classifies a failed fetch: what happened (unreachable or timeout), in words, and whether the request
// certainly never reached a server (only then may a non-idempotent request be sent elsewhere).

import type { TransportErrorKind } from './errors.js';

/** A fetch failure as the failover logic sees it. */
export interface FetchFailure {
  readonly kind: Exclude<TransportErrorKind, 'bad-answer'>;
  readonly detail: string;
  /** True only when the connection was never made, so no server can have seen the request. */
  readonly beforeSend: boolean;
}

/** Error codes (Node's fetch puts them on `cause.code`) of connections that were never established. */
const NOT_CONNECTED: Readonly<Record<string, string>> = {
  ECONNREFUSED: 'connection refused',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve (temporary DNS failure)',
  EHOSTUNREACH: 'no route to the host',
  ENETUNREACH: 'the network is unreachable',
  EADDRNOTAVAIL: 'the address is not available',
  UND_ERR_CONNECT_TIMEOUT: 'the connection timed out',
};

/** The first `code` on an error, its cause, or (for an AggregateError of several addresses) its errors. */
function codeOf(error: unknown, depth = 0): string | undefined {
  if (error === null || typeof error !== 'object' || depth > 3) return undefined;
  const { code, cause, errors } = error as { code?: unknown; cause?: unknown; errors?: unknown };
  if (typeof code === 'string') return code;
  if (Array.isArray(errors)) {
    for (const inner of errors) {
      const found = codeOf(inner, depth + 1);
      if (found !== undefined) return found;
    }
  }
  return codeOf(cause, depth + 1);
}

/**
 * Classifies what `fetch` (or reading its body) threw when the caller did not abort.
 * @param timedOut the client's own timeout fired
 * @param timeoutMs the timeout, for the words
 */
export function classifyFailure(error: unknown, timedOut: boolean, timeoutMs: number): FetchFailure {
  const code = codeOf(error);
  if (code !== undefined && Object.hasOwn(NOT_CONNECTED, code)) {
    return {
      kind: code === 'UND_ERR_CONNECT_TIMEOUT' ? 'timeout' : 'unreachable',
      detail: NOT_CONNECTED[code],
      beforeSend: true,
    };
  }
  if (timedOut)
    return { kind: 'timeout', detail: `no answer within ${timeoutMs / 1000} s`, beforeSend: false };
  const cause = (error as { cause?: { message?: unknown } } | null)?.cause?.message;
  const message = typeof cause === 'string' ? cause : error instanceof Error ? error.message : String(error);
  return {
    kind: 'unreachable',
    detail: code === undefined ? message : `${message} (${code})`,
    beforeSend: false,
  };
}
