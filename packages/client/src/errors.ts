// The two kinds of failure the client throws: the service's refusals as the core's IoasidError (with the
// HTTP status and URL), and transport failures (nothing answered, timeout, not the API) as TransportError.

import { ERROR_CODES, type ErrorCode, type ErrorValue, IoasidError } from 'ioasid';

/**
 * An error answer of the service (any status that is not 2xx, with the API's error body). It IS the core's
 * `IoasidError`, so `e instanceof IoasidError && e.code === 'ENOSPC' && e.reason === 'set-quota'` reads the
 * same in-process and over HTTP; it adds where the answer came from.
 */
export class IoasidHttpError extends IoasidError {
  /** The HTTP status of the answer (409 for ENOSPC, 503 for EAGAIN, ...). */
  readonly status: number;
  /** The request's method. */
  readonly method: string;
  /** The full URL that answered (the base URL that was tried, path and query). */
  readonly url: string;

  constructor(
    code: ErrorCode,
    message: string,
    reason: string,
    values: Readonly<Record<string, ErrorValue>>,
    where: { readonly status: number; readonly method: string; readonly url: string },
  ) {
    super(code, message, reason, values);
    this.name = 'IoasidError';
    this.status = where.status;
    this.method = where.method;
    this.url = where.url;
  }
}

/**
 * What went wrong on the way, not in the service:
 * - `unreachable`: no connection (refused, unknown host, reset, network down), or it broke before an answer;
 * - `timeout`: no complete answer within `timeoutMs`;
 * - `bad-answer`: something answered, but not with the ioasid API's JSON (a proxy's HTML page, a wrong port).
 */
export type TransportErrorKind = 'unreachable' | 'timeout' | 'bad-answer';

/** One URL tried for a request, and how it failed. */
export interface FailedAttempt {
  readonly url: string;
  readonly kind: TransportErrorKind | 'EAGAIN';
  readonly detail: string;
}

/**
 * A request that got no answer of the API: `kind` says why (see TransportErrorKind); `url` is the last base
 * URL tried, `attempts` every one tried (in order) with its own failure. The message names both. For
 * `bad-answer`, `status` and `contentType` describe what answered; `cause` is the underlying fetch error.
 */
export class TransportError extends Error {
  readonly kind: TransportErrorKind;
  /** The base URL of the last attempt. */
  readonly url: string;
  readonly method: string;
  /** Path and query of the request. */
  readonly path: string;
  /** A short cause: 'connection refused', 'the host name does not resolve', 'no answer within 30 s', ... */
  readonly detail: string;
  /** Every base URL tried for this request, in order. */
  readonly attempts: readonly FailedAttempt[];
  /** `bad-answer` only: the status and content type of what answered. */
  readonly status: number | null;
  readonly contentType: string | null;

  constructor(
    kind: TransportErrorKind,
    request: { readonly method: string; readonly path: string; readonly url: string },
    detail: string,
    options: {
      readonly attempts?: readonly FailedAttempt[];
      readonly status?: number;
      readonly contentType?: string | null;
      readonly cause?: unknown;
    } = {},
  ) {
    super(`${request.method} ${request.path} at ${request.url}: ${detail}`, { cause: options.cause });
    this.name = 'TransportError';
    this.kind = kind;
    this.url = request.url;
    this.method = request.method;
    this.path = request.path;
    this.detail = detail;
    this.attempts = options.attempts ?? [{ url: request.url, kind, detail }];
    this.status = options.status ?? null;
    this.contentType = options.contentType ?? null;
  }
}

/** True when `value` is an object shaped like the API's error body with a code of the registry. */
function errorPart(body: unknown): {
  code: ErrorCode;
  message: string;
  reason: string;
  values: Record<string, ErrorValue>;
} | null {
  const error = (body as { error?: unknown } | null)?.error as Record<string, unknown> | undefined | null;
  if (error === undefined || error === null || typeof error !== 'object') return null;
  const { code, message, reason, values } = error;
  if (typeof code !== 'string' || typeof message !== 'string' || !Object.hasOwn(ERROR_CODES, code)) {
    return null;
  }
  const clean: Record<string, ErrorValue> = {};
  if (values !== null && typeof values === 'object') {
    for (const [key, value] of Object.entries(values)) {
      if (value === null || ['string', 'number', 'boolean'].includes(typeof value)) {
        clean[key] = value as ErrorValue;
      }
    }
  }
  return {
    code: code as ErrorCode,
    message,
    reason: typeof reason === 'string' && reason !== '' ? reason : 'unspecified',
    values: clean,
  };
}

/**
 * The IoasidHttpError an error answer's parsed body stands for, or null when the body is not the API's
 * error body (the caller then reports a `bad-answer`). A body without `reason`/`values` (an older server)
 * gets `'unspecified'` and `{}`.
 */
export function errorFromBody(
  body: unknown,
  where: { readonly status: number; readonly method: string; readonly url: string },
): IoasidHttpError | null {
  const part = errorPart(body);
  if (part === null) return null;
  return new IoasidHttpError(part.code, part.message, part.reason, part.values, where);
}
