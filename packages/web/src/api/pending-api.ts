// TEMPORARY (delete once dash-api is merged into this branch): the dashboard endpoints of DASH-API.md
// (map, history, listLeases, idRefs, setEvents, idDetails, instances), typed here and called with fetch,
// with the same method names as the coming `IoasidClient` methods. After the merge, `extraApi()` returns
// the client itself and this file goes (see the note in session/session.ts).

import { type EventView, errorFromBody, TransportError } from '@ioasid/client';

/** GET /v1/map answer. */
export interface MapAnswer {
  readonly first: number;
  readonly last: number;
  readonly bucketSize: number;
  readonly buckets: number;
  readonly sets: number[];
  readonly runs: number[];
}
/** GET /v1/history answer. */
export interface HistoryAnswer {
  readonly now: number;
  readonly intervalMs: number;
  readonly allocs: number[];
  readonly frees: number[];
  readonly usageIntervalMs: number;
  readonly usage: Array<{ sid: number; counts: number[] }>;
  readonly rates: Array<{ sid: number; perSecond: number }>;
}
/** One lease of GET /v1/leases. */
export interface LeaseInfo {
  readonly lease: string;
  readonly sid: number | null;
  readonly ttlMs: number;
  readonly expiresInMs: number;
  readonly refs: number;
  readonly ids: number;
}
/** GET /v1/ioasids/{id}/refs answer. */
export interface IdRefs {
  readonly id: number;
  readonly refs: number;
  readonly leases: Array<{ lease: string; sid: number | null; refs: number }>;
}
/** One ID of GET /v1/sets/{sid}/ioasid-details. */
export interface IdDetail {
  readonly id: number;
  readonly state: string;
  readonly spid: number | null;
  readonly refs: number;
  readonly data: unknown;
}
/** One instance of GET /v1/instances. */
export interface InstanceInfo {
  readonly name: string;
  readonly startedAt: string;
  readonly lastSeenAt: string;
  readonly seq: number;
}

/** The dashboard endpoints, as the client will have them. */
export interface ExtraApi {
  map(range?: { first?: number; last?: number; buckets?: number }): Promise<MapAnswer>;
  history(sid?: number): Promise<HistoryAnswer>;
  listLeases(sid?: number): Promise<LeaseInfo[]>;
  idRefs(id: number): Promise<IdRefs>;
  setEvents(sid: number, limit?: number): Promise<EventView[]>;
  idDetails(
    sid: number,
    page?: { after?: number; limit?: number },
  ): Promise<{ ids: IdDetail[]; next: number | null }>;
  instances(): Promise<InstanceInfo[]>;
}

/** The endpoints over fetch at `base` with `token`; refusals are IoasidHttpErrors as from the client. */
export function extraApi(base: string, token: string): ExtraApi {
  async function get<T>(path: string, query: Record<string, number | undefined> = {}): Promise<T> {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, String(value));
    const url = `${base}${path}${params.size > 0 ? `?${params}` : ''}`;
    let response: Response;
    try {
      response = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    } catch (error) {
      throw new TransportError('unreachable', { method: 'GET', path, url }, String(error));
    }
    const body: unknown = await response.json().catch(() => null);
    if (response.ok) return body as T;
    throw (
      errorFromBody(body, { status: response.status, method: 'GET', url }) ??
      new TransportError('bad-answer', { method: 'GET', path, url }, `answered ${response.status}`)
    );
  }
  return {
    map: (range = {}) => get('/v1/map', range),
    history: (sid) => get('/v1/history', { sid }),
    listLeases: async (sid) => (await get<{ leases: LeaseInfo[] }>('/v1/leases', { sid })).leases,
    idRefs: (id) => get(`/v1/ioasids/${id}/refs`),
    setEvents: async (sid, limit) =>
      (await get<{ events: EventView[] }>(`/v1/sets/${sid}/events`, { limit })).events,
    idDetails: (sid, page = {}) => get(`/v1/sets/${sid}/ioasid-details`, page),
    instances: async () => (await get<{ instances: InstanceInfo[] }>('/v1/instances')).instances,
  };
}
