// `ioasid alloc | free | show` and `ioasid spid attach | detach | find` against a real server, in text
// and --json, with a set secret and the admin token, and the refusals a user meets.

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ok, okJson, run } from './support/cli.js';
import { ADMIN_TOKEN, type CliTestServer, startCliTestServer } from './support/server.js';

interface NewSet {
  sid: number;
  secret: string;
}

let server: CliTestServer;
const admin = () => ({ env: { IOASID_URL: server.url, IOASID_TOKEN: ADMIN_TOKEN } });
const as = (secret: string) => ({ env: { IOASID_URL: server.url, IOASID_TOKEN: secret } });
let owners = 0;
/** Allocates through the API (for tests about other commands than `alloc`). */
async function alloc(sid: number, count?: number): Promise<{ id: number; ids: number[] }> {
  const answer = await server.api<{ id: number; ids: number[] }>('POST', `/v1/sets/${sid}/ioasids`, {
    min: 1,
    max: 0xffffffff,
    ...(count === undefined ? {} : { count }),
  });
  if (answer.status !== 201) throw new Error(`alloc in set ${sid}: ${JSON.stringify(answer.body)}`);
  return answer.body;
}
/** A new set of `quota` IDs through the API. */
async function newSet(quota: number): Promise<NewSet> {
  const answer = await server.api<NewSet>('POST', '/v1/sets', { owner: `ids-${owners++}`, quota });
  expect(answer.status).toBe(201);
  return answer.body;
}

beforeAll(async () => {
  server = await startCliTestServer({ capacity: 100_000 });
});
afterAll(async () => {
  await server.stop();
});

describe.concurrent('ioasid alloc, show, free', () => {
  it('allocates the lowest free ID from 1 by default, in text and JSON', async ({ expect }) => {
    const set = await newSet(8);
    const first = await ok(['alloc', String(set.sid)], as(set.secret));
    const id = Number(/^allocated ID (\d+) in set (\d+)$/m.exec(first)?.[1]);
    expect(id).toBeGreaterThanOrEqual(1);
    const second = await okJson<{ id: number }>(['alloc', String(set.sid)], as(set.secret));
    expect(second.id).toBeGreaterThan(id);
    const ids = await server.api<{ ids: number[] }>('GET', `/v1/sets/${set.sid}/ioasids`);
    expect(ids.body.ids).toEqual([id, second.id]);
  });

  it('allocates in a range with data, and a batch with --count, all or nothing', async ({ expect }) => {
    const set = await newSet(10);
    const one = await okJson<{ id: number }>(
      ['alloc', String(set.sid), '--min', '0x500', '--max', '0x5ff', '--data', '{"vm":"a","n":[1,2]}'],
      admin(),
    );
    expect(one).toEqual({ id: 0x500 });
    const shown = await okJson(['show', String(one.id)], as(set.secret));
    expect(shown).toEqual({
      id: 0x500,
      sid: set.sid,
      state: 'active',
      spid: null,
      data: { vm: 'a', n: [1, 2] },
    });
    const batch = await ok(
      ['alloc', String(set.sid), '--min', '2000', '--max', '2999', '--count', '4'],
      admin(),
    );
    expect(batch.trim()).toBe(`allocated 4 IDs in set ${set.sid}: 2000-2003`);
    const json = await okJson<{ ids: number[] }>(
      ['alloc', String(set.sid), '--min', '3000', '--count', '2'],
      admin(),
    );
    expect(json).toEqual({ ids: [3000, 3001] });
    const tooMany = await run(['alloc', String(set.sid), '--count', '4'], admin());
    expect(tooMany.code).toBe(92);
    expect(tooMany.stderr).toMatch(/^ioasid: ENOSPC: /);
    expect((await server.api<{ count: number }>('GET', `/v1/sets/${set.sid}`)).body.count).toBe(7);
  });

  it('shows an ID as text, and frees it', async ({ expect }) => {
    const set = await newSet(2);
    // A range of its own: the tests run concurrently, and a freed ID is the next one handed out.
    const { id } = await okJson<{ id: number }>(
      ['alloc', String(set.sid), '--min', '7000', '--max', '7999', '--data', '"hello"'],
      as(set.secret),
    );
    const text = await ok(['show', String(id)], as(set.secret));
    expect(text).toMatch(new RegExp(`id:\\s+${id}\\n`));
    expect(text).toMatch(new RegExp(`sid:\\s+${set.sid}\\n`));
    expect(text).toMatch(/state:\s+active/);
    expect(text).toMatch(/spid:\s+none/);
    expect(text).toMatch(/data:\s+"hello"/);
    expect((await ok(['free', String(id)], as(set.secret))).trim()).toBe(`freed ID ${id}`);
    expect((await server.api('GET', `/v1/ioasids/${id}`)).status).toBe(404);
    const again = await run(['free', String(id)], as(set.secret));
    expect(again.code).toBe(66);
    expect(again.stderr).toMatch(/^ioasid: ENOENT: /);
  });

  it('frees with --json printing {}', async ({ expect }) => {
    const set = await newSet(1);
    const { id } = await alloc(set.sid);
    expect(await okJson(['free', String(id)], admin())).toEqual({});
  });

  it('exits with EACCES (77) when a set secret touches an ID or set of another set', async ({ expect }) => {
    const mine = await newSet(2);
    const theirs = await newSet(2);
    const { id } = await alloc(theirs.sid);
    const cases = [
      ['free', String(id)],
      ['alloc', String(theirs.sid)],
      ['spid', 'attach', String(id), '3'],
    ];
    const results = await Promise.all(cases.map((args) => run(args, as(mine.secret))));
    results.forEach((result, i) => {
      expect(result.code, cases[i].join(' ')).toBe(77);
      expect(result.stderr).toMatch(/^ioasid: EACCES: /);
    });
    expect((await server.api('GET', `/v1/ioasids/${id}`)).status).toBe(200);
  });

  it('rejects malformed numbers and JSON with EINVAL (86) before sending any request', async ({ expect }) => {
    const nowhere = { env: { IOASID_URL: 'http://127.0.0.1:9', IOASID_TOKEN: ADMIN_TOKEN } };
    // Every form of bad number is covered by arguments.test.ts; these show each command checks first.
    const cases: Array<[string[], RegExp]> = [
      [['alloc', '-1'], /SID must be an integer from 0 to 2147483647/],
      [['alloc', '1', '--min', '9', '--max', '3'], /--min 9 is above --max 3/],
      [['alloc', '1', '--count', '0'], /--count must be an integer from 1 to 65536/],
      [['alloc', '1', '--data', '{vm:1}'], /--data must be JSON/],
      [['show', '4294967295'], /ID must be an integer from 0 to 4294967294/],
      [['spid', 'attach', '1', '1.0'], /SPID must be/],
    ];
    const results = await Promise.all(cases.map(([args]) => run(args, nowhere)));
    results.forEach((result, i) => {
      const what = cases[i][0].join(' ');
      expect(result.stderr, what).toMatch(cases[i][1]);
      expect(result.code, what).toBe(86);
    });
  });
});

describe.concurrent('ioasid spid', () => {
  it('attaches a guest ID, finds it, and detaches it, in text and JSON', async ({ expect }) => {
    const set = await newSet(4);
    const { id } = await alloc(set.sid);
    expect((await ok(['spid', 'attach', String(id), '42'], as(set.secret))).trim()).toBe(
      `attached spid 42 to ID ${id}`,
    );
    expect((await ok(['spid', 'find', String(set.sid), '42'], as(set.secret))).trim()).toBe(
      `spid 42 of set ${set.sid} is ID ${id}`,
    );
    expect(await okJson(['spid', 'find', String(set.sid), '42'], admin())).toEqual({ id });
    expect(await okJson<{ spid: number }>(['show', String(id)], admin())).toMatchObject({ spid: 42 });
    expect((await ok(['spid', 'detach', String(id)], as(set.secret))).trim()).toBe(
      `detached the spid of ID ${id}`,
    );
    const gone = await run(['spid', 'find', String(set.sid), '42'], as(set.secret));
    expect(gone.code).toBe(66);
    expect(gone.stderr).toMatch(/^ioasid: ENOENT: /);
    expect(await okJson(['spid', 'attach', String(id), '43'], admin())).toEqual({});
    expect(await okJson(['spid', 'detach', String(id)], admin())).toEqual({});
    const none = await run(['spid', 'detach', String(id)], admin());
    expect(none.code).toBe(66);
  });

  it('exits with EINVAL (86) when the guest ID is mapped to another ID of the set', async ({ expect }) => {
    const set = await newSet(4);
    const { ids } = await alloc(set.sid, 2);
    await ok(['spid', 'attach', String(ids[0]), '7'], admin());
    const clash = await run(['spid', 'attach', String(ids[1]), '7'], admin());
    expect(clash.code).toBe(86);
    expect(clash.stderr).toMatch(/^ioasid: EINVAL: /);
  });
});
