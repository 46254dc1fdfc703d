// The server's own limits, beyond the core's rules: event retention, the size of an ID's data, the
// references one lease may hold, the leases one credential may hold, and the event types remote clients
// may not publish.

import { apiError } from '../server-reasons.js';

/** Default number of events kept for resuming streams. */
export const DEFAULT_EVENT_RETENTION = 100_000;
/** Largest JSON text of an ID's data, in bytes. */
export const MAX_DATA_BYTES = 4096;
/** Most levels of arrays and objects inside an ID's data (`[[1]]` is 2 deep); deeper data is refused. */
export const MAX_DATA_DEPTH = 64;
/** Most references one lease may hold in total, unless `maxLeaseRefs` says otherwise. */
export const MAX_LEASE_REFS = 65_536;
/** Most live leases one set's secret may have created, unless `maxLeasesPerSet` says otherwise. */
export const DEFAULT_MAX_LEASES_PER_SET = 1024;
/** Most live leases the admin may have created, unless `maxAdminLeases` says otherwise. */
export const DEFAULT_MAX_ADMIN_LEASES = 65_536;
/** Event types `notify` may not publish: the server's own. */
export const RESERVED_EVENT_TYPES: readonly string[] = ['alloc', 'free', 'reset', 'lease-expired'];

/**
 * Returns true when `value` nests arrays and objects more than `limit` levels deep. It walks the value
 * with its own stack, so any depth is measured without overflowing the call stack.
 */
export function nestedDeeperThan(value: unknown, limit: number): boolean {
  const pending: [unknown, number][] = [[value, 0]];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [node, depth] = next;
    if (node === null || typeof node !== 'object') continue;
    if (depth >= limit) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node)) {
      if (child !== null && typeof child === 'object') pending.push([child, depth + 1]);
    }
  }
  return false;
}

/**
 * Checks the depth and size of an ID's data (undefined and null always pass); the depth is checked
 * first, so the JSON text is only made of data that cannot overflow the stack.
 * @throws EINVAL (ApiError) `too-deep` (values `field`, `limit`) when it nests arrays and objects more
 * than MAX_DATA_DEPTH levels; EINVAL `data-too-large` when its JSON text is over MAX_DATA_BYTES
 */
export function checkData(data: unknown): void {
  if (data === undefined || data === null) return;
  if (nestedDeeperThan(data, MAX_DATA_DEPTH)) {
    throw apiError(
      'too-deep',
      { field: 'data', limit: MAX_DATA_DEPTH },
      `data nests arrays and objects more than ${MAX_DATA_DEPTH} levels deep`,
    );
  }
  const bytes = Buffer.byteLength(JSON.stringify(data), 'utf8');
  if (bytes > MAX_DATA_BYTES) {
    throw apiError(
      'data-too-large',
      { bytes, limit: MAX_DATA_BYTES },
      `data is ${bytes} bytes of JSON, more than the ${MAX_DATA_BYTES} allowed`,
    );
  }
}

/**
 * Checks that `type` is not one of the server's own event types.
 * @throws EINVAL `reserved-event-type` (ApiError) for a type in RESERVED_EVENT_TYPES
 */
export function checkEventType(type: string): void {
  if (RESERVED_EVENT_TYPES.includes(type)) {
    const reserved = RESERVED_EVENT_TYPES.join(', ');
    throw apiError(
      'reserved-event-type',
      { type, reserved },
      `event type "${type}" is reserved for the server's own events (${reserved})`,
    );
  }
}

/**
 * Returns the value of a numeric limit option, or `fallback` when it is omitted.
 * @param name the option's name, for the message
 * @throws RangeError when the value is not an integer >= 1
 */
export function limitOption(name: string, value: number | undefined, fallback: number): number {
  const limit = value ?? fallback;
  if (!Number.isSafeInteger(limit) || limit < 1) {
    throw new RangeError(`${name} ${limit} must be an integer >= 1`);
  }
  return limit;
}
