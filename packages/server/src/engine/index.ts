// The engine's public surface: the durable allocator and the types callers see.

export type { CommitMode } from './commit-queue.js';
export { ADMIN, type Principal } from './credentials.js';
export {
  type CommitInfo,
  DEFAULT_EVENT_RETENTION,
  Engine,
  type EngineLog,
  type EngineOptions,
  type IdView,
  type LeaseInfo,
  type LeaseView,
  MAX_DATA_BYTES,
  MAX_LEASE_REFS,
  RESERVED_EVENT_TYPES,
  type SetView,
} from './engine.js';
export type { EventHub, EventListener } from './event-hub.js';
export { DamagedStoreError } from './rebuild.js';
