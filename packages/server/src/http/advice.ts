// What an HTTP client should do about each refusal, in the HTTP API's terms (routes, owners, leases). The
// core and the engine state the fact; an answer's message is that fact, "; ", then the advice here.

import type { ErrorReason, ErrorValue, ReasonValues } from 'ioasid';
import type { ServerReason, ServerReasonValues } from '../server-reasons.js';

/** A reason's values as an error carries them (anything but string, number, boolean or null is text). */
type Stored<V> = { readonly [K in keyof V]: V[K] extends ErrorValue ? V[K] : ErrorValue };

/** The advice for one reason from its values, or null where no advice helps. */
type Advice<V> = ((values: Stored<V>) => string) | null;

/** The advice table's type: one entry per core reason and per server reason, none missing. */
export type AdviceTable = { readonly [R in ErrorReason]: Advice<ReasonValues[R]> } & {
  readonly [R in ServerReason]: Advice<ServerReasonValues[R]>;
};

const RAISE_QUOTA = (sid: ErrorValue) => `have the admin raise the quota (PATCH /v1/sets/${sid})`;

/**
 * Advice for every reason of the core (ERROR_REASONS) and of the server (SERVER_REASONS). Null where the
 * reason cannot reach an HTTP client (the schemas refuse the input first, or the server never calls the
 * core that way) or where the fact says all there is.
 */
export const ADVICE: AdviceTable = Object.freeze({
  // ---- the core's reasons -------------------------------------------------------------------
  'invalid-options': null,
  'invalid-callback': null,
  'invalid-capacity': null,
  'invalid-quota': null,
  'invalid-token': null,
  'invalid-destroy': null,
  'invalid-id': null,
  'invalid-spid': null,
  'invalid-sid': null,
  'invalid-range': () => 'send min <= max',
  'invalid-priority': null,
  'invalid-event-type': null,
  'invalid-allocator-ops': null,
  'capacity-installed': () =>
    'it was installed when the server started or by an earlier PUT /v1/capacity; GET /v1/capacity shows it',
  'no-capacity': () => 'install one with PUT /v1/capacity first',
  'quota-above-available': () =>
    'ask for less, or shrink another set first (PATCH /v1/sets/{sid}); GET /v1/capacity shows what is left',
  'growth-above-available': () =>
    'ask for less, or shrink or destroy another set first (PATCH /v1/sets/{sid}, DELETE /v1/sets/{sid}?destroy=true)',
  'quota-below-count': (v) =>
    `free IDs of set ${v.sid} first (DELETE /v1/ioasids/{id}) or choose a quota >= ${v.count}`,
  'owner-exists': (v) => `use that set or destroy it first (DELETE /v1/sets/${v.sid}?destroy=true)`,
  'system-set-exists': (v) =>
    `use it (GET /v1/sets/${v.sid}) or destroy it first (DELETE /v1/sets/${v.sid}?destroy=true)`,
  'system-set-dying': (v) => `create it again once GET /v1/sets/${v.sid} answers 404`,
  'set-ids-exhausted': () => 'destroy a set first (DELETE /v1/sets/{sid}?destroy=true)',
  'no-set': () => 'list the sets with GET /v1/sets, or create one with POST /v1/sets',
  'set-dying': (v) =>
    `it is gone once the leases referencing its IDs drop them (GET /v1/sets/${v.sid} then answers 404); create a new set with POST /v1/sets`,
  'set-quota': (v) => `free IDs (DELETE /v1/ioasids/{id}) or ${RAISE_QUOTA(v.sid)}`,
  'no-free-id': () => 'free IDs (DELETE /v1/ioasids/{id}) or widen the range (min, max)',
  'id-not-allocated': () => "list a set's IDs with GET /v1/sets/{sid}/ioasids",
  'foreign-id': (v) => `use set ${v.owner}'s secret or the admin token`,
  'free-pending': (v) =>
    `it is released once every lease drops its reference (DELETE /v1/ioasids/${v.id}/refs?lease=...); allocate a new ID with POST /v1/sets/{sid}/ioasids`,
  'no-reference': null,
  'spid-in-use': (v) => `detach it first with DELETE /v1/ioasids/${v.mappedId}/spid`,
  'no-spid': (v) => `attach one with PUT /v1/ioasids/${v.id}/spid first`,
  'spid-not-mapped': () => 'map one with PUT /v1/ioasids/{id}/spid',
  'already-subscribed': null,
  'not-subscribed': null,
  'allocator-registered': null,
  'allocator-not-registered': null,
  'default-allocator-busy': null,
  'allocator-busy': null,
  'allocator-no-free-id': null,
  'allocator-bad-id': null,
  'allocator-id-out-of-range': null,
  'allocator-id-allocated': null,
  'allocation-raced': () => 'retry',
  // ---- the server's reasons -----------------------------------------------------------------
  'malformed-authorization': () =>
    'send "Authorization: Bearer <secret>" with the admin token or a set secret',
  'no-credential': () => 'send "Authorization: Bearer <admin token or set secret>"',
  'unknown-credential': () => 'use the admin token or a secret returned by POST /v1/sets',
  'admin-only': null,
  'other-set': (v) => `use set ${v.sid}'s secret or the admin token`,
  'no-lease': () => 'create one with POST /v1/leases',
  'not-lease-creator': () => 'use a lease of your own',
  'lease-other-set': (v) => `use a lease created with set ${v.sid}'s secret or with the admin token`,
  'lease-limit': () =>
    'delete leases it no longer uses (DELETE /v1/leases/{lease}) or let them expire, then retry',
  'lease-ref-limit': () => 'drop some or use another lease',
  'no-lease-ref': (v) => `take one with POST /v1/ioasids/${v.id}/refs`,
  'batch-over-quota': (v) => `ask for fewer or ${RAISE_QUOTA(v.sid)}`,
  'data-too-large': () => 'store a key to your own data instead',
  'reserved-event-type': () => 'choose another',
  'invalid-last-event-id': () => 'send the id of the last event received, or no Last-Event-ID',
  'invalid-map-range': () => 'send first <= last (last defaults to the capacity - 1)',
  'store-unavailable': () =>
    'retry later: the server retries its store by itself and takes writes again once it recovers (GET /readyz answers 200 then)',
  'not-ready': () => 'use another instance',
  'invalid-min-seq': () => 'send the ioasid-seq value of an earlier answer, or no ioasid-min-seq',
  'seq-not-reached': () =>
    'retry, or read from the instance that answered the write (the value comes from its ioasid-seq header)',
  'invalid-field': null,
  'unknown-field': () => 'remove it (the fields of each route are listed in GET /openapi.json)',
  'missing-field': null,
  'wrong-type': null,
  'out-of-range': null,
  'too-deep': () => 'flatten it',
  'invalid-json': () => 'send a JSON object',
  'prototype-key': () => 'rename it',
  'empty-body': () => 'send a JSON object',
  'body-too-large': () => 'send less (a batch allocation takes a count, not a list)',
  'unsupported-media-type': () => 'send JSON with content-type: application/json',
  'method-not-allowed': (v) => `use ${v.allowed}`,
  'no-route': () => 'the API is described at /docs and /openapi.json',
  'dashboard-not-built': () =>
    'run `npm run build` in the ioasid repository (it writes packages/server/dashboard), then reload; the API works without it',
  'bad-request': () => 'send a well-formed HTTP/1.1 request (the API is described at GET /openapi.json)',
  'bad-url-encoding': () => 'percent-encode the path again (each % starts two hex digits of a UTF-8 byte)',
  'uri-too-long': () => 'send a shorter URL',
  'headers-too-large': () => 'send fewer or shorter headers',
  'request-timeout': () => 'send the whole request at once',
  'expectation-failed': () => 'send the request without it (only Expect: 100-continue is supported)',
  'bad-http-version': () => 'send HTTP/1.1',
  'missing-host': () => 'send a Host header',
  'shutting-down': () => 'retry against the restarted server or another instance',
  'internal-error': () => 'retry later',
});

/**
 * Returns the advice for `reason` with `values`, or null when the table has none (or does not know the
 * reason, such as `'unspecified'`).
 */
export function adviceFor(reason: string, values: Readonly<Record<string, ErrorValue>>): string | null {
  if (!Object.hasOwn(ADVICE, reason)) return null;
  const advice = ADVICE[reason as keyof AdviceTable] as ((v: typeof values) => string) | null;
  return advice === null ? null : advice(values);
}

/**
 * The message of an error answer: the error's own message (the fact), then "; " and the advice when the
 * table has one for its reason.
 */
export function withAdvice(error: {
  readonly message: string;
  readonly reason: string;
  readonly values: Readonly<Record<string, ErrorValue>>;
}): string {
  const advice = adviceFor(error.reason, error.values);
  return advice === null ? error.message : `${error.message}; ${advice}`;
}
