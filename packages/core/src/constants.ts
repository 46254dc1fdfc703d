// Constants of the IOASID API: sentinels, notifier results, event types and priorities.
// Values match include/linux/ioasid.h and include/linux/notifier.h so kernel engineers recognise them.

/** The all-ones 32-bit ID; never handed out. Mirrors the kernel's `INVALID_IOASID`. */
export const INVALID_IOASID = 0xffffffff;

/** The highest ID that can be allocated (`INVALID_IOASID - 1`). */
export const MAX_IOASID = 0xfffffffe;

/** "No set": `find` with this set ID skips the ownership check. Mirrors V1's `INVALID_IOASID_SET`. */
export const INVALID_IOASID_SET = -1;

/** The largest capacity or quota that can be installed: 2^32 - 1 IDs (every ID but the sentinel). */
export const MAX_CAPACITY = 0xffffffff;

/** Notifier result: the callback has nothing to say. (`NOTIFY_DONE` in kernel/notifier.c.) */
export const NOTIFY_DONE = 0;
/** Notifier result: the callback handled the event. */
export const NOTIFY_OK = 1;
/** Bit that, when set in a callback's result, ends the walk of that chain. */
export const NOTIFY_STOP_MASK = 0x8000;
/** Notifier result: handled, stop walking this chain. */
export const NOTIFY_STOP = 0x8001;
/** Notifier result: the callback failed, stop walking this chain (it never vetoes the operation). */
export const NOTIFY_BAD = 0x8002;

/** Event emitted by `alloc` after the ID is allocated. (`IOASID_NOTIFY_ALLOC`.) */
export const IOASID_ALLOC = 'alloc';
/** Event emitted by `free` and `freeSet` while the ID is still allocated. (`IOASID_NOTIFY_FREE`.) */
export const IOASID_FREE = 'free';
/** Event emitted by `attachSpid`, carrying the new guest ID. (`IOASID_NOTIFY_BIND`.) */
export const IOASID_BIND = 'bind';
/** Event emitted by `detachSpid` before the mapping is removed. (`IOASID_NOTIFY_UNBIND`.) */
export const IOASID_UNBIND = 'unbind';

/** The event types the core itself emits. Publishers may send any other type with `notify`. */
export const CORE_EVENT_TYPES = [IOASID_ALLOC, IOASID_FREE, IOASID_BIND, IOASID_UNBIND] as const;

/** Notifier priority of the last subscribers. (`IOASID_PRIO_LAST`.) */
export const IOASID_PRIO_LAST = 0;
/** Notifier priority of device drivers such as a VDCM. (`IOASID_PRIO_DEVICE`.) */
export const IOASID_PRIO_DEVICE = 1;
/** Notifier priority of the IOMMU driver. (`IOASID_PRIO_IOMMU`.) */
export const IOASID_PRIO_IOMMU = 2;
/** Notifier priority of CPU-side users such as KVM; runs first. (`IOASID_PRIO_CPU`.) */
export const IOASID_PRIO_CPU = 3;
