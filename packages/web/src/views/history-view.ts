// <ioasid-history-view>: allocations and frees per second over the last hour, and one set's usage, as
// charts from GET /v1/history (kept in the server's memory since it started), refreshed every 10 s.

import type { HistoryView as HistoryAnswer } from '@ioasid/client';
import { html, nothing } from 'lit';
import { errorText, num, setName } from '../format.js';
import { colorOf } from './colours.js';
import { historyChart, type Series } from './panels.js';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';

const REFRESH_MS = 10_000;

/** Times (epoch s) of `count` samples `intervalMs` apart ending at `now` (ms). */
function times(now: number, count: number, intervalMs: number): number[] {
  return Array.from({ length: count }, (_, i) => (now - (count - 1 - i) * intervalMs) / 1000);
}

/** The history page. */
export class HistoryView extends StoreView {
  static override properties = {
    ...StoreView.properties,
    all: { state: true },
    one: { state: true },
    sid: { state: true },
    error: { state: true },
  };
  declare all: HistoryAnswer | null;
  declare one: HistoryAnswer | null;
  declare sid: number | null;
  declare error: string | null;
  static override styles = [shared];
  #timer: ReturnType<typeof setInterval> | undefined;

  constructor() {
    super();
    this.all = null;
    this.one = null;
    this.sid = null;
    this.error = null;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.session.role.kind === 'set') this.sid = this.session.role.sid;
    void this.#load();
    this.#timer = setInterval(() => void this.#load(), REFRESH_MS);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearInterval(this.#timer);
  }

  protected override changed(): void {
    // the charts follow GET /v1/history every 10 s, not each event
  }

  async #load(): Promise<void> {
    try {
      const { client } = this.session;
      const [all, one] = await Promise.all([
        client.history(),
        this.sid === null ? Promise.resolve(null) : client.history(this.sid),
      ]);
      this.all = all;
      this.one = one;
      this.error = null;
    } catch (error) {
      this.error = errorText(error);
    }
  }

  override render() {
    const sets = [...this.store.model.sets.values()].sort((a, b) => a.sid - b.sid);
    const a = this.all;
    const rateSeries: Series | null =
      a === null
        ? null
        : {
            t: times(a.now, a.allocs.length, a.intervalMs),
            lines: [
              { label: 'allocations/s', values: a.allocs, colour: 'var(--ok)' },
              { label: 'frees/s', values: a.frees, colour: 'var(--bad)' },
            ],
          };
    const o = this.one;
    const counts = o?.usage.find((u) => u.sid === this.sid)?.counts ?? [];
    const usageSeries: Series | null =
      o === null || this.sid === null
        ? null
        : {
            t: times(o.now, counts.length, o.usageIntervalMs),
            lines: [{ label: 'IDs held', values: counts, colour: colorOf(this.sid) }],
          };
    return html`<h2>History</h2>
      <p class="hint">
        The last hour as the server remembers it (kept in its memory: it starts empty when the server starts).
        Refreshed every 10 seconds.
      </p>
      ${this.error !== null ? html`<div class="alert" role="alert">The history could not be loaded: ${this.error}</div>` : nothing}
      <section class="panel" aria-labelledby="rates">
        <h3 id="rates">Allocations and frees per second</h3>
        ${rateSeries === null ? html`<p class="hint">Loading...</p>` : historyChart(rateSeries, 'The last hour, one point per second')}
      </section>
      <section class="panel" aria-labelledby="usage">
        <h3 id="usage">Usage of one set</h3>
        ${
          sets.length === 0
            ? html`<p>No sets yet.</p>`
            : html`<label>Set
                <select @change=${(e: Event) => {
                  const v = (e.target as HTMLSelectElement).value;
                  this.sid = v === '' ? null : Number(v);
                  this.one = null;
                  void this.#load();
                }}>
                  <option value="" ?selected=${this.sid === null}>choose a set</option>
                  ${sets.map((s) => html`<option value=${s.sid} ?selected=${this.sid === s.sid}>${setName(s.owner, s.sid)}</option>`)}
                </select>
              </label>`
        }
        ${
          usageSeries === null
            ? this.sid === null
              ? html`<p class="hint">Choose a set to see how many IDs it held, sampled every 10 s.</p>`
              : html`<p class="hint">Loading...</p>`
            : historyChart(usageSeries, `IDs held by set ${num(this.sid as number)}, one point every 10 s`)
        }
      </section>`;
  }
}

customElements.define('ioasid-history-view', HistoryView);
