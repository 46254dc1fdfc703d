// The SQLite store: the shared Store contract, plus what is specific to the file (lock, schema version).

import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { idRowsOf, SQLITE_FILE, SqliteStore, type StoreBatch } from '@ioasid/server';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { describeStore } from './store.case.js';
import { storeBatch } from './support/store-batch.js';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'ioasid-store-'));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const emptyBatch = (overrides: Partial<StoreBatch> = {}): StoreBatch => storeBatch(4096, overrides);

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
        ids: { upsert: [], remove: [] },
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
        // A full group of 128 IDs each time: one 2 KiB id_chunks row.
        ids: {
          upsert: Array.from({ length: 128 }, (_, i) => ({
            id: (commits % 64) * 128 + i,
            sid: commits,
            refs: 1,
            freePending: false,
            spid: null,
          })),
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

  it('stores IDs as 16-byte records in one id_chunks row per 128 IDs, the layout of existing files', async () => {
    const dir = tempDir();
    const store = SqliteStore.open({ dataDir: dir });
    await store.load();
    await store.commit(
      emptyBatch({
        ids: {
          upsert: [
            { id: 130, sid: 2, refs: 3, freePending: true, spid: 7 },
            { id: 5, sid: 1, refs: 1, freePending: false, spid: null },
            { id: 129, sid: 2, refs: 1, freePending: false, spid: null },
          ],
          remove: [],
        },
      }),
    );
    await store.close();
    const db = new Database(join(dir, SQLITE_FILE), { readonly: true });
    const rows = db.prepare('SELECT chunk, records FROM id_chunks ORDER BY chunk').all() as {
      chunk: number;
      records: Buffer;
    }[];
    db.close();
    const words = (records: Buffer) =>
      Array.from({ length: records.length / 4 }, (_, i) => records.readUInt32LE(i * 4));
    expect(rows.map((r) => [r.chunk, words(r.records)])).toEqual([
      [0, [5, 1, 1, 0xffffffff]],
      [1, [129, 2, 1, 0xffffffff, 130, 2, 0x80000003, 7]],
    ]);
  });

  it('reads id_chunks rows written by earlier versions, and rewrites only the chunk a change touches', async () => {
    const dir = tempDir();
    await SqliteStore.open({ dataDir: dir }).close();
    const record = (...w: number[]) => {
      const b = Buffer.alloc(16);
      for (const [i, v] of w.entries()) b.writeUInt32LE(v, i * 4);
      return b;
    };
    let db = new Database(join(dir, SQLITE_FILE));
    db.prepare('INSERT INTO meta (one, capacity, next_seq, system_sid) VALUES (1, 4096, 1, -1)').run();
    const put = db.prepare('INSERT INTO id_chunks (chunk, records) VALUES (?, ?)');
    put.run(0, Buffer.concat([record(3, 0, 1, 0xffffffff), record(4, 0, 0x80000002, 9)]));
    put.run(2, record(300, 1, 1, 0xffffffff));
    db.close();
    const store = SqliteStore.open({ dataDir: dir });
    expect(idRowsOf((await store.load()).ids)).toEqual([
      { id: 3, sid: 0, refs: 1, freePending: false, spid: null },
      { id: 4, sid: 0, refs: 2, freePending: true, spid: 9 },
      { id: 300, sid: 1, refs: 1, freePending: false, spid: null },
    ]);
    await store.commit(emptyBatch({ ids: { upsert: [], remove: [3] } }));
    await store.close();
    db = new Database(join(dir, SQLITE_FILE), { readonly: true });
    const rows = db.prepare('SELECT chunk, hex(records) AS hex FROM id_chunks ORDER BY chunk').all();
    db.close();
    expect(rows).toEqual([
      { chunk: 0, hex: record(4, 0, 0x80000002, 9).toString('hex').toUpperCase() },
      { chunk: 2, hex: record(300, 1, 1, 0xffffffff).toString('hex').toUpperCase() },
    ]);
  });

  it('reports a damaged id_chunks row at load, naming the chunk', async () => {
    const dir = tempDir();
    await SqliteStore.open({ dataDir: dir }).close();
    const db = new Database(join(dir, SQLITE_FILE));
    db.prepare('INSERT INTO id_chunks (chunk, records) VALUES (?, ?)').run(1, Buffer.alloc(16));
    db.close();
    const store = SqliteStore.open({ dataDir: dir });
    await expect(store.load()).rejects.toThrow(
      /chunk 1 holds ID 0, which belongs to chunk 0: the store is damaged/,
    );
    await store.close();
  });

  it('refuses a commit before load, since it could not merge the changes into the stored rows', async () => {
    const store = SqliteStore.open({ dataDir: tempDir() });
    await expect(store.commit(emptyBatch())).rejects.toThrow(/before load\(\)/);
    await store.close();
  });

  it('forgets the changes of a failed commit when loaded again: a later commit of the same chunk does not write them', async () => {
    const dir = tempDir();
    const store = SqliteStore.open({ dataDir: dir });
    await store.load();
    const row = (id: number) => ({ id, sid: 0, refs: 1, freePending: false, spid: null });
    await store.commit(
      emptyBatch({
        meta: { capacity: 4096, nextSeq: 1, systemSid: -1 },
        ids: { upsert: [row(1)], remove: [] },
      }),
    );
    // Events that do not continue the stored sequence make the transaction fail after the chunk image
    // took ID 2: nothing of it is written.
    const event = { seq: 7, type: 'alloc', id: 2, sid: 0, spid: null, data: null };
    await expect(
      store.commit(
        emptyBatch({
          meta: { capacity: 4096, nextSeq: 8, systemSid: -1 },
          ids: { upsert: [row(2)], remove: [] },
          events: [event],
        }),
      ),
    ).rejects.toThrow(/do not continue the stored sequence/);
    const again = await store.load();
    expect(Array.from(again.ids.id)).toEqual([1]);
    await store.commit(emptyBatch({ ids: { upsert: [row(3)], remove: [] } }));
    await store.close();
    const reopened = SqliteStore.open({ dataDir: dir });
    expect(Array.from((await reopened.load()).ids.id)).toEqual([1, 3]);
    await reopened.close();
  });

  it('names disk full, I/O errors and read-only filesystems in words, with the data directory', () => {
    const dir = tempDir();
    const store = SqliteStore.open({ dataDir: dir });
    const failure = (code: string) => Object.assign(new Error(`failed (${code})`), { code });
    expect(store.describeFailure(failure('SQLITE_FULL'))).toBe(`the disk holding ${dir} is full`);
    expect(store.describeFailure(failure('ENOSPC'))).toBe(`the disk holding ${dir} is full`);
    expect(store.describeFailure(failure('SQLITE_IOERR_FSYNC'))).toMatch(
      new RegExp(`^an I/O error on ${dir} \\(SQLITE_IOERR_FSYNC`),
    );
    expect(store.describeFailure(failure('EIO'))).toMatch(/^an I\/O error on /);
    expect(store.describeFailure(failure('SQLITE_READONLY'))).toBe(
      `the filesystem holding ${dir} is read-only`,
    );
    expect(store.describeFailure(failure('EROFS'))).toBe(`the filesystem holding ${dir} is read-only`);
    expect(store.describeFailure(new Error('something else'))).toBe(`something else (in ${dir})`);
    return store.close();
  });

  it('creates the data directory when it does not exist', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = SqliteStore.open({ dataDir: dir });
    expect((await store.load()).meta).toBeNull();
    await store.close();
  });
});
