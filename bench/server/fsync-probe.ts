// Measures the disk's sync latency where the benchmark stores its data: a sequential client can never
// get more durable answers per second than one over this latency, whatever the server does.

import { closeSync, fdatasyncSync, fsyncSync, openSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Latency of a 4 KiB write followed by a sync call, in microseconds. */
export interface SyncLatency {
  p50Us: number;
  p99Us: number;
}

/** Both sync calls: SQLite as built by better-sqlite3 calls fsync (strace shows it), not fdatasync. */
export interface FsyncProbe {
  samples: number;
  fsync: SyncLatency;
  fdatasync: SyncLatency;
}

/** Writes and syncs 4 KiB `samples` times per call in `dir` (overwriting, as a reused WAL does). */
export function probeFsync(dir: string, samples = 400): FsyncProbe {
  return {
    samples,
    fsync: probe(dir, samples, fsyncSync),
    fdatasync: probe(dir, samples, fdatasyncSync),
  };
}

function probe(dir: string, samples: number, sync: (fd: number) => void): SyncLatency {
  const path = join(dir, 'fsync-probe.bin');
  const fd = openSync(path, 'w');
  const block = Buffer.alloc(4096, 0x5a);
  const times: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const start = performance.now();
      writeSync(fd, block, 0, block.length, (i % 16) * block.length);
      sync(fd);
      times.push((performance.now() - start) * 1000);
    }
  } finally {
    closeSync(fd);
    rmSync(path, { force: true });
  }
  times.sort((a, b) => a - b);
  return {
    p50Us: Math.round(times[Math.floor(samples * 0.5)]),
    p99Us: Math.round(times[Math.floor(samples * 0.99)]),
  };
}
