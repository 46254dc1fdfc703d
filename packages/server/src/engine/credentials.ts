// Who is calling: the admin token(s) and the set secrets, stored and compared only as SHA-256 hashes.
// Comparison is constant-time; a set secret is found by its hash, so no secret is ever kept in memory.
// With PostgreSQL several admin tokens may be valid (AdminHashes, re-read from the database).

import { hash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The caller of an operation: the administrator, or the holder of one set's secret. */
export type Principal = { readonly kind: 'admin' } | { readonly kind: 'set'; readonly sid: number };

/** The administrator principal. */
export const ADMIN: Principal = Object.freeze({ kind: 'admin' });

/** Returns a new random secret: 32 bytes, base64url (43 characters). */
export function newSecret(): string {
  return randomBytes(32).toString('base64url');
}

/** Returns the SHA-256 of a secret (32 bytes). */
export function hashSecret(secret: string): Buffer {
  return hash('sha256', secret, 'buffer');
}

/**
 * The hashes of the admin tokens an engine accepts: one token's, or (PostgreSQL) every one recorded in the
 * database. Shared by the successive Credentials of an engine, and replaced whole when they are re-read.
 */
export class AdminHashes {
  #hashes: readonly Buffer[];
  #generation = 0;

  /** @param hashes SHA-256 hashes (32 bytes each); the list may be empty (no admin token accepted) */
  constructor(hashes: readonly Uint8Array[]) {
    this.#hashes = AdminHashes.#copy(hashes);
  }

  /** The hashes of one token. */
  static of(token: string): AdminHashes {
    return new AdminHashes([hashSecret(token)]);
  }

  static #copy(hashes: readonly Uint8Array[]): readonly Buffer[] {
    return Object.freeze(
      hashes.map((hash) => {
        if (hash.length !== 32) throw new Error(`an admin hash has ${hash.length} bytes, not 32`);
        return Buffer.from(hash);
      }),
    );
  }

  /**
   * Replaces the hashes (after re-reading them). When one accepted so far is dropped, the generation moves
   * on, so no authentication cached for it survives.
   * @returns true when the list changed
   * @throws Error when a hash is not 32 bytes (nothing is changed)
   */
  replace(hashes: readonly Uint8Array[]): boolean {
    const next = AdminHashes.#copy(hashes);
    const key = (list: readonly Buffer[]) => new Set(list.map((hash) => hash.toString('hex')));
    const now = key(next);
    const before = key(this.#hashes);
    const changed = now.size !== before.size || [...now].some((hash) => !before.has(hash));
    if ([...before].some((hash) => !now.has(hash))) this.#generation++;
    this.#hashes = next;
    return changed;
  }

  /** How many hashes are accepted. */
  get size(): number {
    return this.#hashes.length;
  }

  /** Moves on whenever an accepted hash is dropped (see Credentials.generation). */
  get generation(): number {
    return this.#generation;
  }

  /** True when `hash` is one of the admin hashes; compares with every one, in constant time each. */
  matches(hash: Buffer): boolean {
    let found = false;
    for (const admin of this.#hashes) {
      if (timingSafeEqual(hash, admin)) found = true;
    }
    return found;
  }
}

/**
 * The credentials the server accepts. Holds the admin token's hash (or hashes, see AdminHashes) and one hash per set secret;
 * `issue` returns a set's secret once and keeps only its hash.
 */
export class Credentials {
  readonly #admin: AdminHashes;
  readonly #bySid = new Map<number, { hash: Buffer; principal: Principal }>();
  readonly #byHash = new Map<string, number>();
  /** The credentials these replace (after a return to the committed state), until `restore` is done. */
  #previous: Credentials | null;
  #generation: number;

  /**
   * @param adminToken the admin credential (its hash is kept, not the token), or the admin hashes (shared:
   * a later `replace` on them applies here)
   * @param previous the credentials these replace, when the engine returns to its committed state: a set
   * restored with the same secret keeps its principal (open event streams stay authorized), and the
   * generation moves on, so no cached authentication survives the replacement
   */
  constructor(adminToken: string | AdminHashes, previous: Credentials | null = null) {
    this.#admin = typeof adminToken === 'string' ? AdminHashes.of(adminToken) : adminToken;
    this.#previous = previous;
    this.#generation = previous === null ? 0 : previous.#generation + 1;
  }

  /** Creates the secret of set `sid` (replacing any earlier one) and returns it; only its hash is kept. */
  issue(sid: number): string {
    const secret = newSecret();
    this.restore(sid, hashSecret(secret));
    return secret;
  }

  /** Installs the stored hash of set `sid`'s secret (at restart). */
  restore(sid: number, hash: Uint8Array): void {
    this.remove(sid);
    const buffer = Buffer.from(hash);
    const before = this.#previous === null ? undefined : this.#previous.#bySid.get(sid);
    const principal: Principal = before?.hash.equals(buffer)
      ? before.principal
      : Object.freeze({ kind: 'set', sid });
    this.#bySid.set(sid, { hash: buffer, principal });
    this.#byHash.set(buffer.toString('hex'), sid);
  }

  /** Drops the replaced credentials once every stored set is restored (they are not needed any more). */
  restored(): void {
    this.#previous = null;
  }

  /**
   * Changes whenever a secret stops being valid; a cached authentication is only good while it is equal.
   */
  get generation(): number {
    return this.#generation + this.#admin.generation;
  }

  /** Forgets set `sid`'s secret (the set is destroyed). */
  remove(sid: number): void {
    const entry = this.#bySid.get(sid);
    if (entry === undefined) return;
    this.#generation++;
    this.#bySid.delete(sid);
    this.#byHash.delete(entry.hash.toString('hex'));
  }

  /** The stored hash of set `sid`'s secret. @throws Error when the set has none (a bug) */
  hashOf(sid: number): Buffer {
    const entry = this.#bySid.get(sid);
    if (entry === undefined) throw new Error(`set ${sid} has no secret; every set gets one at creation`);
    return entry.hash;
  }

  /**
   * True while `principal` is still valid: always for the admin; for a set, while that set's secret has
   * not been revoked (a new set that reuses the set ID is another principal).
   */
  isCurrent(principal: Principal): boolean {
    return principal.kind === 'admin' || this.#bySid.get(principal.sid)?.principal === principal;
  }

  /** Returns the principal a presented secret stands for, or null when it is no credential of ours. */
  authenticate(secret: string): Principal | null {
    const hash = hashSecret(secret);
    if (this.#admin.matches(hash)) return ADMIN;
    const sid = this.#byHash.get(hash.toString('hex'));
    if (sid === undefined) return null;
    const entry = this.#bySid.get(sid);
    return entry !== undefined && timingSafeEqual(hash, entry.hash) ? entry.principal : null;
  }
}
