// Sends the client's requests: JSON over fetch with the credential, a timeout per attempt combined with
// the caller's signal, and failover over several base URLs (rules on Transport), sticking to one that works.

import { errorFromBody, type FailedAttempt, type IoasidHttpError, TransportError } from './errors.js';
import { classifyFailure } from './failure.js';

/** HTTP methods of the API. GET, PUT and DELETE are idempotent; POST and PATCH are not (see Transport). */
export type Method = 'GET' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

/** Options every method of the client takes. */
export interface CallOptions {
  /** Aborts the request (every attempt); the call then rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  /**
   * GETs only: answer only once the server has seen this event sequence number (an `ioasid-seq` of an
   * earlier answer), sent as `ioasid-min-seq`. The server waits at most 5 s, then answers 503 EAGAIN
   * `seq-not-reached` (and the client tries its next URL).
   */
  readonly minSeq?: number;
}

/** How a Transport is built (see IoasidClientOptions). */
export interface TransportOptions {
  readonly urls: readonly string[];
  readonly token: string | null;
  readonly timeoutMs: number;
  readonly fetch: typeof fetch;
  /** Send the highest `ioasid-seq` seen so far as `ioasid-min-seq` on every GET. */
  readonly readYourWrites?: boolean;
}

/** One request. */
export interface Request {
  readonly method: Method;
  /** Absolute path with query, e.g. `/v1/sets/3?destroy=true`. */
  readonly path: string;
  /** Sent as JSON when not undefined. */
  readonly body?: unknown;
  readonly signal?: AbortSignal;
  /** Extra headers (the event stream's `last-event-id`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** GETs: the sequence number the answer must reflect (see CallOptions.minSeq). */
  readonly minSeq?: number;
}

const IDEMPOTENT: ReadonlySet<Method> = new Set(['GET', 'PUT', 'DELETE']);

/** A base URL checked and without its trailing slashes. @throws TypeError when it is not http(s) */
export function baseUrl(value: string): string {
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`${JSON.stringify(value)} is not an http:// or https:// URL`);
  }
  if (url.search !== '' || url.hash !== '') {
    throw new TypeError(`${JSON.stringify(value)} must be a base URL without ?query or #fragment`);
  }
  return url.href.replace(/\/+$/, '');
}

/** A per-attempt AbortController tied to the caller's signal and to a timer. */
class Attempt {
  readonly controller = new AbortController();
  timedOut = false;
  #timer: ReturnType<typeof setTimeout> | undefined;
  readonly #caller: AbortSignal | undefined;
  readonly #onAbort = () => this.controller.abort(this.#caller?.reason);

  constructor(caller: AbortSignal | undefined, timeoutMs: number) {
    this.#caller = caller;
    caller?.addEventListener('abort', this.#onAbort, { once: true });
    this.#timer = setTimeout(() => {
      this.timedOut = true;
      this.controller.abort(new Error('timeout'));
    }, timeoutMs);
  }

  #kept = false;

  /** A stream's headers arrived: stop the timer, and keep the caller's signal able to abort its body. */
  keep(): void {
    clearTimeout(this.#timer);
    this.#kept = true;
  }

  /** Stops the timer and forgets the caller's signal (unless kept). */
  dispose(): void {
    clearTimeout(this.#timer);
    if (!this.#kept) this.#caller?.removeEventListener('abort', this.#onAbort);
  }
}

/**
 * Sends requests to the first base URL that answers, starting with the one that answered last.
 *
 * Failover: each request tries the base URLs in turn (at most once each), starting with the current one.
 * It moves to the next URL when
 * - the connection could not be made (refused, unknown host, unreachable, connect timeout): any method,
 *   since no server can have seen the request;
 * - for idempotent methods (GET, PUT, DELETE) also when the connection broke after the request was sent,
 *   when no answer came within `timeoutMs`, when the answer is not the API's, and on 503 EAGAIN.
 * POST and PATCH are never sent again once they may have reached a server: such a failure is thrown
 * (a TransportError) and the caller decides (check with a GET, then retry). A retried DELETE may answer
 * ENOENT when its first attempt had succeeded. The URL that gave an answer becomes the current one.
 * When every URL failed, the last 503 EAGAIN answer is thrown if there was one, else a TransportError
 * listing every attempt.
 */
export class Transport {
  readonly urls: readonly string[];
  readonly #token: string | null;
  readonly #timeoutMs: number;
  readonly #fetch: typeof fetch;
  readonly #readYourWrites: boolean;
  #current = 0;
  #lastSeq = 0;

  constructor(options: TransportOptions) {
    if (options.urls.length === 0) throw new TypeError('give at least one base URL');
    this.urls = options.urls.map(baseUrl);
    this.#token = options.token;
    this.#timeoutMs = options.timeoutMs;
    this.#fetch = options.fetch;
    this.#readYourWrites = options.readYourWrites ?? false;
  }

  /**
   * The highest `ioasid-seq` any answer carried (0 before the first): the namespace's event sequence
   * number as of the last change this client saw acknowledged or read.
   */
  get lastSeq(): number {
    return this.#lastSeq;
  }

  #noteSeq(response: Response): void {
    const value = response.headers.get('ioasid-seq');
    if (value === null || !response.ok) return;
    const seq = Number(value);
    if (Number.isSafeInteger(seq) && seq > this.#lastSeq) this.#lastSeq = seq;
  }

  /** The base URL requests go to first (the last one that answered). */
  get url(): string {
    return this.urls[this.#current];
  }

  /**
   * Sends `request` and returns its parsed JSON body (undefined for 204).
   * @throws IoasidHttpError for an error answer; TransportError when no URL gave an API answer; the
   * signal's reason when the caller aborted
   */
  async json<T>(request: Request): Promise<T> {
    return this.#send(request, (response, attempt, url) =>
      this.#read<T>(request, response, attempt, url, () =>
        response.status === 204 ? { value: undefined as T } : null,
      ),
    );
  }

  /**
   * Sends `request` and returns the body of a 2xx answer as text, whatever its type (`/metrics`).
   * @throws as json does
   */
  async text(request: Request): Promise<string> {
    return this.#send(request, (response, attempt, url) =>
      this.#read<string>(request, response, attempt, url, (text) => (response.ok ? { value: text } : null)),
    );
  }

  /**
   * Opens a streaming GET (the event stream): returns the 200 response whose content type starts with
   * `contentType`, its body unread; the timeout covers the wait for the headers only.
   * @throws as json does
   */
  async stream(request: Request, contentType: string): Promise<{ response: Response; url: string }> {
    return this.#send(request, async (response, attempt, url) => {
      if (response.ok && (response.headers.get('content-type') ?? '').startsWith(contentType)) {
        attempt.keep();
        return { value: { response, url } };
      }
      // Anything else is an error answer, or not the API (a 2xx JSON answer is not a stream either).
      return this.#read<never>(request, response, attempt, url, () =>
        response.ok ? { failed: this.#badAnswer(response, url) } : null,
      );
    });
  }

  /**
   * Reads the body; `early` may decide the outcome from the text, else it is parsed as the API's JSON.
   */
  async #read<T>(
    request: Request,
    response: Response,
    attempt: Attempt,
    url: string,
    early: (text: string) => Outcome<T> | null,
  ): Promise<Outcome<T>> {
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      return { failed: this.#failure(request, error, attempt) };
    }
    return early(text) ?? this.#parse<T>(request, response, text, url);
  }

  #parse<T>(request: Request, response: Response, text: string, url: string): Outcome<T> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      return { failed: this.#badAnswer(response, url) };
    }
    if (response.ok) return { value: parsed as T };
    const error = errorFromBody(parsed, {
      status: response.status,
      method: request.method,
      url: url + request.path,
    });
    if (error === null) return { failed: this.#badAnswer(response, url) };
    if (error.code === 'EAGAIN' && response.status === 503) return { eagain: error };
    return { error };
  }

  #badAnswer(response: Response, url: string): Failed {
    const type = response.headers.get('content-type');
    return {
      kind: 'bad-answer',
      detail: `answered HTTP ${response.status} (${type ?? 'no content-type'}), which is not an ioasid API answer`,
      beforeSend: false,
      url,
      status: response.status,
      contentType: type,
    };
  }

  #failure(request: Request, error: unknown, attempt: Attempt): Failed {
    if (request.signal?.aborted) throw request.signal.reason;
    const failure = classifyFailure(error, attempt.timedOut, this.#timeoutMs);
    return { ...failure, url: '', cause: error };
  }

  async #send<T>(
    request: Request,
    handle: (response: Response, attempt: Attempt, url: string) => Promise<Outcome<T>>,
  ): Promise<T> {
    request.signal?.throwIfAborted();
    const idempotent = IDEMPOTENT.has(request.method);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (this.#token !== null) headers.authorization = `Bearer ${this.#token}`;
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    if (request.method === 'GET') {
      const minSeq = Math.max(request.minSeq ?? 0, this.#readYourWrites ? this.#lastSeq : 0);
      if (minSeq > 0) headers['ioasid-min-seq'] = String(minSeq);
    }
    const body = request.body === undefined ? undefined : JSON.stringify(request.body);
    const attempts: FailedAttempt[] = [];
    let eagain: IoasidHttpError | null = null;
    let last: Failed | null = null;
    const start = this.#current;
    for (let i = 0; i < this.urls.length; i++) {
      const index = (start + i) % this.urls.length;
      const url = this.urls[index];
      const attempt = new Attempt(request.signal, this.#timeoutMs);
      let outcome: Outcome<T>;
      try {
        outcome = await this.#fetch(url + request.path, {
          method: request.method,
          headers,
          body,
          signal: attempt.controller.signal,
        }).then(
          (response) => {
            this.#noteSeq(response);
            return handle(response, attempt, url);
          },
          (error: unknown) => ({ failed: this.#failure(request, error, attempt) }),
        );
      } finally {
        attempt.dispose();
      }
      if ('value' in outcome) {
        this.#current = index;
        return outcome.value;
      }
      if ('error' in outcome) {
        this.#current = index;
        throw outcome.error;
      }
      if ('eagain' in outcome) {
        eagain = outcome.eagain;
        attempts.push({ url, kind: 'EAGAIN', detail: outcome.eagain.message });
        if (!idempotent) break;
        continue;
      }
      last = { ...outcome.failed, url };
      attempts.push({ url, kind: last.kind, detail: last.detail });
      if (!last.beforeSend && !idempotent) break;
    }
    if (eagain !== null) throw eagain;
    const failed = last!;
    throw new TransportError(
      failed.kind,
      { method: request.method, path: request.path, url: failed.url },
      failed.detail,
      { attempts, status: failed.status, contentType: failed.contentType, cause: failed.cause },
    );
  }
}

interface Failed {
  readonly kind: TransportError['kind'];
  readonly detail: string;
  readonly beforeSend: boolean;
  readonly url: string;
  readonly status?: number;
  readonly contentType?: string | null;
  readonly cause?: unknown;
}

type Outcome<T> =
  | { value: T }
  | { error: IoasidHttpError }
  | { eagain: IoasidHttpError }
  | { failed: Failed };
