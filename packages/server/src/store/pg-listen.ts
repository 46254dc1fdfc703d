// The PostgreSQL store's second connection: it LISTENs for the other instances' commits and carries this
// instance's heartbeat. Lost, it is opened again at the next heartbeat, and the store is told to catch up
// (notifications sent while it was away are gone).

import type pg from 'pg';
import { COMMIT_CHANNEL, type Notification, parseNotification } from './pg-commit-log.js';
import { connect, type PgTimeouts } from './pg-connect.js';
import { writeHeartbeat } from './pg-heartbeat.js';
import { type InstanceIdentity, registerInstance, unregisterInstance } from './pg-instance.js';

/** What the connection tells its store. */
export interface ListenEvents {
  /**
   * An instance committed (this one's own commits included); version 0 after a reconnection (some may
   * have been missed).
   */
  committed(heard: Notification): void;
  /** The connection was lost (the database went away, or its session was ended). */
  lost(reason: string): void;
}

/** The listening and heartbeat connection of one instance. */
export class ListenConnection {
  readonly #url: string;
  readonly #timeouts: PgTimeouts;
  readonly #me: InstanceIdentity;
  #events: ListenEvents = { committed: () => {}, lost: () => {} };
  #client: pg.Client | null = null;
  #closed = false;

  private constructor(url: string, timeouts: PgTimeouts, me: InstanceIdentity) {
    this.#url = url;
    this.#timeouts = timeouts;
    this.#me = me;
  }

  /**
   * Connects, registers the instance (see pg-instance.ts) and listens; what it hears goes to the handlers
   * given to `on` (nothing before).
   * @throws StoreUnavailableError when the database cannot be reached
   */
  static async open(url: string, timeouts: PgTimeouts, me: InstanceIdentity): Promise<ListenConnection> {
    const connection = new ListenConnection(url, timeouts, me);
    await connection.#connect(0);
    return connection;
  }

  /** Sets who is told of commits and of the connection's loss. */
  on(events: ListenEvents): void {
    this.#events = events;
  }

  /** True while the connection is up. */
  get connected(): boolean {
    return this.#client !== null;
  }

  /**
   * One heartbeat with the last sequence number this instance saw; opens the connection again first when
   * it was lost (then tells `committed(0)`).
   * @throws the database's error (the next beat tries again)
   */
  async beat(seq: number): Promise<void> {
    if (this.#closed) return;
    if (this.#client === null) {
      await this.#connect(seq);
      this.#events.committed({ version: 0, nextSeq: 0, opsJson: null });
      return;
    }
    await writeHeartbeat(this.#client, this.#me, seq);
  }

  /** Deletes the instance's row and closes the connection. Idempotent; never rejects. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const client = this.#client;
    this.#client = null;
    if (client === null) return;
    await unregisterInstance(client, this.#me).catch(() => {});
    await client.end().catch(() => {});
  }

  async #connect(seq: number): Promise<void> {
    const client = await connect(this.#url, 'ioasid-listen', this.#timeouts);
    try {
      await registerInstance(client, this.#me, seq);
      await client.query(`LISTEN ${COMMIT_CHANNEL}`);
    } catch (error) {
      await client.end().catch(() => {});
      throw error;
    }
    if (this.#closed) {
      await client.end().catch(() => {});
      return;
    }
    client.on('notification', (message) => {
      if (message.channel !== COMMIT_CHANNEL) return;
      const heard = parseNotification(message.payload ?? '');
      if (heard !== null) this.#events.committed(heard);
    });
    const lost = (reason: string) => {
      if (this.#client !== client) return;
      this.#client = null;
      client.end().catch(() => {});
      if (!this.#closed) this.#events.lost(reason);
    };
    client.on('error', (error) => lost(error.message));
    client.on('end', () => lost('the connection ended'));
    this.#client = client;
  }
}
