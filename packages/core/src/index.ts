// Public entry of the `ioasid` package: the allocator, its error type, constants and types.

export {
  CORE_EVENT_TYPES,
  INVALID_IOASID,
  INVALID_IOASID_SET,
  IOASID_ALLOC,
  IOASID_BIND,
  IOASID_FREE,
  IOASID_PRIO_CPU,
  IOASID_PRIO_DEVICE,
  IOASID_PRIO_IOMMU,
  IOASID_PRIO_LAST,
  IOASID_UNBIND,
  MAX_CAPACITY,
  MAX_IOASID,
  NOTIFY_BAD,
  NOTIFY_DONE,
  NOTIFY_OK,
  NOTIFY_STOP,
  NOTIFY_STOP_MASK,
} from './constants.js';
export {
  ERROR_CODES,
  type ErrorCode,
  type ErrorCodeInfo,
  type ErrorValue,
  IoasidError,
  type IoasidErrorCode,
  isIoasidError,
} from './errors.js';
export { IoasidSpace, NEGATIVE_ERRNO } from './ioasid-space.js';
export {
  ERROR_REASONS,
  type ErrorReason,
  ioasidError,
  type ReasonInfo,
  type ReasonValues,
  toErrorValue,
} from './reasons.js';
export type {
  Ioasid,
  IoasidAllocatorOps,
  IoasidEvent,
  IoasidIdInfo,
  IoasidSetInfo,
  IoasidSpaceOptions,
  IoasidState,
  NegativeErrno,
  NotifierCallback,
  NotifierOptions,
  Sid,
} from './types.js';
