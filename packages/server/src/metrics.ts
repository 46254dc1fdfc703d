// Prometheus metrics of one server: the namespace (capacity, per-set quota and usage), operations by
// type and result with their latency, group commits (requests and rows per batch, fsync time) and the
// store's availability.

import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { Engine } from './engine/engine.js';
import type { SharingFigures } from './store/store.js';

/** The metrics registry of one server and the instruments the HTTP layer updates. */
export class Metrics {
  /** Serve `registry.metrics()` with `registry.contentType`. */
  readonly registry = new Registry();
  readonly #operations: Counter<'op' | 'result'>;
  readonly #latency: Histogram<'op'>;
  /** Bound children per operation and result: resolving label values costs more than the observation. */
  readonly #bound = new Map<
    string,
    { latency: Histogram.Internal<'op'>; results: Map<string, Counter.Internal> }
  >();

  /** Creates the instruments and reads the engine's state at each scrape. */
  constructor(engine: Engine, options: { defaultMetrics?: boolean } = {}) {
    const registers = [this.registry];
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry });
    this.#operations = new Counter({
      name: 'ioasid_operations_total',
      help: 'API operations by type and result (ok or an error code such as ENOSPC)',
      labelNames: ['op', 'result'],
      registers,
    });
    this.#latency = new Histogram({
      name: 'ioasid_operation_duration_seconds',
      help: 'Time from request to answer, including the wait for the group commit',
      labelNames: ['op'],
      buckets: [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1],
      registers,
    });
    const requests = new Histogram({
      name: 'ioasid_commit_batch_requests',
      help: 'Requests answered by one group commit',
      buckets: [1, 2, 4, 8, 16, 32, 64, 128, 256, 512],
      registers,
    });
    const rows = new Histogram({
      name: 'ioasid_commit_batch_rows',
      help: 'State rows written or deleted by one group commit',
      buckets: [1, 4, 16, 64, 256, 1024, 4096, 16384],
      registers,
    });
    const events = new Counter({ name: 'ioasid_events_total', help: 'Events committed', registers });
    const seconds = new Histogram({
      name: 'ioasid_commit_duration_seconds',
      help: 'Time to build and durably write one batch (fsync included)',
      buckets: [0.0001, 0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.5],
      registers,
    });
    engine.onCommit((info) => {
      requests.observe(info.requests);
      rows.observe(info.rows);
      seconds.observe(info.seconds);
      if (info.events > 0) events.inc(info.events);
    });
    // Read at each scrape: the engine replaces its allocator when it returns to the committed state.
    gauge(this.registry, 'ioasid_capacity', 'Installed capacity (0: none)', () => engine.space.capacity);
    gauge(
      this.registry,
      'ioasid_available',
      'Capacity not reserved by any set',
      () => engine.space.available,
    );
    gauge(
      this.registry,
      'ioasid_ids_allocated',
      'IDs allocated, free-pending included',
      () => engine.space.size,
    );
    gauge(
      this.registry,
      'ioasid_sets',
      'Existing sets, dying included',
      () => engine.space.listSets().length,
    );
    gauge(this.registry, 'ioasid_leases', 'Live leases', () => engine.leaseCount);
    gauge(
      this.registry,
      'ioasid_event_seq',
      'Sequence number of the last committed event',
      () => engine.events.committedSeq,
    );
    gauge(this.registry, 'ioasid_event_streams', 'Open event streams', () => engine.events.size);
    if (engine.storeHealth() !== null) {
      gauge(
        this.registry,
        'ioasid_store_log_bytes',
        'Size of the store write-ahead log file (SQLite WAL); it should stay small under load',
        () => engine.storeHealth()?.logBytes ?? 0,
      );
      total(
        this.registry,
        'ioasid_store_checkpoint_failures_total',
        'Background checkpoints that failed (each is retried; if this keeps growing the WAL is not folded in)',
        () => engine.storeHealth()?.upkeepFailures ?? 0,
      );
    }
    if (engine.storeSharing() !== null) sharingMetrics(this.registry, engine);
    storeStatusMetrics(this.registry, engine);
    perSet(
      this.registry,
      'ioasid_set_quota',
      'Quota of each set',
      () => engine.space.listSets(),
      (set) => set.quota,
    );
    perSet(
      this.registry,
      'ioasid_set_count',
      'IDs held by each set',
      () => engine.space.listSets(),
      (set) => set.count,
    );
  }

  /** Counts one answered operation and its latency. */
  observe(op: string, result: string, seconds: number): void {
    let bound = this.#bound.get(op);
    if (bound === undefined) {
      bound = { latency: this.#latency.labels({ op }), results: new Map() };
      this.#bound.set(op, bound);
    }
    let counter = bound.results.get(result);
    if (counter === undefined) {
      counter = this.#operations.labels({ op, result });
      bound.results.set(result, counter);
    }
    counter.inc();
    bound.latency.observe(seconds);
  }
}

/**
 * The store's availability: `ioasid_store_degraded{cause}` (1 with the cause while the store takes no
 * writes, 0 with cause "" otherwise), failures and writes refused meanwhile.
 */
function storeStatusMetrics(registry: Registry, engine: Engine): void {
  const registers = [registry];
  new Gauge({
    name: 'ioasid_store_degraded',
    help: '1 while the store takes no writes (writes refused, reads served), with its cause; 0 when it does',
    labelNames: ['cause'],
    registers,
    collect() {
      this.reset();
      const status = engine.storeStatus();
      if (status.state === 'ready') this.set({ cause: '' }, 0);
      else this.set({ cause: status.cause ?? 'unknown' }, 1);
    },
  });
  total(
    registry,
    'ioasid_store_failures_total',
    'Failures of the store: failed commits, failed probes at start (the server then stays up, degraded)',
    () => engine.storeStatus().failures,
  );
  total(
    registry,
    'ioasid_store_refused_writes_total',
    'Writes refused (503 store-unavailable) because the store took no writes',
    () => engine.storeStatus().refusedWrites,
  );
}

/** A counter whose value is a running total kept elsewhere, read at each scrape. */
function total(registry: Registry, name: string, help: string, read: () => number): void {
  new Counter({
    name,
    help,
    registers: [registry],
    collect() {
      this.reset();
      const value = read();
      if (value > 0) this.inc(value);
    },
  });
}

function gauge(registry: Registry, name: string, help: string, read: () => number): void {
  new Gauge({
    name,
    help,
    registers: [registry],
    collect() {
      this.set(read());
    },
  });
}

function perSet<T extends { sid: number }>(
  registry: Registry,
  name: string,
  help: string,
  list: () => T[],
  read: (set: T) => number,
): void {
  new Gauge({
    name,
    help,
    labelNames: ['sid'],
    registers: [registry],
    collect() {
      this.reset();
      for (const set of list()) this.set({ sid: String(set.sid) }, read(set));
    },
  });
}

/** How this instance keeps up with the others serving its namespace (PostgreSQL). */
function sharingMetrics(registry: Registry, engine: Engine): void {
  const figure = <K extends keyof SharingFigures>(key: K): number => engine.storeSharing()?.[key] ?? 0;
  gauge(
    registry,
    'ioasid_instance_lag_events',
    'Events committed by other instances that this one has not published yet',
    () => figure('lagEvents'),
  );
  gauge(
    registry,
    'ioasid_instance_lag_seconds',
    'Time since the oldest commit of another instance this one has heard of but not replayed (0 when caught up)',
    () => figure('lagMs') / 1000,
  );
  total(
    registry,
    'ioasid_write_turns_total',
    'Write turns taken (transactions holding the namespace lock)',
    () => figure('turns'),
  );
  total(
    registry,
    'ioasid_namespace_lock_wait_seconds_total',
    'Time spent waiting for the namespace lock, in all write turns',
    () => figure('lockWaitMs') / 1000,
  );
  total(
    registry,
    'ioasid_store_database_errors_total',
    'Database operations that failed (write turns, loads, reads, heartbeats)',
    () => figure('errors'),
  );
}
