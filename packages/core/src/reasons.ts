// The reason registry: every cause the core refuses a call for, with its code, the names of its values and
// the sentence stating the fact. Every IoasidError of the core is built here, by `ioasidError`.

import { type ErrorValue, IoasidError, type IoasidErrorCode } from './errors.js';
import { show } from './show.js';

/**
 * The values of each reason, by name. Values a caller passed in and that may be of any type (a bad ID, a
 * bad token) are `unknown` here; the error stores them as `ErrorValue` (see `toErrorValue`).
 */
export interface ReasonValues {
  'invalid-options': { name: string; value: unknown };
  'invalid-callback': { name: string; value: unknown };
  'invalid-capacity': { capacity: unknown; max: number };
  'invalid-quota': { quota: unknown; max: number };
  'invalid-token': { token: unknown };
  'invalid-destroy': { destroy: unknown };
  'invalid-id': { id: unknown; max: number };
  'invalid-spid': { spid: unknown; max: number };
  'invalid-sid': { sid: unknown };
  'invalid-range': { min: unknown; max: unknown };
  'invalid-priority': { priority: unknown };
  'invalid-event-type': { type: unknown };
  'invalid-allocator-ops': { ops: unknown };
  'capacity-installed': { capacity: number };
  'no-capacity': { quota: number };
  'quota-above-available': { quota: number; available: number; capacity: number };
  'growth-above-available': {
    sid: number;
    quota: number;
    growth: number;
    available: number;
    capacity: number;
  };
  'quota-below-count': { sid: number; quota: number; count: number };
  'owner-exists': { owner: unknown; sid: number };
  'system-set-exists': { sid: number };
  'system-set-dying': { sid: number; count: number };
  'set-ids-exhausted': { max: number };
  'no-set': { sid: number };
  'set-dying': { sid: number; count: number };
  'set-quota': { sid: number; quota: number; count: number };
  'no-free-id': { min: number; max: number };
  'id-not-allocated': { id: number };
  'foreign-id': { id: number; owner: number; sid: number };
  'free-pending': { id: number };
  'no-reference': { id: number };
  'spid-in-use': { spid: number; sid: number; id: number; mappedId: number };
  'no-spid': { id: number };
  'spid-not-mapped': { sid: number; spid: number };
  'already-subscribed': { sid: number | null };
  'not-subscribed': { sid: number | null };
  'allocator-registered': Record<string, never>;
  'allocator-not-registered': Record<string, never>;
  'default-allocator-busy': { count: number };
  'allocator-busy': { count: number };
  'allocator-no-free-id': { min: number; max: number };
  'allocator-bad-id': { id: unknown };
  'allocator-id-out-of-range': { id: number; min: number; max: number };
  'allocator-id-allocated': { id: number };
  'allocation-raced': { sid: number };
}

/** Every reason the core throws for, such as `'set-quota'`. */
export type ErrorReason = keyof ReasonValues;

/** One row of the reason registry. */
export interface ReasonInfo<R extends ErrorReason = ErrorReason> {
  /** The code an error of this reason carries. */
  readonly code: IoasidErrorCode;
  /** The names of its values, in the order the docs list them. */
  readonly values: readonly (keyof ReasonValues[R] & string)[];
  /** What the reason means, one line (docs/api.md lists it). */
  readonly meaning: string;
  /** The message: the fact, with the values; never advice in terms of one API. */
  readonly fact: (values: ReasonValues[R]) => string;
}

const scope = (sid: number | null): string => (sid === null ? 'the global chain' : `set ${sid}`);

/**
 * The reason registry, one row per reason: its code, value names, meaning and fact. Layers above the core
 * (the server, the CLI) add their own advice per reason; the core's messages state only what was wrong.
 */
export const ERROR_REASONS: { readonly [R in ErrorReason]: ReasonInfo<R> } = freezeRows({
  'invalid-options': {
    code: 'EINVAL',
    values: ['name', 'value'],
    meaning: 'an options argument is not an object',
    fact: (v) => `${v.name} ${show(v.value)} is not an object`,
  },
  'invalid-callback': {
    code: 'EINVAL',
    values: ['name', 'value'],
    meaning: 'a callback argument is not a function',
    fact: (v) => `${v.name} ${show(v.value)} is not a function`,
  },
  'invalid-capacity': {
    code: 'EINVAL',
    values: ['capacity', 'max'],
    meaning: 'a capacity is not an integer from 1 to 2^32-1',
    fact: (v) =>
      `capacity ${show(v.capacity)} is not valid: capacities are integers from 1 to ${v.max} (VT-d uses 2^20 = 1048576)`,
  },
  'invalid-quota': {
    code: 'EINVAL',
    values: ['quota', 'max'],
    meaning: 'a quota is not an integer from 0 to 2^32-1',
    fact: (v) => `quota ${show(v.quota)} is not valid: quotas are integers from 0 to ${v.max} (2^32 - 1)`,
  },
  'invalid-token': {
    code: 'EINVAL',
    values: ['token'],
    meaning: 'a set token is null or undefined',
    fact: (v) => `set token ${show(v.token)} is not valid: a token is any value but null or undefined`,
  },
  'invalid-destroy': {
    code: 'EINVAL',
    values: ['destroy'],
    meaning: 'the destroy flag is not a boolean',
    fact: (v) => `destroy ${show(v.destroy)} is not true or false`,
  },
  'invalid-id': {
    code: 'EINVAL',
    values: ['id', 'max'],
    meaning: 'an ID is not an integer from 0 to 0xFFFFFFFE',
    fact: (v) => `ID ${show(v.id)} is not valid: IDs are integers from 0 to ${v.max} (0xFFFFFFFE)`,
  },
  'invalid-spid': {
    code: 'EINVAL',
    values: ['spid', 'max'],
    meaning: 'a guest ID (spid) is not an integer from 0 to 0xFFFFFFFE',
    fact: (v) => `spid ${show(v.spid)} is not valid: spids are integers from 0 to ${v.max} (0xFFFFFFFE)`,
  },
  'invalid-sid': {
    code: 'EINVAL',
    values: ['sid'],
    meaning: 'a set ID is not an integer >= 0 (or -1 where a set is required)',
    fact: (v) => `set ID ${show(v.sid)} is not valid: set IDs are integers >= 0`,
  },
  'invalid-range': {
    code: 'EINVAL',
    values: ['min', 'max'],
    meaning: 'an allocation range is not 0 <= min <= max <= 0xFFFFFFFF',
    fact: (v) =>
      `range [${show(v.min)}, ${show(v.max)}] is not valid: ranges are integers 0 <= min <= max <= 0xFFFFFFFF`,
  },
  'invalid-priority': {
    code: 'EINVAL',
    values: ['priority'],
    meaning: 'a notifier priority is not an integer',
    fact: (v) => `priority ${show(v.priority)} is not an integer (CPU 3, IOMMU 2, DEVICE 1, LAST 0)`,
  },
  'invalid-event-type': {
    code: 'EINVAL',
    values: ['type'],
    meaning: 'an event type is not a non-empty string',
    fact: (v) => `event type ${show(v.type)} is not a non-empty string such as 'bind'`,
  },
  'invalid-allocator-ops': {
    code: 'EINVAL',
    values: ['ops'],
    meaning: 'allocator ops are not an object with alloc and free functions',
    fact: (v) =>
      `allocator ops ${show(v.ops)} are not an object with alloc(min, max, pdata) and free(id, pdata) functions`,
  },
  'capacity-installed': {
    code: 'EBUSY',
    values: ['capacity'],
    meaning: 'a capacity is installed already; it is installed only once',
    fact: (v) => `a capacity of ${v.capacity} is already installed, and it can be installed only once`,
  },
  'no-capacity': {
    code: 'ENOSPC',
    values: ['quota'],
    meaning: 'no capacity is installed, so no quota above 0 can be reserved',
    fact: (v) => `no capacity is installed, so a quota of ${v.quota} cannot be reserved`,
  },
  'quota-above-available': {
    code: 'ENOSPC',
    values: ['quota', 'available', 'capacity'],
    meaning: "a new set's quota is above the unreserved capacity",
    fact: (v) =>
      `quota ${v.quota} exceeds the ${v.available} IDs left unreserved of the capacity ${v.capacity}`,
  },
  'growth-above-available': {
    code: 'ENOSPC',
    values: ['sid', 'quota', 'growth', 'available', 'capacity'],
    meaning: "raising a set's quota needs more than the unreserved capacity",
    fact: (v) =>
      `set ${v.sid} cannot grow by ${v.growth} IDs to a quota of ${v.quota}: only ${v.available} of the capacity ${v.capacity} are unreserved`,
  },
  'quota-below-count': {
    code: 'EINVAL',
    values: ['sid', 'quota', 'count'],
    meaning: 'a new quota is below the number of IDs the set holds',
    fact: (v) => `set ${v.sid} holds ${v.count} IDs, more than the new quota ${v.quota}`,
  },
  'owner-exists': {
    code: 'EEXIST',
    values: ['owner', 'sid'],
    meaning: 'the token (owner) already owns a live set',
    fact: (v) => `owner ${show(v.owner)} already has set ${v.sid}`,
  },
  'system-set-exists': {
    code: 'EEXIST',
    values: ['sid'],
    meaning: 'the system set exists',
    fact: (v) => `the system set already exists as set ${v.sid}`,
  },
  'system-set-dying': {
    code: 'EEXIST',
    values: ['sid', 'count'],
    meaning: 'the system set is being destroyed and waits for its referenced IDs',
    fact: (v) =>
      `the system set is set ${v.sid}, which is being destroyed and waits for its ${v.count} referenced IDs`,
  },
  'set-ids-exhausted': {
    code: 'ENOSPC',
    values: ['max'],
    meaning: 'every set ID is in use',
    fact: (v) => `all ${v.max} set IDs are in use`,
  },
  'no-set': {
    code: 'ENOENT',
    values: ['sid'],
    meaning: 'the set does not exist (never created, or destroyed)',
    fact: (v) => `set ${v.sid} does not exist`,
  },
  'set-dying': {
    code: 'ENOENT',
    values: ['sid', 'count'],
    meaning: 'the set is being destroyed: it only waits for its referenced IDs',
    fact: (v) => `set ${v.sid} is being destroyed and waits for its ${v.count} referenced IDs`,
  },
  'set-quota': {
    code: 'ENOSPC',
    values: ['sid', 'quota', 'count'],
    meaning: 'the set holds as many IDs as its quota allows',
    fact: (v) => `set ${v.sid} is at its quota of ${v.quota} IDs (it holds ${v.count})`,
  },
  'no-free-id': {
    code: 'ENOSPC',
    values: ['min', 'max'],
    meaning: 'no ID of the range is free',
    fact: (v) => `no free ID in [${v.min}, ${v.max}]`,
  },
  'id-not-allocated': {
    code: 'ENOENT',
    values: ['id'],
    meaning: 'the ID is not allocated',
    fact: (v) => `ID ${v.id} is not allocated`,
  },
  'foreign-id': {
    code: 'EACCES',
    values: ['id', 'owner', 'sid'],
    meaning: 'the ID belongs to another set than the one named',
    fact: (v) => `ID ${v.id} belongs to set ${v.owner}, not to set ${v.sid}`,
  },
  'free-pending': {
    code: 'EBUSY',
    values: ['id'],
    meaning: 'the ID was freed and waits for its last reference',
    fact: (v) => `ID ${v.id} is free-pending: it was freed and waits for its last reference`,
  },
  'no-reference': {
    code: 'ENOENT',
    values: ['id'],
    meaning: 'the ID has no reference left to drop (only the one held while its FREE is delivered)',
    fact: (v) => `ID ${v.id} has no reference left to drop: it is released when its FREE delivery ends`,
  },
  'spid-in-use': {
    code: 'EINVAL',
    values: ['spid', 'sid', 'id', 'mappedId'],
    meaning: 'the spid is mapped to another ID of the same set',
    fact: (v) =>
      `spid ${v.spid} is already mapped to ID ${v.mappedId} in set ${v.sid}, so it cannot be mapped to ID ${v.id}`,
  },
  'no-spid': {
    code: 'ENOENT',
    values: ['id'],
    meaning: 'the ID has no spid attached',
    fact: (v) => `ID ${v.id} has no spid attached`,
  },
  'spid-not-mapped': {
    code: 'ENOENT',
    values: ['sid', 'spid'],
    meaning: 'no ID of the set is mapped to the spid',
    fact: (v) => `set ${v.sid} has no ID mapped to spid ${v.spid}`,
  },
  'already-subscribed': {
    code: 'EEXIST',
    values: ['sid'],
    meaning: 'the callback is subscribed to that scope already (sid null: the global chain)',
    fact: (v) => `this callback is already subscribed to ${scope(v.sid)}`,
  },
  'not-subscribed': {
    code: 'ENOENT',
    values: ['sid'],
    meaning: 'the callback is not subscribed to that scope (sid null: the global chain)',
    fact: (v) => `this callback is not subscribed to ${scope(v.sid)}`,
  },
  'allocator-registered': {
    code: 'EEXIST',
    values: [],
    meaning: 'these allocator ops are registered already',
    fact: () => 'these allocator ops are already registered',
  },
  'allocator-not-registered': {
    code: 'ENOENT',
    values: [],
    meaning: 'these allocator ops are not registered',
    fact: () => 'these allocator ops are not registered',
  },
  'default-allocator-busy': {
    code: 'EAGAIN',
    values: ['count'],
    meaning: 'the default allocator has IDs out, so no custom allocator can take over',
    fact: (v) =>
      `the default allocator has ${v.count} IDs outstanding (free-pending included), so a custom allocator cannot take over`,
  },
  'allocator-busy': {
    code: 'EBUSY',
    values: ['count'],
    meaning: "the active allocator's last ops cannot go while it has IDs out",
    fact: (v) =>
      `the active allocator still has ${v.count} IDs outstanding, so its last ops cannot be unregistered`,
  },
  'allocator-no-free-id': {
    code: 'ENOSPC',
    values: ['min', 'max'],
    meaning: 'the custom allocator returned INVALID_IOASID: it has no free ID in the range',
    fact: (v) => `the custom allocator has no free ID in [${v.min}, ${v.max}] (it returned INVALID_IOASID)`,
  },
  'allocator-bad-id': {
    code: 'EINVAL',
    values: ['id'],
    meaning: 'the custom allocator returned something that is not an ID',
    fact: (v) => `the custom allocator returned ${show(v.id)}, which is not an ID`,
  },
  'allocator-id-out-of-range': {
    code: 'EINVAL',
    values: ['id', 'min', 'max'],
    meaning: 'the custom allocator returned an ID outside the range; it was given back',
    fact: (v) => `the custom allocator returned ${v.id}, outside [${v.min}, ${v.max}]; it was given back`,
  },
  'allocator-id-allocated': {
    code: 'EINVAL',
    values: ['id'],
    meaning: 'the custom allocator returned an allocated ID; it was given back',
    fact: (v) => `the custom allocator returned ${v.id}, which is already allocated; it was given back`,
  },
  'allocation-raced': {
    code: 'EAGAIN',
    values: ['sid'],
    meaning: 'the custom allocator changed the set or the active allocator during the allocation',
    fact: (v) => `set ${v.sid} or the active allocator changed during the allocation`,
  },
});

function freezeRows<T extends object>(table: T): Readonly<T> {
  for (const row of Object.values(table)) Object.freeze((row as { values: unknown }).values);
  for (const row of Object.values(table)) Object.freeze(row);
  return Object.freeze(table);
}

/**
 * Converts a value for `IoasidError.values`: finite numbers, strings, booleans and null as they are,
 * anything else (NaN, symbols, objects, undefined) as the text `show` gives it.
 */
export function toErrorValue(value: unknown): ErrorValue {
  if (typeof value === 'number') return Number.isFinite(value) ? value : show(value);
  if (typeof value === 'string' || typeof value === 'boolean' || value === null) return value;
  return show(value);
}

/**
 * Builds the IoasidError of a reason: its registry code, the fact as message, and the values (converted
 * with `toErrorValue`). Build it only on the failing branch: it formats a message.
 * @returns the error, for the caller to throw
 */
export function ioasidError<R extends ErrorReason>(reason: R, values: ReasonValues[R]): IoasidError {
  const info = ERROR_REASONS[reason] as ReasonInfo<R>;
  const stored: Record<string, ErrorValue> = {};
  for (const name of info.values) stored[name] = toErrorValue(values[name]);
  return new IoasidError(info.code, info.fact(values), reason, stored);
}
