// The engine's public surface: the durable allocator and the types callers see.

export type { CommitMode } from './commit-queue.js';
export { ADMIN, AdminHashes, type Principal } from './credentials.js';
export { Engine } from './engine.js';
export type { EngineLog, EngineOptions } from './engine-options.js';
export type { EventHub, EventListener } from './event-hub.js';
export type { HistoryView } from './history.js';
export type { IdDetail, IdDetailsPage } from './id-details.js';
export type { IdRefs, Inspection } from './inspection.js';
export type { InstanceView } from './instances.js';
export type { IdRefHolder, LeaseSummary } from './lease-summaries.js';
export {
  DEFAULT_EVENT_RETENTION,
  DEFAULT_MAX_ADMIN_LEASES,
  DEFAULT_MAX_LEASES_PER_SET,
  MAX_DATA_BYTES,
  MAX_LEASE_REFS,
  RESERVED_EVENT_TYPES,
} from './limits.js';
export type { MapQuery, OccupancyMap } from './occupancy-map.js';
export { DamagedStoreError } from './rebuild.js';
export type { StoreRetryOptions, StoreState, StoreStatus } from './store-outage.js';
export type { CommitInfo, IdView, LeaseInfo, LeaseView, SetView } from './views.js';
