// Public entry of @ioasid/client: the client, its errors (the core's IoasidError over HTTP, and transport
// failures), the event stream's items and parser, leases, and the wire types generated from OpenAPI.

export {
  ERROR_CODES,
  ERROR_REASONS,
  type ErrorCode,
  type ErrorReason,
  type ErrorValue,
  INVALID_IOASID,
  IoasidError,
  isIoasidError,
  MAX_IOASID,
} from 'ioasid';
export { BACKOFF_MAX_MS, BACKOFF_MIN_MS, Backoff, type BackoffOptions } from './backoff.js';
export {
  type AllocRange,
  DEFAULT_TIMEOUT_MS,
  IoasidClient,
  type IoasidClientOptions,
  type Readiness,
} from './client.js';
export {
  errorFromBody,
  type FailedAttempt,
  IoasidHttpError,
  TransportError,
  type TransportErrorKind,
} from './errors.js';
export {
  type ConnectionNote,
  type EventsOptions,
  IDLE_TIMEOUT_MS,
  isReset,
  MalformedEventError,
  type ResetItem,
  type StreamItem,
} from './events.js';
export type { components, paths } from './generated/openapi.js';
export { type HoldLeaseOptions, LeaseHandle, type LeaseState } from './lease.js';
export { type SseHandlers, type SseMessage, SseParser } from './sse-parser.js';
export { baseUrl, type CallOptions, type Method } from './transport.js';
export type * from './types.js';
