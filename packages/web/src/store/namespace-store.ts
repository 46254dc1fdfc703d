// The namespace store: loads the model from the API, follows GET /v1/events (the client's resuming
// iterator), applies each event to the model at once (O(1)) and tells the views once per animation frame
// what changed. Resynchronises on `reset`, when an event names an unknown set, and every 30 s (set
// creation, quota changes and destruction emit no event). Polls GET /readyz for the store's state.

import { type EventView, IoasidClient, isReset, type Readiness } from '@ioasid/client';
import { errorText } from '../format.js';
import type { Session } from '../session/session.js';
import { NamespaceModel } from './model.js';

/** The live stream's state; `stale` is `lost` for longer than STALE_AFTER_MS. */
export type Connection =
  | { readonly kind: 'connecting' }
  | { readonly kind: 'live'; readonly since: number }
  | { readonly kind: 'lost'; readonly since: number; readonly reason: string }
  | { readonly kind: 'stopped'; readonly reason: string };

/** A lost stream shows "reconnecting" this long, then "stale for N s". */
export const STALE_AFTER_MS = 5_000;
/** Events kept for a frame while no frame comes (a hidden tab): the oldest go first. */
export const MAX_PENDING_EVENTS = 2_000;
const RESYNC_MS = 30_000;
const READY_POLL_MS = 5_000;

/** What changed since the last notification. */
export interface Change {
  /** Events applied since the last frame, oldest first (at most MAX_PENDING_EVENTS). */
  readonly events: readonly EventView[];
  /** The sets or capacity were reloaded (after a reset, a new set, an action or the periodic resync). */
  readonly reloaded: boolean;
  /** The stream was reset: views that keep their own copy of server data reload it. */
  readonly reset: boolean;
}

/** The store of one signed-in session. */
export class NamespaceStore {
  readonly model = new NamespaceModel();
  connection: Connection = { kind: 'connecting' };
  /** The server's readiness from the last poll; null until known. */
  readiness: Readiness | null = null;
  /** Why the server did not answer the last readiness poll, or null. */
  unreachable: string | null = null;
  /** True once the first load finished. */
  loaded = false;
  /** The first load's failure, in words. */
  loadError: string | null = null;
  /** Counts the loads of capacity and sets started (1 for the first): a view's own copy of server data
   * fetched at round N is as new as any load of a round <= N. */
  reloadRound = 0;
  /** The round of the last load that finished (0 before the first). */
  loadedRound = 0;

  readonly #session: Session;
  /** Its own client for snapshots: its lastSeq is then the `ioasid-seq` of the last snapshot answer. */
  readonly #snapshots: IoasidClient;
  readonly #listeners = new Set<(change: Change) => void>();
  readonly #stop = new AbortController();
  #pending: EventView[] = [];
  #recent: EventView[] = [];
  #reloaded = false;
  #reset = false;
  #frame = 0;
  #reloading: Promise<void> | null = null;
  #reloadAgain = false;
  #timers: Array<ReturnType<typeof setInterval>> = [];

  constructor(session: Session) {
    this.#session = session;
    this.#snapshots = new IoasidClient({
      urls: session.client.urls,
      token: session.token,
      timeoutMs: 15_000,
    });
  }

  /** Loads, then follows events; polls readiness; ticks once a second for the "N s" texts and rates. */
  async start(): Promise<void> {
    this.#timers.push(setInterval(() => this.#notifySoon(), 1_000));
    this.#timers.push(setInterval(() => void this.reload(), RESYNC_MS));
    this.#timers.push(setInterval(() => void this.#pollReady(), READY_POLL_MS));
    void this.#pollReady();
    let after: number | null = null;
    try {
      await this.reload();
      // follow from the snapshot's own position (its ioasid-seq, 0 before the first event): no event is
      // missed or counted twice between the load and the stream
      after = this.#snapshots.lastSeq;
      this.loaded = true;
      void this.#loadRates();
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      this.loadError = errorText(error);
    }
    this.#notifySoon();
    void this.#follow(after);
  }

  /** Stops the stream, the polls and the notifications. */
  stop(): void {
    this.#stop.abort();
    for (const timer of this.#timers) clearInterval(timer);
    cancelAnimationFrame(this.#frame);
    this.#listeners.clear();
  }

  /** Calls `listener` once per frame in which something changed, and once a second. */
  subscribe(listener: (change: Change) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Reloads capacity and sets (coalesced: one request pair at a time, one more if asked meanwhile). */
  reload(): Promise<void> {
    if (this.#reloading !== null) {
      this.#reloadAgain = true;
      return this.#reloading;
    }
    this.#reloading = (async () => {
      try {
        do {
          this.#reloadAgain = false;
          const round = ++this.reloadRound;
          // one after the other on the snapshot client: its lastSeq is then the ioasid-seq of the sets
          // answer, the position the snapshot shows
          const client = this.#snapshots;
          const signal = this.#stop.signal;
          const capacity = await client.capacity({ signal });
          const sets = await client.listSets({ signal });
          this.model.load(capacity, sets, client.lastSeq);
          this.loadedRound = round;
          this.#reloaded = true;
          this.#notifySoon();
        } while (this.#reloadAgain);
      } catch (error) {
        if (!this.#stop.signal.aborted && !this.loaded) throw error;
      } finally {
        this.#reloading = null;
        // asked again while this one failed (a reset during an outage): try once more
        if (this.#reloadAgain && !this.#stop.signal.aborted) {
          this.#reloadAgain = false;
          setTimeout(() => void this.reload(), 1_000);
        }
      }
    })();
    return this.#reloading;
  }

  /** The last MAX_PENDING_EVENTS events received since sign-in, oldest first (for a log opened late). */
  recentEvents(): EventView[] {
    return this.#recent.slice(-MAX_PENDING_EVENTS);
  }

  /** Text of the connection state for people: "live", "reconnecting", "stale for 12 s", ... */
  connectionText(now = Date.now()): string {
    const c = this.connection;
    switch (c.kind) {
      case 'connecting':
        return 'connecting';
      case 'live':
        return 'live';
      case 'lost': {
        const ms = now - c.since;
        return ms < STALE_AFTER_MS ? 'reconnecting' : `stale for ${Math.round(ms / 1000)} s, reconnecting`;
      }
      case 'stopped':
        return 'stopped';
    }
  }

  async #loadRates(): Promise<void> {
    try {
      const history = await this.#session.client.history();
      this.model.seedRates(history.rates);
    } catch {
      // an older server without GET /v1/history: rates come from live events only
      this.model.seedRates([]);
    }
  }

  async #follow(after: number | null): Promise<void> {
    const signal = this.#stop.signal;
    let unknownSet = false;
    try {
      const stream = this.#session.client.events({
        ...(after === null ? {} : { after }),
        signal,
        onConnection: (note) => {
          this.connection =
            note.type === 'open'
              ? { kind: 'live', since: Date.now() }
              : {
                  kind: 'lost',
                  since: this.connection.kind === 'lost' ? this.connection.since : Date.now(),
                  reason: note.reason,
                };
          this.#notifySoon();
        },
      });
      for await (const item of stream) {
        if (isReset(item)) {
          this.#reset = true;
          await Promise.all([this.reload(), this.#loadRates()]);
          continue;
        }
        if (this.model.apply(item).unknownSet && !unknownSet) {
          unknownSet = true;
          setTimeout(() => {
            unknownSet = false;
            void this.reload();
          }, 250);
        }
        this.#pending.push(item);
        this.#recent.push(item);
        if (this.#recent.length > MAX_PENDING_EVENTS * 2)
          this.#recent = this.#recent.slice(-MAX_PENDING_EVENTS);
        if (this.#pending.length > MAX_PENDING_EVENTS * 2) {
          this.#pending = this.#pending.slice(-MAX_PENDING_EVENTS);
        }
        this.#notifySoon();
      }
    } catch (error) {
      if (signal.aborted) return;
      this.connection = { kind: 'stopped', reason: errorText(error) };
      this.#notifySoon();
    }
  }

  async #pollReady(): Promise<void> {
    try {
      this.readiness = await this.#session.client.readiness({ signal: this.#stop.signal });
      this.unreachable = null;
    } catch (error) {
      if (this.#stop.signal.aborted) return;
      this.unreachable = errorText(error);
    }
    this.#notifySoon();
  }

  #notifySoon(): void {
    if (this.#frame !== 0 || this.#stop.signal.aborted) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      const events =
        this.#pending.length > MAX_PENDING_EVENTS ? this.#pending.slice(-MAX_PENDING_EVENTS) : this.#pending;
      const change: Change = { events, reloaded: this.#reloaded, reset: this.#reset };
      this.#pending = [];
      this.#reloaded = false;
      this.#reset = false;
      for (const listener of this.#listeners) listener(change);
    });
  }
}
