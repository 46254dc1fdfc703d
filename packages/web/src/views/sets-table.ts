// <ioasid-sets-table>: every set in one table (owner, sid, quota, count, usage bar, net rate, time to
// full, state), sortable by any column and filterable by text and level. Rows follow the events live;
// the table re-renders at most once per frame and re-sorts only when the model changed.

import { css, html, nothing } from 'lit';
import { guard } from 'lit/directives/guard.js';
import { duration, num, rate, usageLevel } from '../format.js';
import type { SetRow } from '../store/model.js';
import type { Change } from '../store/namespace-store.js';
import { StoreView } from './store-view.js';
import { shared } from './styles.js';
import { usageBar } from './usage-bar.js';

/** A row's per-second columns. */
interface Timed {
  second: number;
  count: number;
  quota: number;
  netRate: number;
  rateText: string;
  fullText: string;
}

/** The rows follow the store at most this often. */
const RENDER_EVERY_MS = 250;

/** Rows per <tbody>: the unit content-visibility skips when out of view. */
const CHUNK = 25;

/** `rows` in groups of CHUNK. */
function chunks<T>(rows: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK) out.push(rows.slice(i, i + CHUNK));
  return out;
}

type Key = 'owner' | 'sid' | 'quota' | 'count' | 'usage' | 'rate' | 'full';
type Show = 'all' | 'high' | 'full' | 'dying';

const COLUMNS: ReadonlyArray<{ key: Key; label: string; num?: boolean; wide?: boolean }> = [
  { key: 'owner', label: 'Owner' },
  { key: 'sid', label: 'Set ID', num: true },
  { key: 'quota', label: 'Quota', num: true, wide: true },
  { key: 'count', label: 'IDs', num: true, wide: true },
  { key: 'usage', label: 'Usage' },
  { key: 'rate', label: 'Net rate', num: true, wide: true },
  { key: 'full', label: 'Full in', num: true },
];

/** The sets table page. */
export class SetsTable extends StoreView {
  static override properties = {
    ...StoreView.properties,
    sortKey: { state: true },
    descending: { state: true },
    filter: { state: true },
    show: { state: true },
  };
  declare sortKey: Key;
  declare descending: boolean;
  declare filter: string;
  declare show: Show;
  #cache: { version: number; second: number; key: string; rows: SetRow[] } | null = null;
  /** Per set, its net rate and the two per-second texts, computed at most once a second (and again
   * when its count or quota moved). */
  readonly #times = new Map<number, Timed>();

  static override styles = [
    shared,
    css`
      .controls {
        display: flex;
        flex-wrap: wrap;
        gap: 0.5rem 1rem;
        align-items: flex-end;
        margin: 0.5rem 0;
      }
      th button {
        background: none;
        border: 0;
        padding: 0;
        font-weight: 600;
        cursor: pointer;
      }
      /* Each row is its own grid with the same fixed columns, not a CSS table: a changed cell lays out
         its row only (a table lays out every row again to size its columns: with 1,000 rows, tens of ms a
         frame), and rows out of view are neither laid out nor painted (content-visibility, per group of
         CHUNK rows: one visibility observer per group, not per row). The roles are explicit because the
         display is not a table's. */
      table {
        display: block;
        --cols: minmax(8rem, 2.2fr) minmax(4rem, 0.7fr) minmax(6rem, 1fr) minmax(6rem, 1fr)
          minmax(10rem, 2.2fr) minmax(5rem, 1fr) minmax(6rem, 1fr);
      }
      thead,
      tbody {
        display: block;
      }
      tr {
        display: grid;
        grid-template-columns: var(--cols);
        border-bottom: 1px solid var(--border);
      }
      tbody {
        content-visibility: auto;
        contain-intrinsic-size: auto 55rem; /* CHUNK rows of about 2.2rem, until drawn once */
      }
      th,
      td {
        border-bottom: 0;
        min-width: 0;
        align-self: center;
      }
      td.owner {
        overflow: hidden;
        text-overflow: ellipsis;
        white-space: nowrap;
      }
      @media (max-width: 48rem) {
        table {
          --cols: minmax(0, 1.6fr) minmax(2.5rem, 0.5fr) minmax(6rem, 1.6fr) minmax(3.5rem, 0.8fr);
        }
        .wide {
          display: none;
        }
        td.owner {
          white-space: normal;
          overflow-wrap: anywhere;
        }
        th,
        td {
          padding: 0.3rem 0.25rem;
        }
      }
    `,
  ];

  /** When the rows were last rendered for the store (performance.now()), and the pending render. */
  #renderedAt = Number.NEGATIVE_INFINITY;
  #later: ReturnType<typeof setTimeout> | 0 = 0;

  /**
   * The store tells every frame; the rows are rendered again at most every RENDER_EVERY_MS (figures that
   * change 60 times a second cannot be read anyway, and a frame that renders 1,000 rows leaves the
   * page no time for the stream under load). Sorting and filtering render at once (own properties).
   */
  protected override changed(_change: Change): void {
    if (this.#later !== 0) return;
    const wait = this.#renderedAt + RENDER_EVERY_MS - performance.now();
    if (wait <= 0) this.requestUpdate();
    else
      this.#later = setTimeout(() => {
        this.#later = 0;
        this.requestUpdate();
      }, wait);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    if (this.#later !== 0) clearTimeout(this.#later);
    this.#later = 0;
  }

  constructor() {
    super();
    this.sortKey = 'sid';
    this.descending = false;
    this.filter = '';
    this.show = 'all';
  }

  #sortBy(key: Key): void {
    if (this.sortKey === key) this.descending = !this.descending;
    else {
      this.sortKey = key;
      this.descending = key === 'usage' || key === 'count' || key === 'rate';
    }
  }

  #rows(): SetRow[] {
    const m = this.store.model;
    const now = Date.now();
    const second = Math.floor(now / 1000);
    const key = `${this.sortKey}|${this.descending}|${this.filter}|${this.show}`;
    const c = this.#cache;
    const timeSorted = this.sortKey === 'rate' || this.sortKey === 'full';
    if (c !== null && c.version === m.version && c.key === key && (!timeSorted || c.second === second))
      return c.rows;
    const text = this.filter.trim().toLowerCase();
    const rows: SetRow[] = [];
    for (const row of m.sets.values()) {
      if (text !== '' && !(row.owner ?? 'system').toLowerCase().includes(text) && String(row.sid) !== text)
        continue;
      if (this.show === 'dying' && !row.dying) continue;
      if (this.show === 'high' && usageLevel(row.count, row.quota) === 'ok') continue;
      if (this.show === 'full' && usageLevel(row.count, row.quota) !== 'full') continue;
      rows.push(row);
    }
    const value = (r: SetRow): number | string => {
      switch (this.sortKey) {
        case 'owner':
          return r.owner ?? '';
        case 'sid':
          return r.sid;
        case 'quota':
          return r.quota;
        case 'count':
          return r.count;
        case 'usage':
          return r.quota > 0 ? r.count / r.quota : 0;
        case 'rate':
          return m.netRate(r.sid, now);
        case 'full':
          return m.secondsToFull(r.sid, now);
      }
    };
    const keyed = rows.map((r) => ({ r, v: value(r) }));
    const sign = this.descending ? -1 : 1;
    keyed.sort((a, b) => {
      const d =
        typeof a.v === 'string' ? a.v.localeCompare(b.v as string) : (a.v as number) - (b.v as number);
      return d !== 0 && !Number.isNaN(d) ? d * sign : a.r.sid - b.r.sid;
    });
    const sorted = keyed.map((k) => k.r);
    this.#cache = { version: m.version, second, key, rows: sorted };
    return sorted;
  }

  #timed(r: SetRow, now: number): Timed {
    const second = Math.floor(now / 1000);
    let t = this.#times.get(r.sid);
    if (t === undefined) {
      t = { second: -1, count: -1, quota: -1, netRate: 0, rateText: '', fullText: '' };
      this.#times.set(r.sid, t);
    }
    if (t.second !== second) {
      t.second = second;
      t.netRate = this.store.model.netRate(r.sid, now);
      t.rateText = t.netRate === 0 ? '0/s' : rate(t.netRate);
      t.count = -1;
    }
    if (t.count !== r.count || t.quota !== r.quota) {
      t.count = r.count;
      t.quota = r.quota;
      t.fullText =
        r.count >= r.quota && r.quota > 0
          ? 'full'
          : t.netRate > 0
            ? duration(Math.max(0, r.quota - r.count) / t.netRate)
            : 'not filling';
    }
    return t;
  }

  #row(r: SetRow, rateText: string, fullText: string) {
    return html`<tr role="row">
      <td role="cell" class="owner">
        <a href=${`#/sets/${r.sid}`}>${r.owner ?? 'system set'}</a>
        ${r.dying ? html` <span class="badge" title="freed and destroyed; waits for its last references">dying</span>` : nothing}
      </td>
      <td role="cell" class="num">${r.sid}</td>
      <td role="cell" class="num wide">${num(r.quota)}</td>
      <td role="cell" class="num wide">${num(r.count)}</td>
      <td role="cell" class="usage">${usageBar(r)}</td>
      <td role="cell" class="num wide">${rateText}</td>
      <td role="cell" class="num">${fullText}</td>
    </tr>`;
  }

  override render() {
    const m = this.store.model;
    if (!this.store.loaded) return html`<h2>Sets</h2><p>Loading the sets...</p>`;
    const rows = this.#rows();
    const now = Date.now();
    this.#renderedAt = performance.now();
    if (this.#times.size > m.sets.size + 64) this.#times.clear();
    return html`<h2>Sets</h2>
      <p class="hint">
        A set holds IDs up to its quota. The bar turns amber at 80% and red at 90%. "Net rate" is allocations
        minus frees per second over the last minute; "Full in" is when the set reaches its quota at that rate.
        Click a column title to sort; click an owner for the set's IDs, leases and events.
      </p>
      <div class="controls">
        <label>Filter by owner or set ID
          <input type="text" .value=${this.filter} @input=${(e: Event) => {
            this.filter = (e.target as HTMLInputElement).value;
          }} />
        </label>
        <label>Show
          <select @change=${(e: Event) => {
            this.show = (e.target as HTMLSelectElement).value as Show;
          }}>
            <option value="all" ?selected=${this.show === 'all'}>every set</option>
            <option value="high" ?selected=${this.show === 'high'}>80% full or more</option>
            <option value="full" ?selected=${this.show === 'full'}>90% full or more</option>
            <option value="dying" ?selected=${this.show === 'dying'}>dying sets</option>
          </select>
        </label>
        <span role="status">${num(rows.length)} of ${num(m.sets.size)} sets shown</span>
      </div>
      ${
        m.sets.size === 0
          ? html`<p class="note">No sets yet${this.isAdmin ? html`: <a href="#/admin">create one</a>` : ''}.</p>`
          : nothing
      }
      <div class="table-wrap">
        <table role="table" aria-label="Sets" aria-rowcount=${rows.length + 1}>
          <thead role="rowgroup">
            <tr role="row">
              ${COLUMNS.map(
                (c) => html`<th
                  role="columnheader"
                  scope="col"
                  class="${c.num ? 'num' : ''} ${c.wide ? 'wide' : ''}"
                  aria-sort=${this.sortKey === c.key ? (this.descending ? 'descending' : 'ascending') : 'none'}
                >
                  <button @click=${() => this.#sortBy(c.key)}>
                    ${c.label}<span aria-hidden="true">${this.sortKey === c.key ? (this.descending ? ' ▼' : ' ▲') : ''}</span>
                  </button>
                </th>`,
              )}
            </tr>
          </thead>
          ${chunks(rows).map(
            (chunk) => html`<tbody role="rowgroup">
              ${chunk.map((r) => {
                // the per-second columns change once a second; a row whose figures did not move is not
                // rendered again (guard): a frame renders only the rows its events changed (a re-sort
                // renders the rows whose place changed, as the sid is one of the figures)
                const { rateText, fullText } = this.#timed(r, now);
                return guard([r.sid, r.owner, r.dying, r.quota, r.count, rateText, fullText], () =>
                  this.#row(r, rateText, fullText),
                );
              })}
            </tbody>`,
          )}
        </table>
      </div>
      ${rows.length === 0 && m.sets.size > 0 ? html`<p>No set matches the filter.</p>` : nothing}`;
  }
}

customElements.define('ioasid-sets-table', SetsTable);
