// Several `ioasid-server` processes serving one namespace: each started with the same fresh PostgreSQL
// database (`--database-url`), its own `--data-dir`, port 0 and one shared IOASID_ADMIN_TOKEN. A test
// stops (SIGTERM), kills (SIGKILL) and restarts single instances, and picks a live one per request.

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll } from 'vitest';
import type { TestDatabases } from './pg.js';
import { killAll, type ServeProcess, spawnServe } from './process.js';
import type { Random } from './random.js';

/** The admin token every instance of a test shares. */
export const INSTANCES_TOKEN = 'multi-instance-admin-token-0123456789';

/** Options of `start`. */
export interface InstancesOptions {
  /** `--capacity` (default 4096): installed by the first instance, ignored by the others. */
  capacity?: number;
  /** More flags for every instance. */
  args?: string[];
}

/** N running (or stopped) servers on one database. */
export interface Instances {
  /** The database every instance uses. */
  readonly databaseUrl: string;
  /** How many instances there are, running or not. */
  readonly count: number;
  /** The indexes of the instances running now (not being killed or stopped), ascending. */
  live(): number[];
  /** The base URL of instance `index`. @throws when it is not running */
  url(index: number): string;
  /** The process of instance `index`. @throws when it is not running */
  process(index: number): ServeProcess;
  /**
   * The URL of a random running instance, waiting (up to 30 s) while none runs, as during the restart
   * of the only one. @throws when none runs after 30 s
   */
  pick(rng: Random): Promise<string>;
  /** Kills instance `index` with SIGKILL and waits for its exit. @returns the exit signal */
  kill(index: number): Promise<NodeJS.Signals | null>;
  /** Stops instance `index` with SIGTERM and waits for its exit. @returns the exit code */
  stop(index: number): Promise<number | null>;
  /** Starts instance `index` again on its own data directory. @returns its new URL */
  restart(index: number): Promise<string>;
  /** Stops every running instance with SIGTERM. @returns their exit codes, by index (null: not running) */
  stopAll(): Promise<(number | null)[]>;
}

/** Starts instances of one namespace; the processes and directories are removed after the file. */
export interface InstancesHarness {
  /**
   * Creates a fresh database and starts `count` instances on it: the first alone (it creates the
   * tables and installs the capacity), then the others together.
   * @throws when an instance exits before listening (today: a second one on the same database)
   */
  start(count: number, options?: InstancesOptions): Promise<Instances>;
}

/**
 * Registers the file's cleanup (SIGKILL whatever still runs, remove the data directories) and returns
 * the harness. Call it after `useTestDatabases()`, so the instances are gone before their databases
 * are dropped.
 */
export function useInstances(dbs: TestDatabases): InstancesHarness {
  const dirs: string[] = [];
  afterAll(() => {
    killAll();
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  return {
    async start(count, options = {}) {
      const databaseUrl = await dbs.create();
      const args = [
        '--port',
        '0',
        '--database-url',
        databaseUrl,
        '--capacity',
        String(options.capacity ?? 4096),
        '--log-level',
        'warn',
        '--no-dashboard',
        ...(options.args ?? []),
      ];
      const slots = Array.from({ length: count }, () => {
        const dir = mkdtempSync(join(tmpdir(), 'ioasid-mi-'));
        dirs.push(dir);
        return { dir, server: null as ServeProcess | null };
      });
      const launch = async (index: number) => {
        const slot = slots[index];
        const server = await spawnServe([...args, '--data-dir', slot.dir], {
          IOASID_ADMIN_TOKEN: INSTANCES_TOKEN,
        });
        slot.server = server;
        return server.url;
      };
      const running = (index: number): ServeProcess => {
        const server = slots[index]?.server;
        if (!server) throw new Error(`instance ${index} is not running`);
        return server;
      };
      const end = async (index: number, signal: NodeJS.Signals) => {
        const server = running(index);
        slots[index].server = null;
        server.child.kill(signal);
        return server.exited;
      };
      await launch(0);
      await Promise.all(slots.slice(1).map((_, i) => launch(i + 1)));
      const live = () => slots.flatMap((slot, index) => (slot.server ? [index] : []));
      return {
        databaseUrl,
        count,
        live,
        url: (index) => running(index).url,
        process: running,
        async pick(rng) {
          const deadline = Date.now() + 30_000;
          for (;;) {
            const up = live();
            if (up.length > 0) return running(rng.pick(up)).url;
            if (Date.now() > deadline) throw new Error('no instance has been running for 30 s');
            await new Promise((resolve) => setTimeout(resolve, 20));
          }
        },
        kill: async (index) => (await end(index, 'SIGKILL')).signal,
        stop: async (index) => (await end(index, 'SIGTERM')).code,
        restart: launch,
        stopAll: () =>
          Promise.all(slots.map((slot, index) => (slot.server ? end(index, 'SIGTERM') : null))).then(
            (codes) => codes.map((exit) => exit?.code ?? null),
          ),
      };
    },
  };
}
