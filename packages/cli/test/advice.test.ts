// The command line's advice per refusal reason: complete against the core's and the server's registries,
// and what a user sees: the core's fact without the HTTP API's route advice, then a hint in CLI terms.

import { ERROR_REASONS } from '@ioasid/client';
import { SERVER_REASONS } from '@ioasid/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CLI_ADVICE } from '../src/advice.js';
import { run } from './support/cli.js';
import { ADMIN_TOKEN, type CliTestServer, startCliTestServer } from './support/server.js';

describe('the advice table', () => {
  it('has an entry for every reason of the core and of the server, and no other', () => {
    const expected = [...Object.keys(ERROR_REASONS), ...Object.keys(SERVER_REASONS)].sort();
    expect(Object.keys(CLI_ADVICE).sort()).toEqual(expected);
  });

  it('never tells a command-line user about HTTP routes', () => {
    const sample = { sid: 3, id: 7, spid: 9, mappedId: 8, owner: 2, count: 5, quota: 5, limit: 4096 };
    for (const [reason, advice] of Object.entries(CLI_ADVICE)) {
      if (advice === null) continue;
      expect(advice(sample), reason).not.toMatch(/\/v1\/|\b(GET|POST|PATCH|DELETE) \//);
    }
  });
});

describe('a refused command', () => {
  let server: CliTestServer;
  const admin = () => ({ env: { IOASID_URL: server.url, IOASID_TOKEN: ADMIN_TOKEN } });

  beforeAll(async () => {
    server = await startCliTestServer({ capacity: 1000 });
  });
  afterAll(async () => {
    await server.stop();
  });

  it('states the core fact and advises a command when a set is at its quota', async () => {
    const set = await server.api<{ sid: number }>('POST', '/v1/sets', { owner: 'advice-quota', quota: 1 });
    await server.api('POST', `/v1/sets/${set.body.sid}/ioasids`, { min: 1, max: 100 });
    const result = await run(['alloc', String(set.body.sid)], admin());
    expect(result.code).toBe(64 + 28);
    expect(result.stderr).toContain(`ENOSPC: set ${set.body.sid} is at its quota of 1 ID`);
    expect(result.stderr).toContain(`hint: free IDs (\`ioasid free ID\`)`);
    expect(result.stderr).toContain(`\`ioasid sets adjust ${set.body.sid} --quota N\``);
    expect(result.stderr).not.toContain('/v1/');
  });

  it('names the command that detaches a spid mapped to another ID', async () => {
    const set = await server.api<{ sid: number }>('POST', '/v1/sets', { owner: 'advice-spid', quota: 4 });
    const ids = await server.api<{ ids: number[] }>('POST', `/v1/sets/${set.body.sid}/ioasids`, {
      min: 1,
      max: 100,
      count: 2,
    });
    const [a, b] = ids.body.ids;
    expect((await server.api('PUT', `/v1/ioasids/${a}/spid`, { spid: 42 })).status).toBe(204);
    const result = await run(['spid', 'attach', String(b), '42'], admin());
    expect(result.code).toBe(64 + 22);
    expect(result.stderr).toContain(`hint: detach it first with \`ioasid spid detach ${a}\``);
    expect(result.stderr).not.toContain('/v1/');
  });
});
