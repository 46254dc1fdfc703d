// One Server-Sent Events stream: replays retained events after the client's position, then follows
// live commits without a gap or a duplicate, with keep-alive comments and a cap on unsent bytes.

import type { ServerResponse } from 'node:http';
import type { EventHub } from '../engine/event-hub.js';
import type { EventRecord } from '../store/store.js';
import type { EventView } from './schemas.js';

/** Where a stream reads events from. */
export interface EventSource {
  readonly hub: EventHub;
  readEvents(after: number, limit: number): Promise<EventRecord[]>;
}

/** Options of one stream. */
export interface SseOptions {
  /** Only events of this set (null: every event). */
  readonly sid: number | null;
  /** Milliseconds between keep-alive comments. */
  readonly keepAliveMs: number;
  /** Unsent bytes after which a too-slow client is disconnected (it resumes with Last-Event-ID). */
  readonly maxBufferedBytes: number;
  /**
   * False once the caller's credential is revoked (its set was destroyed): the stream ends before it
   * could deliver events of a new set that reuses the set ID.
   */
  readonly authorized: () => boolean;
}

const REPLAY_PAGE = 1000;
const jsonCache = new WeakMap<EventRecord, string>();

/** The client-facing JSON of an event: `{"seq","type","id","sid","spid","data"}`, computed once per event. */
export function eventJson(e: EventRecord): string {
  let json = jsonCache.get(e);
  if (json === undefined) {
    const view: EventView = { seq: e.seq, type: e.type, id: e.id, sid: e.sid, spid: e.spid, data: e.data };
    json = JSON.stringify(view);
    jsonCache.set(e, json);
  }
  return json;
}

/**
 * Streams events to one client. `start(after)` begins after sequence number `after` (replaying retained
 * events), or with new events only when `after` is null. A position older than the retention (or newer
 * than the newest event, e.g. from another server's store) first gets `event: reset` with
 * `{"oldest": SEQ}`; the stream then goes on from `oldest`.
 */
export class SseStream {
  readonly #res: ServerResponse;
  readonly #options: SseOptions;
  #last = 0;
  #queue: EventRecord[] | null = [];
  #closed = false;
  #unsubscribe: (() => void) | null = null;
  #keepAlive: NodeJS.Timeout | null = null;
  #onEnd: () => void = () => {};

  constructor(res: ServerResponse, options: SseOptions) {
    this.#res = res;
    this.#options = options;
    res.on('close', () => this.close());
  }

  /** Called once when the stream ends, for whatever reason. */
  set onEnd(callback: () => void) {
    this.#onEnd = callback;
  }

  /** Sends the headers, replays from `after` and follows live events until the client goes. */
  async start(source: EventSource, after: number | null): Promise<void> {
    const res = this.#res;
    res.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    res.write(': ioasid events\n\n');
    this.#keepAlive = setInterval(() => {
      if (this.#options.authorized()) this.#write(': keep-alive\n\n');
      else this.close();
    }, this.#options.keepAliveMs);
    this.#keepAlive.unref();
    // Subscribe first, replay second: whatever commits during the replay waits in the queue.
    this.#unsubscribe = source.hub.subscribe((events) => this.#live(events));
    if (after === null) {
      this.#last = source.hub.committedSeq;
    } else {
      this.#last = after;
      const oldest = source.hub.oldestSeq;
      if (after + 1 < oldest || after > source.hub.committedSeq) {
        this.#write(`id: ${oldest - 1}\nevent: reset\ndata: {"oldest":${oldest}}\n\n`);
        this.#last = oldest - 1;
      }
      while (!this.#closed) {
        const page = await source.readEvents(this.#last, REPLAY_PAGE);
        if (page.length === 0 || this.#closed) break;
        this.#send(page);
        if (res.writableNeedDrain) await new Promise((resolve) => res.once('drain', resolve));
      }
    }
    const queued = this.#queue ?? [];
    this.#queue = null;
    if (!this.#closed) this.#send(queued);
  }

  /** Ends the stream (server shutdown or client gone). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#unsubscribe?.();
    if (this.#keepAlive !== null) clearInterval(this.#keepAlive);
    if (!this.#res.writableEnded) this.#res.end();
    this.#onEnd();
  }

  #live(events: readonly EventRecord[]): void {
    if (this.#queue !== null) {
      for (const e of events) this.#queue.push(e);
      return;
    }
    this.#send(events);
  }

  #send(events: readonly EventRecord[]): void {
    if (!this.#options.authorized()) {
      this.close();
      return;
    }
    const sid = this.#options.sid;
    let chunk = '';
    for (const e of events) {
      if (e.seq <= this.#last) continue; // already sent by the replay
      this.#last = e.seq;
      if (sid !== null && e.sid !== sid) continue;
      chunk += `id: ${e.seq}\nevent: ${e.type}\ndata: ${eventJson(e)}\n\n`;
    }
    if (chunk !== '') this.#write(chunk);
  }

  #write(text: string): void {
    if (this.#closed) return;
    if (this.#res.writableLength > this.#options.maxBufferedBytes) {
      // The client reads too slowly; it reconnects with Last-Event-ID and replays what it missed.
      this.#res.destroy();
      this.close();
      return;
    }
    this.#res.write(text);
  }
}
