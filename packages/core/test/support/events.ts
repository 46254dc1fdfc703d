// Event recording for tests: a subscriber that copies every event it sees, and a space factory that
// collects the errors subscribers throw instead of rethrowing them asynchronously.

import { type IoasidEvent, IoasidSpace, type NotifierCallback } from 'ioasid';

/** A plain copy of an event, so later mutation of the original cannot change the record. */
export type RecordedEvent = { -readonly [K in keyof IoasidEvent]: IoasidEvent[K] };

/** Copies an event's six documented fields. */
export function copyEvent(event: IoasidEvent): RecordedEvent {
  const { type, id, sid, token, data, spid } = event;
  return { type, id, sid, token, data, spid };
}

/** A recording subscriber: `events` grows with every delivery, `callback` can be removed by identity. */
export interface Recorder {
  readonly events: RecordedEvent[];
  readonly callback: NotifierCallback;
  /** `type:id` for each event, the compact form most tests compare. */
  brief(): string[];
}

/**
 * Subscribes a recorder to `space` (globally unless `sid` is given). It runs first in its chain by
 * default (highest safe priority) and returns nothing (NOTIFY_DONE).
 */
export function recordEvents(
  space: IoasidSpace,
  options: { sid?: number; priority?: number } = {},
): Recorder {
  const events: RecordedEvent[] = [];
  const callback: NotifierCallback = (event) => {
    events.push(copyEvent(event));
  };
  space.addNotifier(callback, {
    ...(options.sid === undefined ? {} : { sid: options.sid }),
    priority: options.priority ?? Number.MAX_SAFE_INTEGER,
  });
  return { events, callback, brief: () => events.map((e) => `${e.type}:${e.id}`) };
}

/** A space whose subscriber errors are collected in `errors` (with their events) instead of rethrown. */
export function spaceWithErrorLog(capacity?: number): {
  space: IoasidSpace;
  errors: { error: unknown; event: IoasidEvent | null }[];
} {
  const errors: { error: unknown; event: IoasidEvent | null }[] = [];
  const space = new IoasidSpace({
    ...(capacity === undefined ? {} : { capacity }),
    onNotifierError: (error, event) => {
      errors.push({ error, event });
    },
  });
  return { space, errors };
}
