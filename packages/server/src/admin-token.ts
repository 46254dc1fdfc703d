// The admin credential: given by the caller (IOASID_ADMIN_TOKEN), or read from `<data-dir>/admin.token`,
// which the first start creates with mode 0600. Its path may be printed; its content never is.

import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the admin token file inside the data directory. */
export const ADMIN_TOKEN_FILE = 'admin.token';

/** What an admin token looks like: 16 to 256 characters of `A-Z a-z 0-9 . _ ~ + / = -`. */
export const ADMIN_TOKEN_PATTERN = /^[A-Za-z0-9._~+/=-]{16,256}$/;

/** Where the admin credential came from. */
export interface AdminCredential {
  readonly token: string;
  /** The file it was read from or written to; null when it was given (environment). */
  readonly path: string | null;
  /** True when this call created the file. */
  readonly created: boolean;
  /** A warning to log, e.g. a file readable by others; null when none. */
  readonly warning: string | null;
}

/**
 * Returns the admin credential: `given` if set, else the content of `<dataDir>/admin.token`, creating
 * that file (mode 0600, 32 random bytes in base64url) when it does not exist.
 * @throws Error when the token is malformed (fewer than 16 or more than 256 characters of
 * `A-Z a-z 0-9 . _ ~ + / = -`)
 */
export function loadAdminToken(dataDir: string, given?: string): AdminCredential {
  if (given !== undefined) {
    checkToken(given, 'IOASID_ADMIN_TOKEN');
    return { token: given, path: null, created: false, warning: null };
  }
  mkdirSync(dataDir, { recursive: true });
  const path = join(dataDir, ADMIN_TOKEN_FILE);
  let created = false;
  try {
    writeFileSync(path, `${randomBytes(32).toString('base64url')}\n`, { mode: 0o600, flag: 'wx' });
    created = true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const token = readFileSync(path, 'utf8').trim();
  checkToken(token, path);
  const mode = statSync(path).mode & 0o777;
  const warning =
    (mode & 0o077) !== 0
      ? `${path} has mode ${mode.toString(8)}: others can read the admin token; run chmod 600 ${path}`
      : null;
  return { token, path, created, warning };
}

function checkToken(token: string, where: string): void {
  if (!ADMIN_TOKEN_PATTERN.test(token)) {
    throw new Error(
      `the admin token in ${where} is not valid: use 16 to 256 characters of A-Z a-z 0-9 . _ ~ + / = - (for example the output of: openssl rand -base64 32)`,
    );
  }
}
