// Where the views meet the components of the web-viz part (capacity map, event log, history chart).
//
// NOTE (switch in one place): while src/components/*.ts are not on main, VIZ_READY is false and the
// views get the plain stand-ins below (a text summary of the map, a short list as the log, a text
// summary of a history series). Once they land: uncomment the three imports, set VIZ_READY = true,
// delete the stand-ins. The views call only the functions of this file.

import type { EventView } from '@ioasid/client';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import type { MapAnswer } from '../api/pending-api.js';
import { num, pct } from '../format.js';
import { shared } from './styles.js';

// import '../components/capacity-map.js';
// import '../components/event-log.js';
// import '../components/history-chart.js';
const VIZ_READY = false;

/** A series for <ioasid-history-chart>: times in epoch seconds and one or more lines. */
export interface Series {
  readonly t: number[];
  readonly lines: Array<{ label: string; values: number[]; colour: string }>;
}

/** Occupancy of a map answer in words (the map's aria-label says the same). */
export function mapSummary(data: MapAnswer): string {
  let used = 0;
  let pending = 0;
  const r = data.runs;
  for (let i = 0; i < r.length; i += 4) {
    used += r[i] * r[i + 1];
    pending += r[i] * r[i + 2];
  }
  const size = data.last - data.first + 1;
  return `IDs ${num(data.first)} to ${num(data.last)}: ${num(used)} allocated (${pct(used, size)}), ${num(pending)} free-pending, ${num(data.sets.length)} sets`;
}

/** The capacity map of `data`; `loadRange` answers zooms; `select` is told of a selected range. */
export function capacityMap(
  data: MapAnswer | null,
  loadRange: (first: number, last: number, buckets: number) => Promise<MapAnswer>,
  colorOf: (sid: number) => string,
  select: (first: number, last: number) => void,
): TemplateResult {
  if (data === null) return html`<p class="hint">Loading the map...</p>`;
  if (data.buckets === 0) return html`<p>No capacity installed yet: nothing to draw.</p>`;
  if (VIZ_READY) {
    return html`<ioasid-capacity-map
      id="capacity-map"
      .data=${data}
      .loadRange=${loadRange}
      .colorOf=${colorOf}
      @map-select=${(e: CustomEvent<{ first: number; last: number }>) => select(e.detail.first, e.detail.last)}
    ></ioasid-capacity-map>`;
  }
  return html`<p id="capacity-map">${mapSummary(data)}.</p>`;
}

/** Tells the drawn capacity map (if any, under `root`) about events. */
export function mapApplyEvents(root: ParentNode | null, events: readonly EventView[]): void {
  if (!VIZ_READY || events.length === 0) return;
  const map = root?.querySelector('#capacity-map') as unknown as { applyEvents?: (e: EventView[]) => void };
  map?.applyEvents?.([...events]);
}

/** The live event log; feed it with `logAppend`. */
export function eventLog(sets: ReadonlyArray<{ sid: number; owner: string | null }>): TemplateResult {
  if (VIZ_READY) return html`<ioasid-event-log id="event-log" .sets=${sets}></ioasid-event-log>`;
  return html`<ioasid-plain-log id="event-log"></ioasid-plain-log>`;
}

/** Appends events to the event log under `root`. */
export function logAppend(root: ParentNode | null, events: readonly EventView[]): void {
  if (events.length === 0) return;
  // DASH-UI.md names the method append(events); HTMLElement has an append of its own, so a component may
  // call it appendEvents: use that when present.
  const log = root?.querySelector('#event-log') as unknown as {
    appendEvents?: (e: EventView[]) => void;
    append: (e: EventView[]) => void;
  } | null;
  if (log === null) return;
  if (typeof log.appendEvents === 'function') log.appendEvents([...events]);
  else if (VIZ_READY) log.append([...events]);
}

/** A history chart of `series`. */
export function historyChart(series: Series, label: string): TemplateResult {
  if (VIZ_READY) return html`<ioasid-history-chart .series=${series} .label=${label}></ioasid-history-chart>`;
  const lines = series.lines.map((line) => {
    const values = line.values.filter((v) => Number.isFinite(v));
    const last = values.at(-1) ?? 0;
    const max = values.reduce((a, b) => Math.max(a, b), 0);
    return html`<li>${line.label}: now ${num(last)}, highest ${num(max)}</li>`;
  });
  return html`<figure>
    <figcaption>${label}</figcaption>
    ${series.t.length === 0 ? html`<p class="hint">No data yet.</p>` : html`<ul>${lines}</ul>`}
  </figure>`;
}

const PLAIN_LOG_ROWS = 50;

/** Stand-in for <ioasid-event-log>: the last 50 events, newest first. */
class PlainLog extends LitElement {
  static override styles = [shared];
  #rows: EventView[] = [];

  appendEvents(events: EventView[]): void {
    this.#rows = [...events.slice(-PLAIN_LOG_ROWS).reverse(), ...this.#rows].slice(0, PLAIN_LOG_ROWS);
    this.requestUpdate();
  }

  override render() {
    return html`<ol role="log" aria-label="Live events, newest first">
      ${this.#rows.length === 0 ? html`<li class="hint">No events since the page opened.</li>` : nothing}
      ${this.#rows.map(
        (e) =>
          html`<li>#${num(e.seq)} ${e.type} ${e.id === null ? '' : `ID ${num(e.id)}`} ${e.sid === null ? '' : `set ${e.sid}`}</li>`,
      )}
    </ol>`;
  }
}
if (!VIZ_READY) customElements.define('ioasid-plain-log', PlainLog);
