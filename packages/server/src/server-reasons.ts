// The server's own reasons (credentials, access, leases, limits, the HTTP machinery), next to the core's
// ERROR_REASONS: each with its code, its values and, when the code's status does not fit, its HTTP status.

import { ERROR_CODES, type ErrorCode, type ErrorValue } from 'ioasid';
import { ApiError } from './api-error.js';

/** The values of each server reason, by name. */
export interface ServerReasonValues {
  'malformed-authorization': Record<string, never>;
  'no-credential': { method: string; route: string };
  'unknown-credential': Record<string, never>;
  'admin-only': { action: string; sid: number | null };
  'other-set': { sid: number; callerSid: number };
  'no-lease': { lease: string };
  'not-lease-creator': { lease: string };
  'lease-other-set': { lease: string; leaseSid: number; id: number; sid: number };
  'lease-limit': { sid: number | null; held: number; limit: number };
  'lease-ref-limit': { lease: string; held: number; limit: number };
  'no-lease-ref': { lease: string; id: number };
  'batch-over-quota': { sid: number; count: number; quota: number; requested: number };
  'data-too-large': { bytes: number; limit: number };
  'reserved-event-type': { type: string; reserved: string };
  'invalid-last-event-id': { value: string };
  'invalid-min-seq': { value: string };
  'seq-not-reached': { minSeq: number; seq: number; waitedMs: number };
  'invalid-map-range': { first: number; last: number };
  'store-unavailable': { cause: string; since: string };
  'not-ready': Record<string, never>;
  'invalid-field': { field: string };
  'unknown-field': { field: string };
  'missing-field': { field: string };
  'wrong-type': { field: string };
  'out-of-range': { field: string };
  'too-deep': { field: string; limit: number | null };
  'invalid-json': Record<string, never>;
  'prototype-key': Record<string, never>;
  'empty-body': Record<string, never>;
  'body-too-large': { limit: number };
  'unsupported-media-type': { contentType: string };
  'method-not-allowed': { method: string; path: string; allowed: string };
  'no-route': { method: string; path: string };
  'dashboard-not-built': Record<string, never>;
  'bad-request': { status: number; parser: string | null };
  'bad-url-encoding': { path: string };
  'uri-too-long': { limit: number; length: number | null };
  'headers-too-large': { limit: number };
  'request-timeout': Record<string, never>;
  'expectation-failed': { expect: string };
  'bad-http-version': { version: string };
  'missing-host': Record<string, never>;
  'shutting-down': Record<string, never>;
  'internal-error': { request: string };
}

/** Every reason the server refuses a request for on its own, such as `'admin-only'`. */
export type ServerReason = keyof ServerReasonValues;

/** One row of the server's reason table. */
export interface ServerReasonInfo<R extends ServerReason = ServerReason> {
  /** The code an error of this reason carries. */
  readonly code: ErrorCode;
  /** The names of its values. */
  readonly values: readonly (keyof ServerReasonValues[R] & string)[];
  /** The HTTP status when it is not the code's registry status (null: the registry's; 0: varies). */
  readonly status: number | null;
  /** What the reason means, one line (docs/server.md lists it). */
  readonly meaning: string;
}

function freezeRows<T extends object>(table: T): Readonly<T> {
  for (const row of Object.values(table)) {
    Object.freeze((row as { values: unknown }).values);
    Object.freeze(row);
  }
  return Object.freeze(table);
}

/**
 * The server's reason table. The advice table of the HTTP layer (http/advice.ts) has an entry for every
 * reason here and in the core's ERROR_REASONS, which a test checks.
 */
export const SERVER_REASONS: { readonly [R in ServerReason]: ServerReasonInfo<R> } = freezeRows({
  'malformed-authorization': {
    code: 'EPERM',
    values: [],
    status: null,
    meaning: 'the Authorization header is not "Bearer <secret>"',
  },
  'no-credential': {
    code: 'EPERM',
    values: ['method', 'route'],
    status: null,
    meaning: 'the route needs a credential and none was sent',
  },
  'unknown-credential': {
    code: 'EPERM',
    values: [],
    status: null,
    meaning: 'the credential sent is not one of this server',
  },
  'admin-only': {
    code: 'EACCES',
    values: ['action', 'sid'],
    status: null,
    meaning: 'only the admin token may do this',
  },
  'other-set': {
    code: 'EACCES',
    values: ['sid', 'callerSid'],
    status: null,
    meaning: 'a set secret named another set than its own',
  },
  'no-lease': {
    code: 'ENOENT',
    values: ['lease'],
    status: null,
    meaning: 'the lease does not exist (never created, deleted or expired)',
  },
  'not-lease-creator': {
    code: 'EACCES',
    values: ['lease'],
    status: null,
    meaning: 'the lease was created by another credential',
  },
  'lease-other-set': {
    code: 'EACCES',
    values: ['lease', 'leaseSid', 'id', 'sid'],
    status: null,
    meaning: "a set's lease may only reference that set's IDs",
  },
  'lease-limit': {
    code: 'ENOSPC',
    values: ['sid', 'held', 'limit'],
    status: null,
    meaning: 'the credential holds the most live leases it may (sid null: the admin token)',
  },
  'lease-ref-limit': {
    code: 'ENOSPC',
    values: ['lease', 'held', 'limit'],
    status: null,
    meaning: 'the lease holds the most references one lease may hold',
  },
  'no-lease-ref': {
    code: 'ENOENT',
    values: ['lease', 'id'],
    status: null,
    meaning: 'the lease holds no reference on the ID',
  },
  'batch-over-quota': {
    code: 'ENOSPC',
    values: ['sid', 'count', 'quota', 'requested'],
    status: null,
    meaning: 'a batch allocation does not fit in what is left of the quota',
  },
  'data-too-large': {
    code: 'EINVAL',
    values: ['bytes', 'limit'],
    status: null,
    meaning: "an ID's data is over the size limit as JSON text",
  },
  'reserved-event-type': {
    code: 'EINVAL',
    values: ['type', 'reserved'],
    status: null,
    meaning: "the event type is one of the server's own (reserved: comma-separated)",
  },
  'invalid-last-event-id': {
    code: 'EINVAL',
    values: ['value'],
    status: null,
    meaning: 'the Last-Event-ID header is not an event sequence number',
  },
  'invalid-min-seq': {
    code: 'EINVAL',
    values: ['value'],
    status: null,
    meaning: 'the ioasid-min-seq header is not an event sequence number',
  },
  'seq-not-reached': {
    code: 'EAGAIN',
    values: ['minSeq', 'seq', 'waitedMs'],
    status: null,
    meaning:
      'a read asked for the namespace as of minSeq, and this instance had only seen seq when waitedMs ran out',
  },
  'invalid-map-range': {
    code: 'EINVAL',
    values: ['first', 'last'],
    status: null,
    meaning: 'a map range is not first <= last',
  },
  'store-unavailable': {
    code: 'EAGAIN',
    values: ['cause', 'since'],
    status: null,
    meaning:
      'the store takes no writes (cause: why, in words; since: ISO 8601): a change is not applied, reads are served',
  },
  'not-ready': {
    code: 'EAGAIN',
    values: [],
    status: null,
    meaning: 'the server is shutting down',
  },
  'invalid-field': {
    code: 'EINVAL',
    values: ['field'],
    status: null,
    meaning: 'a field of the request breaks its schema (field: such as body.quota)',
  },
  'unknown-field': {
    code: 'EINVAL',
    values: ['field'],
    status: null,
    meaning: 'the request has a field its schema does not know (field: such as body.extra)',
  },
  'missing-field': {
    code: 'EINVAL',
    values: ['field'],
    status: null,
    meaning: 'the request lacks a required field (field: the object missing it)',
  },
  'wrong-type': {
    code: 'EINVAL',
    values: ['field'],
    status: null,
    meaning: 'a field has the wrong JSON type (an integer sent as a string, say)',
  },
  'out-of-range': {
    code: 'EINVAL',
    values: ['field'],
    status: null,
    meaning: 'a number is below its minimum or above its maximum',
  },
  'too-deep': {
    code: 'EINVAL',
    values: ['field', 'limit'],
    status: null,
    meaning:
      'a value nests arrays and objects deeper than allowed (limit: levels; null where no limit applies)',
  },
  'invalid-json': {
    code: 'EINVAL',
    values: [],
    status: null,
    meaning: 'the body is not valid JSON',
  },
  'prototype-key': {
    code: 'EINVAL',
    values: [],
    status: null,
    meaning: 'the body has a "__proto__" or "constructor.prototype" key',
  },
  'empty-body': {
    code: 'EINVAL',
    values: [],
    status: null,
    meaning: 'the body is empty but its content-type says JSON',
  },
  'body-too-large': {
    code: 'EINVAL',
    values: ['limit'],
    status: 413,
    meaning: 'the body is over the size limit (limit: bytes)',
  },
  'unsupported-media-type': {
    code: 'EINVAL',
    values: ['contentType'],
    status: 415,
    meaning: 'the body is not sent as JSON',
  },
  'method-not-allowed': {
    code: 'EINVAL',
    values: ['method', 'path', 'allowed'],
    status: 405,
    meaning: 'the path exists, but not with this method',
  },
  'no-route': {
    code: 'ENOENT',
    values: ['method', 'path'],
    status: null,
    meaning: 'no route has this path',
  },
  'dashboard-not-built': {
    code: 'ENOENT',
    values: [],
    status: null,
    meaning: 'GET /: the dashboard was not built into this server package (npm run build)',
  },
  'bad-request': {
    code: 'EINVAL',
    values: ['status', 'parser'],
    status: 0,
    meaning:
      "HTTP cannot parse the request, or fastify refused it (status: the answer's; parser: Node's or fastify's code)",
  },
  'bad-url-encoding': {
    code: 'EINVAL',
    values: ['path'],
    status: null,
    meaning: 'the path has a broken percent-encoding',
  },
  'uri-too-long': {
    code: 'EINVAL',
    values: ['limit', 'length'],
    status: 414,
    meaning: 'a path segment, the URL or the request line is too long (limit: characters or bytes)',
  },
  'headers-too-large': {
    code: 'EINVAL',
    values: ['limit'],
    status: 431,
    meaning: 'the request line and headers are over the limit together (limit: bytes)',
  },
  'request-timeout': {
    code: 'EINVAL',
    values: [],
    status: 408,
    meaning: 'the request did not arrive in time',
  },
  'expectation-failed': {
    code: 'EINVAL',
    values: ['expect'],
    status: 417,
    meaning: 'an Expect header other than 100-continue',
  },
  'bad-http-version': {
    code: 'EINVAL',
    values: ['version'],
    status: null,
    meaning: 'the request line names another HTTP version than 1.0 or 1.1',
  },
  'missing-host': {
    code: 'EINVAL',
    values: [],
    status: null,
    meaning: 'an HTTP/1.1 request without a Host header',
  },
  'shutting-down': {
    code: 'EAGAIN',
    values: [],
    status: null,
    meaning: 'the server is stopping and takes no new requests',
  },
  'internal-error': {
    code: 'EAGAIN',
    values: ['request'],
    status: null,
    meaning: 'the server failed to handle the request (request: its ID in the log)',
  },
});

/**
 * Builds the ApiError of a server reason: its code, its status, the fact as message, and its values.
 * @param fact what was wrong, with the values; advice is added when the error is answered (http/advice.ts)
 * @param status the HTTP status, for reasons whose status varies
 */
export function apiError<R extends ServerReason>(
  reason: R,
  values: ServerReasonValues[R],
  fact: string,
  status?: number,
): ApiError {
  const info: ServerReasonInfo<R> = SERVER_REASONS[reason];
  const stored: Record<string, ErrorValue> = {};
  for (const name of info.values) stored[name] = values[name] as ErrorValue;
  return new ApiError(
    info.code,
    fact,
    reason,
    stored,
    status ?? (info.status || ERROR_CODES[info.code].httpStatus),
  );
}
