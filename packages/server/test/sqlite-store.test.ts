// The SQLite store: the shared Store contract, plus what is specific to the file (lock, schema version).

import { mkdtempSync, rmSync } from 'node:fs';
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
    expect(() => SqliteStore.open({ dataDir: dir })).toThrow(/is locked by another process.*--data-dir/);
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

  it('creates the data directory when it does not exist', async () => {
    const dir = join(tempDir(), 'nested', 'data');
    const store = SqliteStore.open({ dataDir: dir });
    expect((await store.load()).meta).toBeNull();
    await store.close();
  });
});
