// What a failure of the SQLite store means, in an operator's words (disk full, I/O error, read-only
// filesystem), and the probe that tells whether its disk takes writes again.

import { closeSync, fsyncSync, openSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/** Name of the file the probe writes (and removes again) in the data directory. */
export const PROBE_FILE = 'ioasid.probe';

/** Bytes the probe writes: the room a few ordinary commits need, so that a nearly full disk fails it. */
export const PROBE_BYTES = 256 * 1024;

/**
 * Says what `error` (from SQLite, better-sqlite3 or the file system) means for the store in `dataDir`:
 * SQLITE_FULL / ENOSPC "the disk holding DIR is full", SQLITE_IOERR* / EIO "an I/O error on DIR",
 * SQLITE_READONLY* / EROFS "the filesystem holding DIR is read-only"; any other error by its message.
 */
export function describeSqliteFailure(error: unknown, dataDir: string): string {
  const code = (error as { code?: unknown } | null)?.code;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string') {
    if (code === 'SQLITE_FULL' || code === 'ENOSPC' || code === 'EDQUOT') {
      return `the disk holding ${dataDir} is full`;
    }
    if (code.startsWith('SQLITE_READONLY') || code === 'EROFS') {
      return `the filesystem holding ${dataDir} is read-only`;
    }
    if (code.startsWith('SQLITE_IOERR') || code === 'EIO') {
      return `an I/O error on ${dataDir} (${code}: ${message})`;
    }
    if (code === 'EACCES' || code === 'EPERM' || code === 'SQLITE_PERM') {
      return `the server may not write to ${dataDir} (${code})`;
    }
  }
  return `${message} (in ${dataDir})`;
}

/**
 * Writes PROBE_BYTES to `<dataDir>/ioasid.probe`, syncs them and removes the file again: succeeds only
 * when the disk has room and takes writes.
 * @throws the file system's error (ENOSPC, EROFS, EIO, ...)
 */
export function probeDisk(dataDir: string): void {
  const path = join(dataDir, PROBE_FILE);
  let fd: number | null = null;
  try {
    fd = openSync(path, 'w', 0o600);
    const block = Buffer.alloc(64 * 1024);
    for (let written = 0; written < PROBE_BYTES; ) {
      written += writeSync(fd, block, 0, Math.min(block.length, PROBE_BYTES - written));
    }
    fsyncSync(fd);
  } finally {
    if (fd !== null) closeSync(fd);
    try {
      unlinkSync(path);
    } catch {
      // Never created (read-only filesystem), or already gone.
    }
  }
}
