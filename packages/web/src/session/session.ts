// The signed-in credential: the admin token or a set secret, kept for this tab only (memory and
// sessionStorage, never a cookie or localStorage), the client built on it, and what it may do.

import { IoasidClient, IoasidHttpError, type SetView } from '@ioasid/client';
import { type ExtraApi, extraApi } from '../api/pending-api.js';

const STORAGE_KEY = 'ioasid.dashboard.token';

/** Who is signed in: the admin, or the secret of one set (which sees only that set). */
export type Role = { readonly kind: 'admin' } | { readonly kind: 'set'; readonly sid: number };

/** A signed-in session. */
export interface Session {
  readonly token: string;
  readonly role: Role;
  readonly client: IoasidClient;
  /** The dashboard endpoints (GET /v1/map, /v1/history, ...). */
  readonly extra: ExtraApi;
}

function build(token: string): { client: IoasidClient; extra: ExtraApi } {
  const origin = globalThis.location.origin;
  const client = new IoasidClient({ urls: origin, token, timeoutMs: 15_000 });
  return { client, extra: extraApi(origin, token) };
}

/**
 * Which role `token` has. GET /v1/instances is admin-only: a set secret gets 403 EACCES. Until that route
 * exists (404 from the router), an invalid POST /v1/sets/system tells the same without effect: the admin
 * gets 400 EINVAL from validation, a set secret 403 before validation.
 */
async function roleOf(client: IoasidClient, extra: ExtraApi, sets: SetView[]): Promise<Role> {
  const asSet = (): Role => ({ kind: 'set', sid: sets[0]?.sid ?? -1 });
  try {
    await extra.instances();
    return { kind: 'admin' };
  } catch (error) {
    if (error instanceof IoasidHttpError && error.code === 'EACCES') return asSet();
  }
  try {
    await client.createSystemSet(-1);
    return { kind: 'admin' };
  } catch (error) {
    if (!(error instanceof IoasidHttpError)) throw error;
    return error.code === 'EACCES' ? asSet() : { kind: 'admin' };
  }
}

/**
 * Signs in with `token`: checks it with GET /v1/sets (a wrong token throws the API's EPERM refusal),
 * learns its role, and keeps it for the tab.
 * @throws IoasidHttpError (EPERM for an unknown credential), TransportError when the server is away
 */
export async function signIn(token: string): Promise<Session> {
  const { client, extra } = build(token);
  const sets = await client.listSets();
  const role = await roleOf(client, extra, sets);
  try {
    sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // storage refused (private mode): the session lives in memory only
  }
  return { token, role, client, extra };
}

/** The token kept for this tab by an earlier sign-in, or null. */
export function storedToken(): string | null {
  try {
    return sessionStorage.getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}

/** Forgets the token of this tab. */
export function signOut(): void {
  try {
    sessionStorage.removeItem(STORAGE_KEY);
  } catch {
    // nothing kept
  }
}
