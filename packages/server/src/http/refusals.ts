// Refusals made by the HTTP machinery before a request reaches a route (Node's parser, fastify's router,
// Expect headers, over-long URLs, shutdown), answered with the API's own error body and an EINVAL reason.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ErrorCode, ErrorValue } from 'ioasid';
import { errorBody, sendError, toErrorReply } from './errors.js';

/** Longest path segment (a route parameter) fastify's router accepts; longer ones are answered 414. */
export const MAX_SEGMENT_LENGTH = 100;
/** Longest URL (path and query) a route is run for; longer ones are answered 414. */
export const MAX_URL_LENGTH = 8192;
/** Most bytes of request line and headers Node's parser reads (its default); more is 431 (414 for the URL). */
export const MAX_HEADER_BYTES = 16_384;

/**
 * A complete raw HTTP/1.1 answer carrying `errorBody(...)` as JSON, with `content-length` and
 * `connection: close`: for refusals that have no response object (the parser gave up on the request).
 */
export function rawErrorResponse(
  status: number,
  code: ErrorCode,
  message: string,
  reason: string,
  values: Readonly<Record<string, ErrorValue>> = {},
): string {
  const body = JSON.stringify(errorBody(code, message, reason, values));
  return (
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}

interface ParserError extends Error {
  code?: string;
  reason?: string;
  rawPacket?: unknown;
  bytesParsed?: number;
}

const refused = new WeakSet<Socket>();

/**
 * fastify's `clientErrorHandler` (Node's `clientError` event): a request Node's parser refused. Answers
 * 431 `headers-too-large`, 414 `uri-too-long` (the request line alone is over MAX_HEADER_BYTES),
 * 408 `request-timeout`, or 400 `bad-request` for anything HTTP cannot parse, all with EINVAL, then closes
 * the connection once the answer is written. Nothing is answered on a connection already reset, or in the
 * middle of another answer (that one is ended as it is).
 */
export function onClientError(error: ParserError, socket: Socket): void {
  if (error.code === 'ECONNRESET' || socket.destroyed || refused.has(socket)) return;
  refused.add(socket);
  const inFlight = (socket as Socket & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
  // An answer already under way (a GET answered before its broken body arrived) is ended as it is: what
  // it wrote still reaches the client, and nothing is written into the middle of it.
  if (socket.writable && inFlight?.headersSent !== true) socket.end(describeParserError(error));
  else socket.end();
  // Read (and drop) what the client still sends, so closing does not reset the connection before the
  // client has read the answer; give up after a while.
  socket.resume();
  setTimeout(() => socket.destroy(), 2000).unref();
}

function describeParserError(error: ParserError): string {
  const parser = error.code ?? 'unknown';
  if (error.code === 'HPE_HEADER_OVERFLOW') {
    if (requestLineOverflows(error)) {
      return rawErrorResponse(
        414,
        'EINVAL',
        `the request line (method, URL and version) is over ${MAX_HEADER_BYTES} bytes; send a shorter URL`,
        'uri-too-long',
        { limit: MAX_HEADER_BYTES },
      );
    }
    return rawErrorResponse(
      431,
      'EINVAL',
      `the request line and headers are over ${MAX_HEADER_BYTES} bytes together; send fewer or shorter headers`,
      'headers-too-large',
      { limit: MAX_HEADER_BYTES },
    );
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return rawErrorResponse(
      408,
      'EINVAL',
      'the request did not arrive in time; send the whole request at once',
      'request-timeout',
    );
  }
  const detail = error.reason ?? error.message;
  return rawErrorResponse(
    400,
    'EINVAL',
    `HTTP could not parse the request (${parser}: ${detail}); send a well-formed HTTP/1.1 request`,
    'bad-request',
    { parser },
  );
}

/** True when the parser overflowed before the end of the request line (no line break before it). */
function requestLineOverflows(error: ParserError): boolean {
  if (!Buffer.isBuffer(error.rawPacket)) return false;
  const packet = error.rawPacket;
  const end = Math.min(packet.length, error.bytesParsed ?? packet.length);
  return /^[A-Za-z-]+ /.test(packet.toString('latin1', 0, 32)) && !packet.subarray(0, end).includes(0x0a);
}

/**
 * Node's `checkExpectation` event: an `Expect` header other than `100-continue`. Answers 417 EINVAL
 * `expectation-failed` (the request is not run) and closes the connection.
 */
export function onCheckExpectation(request: IncomingMessage, response: ServerResponse): void {
  const expect = String(request.headers.expect ?? '').slice(0, 64);
  const body = JSON.stringify(
    errorBody(
      'EINVAL',
      `Expect: ${JSON.stringify(expect)} is not supported (only 100-continue is); send the request without it`,
      'expectation-failed',
      { expect },
    ),
  );
  response.shouldKeepAlive = false;
  response.writeHead(417, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(body),
    connection: 'close',
  });
  response.end(body);
}

/**
 * fastify's `frameworkErrors`: refusals of the router. A path whose percent-encoding is broken is
 * 400 EINVAL `bad-url-encoding`; a path segment over MAX_SEGMENT_LENGTH characters is 414 EINVAL
 * `uri-too-long`; anything else is answered as `toErrorReply` says.
 */
export function onFrameworkError(
  error: Error & { code?: string },
  request: FastifyRequest,
  reply: FastifyReply,
) {
  const path = shorten(request.raw.url ?? '');
  switch (error.code) {
    case 'FST_ERR_BAD_URL':
      return sendError(
        reply,
        400,
        'EINVAL',
        `the path ${JSON.stringify(path)} has a broken percent-encoding (each % must start a UTF-8 byte as two hex digits); encode it again`,
        'bad-url-encoding',
        { path },
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return sendError(
        reply,
        414,
        'EINVAL',
        `a segment of the path ${JSON.stringify(path)} is over ${MAX_SEGMENT_LENGTH} characters; no ID, set ID or lease is that long`,
        'uri-too-long',
        { limit: MAX_SEGMENT_LENGTH },
      );
    default: {
      const { status, body } = toErrorReply(error, request);
      reply.errorCode = body.error.code;
      return reply.code(status).send(body);
    }
  }
}

/**
 * onRequest hook: a request line with another version than HTTP/1.0 or 1.1 (Node's parser lets `HTTP/2.0`
 * and a versionless line through) is 400 EINVAL `bad-http-version`; an HTTP/1.1 request without Host is
 * 400 EINVAL `missing-host`; a URL over
 * MAX_URL_LENGTH characters is 414 EINVAL `uri-too-long`; while the server
 * is stopping, every new request is 503 EAGAIN `shutting-down` (the same request may succeed on the
 * next server) with `connection: close`.
 */
export function refuseEarly(closing: () => boolean) {
  return (request: FastifyRequest, reply: FastifyReply, done: () => void): void => {
    if (closing()) {
      reply.header('connection', 'close');
      sendError(
        reply,
        503,
        'EAGAIN',
        'the server is stopping and takes no new requests; retry against the restarted server',
        'shutting-down',
      );
      return;
    }
    const version = request.raw.httpVersion;
    if (version !== '1.1' && version !== '1.0') {
      reply.header('connection', 'close');
      sendError(
        reply,
        400,
        'EINVAL',
        `HTTP/${version} is not spoken here; send HTTP/1.1`,
        'bad-http-version',
        { version },
      );
      return;
    }
    if (version === '1.1' && request.headers.host === undefined) {
      sendError(
        reply,
        400,
        'EINVAL',
        'an HTTP/1.1 request must have a Host header; send one',
        'missing-host',
      );
      return;
    }
    const length = request.url.length;
    if (length > MAX_URL_LENGTH) {
      sendError(
        reply,
        414,
        'EINVAL',
        `the URL is ${length} characters, more than the ${MAX_URL_LENGTH} allowed; send a shorter one`,
        'uri-too-long',
        { length, limit: MAX_URL_LENGTH },
      );
      return;
    }
    done();
  };
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
