// Where the views meet the data-in components (capacity map, event log, history chart, in
// src/components/): the views call only the functions of this file.

import type { EventView, MapView } from '@ioasid/client';
import { html, type TemplateResult } from 'lit';
import '../components/capacity-map.js';
import '../components/event-log.js';
import '../components/history-chart.js';

/** A series for <ioasid-history-chart>: times in epoch seconds and one or more lines. */
export interface Series {
  readonly t: number[];
  readonly lines: Array<{ label: string; values: number[]; colour: string }>;
}

/** The capacity map of `data`; `loadRange` answers zooms; `select` is told of a selected range. */
export function capacityMap(
  data: MapView | null,
  loadRange: (first: number, last: number, buckets: number) => Promise<MapView>,
  colorOf: (sid: number) => string,
  select: (first: number, last: number) => void,
): TemplateResult {
  if (data === null) return html`<p class="hint">Loading the map...</p>`;
  return html`<ioasid-capacity-map
    id="capacity-map"
    .data=${data}
    .loadRange=${loadRange}
    .colorOf=${colorOf}
    @map-select=${(e: CustomEvent<{ first: number; last: number }>) => select(e.detail.first, e.detail.last)}
  ></ioasid-capacity-map>`;
}

/** Tells the drawn capacity map (if any, under `root`) about events. */
export function mapApplyEvents(root: ParentNode | null, events: readonly EventView[]): void {
  if (events.length === 0) return;
  root?.querySelector('ioasid-capacity-map')?.applyEvents([...events]);
}

/** The live event log; feed it with `logAppend`. */
export function eventLog(sets: ReadonlyArray<{ sid: number; owner: string | null }>): TemplateResult {
  return html`<ioasid-event-log .sets=${sets}></ioasid-event-log>`;
}

/** Appends events to the event log under `root`. */
export function logAppend(root: ParentNode | null, events: readonly EventView[]): void {
  if (events.length === 0) return;
  root?.querySelector('ioasid-event-log')?.append(events);
}

/** A history chart of `series` over the last hour (the axis spans the hour, whatever has data yet). */
export function historyChart(series: Series, label: string): TemplateResult {
  if (series.t.length < 2) {
    return html`<p>${label}: not enough history yet. The server keeps it in memory from its start on.</p>`;
  }
  return html`<ioasid-history-chart .series=${series} .label=${label} .window=${3600}></ioasid-history-chart>`;
}
