// The server's own error: an IoasidError (any registry code, EPERM included) that may also name an HTTP
// status the code alone does not give (413 body too large, 405 wrong method, 415 unsupported media type).

import { ERROR_CODES, type ErrorCode, type ErrorValue, IoasidError } from 'ioasid';

/**
 * An error the server answers with `{ error: { code, errno, reason, message, values } }`. Callers match on
 * `code` and `reason`. The core's own IoasidError is answered the same way; this class adds the status.
 */
export class ApiError extends IoasidError {
  /** HTTP status to answer with; the registry's status for `code` unless given. */
  readonly status: number;

  /**
   * @param code registry code
   * @param message what was wrong, with the values involved (answers add the advice of http/advice.ts)
   * @param reason machine-readable cause, e.g. `'admin-only'` (default `'unspecified'`); build errors of a
   * server reason with `apiError` (server-reasons.ts), which fills code, values and status
   * @param values the values the reason is about
   * @param status HTTP status when it is not the registry's one for `code`
   */
  constructor(
    code: ErrorCode,
    message: string,
    reason = 'unspecified',
    values: Readonly<Record<string, ErrorValue>> = {},
    status: number = ERROR_CODES[code].httpStatus,
  ) {
    super(code, message, reason, values);
    this.name = 'ApiError';
    this.status = status;
  }
}
