// I/O errors injected at random moments under concurrent HTTP load (seeded): some commits fail before
// they run, some inside the store, some after (they landed, the engine cannot know). Afterwards the server's memory equals what
// a fresh engine loads from the same data directory, and every 2xx answer given is in it.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ADMIN, Engine, SqliteStore, startServer } from '@ioasid/server';
import { afterAll, describe, expect, it } from 'vitest';
import { client } from './support/client.js';
import { FlakyStore, isProbe, until } from './support/flaky-store.js';
import { random } from './support/random.js';
import { ADMIN_TOKEN } from './support/server.js';
import { observe } from './support/state.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SEED = Number(process.env.IOASID_TEST_SEED ?? 20261202);
const ROUNDS = 100;
const PER_ROUND = 8;

/** What the 2xx answers said about an ID that no later answer could have changed unseen. */
interface Known {
  sid: number;
  data: unknown;
  spid: number | null;
}

describe('injected I/O errors under load', () => {
  it.each(['group', 'per-request'] as const)(
    'in %s commit mode leave memory equal to the store and keep every acknowledged change',
    async (commitMode) => {
      const rng = random(SEED);
      console.log(`store-faults seed: ${SEED}, ${commitMode} mode (IOASID_TEST_SEED=${SEED} to repeat)`);
      const dir = mkdtempSync(join(tmpdir(), 'ioasid-faults-'));
      dirs.push(dir);
      const store = new FlakyStore(SqliteStore.open({ dataDir: dir }));
      const fatal: unknown[] = [];
      const server = await startServer({
        dataDir: dir,
        port: 0,
        logger: false,
        adminToken: ADMIN_TOKEN,
        capacity: 100_000,
        store,
        commitMode,
        storeRetry: { initialMs: 2, maxMs: 10 },
        onFatal: (error) => fatal.push(error),
      });
      const admin = client(server.url, ADMIN_TOKEN);
      const sets: number[] = [];
      /** IDs whose last answer was a 2xx, with what it said; IDs touched by a refused request are dropped. */
      const known = new Map<number, Known>();
      const freed = new Set<number>();
      const leases: string[] = [];
      let ok = 0;
      let refused = 0;
      let spid = 1;
      try {
        for (let i = 0; i < 3; i++) {
          const set = await admin.post('/v1/sets', { owner: `vm${i}`, quota: 5000 });
          expect(set.status).toBe(201);
          sets.push(set.body.sid);
        }
        // From now on: about one batch in six fails, before it runs, inside the store's transaction or
        // after it ran; and about one probe in three.
        const faults = { none: 0, before: 0, inside: 0, after: 0 };
        store.decide = (batch) => {
          const draw = rng.int(100);
          const fault = isProbe(batch)
            ? draw < 30
              ? 'before'
              : 'none'
            : draw < 5
              ? 'before'
              : draw < 12
                ? 'inside'
                : draw < 17
                  ? 'after'
                  : 'none';
          faults[fault]++;
          return fault;
        };
        for (let round = 0; round < ROUNDS; round++) {
          const taken = new Set<number>();
          const pick = (): number | null => {
            const ids = [...known.keys()].filter((id) => !taken.has(id));
            if (ids.length === 0) return null;
            const id = rng.pick(ids);
            taken.add(id);
            return id;
          };
          const requests: Promise<void>[] = [];
          for (let r = 0; r < PER_ROUND; r++) {
            const kind = rng.int(10);
            if (kind < 4 || known.size === 0) {
              const sid = rng.pick(sets);
              const data = { round, r, pad: 'x'.repeat(rng.int(200)) };
              requests.push(
                admin
                  .post(`/v1/sets/${sid}/ioasids`, { min: 1 + rng.int(5_000), max: 1_000_000, data })
                  .then((a) => {
                    if (a.status === 201) {
                      ok++;
                      known.set(a.body.id, { sid, data, spid: null });
                      freed.delete(a.body.id);
                    } else refused++;
                  }),
              );
              continue;
            }
            const id = pick();
            if (id === null) continue;
            const entry = known.get(id) as Known;
            const answered = (status: number, change: () => void) => {
              if (status >= 200 && status < 300) {
                ok++;
                change();
              } else {
                expect([status, 'refused']).toEqual([503, 'refused']);
                refused++;
                known.delete(id); // its outcome is unknown (the commit may have landed)
              }
            };
            if (kind < 6) {
              const data = { round, r, set: true };
              requests.push(
                admin.put(`/v1/ioasids/${id}/data`, { data }).then((a) =>
                  answered(a.status, () => {
                    entry.data = data;
                  }),
                ),
              );
            } else if (kind < 7 && entry.spid === null) {
              const s = spid++;
              requests.push(
                admin.put(`/v1/ioasids/${id}/spid`, { spid: s }).then((a) =>
                  answered(a.status, () => {
                    entry.spid = s;
                  }),
                ),
              );
            } else if (kind < 8) {
              requests.push(
                admin.post('/v1/leases', { ttlMs: 600_000 }).then(async (a) => {
                  if (a.status !== 201) {
                    refused++;
                    return;
                  }
                  ok++;
                  leases.push(a.body.lease);
                  const ref = await admin.post(`/v1/ioasids/${id}/refs`, { lease: a.body.lease });
                  answered(ref.status, () => {});
                }),
              );
            } else {
              requests.push(
                admin.delete(`/v1/ioasids/${id}`).then((a) =>
                  answered(a.status, () => {
                    known.delete(id);
                    freed.add(id);
                  }),
                ),
              );
            }
          }
          // Reads during the run: they answer 200 or 503, never a state the store does not hold.
          requests.push(
            admin.get('/v1/sets').then((a) => {
              expect([200, 503]).toContain(a.status);
            }),
          );
          await Promise.all(requests);
        }
        store.decide = null;
        store.fault = 'none';
        await until(() => server.engine.storeStatus().state === 'ready', 10_000);
        await server.engine.durable();
        expect(store.attempts.filter((a) => !isProbe(a.batch)).length).toBeGreaterThan(20);
        expect(server.engine.storeStatus().failures).toBeGreaterThan(3);
        expect(refused).toBeGreaterThan(0);
        expect(faults.inside * faults.after * faults.before).toBeGreaterThan(0);
        expect(ok).toBeGreaterThan(100);

        const memory = observe(server.engine);
        for (const [id, entry] of known) {
          expect({ id, ...(memory.ids[id] as object) }).toMatchObject({
            id,
            sid: entry.sid,
            data: entry.data,
            spid: entry.spid,
          });
        }
        await server.close();
        const fresh = await Engine.open({
          store: SqliteStore.open({ dataDir: dir }),
          adminToken: ADMIN_TOKEN,
          onFatal: (error) => fatal.push(error),
        });
        try {
          expect(observe(fresh)).toEqual(memory);
          expect(fresh.listSets(ADMIN).length).toBe(3);
        } finally {
          await fresh.close();
        }
        expect(fatal).toEqual([]);
      } finally {
        await server.close();
      }
    },
    60_000,
  );
});
