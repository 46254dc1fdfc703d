// The HTTP client of the client commands: JSON requests with the caller's credential over the global
// fetch, every failure turned into a CliError (API error code, no server, or not the ioasid API).

import { ERROR_CODES, type ErrorCode } from 'ioasid';
import { CliError } from './exit-codes.js';

/** Milliseconds a request may take before the CLI gives up on the server. */
export const REQUEST_TIMEOUT_MS = 30_000;

/** Where the credential came from, so error hints can say what to change. */
export type CredentialSource =
  | { readonly kind: 'flag' }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'none'; readonly looked: string };

/** Options of an ApiClient. */
export interface ApiClientOptions {
  /** Base URL without a trailing slash, e.g. `http://127.0.0.1:7070`. */
  readonly url: string;
  /** Bearer credential (admin token or set secret); null sends none. */
  readonly token: string | null;
  readonly source: CredentialSource;
  readonly timeoutMs?: number;
}

/** Body of every error answer of the API. */
interface ErrorReply {
  error: { code: string; errno: number; message: string };
}

/** A JSON API client bound to one server and one credential. */
export class ApiClient {
  readonly url: string;
  readonly #token: string | null;
  readonly #source: CredentialSource;
  readonly #timeoutMs: number;

  constructor(options: ApiClientOptions) {
    this.url = options.url;
    this.#token = options.token;
    this.#source = options.source;
    this.#timeoutMs = options.timeoutMs ?? REQUEST_TIMEOUT_MS;
  }

  /**
   * Sends one request and returns its parsed JSON body, or null for 204.
   * @param path absolute path with query, e.g. `/v1/sets/3?destroy=true`
   * @param body sent as JSON when not undefined
   * @throws CliError with the answer's code on an error answer; NO_SERVER when nothing answers;
   * BAD_ANSWER when the answer is not the API's JSON
   */
  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (this.#token !== null) headers.authorization = `Bearer ${this.#token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(this.url + path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.#timeoutMs),
      });
    } catch (error) {
      throw this.connectionError(error);
    }
    let text: string;
    try {
      text = await response.text();
    } catch (error) {
      throw this.connectionError(error);
    }
    if (response.status === 204) return null as T;
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw this.badAnswer(response, `${method} ${path}`);
    }
    if (!response.ok) throw this.errorOf(response, parsed, `${method} ${path}`);
    return parsed as T;
  }

  /**
   * Opens the event stream and returns the 200 response whose body is `text/event-stream`.
   * @param signal aborts the request and later the body
   * @throws CliError as `request` does
   */
  async openEvents(path: string, lastEventId: string | null, signal: AbortSignal): Promise<Response> {
    const headers: Record<string, string> = { accept: 'text/event-stream' };
    if (this.#token !== null) headers.authorization = `Bearer ${this.#token}`;
    if (lastEventId !== null) headers['last-event-id'] = lastEventId;
    let response: Response;
    try {
      response = await fetch(this.url + path, { headers, signal });
    } catch (error) {
      throw this.connectionError(error);
    }
    if (response.ok && (response.headers.get('content-type') ?? '').startsWith('text/event-stream')) {
      return response;
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(await response.text());
    } catch (error) {
      if (signal.aborted) throw this.connectionError(error);
      throw this.badAnswer(response, `GET ${path}`);
    }
    throw this.errorOf(response, parsed, `GET ${path}`);
  }

  /** The CliError for a failed fetch: no server at the URL (refused, unknown host, timeout, reset). */
  connectionError(error: unknown): CliError {
    const cause = (error as { cause?: { code?: string; message?: string } } | null)?.cause;
    const code = cause?.code;
    const name = (error as { name?: string } | null)?.name;
    if (code === 'ECONNREFUSED') {
      return new CliError(
        'NO_SERVER',
        `no server at ${this.url} (connection refused)`,
        'start one with `npm start` (or `ioasid serve`), or point --url / IOASID_URL at the running one',
      );
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new CliError(
        'NO_SERVER',
        `no server at ${this.url}: the host name does not resolve`,
        'check --url / IOASID_URL',
      );
    }
    if (name === 'TimeoutError') {
      return new CliError(
        'NO_SERVER',
        `no answer from ${this.url} within ${this.#timeoutMs / 1000} s`,
        'check that the server is running and reachable (its /healthz answers)',
      );
    }
    const detail = cause?.message ?? code ?? (error instanceof Error ? error.message : String(error));
    return new CliError(
      'NO_SERVER',
      `cannot talk to ${this.url}: ${detail}`,
      'check that the server is running at --url / IOASID_URL',
    );
  }

  #credentialHint(): string {
    const s = this.#source;
    switch (s.kind) {
      case 'none':
        return `no credential was given (looked for ${s.looked}): pass --token <admin token or set secret>, set IOASID_TOKEN, or --admin-token-file <path to the server's admin.token>`;
      case 'flag':
        return 'the --token given is not known to this server: use its admin token or a secret from `ioasid sets create`';
      case 'env':
        return `the credential in ${s.variable} is not known to this server: use its admin token or a secret from \`ioasid sets create\``;
      case 'file':
        return `the admin token in ${s.path} is not this server's: pass --admin-token-file <the server's <data-dir>/admin.token>`;
    }
  }

  errorOf(response: Response, parsed: unknown, what: string): CliError {
    const error = (parsed as Partial<ErrorReply> | null)?.error;
    if (
      error === undefined ||
      error === null ||
      typeof error.code !== 'string' ||
      typeof error.message !== 'string' ||
      !Object.hasOwn(ERROR_CODES, error.code)
    ) {
      return this.badAnswer(response, what);
    }
    const code = error.code as ErrorCode;
    return new CliError(code, error.message, this.#hint(code));
  }

  #hint(code: ErrorCode): string | null {
    switch (code) {
      case 'EPERM':
        return this.#credentialHint();
      case 'EACCES':
        return "a set secret may only touch its own set: use that set's secret, or the admin token (--admin-token-file, or IOASID_TOKEN)";
      case 'ENOENT':
        return 'list what exists with `ioasid sets list` or `ioasid sets show SID`';
      case 'EAGAIN':
        return 'retry in a moment';
      default:
        return null;
    }
  }

  badAnswer(response: Response, what: string): CliError {
    const type = response.headers.get('content-type') ?? 'no content-type';
    return new CliError(
      'BAD_ANSWER',
      `${what} at ${this.url} answered HTTP ${response.status} (${type}), which is not an ioasid API answer`,
      'check that --url / IOASID_URL points at an ioasid server',
    );
  }
}
