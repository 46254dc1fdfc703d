// Number, percentage, rate and duration formatting shared by every view: thousands separators always,
// one decimal for percentages, durations in the two largest units ("3 h 20 min").

const integer = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('en-US', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const twoDigits = new Intl.NumberFormat('en-US', { maximumFractionDigits: 2 });

/** An integer with thousands separators: 1048576 -> "1,048,576". */
export function num(value: number): string {
  return integer.format(value);
}

/** `part` of `whole` (integers) as a percentage with one decimal ("50.0%"); "0.0%" when whole is 0. */
export function pct(part: number, whole: number): string {
  // Rounded down, so a share is never shown at a threshold it has not reached (79.99% is "79.9%", not
  // the "80.0%" of an amber bar).
  return `${oneDecimal.format(whole > 0 ? Math.floor((part * 1000) / whole) / 10 : 0)}%`;
}

/** A rate per second: at most two decimals, thousands separators ("1,234.5/s"). */
export function rate(perSecond: number): string {
  return `${twoDigits.format(perSecond)}/s`;
}

/** Seconds as the two largest units: "45 s", "3 min 20 s", "2 h 5 min", "3 d 4 h". */
export function duration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'never';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  const units: Array<[string, number]> = [
    ['d', 86_400],
    ['h', 3_600],
    ['min', 60],
    ['s', 1],
  ];
  const parts: string[] = [];
  let rest = s;
  for (const [unit, size] of units) {
    if (parts.length === 0 && rest < size) continue;
    const amount = Math.floor(rest / size);
    rest %= size;
    if (parts.length > 0 && amount === 0) break;
    parts.push(`${integer.format(amount)} ${unit}`);
    if (parts.length === 2) break;
  }
  return parts.join(' ');
}

/** Usage level of a set for its bar: `full` >= 90%, `high` >= 80%, else `ok`. */
export function usageLevel(count: number, quota: number): 'ok' | 'high' | 'full' {
  const ratio = quota > 0 ? count / quota : 0;
  if (ratio >= 0.9) return 'full';
  if (ratio >= 0.8) return 'high';
  return 'ok';
}

/** A set's name for people: its owner, or "system set" for the set without owner. */
export function setName(owner: string | null, sid: number): string {
  return owner === null ? `system set (${sid})` : `${owner} (set ${sid})`;
}

/** An error in words for an alert: the API's message for a refusal, else the error's message. */
export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  return String(error);
}
