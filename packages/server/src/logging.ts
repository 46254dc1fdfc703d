// Structured JSON logs (pino) with secrets kept out: the Authorization header and the event stream's
// `access_token` query parameter are redacted wherever a request is logged.

import type { IncomingMessage } from 'node:http';
import { type DestinationStream, type LevelWithSilent, type Logger, pino } from 'pino';

/** Options of `createLogger`. */
export interface LoggerOptions {
  /** Lowest level written (default `info`). */
  readonly level?: LevelWithSilent;
  /** Where lines go (default: standard error, so standard output stays for the human-readable lines). */
  readonly destination?: DestinationStream;
}

/** Paths pino censors in every log object. */
export const REDACT_PATHS = [
  'req.headers.authorization',
  'req.query.access_token',
  'headers.authorization',
  'authorization',
  'access_token',
  'secret',
  '*.secret',
];

/** Replaces the value of `access_token` in a URL's query string with `[Redacted]`. */
export function redactUrl(url: string): string {
  return url.replace(/([?&]access_token=)[^&#]*/gi, '$1[Redacted]');
}

/** Serializes a request for logs: method, URL without secrets, and the peer. */
export function serializeRequest(req: IncomingMessage & { id?: unknown }): object {
  return {
    id: req.id,
    method: req.method,
    url: redactUrl(req.url ?? ''),
    remoteAddress: req.socket?.remoteAddress,
  };
}

/** Creates the server's logger. */
export function createLogger(options: LoggerOptions = {}): Logger {
  return pino(
    {
      level: options.level ?? 'info',
      redact: { paths: REDACT_PATHS, censor: '[Redacted]' },
      serializers: { req: serializeRequest, err: pino.stdSerializers.err },
    },
    options.destination ?? pino.destination({ fd: 2, sync: false }),
  );
}
