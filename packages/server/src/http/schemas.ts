// The JSON Schemas of every request and response (typebox, so they are plain JSON Schema): fastify
// validates with them and @fastify/swagger publishes them as the OpenAPI document. Strict everywhere.

import { type Static, Type } from 'typebox';

const strict = { additionalProperties: false } as const;

/** Largest set ID the API accepts as well formed (the core hands out far fewer: below 2^24). */
export const MAX_SID = 0x7fffffff;
/** Largest ID (INVALID_IOASID - 1). */
export const MAX_ID = 0xfffffffe;
/** Largest range bound, capacity or quota (2^32 - 1). */
export const MAX_U32 = 0xffffffff;
/** Most IDs one batch allocation may ask for. */
export const MAX_BATCH = 65_536;

/** A set ID in a path, query or answer. */
export const Sid = Type.Integer({ minimum: 0, maximum: MAX_SID, description: 'a set ID' });
/** An IOASID in a path or answer. */
export const Id = Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'an IOASID (PASID)' });
/** A guest's own ID (spid). */
export const Spid = Type.Integer({
  minimum: 0,
  maximum: MAX_ID,
  description: "a guest's own ID for an IOASID",
});
/** A quota, capacity or count: 0..2^32-1. */
export const Quota = Type.Integer({
  minimum: 0,
  maximum: MAX_U32,
  description: 'IDs a set may hold at once',
});
/** An inclusive range bound of an allocation: 0..0xFFFFFFFF (the top is clamped by the core). */
export const Bound = Type.Integer({ minimum: 0, maximum: MAX_U32 });
/** A lease ID (16 random bytes, base64url). */
export const LeaseName = Type.String({
  pattern: '^[A-Za-z0-9_-]{22}$',
  description: 'a lease ID as returned by POST /v1/leases',
});
/** An ID's private data: any JSON value (its size is checked by the engine). */
export const AnyJson = Type.Unknown({ description: 'any JSON value, at most 4 KiB as JSON text' });
/** An event sequence number (0: before the first event). */
export const Seq = Type.Integer({
  minimum: 0,
  maximum: Number.MAX_SAFE_INTEGER,
  description: 'an event sequence number',
});

/** The body of every error answer. */
export const ErrorBody = Type.Object(
  {
    error: Type.Object(
      {
        code: Type.String({ description: 'symbolic code such as ENOSPC; match on it' }),
        errno: Type.Integer({ description: 'the Linux errno of code' }),
        reason: Type.String({
          description: "machine-readable cause within the code, such as 'set-quota'; 'unspecified' when none",
        }),
        message: Type.String({ description: 'what was wrong and what to do' }),
        values: Type.Record(
          Type.String(),
          Type.Union([Type.String(), Type.Number(), Type.Boolean(), Type.Null()]),
          {
            description: 'the values the reason is about, such as { sid, quota, count }',
          },
        ),
      },
      strict,
    ),
  },
  strict,
);

/** `GET/PUT /v1/capacity` answer. */
export const CapacityView = Type.Object({ capacity: Quota, available: Quota }, strict);
/** `PUT /v1/capacity` body. */
export const CapacityBody = Type.Object(
  { capacity: Type.Integer({ minimum: 1, maximum: MAX_U32, description: 'IDs the namespace may hand out' }) },
  strict,
);

/** A set as every set route answers it. */
export const SetView = Type.Object(
  {
    sid: Sid,
    owner: Type.Union([Type.String(), Type.Null()], { description: 'owner; null for the system set' }),
    quota: Quota,
    count: Quota,
    dying: Type.Boolean({ description: 'destroyed, waiting for its last referenced ID' }),
  },
  strict,
);
/** A new set with its secret (`POST /v1/sets`, `POST /v1/sets/system`). */
export const NewSetView = Type.Object(
  {
    ...SetView.properties,
    secret: Type.String({ description: "the set's secret; shown only in this answer" }),
  },
  strict,
);
/** `GET /v1/sets` answer. */
export const SetList = Type.Object({ sets: Type.Array(SetView) }, strict);
/** `POST /v1/sets` body. */
export const CreateSetBody = Type.Object(
  {
    owner: Type.String({
      minLength: 1,
      maxLength: 128,
      description: 'the owner (a VM name); unique among live sets',
    }),
    quota: Quota,
  },
  strict,
);
/** `POST /v1/sets/system` and `PATCH /v1/sets/{sid}` body. */
export const QuotaBody = Type.Object({ quota: Quota }, strict);
/** Path parameters of `/v1/sets/{sid}...`. */
export const SidParams = Type.Object({ sid: Sid }, strict);
/** Path parameters of `/v1/sets/{sid}/spids/{spid}`. */
export const SpidParams = Type.Object({ sid: Sid, spid: Spid }, strict);
/** Query of `DELETE /v1/sets/{sid}`. */
export const DeleteSetQuery = Type.Object(
  {
    destroy: Type.Optional(Type.Boolean({ description: 'also destroy the set (admin only); default false' })),
  },
  strict,
);

/** Path parameters of `/v1/ioasids/{id}...`. */
export const IdParams = Type.Object({ id: Id }, strict);
/** A list of IDs, ascending (`GET /v1/sets/{sid}/ioasids`, batch allocation). */
export const IdList = Type.Object({ ids: Type.Array(Id) }, strict);
/** One ID (`POST /v1/sets/{sid}/ioasids` without count, spid lookup). */
export const OneId = Type.Object({ id: Id }, strict);
/** `POST /v1/sets/{sid}/ioasids` body. */
export const AllocBody = Type.Object(
  {
    min: Bound,
    max: Bound,
    data: Type.Optional(AnyJson),
    count: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_BATCH, description: 'allocate this many IDs, all or nothing' }),
    ),
  },
  strict,
);
/** `POST /v1/sets/{sid}/ioasids` answer: `{ id }`, or `{ ids }` with count. */
export const AllocResult = Type.Union([OneId, IdList]);
/** `GET /v1/ioasids/{id}` answer. */
export const IdView = Type.Object(
  {
    id: Id,
    sid: Sid,
    state: Type.Union([Type.Literal('active'), Type.Literal('free-pending')]),
    spid: Type.Union([Spid, Type.Null()]),
    data: AnyJson,
  },
  strict,
);
/** `PUT /v1/ioasids/{id}/data` body. */
export const DataBody = Type.Object({ data: AnyJson }, strict);
/** `PUT /v1/ioasids/{id}/spid` body. */
export const SpidBody = Type.Object({ spid: Spid }, strict);
/** `POST /v1/ioasids/{id}/notify` body. */
export const NotifyBody = Type.Object(
  {
    type: Type.String({
      pattern: '^[a-z0-9._:-]{1,64}$',
      description: '1-64 of a-z 0-9 . _ : - ; not alloc, free, reset or lease-expired',
    }),
  },
  strict,
);
/** `POST /v1/ioasids/{id}/notify` answer. */
export const NotifyResult = Type.Object(
  { result: Type.Integer({ description: "the in-process chain's result (NOTIFY_DONE = 0 when none)" }) },
  strict,
);

/** `POST /v1/leases` body. */
export const LeaseBody = Type.Object(
  { ttlMs: Type.Integer({ minimum: 1000, maximum: 600_000, description: 'time to live in milliseconds' }) },
  strict,
);
/** A lease as created or kept alive. */
export const LeaseView = Type.Object({ lease: LeaseName, ttlMs: Type.Integer() }, strict);
/** Path parameters of `/v1/leases/{lease}...`. */
export const LeaseParams = Type.Object({ lease: LeaseName }, strict);
/** `POST /v1/ioasids/{id}/refs` body. */
export const RefBody = Type.Object({ lease: LeaseName }, strict);
/** Query of `DELETE /v1/ioasids/{id}/refs`. */
export const RefQuery = Type.Object({ lease: LeaseName }, strict);
/** `DELETE /v1/ioasids/{id}/refs` answer. */
export const Released = Type.Object(
  { released: Type.Boolean({ description: 'the ID was released' }) },
  strict,
);

/** Query of `GET /v1/events`. */
export const EventsQuery = Type.Object(
  {
    after: Type.Optional(Seq),
    sid: Type.Optional(Sid),
    access_token: Type.Optional(
      Type.String({
        minLength: 1,
        maxLength: 256,
        description: 'credential for clients that cannot send headers',
      }),
    ),
  },
  strict,
);

/**
 * One event as the `data:` line of `GET /v1/events` carries it (the `id:` line is its `seq`, the `event:`
 * line its `type`). The server writes exactly this (sse-stream.ts) and the client's event type is generated
 * from it through the OpenAPI document.
 */
export const EventView = Type.Object(
  {
    seq: Seq,
    type: Type.String({
      description: 'alloc, free, bind, unbind, lease-expired, or a type published with notify',
    }),
    id: Type.Union([Id, Type.Null()], { description: 'the ID; null for lease-expired' }),
    sid: Type.Union([Sid, Type.Null()], {
      description: "the ID's set; for lease-expired the set that created the lease, null for the admin",
    }),
    spid: Type.Union([Spid, Type.Null()], { description: "the ID's spid, null when none" }),
    data: Type.Unknown({
      description: "the ID's data; for lease-expired { lease, released: [ids] }",
    }),
  },
  { ...strict, description: 'an event (the data line of a stream item whose event is not reset)' },
);
/** An event as the server sends it: the type of `EventView`. */
export type EventView = Static<typeof EventView>;
/** The `data:` line of `event: reset`: resynchronise, the stream goes on from `oldest`. */
export const ResetView = Type.Object(
  { oldest: Seq },
  { ...strict, description: 'the data line of `event: reset`: events before oldest are no longer kept' },
);
/** What one `data:` line of the event stream holds: an event, or a reset. */
export const EventStreamItem = Type.Union([EventView, ResetView], {
  description:
    'each stream item is `id: <seq>`, `event: <type>`, `data: <JSON>`; the JSON is an event, or `{ oldest }` ' +
    'when the event is reset',
});

/** `/healthz` and `/readyz` answer. */
export const Health = Type.Object({ status: Type.String() }, strict);

// ---- The dashboard's views ------------------------------------------------------------------------

/** The query of a route that takes no parameter: any parameter is refused (400 unknown-field). */
export const NoQuery = Type.Object({}, strict);

/** Query of `GET /v1/map`. */
export const MapQuery = Type.Object(
  {
    first: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'lowest ID (default 0)' })),
    last: Type.Optional(
      Type.Integer({ minimum: 0, maximum: MAX_ID, description: 'highest ID (default capacity - 1)' }),
    ),
    buckets: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1_048_576, description: 'buckets wanted (default 4096)' }),
    ),
  },
  strict,
);
/** `GET /v1/map` answer. */
export const MapView = Type.Object(
  {
    first: Id,
    last: Id,
    bucketSize: Type.Integer({ minimum: 0, description: 'IDs per bucket (the last may be shorter)' }),
    buckets: Type.Integer({ minimum: 0, description: 'number of buckets (the sum of the repeats)' }),
    sets: Type.Array(Sid, { description: 'the sets topping at least one bucket, ascending' }),
    runs: Type.Array(Type.Integer({ minimum: -1 }), {
      description:
        'quadruples repeat, used, pending, set: repeat consecutive buckets with used allocated IDs ' +
        '(free-pending included), pending free-pending ones, and set the index in sets of the set holding ' +
        'most (lowest sid on a tie), -1 when empty',
    }),
  },
  strict,
);

/** Query of `GET /v1/history` and `GET /v1/leases`. */
export const OptionalSidQuery = Type.Object({ sid: Type.Optional(Sid) }, strict);
/** `GET /v1/history` answer. */
export const HistoryView = Type.Object(
  {
    now: Type.Number({ description: 'the time of the answer, epoch milliseconds' }),
    intervalMs: Type.Integer({ description: 'milliseconds per entry of allocs and frees (1000)' }),
    allocs: Type.Array(Type.Integer({ minimum: 0 }), {
      description: 'committed alloc events per second, oldest first; the last is the current second',
    }),
    frees: Type.Array(Type.Integer({ minimum: 0 }), { description: 'committed free events per second' }),
    usageIntervalMs: Type.Integer({ description: 'milliseconds between two usage samples (10000)' }),
    usage: Type.Array(
      Type.Object(
        { sid: Sid, counts: Type.Array(Quota, { description: 'oldest first, the last now' }) },
        strict,
      ),
    ),
    rates: Type.Array(
      Type.Object(
        {
          sid: Sid,
          perSecond: Type.Number({ description: 'net allocations per second over the last 60 s' }),
        },
        strict,
      ),
    ),
  },
  strict,
);

/** One lease in `GET /v1/leases`. */
export const LeaseSummary = Type.Object(
  {
    lease: LeaseName,
    sid: Type.Union([Sid, Type.Null()], { description: 'the set that created it, null for the admin' }),
    ttlMs: Type.Integer(),
    expiresInMs: Type.Integer({ minimum: 0, description: 'milliseconds left unless kept alive' }),
    refs: Type.Integer({ minimum: 0, description: 'references held in total' }),
    ids: Type.Integer({ minimum: 0, description: 'distinct IDs referenced' }),
  },
  strict,
);
/** `GET /v1/leases` answer. */
export const LeaseList = Type.Object({ leases: Type.Array(LeaseSummary) }, strict);
/** `GET /v1/ioasids/{id}/refs` answer. */
export const IdRefsView = Type.Object(
  {
    id: Id,
    refs: Type.Integer({ minimum: 0, description: 'references on the ID (the owner’s until it is freed)' }),
    leases: Type.Array(
      Type.Object(
        {
          lease: LeaseName,
          sid: Type.Union([Sid, Type.Null()]),
          refs: Type.Integer({ minimum: 1 }),
        },
        strict,
      ),
    ),
  },
  strict,
);

/** Query of `GET /v1/sets/{sid}/events`. */
export const SetEventsQuery = Type.Object(
  {
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'events wanted (default 100)' }),
    ),
  },
  strict,
);
/** `GET /v1/sets/{sid}/events` answer. */
export const SetEventList = Type.Object({ events: Type.Array(EventView) }, strict);

/** Query of `GET /v1/sets/{sid}/ioasid-details`. */
export const IdDetailsQuery = Type.Object(
  {
    after: Type.Optional(
      Type.Integer({
        minimum: 0,
        maximum: MAX_ID,
        description: 'IDs above this one (default: from the first)',
      }),
    ),
    limit: Type.Optional(
      Type.Integer({ minimum: 1, maximum: 1000, description: 'IDs wanted (default 200)' }),
    ),
  },
  strict,
);
/** `GET /v1/sets/{sid}/ioasid-details` answer. */
export const IdDetailsView = Type.Object(
  {
    ids: Type.Array(
      Type.Object(
        {
          id: Id,
          state: Type.Union([Type.Literal('active'), Type.Literal('free-pending')]),
          spid: Type.Union([Spid, Type.Null()]),
          refs: Type.Integer({ minimum: 0 }),
          data: AnyJson,
        },
        strict,
      ),
    ),
    next: Type.Union([Id, Type.Null()], {
      description: 'the last ID of this page when more follow (pass it as after), else null',
    }),
  },
  strict,
);

/** `GET /v1/instances` answer. */
export const InstanceList = Type.Object(
  {
    instances: Type.Array(
      Type.Object(
        {
          name: Type.String({ description: 'host:pid' }),
          startedAt: Type.String({ format: 'date-time' }),
          lastSeenAt: Type.String({ format: 'date-time', description: 'its last heartbeat' }),
          seq: Seq,
        },
        strict,
      ),
    ),
  },
  strict,
);
