// Public types of the core API: IDs, set descriptions, events, subscriber and allocator shapes.

import type { IoasidErrorCode } from './errors.js';

/** An I/O address space ID: an integer in `[0, 0xFFFFFFFE]` (a PCIe PASID or an SMMU SubstreamID). */
export type Ioasid = number;

/** A set ID: an integer >= 0; `INVALID_IOASID_SET` (-1) means "no set". */
export type Sid = number;

/** State of an allocated ID: usable, or freed by its owner while other references remain. */
export type IoasidState = 'active' | 'free-pending';

/** A set as `getSet` and `listSets` describe it. */
export interface IoasidSetInfo {
  /** The set ID. */
  readonly sid: Sid;
  /** The owner's token given to `allocSet` (a private symbol for the system set). */
  readonly token: unknown;
  /** IDs the set may hold at once; reserved from the capacity. */
  readonly quota: number;
  /** IDs the set holds now, free-pending ones included. */
  readonly count: number;
  /** True once `freeSet(sid, true)` was called and some ID is still referenced. */
  readonly dying: boolean;
}

/** An allocated ID as `idInfo` describes it. */
export interface IoasidIdInfo {
  /** The ID. */
  readonly id: Ioasid;
  /** The set it belongs to. */
  readonly sid: Sid;
  /** `'active'`, or `'free-pending'` once freed while references remain. */
  readonly state: IoasidState;
  /** References it holds (the owner's included until it is freed), as `refCount` counts them. */
  readonly refs: number;
  /** The guest ID mapped to it, or INVALID_IOASID when none. */
  readonly spid: number;
  /** Its private data (null when none), as `find` returns it. */
  readonly data: unknown;
}

/** What every notifier callback receives. */
export interface IoasidEvent {
  /** `'alloc'`, `'free'`, `'bind'`, `'unbind'`, or a type a publisher sent with `notify`. */
  readonly type: string;
  /** The ID the event is about. */
  readonly id: Ioasid;
  /** The ID's set. */
  readonly sid: Sid;
  /** The set's token. */
  readonly token: unknown;
  /** The ID's private data at the time of the event (null when none). */
  readonly data: unknown;
  /** The guest ID mapped to the ID (for `'unbind'`: the one being removed), or INVALID_IOASID. */
  readonly spid: number;
}

/**
 * A subscriber. Returns NOTIFY_DONE, NOTIFY_OK, NOTIFY_STOP or NOTIFY_BAD; a result with the 0x8000 bit
 * set ends the walk of this chain. Anything that is not a number (nothing, say) counts as NOTIFY_DONE.
 * It never vetoes the operation.
 */
export type NotifierCallback = (event: IoasidEvent) => unknown;

/** Where a subscriber listens and in which order it runs. */
export interface NotifierOptions {
  /** Subscribe to this set's events only; omit for every event. */
  readonly sid?: Sid;
  /** Higher runs first; equal priorities run in registration order. Default 0 (IOASID_PRIO_LAST). */
  readonly priority?: number;
}

/**
 * A custom allocator (the guest side of the VT-d virtual command interface): `alloc` returns an ID in
 * `[min, max]` or INVALID_IOASID, `free` gives one back. `pdata` is passed to both.
 */
export interface IoasidAllocatorOps {
  alloc(min: number, max: number, pdata: unknown): number;
  free(id: number, pdata: unknown): void;
  readonly pdata?: unknown;
}

/** Options of `new IoasidSpace()`. */
export interface IoasidSpaceOptions {
  /** Installs this capacity at once (see `installCapacity`). Default: none installed. */
  readonly capacity?: number;
  /**
   * Receives errors thrown by notifier callbacks and custom allocators' `free`; the event is null for
   * the latter. Default: rethrown asynchronously (queueMicrotask), never swallowed.
   */
  readonly onNotifierError?: (error: unknown, event: IoasidEvent | null) => void;
}

/** A negative errno returned by the `try*` forms instead of throwing. */
export type NegativeErrno = number;

export type { IoasidErrorCode };
