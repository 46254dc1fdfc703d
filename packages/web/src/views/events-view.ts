// <ioasid-events-view>: the live event log, fed with each frame's batch of events from the store.

import { html } from 'lit';
import type { Change } from '../store/namespace-store.js';
import { eventLog, logAppend } from './panels.js';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';

/** The events page. */
export class EventsView extends StoreView {
  static override styles = [shared];
  #setsVersion = -1;

  protected override changed(change: Change): void {
    logAppend(this.renderRoot, change.events);
    // the log's set filter choices change only when sets come or go
    if (change.reloaded && this.store.model.sets.size !== this.#setsVersion) this.requestUpdate();
  }

  override render() {
    const sets = [...this.store.model.sets.values()].map((s) => ({ sid: s.sid, owner: s.owner }));
    this.#setsVersion = sets.length;
    return html`<h2>Live events</h2>
      <p class="hint">
        Every change of the namespace as it happens: alloc, free, bind and unbind of a guest ID (spid), expired
        leases, and events published with notify. Only events since this page opened are listed; a set's page
        shows its older events.
      </p>
      ${eventLog(sets)}`;
  }
}

customElements.define('ioasid-events-view', EventsView);
