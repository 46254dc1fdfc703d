// <ioasid-history-chart>: a time series chart (uPlot) of `.series` under the title `.label`. Pure
// data-in: the app builds the series from GET /v1/history. The chart follows the element's width
// (ResizeObserver) and the colour scheme (axis colours from the page's CSS variables); a visually hidden
// summary gives screen readers each line's latest value, minimum and maximum.
//
// uPlot's stylesheet is imported as a string and adopted into the shadow root with the element's own
// styles (constructable stylesheets): no <style> element and no style attribute, so it works under
// `style-src 'self'`. uPlot itself only sets element.style properties (CSSOM), which CSP allows.

import { css, html, LitElement, type PropertyValues, unsafeCSS } from 'lit';
import { ref } from 'lit/directives/ref.js';
import uPlot from 'uplot';
import uplotCss from 'uplot/dist/uPlot.min.css?inline';
import { type ChartSeries, formatValue, lineStats, summarize } from './chart-summary.js';
import { visuallyHidden } from './visually-hidden.js';

export type { ChartLine, ChartSeries } from './chart-summary.js';

/** Plot height in CSS pixels (axes included). */
const HEIGHT = 180;
/** Line colours when a line has none. */
const FALLBACK = ['#0b72d9', '#d9480f', '#2b8a3e', '#ae3ec9', '#e67700', '#1098ad'];

/** `<ioasid-history-chart>`: see the file comment; properties `series` and `label`. */
export class IoasidHistoryChart extends LitElement {
  static override properties = {
    series: { attribute: false },
    label: {},
    window: { type: Number },
  };

  /** `{ t: epoch seconds[], lines: { label, values, colour }[] }`; null = no data yet. */
  declare series: ChartSeries | null;
  /** The chart's title (also the start of the screen-reader summary). */
  declare label: string;
  /**
   * Seconds the time axis spans, ending at the newest point (3600: "the last hour", however little of
   * it has data yet); 0 fits the axis to the data.
   */
  declare window: number;

  #plot: uPlot | null = null;
  #shape = '';
  #resize: ResizeObserver | null = null;
  #scheme: MediaQueryList | null = null;

  constructor() {
    super();
    this.series = null;
    this.label = '';
    this.window = 0;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#scheme = matchMedia('(prefers-color-scheme: dark)');
    this.#scheme.addEventListener('change', this.#rebuild);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#scheme?.removeEventListener('change', this.#rebuild);
    this.#resize?.disconnect();
    this.#resize = null;
    this.#plot?.destroy();
    this.#plot = null;
    this.#shape = '';
  }

  protected override firstUpdated(): void {
    const box = this.#box();
    this.#resize = new ResizeObserver(() => {
      const width = Math.floor(box.clientWidth);
      if (this.#plot && width > 0 && width !== this.#plot.width)
        this.#plot.setSize({ width, height: HEIGHT });
    });
    this.#resize.observe(box);
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('series')) this.#sync();
  }

  #box(): HTMLElement {
    return this.renderRoot.querySelector('.plot') as HTMLElement;
  }

  #rebuild = (): void => {
    this.requestUpdate();
    this.#plot?.destroy();
    this.#plot = null;
    this.#shape = '';
    this.#sync();
  };

  /** A CSS colour for the canvas: `var(--x)` resolved against the element, others as given. */
  #resolve(colour: string, fallback: string): string {
    const m = /^var\(\s*(--[\w-]+)\s*(?:,\s*(.+))?\)$/.exec(colour.trim());
    if (!m) return colour || fallback;
    return getComputedStyle(this).getPropertyValue(m[1]).trim() || m[2] || fallback;
  }

  /** Creates the plot (or gives it the new data when the lines are the same). */
  #sync(): void {
    const s = this.series;
    const box = this.#box();
    if (!box) return;
    if (!s || s.t.length === 0) {
      this.#plot?.destroy();
      this.#plot = null;
      this.#shape = '';
      return;
    }
    const data = [s.t, ...s.lines.map((l) => l.values)] as unknown as uPlot.AlignedData;
    const shape = `${this.window}\u0002${s.lines.map((l) => `${l.label}\u0000${l.colour}`).join('\u0001')}`;
    if (this.#plot && shape === this.#shape) {
      this.#plot.setData(data);
      return;
    }
    this.#plot?.destroy();
    this.#shape = shape;
    const style = getComputedStyle(this);
    const fg = style.getPropertyValue('--muted').trim() || style.color || '#666';
    const grid = style.getPropertyValue('--border').trim() || 'rgba(128,128,128,0.3)';
    const axis: uPlot.Axis = {
      stroke: fg,
      grid: { stroke: grid, width: 1 },
      ticks: { stroke: grid, width: 1 },
      font: '12px system-ui, sans-serif',
    };
    const opts: uPlot.Options = {
      width: Math.max(100, Math.floor(box.clientWidth)),
      height: HEIGHT,
      legend: { show: false },
      cursor: { drag: { x: false, y: false } },
      // Counts and rates: the y axis starts at 0 so a small change does not look like a big one.
      scales: {
        x: {
          time: true,
          range: (_u, min, max): uPlot.Range.MinMax =>
            this.window > 0 ? [max - this.window, max] : [min, max],
        },
        y: { range: (_u, _min, max) => [0, max > 0 ? max * 1.1 : 1] },
      },
      axes: [axis, { ...axis, size: 56 }],
      series: [
        {},
        ...s.lines.map((l, i) => ({
          label: l.label,
          stroke: this.#resolve(l.colour, FALLBACK[i % FALLBACK.length]),
          width: 1.5,
          points: { show: false },
        })),
      ],
    };
    this.#plot = new uPlot(opts, data, box);
  }

  static override styles = [
    visuallyHidden,
    unsafeCSS(uplotCss),
    css`
      :host {
        display: block;
        position: relative;
        min-width: 0;
      }
      figure {
        margin: 0;
      }
      figcaption {
        font-weight: 600;
        margin-bottom: 0.25rem;
      }
      .plot {
        width: 100%;
        min-height: ${HEIGHT}px;
        overflow: hidden;
      }
      .uplot {
        width: 100%;
      }
      .empty {
        display: flex;
        align-items: center;
        justify-content: center;
        min-height: ${HEIGHT}px;
        margin: 0;
        color: var(--muted, inherit);
        border: 1px dashed var(--border, #888);
        border-radius: 4px;
      }
      .legend {
        display: flex;
        flex-wrap: wrap;
        gap: 0.25rem 1rem;
        list-style: none;
        margin: 0.25rem 0 0;
        padding: 0;
        font-size: 0.85em;
      }
      .legend li {
        display: flex;
        align-items: center;
        gap: 0.35rem;
      }
      .swatch {
        width: 0.9rem;
        height: 0.2rem;
        border-radius: 1px;
      }
      .muted {
        color: var(--muted, inherit);
      }
    `,
  ];

  override render() {
    const s = this.series;
    const empty = !s || s.t.length === 0;
    return html`
      <figure>
        <figcaption>${this.label}</figcaption>
        <p class="sr-only">${summarize(this.label, s)}</p>
        ${empty ? html`<p class="empty">No data yet: the history fills in as the server runs.</p>` : ''}
        <div class="plot" aria-hidden="true" ?hidden=${empty}></div>
        <ul class="legend" aria-hidden="true">
          ${(s?.lines ?? []).map((l, i) => {
            const st = lineStats(l.values);
            const colour = this.#resolve(l.colour, FALLBACK[i % FALLBACK.length]);
            return html`<li>
              <span
                class="swatch"
                ${ref((el) => {
                  if (el instanceof HTMLElement) el.style.backgroundColor = colour;
                })}
              ></span>
              ${l.label}
              <span class="muted">now ${formatValue(st.latest)} · max ${formatValue(st.max)}</span>
            </li>`;
          })}
        </ul>
      </figure>
    `;
  }
}

customElements.define('ioasid-history-chart', IoasidHistoryChart);

declare global {
  interface HTMLElementTagNameMap {
    'ioasid-history-chart': IoasidHistoryChart;
  }
}
