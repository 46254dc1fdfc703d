// The part of autocannon@9's API the server benchmark uses (the package ships no types).

declare module 'autocannon' {
  /** Options of one load run. */
  interface Options {
    url: string;
    method?: 'GET' | 'POST' | 'PUT' | 'DELETE' | 'PATCH';
    headers?: Record<string, string>;
    body?: string;
    /** Concurrent connections, each with one request in flight (pipelining 1). */
    connections?: number;
    /** Seconds. */
    duration?: number;
    pipelining?: number;
    /**
     * Resolve with the raw result (histograms encoded) instead of the aggregated one, so that several
     * runs can be merged by `aggregateResult`.
     */
    skipAggregateResult?: boolean;
  }
  /** Latency or throughput statistics; latencies are in milliseconds. */
  interface Stats {
    average: number;
    mean: number;
    p50: number;
    p90: number;
    p99: number;
    max: number;
    total: number;
  }
  /** The outcome of a run. */
  interface Result {
    requests: Stats;
    latency: Stats;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
  }
  /** The raw outcome of a run started with `skipAggregateResult` (its latency histogram HDR-encoded). */
  interface RawResult {
    latencies: string;
    duration: number;
    errors: number;
    timeouts: number;
    non2xx: number;
    '2xx': number;
    totalCompletedRequests: number;
  }
  function autocannon(options: Options & { skipAggregateResult: true }): Promise<RawResult>;
  function autocannon(options: Options): Promise<Result>;
  namespace autocannon {
    /**
     * Merges raw results: counts are summed and the latency histograms added, so `latency` holds the
     * percentiles of every request of every run. `duration` is the first run's (not a sum).
     */
    function aggregateResult(results: RawResult[], options: Options): Result;
  }
  export default autocannon;
}
