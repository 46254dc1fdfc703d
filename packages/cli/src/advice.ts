// What to do about each refusal, in the `ioasid` command's own terms (its commands and options). The
// server states the fact; this table adds the command-line advice, one entry per reason of the core and
// of the server (a test keeps it complete against both registries).

import type { ErrorReason, ErrorValue } from '@ioasid/client';

/** The values of a refusal as its body carries them. */
export type Values = Readonly<Record<string, ErrorValue>>;

/** Advice for one reason from its values, or null where the fact says all there is. */
export type CliAdvice = ((values: Values) => string) | null;

const RAISE_QUOTA = (sid: ErrorValue) =>
  `have the admin raise the quota (\`ioasid sets adjust ${sid} --quota N\`)`;
const ADMIN = 'use the admin token (--admin-token-file <data-dir>/admin.token, or IOASID_TOKEN)';

/** Advice for every reason the core refuses for (the server passes these through). */
const CORE: { readonly [R in ErrorReason]: CliAdvice } = {
  'invalid-options': null,
  'invalid-callback': null,
  'invalid-capacity': null,
  'invalid-quota': null,
  'invalid-token': null,
  'invalid-destroy': null,
  'invalid-id': null,
  'invalid-spid': null,
  'invalid-sid': null,
  'invalid-range': () => 'give --min <= --max',
  'invalid-priority': null,
  'invalid-event-type': null,
  'invalid-allocator-ops': null,
  'capacity-installed': () => 'the capacity is installed once; `ioasid status` shows it',
  'no-capacity': () => 'the server runs without a capacity: restart it with `ioasid serve --capacity N`',
  'quota-above-available': () =>
    'ask for less, or shrink another set first (`ioasid sets adjust SID --quota N`); `ioasid status` shows what is left',
  'growth-above-available': () =>
    'ask for less, or shrink or destroy another set first (`ioasid sets adjust`, `ioasid sets free SID --destroy`)',
  'quota-below-count': (v) =>
    `free IDs of set ${v.sid} first (\`ioasid free ID\`) or choose a quota >= ${v.count}`,
  'owner-exists': (v) => `use set ${v.sid}, or destroy it first (\`ioasid sets free ${v.sid} --destroy\`)`,
  'system-set-exists': (v) =>
    `use it (\`ioasid sets show ${v.sid}\`) or destroy it first (\`ioasid sets free ${v.sid} --destroy\`)`,
  'system-set-dying': (v) => `create it again once \`ioasid sets show ${v.sid}\` says it does not exist`,
  'set-ids-exhausted': () => 'destroy a set first (`ioasid sets free SID --destroy`)',
  'no-set': () => 'list the sets with `ioasid sets list`, or create one with `ioasid sets create OWNER`',
  'set-dying': (v) =>
    `it is gone once the leases referencing its IDs drop them (\`ioasid sets show ${v.sid}\`); create a new set with \`ioasid sets create OWNER\``,
  'set-quota': (v) => `free IDs (\`ioasid free ID\`) or ${RAISE_QUOTA(v.sid)}`,
  'no-free-id': () => 'free IDs (`ioasid free ID`) or widen the range (--min, --max)',
  'id-not-allocated': () => "list a set's IDs with `ioasid sets ids SID`",
  'foreign-id': (v) => `use set ${v.owner}'s secret, or ${ADMIN}`,
  'free-pending': () =>
    'it is released once every lease drops its reference; allocate a new ID with `ioasid alloc SID`',
  'no-reference': null,
  'spid-in-use': (v) => `detach it first with \`ioasid spid detach ${v.mappedId}\``,
  'no-spid': (v) => `attach one first with \`ioasid spid attach ${v.id} SPID\``,
  'spid-not-mapped': (v) => `map one with \`ioasid spid attach ID ${v.spid}\``,
  'already-subscribed': null,
  'not-subscribed': null,
  'allocator-registered': null,
  'allocator-not-registered': null,
  'default-allocator-busy': null,
  'allocator-busy': null,
  'allocator-no-free-id': null,
  'allocator-bad-id': null,
  'allocator-id-out-of-range': null,
  'allocator-id-allocated': null,
  'allocation-raced': () => 'run the command again',
};

/**
 * Advice for every reason the server refuses for on its own. The credential reasons are answered by
 * the hint about where the credential came from (api-errors.ts), so they are null here.
 */
const SERVER: Readonly<Record<string, CliAdvice>> = {
  'malformed-authorization': null,
  'no-credential': null,
  'unknown-credential': null,
  'admin-only': () => ADMIN,
  'other-set': (v) => `use set ${v.sid}'s secret, or ${ADMIN}`,
  'no-lease': null,
  'not-lease-creator': null,
  'lease-other-set': null,
  'lease-limit': null,
  'lease-ref-limit': null,
  'no-lease-ref': null,
  'batch-over-quota': (v) => `ask for fewer (--count) or ${RAISE_QUOTA(v.sid)}`,
  'data-too-large': (v) => `send at most ${v.limit} bytes of JSON with --data`,
  'reserved-event-type': null,
  'invalid-last-event-id': null,
  'invalid-map-range': null,
  'store-unavailable': () =>
    'retry later: the server takes writes again once its store recovers (`ioasid status` shows it); reads still work',
  'not-ready': () => 'retry in a moment',
  'invalid-min-seq': null,
  'seq-not-reached': () => 'retry in a moment, or point --url at the instance that took the write',
  'invalid-field': () => 'check the command line against `ioasid help <command>`',
  'unknown-field': () => 'check that --url points at an ioasid server of this version',
  'missing-field': () => 'check that --url points at an ioasid server of this version',
  'wrong-type': () => 'check the command line against `ioasid help <command>`',
  'out-of-range': () => 'check the command line against `ioasid help <command>`',
  'too-deep': () => 'flatten the JSON given with --data',
  'invalid-json': () => 'give --data valid JSON',
  'prototype-key': () => 'rename the "__proto__" or "constructor" key in --data',
  'empty-body': null,
  'body-too-large': () => 'send less (--data is limited to 4 KiB)',
  'unsupported-media-type': null,
  'method-not-allowed': () => 'check that --url points at an ioasid server of this version',
  'no-route': () => 'check that --url points at an ioasid server of this version',
  'dashboard-not-built': () =>
    'run `npm run build` where the server was installed from, or serve with `ioasid serve --no-dashboard`',
  'bad-request': null,
  'bad-url-encoding': null,
  'uri-too-long': null,
  'headers-too-large': () => 'use a shorter --token',
  'request-timeout': () => 'check the network between here and --url',
  'expectation-failed': null,
  'bad-http-version': null,
  'missing-host': null,
  'shutting-down': () => 'retry once the server has restarted, or give another instance with --url',
  'internal-error': () => 'retry in a moment; the server log has the request',
};

/** The whole table, by reason (tests check it against the core's and the server's registries). */
export const CLI_ADVICE: Readonly<Record<string, CliAdvice>> = Object.freeze({ ...CORE, ...SERVER });

/** Returns the command-line advice for a refusal, or null when there is none (or the reason is unknown). */
export function adviceFor(reason: string, values: Values): string | null {
  const advice = Object.hasOwn(CLI_ADVICE, reason) ? CLI_ADVICE[reason] : null;
  return advice === null ? null : advice(values);
}
