// The signed-in credential: the admin token or a set secret, kept for this tab only (memory and
// sessionStorage, never a cookie or localStorage), the client built on it, and what it may do.

import { IoasidClient, IoasidHttpError } from '@ioasid/client';

const STORAGE_KEY = 'ioasid.dashboard.token';

/** Who is signed in: the admin, or the secret of one set (which sees only that set). */
export type Role = { readonly kind: 'admin' } | { readonly kind: 'set'; readonly sid: number };

/** A signed-in session. */
export interface Session {
  readonly token: string;
  readonly role: Role;
  readonly client: IoasidClient;
}

/**
 * Which role the client's credential has. GET /v1/instances is admin-only: a set secret gets 403 EACCES
 * (and then GET /v1/sets names its one set); an unknown credential gets 401 EPERM, thrown.
 */
async function roleOf(client: IoasidClient): Promise<Role> {
  try {
    await client.instances();
    return { kind: 'admin' };
  } catch (error) {
    if (!(error instanceof IoasidHttpError) || error.code !== 'EACCES') throw error;
  }
  const sets = await client.listSets();
  return { kind: 'set', sid: sets[0]?.sid ?? -1 };
}

/**
 * Signs in with `token`: learns its role from the API (a wrong token throws the API's EPERM refusal)
 * and keeps it for the tab.
 * @throws IoasidHttpError (EPERM for an unknown credential), TransportError when the server is away
 */
export async function signIn(token: string): Promise<Session> {
  const client = new IoasidClient({ urls: globalThis.location.origin, token, timeoutMs: 15_000 });
  const role = await roleOf(client);
  try {
    sessionStorage.setItem(STORAGE_KEY, token);
  } catch {
    // storage refused (private mode): the session lives in memory only
  }
  return { token, role, client };
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
