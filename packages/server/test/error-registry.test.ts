// One table of error codes: the core's registry (ERROR_CODES), the server's status mapping and the
// table in docs/server.md list the same codes with the same errno and HTTP status, as http-api.md says.

import { readFileSync } from 'node:fs';
import { HTTP_STATUS } from '@ioasid/server';
import { ERROR_CODES } from 'ioasid';
import { describe, expect, it } from 'vitest';

const docs = readFileSync(new URL('../../../docs/server.md', import.meta.url), 'utf8');

/** Rows of the "Errors" table in docs/server.md: `| \`CODE\` | errno | status | ... |`. */
function documented(): Record<string, { errno: number; status: number }> {
  const section = docs.slice(docs.indexOf('### Errors'), docs.indexOf('## Credentials'));
  const rows: Record<string, { errno: number; status: number }> = {};
  for (const match of section.matchAll(/^\| `([A-Z]+)` \| (\d+) \| (\d+) \|/gm)) {
    rows[match[1]] = { errno: Number(match[2]), status: Number(match[3]) };
  }
  return rows;
}

describe('the error code table', () => {
  it('maps every registry code to the registry’s HTTP status, and nothing else', () => {
    expect(Object.keys(HTTP_STATUS).sort()).toEqual(Object.keys(ERROR_CODES).sort());
    for (const [code, info] of Object.entries(ERROR_CODES)) {
      expect([code, HTTP_STATUS[code as keyof typeof HTTP_STATUS]]).toEqual([code, info.httpStatus]);
    }
  });

  it('gives the statuses http-api.md fixes', () => {
    expect(HTTP_STATUS).toEqual({
      EINVAL: 400,
      EPERM: 401,
      EACCES: 403,
      ENOENT: 404,
      EBUSY: 409,
      EEXIST: 409,
      ENOSPC: 409,
      EAGAIN: 503,
    });
  });

  it('is documented in docs/server.md with the same codes, errno and statuses', () => {
    const expected = Object.fromEntries(
      Object.entries(ERROR_CODES).map(([code, info]) => [
        code,
        { errno: info.errno, status: info.httpStatus },
      ]),
    );
    expect(documented()).toEqual(expected);
  });
});
