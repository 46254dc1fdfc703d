// A lease held by the client: created, kept alive at a third of its TTL, released on request or abort;
// a keepalive that fails is reported (callback, `error`, a rejected `done`), never swallowed.

import { IoasidHttpError } from './errors.js';
import type { CallOptions } from './transport.js';
import type { LeaseView } from './types.js';

/** What the handle needs of the client. */
export interface LeaseApi {
  keepalive(lease: string, options?: CallOptions): Promise<LeaseView>;
  deleteLease(lease: string, options?: CallOptions): Promise<void>;
  takeRef(id: number, lease: string, options?: CallOptions): Promise<void>;
  dropRef(id: number, lease: string, options?: CallOptions): Promise<boolean>;
}

/** Options of `IoasidClient.holdLease`. */
export interface HoldLeaseOptions {
  /** Aborting releases the lease (best effort) and stops the keepalives. */
  readonly signal?: AbortSignal;
  /**
   * Told of every keepalive that failed, also of those retried (a TransportError or 503 EAGAIN is retried
   * every ttl/6 until the TTL since the last success has passed).
   */
  readonly onKeepaliveError?: (error: unknown) => void;
}

/** State of a held lease. */
export type LeaseState = 'held' | 'released' | 'lost';

/** Errors after which keeping the lease alive cannot work again (it expired, or the credential went). */
function fatal(error: unknown): boolean {
  return error instanceof IoasidHttpError && error.code !== 'EAGAIN';
}

/**
 * A lease kept alive in the background. Take references through it (`takeRef`), and `release()` it when
 * done (DELETE /v1/leases/{lease}: every reference it holds is dropped). If keeping it alive fails for
 * good (ENOENT: it expired meanwhile; EPERM: the credential was revoked), or transport failures last past
 * its TTL, the handle becomes `lost`: `error` holds the failure and `done` rejects with it.
 */
export class LeaseHandle {
  /** The lease ID. */
  readonly lease: string;
  /** Its time to live in milliseconds. */
  readonly ttlMs: number;
  /** Resolves once released; rejects with the failure when the lease is lost. */
  readonly done: Promise<void>;
  readonly #api: LeaseApi;
  readonly #options: HoldLeaseOptions;
  #state: LeaseState = 'held';
  #error: unknown = null;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #lastSuccess = Date.now();
  #settle!: (error: unknown) => void;
  readonly #onAbort = () => {
    this.release().catch(() => {});
  };

  /** @internal use IoasidClient.holdLease */
  constructor(api: LeaseApi, view: LeaseView, options: HoldLeaseOptions) {
    this.#api = api;
    this.lease = view.lease;
    this.ttlMs = view.ttlMs;
    this.#options = options;
    this.done = new Promise<void>((resolve, reject) => {
      this.#settle = (error) => (error === null ? resolve() : reject(error));
    });
    // `done` is there to be awaited; not awaiting it must not crash the process on a loss.
    this.done.catch(() => {});
    options.signal?.addEventListener('abort', this.#onAbort, { once: true });
    this.#schedule(this.ttlMs / 3);
  }

  /** 'held', 'released' (by release() or abort) or 'lost' (see `error`). */
  get state(): LeaseState {
    return this.#state;
  }

  /** Why the lease was lost (null while held or after a release). */
  get error(): unknown {
    return this.#error;
  }

  /**
   * Takes a reference on `id` held by this lease (POST /v1/ioasids/{id}/refs).
   * @throws the loss's error when the lease is lost; IoasidHttpError as the API answers
   */
  async takeRef(id: number, options?: CallOptions): Promise<void> {
    this.#check();
    await this.#api.takeRef(id, this.lease, options);
  }

  /** Drops one reference of this lease on `id`; returns whether the ID was released. */
  async dropRef(id: number, options?: CallOptions): Promise<boolean> {
    this.#check();
    return this.#api.dropRef(id, this.lease, options);
  }

  /**
   * Stops the keepalives and deletes the lease, dropping every reference it holds. Idempotent; a lost
   * lease is not deleted again.
   * @throws IoasidHttpError or TransportError when the delete fails (the lease then expires by itself)
   */
  async release(options?: CallOptions): Promise<void> {
    if (this.#state !== 'held') return;
    this.#finish('released', null);
    await this.#api.deleteLease(this.lease, options);
  }

  #check(): void {
    if (this.#state === 'lost') throw this.#error;
    if (this.#state === 'released') throw new Error(`lease ${this.lease} was released`);
  }

  #schedule(ms: number): void {
    this.#timer = setTimeout(() => void this.#keepalive(), ms);
  }

  async #keepalive(): Promise<void> {
    if (this.#state !== 'held') return;
    try {
      await this.#api.keepalive(this.lease, { signal: this.#options.signal });
      this.#lastSuccess = Date.now();
      if (this.#state === 'held') this.#schedule(this.ttlMs / 3);
    } catch (error) {
      if (this.#state !== 'held') return;
      this.#options.onKeepaliveError?.(error);
      if (fatal(error) || Date.now() - this.#lastSuccess >= this.ttlMs) this.#finish('lost', error);
      else this.#schedule(this.ttlMs / 6);
    }
  }

  #finish(state: LeaseState, error: unknown): void {
    this.#state = state;
    this.#error = error;
    clearTimeout(this.#timer);
    this.#options.signal?.removeEventListener('abort', this.#onAbort);
    this.#settle(error);
  }
}
