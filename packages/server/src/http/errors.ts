// Maps every failure to `{ error: { code, errno, reason, message, values } }` and an HTTP status. The status
// of each code comes from the one registry (ERROR_CODES.httpStatus); only transport errors (413, 415, 405)
// add their own. The message is the error's fact plus the advice of http/advice.ts for its reason.
// Refusals made before fastify routes a request (parser, router, Expect) are answered in refusals.ts.

import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { ERROR_CODES, type ErrorCode, type ErrorValue, isIoasidError } from 'ioasid';
import { ApiError } from '../api-error.js';
import { nestedDeeperThan } from '../engine/limits.js';
import { SERVER_REASONS, type ServerReason, type ServerReasonValues } from '../server-reasons.js';
import { withAdvice } from './advice.js';

/** HTTP status per error code, derived from the registry (one table for the whole project). */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = Object.freeze(
  Object.fromEntries(Object.entries(ERROR_CODES).map(([code, info]) => [code, info.httpStatus])) as Record<
    ErrorCode,
    number
  >,
);

/** The body of every error answer. */
export interface ErrorReply {
  error: {
    code: ErrorCode;
    errno: number;
    reason: string;
    message: string;
    values: Readonly<Record<string, ErrorValue>>;
  };
}

/**
 * Builds the error body for a code.
 * @param reason machine-readable cause (`'unspecified'` when none); @param values what it is about
 */
export function errorBody(
  code: ErrorCode,
  message: string,
  reason = 'unspecified',
  values: Readonly<Record<string, ErrorValue>> = {},
): ErrorReply {
  return { error: { code, errno: ERROR_CODES[code].errno, reason, message, values } };
}

interface AjvError {
  keyword: string;
  instancePath: string;
  message?: string;
  params: Record<string, unknown>;
}

/** Converts any error thrown while serving a request to a status and an error body. */
export function toErrorReply(error: unknown, request: FastifyRequest): { status: number; body: ErrorReply } {
  if (error instanceof ApiError) {
    return {
      status: error.status,
      body: errorBody(error.code, withAdvice(error), error.reason, error.values),
    };
  }
  if (isIoasidError(error)) {
    const reason = error.reason ?? 'unspecified';
    const values = error.values ?? {};
    return {
      status: HTTP_STATUS[error.code],
      body: errorBody(error.code, withAdvice({ message: error.message, reason, values }), reason, values),
    };
  }
  const e = error as FastifyError & { validation?: AjvError[]; validationContext?: string };
  if (Array.isArray(e.validation)) {
    const where = fieldOf(e.validation[0], e.validationContext);
    return {
      status: 400,
      body: reasonBody(
        validationReason(e.validation[0]),
        { field: where.length > 120 ? `${where.slice(0, 117)}...` : where },
        validationMessage(e.validation, e.validationContext, request),
      ),
    };
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    // Only input nested deeper than anything the API accepts gets this far; it can never succeed.
    return {
      status: 400,
      body: reasonBody(
        'too-deep',
        { field: 'body', limit: null },
        'the request nests arrays and objects too deeply to be handled',
      ),
    };
  }
  switch (e.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return {
        status: 413,
        body: reasonBody('body-too-large', { limit: 65536 }, 'the request body is over 64 KiB (65536 bytes)'),
      };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return {
        status: 415,
        body: reasonBody(
          'unsupported-media-type',
          { contentType: String(request.headers['content-type'] ?? '').slice(0, 120) },
          `content-type ${JSON.stringify(request.headers['content-type'] ?? '')} is not accepted`,
        ),
      };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return {
        status: 400,
        body: reasonBody('empty-body', {}, 'the body is empty but content-type says JSON'),
      };
  }
  const status = typeof e.statusCode === 'number' ? e.statusCode : 500;
  if (status === 400 && (e.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || error instanceof SyntaxError)) {
    return {
      status: 400,
      body: reasonBody('invalid-json', {}, `the body is not valid JSON (${e.message})`),
    };
  }
  if (status >= 400 && status < 500) {
    return {
      status,
      body: reasonBody(
        'bad-request',
        { status, parser: typeof e.code === 'string' ? e.code : null },
        e.message,
      ),
    };
  }
  return {
    status: HTTP_STATUS.EAGAIN,
    body: reasonBody(
      'internal-error',
      { request: String(request.id) },
      `the server failed to handle this request (request ${request.id} in its log)`,
    ),
  };
}

/** The dotted name of the field a schema violation is about (`body.quota`, `params.sid`). */
function fieldOf(error: AjvError, context: string | undefined): string {
  return [context ?? 'body', ...error.instancePath.split('/').slice(1).map(decodePointer)].join('.');
}

/** The machine-readable reason of a schema violation, by the rule it broke. */
function validationReason(
  error: AjvError,
): 'unknown-field' | 'missing-field' | 'wrong-type' | 'out-of-range' | 'invalid-field' {
  switch (error.keyword) {
    case 'additionalProperties':
      return 'unknown-field';
    case 'required':
      return 'missing-field';
    case 'type':
      return 'wrong-type';
    case 'minimum':
    case 'maximum':
      return 'out-of-range';
    default:
      return 'invalid-field';
  }
}

/** The body for a server reason: its code, the fact with the advice, and its values. */
function reasonBody<R extends ServerReason>(
  reason: R,
  values: ServerReasonValues[R] & Readonly<Record<string, ErrorValue>>,
  fact: string,
): ErrorReply {
  return errorBody(
    SERVER_REASONS[reason].code,
    withAdvice({ message: fact, reason, values }),
    reason,
    values,
  );
}

/** Turns the first schema violation into a sentence naming the field, what it must be and what it was. */
function validationMessage(errors: AjvError[], context: string | undefined, request: FastifyRequest): string {
  const first = errors[0];
  const part = context ?? 'body';
  const path = first.instancePath.split('/').slice(1).map(decodePointer);
  const where = [part, ...path].join('.');
  const got = describe(valueAt(request, part, path));
  const p = first.params;
  switch (first.keyword) {
    case 'additionalProperties':
      // What to do comes from the advice table (advice.ts), appended to every unknown-field message.
      return `${where} has an unknown field "${String(p.additionalProperty)}"`;
    case 'required':
      return `${where} is missing the required field "${String(p.missingProperty)}"`;
    case 'type':
      if (part === 'body' && path.length === 0 && got === 'missing') {
        return 'this request needs a JSON object body, sent with content-type: application/json';
      }
      return `${where} must be ${p.type === 'integer' ? 'an integer' : `of type ${String(p.type)}`}, not ${got}`;
    case 'minimum':
    case 'maximum':
      return `${where} must be ${first.keyword === 'minimum' ? '>=' : '<='} ${String(p.limit)}, not ${got}`;
    case 'pattern':
      return `${where} must match ${String(p.pattern)}, not ${got}`;
    default:
      return `${where} ${first.message ?? 'is not valid'} (got ${got}); see /openapi.json`;
  }
}

function decodePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function valueAt(request: FastifyRequest, part: string, path: string[]): unknown {
  const root: Record<string, unknown> = {
    body: request.body,
    querystring: request.query,
    params: request.params,
    headers: request.headers,
  };
  let value: unknown = root[part];
  for (const key of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string, unknown>)[key];
  }
  return value;
}

/** Values nested deeper than this are described by their depth, never turned into JSON text. */
const DESCRIBE_DEPTH = 64;

function describe(value: unknown): string {
  if (value === undefined) return 'missing';
  if (typeof value === 'number' && !Number.isFinite(value)) return `${value} (a number too large for JSON)`;
  if (nestedDeeperThan(value, DESCRIBE_DEPTH)) {
    return `${Array.isArray(value) ? 'an array' : 'an object'} nested more than ${DESCRIBE_DEPTH} levels deep`;
  }
  const text = typeof value === 'string' ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

/** Sends an error answer (used by hooks that refuse a request before its handler). */
export function sendError(
  reply: FastifyReply,
  status: number,
  code: ErrorCode,
  message: string,
  reason = 'unspecified',
  values: Readonly<Record<string, ErrorValue>> = {},
): FastifyReply {
  reply.errorCode = code;
  return reply.code(status).send(errorBody(code, message, reason, values));
}
