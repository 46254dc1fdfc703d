// <ioasid-overview>: the namespace at a glance: capacity, what is reserved and allocated, the sets, the
// allocation rate now, the capacity map, and the fullest sets. Empty states say what to do next.

import type { MapView } from '@ioasid/client';
import { css, html, nothing } from 'lit';
import { MAX_BUCKETS, overviewBuckets } from '../components/map-layout.js';
import { errorText, num, pct, rate, setName } from '../format.js';
import type { Change } from '../store/namespace-store.js';
import './actions.js';
import { colorOf } from './colours.js';
import { capacityMap, mapApplyEvents } from './panels.js';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';
import { usageBar } from './usage-bar.js';

/** The overview page. */
export class Overview extends StoreView {
  static override properties = {
    ...StoreView.properties,
    map: { state: true },
    mapError: { state: true },
    selected: { state: true },
  };
  declare map: MapView | null;
  declare mapError: string | null;
  declare selected: { first: number; last: number } | null;

  static override styles = [
    shared,
    css`
      .stats {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(10rem, 1fr));
        gap: 0.75rem;
        margin: 0 0 1rem;
        padding: 0;
      }
      .stat {
        background: var(--panel);
        border: 1px solid var(--border);
        border-radius: 8px;
        padding: 0.5rem 0.75rem;
      }
      .stat dt {
        color: var(--muted);
        font-size: 0.85rem;
      }
      .stat dd {
        margin: 0.1rem 0 0;
      }
      .stat .value {
        display: block;
        font-size: 1.35rem;
        font-variant-numeric: tabular-nums;
        overflow-wrap: anywhere;
      }
      .stat .sub {
        display: block;
        font-size: 0.8rem;
        color: var(--muted);
      }
      ol.fullest {
        list-style: none;
        padding: 0;
        margin: 0;
        display: grid;
        gap: 0.4rem;
      }
      ol.fullest li {
        display: grid;
        grid-template-columns: minmax(0, 12rem) 1fr;
        gap: 0.5rem;
        align-items: center;
      }
      ol.fullest a {
        overflow-wrap: anywhere;
      }
    `,
  ];

  constructor() {
    super();
    this.map = null;
    this.mapError = null;
    this.selected = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    void this.#loadMap();
  }

  protected override changed(change: Change): void {
    // A reload that started before this map's request (the first load, usually) shows nothing newer.
    if (change.reset || (change.reloaded && this.store.loadedRound > this.#mapRound)) void this.#loadMap();
    else mapApplyEvents(this.renderRoot, change.events);
    this.requestUpdate();
  }

  #loading = false;
  /** The store's reload round when the drawn map was asked for. */
  #mapRound = -1;
  async #loadMap(): Promise<void> {
    if (this.#loading) return;
    this.#loading = true;
    this.#mapRound = this.store.reloadRound;
    try {
      const width = this.getBoundingClientRect().width || globalThis.innerWidth;
      // Before the store's first load the capacity is not known yet: the server answers at most one
      // bucket per ID, so the map need not wait for it (nor for the sets).
      const capacity = this.store.model.capacity || MAX_BUCKETS;
      const buckets = overviewBuckets(capacity, width, globalThis.devicePixelRatio);
      const map = await this.session.client.map({ buckets });
      performance.mark('ioasid:map-answer');
      this.map = map;
      this.mapError = null;
    } catch (error) {
      this.mapError = errorText(error);
    } finally {
      this.#loading = false;
    }
  }

  readonly #loadRange = (first: number, last: number, buckets: number) =>
    this.session.client.map({ first, last, buckets });

  #mapPanel() {
    return html`<section class="panel" aria-labelledby="map-title">
        <h3 id="map-title">Capacity map</h3>
        <p class="hint">Every ID of the namespace, coloured by the set holding it; free-pending IDs are marked. Select a cell to see its range.</p>
        ${this.mapError !== null ? html`<div class="alert" role="alert">The map could not be loaded: ${this.mapError}</div>` : nothing}
        ${
          this.mapError === null
            ? capacityMap(this.map, this.#loadRange, colorOf, (first, last) => {
                this.selected = { first, last };
              })
            : nothing
        }
        ${
          this.selected !== null
            ? html`<p>
              Selected: IDs ${num(this.selected.first)} to ${num(this.selected.last)}.
              ${this.selected.first === this.selected.last ? html`<a href=${`#/lookup/${this.selected.first}`}>Look up ID ${num(this.selected.first)}</a>` : nothing}
            </p>`
            : nothing
        }
      </section>`;
  }

  override render() {
    const store = this.store;
    const m = store.model;
    if (!store.loaded) {
      // The map is drawn as soon as its answer is here, while the sets still load: one outer template
      // for both states, so the map element stays when the rest of the page comes.
      return this.#page(
        html`<p>${store.loadError === null ? 'Loading the namespace...' : 'The namespace could not be loaded (see above).'}</p>`,
        store.loadError === null && this.map !== null,
        nothing,
      );
    }
    const allocated = m.allocated();
    const reserved = m.capacity - m.available;
    const sets = [...m.sets.values()];
    const fullest = sets
      .filter((s) => s.quota > 0)
      .sort((a, b) => b.count / b.quota - a.count / a.quota || a.sid - b.sid)
      .slice(0, 5);
    return this.#page(
      html`<p class="hint">
        ${
          this.isAdmin
            ? 'The namespace: IDs (PASIDs) are handed out to sets, each set up to its quota. Figures update live.'
            : 'Your set in the namespace. Figures update live.'
        }
      </p>
      ${
        m.capacity === 0
          ? html`<section class="panel" aria-labelledby="no-cap">
            <h3 id="no-cap">No capacity installed yet</h3>
            <p>Sets can be created and IDs allocated once the namespace has a capacity (how many IDs exist).</p>
            ${this.isAdmin ? html`<ioasid-install-capacity .store=${store} .session=${this.session}></ioasid-install-capacity>` : html`<p>Ask the administrator to install one.</p>`}
          </section>`
          : nothing
      }
      <dl class="stats">
        <div class="stat"><dt>Capacity</dt><dd><span class="value">${num(m.capacity)}</span><span class="sub">IDs in the namespace</span></dd></div>
        <div class="stat">
          <dt>Available</dt><dd><span class="value">${num(m.available)}</span><span class="sub">not reserved by a quota (${num(reserved)} reserved)</span></dd>
        </div>
        <div class="stat">
          <dt>Allocated</dt><dd><span class="value">${num(allocated)}</span><span class="sub">${pct(allocated, m.capacity)} of the capacity${this.isAdmin ? '' : ' (your set)'}</span></dd>
        </div>
        <div class="stat"><dt>Sets</dt><dd><span class="value">${num(m.sets.size)}</span><span class="sub">${this.isAdmin ? 'live sets' : 'visible to you'}</span></dd></div>
        <div class="stat">
          <dt>Allocations per second</dt><dd><span class="value">${rate(m.allocsPerSecond())}</span><span class="sub">frees: ${rate(m.freesPerSecond())} (last second)</span></dd>
        </div>
      </dl>`,
      true,
      html`<section class="panel" aria-labelledby="fullest-title">
        <h3 id="fullest-title">Fullest sets</h3>
        ${
          sets.length === 0
            ? html`<p>
              No sets yet${this.isAdmin ? html`: <a href="#/admin">create one</a> on the Admin page` : ''}.
            </p>`
            : html`<ol class="fullest">
                ${fullest.map(
                  (s) =>
                    html`<li><a href=${`#/sets/${s.sid}`}>${setName(s.owner, s.sid)}</a>${usageBar(s)}</li>`,
                )}
              </ol>
              <p><a href="#/sets">${sets.length === 1 ? 'The set in the table' : `All ${num(sets.length)} sets`}</a></p>`
        }
      </section>`,
    );
  }

  #page(top: unknown, map: boolean, bottom: unknown) {
    return html`<h2>Overview</h2>${top}${map ? this.#mapPanel() : nothing}${bottom}`;
  }
}

customElements.define('ioasid-overview', Overview);
