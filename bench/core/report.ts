// Turns the rows of every worker into the terminal table (figures, ratios to the naive baseline and to
// ioasid, the targets and whether ioasid meets them) and the verdicts saved with the JSON.

import type { Row } from './workloads/workload.js';

/** A target of the issue for one workload, checked on ioasid's row. */
interface Target {
  readonly metric: 'median' | 'p999';
  readonly limit: number;
  readonly text: string;
}

const CHURN: readonly Target[] = [
  { metric: 'median', limit: 200, text: 'median <= 200 ns/pair' },
  { metric: 'p999', limit: 5000, text: 'p99.9 <= 5 us' },
];

/** The targets (2-core machine, public API), by workload row key. */
export const TARGETS: Readonly<Record<string, readonly Target[]>> = {
  fill: [{ metric: 'median', limit: 40, text: '<= 40 ns/op' }],
  'churn-50': CHURN,
  'churn-99': CHURN,
  find: [{ metric: 'median', limit: 30, text: '<= 30 ns/op' }],
  findSid: [{ metric: 'median', limit: 30, text: '<= 30 ns/op' }],
  'freeSet-contiguous': [{ metric: 'median', limit: 2, text: '<= 2 ms' }],
  'freeSet-interleaved': [{ metric: 'median', limit: 2, text: '<= 2 ms' }],
  memory: [{ metric: 'median', limit: 16, text: '<= 16 B/ID' }],
};

const ORDER = [
  'fill',
  'churn-50',
  'churn-99',
  'find',
  'findSid',
  'freeSet-contiguous',
  'freeSet-interleaved',
  'high',
  'memory',
  'notifier-none',
  'notifier-empty',
  'notifier-one',
];

/** One checked target: a limit of the issue, or ioasid versus one peer doing the same work. */
export interface Verdict {
  readonly workload: string;
  readonly target: string;
  readonly value: string;
  readonly met: boolean;
}

/** Checks every target on the rows: the limits on ioasid's rows, and ioasid against each peer. */
export function verdicts(rows: readonly Row[]): Verdict[] {
  const out: Verdict[] = [];
  for (const workload of ORDER) {
    const group = rows.filter((r) => r.workload === workload);
    const mine = group.find((r) => r.contender === 'ioasid');
    if (mine === undefined) continue;
    if (mine.median === null) {
      out.push({ workload, target: 'ioasid passes validation', value: mine.failed ?? 'failed', met: false });
      continue;
    }
    for (const t of TARGETS[workload] ?? []) {
      const value = t.metric === 'median' ? mine.median : (mine.p999 ?? Number.NaN);
      out.push({ workload, target: t.text, value: formatValue(value, mine.unit), met: value <= t.limit });
    }
    if (mine.verdict !== undefined) {
      out.push({
        workload,
        target: 'empty chain costs nothing measurable',
        value: mine.verdict.detail,
        met: mine.verdict.met,
      });
    }
    for (const peer of group) {
      if (peer === mine || peer.median === null || !peer.sameWork) continue;
      out.push({
        workload,
        target: `ioasid ahead of ${peer.contender}`,
        value: `${formatValue(mine.median, mine.unit)} vs ${formatValue(peer.median, peer.unit)}`,
        met: mine.median < peer.median,
      });
    }
  }
  return out;
}

/** A figure with its unit, scaled to stay readable (ns, us, ms). */
export function formatValue(value: number, unit: Row['unit']): string {
  if (!Number.isFinite(value)) return '-';
  if (unit === 'B/ID') return `${value.toFixed(2)} B/ID`;
  if (unit === 'ms/op') return `${value.toFixed(3)} ms`;
  const per = unit === 'ns/pair' ? '/pair' : '/op';
  if (value >= 1e6) return `${(value / 1e6).toFixed(2)} ms${per}`;
  if (value >= 1e4) return `${(value / 1e3).toFixed(1)} us${per}`;
  return `${value.toFixed(value < 10 ? 2 : 1)} ns${per}`;
}

function ratio(value: number | null, reference: Row | undefined): string {
  if (value === null || reference === undefined || reference.median === null || reference.median === 0)
    return '';
  const r = value / reference.median;
  return r >= 100 ? r.toFixed(0) : r >= 10 ? r.toFixed(1) : r.toFixed(r < 0.01 ? 5 : 3);
}

function resultOf(row: Row, mine: Row | undefined): string {
  if (row.failed !== undefined) return 'FAILED validation';
  if (row.contender === 'ioasid') {
    const checks = [...(TARGETS[row.workload] ?? [])].map((t) => {
      const v = t.metric === 'median' ? (row.median as number) : (row.p999 ?? Number.NaN);
      return v <= t.limit ? 'met' : 'MISSED';
    });
    if (row.verdict !== undefined) checks.push(row.verdict.met ? 'met' : 'MISSED');
    return checks.join(' / ');
  }
  if (!row.sameWork) return 'other work';
  if (mine === undefined || mine.median === null || row.median === null) return '';
  return mine.median < row.median ? 'ioasid ahead' : 'ioasid BEHIND';
}

/** The terminal table: one line per row, grouped by workload, notes and the verdicts below. */
export function renderTable(rows: readonly Row[], header: string): string {
  const lines: string[][] = [
    ['Workload', 'Contender', 'Median', 'p99.9', '/naive', '/ioasid', 'Target', 'Result'],
  ];
  const notes: string[] = [];
  for (const workload of ORDER) {
    const group = rows.filter((r) => r.workload === workload);
    if (group.length === 0) continue;
    const naive = group.find((r) => r.contender === 'naive');
    const mine = group.find((r) => r.contender === 'ioasid');
    const reference = workload.startsWith('notifier-')
      ? rows.find((r) => r.workload === 'notifier-none')
      : mine;
    group.forEach((row, i) => {
      const target =
        row.contender === 'ioasid'
          ? [
              ...(TARGETS[workload] ?? []).map((t) => t.text),
              ...(row.verdict ? ['no measurable cost'] : []),
            ].join(', ')
          : '';
      lines.push([
        i === 0 ? row.title : '',
        row.contender,
        row.failed === undefined && row.median !== null
          ? formatValue(row.median, row.unit)
          : `FAILED: ${row.failed}`,
        row.p999 === undefined || row.p999 === null ? '' : formatValue(row.p999, 'ns/op').replace('/op', ''),
        ratio(row.median, naive),
        ratio(row.median, reference),
        target,
        resultOf(row, mine),
      ]);
      if (row.note !== undefined) notes.push(`${workload} / ${row.contender}: ${row.note}`);
    });
    lines.push([]);
  }
  const widths = lines[0].map((_, c) => Math.max(...lines.map((l) => (l[c] ?? '').length)));
  const text = lines.map((l) =>
    l.length === 0
      ? ''
      : l
          .map((cell, c) => (c >= 2 && c <= 5 ? cell.padStart(widths[c]) : cell.padEnd(widths[c])))
          .join('  ')
          .trimEnd(),
  );
  const how = describeContenders(rows);
  const checked = verdicts(rows).map(
    (v) => `  [${v.met ? 'met   ' : 'MISSED'}] ${v.workload}: ${v.target} (${v.value})`,
  );
  return [
    header,
    '',
    ...text,
    'Ratios are median / reference median (below 1 = cheaper than the reference); notifier rows compare to "no subscriber ever".',
    '',
    'What each contender does:',
    ...how,
    '',
    'Notes:',
    ...notes.map((n) => `  ${n}`),
    '',
    'Targets (ioasid, through the public API):',
    ...checked,
  ].join('\n');
}

/** One line per contender and distinct description, naming the workloads it covers. */
function describeContenders(rows: readonly Row[]): string[] {
  const byHow = new Map<string, string[]>();
  for (const row of rows) {
    if (row.contender === 'ioasid' || row.how === '') continue;
    const key = `${row.contender}: ${row.how}${row.sameWork ? '' : ' [not the same work as ioasid]'}`;
    const kind = row.workload.replace(/-(50|99|contiguous|interleaved)$/, '');
    const kinds = byHow.get(key) ?? [];
    if (!kinds.includes(kind)) kinds.push(kind);
    byHow.set(key, kinds);
  }
  return Array.from(byHow, ([key, kinds]) => {
    const at = key.indexOf(': ');
    return `  ${key.slice(0, at)} (${kinds.join(', ')}): ${key.slice(at + 2)}`;
  });
}
