// The instance heartbeat of the PostgreSQL store: every 2 s the instance's row in `instances` gets the
// database's `now()` and the last event sequence number this instance committed, so GET /v1/instances
// lists the instances whose heartbeat is at most 15 s old by the database's own clock.

import type pg from 'pg';
import type { InstanceIdentity } from './pg-instance.js';
import type { InstanceRecord } from './store.js';

/** Milliseconds between two heartbeats. */
export const HEARTBEAT_MS = 2000;
/** Seconds after its last heartbeat an instance no longer counts as live. */
export const INSTANCE_STALE_SECONDS = 15;

/**
 * Writes this instance's heartbeat on its row, creating the row again if it is gone (pruned, or the
 * database restored from a backup).
 */
export async function writeHeartbeat(
  client: pg.ClientBase,
  me: InstanceIdentity,
  seq: number,
): Promise<void> {
  await client.query(
    `INSERT INTO instances (name, pid, host, started_at, last_seen_at, seq) VALUES ($1, $2, $3, now(), now(), $4)
     ON CONFLICT (name) DO UPDATE SET last_seen_at = now(), seq = EXCLUDED.seq`,
    [me.name, me.pid, me.host, seq],
  );
}

/** The instances whose heartbeat is at most INSTANCE_STALE_SECONDS old by the database's clock. */
export async function readInstances(client: pg.ClientBase): Promise<InstanceRecord[]> {
  const result = await client.query<[number, string, Date, Date, string]>({
    text: `SELECT pid, host, started_at, last_seen_at, seq FROM instances
           WHERE last_seen_at >= now() - make_interval(secs => $1) ORDER BY name`,
    values: [INSTANCE_STALE_SECONDS],
    rowMode: 'array',
  });
  return result.rows.map((r) => ({
    pid: r[0],
    host: r[1],
    startedAt: r[2],
    lastSeenAt: r[3],
    seq: Number(r[4]),
  }));
}

/**
 * Runs `beat` every `intervalMs` on an unref'd timer (never two at once) until `stop`. A beat that
 * fails is handed to `failed` and the next one runs as planned: nothing is thrown.
 */
export class Heartbeat {
  readonly #beat: () => Promise<void>;
  readonly #failed: (error: unknown) => void;
  #timer: NodeJS.Timeout | null;
  #running: Promise<void> | null = null;

  constructor(beat: () => Promise<void>, failed: (error: unknown) => void, intervalMs = HEARTBEAT_MS) {
    this.#beat = beat;
    this.#failed = failed;
    this.#timer = setInterval(() => this.#tick(), intervalMs);
    this.#timer.unref();
  }

  /** Stops the timer and waits for a beat in flight. */
  async stop(): Promise<void> {
    if (this.#timer !== null) clearInterval(this.#timer);
    this.#timer = null;
    await this.#running;
  }

  #tick(): void {
    if (this.#running !== null || this.#timer === null) return;
    this.#running = this.#beat()
      .catch((error: unknown) => {
        try {
          this.#failed(error);
        } catch {
          // A failing report must not become an unhandled rejection.
        }
      })
      .finally(() => {
        this.#running = null;
      });
  }
}
