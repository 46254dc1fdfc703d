// The SQLite store: the shared Store contract, plus what is specific to the file (lock, schema version).

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_FILE, SqliteStore } from '@ioasid/server';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStore } from './store.case.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

describeStore('SQLite', tempDir, (dir) => SqliteStore.open({ dataDir: dir }));

describe('SQLite store file', () => {
  it('refuses a second store on a data directory that is in use, naming the directory', async () => {
    const dir = tempDir();
    const first = SqliteStore.open({ dataDir: dir });
    await first.load();
    expect(() => SqliteStore.open({ dataDir: dir })).toThrow(
      new RegExp(`${dir} is locked by another process.*--data-dir`),
    );
    await first.close();
    const again = SqliteStore.open({ dataDir: dir });
    await again.close();
  });

  it('refuses a database written with another schema version', () => {
    const dir = tempDir();
    const db = new Database(join(dir, SQLITE_FILE));
    db.pragma('user_version = 99');
    db.close();
    expect(() => SqliteStore.open({ dataDir: dir })).toThrow(/schema version 99/);
  });

  it('leaves everything in the database file at close, readable by a plain connection', async () => {
    const dir = tempDir();
    const store = SqliteStore.open({ dataDir: dir });
    await store.load();
    for (let seq = 1; seq <= 200; seq++) {
      await store.commit({
        meta: { capacity: 7, nextSeq: seq + 1, systemSid: -1 },
        sets: { upsert: [], remove: [] },
        chunks: { upsert: [], remove: [] },
        data: { upsert: [], remove: [] },
        leases: { upsert: [], remove: [] },
        leaseRefs: { upsert: [], remove: [] },
        events: [{ seq, type: 'alloc', id: seq, sid: 0, spid: null, data: null }],
        retainFrom: 0,
      });
    }
    await store.close();
    expect(
      existsSync(join(dir, `${SQLITE_FILE}-wal`)) ? statSync(join(dir, `${SQLITE_FILE}-wal`)).size : 0,
    ).toBe(0);
    const db = new Database(join(dir, SQLITE_FILE), { readonly: true });
    expect(db.prepare('SELECT capacity, next_seq FROM meta').get()).toEqual({ capacity: 7, next_seq: 201 });
    expect(db.prepare('SELECT count(*) AS n FROM event_blocks').get()).toEqual({ n: 200 });
    db.close();
  });

  it('rewinds the WAL under continuous commits instead of letting it grow', async () => {
    const dir = tempDir();
    const wal = join(dir, `${SQLITE_FILE}-wal`);
    const store = SqliteStore.open({ dataDir: dir });
    await store.load();
    // The WAL header's checkpoint sequence number (bytes 12-15) goes up each time the WAL is rewound.
    const rewinds = () => readFileSync(wal).readUInt32BE(12);
    let commits = 0;
    const until = performance.now() + 1500;
    while (performance.now() < until) {
      commits++;
      await store.commit({
        meta: { capacity: 1 << 20, nextSeq: commits + 1, systemSid: -1 },
        sets: { upsert: [], remove: [] },
        chunks: {
          upsert: [{ chunk: commits % 64, records: new Uint8Array(2048).fill(commits) }],
          remove: [],
        },
        data: { upsert: [], remove: [] },
        leases: { upsert: [], remove: [] },
        leaseRefs: { upsert: [], remove: [] },
        events: [{ seq: commits, type: 'alloc', id: commits, sid: 0, spid: null, data: null }],
        retainFrom: 0,
      });
      // Commits come one after another as in the server, which turns the event loop between batches.
      await new Promise((resolve) => setImmediate(resolve));
    }
    // Every commit writes at least two pages (4 KiB plus a 24-byte frame header each); a WAL that is
    // never rewound holds all of them.
    const written = commits * 2 * (4096 + 24);
    expect(rewinds(), `${commits} commits`).toBeGreaterThanOrEqual(3);
    expect(statSync(wal).size, `${commits} commits`).toBeLessThan(written / 2);
    await store.close();
  });

  it('creates the data directory when it does not exist', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = SqliteStore.open({ dataDir: dir });
    expect((await store.load()).meta).toBeNull();
    await store.close();
  });
});
