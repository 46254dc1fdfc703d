// Turns what @ioasid/client throws into the CLI's CliError: an API refusal keeps its code, states the fact
// and gets the command line's advice for its reason (advice.ts); a transport failure becomes "no server"
// (69) or "bad answer" (76).

import {
  ERROR_REASONS,
  type ErrorReason,
  IoasidHttpError,
  MalformedEventError,
  TransportError,
} from '@ioasid/client';
import { adviceFor } from './advice.js';
import { CliError } from './exit-codes.js';

/** Where the credential came from, so error hints can say what to change. */
export type CredentialSource =
  | { readonly kind: 'flag' }
  | { readonly kind: 'env'; readonly variable: string }
  | { readonly kind: 'file'; readonly path: string }
  | { readonly kind: 'none'; readonly looked: string };

/**
 * The CliError for `error` when it is a failure of the client (IoasidHttpError, TransportError); any other
 * error is returned as it is.
 */
export function cliErrorOf(error: unknown, source: CredentialSource): unknown {
  if (error instanceof IoasidHttpError) return new CliError(error.code, fact(error), hint(error, source));
  if (error instanceof MalformedEventError) {
    return new CliError(
      'BAD_ANSWER',
      `the event stream of ${error.url} ${error.detail}`,
      'check that --url / IOASID_URL points at an ioasid server',
    );
  }
  if (error instanceof TransportError) return transportError(error);
  return error;
}

function transportError(error: TransportError): CliError {
  if (error.kind === 'bad-answer') {
    return new CliError(
      'BAD_ANSWER',
      `${error.method} ${error.path} at ${error.url} ${error.detail}`,
      'check that --url / IOASID_URL points at an ioasid server',
    );
  }
  const hint =
    error.detail === 'connection refused'
      ? 'start one with `npm start` (or `ioasid serve`), or point --url / IOASID_URL at the running one'
      : error.kind === 'timeout'
        ? 'check that the server is running and reachable (its /healthz answers)'
        : error.detail.startsWith('the host name does not resolve')
          ? 'check --url / IOASID_URL'
          : 'check that the server is running at --url / IOASID_URL';
  if (error.attempts.length > 1) {
    const tried = error.attempts.map((a) => `${a.url} (${a.detail})`).join(', ');
    return new CliError('NO_SERVER', `no server answered at any of ${tried}`, hint);
  }
  const { url, detail } = error;
  if (detail === 'connection refused')
    return new CliError('NO_SERVER', `no server at ${url} (${detail})`, hint);
  if (detail.startsWith('no answer within')) {
    return new CliError('NO_SERVER', `no answer from ${url} ${detail.slice('no answer '.length)}`, hint);
  }
  if (detail.startsWith('the host name does not resolve')) {
    return new CliError('NO_SERVER', `no server at ${url}: ${detail}`, hint);
  }
  return new CliError('NO_SERVER', `cannot talk to ${url}: ${detail}`, hint);
}

/**
 * The refusal's fact without the HTTP API's advice: for a reason of the core, the core's own sentence
 * (the server's message starts with it, then adds advice in terms of routes); otherwise the message.
 */
function fact(error: IoasidHttpError): string {
  if (!Object.hasOwn(ERROR_REASONS, error.reason)) return error.message;
  const info = ERROR_REASONS[error.reason as ErrorReason] as { fact(values: object): string };
  let text: string;
  try {
    text = info.fact(error.values);
  } catch {
    return error.message;
  }
  return error.message.startsWith(text) ? text : error.message;
}

function hint(error: IoasidHttpError, source: CredentialSource): string | null {
  if (error.code === 'EPERM') return credentialHint(source);
  const advice = adviceFor(error.reason, error.values);
  if (advice !== null) return advice;
  switch (error.code) {
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

function credentialHint(source: CredentialSource): string {
  switch (source.kind) {
    case 'none':
      return `no credential was given (looked for ${source.looked}): pass --token <admin token or set secret>, set IOASID_TOKEN, or --admin-token-file <path to the server's admin.token>`;
    case 'flag':
      return 'the --token given is not known to this server: use its admin token or a secret from `ioasid sets create`';
    case 'env':
      return `the credential in ${source.variable} is not known to this server: use its admin token or a secret from \`ioasid sets create\``;
    case 'file':
      return `the admin token in ${source.path} is not this server's: pass --admin-token-file <the server's <data-dir>/admin.token>`;
  }
}
