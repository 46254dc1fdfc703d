// The history chart's words: per line its latest value, minimum and maximum over the window, for the
// visually hidden summary and the visible legend. Pure: no DOM, testable in Node.

/** One line of a history chart: a label, one value per time (null = no sample), its CSS colour. */
export interface ChartLine {
  readonly label: string;
  readonly values: readonly (number | null)[];
  readonly colour: string;
}

/** A history chart's data: times in epoch seconds, oldest first, and the lines over them. */
export interface ChartSeries {
  readonly t: readonly number[];
  readonly lines: readonly ChartLine[];
}

/** Latest, minimum and maximum of a line (null when it has no value). */
export interface LineStats {
  readonly latest: number | null;
  readonly min: number | null;
  readonly max: number | null;
}

/** The latest non-null value and the extremes of `values`. */
export function lineStats(values: readonly (number | null)[]): LineStats {
  let latest: number | null = null;
  let min: number | null = null;
  let max: number | null = null;
  for (const v of values) {
    if (v === null || v === undefined || Number.isNaN(v)) continue;
    latest = v;
    if (min === null || v < min) min = v;
    if (max === null || v > max) max = v;
  }
  return { latest, min, max };
}

/** A value for reading: thousands separators, at most two decimals. */
export function formatValue(v: number | null): string {
  if (v === null) return 'none';
  return v.toLocaleString('en-US', { maximumFractionDigits: 2 });
}

/** How long `seconds` is in words: "1 hour", "15 minutes", "40 seconds". */
export function spanText(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return s === 1 ? '1 second' : `${s} seconds`;
  const m = Math.round(s / 60);
  if (m >= 60 && m % 60 === 0) return m === 60 ? '1 hour' : `${m / 60} hours`;
  return m === 1 ? '1 minute' : `${m} minutes`;
}

/**
 * The summary a screen reader gets: "Allocations per second over the last 10 minutes: allocs latest
 * 12, min 0, max 40; frees latest 3, min 0, max 9." or "… : no data yet."
 */
export function summarize(label: string, series: ChartSeries | null): string {
  const t = series?.t ?? [];
  if (!series || t.length === 0 || series.lines.length === 0) return `${label}: no data yet.`;
  const span = t.length > 1 ? ` over the last ${spanText(t[t.length - 1] - t[0])}` : '';
  const parts = series.lines.map((line) => {
    const s = lineStats(line.values);
    return s.latest === null
      ? `${line.label} no data`
      : `${line.label} latest ${formatValue(s.latest)}, min ${formatValue(s.min)}, max ${formatValue(s.max)}`;
  });
  return `${label}${span}: ${parts.join('; ')}.`;
}
