// <ioasid-capacity-map>: the namespace (or a zoomed range of it) drawn on a canvas, one cell per bucket
// of a GET /v1/map answer. Pure data-in: the app sets `.data` (and `.loadRange` for zooming) and feeds
// live events through `applyEvents`; the element never calls the API itself.
//
// Drawing: the cells are painted into an ImageData through a Uint32Array (one write per pixel, no canvas
// call per cell) and put on the canvas in one call; events repaint only their cells, once per animation
// frame. Selection and keyboard focus are drawn on a second canvas above, so they never repaint cells.

import { css, html, LitElement, nothing, type PropertyValues } from 'lit';
import { ref } from 'lit/directives/ref.js';
import { parseCssColour, parseHsl, type Rgb, rgbToCss, schemeColours, sidRgb } from './map-colours.js';
import { type Buckets, bucketRange, decodeMap } from './map-decode.js';
import { applyMapEvents } from './map-events.js';
import {
  cellAt,
  cellOrigin,
  fitBuckets,
  type GridLayout,
  layoutGrid,
  MAX_PITCH_CSS,
  maxHeightCss,
  moveCell,
} from './map-layout.js';
import { type MapPalette, makePalette, paintAll, paintBucket } from './map-paint.js';
import { describeBucket, describeOccupancy, num, rangeText } from './map-text.js';
import type { LoadRange, MapAnswer, MapEvent } from './map-types.js';
import { visuallyHidden } from './visually-hidden.js';

/** A drawn range: the IDs and the number of buckets asked for. */
interface Level {
  readonly first: number;
  readonly last: number;
  readonly buckets: number;
}

/** One legend entry. */
interface LegendItem {
  readonly label: string;
  readonly detail: string;
  readonly colour: string | null;
  readonly kind: 'set' | 'other' | 'free' | 'pending';
}

/** Sets named in the legend; the rest are summed as "other". */
const LEGEND_SETS = 8;
/** Keys that move the focus cell. */
const NAV_KEYS = new Set([
  'ArrowLeft',
  'ArrowRight',
  'ArrowUp',
  'ArrowDown',
  'Home',
  'End',
  'PageUp',
  'PageDown',
]);
/** Above this many changed cells in a frame the whole map is repainted instead. */
const MAX_CELL_REPAINTS = 4096;

/** `<ioasid-capacity-map>`: see the file comment; properties `data`, `colorOf`, `loadRange`. */
export class IoasidCapacityMap extends LitElement {
  static override properties = {
    data: { attribute: false },
    colorOf: { attribute: false },
    loadRange: { attribute: false },
    _levels: { state: true },
    _legend: { state: true },
    _selection: { state: true },
    _busy: { state: true },
    _error: { state: true },
    _announce: { state: true },
  };

  /** The GET /v1/map answer to draw; setting it resets the zoom to its range. */
  declare data: MapAnswer | null;
  /** The colour of a set (any CSS colour); default: a stable palette by sid for the colour scheme. */
  declare colorOf: ((sid: number) => string) | undefined;
  /** Loads [first, last] in `buckets` buckets (GET /v1/map) for zooming; without it there is no zoom. */
  declare loadRange: LoadRange | undefined;

  declare _levels: Level[];
  declare _legend: LegendItem[];
  declare _selection: { first: number; last: number } | null;
  declare _busy: boolean;
  declare _error: string;
  declare _announce: string;

  #buckets: Buckets | null = null;
  #layout: GridLayout = layoutGrid(0, 1, 1, 1);
  #dpr = 1;
  #widthCss = 0;
  #image: ImageData | null = null;
  #pix: Uint32Array | null = null;
  #palette: MapPalette | null = null;
  #dark = false;
  #dirty = new Set<number>();
  #frame = 0;
  #legendDue = false;
  #anchor = -1;
  #end = -1;
  #focus = -1;
  #hover = -1;
  #dragging = false;
  #load = 0;
  #resize: ResizeObserver | null = null;
  #scheme: MediaQueryList | null = null;
  #cssColours = new Map<string, Rgb | null>();
  #lastDrawMs = 0;

  constructor() {
    super();
    this.data = null;
    this.colorOf = undefined;
    this.loadRange = undefined;
    this._levels = [];
    this._legend = [];
    this._selection = null;
    this._busy = false;
    this._error = '';
    this._announce = '';
  }

  /** Milliseconds the last full draw took (decode excluded): for benchmarks and the demo page. */
  get lastDrawMs(): number {
    return this.#lastDrawMs;
  }

  /** The range drawn now and its bucket size, or null before data. */
  get drawnRange(): { first: number; last: number; bucketSize: number; buckets: number } | null {
    const b = this.#buckets;
    return b ? { first: b.first, last: b.last, bucketSize: b.bucketSize, buckets: b.count } : null;
  }

  /**
   * Applies live events to the drawn range: `alloc` adds a used ID to its bucket (colouring an empty
   * bucket with the event's set), `free` removes one. A `free` is drawn as freed: the event does not say
   * whether references keep the ID free-pending (the next load of the range shows that). Events outside
   * the drawn range and other types are ignored. Cells repaint once per animation frame.
   */
  applyEvents(events: readonly MapEvent[]): void {
    const b = this.#buckets;
    if (!b || events.length === 0) return;
    const changed = applyMapEvents(b, events);
    if (changed.length === 0) return;
    for (const k of changed) this.#dirty.add(k);
    this.#legendDue = true;
    this.#schedule();
  }

  override connectedCallback(): void {
    super.connectedCallback();
    this.#scheme = matchMedia('(prefers-color-scheme: dark)');
    this.#scheme.addEventListener('change', this.#onScheme);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#scheme?.removeEventListener('change', this.#onScheme);
    this.#resize?.disconnect();
    this.#resize = null;
    if (this.#frame) cancelAnimationFrame(this.#frame);
    this.#frame = 0;
  }

  protected override firstUpdated(): void {
    const stage = this.#stage();
    this.#resize = new ResizeObserver(() => {
      const w = stage.clientWidth;
      if (Math.abs(w - this.#widthCss) >= 1 || devicePixelRatio !== this.#dpr) this.#draw();
    });
    this.#resize.observe(stage);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (changed.has('data')) {
      performance.mark('ioasid:map-update');
      this.#load++;
      this._busy = false;
      this._error = '';
      const d = this.data;
      this._levels = d ? [{ first: d.first, last: d.last, buckets: d.buckets }] : [];
      this.#show(d);
    } else if (changed.has('colorOf')) {
      this.#palette = null;
      this.#legendDue = true;
    }
  }

  protected override updated(changed: PropertyValues<this>): void {
    if (changed.has('data') || changed.has('colorOf')) this.#draw();
  }

  /** Takes a new answer as the drawn range (decoded now, drawn on the next update). */
  #show(answer: MapAnswer | null): void {
    this.#buckets = answer ? decodeMap(answer) : null;
    this.#palette = null;
    this.#dirty.clear();
    this.#anchor = this.#end = this.#focus = this.#hover = -1;
    this._selection = null;
    this.#legendDue = true;
  }

  #stage(): HTMLElement {
    return this.renderRoot.querySelector('.stage') as HTMLElement;
  }

  #canvas(): HTMLCanvasElement {
    return this.renderRoot.querySelector('canvas.map') as HTMLCanvasElement;
  }

  #overlay(): HTMLCanvasElement {
    return this.renderRoot.querySelector('canvas.overlay') as HTMLCanvasElement;
  }

  #onScheme = (): void => {
    this.#palette = null;
    this.#legendDue = true;
    this.#draw();
  };

  /** A CSS colour as RGB, normalised by a canvas (any colour syntax the browser knows). */
  #cssRgb(colour: string): Rgb | null {
    let rgb = this.#cssColours.get(colour);
    if (rgb === undefined) rgb = parseHsl(colour) ?? undefined;
    if (rgb === undefined) {
      const ctx = this.#overlay().getContext('2d');
      rgb = null;
      if (ctx) {
        // An invalid colour leaves fillStyle as it was: try two sentinels to tell. Transparent is none.
        ctx.fillStyle = '#010203';
        ctx.fillStyle = colour;
        const a = String(ctx.fillStyle);
        ctx.fillStyle = '#040506';
        ctx.fillStyle = colour;
        const b = String(ctx.fillStyle);
        rgb = a === b && !/^rgba\(.*,\s*0\)$/.test(a) ? parseCssColour(a) : null;
      }
      this.#cssColours.set(colour, rgb);
    }
    return rgb;
  }

  /** The colour of set `sid` in the current scheme. */
  #setRgb(sid: number): Rgb {
    const custom = this.colorOf?.(sid);
    return (custom && this.#cssRgb(custom)) || sidRgb(sid, this.#dark);
  }

  #makePalette(b: Buckets): MapPalette {
    this.#dark = this.#scheme?.matches ?? false;
    const scheme = schemeColours(this.#dark);
    const bg = this.#cssRgb(getComputedStyle(this).getPropertyValue('--bg').trim() || 'transparent');
    return makePalette(
      bg ? { ...scheme, gap: bg } : scheme,
      b.sets.map((sid) => this.#setRgb(sid)),
    );
  }

  /** Lays out, paints every cell and puts the image on the canvas (synchronously). */
  #draw(): void {
    const canvas = this.#canvas();
    const overlay = this.#overlay();
    const b = this.#buckets;
    if (!canvas || !overlay) return;
    const started = performance.now();
    this.#dpr = devicePixelRatio || 1;
    this.#widthCss = this.#stage().clientWidth;
    const widthDev = Math.floor(this.#widthCss * this.#dpr);
    const l = layoutGrid(
      b ? b.count : 0,
      widthDev,
      maxHeightCss(this.#widthCss) * this.#dpr,
      MAX_PITCH_CSS * this.#dpr,
    );
    this.#layout = l;
    this.#dirty.clear();
    for (const c of [canvas, overlay]) {
      if (c.width !== l.width || c.height !== l.height) {
        c.width = l.width;
        c.height = l.height;
      }
      c.style.width = `${l.width / this.#dpr}px`;
      c.style.height = `${l.height / this.#dpr}px`;
    }
    canvas.setAttribute('aria-label', occupancyLabel(b));
    if (!b || l.count === 0) {
      this.#image = this.#pix = null;
      this.#drawOverlay();
      if (this.#legendDue) this.#updateLegend();
      return;
    }
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    if (!this.#palette || this.#palette.sets.length < b.sets.length) this.#palette = this.#makePalette(b);
    if (!this.#image || this.#image.width !== l.width || this.#image.height !== l.height) {
      this.#image = ctx.createImageData(l.width, l.height);
      this.#pix = new Uint32Array(this.#image.data.buffer);
    }
    paintAll(this.#pix as Uint32Array, l.width, l, b, this.#palette);
    ctx.putImageData(this.#image, 0, 0);
    this.#lastDrawMs = performance.now() - started;
    performance.mark('ioasid:map-painted');
    this.#drawOverlay();
    if (this.#legendDue) this.#updateLegend();
  }

  #schedule(): void {
    if (this.#frame) return;
    this.#frame = requestAnimationFrame(() => {
      this.#frame = 0;
      this.#flush();
    });
  }

  /** Repaints the cells events changed (one frame's worth), the label and the legend. */
  #flush(): void {
    const b = this.#buckets;
    const l = this.#layout;
    const canvas = this.#canvas();
    if (!b || !this.#image || !this.#pix || !canvas) return;
    if (!this.#palette || this.#palette.sets.length < b.sets.length) this.#palette = this.#makePalette(b);
    const dirty = this.#dirty;
    if (dirty.size > MAX_CELL_REPAINTS) {
      this.#draw();
    } else if (dirty.size > 0) {
      const ctx = canvas.getContext('2d');
      if (!ctx) return;
      let top = Number.POSITIVE_INFINITY;
      let bottom = -1;
      for (const k of dirty) {
        if (k >= l.count) continue;
        paintBucket(this.#pix, l.width, l, b, this.#palette, k);
        const { y } = cellOrigin(l, k);
        top = Math.min(top, y);
        bottom = Math.max(bottom, y + l.pitch);
      }
      if (dirty.size <= 64) {
        for (const k of dirty) {
          if (k >= l.count) continue;
          const { x, y } = cellOrigin(l, k);
          ctx.putImageData(this.#image, 0, 0, x, y, l.pitch, l.pitch);
        }
      } else if (bottom > top) {
        ctx.putImageData(this.#image, 0, 0, 0, top, l.width, bottom - top);
      }
      dirty.clear();
      canvas.setAttribute('aria-label', describeOccupancy(b));
    }
    if (this.#hover >= 0) this.#showTip(this.#hover);
    if (this.#legendDue) this.#updateLegend();
  }

  #updateLegend(): void {
    this.#legendDue = false;
    const b = this.#buckets;
    if (!b || b.count === 0) {
      this._legend = [];
      return;
    }
    const order = b.sets.map((_, i) => i).filter((i) => b.usedBySet[i] > 0);
    order.sort((x, y) => b.usedBySet[y] - b.usedBySet[x] || b.sets[x] - b.sets[y]);
    const items: LegendItem[] = order.slice(0, LEGEND_SETS).map((i) => ({
      label: `set ${b.sets[i]}`,
      detail: `${num(b.usedBySet[i])} IDs`,
      colour: rgbToCss(this.#palette?.setsRgb[i] ?? this.#setRgb(b.sets[i])),
      kind: 'set',
    }));
    const rest = order.slice(LEGEND_SETS);
    if (rest.length > 0) {
      const ids = rest.reduce((sum, i) => sum + b.usedBySet[i], 0);
      items.push({
        label: `${num(rest.length)} other ${rest.length === 1 ? 'set' : 'sets'}`,
        detail: `${num(ids)} IDs`,
        colour: null,
        kind: 'other',
      });
    }
    const ids = b.last - b.first + 1;
    items.push({ label: 'free', detail: `${num(ids - b.totalUsed)} IDs`, colour: null, kind: 'free' });
    items.push({
      label: 'free-pending (striped)',
      detail: `${num(b.totalPending)} IDs`,
      colour: null,
      kind: 'pending',
    });
    this._legend = items;
  }

  /** Draws the selection and the keyboard focus cell on the overlay canvas. */
  #drawOverlay(): void {
    const overlay = this.#overlay();
    const ctx = overlay?.getContext('2d');
    if (!ctx) return;
    const l = this.#layout;
    ctx.clearRect(0, 0, overlay.width, overlay.height);
    if (l.count === 0) return;
    const style = getComputedStyle(this);
    const accent = style.getPropertyValue('--accent').trim() || '#0b5cad';
    const focus = style.getPropertyValue('--focus').trim() || accent;
    const bg = style.getPropertyValue('--bg').trim() || '#ffffff';
    const px = Math.max(1, Math.round(this.#dpr));
    if (this.#anchor >= 0 && this.#end >= 0) {
      const lo = Math.min(this.#anchor, this.#end);
      const hi = Math.max(this.#anchor, this.#end);
      const rects = spanRects(l, lo, hi);
      ctx.fillStyle = accent;
      ctx.globalAlpha = 0.35;
      for (const r of rects) ctx.fillRect(r.x, r.y, r.w, r.h);
      ctx.globalAlpha = 1;
      // Tiny cells: the outline stands off the cells so a selection of a few pixels still shows.
      const out = l.pitch < 4 ? 3 * px : 0;
      ctx.lineWidth = 2 * px;
      ctx.strokeStyle = accent;
      for (const r of rects) strokeInside(ctx, r.x - out, r.y - out, r.w + 2 * out, r.h + 2 * out, px, l);
    }
    if (this.#focus >= 0 && this.matches(':focus-within')) {
      const { x, y } = cellOrigin(l, this.#focus);
      const size = Math.max(l.pitch, 8 * px);
      const off = (size - l.pitch) / 2;
      // Two-tone ring: visible on any cell colour.
      ctx.lineWidth = 3 * px;
      ctx.strokeStyle = bg;
      strokeInside(ctx, x - off - 2 * px, y - off - 2 * px, size + 4 * px, size + 4 * px, px, l);
      ctx.lineWidth = 2 * px;
      ctx.strokeStyle = focus;
      strokeInside(ctx, x - off - 2 * px, y - off - 2 * px, size + 4 * px, size + 4 * px, px, l);
    }
  }

  /** The cell under a pointer event, or -1. */
  #cellOfPointer(e: PointerEvent): number {
    const canvas = this.#canvas();
    const rect = canvas.getBoundingClientRect();
    if (rect.width === 0 || rect.height === 0) return -1;
    const x = ((e.clientX - rect.left) * canvas.width) / rect.width;
    const y = ((e.clientY - rect.top) * canvas.height) / rect.height;
    return cellAt(this.#layout, x, y);
  }

  #setName = (sid: number): string => `set ${sid}`;

  /** Shows the tooltip of cell `k` next to it. */
  #showTip(k: number): void {
    const tip = this.renderRoot.querySelector('.tip') as HTMLElement | null;
    const b = this.#buckets;
    if (!tip || !b || k < 0 || k >= b.count) return;
    tip.textContent = describeBucket(b, k, this.#setName);
    tip.hidden = false;
    const l = this.#layout;
    const { x, y } = cellOrigin(l, k);
    const stageWidth = this.#stage().clientWidth;
    const left = (x + l.pitch) / this.#dpr + 8;
    const top = (y + l.pitch) / this.#dpr + 8;
    const width = tip.offsetWidth;
    tip.style.left = `${Math.max(0, left + width > stageWidth ? x / this.#dpr - width - 8 : left)}px`;
    tip.style.top = `${top}px`;
  }

  #hideTip(): void {
    const tip = this.renderRoot.querySelector('.tip') as HTMLElement | null;
    if (tip) tip.hidden = true;
  }

  /** Selects cells [anchor, end] and tells the app (`map-select` with the IDs). */
  #select(anchor: number, end: number, notify: boolean): void {
    const b = this.#buckets;
    if (!b || anchor < 0 || end < 0) return;
    this.#anchor = anchor;
    this.#end = end;
    const first = bucketRange(b, Math.min(anchor, end)).first;
    const last = bucketRange(b, Math.max(anchor, end)).last;
    this._selection = { first, last };
    this.#drawOverlay();
    if (notify) {
      this.dispatchEvent(
        new CustomEvent('map-select', { detail: { first, last }, bubbles: true, composed: true }),
      );
    }
  }

  #onPointerDown = (e: PointerEvent): void => {
    if (e.button !== 0) return;
    const k = this.#cellOfPointer(e);
    if (k < 0) return;
    this.#canvas().setPointerCapture(e.pointerId);
    this.#dragging = true;
    this.#focus = k;
    if (e.shiftKey && this.#anchor >= 0) this.#select(this.#anchor, k, false);
    else this.#select(k, k, false);
  };

  #onPointerMove = (e: PointerEvent): void => {
    const k = this.#cellOfPointer(e);
    if (this.#dragging && k >= 0 && k !== this.#end) {
      this.#focus = k;
      this.#select(this.#anchor, k, false);
    }
    if (k !== this.#hover) {
      this.#hover = k;
      if (k >= 0) this.#showTip(k);
      else this.#hideTip();
    }
  };

  #onPointerUp = (e: PointerEvent): void => {
    if (!this.#dragging) return;
    this.#dragging = false;
    if (this.#canvas().hasPointerCapture(e.pointerId)) this.#canvas().releasePointerCapture(e.pointerId);
    this.#select(this.#anchor, this.#end, true);
  };

  #onPointerLeave = (): void => {
    this.#hover = -1;
    this.#hideTip();
  };

  #onKeyDown = (e: KeyboardEvent): void => {
    const b = this.#buckets;
    if (!b || b.count === 0) return;
    const l = this.#layout;
    if (this.#focus < 0) this.#focus = this.#anchor >= 0 ? this.#end : 0;
    if (NAV_KEYS.has(e.key)) {
      e.preventDefault();
      const next = moveCell(l, this.#focus, e.key);
      this.#focus = next;
      if (e.shiftKey) this.#select(this.#anchor >= 0 ? this.#anchor : next, next, true);
      else this.#drawOverlay();
      this.#showTip(next);
      this._announce = describeBucket(b, next, this.#setName);
      return;
    }
    if (e.key === ' ' || e.key === 'Spacebar') {
      e.preventDefault();
      this.#select(e.shiftKey && this.#anchor >= 0 ? this.#anchor : this.#focus, this.#focus, true);
      return;
    }
    if (e.key === 'Enter') {
      e.preventDefault();
      const lo = Math.min(this.#anchor, this.#end);
      const hi = Math.max(this.#anchor, this.#end);
      if (this.#anchor < 0 || this.#focus < lo || this.#focus > hi)
        this.#select(this.#focus, this.#focus, true);
      void this.zoomIn();
      return;
    }
    if (e.key === 'Escape' || e.key === '-') {
      if (this._levels.length > 1) {
        e.preventDefault();
        void this.zoomOut();
      }
      return;
    }
    if (e.key === '+') {
      e.preventDefault();
      void this.zoomIn();
    } else if (e.key === '0') {
      e.preventDefault();
      void this.resetZoom();
    }
  };

  #onFocus = (): void => {
    if (this.#focus < 0 && this.#buckets && this.#buckets.count > 0) this.#focus = Math.max(0, this.#end);
    this.#drawOverlay();
  };

  #onBlur = (): void => {
    this.#hideTip();
    this.#drawOverlay();
  };

  /** Whether zooming into the selection would show anything new. */
  #canZoomIn(): boolean {
    const b = this.#buckets;
    const s = this._selection;
    if (!b || !s || !this.loadRange || this._busy) return false;
    if (s.first === b.first && s.last === b.last) return false;
    return b.bucketSize > 1 || s.first !== s.last;
  }

  /** Zooms into the selected range: asks `loadRange(first, last, cells that fit)` and draws the answer. */
  async zoomIn(): Promise<void> {
    const s = this._selection;
    if (!s || !this.#canZoomIn()) return;
    const level = { first: s.first, last: s.last, buckets: fitBuckets(s.first, s.last, this.#widthCss) };
    await this.#goTo([...this._levels, level]);
  }

  /** Zooms out one level (the range drawn before the last zoom in). */
  async zoomOut(): Promise<void> {
    if (this._levels.length > 1) await this.#goTo(this._levels.slice(0, -1));
  }

  /** Back to the range of `.data`. */
  async resetZoom(): Promise<void> {
    if (this._levels.length > 1) await this.#goTo(this._levels.slice(0, 1));
  }

  /** Loads and draws the last of `levels` (the root from `.data` when there is no loadRange). */
  async #goTo(levels: Level[]): Promise<void> {
    const target = levels[levels.length - 1];
    const token = ++this.#load;
    const load = this.loadRange;
    this._error = '';
    let answer: MapAnswer | null = null;
    if (load) {
      this._busy = true;
      try {
        answer = await load(target.first, target.last, target.buckets);
      } catch (err) {
        if (token !== this.#load) return;
        this._busy = false;
        this._error = `Could not load ${rangeText(target.first, target.last)}: ${
          err instanceof Error ? err.message : String(err)
        }`;
        return;
      }
    } else if (levels.length === 1) {
      answer = this.data;
    }
    if (token !== this.#load || !answer) return;
    this._busy = false;
    this._levels = levels;
    this.#show(answer);
    this.#draw();
    this._announce = this.#buckets ? describeOccupancy(this.#buckets) : '';
  }

  static override styles = [
    visuallyHidden,
    css`
    :host {
      display: block;
      position: relative;
      color: var(--fg, inherit);
    }
    .bar {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      justify-content: space-between;
      gap: 0.5rem;
      margin-bottom: 0.5rem;
    }
    .crumbs {
      display: flex;
      flex-wrap: wrap;
      align-items: center;
      gap: 0.25rem;
      font-size: 0.9em;
      min-width: 0;
    }
    .crumbs button {
      overflow-wrap: anywhere;
    }
    .crumbs button[aria-current] {
      font-weight: 600;
      text-decoration: none;
      cursor: default;
    }
    button {
      font: inherit;
      color: inherit;
      background: var(--panel, transparent);
      border: 1px solid var(--border, currentColor);
      border-radius: 4px;
      padding: 0.2rem 0.6rem;
      cursor: pointer;
    }
    .crumbs button {
      border: none;
      background: none;
      padding: 0.1rem 0.2rem;
      text-decoration: underline;
      color: var(--accent, inherit);
    }
    button:disabled {
      opacity: 0.5;
      cursor: default;
    }
    button:focus-visible,
    canvas:focus-visible {
      outline: 2px solid var(--focus, Highlight);
      outline-offset: 2px;
    }
    .zoom {
      display: flex;
      gap: 0.25rem;
    }
    .hint,
    .status {
      margin: 0.25rem 0;
      font-size: 0.85em;
      color: var(--muted, inherit);
    }
    .error {
      color: var(--bad, inherit);
    }
    .stage {
      position: relative;
      width: 100%;
      min-height: 2rem;
      line-height: 0;
    }
    canvas {
      display: block;
      /* Vertical swipes scroll the page; taps and sideways drags select. */
      touch-action: pan-y;
      image-rendering: pixelated;
    }
    canvas.overlay {
      position: absolute;
      left: 0;
      top: 0;
      pointer-events: none;
    }
    .tip {
      position: absolute;
      z-index: 1;
      max-width: min(22rem, 90%);
      padding: 0.3rem 0.5rem;
      line-height: 1.35;
      font-size: 0.85em;
      color: var(--fg, #000);
      background: var(--panel, #fff);
      border: 1px solid var(--border, #888);
      border-radius: 4px;
      box-shadow: 0 2px 6px rgb(0 0 0 / 25%);
      pointer-events: none;
      white-space: normal;
    }
    .tip[hidden] {
      display: none;
    }
    .legend {
      display: flex;
      flex-wrap: wrap;
      gap: 0.25rem 1rem;
      list-style: none;
      padding: 0;
      margin: 0.5rem 0 0;
      font-size: 0.85em;
    }
    .legend li {
      display: flex;
      align-items: center;
      gap: 0.35rem;
    }
    .legend .detail {
      color: var(--muted, inherit);
    }
    .swatch {
      display: inline-block;
      width: 0.9rem;
      height: 0.9rem;
      border: 1px solid var(--border, #888);
      border-radius: 2px;
      flex: none;
    }
    .swatch.free {
      background: #e4e8ed;
    }
    .swatch.other {
      background: repeating-linear-gradient(90deg, #d1495b 0 25%, #00798c 25% 50%, #edae49 50% 75%, #66a182 75% 100%);
    }
    .swatch.pending {
      background: repeating-linear-gradient(45deg, #1b1f24 0 2px, #8c959f 2px 4px);
    }
    @media (prefers-color-scheme: dark) {
      .swatch.free {
        background: #21262d;
      }
      .swatch.pending {
        background: repeating-linear-gradient(45deg, #f0f3f6 0 2px, #6e7681 2px 4px);
      }
    }
  `,
  ];

  override render() {
    const levels = this._levels;
    const sel = this._selection;
    const canZoomIn = this.#canZoomIn();
    return html`
      <div class="bar">
        <nav class="crumbs" aria-label="Zoomed range">
          ${levels.map(
            (lv, i) => html`${i > 0 ? html`<span aria-hidden="true">›</span>` : nothing}
              <button
                type="button"
                aria-current=${i === levels.length - 1 ? 'location' : nothing}
                @click=${() => (i < levels.length - 1 ? this.#goTo(levels.slice(0, i + 1)) : undefined)}
              >
                ${rangeText(lv.first, lv.last)}
              </button>`,
          )}
        </nav>
        <div class="zoom" role="group" aria-label="Zoom">
          <button type="button" ?disabled=${!canZoomIn} @click=${() => this.zoomIn()}>Zoom in</button>
          <button type="button" ?disabled=${levels.length <= 1 || this._busy} @click=${() => this.zoomOut()}>
            Zoom out
          </button>
          <button type="button" ?disabled=${levels.length <= 1 || this._busy} @click=${() => this.resetZoom()}>
            Reset
          </button>
        </div>
      </div>
      <p class="hint">
        Hover a cell to see its IDs. Click or drag to select, then Zoom in. Keyboard: arrows move, Space
        selects (Shift extends), Enter zooms in, Escape zooms out.
      </p>
      <div class="stage">
        <canvas
          class="map"
          role="img"
          tabindex="0"
          aria-label="No capacity map data yet"
          @pointerdown=${this.#onPointerDown}
          @pointermove=${this.#onPointerMove}
          @pointerup=${this.#onPointerUp}
          @pointercancel=${this.#onPointerUp}
          @pointerleave=${this.#onPointerLeave}
          @keydown=${this.#onKeyDown}
          @focus=${this.#onFocus}
          @blur=${this.#onBlur}
        ></canvas>
        <canvas class="overlay" aria-hidden="true"></canvas>
        <div class="tip" role="tooltip" hidden></div>
      </div>
      <p class="status" aria-live="polite">
        ${
          this._busy
            ? 'Loading…'
            : sel
              ? `Selected ${rangeText(sel.first, sel.last)} (${num(sel.last - sel.first + 1)} IDs).`
              : this.data
                ? 'Nothing selected.'
                : 'No data yet: the map appears once the capacity is known.'
        }
      </p>
      ${this._error ? html`<p class="status error" role="alert">${this._error}</p>` : nothing}
      <p class="sr-only" aria-live="polite">${this._announce}</p>
      <ul class="legend" aria-label="Legend">
        ${this._legend.map(
          (item) => html`<li>
            <span
              class="swatch ${item.kind}"
              aria-hidden="true"
              ${ref((el) => {
                if (el instanceof HTMLElement && item.colour) el.style.backgroundColor = item.colour;
              })}
            ></span>
            <span>${item.label}</span>
            <span class="detail">${item.detail}</span>
          </li>`,
        )}
      </ul>
    `;
  }
}

/**
 * Strokes the rectangle (x, y, w, h) with the line inside it, moved inside the grid where it would leave
 * the canvas (an outline at the map's edge stays visible).
 */
function strokeInside(
  ctx: CanvasRenderingContext2D,
  x: number,
  y: number,
  w: number,
  h: number,
  px: number,
  l: GridLayout,
): void {
  const x0 = Math.max(0, x);
  const y0 = Math.max(0, y);
  const x1 = Math.min(l.width, x + w);
  const y1 = Math.min(l.height, y + h);
  const half = ctx.lineWidth / 2;
  if (x1 - x0 <= px || y1 - y0 <= px) return;
  ctx.strokeRect(x0 + half, y0 + half, x1 - x0 - 2 * half, y1 - y0 - 2 * half);
}

/** The canvas's aria-label: the occupancy in words, or why there is nothing to draw. */
function occupancyLabel(b: Buckets | null): string {
  if (!b) return 'No capacity map data yet';
  if (b.count === 0) return 'No IDs to draw: the capacity is 0';
  return describeOccupancy(b);
}

/** The rectangles (device pixels) covering cells lo..hi in row-major order: at most three. */
function spanRects(l: GridLayout, lo: number, hi: number): { x: number; y: number; w: number; h: number }[] {
  const r0 = Math.floor(lo / l.cols);
  const r1 = Math.floor(hi / l.cols);
  const c0 = lo % l.cols;
  const c1 = hi % l.cols;
  const p = l.pitch;
  if (r0 === r1) return [{ x: c0 * p, y: r0 * p, w: (c1 - c0 + 1) * p, h: p }];
  const rects = [{ x: c0 * p, y: r0 * p, w: (l.cols - c0) * p, h: p }];
  if (r1 > r0 + 1) rects.push({ x: 0, y: (r0 + 1) * p, w: l.cols * p, h: (r1 - r0 - 1) * p });
  rects.push({ x: 0, y: r1 * p, w: (c1 + 1) * p, h: p });
  return rects;
}

customElements.define('ioasid-capacity-map', IoasidCapacityMap);

declare global {
  interface HTMLElementTagNameMap {
    'ioasid-capacity-map': IoasidCapacityMap;
  }
}
