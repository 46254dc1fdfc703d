// This server's row in `instances`: each instance serving a database registers itself at open (host,
// pid and a random suffix, so a restarted pid never takes over a dead instance's row), beats on it
// (pg-heartbeat.ts) and deletes it at close. Rows of instances dead for a day are pruned at open.

import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type pg from 'pg';
import { writeHeartbeat } from './pg-heartbeat.js';

/** This process's identity in `instances`. */
export interface InstanceIdentity {
  /** `host:pid:suffix`, unique among the instances of the database. */
  readonly name: string;
  readonly host: string;
  readonly pid: number;
}

/** Returns a new identity for this process (a new suffix each call). */
export function newInstanceIdentity(): InstanceIdentity {
  const host = hostname();
  const pid = process.pid;
  return { name: `${host}:${pid}:${randomBytes(3).toString('hex')}`, host, pid };
}

/**
 * Inserts (or refreshes) the instance's row with the database's `now()` as its start and last heartbeat,
 * and prunes the rows of instances not seen for a day.
 */
export async function registerInstance(
  client: pg.ClientBase,
  me: InstanceIdentity,
  seq: number,
): Promise<void> {
  await writeHeartbeat(client, me, seq);
  await client.query("DELETE FROM instances WHERE last_seen_at < now() - interval '1 day'");
}

/** Deletes the instance's row (a graceful stop; a killed instance's row just stops beating). */
export async function unregisterInstance(client: pg.ClientBase, me: InstanceIdentity): Promise<void> {
  await client.query('DELETE FROM instances WHERE name = $1', [me.name]);
}
