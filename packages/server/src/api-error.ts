// The server's own error: a registry code (EPERM included) with its message and, rarely, an HTTP status
// the code alone does not give (413 body too large, 405 wrong method, 415 unsupported media type).

import { ERROR_CODES, type ErrorCode } from 'ioasid';

/**
 * An error the server answers with `{ error: { code, errno, message } }`. Callers match on `code`.
 * The core's own IoasidError is answered the same way; this class adds EPERM and explicit statuses.
 */
export class ApiError extends Error {
  /** Symbolic code from the registry, e.g. `'EACCES'`. */
  readonly code: ErrorCode;
  /** Positive Linux errno of `code`. */
  readonly errno: number;
  /** HTTP status to answer with; the registry's status for `code` unless given. */
  readonly status: number;

  /**
   * @param code registry code
   * @param message what was wrong, with the values involved, and what to do
   * @param status HTTP status when it is not the registry's one for `code`
   */
  constructor(code: ErrorCode, message: string, status: number = ERROR_CODES[code].httpStatus) {
    super(message);
    this.name = 'ApiError';
    this.code = code;
    this.errno = ERROR_CODES[code].errno;
    this.status = status;
  }
}
