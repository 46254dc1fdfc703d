// The error registry: every code the project uses, with its Linux errno and HTTP status.
// The core throws IoasidError; the server and CLI derive their status and exit-code tables from ERROR_CODES.

/** Codes the core throws (docs/contract.md, C-ERR-2). */
export type IoasidErrorCode = 'EINVAL' | 'ENOENT' | 'EACCES' | 'EBUSY' | 'EEXIST' | 'ENOSPC' | 'EAGAIN';

/** Every code of the registry: the core's codes plus `EPERM`, which only the network service uses. */
export type ErrorCode = IoasidErrorCode | 'EPERM';

/** One row of the registry. */
export interface ErrorCodeInfo {
  /** The Linux errno number (`errno-base.h`). */
  readonly errno: number;
  /** HTTP status the service answers with (docs/http-api.md, H-ERR-2). */
  readonly httpStatus: number;
  /** What the code means in this project, one line. */
  readonly meaning: string;
}

/**
 * The single table of error codes. Ordered by errno. The server maps codes to HTTP statuses and the CLI
 * to exit codes from this table, and a test checks that docs and mappings list the same codes.
 */
export const ERROR_CODES: Readonly<Record<ErrorCode, ErrorCodeInfo>> = Object.freeze({
  EPERM: { errno: 1, httpStatus: 401, meaning: 'no credential, or an unknown one' },
  ENOENT: { errno: 2, httpStatus: 404, meaning: 'no such ID, set, mapping, subscriber or allocator' },
  EAGAIN: { errno: 11, httpStatus: 503, meaning: 'not possible now; retry once the condition clears' },
  EACCES: { errno: 13, httpStatus: 403, meaning: 'the ID or set belongs to someone else' },
  EBUSY: {
    errno: 16,
    httpStatus: 409,
    meaning: 'in use: installed already, free-pending or still holding IDs',
  },
  EEXIST: { errno: 17, httpStatus: 409, meaning: 'already exists or already registered' },
  EINVAL: { errno: 22, httpStatus: 400, meaning: 'an argument has a wrong type or value' },
  ENOSPC: { errno: 28, httpStatus: 409, meaning: 'no capacity, quota or free ID left' },
});

/** A value an error carries for machines to read (see `IoasidError.values`). */
export type ErrorValue = string | number | boolean | null;

/**
 * The error every failing call of the core throws, and that `@ioasid/client` throws for an error answer of
 * the service. Match on `code` (as with Node's own errors) and, for the exact cause, on `reason`, never on
 * the message; `errno` is the positive Linux number, so `-err.errno` is what the kernel would return.
 */
export class IoasidError extends Error {
  /** Symbolic kernel-style code such as `'ENOSPC'` (`'EPERM'` only comes from the network service). */
  readonly code: ErrorCode;
  /** Positive Linux errno number for `code` (ENOSPC is 28). */
  readonly errno: number;
  /** Machine-readable cause within the code, such as `'set-quota'`; `'unspecified'` when none was given. */
  readonly reason: string;
  /** The values the reason is about, such as `{ sid: 3, quota: 64, count: 64 }`; empty when none. */
  readonly values: Readonly<Record<string, ErrorValue>>;

  /**
   * @param code one of the registry's codes
   * @param message what was wrong, with the values involved
   * @param reason the machine-readable cause (default `'unspecified'`)
   * @param values the values the reason is about (default none)
   */
  constructor(
    code: ErrorCode,
    message: string,
    reason = 'unspecified',
    values: Readonly<Record<string, ErrorValue>> = {},
  ) {
    super(message);
    this.name = 'IoasidError';
    this.code = code;
    this.errno = ERROR_CODES[code].errno;
    this.reason = reason;
    this.values = Object.freeze({ ...values });
  }
}

/** Returns true when `value` is an IoasidError (also across copies of the package). */
export function isIoasidError(value: unknown): value is IoasidError {
  return (
    value instanceof IoasidError ||
    (value instanceof Error &&
      value.name === 'IoasidError' &&
      typeof (value as { code?: unknown }).code === 'string')
  );
}
