// `ioasid sets ...` against a real server: create (secret shown once), system, list, show, ids, adjust,
// free and destroy, in text and --json, and the refusals a user meets (unknown set, another set's
// secret, admin-only actions, duplicates, quota beyond capacity, malformed numbers).

import { afterAll, beforeAll, describe, it } from 'vitest';
import { ok, okJson, run } from './support/cli.js';
import { ADMIN_TOKEN, type CliTestServer, startCliTestServer } from './support/server.js';

interface SetJson {
  sid: number;
  owner: string | null;
  quota: number;
  count: number;
  dying: boolean;
  secret?: string;
}

let server: CliTestServer;
const admin = () => ({ env: { IOASID_URL: server.url, IOASID_TOKEN: ADMIN_TOKEN } });
const as = (secret: string) => ({ env: { IOASID_URL: server.url, IOASID_TOKEN: secret } });

/** Creates a set through the API (for tests about other commands than `sets create`). */
async function newSet(owner: string, quota: number): Promise<SetJson> {
  const answer = await server.api<SetJson>('POST', '/v1/sets', { owner, quota });
  if (answer.status !== 201) throw new Error(`creating set ${owner}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}

beforeAll(async () => {
  server = await startCliTestServer({ capacity: 1000 });
});
afterAll(async () => {
  await server.stop();
});

describe.concurrent('ioasid sets', () => {
  it('creates a set, prints its secret once with a warning to store it, and the secret works', async ({
    expect,
  }) => {
    const result = await run(['sets', 'create', 'vm-text', '--quota', '16'], admin());
    expect(result.code).toBe(0);
    const sid = Number(/created set (\d+)/.exec(result.stdout)?.[1]);
    expect(result.stdout).toMatch(/owner:\s+vm-text/);
    expect(result.stdout).toMatch(/quota:\s+16/);
    const secret = /secret:\s+(\S+)/.exec(result.stdout)?.[1] ?? '';
    expect(secret).toMatch(/^[A-Za-z0-9._~+/=-]{16,}$/);
    expect(result.stderr).toMatch(/store this secret now: it is shown only once/);
    const own = await okJson<SetJson>(['sets', 'show', String(sid)], as(secret));
    expect(own).toEqual({ sid, owner: 'vm-text', quota: 16, count: 0, dying: false });
  });

  it('prints the created set as JSON with --json, secret included', async ({ expect }) => {
    const set = await okJson<SetJson>(['sets', 'create', 'vm-json', '--quota', '0x10'], admin());
    expect(set).toMatchObject({ owner: 'vm-json', quota: 16, count: 0, dying: false });
    expect(typeof set.secret).toBe('string');
    const fromApi = await server.api<SetJson>('GET', `/v1/sets/${set.sid}`);
    expect(fromApi.body).toEqual({ sid: set.sid, owner: 'vm-json', quota: 16, count: 0, dying: false });
  });

  it('lists the sets as a table and as JSON; a set secret sees only its own', async ({ expect }) => {
    const a = await newSet('list-a', 4);
    await newSet('list-b', 4);
    const table = await ok(['sets', 'list'], admin());
    expect(table.split('\n')[0]).toMatch(/^\s*SID\s+OWNER\s+QUOTA\s+COUNT\s+DYING\s+USAGE$/);
    expect(table).toMatch(/list-a/);
    expect(table).toMatch(/list-b/);
    const all = await okJson<{ sets: SetJson[] }>(['sets', 'list'], admin());
    expect(all.sets.map((s) => s.owner)).toEqual(expect.arrayContaining(['list-a', 'list-b']));
    const own = await okJson<{ sets: SetJson[] }>(['sets', 'list'], as(a.secret!));
    expect(own.sets).toEqual([{ sid: a.sid, owner: 'list-a', quota: 4, count: 0, dying: false }]);
  });

  it("shows a set with its IDs as ranges, and lists a set's IDs", async ({ expect }) => {
    const set = await newSet('show-me', 10);
    for (const [min, max] of [
      [100, 102],
      [105, 105],
    ]) {
      const count = max - min + 1;
      const r = await server.api('POST', `/v1/sets/${set.sid}/ioasids`, { min, max, count });
      expect(r.status).toBe(201);
    }
    const text = await ok(['sets', 'show', String(set.sid)], admin());
    expect(text).toMatch(/owner:\s+show-me/);
    expect(text).toMatch(/count:\s+4/);
    expect(text).toMatch(/ids:\s+100-102, 105/);
    expect((await ok(['sets', 'ids', String(set.sid)], admin())).trim()).toBe('100-102, 105');
    expect(await okJson(['sets', 'ids', String(set.sid)], admin())).toEqual({ ids: [100, 101, 102, 105] });
  });

  it("adjusts a set's quota", async ({ expect }) => {
    const set = await newSet('adjust-me', 3);
    expect(await ok(['sets', 'adjust', String(set.sid), '--quota', '7'], admin())).toMatch(
      `set ${set.sid} now has a quota of 7`,
    );
    const json = await okJson<SetJson>(['sets', 'adjust', String(set.sid), '--quota', '5'], admin());
    expect(json).toEqual({ sid: set.sid, owner: 'adjust-me', quota: 5, count: 0, dying: false });
  });

  it('frees every ID of a set, and destroys it with --destroy', async ({ expect }) => {
    const set = await newSet('free-me', 5);
    await server.api('POST', `/v1/sets/${set.sid}/ioasids`, { min: 1, max: 1000, count: 3 });
    expect(await ok(['sets', 'free', String(set.sid)], admin())).toMatch(`freed every ID of set ${set.sid}`);
    expect((await server.api<SetJson>('GET', `/v1/sets/${set.sid}`)).body.count).toBe(0);
    expect(await okJson(['sets', 'free', String(set.sid), '--destroy'], admin())).toEqual({});
    // Set IDs are reused at once and this file's tests run concurrently, so another test's new set may
    // already have this set ID: the destroyed set is the one owned by free-me.
    const { body } = await server.api<{ sets: SetJson[] }>('GET', '/v1/sets');
    expect(body.sets.filter((s) => s.owner === 'free-me')).toEqual([]);
  });

  it('lets a set secret free its own set but not destroy it', async ({ expect }) => {
    const set = await newSet('self-free', 2);
    await ok(['sets', 'free', String(set.sid)], as(set.secret!));
    const destroy = await run(['sets', 'free', String(set.sid), '--destroy'], as(set.secret!));
    expect(destroy.code).toBe(77);
    expect(destroy.stderr).toMatch(/EACCES/);
  });

  it('creates the system set once; a second time exits with EEXIST', async ({ expect }) => {
    const system = await okJson<SetJson>(['sets', 'system', '--quota', '8'], admin());
    expect(system).toMatchObject({ owner: null, quota: 8, count: 0, dying: false });
    expect(await ok(['sets', 'show', String(system.sid)], admin())).toMatch(/owner:\s+\(system set\)/);
    const again = await run(['sets', 'system', '--quota', '8'], admin());
    expect(again.code).toBe(81);
    expect(again.stderr).toMatch(/^ioasid: EEXIST: /);
  });
});

describe.concurrent('ioasid sets refusals', () => {
  it('exits with ENOENT (66) for an unknown set, with the server message and a hint', async ({ expect }) => {
    const result = await run(['sets', 'show', '4242'], admin());
    expect(result.code).toBe(66);
    expect(result.stdout).toBe('');
    expect(result.stderr).toMatch(/^ioasid: ENOENT: .*4242/);
    expect(result.stderr).toMatch(/hint: list the sets with `ioasid sets list`, or create one/);
  });

  it('exits with EACCES (77) when a set secret touches another set, or asks for an admin action', async ({
    expect,
  }) => {
    const mine = await newSet('mine', 2);
    const theirs = await newSet('theirs', 2);
    const cases = [
      ['sets', 'show', String(theirs.sid)],
      ['sets', 'free', String(theirs.sid)],
      ['sets', 'adjust', String(mine.sid), '--quota', '1'],
    ];
    const results = await Promise.all(cases.map((args) => run(args, as(mine.secret!))));
    results.forEach((result, i) => {
      expect(result.code, cases[i].join(' ')).toBe(77);
      expect(result.stderr).toMatch(/^ioasid: EACCES: /);
    });
    expect(results[0].stderr).toContain(`hint: use set ${theirs.sid}'s secret, or use the admin token`);
    expect((await server.api<SetJson>('GET', `/v1/sets/${mine.sid}`)).body.quota).toBe(2);
  });

  it('exits with EEXIST (81) for a second live set of the same owner, and ENOSPC (92) beyond capacity', async ({
    expect,
  }) => {
    await newSet('twice', 1);
    const twice = await run(['sets', 'create', 'twice', '--quota', '1'], admin());
    expect(twice.code).toBe(81);
    const huge = await run(['sets', 'create', 'huge', '--quota', '100000'], admin());
    expect(huge.code).toBe(92);
    expect(huge.stderr).toMatch(/^ioasid: ENOSPC: /);
  });

  it('rejects malformed numbers with EINVAL (86) before sending any request', async ({ expect }) => {
    // A URL where nothing listens: had a request been sent, the exit code would be "no server" (69).
    const nowhere = { env: { IOASID_URL: 'http://127.0.0.1:9', IOASID_TOKEN: ADMIN_TOKEN } };
    // Every form of bad number is covered by arguments.test.ts; these show each command checks first.
    const cases: Array<[string[], RegExp]> = [
      [['sets', 'create', 'x', '--quota', '-1'], /--quota must be an integer from 0 to 4294967295/],
      [
        ['sets', 'show', 'ten'],
        /SID must be an integer from 0 to 2147483647 \(decimal or 0x hex\), not "ten"/,
      ],
      [['sets', 'adjust', '1', '--quota', '1.5'], /--quota/],
      [['sets', 'create', 'o'.repeat(129), '--quota', '1'], /OWNER must be 1 to 128 characters/],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args, nowhere)));
    results.forEach((result, i) => {
      expect(result.code, cases[i][0].join(' ')).toBe(86);
      expect(result.stderr).toMatch(/^ioasid: EINVAL: /);
      expect(result.stderr).toMatch(cases[i][1]);
    });
  });

  it('exits with the usage code (1) when a required option is missing', async ({ expect }) => {
    const result = await run(['sets', 'create', 'x'], admin());
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/required option '--quota <n>' not specified/);
  });
});
