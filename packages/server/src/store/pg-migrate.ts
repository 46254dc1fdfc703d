// Brings a PostgreSQL database to the schema this server reads, at open: the missing migrations run in
// one transaction under an advisory lock, so several servers starting at once migrate exactly once.

import type pg from 'pg';
import { LOCK_CLASS, LOCK_MIGRATE, MIGRATIONS, type Migration } from './pg-schema.js';

/**
 * Applies the migrations the database lacks, in one transaction holding `pg_advisory_xact_lock` (a
 * concurrent caller waits, then finds nothing left to do). Records each in `schema_migrations`.
 * @returns the versions this call applied (empty when the database was up to date)
 * @throws Error when the database has a newer schema than this server knows (nothing is changed), or a
 * statement fails (the transaction is rolled back)
 */
export async function migrate(
  client: pg.ClientBase,
  migrations: readonly Migration[] = MIGRATIONS,
): Promise<number[]> {
  const known = migrations.length === 0 ? 0 : migrations[migrations.length - 1].version;
  await client.query('BEGIN');
  try {
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', [LOCK_CLASS, LOCK_MIGRATE]);
    await client.query(
      `CREATE TABLE IF NOT EXISTS schema_migrations (
         version integer PRIMARY KEY,
         description text NOT NULL,
         applied_at timestamptz NOT NULL DEFAULT now()
       )`,
    );
    const result = await client.query<{ v: number }>(
      'SELECT coalesce(max(version), 0)::integer AS v FROM schema_migrations',
    );
    const current = result.rows[0].v;
    if (current > known) {
      throw new Error(
        `the database has schema version ${current}, this server knows up to ${known}; run a newer ioasid server or use another database`,
      );
    }
    const applied: number[] = [];
    for (const step of migrations) {
      if (step.version <= current) continue;
      await client.query(step.sql);
      await client.query('INSERT INTO schema_migrations (version, description) VALUES ($1, $2)', [
        step.version,
        step.description,
      ]);
      applied.push(step.version);
    }
    await client.query('COMMIT');
    return applied;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}
