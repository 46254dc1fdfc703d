// Refusals made by the HTTP machinery before a request reaches a route (Node's parser, fastify's router,
// Expect headers, over-long URLs, shutdown), answered with the API's own error body and an EINVAL reason.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ApiError } from '../api-error.js';
import { apiError } from '../server-reasons.js';
import { withAdvice } from './advice.js';
import { errorBody, toErrorReply } from './errors.js';
import { sendRefusal } from './refusal.js';

/** Longest path segment (a route parameter) fastify's router accepts; longer ones are answered 414. */
export const MAX_SEGMENT_LENGTH = 100;
/** Longest URL (path and query) a route is run for; longer ones are answered 414. */
export const MAX_URL_LENGTH = 8192;
/** Most bytes of request line and headers Node's parser reads (its default); more is 431 (414 for the URL). */
export const MAX_HEADER_BYTES = 16_384;

/**
 * A complete raw HTTP/1.1 answer carrying `error` in the API's body (its fact with the advice), with
 * `content-length` and `connection: close`: for refusals that have no response object (the parser gave
 * up on the request).
 */
export function rawErrorResponse(error: ApiError): string {
  const body = JSON.stringify(bodyOf(error));
  return (
    `HTTP/1.1 ${error.status} ${STATUS_CODES[error.status] ?? 'Error'}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${Buffer.byteLength(body)}\r\n` +
    'connection: close\r\n\r\n' +
    body
  );
}

function bodyOf(error: ApiError) {
  return errorBody(error.code, withAdvice(error), error.reason, error.values);
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
        apiError(
          'uri-too-long',
          { limit: MAX_HEADER_BYTES, length: null },
          `the request line (method, URL and version) is over ${MAX_HEADER_BYTES} bytes`,
        ),
      );
    }
    return rawErrorResponse(
      apiError(
        'headers-too-large',
        { limit: MAX_HEADER_BYTES },
        `the request line and headers are over ${MAX_HEADER_BYTES} bytes together`,
      ),
    );
  }
  if (error.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    return rawErrorResponse(apiError('request-timeout', {}, 'the request did not arrive in time'));
  }
  const detail = error.reason ?? error.message;
  return rawErrorResponse(
    apiError(
      'bad-request',
      { status: 400, parser },
      `HTTP could not parse the request (${parser}: ${detail})`,
      400,
    ),
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
    bodyOf(
      apiError(
        'expectation-failed',
        { expect },
        `Expect: ${JSON.stringify(expect)} is not supported (only 100-continue is)`,
      ),
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
      return sendRefusal(
        reply,
        apiError(
          'bad-url-encoding',
          { path },
          `the path ${JSON.stringify(path)} has a broken percent-encoding`,
        ),
      );
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return sendRefusal(
        reply,
        apiError(
          'uri-too-long',
          { limit: MAX_SEGMENT_LENGTH, length: null },
          `a segment of the path ${JSON.stringify(path)} is over ${MAX_SEGMENT_LENGTH} characters; no ID, set ID or lease is that long`,
        ),
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
      sendRefusal(reply, apiError('shutting-down', {}, 'the server is stopping and takes no new requests'));
      return;
    }
    const version = request.raw.httpVersion;
    if (version !== '1.1' && version !== '1.0') {
      reply.header('connection', 'close');
      sendRefusal(reply, apiError('bad-http-version', { version }, `HTTP/${version} is not spoken here`));
      return;
    }
    if (version === '1.1' && request.headers.host === undefined) {
      sendRefusal(reply, apiError('missing-host', {}, 'an HTTP/1.1 request without a Host header'));
      return;
    }
    const length = request.url.length;
    if (length > MAX_URL_LENGTH) {
      sendRefusal(
        reply,
        apiError(
          'uri-too-long',
          { limit: MAX_URL_LENGTH, length },
          `the URL is ${length} characters, more than the ${MAX_URL_LENGTH} allowed`,
        ),
      );
      return;
    }
    done();
  };
}

function shorten(text: string): string {
  return text.length > 120 ? `${text.slice(0, 117)}...` : text;
}
