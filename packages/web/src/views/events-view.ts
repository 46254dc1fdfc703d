// <ioasid-events-view>: the live event log, fed with each frame's batch of events from the store.

import type { EventView } from '@ioasid/client';
import { html } from 'lit';
import type { Change } from '../store/namespace-store.js';
import { eventLog, logAppend } from './panels.js';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';

/** The events page. */
export class EventsView extends StoreView {
  static override styles = [shared];
  #setsVersion = -1;

  /** The newest sequence number handed to the log (a frame's batch may hold events shown already). */
  #shown = -1;

  override firstUpdated(): void {
    // the events received before this page was opened
    this.#append(this.store.recentEvents());
  }

  #append(events: readonly EventView[]): void {
    const fresh =
      events.length > 0 && events[0].seq <= this.#shown ? events.filter((e) => e.seq > this.#shown) : events;
    if (fresh.length === 0) return;
    this.#shown = fresh[fresh.length - 1].seq;
    logAppend(this.renderRoot, fresh);
  }

  protected override changed(change: Change): void {
    if (this.hasUpdated) this.#append(change.events);
    // the log's set filter choices change only when sets come or go
    if (change.reloaded && this.store.model.sets.size !== this.#setsVersion) this.requestUpdate();
  }

  override render() {
    const sets = [...this.store.model.sets.values()].map((s) => ({ sid: s.sid, owner: s.owner }));
    this.#setsVersion = sets.length;
    return html`<h2>Live events</h2>
      <p class="hint">
        Every change of the namespace as it happens: alloc, free, bind and unbind of a guest ID (spid), expired
        leases, and events published with notify. The events since you signed in are listed (the last
        2,000 at most); a set's page shows its older events.
      </p>
      <p class="hint">Select an event (click, or Enter) to look up its ID.</p>
      <div
        @event-select=${(e: CustomEvent<EventView>) => {
          if (e.detail.id !== null) location.hash = `#/lookup/${e.detail.id}`;
        }}
      >
        ${eventLog(sets)}
      </div>`;
  }
}

customElements.define('ioasid-events-view', EventsView);
