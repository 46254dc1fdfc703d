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
  function autocannon(options: Options): Promise<Result>;
  export default autocannon;
}
