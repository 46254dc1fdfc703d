// <ioasid-set-page .sid>: one set: its figures and bar, its usage over the last hour, its IDs with spid,
// references and state (paged), the leases it created, and its own event history (live). Admin actions:
// adjust the quota, free the set (with or without destroying it), free an ID.

import type { EventView, IdDetail, LeaseSummary, SetView } from '@ioasid/client';
import { css, html, nothing } from 'lit';
import { duration, errorText, num, pct, rate, setName } from '../format.js';
import type { Change } from '../store/namespace-store.js';
import './actions.js';
import { colorOf } from './colours.js';
import { historyChart, type Series } from './panels.js';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';
import { usageBar } from './usage-bar.js';

const PAGE = 200;
const EVENT_ROWS = 200;

/** The page of one set. */
export class SetPage extends StoreView {
  static override properties = {
    ...StoreView.properties,
    sid: { type: Number },
    fetched: { state: true },
    error: { state: true },
    ids: { state: true },
    next: { state: true },
    idsError: { state: true },
    leases: { state: true },
    leasesError: { state: true },
    events: { state: true },
    eventsError: { state: true },
    usage: { state: true },
  };
  declare sid: number;
  declare fetched: SetView | null;
  declare error: string | null;
  declare ids: IdDetail[] | null;
  declare next: number | null;
  declare idsError: string | null;
  declare leases: LeaseSummary[] | null;
  declare leasesError: string | null;
  declare events: EventView[] | null;
  declare eventsError: string | null;
  declare usage: Series | null;
  #newEvents = 0;

  static override styles = [
    shared,
    css`
      .cols {
        display: grid;
        grid-template-columns: repeat(auto-fit, minmax(min(100%, 22rem), 1fr));
        gap: 1rem;
      }
      td.data {
        max-width: 16rem;
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
        font-family: ui-monospace, monospace;
        font-size: 0.85rem;
      }
      @media (max-width: 48rem) {
        .wide {
          display: none;
        }
      }
    `,
  ];

  constructor() {
    super();
    this.fetched = null;
    this.error = null;
    this.ids = null;
    this.next = null;
    this.idsError = null;
    this.leases = null;
    this.leasesError = null;
    this.events = null;
    this.eventsError = null;
    this.usage = null;
  }

  #timer: ReturnType<typeof setInterval> | undefined;

  override connectedCallback(): void {
    super.connectedCallback();
    // the usage chart follows GET /v1/history (a sample every 10 s)
    this.#timer = setInterval(() => void this.#loadUsage(), 10_000);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  async #loadUsage(): Promise<void> {
    const sid = this.sid;
    try {
      const h = await this.session.client.history(sid);
      if (sid !== this.sid) return;
      const counts = h.usage.find((u) => u.sid === sid)?.counts ?? [];
      const t = counts.map((_, i) => (h.now - (counts.length - 1 - i) * h.usageIntervalMs) / 1000);
      this.usage = { t, lines: [{ label: 'IDs held', values: counts, colour: colorOf(sid) }] };
    } catch {
      this.usage ??= { t: [], lines: [] };
    }
  }

  override willUpdate(changed: Map<string, unknown>): void {
    if (changed.has('sid')) void this.#load();
  }

  protected override changed(change: Change): void {
    if (change.reset) {
      void this.#load();
      return;
    }
    let mine = 0;
    for (const e of change.events) if (e.sid === this.sid) mine++;
    if (mine > 0 && this.events !== null) {
      const fresh = change.events.filter((e) => e.sid === this.sid);
      this.events = [...fresh.reverse(), ...this.events].slice(0, EVENT_ROWS);
      this.#newEvents += fresh.filter((e) => e.type === 'alloc' || e.type === 'free').length;
    }
    this.requestUpdate();
  }

  async #load(): Promise<void> {
    const { client } = this.session;
    const sid = this.sid;
    this.error = null;
    this.#newEvents = 0;
    try {
      this.fetched = await client.getSet(sid);
    } catch (error) {
      this.fetched = null;
      this.error = errorText(error);
      return;
    }
    void this.#loadIds(-1);
    client.listLeases(this.isAdmin ? sid : undefined).then(
      (leases) => {
        this.leases = leases;
        this.leasesError = null;
      },
      (error) => {
        this.leasesError = errorText(error);
      },
    );
    client.setEvents(sid, 100).then(
      (events) => {
        this.events = events.slice().reverse();
        this.eventsError = null;
      },
      (error) => {
        this.eventsError = errorText(error);
      },
    );
    void this.#loadUsage();
  }

  async #loadIds(after: number): Promise<void> {
    try {
      const page = await this.session.client.idDetails(
        this.sid,
        after === -1 ? { limit: PAGE } : { after, limit: PAGE },
      );
      this.ids = after === -1 ? page.ids : [...(this.ids ?? []), ...page.ids];
      this.next = page.next;
      this.idsError = null;
      if (after === -1) this.#newEvents = 0;
    } catch (error) {
      this.idsError = errorText(error);
    }
  }

  override render() {
    if (this.error !== null) {
      return html`<h2>Set ${this.sid}</h2>
        <div class="alert" role="alert">${this.error}</div>
        <p><a href="#/sets">Back to the sets</a></p>`;
    }
    const row = this.store.model.sets.get(this.sid) ?? this.fetched;
    if (row === null || row === undefined) return html`<h2>Set ${this.sid}</h2><p>Loading...</p>`;
    const m = this.store.model;
    const netRate = m.netRate(this.sid);
    const admin = this.isAdmin;
    return html`<h2>${setName(row.owner, row.sid)}</h2>
      <p class="hint"><a href="#/sets">All sets</a> · Figures follow the live events.</p>
      <div class="cols">
        <section class="panel" aria-labelledby="facts">
          <h3 id="facts">The set</h3>
          ${usageBar(row)}
          <dl class="facts">
            <dt>Set ID</dt><dd>${row.sid}</dd>
            <dt>Owner</dt><dd>${row.owner ?? 'none (the system set)'}</dd>
            <dt>IDs held</dt><dd>${num(row.count)} of ${num(row.quota)} (${pct(row.count, row.quota)})</dd>
            <dt>State</dt><dd>${row.dying ? 'dying: destroyed, waiting for its last references' : 'live'}</dd>
            <dt>Net rate</dt><dd>${rate(netRate)} (last minute)</dd>
            <dt>Full in</dt><dd>${netRate > 0 ? duration(m.secondsToFull(this.sid)) : 'not filling'}</dd>
          </dl>
        </section>
        <section class="panel" aria-labelledby="actions">
          <h3 id="actions">Actions</h3>
          ${
            admin
              ? html`<ioasid-adjust-quota .store=${this.store} .session=${this.session} .sid=${row.sid} .quota=${row.quota}></ioasid-adjust-quota>
                <p class="hint">The quota cannot go below the IDs the set holds, nor grow beyond what the namespace has available.</p>`
              : html`<p class="hint">Only the admin can change the quota or destroy the set.</p>`
          }
          <ioasid-free-set .store=${this.store} .session=${this.session} .set=${row}></ioasid-free-set>
        </section>
      </div>
      <section class="panel" aria-labelledby="usage">
        <h3 id="usage">Usage over the last hour</h3>
        ${this.usage === null ? html`<p class="hint">Loading...</p>` : historyChart(this.usage, `IDs held, one point every 10 s`)}
      </section>
      ${this.#idsSection()} ${this.#leasesSection()} ${this.#eventsSection()}`;
  }

  #idsSection() {
    return html`<section class="panel" aria-labelledby="ids">
      <h3 id="ids">IDs</h3>
      <p class="hint">
        Each ID with its guest ID (spid), its references (the allocation's own one, plus those leases hold)
        and its state: "free-pending" IDs were freed but are still referenced.
      </p>
      ${this.idsError !== null ? html`<div class="alert" role="alert">The IDs could not be loaded: ${this.idsError}</div>` : nothing}
      ${
        this.#newEvents > 0
          ? html`<p class="note">${num(this.#newEvents)} IDs allocated or freed since this list was loaded.
            <button @click=${() => void this.#loadIds(-1)}>Reload the list</button></p>`
          : nothing
      }
      ${
        this.ids === null
          ? this.idsError === null
            ? html`<p class="hint">Loading...</p>`
            : nothing
          : this.ids.length === 0
            ? html`<p>This set holds no ID yet. A VMM allocates with the set's secret (POST /v1/sets/${this.sid}/ioasids).</p>`
            : html`<div class="table-wrap"><table aria-label=${`IDs of set ${this.sid}`}>
                <thead><tr><th scope="col" class="num">ID</th><th scope="col">State</th><th scope="col" class="num">spid</th>
                  <th scope="col" class="num">Refs</th><th scope="col" class="wide">Data</th><th scope="col"><span class="visually-hidden">Action</span></th></tr></thead>
                <tbody>
                  ${this.ids.map(
                    (d) => html`<tr>
                      <td class="num"><a href=${`#/lookup/${d.id}`}>${num(d.id)}</a></td>
                      <td>${d.state}</td>
                      <td class="num">${d.spid === null ? '—' : num(d.spid)}</td>
                      <td class="num">${num(d.refs)}</td>
                      <td class="data wide" title=${d.data === null ? '' : JSON.stringify(d.data)}>${d.data === null ? '' : JSON.stringify(d.data)}</td>
                      <td>${d.state === 'active' ? html`<ioasid-free-id .store=${this.store} .session=${this.session} .ioasid=${d.id} @freed=${() => void this.#loadIds(-1)}></ioasid-free-id>` : nothing}</td>
                    </tr>`,
                  )}
                </tbody>
              </table></div>
              <p>${num(this.ids.length)} IDs shown.
                ${this.next !== null ? html`<button @click=${() => void this.#loadIds(this.next as number)}>Show ${num(PAGE)} more</button>` : nothing}</p>`
      }
    </section>`;
  }

  #leasesSection() {
    return html`<section class="panel" aria-labelledby="leases">
      <h3 id="leases">Leases</h3>
      <p class="hint">Leases this set's secret created. A lease holds references on IDs and expires unless kept alive.</p>
      ${this.leasesError !== null ? html`<div class="alert" role="alert">The leases could not be loaded: ${this.leasesError}</div>` : nothing}
      ${
        this.leases === null
          ? this.leasesError === null
            ? html`<p class="hint">Loading...</p>`
            : nothing
          : this.leases.length === 0
            ? html`<p>No leases.</p>`
            : html`<div class="table-wrap"><table aria-label=${`Leases of set ${this.sid}`}>
                <thead><tr><th scope="col">Lease</th><th scope="col" class="num">References</th><th scope="col" class="num">IDs</th><th scope="col" class="num">Expires in</th></tr></thead>
                <tbody>${this.leases.map(
                  (
                    l,
                  ) => html`<tr><td><code>${l.lease}</code></td><td class="num">${num(l.refs)}</td><td class="num">${num(l.ids)}</td>
                    <td class="num">${duration(l.expiresInMs / 1000)} (TTL ${duration(l.ttlMs / 1000)})</td></tr>`,
                )}</tbody></table></div>`
      }
    </section>`;
  }

  #eventsSection() {
    return html`<section class="panel" aria-labelledby="events">
      <h3 id="events">Events of this set</h3>
      <p class="hint">The last ${num(EVENT_ROWS)} at most, newest first; new ones appear live.</p>
      ${this.eventsError !== null ? html`<div class="alert" role="alert">The events could not be loaded: ${this.eventsError}</div>` : nothing}
      ${
        this.events === null
          ? this.eventsError === null
            ? html`<p class="hint">Loading...</p>`
            : nothing
          : this.events.length === 0
            ? html`<p>No events kept for this set.</p>`
            : html`<div class="table-wrap"><table aria-label=${`Events of set ${this.sid}`}>
                <thead><tr><th scope="col" class="num">Seq</th><th scope="col">Type</th><th scope="col" class="num">ID</th><th scope="col" class="num">spid</th></tr></thead>
                <tbody>${this.events.map(
                  (
                    e,
                  ) => html`<tr><td class="num">${num(e.seq)}</td><td>${e.type}</td><td class="num">${e.id === null ? '—' : num(e.id)}</td>
                    <td class="num">${e.spid === null ? '—' : num(e.spid)}</td></tr>`,
                )}</tbody></table></div>`
      }
    </section>`;
  }
}

customElements.define('ioasid-set-page', SetPage);
