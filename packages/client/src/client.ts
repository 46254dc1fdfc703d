// IoasidClient: every endpoint of the ioasid HTTP API as a typed method, over the failover transport,
// plus the resuming event stream and leases kept alive. Runs in browsers and Node >= 20.19.

import { IoasidHttpError, TransportError } from './errors.js';
import { type EventsOptions, followEvents, type StreamItem } from './events.js';
import { type HoldLeaseOptions, LeaseHandle } from './lease.js';
import { type CallOptions, Transport } from './transport.js';
import type {
  AllocAnswer,
  CapacityView,
  CreateSetRequest,
  EventView,
  HealthView,
  HistoryView,
  IdDetailsPage,
  IdDetailsQuery,
  IdRefs,
  IdView,
  InstanceView,
  LeaseSummary,
  LeaseView,
  MapRange,
  MapView,
  NewSet,
  SetView,
} from './types.js';

/** Default milliseconds one attempt of a request may take. */
export const DEFAULT_TIMEOUT_MS = 30_000;

/** Options of `new IoasidClient`. */
export interface IoasidClientOptions {
  /**
   * Base URL(s) of the server, e.g. `http://127.0.0.1:7070` (a path prefix is kept). Several URLs are
   * instances of one namespace: see Transport for the failover rules.
   */
  readonly urls: string | readonly string[];
  /** The admin token or a set secret, sent as `Authorization: Bearer`. */
  readonly token?: string;
  /** Milliseconds one attempt may take before it fails with a `timeout` (default 30,000). */
  readonly timeoutMs?: number;
  /** The fetch to use (default the global one). */
  readonly fetch?: typeof fetch;
  /**
   * Read your own writes across instances: every GET sends the highest `ioasid-seq` seen so far as
   * `ioasid-min-seq`, so an instance that has not yet heard of this client's last change waits for it
   * (default false: a read on another instance may lag by the time instances take to hear of each
   * other's commits).
   */
  readonly readYourWrites?: boolean;
}

/** Where to allocate: an inclusive range and the data attached to the ID(s). */
export interface AllocRange {
  /** Lowest ID, inclusive (default 1: PASID 0 is the RID_PASID of DMA without a PASID). */
  readonly min?: number;
  /** Highest ID, inclusive (default 0xFFFFFFFF, which the core clamps to 0xFFFFFFFE). */
  readonly max?: number;
  /** Any JSON value, at most 4 KiB as JSON text. */
  readonly data?: unknown;
}

const path = (strings: TemplateStringsArray, ...values: Array<number | string>) =>
  strings.reduce(
    (out, s, i) => out + s + (i < values.length ? encodeURIComponent(String(values[i])) : ''),
    '',
  );

/** `?a=1&b=2` of the defined values (in the given order), or '' when none is. */
const query = (values: Record<string, number | undefined>): string => {
  const parts: string[] = [];
  for (const [key, value] of Object.entries(values)) {
    if (value !== undefined) parts.push(`${key}=${encodeURIComponent(String(value))}`);
  }
  return parts.length === 0 ? '' : `?${parts.join('&')}`;
};

/** What `readiness()` reports: whether the server takes writes, and if not why. */
export interface Readiness {
  /** True when `/readyz` answered 200. */
  readonly ready: boolean;
  /** The refusal's reason (`store-unavailable`, `not-ready`), null when ready. */
  readonly reason: string | null;
  /** Why the store takes no writes, in words ("the disk holding ./data is full"); null when not said. */
  readonly cause: string | null;
  /** Since when (ISO 8601); null when not said. */
  readonly since: string | null;
  /** The refusal's message, null when ready. */
  readonly message: string | null;
}

/**
 * A client of one ioasid namespace. Every method sends one request (with failover) and resolves with the
 * answer's typed body. Every method takes `{ signal }` (combined with the timeout: an abort rejects with
 * the signal's reason). Errors:
 * - `IoasidHttpError` (an `IoasidError` of the core with `status`, `method`, `url`) for every refusal of
 *   the service, with its `code`, `errno`, `reason` and `values`: EINVAL 400, EPERM 401 (no or unknown
 *   credential), EACCES 403 (another set's), ENOENT 404, EBUSY / EEXIST / ENOSPC 409, EAGAIN 503;
 * - `TransportError` with `kind` `unreachable`, `timeout` or `bad-answer` when no URL gave an API answer.
 */
export class IoasidClient {
  readonly #transport: Transport;

  /** @throws TypeError when a URL is not an http(s) base URL, or none is given */
  constructor(options: IoasidClientOptions) {
    const urls = typeof options.urls === 'string' ? [options.urls] : options.urls;
    this.#transport = new Transport({
      urls,
      token: options.token ?? null,
      timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS,
      fetch: options.fetch ?? ((input, init) => globalThis.fetch(input, init)),
      readYourWrites: options.readYourWrites ?? false,
    });
  }

  /** The base URLs, normalised (no trailing slash). */
  get urls(): readonly string[] {
    return this.#transport.urls;
  }

  /** The base URL requests go to first: the last one that answered. */
  get url(): string {
    return this.#transport.url;
  }

  /**
   * The highest `ioasid-seq` header seen (0 before the first answer): the namespace's event sequence
   * number as of this client's last acknowledged change or read. Pass it as `minSeq` to read it back.
   */
  get lastSeq(): number {
    return this.#transport.lastSeq;
  }

  // Capacity

  /** `GET /v1/capacity`: the capacity and the part no set has reserved. Any credential. */
  capacity(options?: CallOptions): Promise<CapacityView> {
    return this.#get('/v1/capacity', options);
  }

  /**
   * `PUT /v1/capacity` (admin): installs the capacity, once. @throws EBUSY when one is installed; EINVAL
   * for 0 or more than 2^32-1
   */
  installCapacity(capacity: number, options?: CallOptions): Promise<CapacityView> {
    return this.#call('PUT', '/v1/capacity', { capacity }, options);
  }

  // Sets

  /**
   * `POST /v1/sets` (admin): creates a set for `owner` (a VM name, unique among live sets) with `quota`.
   * The answer carries the set's secret, shown only this once. Emits nothing.
   * @throws EEXIST for an owner in use; ENOSPC when the quota exceeds what is available
   */
  createSet(request: CreateSetRequest, options?: CallOptions): Promise<NewSet> {
    return this.#call('POST', '/v1/sets', request, options);
  }

  /** `POST /v1/sets/system` (admin): creates the system set (owner null). @throws EEXIST if it exists */
  createSystemSet(quota: number, options?: CallOptions): Promise<NewSet> {
    return this.#call('POST', '/v1/sets/system', { quota }, options);
  }

  /** `GET /v1/sets`: the sets (a set secret sees its own only). */
  async listSets(options?: CallOptions): Promise<SetView[]> {
    return (await this.#get<{ sets: SetView[] }>('/v1/sets', options)).sets;
  }

  /** `GET /v1/sets/{sid}` (admin, its secret). @throws ENOENT; EACCES for another set's secret */
  getSet(sid: number, options?: CallOptions): Promise<SetView> {
    return this.#get(path`/v1/sets/${sid}`, options);
  }

  /**
   * `PATCH /v1/sets/{sid}` (admin): changes the quota. @throws EINVAL below its count; ENOSPC when the
   * growth exceeds what is available; ENOENT
   */
  adjustSet(sid: number, quota: number, options?: CallOptions): Promise<SetView> {
    return this.#call('PATCH', path`/v1/sets/${sid}`, { quota }, options);
  }

  /**
   * `DELETE /v1/sets/{sid}`: frees every ID of the set (emits one `free` each); with `destroy` (admin
   * only) destroys it too. Alias: `destroySet`.
   */
  async freeSet(sid: number, options?: CallOptions & { readonly destroy?: boolean }): Promise<void> {
    await this.#call(
      'DELETE',
      path`/v1/sets/${sid}?destroy=${String(options?.destroy ?? false)}`,
      undefined,
      options,
    );
  }

  /** `DELETE /v1/sets/{sid}?destroy=true` (admin): frees every ID of the set and destroys it. */
  destroySet(sid: number, options?: CallOptions): Promise<void> {
    return this.freeSet(sid, { ...options, destroy: true });
  }

  /** `GET /v1/sets/{sid}/ioasids`: the set's IDs, ascending (free-pending included). */
  async listIds(sid: number, options?: CallOptions): Promise<number[]> {
    return (await this.#get<{ ids: number[] }>(path`/v1/sets/${sid}/ioasids`, options)).ids;
  }

  /**
   * `POST /v1/sets/{sid}/ioasids`: allocates the lowest free ID in [min, max] (ioasid_alloc); emits
   * `alloc`. @throws ENOSPC (`reason` says which limit: quota, capacity, range); ENOENT; EACCES
   */
  async alloc(sid: number, range: AllocRange = {}, options?: CallOptions): Promise<number> {
    const answer = await this.#alloc(sid, range, undefined, options);
    return (answer as { id: number }).id;
  }

  /**
   * `POST /v1/sets/{sid}/ioasids` with `count` (1 to 65,536): allocates that many IDs, all or nothing;
   * emits one `alloc` each. @throws as alloc
   */
  async allocMany(
    sid: number,
    count: number,
    range: AllocRange = {},
    options?: CallOptions,
  ): Promise<number[]> {
    const answer = await this.#alloc(sid, range, count, options);
    return (answer as { ids: number[] }).ids;
  }

  /** `GET /v1/sets/{sid}/spids/{spid}`: the ID guest ID `spid` stands for (ioasid_find_by_spid). */
  async findBySpid(sid: number, spid: number, options?: CallOptions): Promise<number> {
    return (await this.#get<{ id: number }>(path`/v1/sets/${sid}/spids/${spid}`, options)).id;
  }

  // IDs

  /** `GET /v1/ioasids/{id}`: the ID's set, state (`active`, `free-pending`), spid and data. @throws ENOENT */
  describeId(id: number, options?: CallOptions): Promise<IdView> {
    return this.#get(path`/v1/ioasids/${id}`, options);
  }

  /** `DELETE /v1/ioasids/{id}`: frees the ID (ioasid_free; released once no reference holds it); emits `free`. */
  async free(id: number, options?: CallOptions): Promise<void> {
    await this.#call('DELETE', path`/v1/ioasids/${id}`, undefined, options);
  }

  /** `PUT /v1/ioasids/{id}/data`: replaces the ID's data (null clears it; at most 4 KiB as JSON). */
  async setData(id: number, data: unknown, options?: CallOptions): Promise<void> {
    await this.#call('PUT', path`/v1/ioasids/${id}/data`, { data }, options);
  }

  /** `PUT /v1/ioasids/{id}/spid`: maps guest ID `spid` to the ID (BIND); emits `bind`. @throws EEXIST, EBUSY */
  async attachSpid(id: number, spid: number, options?: CallOptions): Promise<void> {
    await this.#call('PUT', path`/v1/ioasids/${id}/spid`, { spid }, options);
  }

  /** `DELETE /v1/ioasids/{id}/spid`: removes the ID's guest ID mapping (UNBIND); emits `unbind`. */
  async detachSpid(id: number, options?: CallOptions): Promise<void> {
    await this.#call('DELETE', path`/v1/ioasids/${id}/spid`, undefined, options);
  }

  /** `POST /v1/ioasids/{id}/notify`: publishes an event of your `type`; returns the in-process chain's result. */
  async notify(id: number, type: string, options?: CallOptions): Promise<number> {
    return (await this.#call<{ result: number }>('POST', path`/v1/ioasids/${id}/notify`, { type }, options))
      .result;
  }

  // Leases and references

  /** `POST /v1/leases`: creates a lease of `ttlMs` (1,000 to 600,000); it expires unless kept alive. */
  createLease(ttlMs: number, options?: CallOptions): Promise<LeaseView> {
    return this.#call('POST', '/v1/leases', { ttlMs }, options);
  }

  /** `POST /v1/leases/{lease}/keepalive` (its creator): restarts its TTL. @throws ENOENT once it expired */
  keepalive(lease: string, options?: CallOptions): Promise<LeaseView> {
    return this.#call('POST', path`/v1/leases/${lease}/keepalive`, undefined, options);
  }

  /** `DELETE /v1/leases/{lease}` (its creator): deletes it, dropping every reference it holds. */
  async deleteLease(lease: string, options?: CallOptions): Promise<void> {
    await this.#call('DELETE', path`/v1/leases/${lease}`, undefined, options);
  }

  /** `POST /v1/ioasids/{id}/refs`: takes a reference on the ID held by `lease` (ioasid_get). */
  async takeRef(id: number, lease: string, options?: CallOptions): Promise<void> {
    await this.#call('POST', path`/v1/ioasids/${id}/refs`, { lease }, options);
  }

  /** `DELETE /v1/ioasids/{id}/refs?lease=`: drops one reference (ioasid_put); true when the ID was released. */
  async dropRef(id: number, lease: string, options?: CallOptions): Promise<boolean> {
    return (
      await this.#call<{ released: boolean }>(
        'DELETE',
        path`/v1/ioasids/${id}/refs?lease=${lease}`,
        undefined,
        options,
      )
    ).released;
  }

  /**
   * Creates a lease of `ttlMs` and keeps it alive every ttl/3 until `release()` or the signal aborts (see
   * LeaseHandle: a failed keepalive is reported, and a lease that cannot be kept is `lost`).
   * @throws as createLease
   */
  async holdLease(ttlMs: number, options: HoldLeaseOptions = {}): Promise<LeaseHandle> {
    const view = await this.createLease(ttlMs, { signal: options.signal });
    return new LeaseHandle(this, view, options);
  }

  // Dashboard views

  /**
   * `GET /v1/map`: the occupancy of `[first, last]` (default the whole capacity) in `buckets` buckets
   * (default 4096, at most 2^20), run-length encoded as `runs` of `repeat, used, pending, set` (set: an
   * index into `sets`, -1 for empty buckets). A set secret's map counts its own IDs only.
   * @throws EINVAL for first > last or more than 2^20 buckets
   */
  map(range: MapRange = {}, options?: CallOptions): Promise<MapView> {
    return this.#get(
      `/v1/map${query({ first: range.first, last: range.last, buckets: range.buckets })}`,
      options,
    );
  }

  /**
   * `GET /v1/history`: the server's last hour in memory (empty after its start): alloc and free events
   * per second (of `sid` when given, always the caller's own set for a set secret), `sid`'s count every
   * 10 s, and the net allocation rate of every visible set whose count changed in the last 60 s.
   * @throws ENOENT for an unknown set; EACCES for another set's with a set secret
   */
  history(sid?: number, options?: CallOptions): Promise<HistoryView> {
    return this.#get(`/v1/history${query({ sid })}`, options);
  }

  /**
   * `GET /v1/leases`: the live leases with their references, ascending by name: those the caller created
   * for a set secret; every lease for the admin, or with `sid` those that set's secret created.
   */
  async listLeases(sid?: number, options?: CallOptions): Promise<LeaseSummary[]> {
    return (await this.#get<{ leases: LeaseSummary[] }>(`/v1/leases${query({ sid })}`, options)).leases;
  }

  /**
   * `GET /v1/ioasids/{id}/refs` (admin, the ID's set): the references on the ID and the leases holding
   * them. @throws ENOENT when the ID is not allocated; EACCES for another set's ID
   */
  idRefs(id: number, options?: CallOptions): Promise<IdRefs> {
    return this.#get(path`/v1/ioasids/${id}/refs`, options);
  }

  /**
   * `GET /v1/sets/{sid}/events` (admin, its secret): the set's last `limit` (1 to 1,000, default 100)
   * retained events, ascending, as the event stream sends them. @throws ENOENT for an unknown set
   */
  async setEvents(sid: number, limit?: number, options?: CallOptions): Promise<EventView[]> {
    return (
      await this.#get<{ events: EventView[] }>(path`/v1/sets/${sid}/events` + query({ limit }), options)
    ).events;
  }

  /**
   * `GET /v1/sets/{sid}/ioasid-details` (admin, its secret): the set's IDs above `after` (default: from
   * the first), at most `limit` (1 to 1,000, default 200), with state, spid, references and data; `next`
   * is the `after` of the next page, null on the last. @throws ENOENT for an unknown set
   */
  idDetails(sid: number, page: IdDetailsQuery = {}, options?: CallOptions): Promise<IdDetailsPage> {
    const q = query({ after: page.after, limit: page.limit });
    return this.#get(path`/v1/sets/${sid}/ioasid-details` + q, options);
  }

  /**
   * `GET /v1/instances` (admin): the server instances serving the namespace (on SQLite the one server;
   * on PostgreSQL those whose heartbeat is at most 15 s old).
   */
  async instances(options?: CallOptions): Promise<InstanceView[]> {
    return (await this.#get<{ instances: InstanceView[] }>('/v1/instances', options)).instances;
  }

  // Events

  /**
   * Follows `GET /v1/events` as an AsyncIterable of events `{ seq, type, id, sid, spid, data }` and
   * `{ type: 'reset', oldest }` items (resynchronise, see isReset). Resumes after drops, restarts and
   * failovers with Last-Event-ID, without a gap or a duplicate; ends when `signal` aborts. See followEvents.
   */
  events(options: EventsOptions = {}): AsyncIterable<StreamItem> {
    return {
      [Symbol.asyncIterator]: () =>
        followEvents(this.#transport, (signal) => this.committedSeq({ signal }), options),
    };
  }

  /**
   * The namespace's latest event sequence number, from `/metrics` (`ioasid_event_seq`); null when the
   * server does not report it (or what answers is not the API). @throws TransportError `unreachable` or
   * `timeout` when no server answers
   */
  async committedSeq(options?: CallOptions): Promise<number | null> {
    let text: string;
    try {
      text = await this.metrics(options);
    } catch (error) {
      if (error instanceof IoasidHttpError) return null;
      if (error instanceof TransportError && error.kind === 'bad-answer') return null;
      throw error;
    }
    const match = /^ioasid_event_seq(?:\{[^}]*\})? (\d+)$/m.exec(text);
    return match === null ? null : Number(match[1]);
  }

  // Operations

  /** `GET /healthz`: `{ status: 'ok' }` while the process answers. */
  health(options?: CallOptions): Promise<HealthView> {
    return this.#get('/healthz', options);
  }

  /**
   * `GET /readyz`: `{ status: 'ready' }`. @throws EAGAIN (503) while shutting down (`not-ready`) or while
   * its store takes no writes (`store-unavailable`, with `values.cause` and `values.since`)
   */
  ready(options?: CallOptions): Promise<HealthView> {
    return this.#get('/readyz', options);
  }

  /**
   * `GET /readyz` as a value: `{ ready: true }` with nulls, or `{ ready: false }` with the refusal's reason
   * (`store-unavailable`: writes are refused, reads served; `not-ready`: shutting down), the cause in
   * words and since when (ISO 8601) where the server says, and its message.
   * @throws TransportError when no server answers; IoasidHttpError for any refusal other than EAGAIN
   */
  async readiness(options?: CallOptions): Promise<Readiness> {
    try {
      await this.ready(options);
      return { ready: true, reason: null, cause: null, since: null, message: null };
    } catch (error) {
      if (!(error instanceof IoasidHttpError) || error.code !== 'EAGAIN') throw error;
      const text = (value: unknown) => (typeof value === 'string' ? value : null);
      return {
        ready: false,
        reason: error.reason,
        cause: text(error.values.cause),
        since: text(error.values.since),
        message: error.message,
      };
    }
  }

  /** `GET /metrics`: the Prometheus text exposition. */
  metrics(options?: CallOptions): Promise<string> {
    return this.#transport.text({ method: 'GET', path: '/metrics', signal: options?.signal });
  }

  /** `GET /openapi.json`: the OpenAPI 3 document of the API. */
  openapi(options?: CallOptions): Promise<Record<string, unknown>> {
    return this.#get('/openapi.json', options);
  }

  #get<T>(p: string, options: CallOptions | undefined): Promise<T> {
    return this.#call('GET', p, undefined, options);
  }

  #call<T>(
    method: 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE',
    p: string,
    body: unknown,
    options: CallOptions | undefined,
  ): Promise<T> {
    return this.#transport.json<T>({
      method,
      path: p,
      body,
      signal: options?.signal,
      minSeq: options?.minSeq,
    });
  }

  #alloc(
    sid: number,
    range: AllocRange,
    count: number | undefined,
    options?: CallOptions,
  ): Promise<AllocAnswer> {
    const body: Record<string, unknown> = { min: range.min ?? 1, max: range.max ?? 0xffffffff };
    if (range.data !== undefined) body.data = range.data;
    if (count !== undefined) body.count = count;
    return this.#call('POST', path`/v1/sets/${sid}/ioasids`, body, options);
  }
}
