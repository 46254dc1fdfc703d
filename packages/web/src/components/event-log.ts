// <ioasid-event-log>: the live event log. Pure data-in: the app calls `append(events)` with what the
// event stream brings and sets `.sets` for the set filter; the element keeps the newest 2,000 events
// (a ring, older ones dropped) and renders at most the newest 200 that pass the filters, NEWEST FIRST,
// once per animation frame whatever the event rate. While paused, new events are kept and counted, and
// shown on resume. A click (or Enter/Space) on a row fires `event-select` with the event.

import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { repeat } from 'lit/directives/repeat.js';
import {
  EventRing,
  LOG_CAPACITY,
  LOG_ROWS,
  type LogFilter,
  matchesFilter,
  summarizeData,
} from './event-ring.js';
import type { EventPayload } from './map-types.js';
import { visuallyHidden } from './visually-hidden.js';

/** A set as the filter lists it. */
export interface LogSet {
  readonly sid: number;
  readonly owner: string | null;
}

/** Event types the type filter always offers (types seen in the log are added). */
const KNOWN_TYPES = ['alloc', 'free', 'bind', 'unbind', 'lease-expired'];

/** `<ioasid-event-log>`: see the file comment; property `sets`, methods `append`, `clear`. */
export class IoasidEventLog extends LitElement {
  static override properties = {
    sets: { attribute: false },
    _filter: { state: true },
    _paused: { state: true },
    _version: { state: true },
  };

  /** The sets offered by the set filter: `{ sid, owner }` (owner null for the system set). */
  declare sets: readonly LogSet[];
  declare _filter: LogFilter;
  declare _paused: boolean;
  declare _version: number;

  #ring = new EventRing<EventPayload>(LOG_CAPACITY);
  #types = new Set<string>(KNOWN_TYPES);
  /** Running number of the first event appended while paused (-1 when not paused). */
  #pausedAt = -1;
  #frame = 0;
  #rows: EventPayload[] = [];

  constructor() {
    super();
    this.sets = [];
    this._filter = { sid: null, type: '' };
    this._paused = false;
    this._version = 0;
  }

  /** Events kept now (at most 2,000). */
  get size(): number {
    return this.#ring.size;
  }

  /** Whether the log is paused. */
  get paused(): boolean {
    return this._paused;
  }

  /**
   * Adds events (an array, in stream order); the view updates on the next animation frame. The name is
   * Element's `append`: called with DOM nodes or strings instead of one array, it does what Element's does.
   */
  override append(...nodes: (string | Node)[]): void;
  override append(events: readonly EventPayload[]): void;
  override append(...args: unknown[]): void {
    if (args.length !== 1 || !Array.isArray(args[0])) {
      super.append(...(args as (string | Node)[]));
      return;
    }
    const events = args[0] as readonly EventPayload[];
    if (events.length === 0) return;
    this.#ring.push(events);
    for (const e of events) {
      if (!this.#types.has(e.type)) this.#types.add(e.type);
    }
    this.#schedule();
  }

  /** Forgets every event (after a stream reset, say). */
  clear(): void {
    this.#ring.clear();
    if (this._paused) this.#pausedAt = this.#ring.pushed;
    this.#schedule();
  }

  /** Pauses (true) or resumes (false) the view. */
  setPaused(paused: boolean): void {
    this._paused = paused;
    this.#pausedAt = paused ? this.#ring.pushed : -1;
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this._version++;
    });
  }

  #owners = new Map<number, string | null>();

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('sets')) this.#owners = new Map(this.sets.map((s) => [s.sid, s.owner]));
  }

  #ownerOf(sid: number): string {
    const owner = this.#owners.get(sid);
    return owner === undefined ? String(sid) : `${sid} (${owner ?? 'system'})`;
  }

  #onSetFilter = (e: Event): void => {
    const v = (e.target as HTMLSelectElement).value;
    this._filter = { ...this._filter, sid: v === '' ? null : Number(v) };
  };

  #onTypeFilter = (e: Event): void => {
    this._filter = { ...this._filter, type: (e.target as HTMLSelectElement).value };
  };

  #onRowClick = (e: Event): void => {
    const row = (e.target as HTMLElement).closest('button[data-i]') as HTMLElement | null;
    if (!row) return;
    const event = this.#rows[Number(row.dataset.i)];
    if (event) {
      this.dispatchEvent(new CustomEvent('event-select', { detail: event, bubbles: true, composed: true }));
    }
  };

  static override styles = [
    visuallyHidden,
    css`
    :host {
      display: block;
      position: relative;
      container-type: inline-size;
    }
    .controls {
      display: flex;
      flex-wrap: wrap;
      align-items: end;
      gap: 0.5rem 1rem;
      margin-bottom: 0.5rem;
    }
    label {
      display: flex;
      flex-direction: column;
      font-size: 0.85em;
      color: var(--muted, inherit);
      gap: 0.15rem;
    }
    select,
    button {
      font: inherit;
      color: var(--fg, inherit);
      background: var(--panel, transparent);
      border: 1px solid var(--border, currentColor);
      border-radius: 4px;
      padding: 0.2rem 0.5rem;
      max-width: 100%;
    }
    select:focus-visible,
    button:focus-visible {
      outline: 2px solid var(--focus, Highlight);
      outline-offset: 2px;
    }
    .status {
      font-size: 0.85em;
      color: var(--muted, inherit);
      margin: 0;
      min-height: 1.3em;
    }
    .status.paused {
      color: var(--warn, inherit);
      font-weight: 600;
    }
    .head,
    .row {
      display: grid;
      grid-template-columns: 5.5rem 6.5rem 6.5rem minmax(6rem, 1fr) 4.5rem minmax(6rem, 2fr);
      gap: 0.5rem;
      align-items: baseline;
      text-align: start;
    }
    .head {
      font-size: 0.8em;
      font-weight: 600;
      color: var(--muted, inherit);
      padding: 0.2rem 0.5rem;
      border-bottom: 1px solid var(--border, #888);
    }
    [role='log'] {
      position: relative;
      max-height: 24rem;
      overflow-y: auto;
      overflow-x: hidden;
      border: 1px solid var(--border, #888);
      border-radius: 4px;
    }
    ol {
      list-style: none;
      margin: 0;
      padding: 0;
    }
    /* rows stay when newer ones come (keyed by seq): a frame lays out the new rows only, and the rows
       scrolled out of the box are skipped */
    li {
      content-visibility: auto;
      contain-intrinsic-size: auto 1.8rem;
    }
    .row {
      width: 100%;
      border: none;
      border-bottom: 1px solid var(--border, #888);
      border-radius: 0;
      background: none;
      padding: 0.2rem 0.5rem;
      font-variant-numeric: tabular-nums;
      cursor: pointer;
    }
    .row:hover {
      background: var(--panel, transparent);
    }
    .row span {
      overflow: hidden;
      text-overflow: ellipsis;
      white-space: nowrap;
      min-width: 0;
    }
    .type-alloc {
      color: var(--ok, inherit);
    }
    .type-free {
      color: var(--bad, inherit);
    }
    .data {
      color: var(--muted, inherit);
      font-family: ui-monospace, monospace;
      font-size: 0.9em;
    }
    .empty {
      padding: 0.75rem;
      color: var(--muted, inherit);
    }
    @container (max-width: 560px) {
      .head {
        display: none;
      }
      .row {
        grid-template-columns: 4rem 5.5rem minmax(0, 1fr);
        row-gap: 0;
      }
      .row .set {
        grid-column: 1 / 3;
      }
      .row .data {
        grid-column: 3 / -1;
      }
      .row .spid {
        display: none;
      }
    }
  `,
  ];

  override render() {
    const f = this._filter;
    const paused = this._paused;
    const before = paused ? this.#pausedAt : this.#ring.pushed;
    const rows = this.#ring.newest(LOG_ROWS, (e) => matchesFilter(e, f), before);
    this.#rows = rows;
    const waiting = paused ? this.#ring.pushed - this.#pausedAt : 0;
    const sets = [...this.sets].sort((a, b) => a.sid - b.sid);
    return html`
      <div class="controls">
        <label>
          Set
          <select @change=${this.#onSetFilter} aria-label="Filter by set">
            <option value="" ?selected=${f.sid === null}>All sets</option>
            ${sets.map(
              (s) =>
                html`<option value=${s.sid} ?selected=${f.sid === s.sid}>
                  ${s.sid} (${s.owner ?? 'system'})
                </option>`,
            )}
          </select>
        </label>
        <label>
          Type
          <select @change=${this.#onTypeFilter} aria-label="Filter by type">
            <option value="" ?selected=${f.type === ''}>All types</option>
            ${[...this.#types].map((t) => html`<option value=${t} ?selected=${f.type === t}>${t}</option>`)}
          </select>
        </label>
        <button type="button" aria-pressed=${paused ? 'true' : 'false'} @click=${() => this.setPaused(!paused)}>
          ${paused ? 'Resume' : 'Pause'}
        </button>
        <p class="status ${paused ? 'paused' : ''}" aria-live="polite">
          ${
            paused
              ? `Paused: ${waiting.toLocaleString('en-US')} new ${waiting === 1 ? 'event' : 'events'}, resume to show.`
              : `${this.#ring.size.toLocaleString('en-US')} events kept (newest ${LOG_CAPACITY.toLocaleString('en-US')}), newest first.`
          }
        </p>
      </div>
      <div class="head" aria-hidden="true">
        <span>seq</span><span>type</span><span>ID</span><span>set</span><span>spid</span><span>data</span>
      </div>
      <div role="log" aria-live="polite" aria-relevant="additions" aria-label="Live events, newest first">
        ${
          rows.length === 0
            ? html`<p class="empty">
                ${
                  this.#ring.size === 0
                    ? 'No events yet. Allocations, frees, binds and lease expiries appear here as they happen.'
                    : 'No event matches the filters.'
                }
              </p>`
            : html`<ol @click=${this.#onRowClick}>
                ${repeat(
                  rows,
                  (e) => e.seq,
                  (e, i) => html`<li>
                    <button type="button" class="row" data-i=${i}>
                      <span class="seq"><span class="sr-only">seq </span>${e.seq}</span>
                      <span class="type-${e.type}">${e.type}</span>
                      <span class="id">${e.id === null ? '' : html`<span class="sr-only">ID </span>${e.id}`}</span>
                      <span class="set">${e.sid === null ? '' : html`<span class="sr-only">set </span>${this.#ownerOf(e.sid)}`}</span>
                      <span class="spid">${e.spid === null ? '' : html`<span class="sr-only">spid </span>${e.spid}`}</span>
                      <span class="data">${summarizeData(e) || nothing}</span>
                    </button>
                  </li>`,
                )}
              </ol>`
        }
      </div>
    `;
  }
}

customElements.define('ioasid-event-log', IoasidEventLog);

declare global {
  interface HTMLElementTagNameMap {
    'ioasid-event-log': IoasidEventLog;
  }
}
