// Several `ioasid-server` instances on one PostgreSQL database under concurrent load (the clients of
// pg-multi-instance.test.ts: random instance per request, ranges, batches, frees, small quotas), while a
// random instance is killed with SIGKILL and restarted, again and again. A client whose instance dies
// sends its allocation once more to another running one (a free without answer is not sent again). At
// the end every acknowledged change is in the log, every request without answer is there wholly or not
// at all, the history is linearizable (support/event-log-model.ts), the log folds to what every instance
// answers, and the longest time during which no instance answered anything stayed below MAX_GAP_MS.
// crash.test.ts covers what one instance keeps across a crash in detail (spids, references, leases).

import { describe, expect, it } from 'vitest';
import { useInstances } from './support/instances.js';
import { clients, prepareLoad, step, verifyNamespace } from './support/multi-load.js';
import { useTestDatabases } from './support/pg.js';
import { random, withSeed } from './support/random.js';

/**
 * Instances sharing the database. 3 needs the multi-instance mode (issue 8): until it is merged, the
 * second instance refuses to start. The test passes with 1 (set it to 1 to run it without that mode).
 */
const INSTANCES = 3;
const CLIENTS = 24;
const KILLS = 5;
const QUOTAS = [6, 10, 16, 24];
const SPAN = 80;
/** How long a killed instance stays down before its restart (with one instance: nobody answers then). */
const DOWN_MS = 200;
/**
 * A generous bound on the longest time no instance answered (a restart of the only instance included):
 * far above what a healthy run takes, far below "the namespace stopped".
 */
const MAX_GAP_MS = 10_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const dbs = useTestDatabases();
const harness = useInstances(dbs);

describe(`${INSTANCES} instance(s) on one PostgreSQL database, killed one at a time`, () => {
  it('keep every acknowledged change, stay linearizable and keep answering', async () => {
    const rng = random();
    await withSeed(rng, async () => {
      const instances = await harness.start(INSTANCES);
      const load = await prepareLoad(instances, QUOTAS, { span: SPAN });
      const all = clients(load, rng, CLIENTS);
      let stopping = false;
      load.rec.begin();
      const running = all.map(async (c) => {
        while (!stopping && !load.rec.halted) await step(load, c, true);
      });
      const kills: number[] = [];
      try {
        for (let k = 0; k < KILLS && !load.rec.halted; k++) {
          await sleep(300 + rng.int(700));
          const victim = rng.pick(instances.live());
          kills.push(victim);
          expect(await instances.kill(victim)).toBe('SIGKILL');
          await sleep(DOWN_MS);
          await instances.restart(victim);
        }
        await sleep(300);
      } finally {
        stopping = true;
        await Promise.all(running);
      }
      load.rec.end();

      const { events } = await verifyNamespace(load);
      const { acks, doubts, coverage, maxGapMs } = load.rec;
      const reqs = new Set(events.map((e) => (e.data as { req?: string } | null)?.req));
      const landed = doubts.filter((d) => d.kind === 'alloc' && reqs.has(d.req)).length;
      // Recorded with the run: how long, at worst, nobody answered.
      console.log(
        `pg-multi-crash: ${INSTANCES} instance(s), killed instances ${kills.join(' ')}, ${acks.length} answers, ` +
          `${doubts.length} in doubt (${landed} allocations of them landed), ${events.length} events, longest gap without an answer ${Math.round(maxGapMs)} ms`,
      );
      if (process.env.IOASID_MI_VERBOSE) console.log(Object.fromEntries([...coverage].sort()));
      expect(maxGapMs, 'longest time no instance answered (ms)').toBeLessThan(MAX_GAP_MS);
      // The load went on around the kills.
      expect(acks.length).toBeGreaterThan(KILLS * CLIENTS);
      for (const key of ['alloc 201', 'free 204', 'read 200'])
        expect(coverage.get(key) ?? 0, key).toBeGreaterThan(0);
      expect(await instances.stopAll()).toEqual(Array(INSTANCES).fill(0));
    });
  });
});
