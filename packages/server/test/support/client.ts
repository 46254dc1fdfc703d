// A minimal HTTP client for tests: JSON in, status and parsed JSON out, one credential per client.

/** The body of an answer: arbitrary JSON that assertions read freely. */
// biome-ignore lint/suspicious/noExplicitAny: answers are arbitrary JSON, checked by the assertions
export type Loose = any;

/** An answer: status, parsed body (null when empty), headers. */
export interface Answer<T = Loose> {
  status: number;
  body: T;
  headers: Headers;
}

/** Calls the API with one credential. */
export interface Api {
  get<T = Loose>(path: string): Promise<Answer<T>>;
  delete<T = Loose>(path: string): Promise<Answer<T>>;
  post<T = Loose>(path: string, body?: unknown): Promise<Answer<T>>;
  put<T = Loose>(path: string, body?: unknown): Promise<Answer<T>>;
  patch<T = Loose>(path: string, body?: unknown): Promise<Answer<T>>;
  /** Sends a raw body with the given content type (for malformed input). */
  raw<T = Loose>(method: string, path: string, body?: string, contentType?: string): Promise<Answer<T>>;
}

/** Returns a client for `base` that sends `secret` as a Bearer credential (none when null). */
export function client(base: string, secret: string | null): Api {
  const send = async (method: string, path: string, body?: string, contentType?: string): Promise<Answer> => {
    const headers: Record<string, string> = {};
    if (secret !== null) headers.authorization = `Bearer ${secret}`;
    if (body !== undefined) headers['content-type'] = contentType ?? 'application/json';
    const response = await fetch(base + path, { method, headers, body });
    const text = await response.text();
    let parsed: unknown = null;
    if (text !== '') {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    return { status: response.status, body: parsed, headers: response.headers };
  };
  const json = (value: unknown) => (value === undefined ? undefined : JSON.stringify(value));
  return {
    get: (path) => send('GET', path),
    delete: (path) => send('DELETE', path),
    post: (path, body) => send('POST', path, json(body)),
    put: (path, body) => send('PUT', path, json(body)),
    patch: (path, body) => send('PATCH', path, json(body)),
    raw: (method, path, body, contentType) => send(method, path, body, contentType),
  };
}
