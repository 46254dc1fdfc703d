// Sends exact bytes to a server over a plain TCP socket (nothing normalises them) and reads the first
// final answer back: status, headers and body, skipping 100 Continue; for malformed-request tests.

import { connect } from 'node:net';

/** The first final answer to a raw request, or what happened instead. */
export interface RawAnswer {
  /** HTTP status; 0 when no complete answer came (see `outcome`). */
  status: number;
  /** Header names in lower case (the last value of a repeated header). */
  headers: Record<string, string>;
  /** The body as UTF-8 (empty for HEAD, 204, and 2xx answers, whose bodies are not read). */
  body: string;
  /** `answered`, `closed` (the connection ended first) or `timeout`. */
  outcome: 'answered' | 'closed' | 'timeout';
  /** Everything received, as latin1, for failure messages. */
  received: string;
}

/** Options of `sendRaw`. */
export interface RawOptions {
  /** Milliseconds to wait for an answer (default 5,000). */
  timeoutMs?: number;
  /** The request is a HEAD: the answer has no body whatever its content-length says. */
  head?: boolean;
  /** Keep the sending side open after the bytes (default: half-close, as a client that is done). */
  keepOpen?: boolean;
}

interface Head {
  status: number;
  headers: Record<string, string>;
  bodyStart: number;
}

function parseHead(buffer: Buffer, from: number): Head | null {
  const end = buffer.indexOf('\r\n\r\n', from, 'latin1');
  if (end < 0) return null;
  const lines = buffer.toString('latin1', from, end).split('\r\n');
  const match = /^HTTP\/1\.[01] (\d{3})/.exec(lines[0]);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
  }
  return { status: match ? Number(match[1]) : -1, headers, bodyStart: end + 4 };
}

/** Decodes a chunked body; null while incomplete. */
function dechunk(buffer: Buffer, from: number): Buffer | null {
  const parts: Buffer[] = [];
  let at = from;
  for (;;) {
    const eol = buffer.indexOf('\r\n', at, 'latin1');
    if (eol < 0) return null;
    const size = Number.parseInt(buffer.toString('latin1', at, eol), 16);
    if (!Number.isFinite(size)) return Buffer.alloc(0);
    if (size === 0) return Buffer.concat(parts);
    if (buffer.length < eol + 2 + size + 2) return null;
    parts.push(buffer.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** Parses the first final answer in `buffer`; null while incomplete. */
function parseAnswer(buffer: Buffer, head: boolean): Omit<RawAnswer, 'outcome' | 'received'> | null {
  let from = 0;
  for (;;) {
    const h = parseHead(buffer, from);
    if (h === null) return null;
    if (h.status >= 100 && h.status < 200) {
      from = h.bodyStart;
      continue;
    }
    const base = { status: h.status, headers: h.headers };
    // 2xx bodies (event streams never end) are not read; nor HEAD, 204 and 304 ones, which have none.
    if (head || h.status === 204 || h.status === 304 || (h.status >= 200 && h.status < 300)) {
      return { ...base, body: '' };
    }
    if (h.headers['transfer-encoding']?.toLowerCase() === 'chunked') {
      const body = dechunk(buffer, h.bodyStart);
      return body === null ? null : { ...base, body: body.toString('utf8') };
    }
    const length = Number(h.headers['content-length'] ?? Number.NaN);
    if (Number.isFinite(length)) {
      if (buffer.length < h.bodyStart + length) return null;
      return { ...base, body: buffer.toString('utf8', h.bodyStart, h.bodyStart + length) };
    }
    return null; // until the connection closes
  }
}

/** Sends `bytes` on a new connection to 127.0.0.1:`port` and resolves with the first final answer. */
export function sendRaw(port: number, bytes: string | Buffer, options: RawOptions = {}): Promise<RawAnswer> {
  const data = typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes;
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    const chunks: Buffer[] = [];
    let done = false;
    const finish = (outcome: RawAnswer['outcome']) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      socket.destroy();
      const buffer = Buffer.concat(chunks);
      const parsed = parseAnswer(buffer, options.head === true);
      const received = buffer.toString('latin1');
      if (parsed !== null) resolve({ ...parsed, outcome: 'answered', received });
      else if (outcome === 'closed' && buffer.length > 0) {
        // An answer without length ends with the connection.
        const h = parseHead(buffer, 0);
        if (h !== null) {
          resolve({
            status: h.status,
            headers: h.headers,
            body: buffer.toString('utf8', h.bodyStart),
            outcome: 'answered',
            received,
          });
          return;
        }
        resolve({ status: 0, headers: {}, body: '', outcome, received });
      } else resolve({ status: 0, headers: {}, body: '', outcome, received });
    };
    const timer = setTimeout(() => finish('timeout'), options.timeoutMs ?? 5000);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      if (parseAnswer(Buffer.concat(chunks), options.head === true) !== null) finish('answered');
    });
    socket.on('error', () => finish('closed'));
    socket.on('close', () => finish('closed'));
    socket.on('connect', () => {
      socket.write(data, () => {
        if (options.keepOpen !== true) socket.end();
      });
    });
  });
}
