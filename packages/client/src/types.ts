// The client's public wire types: every one an alias into the types generated from the server's OpenAPI
// document (generated/openapi.ts), so a change of the server's schemas reaches the client by regenerating.

import type { paths } from './generated/openapi.js';

type Json<T> = T extends { content: { 'application/json': infer B } } ? B : never;
/** The JSON body of the `status` answer of `method` on `path`. */
type Answer<P extends keyof paths, M extends keyof paths[P], S extends PropertyKey> = paths[P][M] extends {
  responses: infer R;
}
  ? S extends keyof R
    ? Json<R[S]>
    : never
  : never;
/** The JSON request body of `method` on `path`. */
type Body<P extends keyof paths, M extends keyof paths[P]> = paths[P][M] extends {
  requestBody?: infer B;
}
  ? Json<NonNullable<B>>
  : never;

/** `{ capacity, available }` (GET/PUT /v1/capacity). */
export type CapacityView = Answer<'/v1/capacity', 'get', 200>;
/** A set: `{ sid, owner, quota, count, dying }` (owner null for the system set). */
export type SetView = Answer<'/v1/sets/{sid}', 'get', 200>;
/** A new set with its secret, shown only in this answer (POST /v1/sets, POST /v1/sets/system). */
export type NewSet = Answer<'/v1/sets', 'post', 201>;
/** `POST /v1/sets` body: `{ owner, quota }`. */
export type CreateSetRequest = Body<'/v1/sets', 'post'>;
/** `POST /v1/sets/{sid}/ioasids` body: `{ min, max, data?, count? }`. */
export type AllocRequest = Body<'/v1/sets/{sid}/ioasids', 'post'>;
/** `POST /v1/sets/{sid}/ioasids` answer: `{ id }`, or `{ ids }` with count. */
export type AllocAnswer = Answer<'/v1/sets/{sid}/ioasids', 'post', 201>;
/** An ID: `{ id, sid, state, spid, data }` (GET /v1/ioasids/{id}). */
export type IdView = Answer<'/v1/ioasids/{id}', 'get', 200>;
/** `{ lease, ttlMs }` (POST /v1/leases, keepalive). */
export type LeaseView = Answer<'/v1/leases', 'post', 201>;
/** `{ status }` of /healthz and /readyz. */
export type HealthView = Answer<'/healthz', 'get', 200>;
/** The error body of every non-2xx answer: `{ error: { code, errno, reason, message, values } }`. */
export type ErrorBody = Answer<'/v1/sets/{sid}', 'get', '4XX'>;

/** What one `data:` line of GET /v1/events holds (an event, or a reset's `{ oldest }`). */
type StreamItem = paths['/v1/events']['get']['responses'][200]['content']['text/event-stream'];
/** One event: `{ seq, type, id, sid, spid, data }`, as the server sends it. */
export type EventView = Extract<StreamItem, { seq: number }>;
/** The data of `event: reset`: `{ oldest }`. */
export type ResetData = Extract<StreamItem, { oldest: number }>;
/** The query of GET /v1/events (without the credential). */
export type EventsQuery = Omit<
  NonNullable<paths['/v1/events']['get']['parameters']['query']>,
  'access_token'
>;

/** The query of GET /v1/map: `{ first?, last?, buckets? }`. */
export type MapRange = NonNullable<paths['/v1/map']['get']['parameters']['query']>;
/** The occupancy map: `{ first, last, bucketSize, buckets, sets, runs }` (GET /v1/map). */
export type MapView = Answer<'/v1/map', 'get', 200>;
/** The last hour: `{ now, intervalMs, allocs, frees, usageIntervalMs, usage, rates }` (GET /v1/history). */
export type HistoryView = Answer<'/v1/history', 'get', 200>;
/** A lease with what it holds: `{ lease, sid, ttlMs, expiresInMs, refs, ids }` (GET /v1/leases). */
export type LeaseSummary = Answer<'/v1/leases', 'get', 200>['leases'][number];
/** The references on an ID: `{ id, refs, leases: [{ lease, sid, refs }] }` (GET /v1/ioasids/{id}/refs). */
export type IdRefs = Answer<'/v1/ioasids/{id}/refs', 'get', 200>;
/** A page of a set's IDs: `{ ids: [{ id, state, spid, refs, data }], next }` (GET .../ioasid-details). */
export type IdDetailsPage = Answer<'/v1/sets/{sid}/ioasid-details', 'get', 200>;
/** One ID of an IdDetailsPage. */
export type IdDetail = IdDetailsPage['ids'][number];
/** The query of GET /v1/sets/{sid}/ioasid-details: `{ after?, limit? }`. */
export type IdDetailsQuery = NonNullable<
  paths['/v1/sets/{sid}/ioasid-details']['get']['parameters']['query']
>;
/** A server instance: `{ name, startedAt, lastSeenAt, seq }` (GET /v1/instances). */
export type InstanceView = Answer<'/v1/instances', 'get', 200>['instances'][number];
