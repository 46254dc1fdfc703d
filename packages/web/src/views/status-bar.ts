// <ioasid-status-bar>: always under the header: the live stream's state (live / reconnecting / stale for
// N s), the store's degraded state from GET /readyz, and the lookup searchbox.

import { css, html, nothing } from 'lit';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';

const SHAPE = { live: '●', connecting: '○', lost: '◌', stopped: '■' } as const;

/** "stale for 12 s, reconnecting" -> ["stale", " for 12 s, reconnecting"]. */
function splitState(text: string): [string, string] {
  const space = text.indexOf(' ');
  return space === -1 ? [text, ''] : [text.slice(0, space), text.slice(space)];
}

/** The status bar. */
export class StatusBar extends StoreView {
  static override styles = [
    shared,
    css`
      .bar-row {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: center;
        padding: 0.4rem 1rem;
        border-bottom: 1px solid var(--border);
      }
      .conn[data-kind='live'] .dot {
        color: var(--ok);
      }
      .conn[data-kind='lost'] .dot,
      .conn[data-kind='connecting'] .dot {
        color: var(--warn);
      }
      .conn[data-kind='stopped'] .dot {
        color: var(--bad);
      }
      form {
        margin-left: auto;
        display: flex;
        gap: 0.4rem;
        align-items: center;
        flex: 1 1 16rem;
        max-width: 30rem;
      }
      form input {
        flex: 1;
        min-width: 0;
      }
      .banner {
        margin: 0.5rem 1rem;
      }
    `,
  ];

  #lookup(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.renderRoot.querySelector('input[type=search]') as HTMLInputElement;
    const text = input.value.trim();
    if (text !== '') location.hash = `#/lookup/${encodeURIComponent(text)}`;
  }

  override render() {
    const store = this.store;
    const c = store.connection;
    const ready = store.readiness;
    // the status region says the state in one word (announced when it changes); the ageing seconds
    // beside it are shown but not announced every second
    const [word, detail] = splitState(store.connectionText());
    return html`<div class="bar-row">
        <span class="conn" data-kind=${c.kind} title=${c.kind === 'lost' ? c.reason : ''}>
          <span class="dot" aria-hidden="true">${SHAPE[c.kind]}</span>
          <span role="status">Live events: <strong>${word}</strong></span><span aria-hidden="true">${detail}</span>
        </span>
        <form role="search" @submit=${this.#lookup}>
          <label class="visually-hidden" for="lookup">Look up an ID, a set, an owner or set:spid</label>
          <input
            id="lookup"
            type="search"
            placeholder="Look up: ID, set, owner, set:spid"
            autocomplete="off"
            spellcheck="false"
          />
          <button type="submit">Look up</button>
        </form>
      </div>
      ${
        ready !== null && !ready.ready
          ? html`<div class="alert banner" role="alert">
            <strong>${ready.reason === 'store-unavailable' ? 'The store is unavailable: writes are refused' : 'The server is not ready'}.</strong>
            ${ready.cause ? html`Cause: ${ready.cause}.` : nothing}
            ${ready.since ? html`Since ${new Date(ready.since).toLocaleString()}.` : nothing}
            Reads are still served; the server retries by itself.
          </div>`
          : nothing
      }
      ${
        store.unreachable !== null
          ? html`<div class="alert banner" role="alert"><strong>The server does not answer.</strong> ${store.unreachable}</div>`
          : nothing
      }
      ${
        c.kind === 'stopped'
          ? html`<div class="alert banner" role="alert">
            <strong>Live events stopped:</strong> ${c.reason}. Reload the page or sign in again.
          </div>`
          : nothing
      }
      ${store.loadError !== null ? html`<div class="alert banner" role="alert"><strong>Could not load the namespace:</strong> ${store.loadError}</div>` : nothing}`;
  }
}

customElements.define('ioasid-status-bar', StatusBar);
