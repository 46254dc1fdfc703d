// GET /v1/instances: the server instances serving the namespace. A store that records them (PostgreSQL,
// with a heartbeat) lists them; otherwise (SQLite) this process is the only one.

import { hostname } from 'node:os';
import type { InstanceRecord, Store } from '../store/store.js';

/** An instance as GET /v1/instances shows it. */
export interface InstanceView {
  /** `host:pid`. */
  readonly name: string;
  /** ISO 8601. */
  readonly startedAt: string;
  /** Its last heartbeat, ISO 8601 (now, for this process on a store without heartbeats). */
  readonly lastSeenAt: string;
  /** The namespace's event sequence number it had seen then. */
  readonly seq: number;
}

/** This process, for a store that records no instances. */
export interface SelfInstance {
  /** When the engine opened (epoch milliseconds). */
  readonly startedAt: number;
  /** Now (epoch milliseconds). */
  readonly now: number;
  /** The last committed event's sequence number. */
  readonly seq: number;
}

/** Returns `host:pid`, an instance's name. */
export function instanceName(host: string, pid: number): string {
  return `${host}:${pid}`;
}

/**
 * The live instances, ascending by name: the store's when it records them, else this process alone.
 * @throws the store's error when it cannot be read
 */
export async function listInstances(store: Store, self: SelfInstance): Promise<InstanceView[]> {
  if (store.instances === undefined) {
    return [
      {
        name: instanceName(hostname(), process.pid),
        startedAt: new Date(self.startedAt).toISOString(),
        lastSeenAt: new Date(self.now).toISOString(),
        seq: self.seq,
      },
    ];
  }
  const records: InstanceRecord[] = await store.instances();
  return records
    .map((r) => ({
      name: instanceName(r.host, r.pid),
      startedAt: r.startedAt.toISOString(),
      lastSeenAt: r.lastSeenAt.toISOString(),
      seq: r.seq,
    }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
