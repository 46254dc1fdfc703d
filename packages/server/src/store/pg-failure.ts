// What a failure of the PostgreSQL store means, in an operator's words (unreachable, shutting down, disk
// full on the database server, timeouts), and whether the connection it happened on can still be used.

/** A PostgreSQL error (SQLSTATE in `code`) or a Node socket error (`ECONNREFUSED`, ... in `code`). */
interface MaybeCoded {
  readonly code?: unknown;
  readonly message?: unknown;
  readonly cause?: unknown;
}

/** SQLSTATEs after which the session is gone (the server ended it or is going away). */
const SESSION_ENDING = new Set(['57P01', '57P02', '57P03', '57P05', '25P03', '08000', '08003', '08006']);

/** Returns `error`'s code (SQLSTATE or Node code), looking through `cause` once; null when none. */
function codeOf(error: unknown): string | null {
  const e = error as MaybeCoded | null;
  if (e !== null && typeof e === 'object') {
    if (typeof e.code === 'string') return e.code;
    const c = e.cause as MaybeCoded | null | undefined;
    if (c !== null && typeof c === 'object' && typeof c.code === 'string') return c.code;
  }
  return null;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * True when the connection an error happened on may still be used: a server error (a SQLSTATE) that
 * does not end the session, such as a failed statement or a statement timeout. False for socket errors,
 * client-side timeouts, connection ends and the SQLSTATEs of a server shutting down or ending the
 * session (class 08, 57P01..57P03, 25P03): the store then opens a new connection.
 */
export function connectionSurvives(error: unknown): boolean {
  const code = codeOf(error);
  if (code === null || !/^[0-9A-Z]{5}$/.test(code)) return false;
  if (code.startsWith('08')) return false;
  return !SESSION_ENDING.has(code);
}

/**
 * Says what `error` means for the PostgreSQL store at `where` (a redacted URL): "PostgreSQL at WHERE
 * does not answer (ECONNREFUSED)", "... is shutting down (57P01)", "the disk of the database server ...
 * is full (53100)", statement and lock timeouts, refused authentication, a read-only server; any other
 * error by its message, naming `where`.
 */
export function describePgFailure(error: unknown, where: string): string {
  const code = codeOf(error);
  const message = messageOf(error);
  const at = `PostgreSQL at ${where}`;
  switch (code) {
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'ETIMEDOUT':
    case 'EPIPE':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return `${at} does not answer (${code})`;
    case '57P01':
    case '57P02':
      return `${at} is shutting down or restarting (${code})`;
    case '57P03':
      return `${at} is starting up or shutting down and accepts no connections yet (57P03)`;
    case '53100':
      return `the disk of the database server at ${where} is full (53100)`;
    case '53200':
      return `the database server at ${where} is out of memory (53200)`;
    case '53300':
      return `${at} accepts no more connections (53300 too many connections)`;
    case '25006':
      return `${at} is read-only (25006: a standby, or default_transaction_read_only)`;
    case '57014':
      return `a statement on ${at} timed out (57014 statement_timeout)`;
    case '55P03':
      return `a lock on ${at} was not granted in time (55P03 lock_timeout): something else holds it`;
    case '25P03':
      return `${at} ended an idle transaction (25P03 idle_in_transaction_session_timeout)`;
    case '28P01':
    case '28000':
      return `${at} refused the user or password (${code})`;
    case '3D000':
      return `the database of ${where} does not exist (3D000)`;
  }
  if (code?.startsWith('08')) return `the connection to ${at} failed (${code}: ${message})`;
  if (/timeout/i.test(message)) return `${at} does not answer in time (${message})`;
  if (/Connection terminated|connection is closed|Client was closed|not queryable/i.test(message)) {
    return `${at} does not answer (the connection ended: ${message})`;
  }
  return message.includes(where) ? message : `${message} (on ${at})`;
}
