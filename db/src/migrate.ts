/**
 * Applies the committed drizzle-kit migrations (db/migrations). Several processes may start at once
 * (a server and a worker on one embedded database), so one session-level advisory lock serializes them;
 * drizzle's journal table makes a second run a no-op.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type pg from 'pg';

export const MIGRATIONS_FOLDER = fileURLToPath(new URL('../migrations', import.meta.url));

/** Arbitrary constant: the advisory lock key that guards migrations. */
const MIGRATION_LOCK = 7_352_026_001;

export interface MigrationResult {
  applied: number;
  total: number;
}

export async function migrate(pool: pg.Pool): Promise<MigrationResult> {
  const client = await pool.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    try {
      const before = await appliedCount(client);
      // Up to date (the usual case): skip loading drizzle's migrator, which costs most of a CLI command's start.
      if (before >= journalLength()) return { applied: 0, total: before };
      const [{ drizzle }, { migrate: drizzleMigrate }] = await Promise.all([
        import('drizzle-orm/node-postgres'),
        import('drizzle-orm/node-postgres/migrator'),
      ]);
      await drizzleMigrate(drizzle(client), { migrationsFolder: MIGRATIONS_FOLDER });
      const after = await appliedCount(client);
      return { applied: after - before, total: after };
    } finally {
      await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
    }
  } finally {
    client.release();
  }
}

async function appliedCount(client: pg.PoolClient): Promise<number> {
  const exists = await client.query<{ t: string | null }>(`SELECT to_regclass('drizzle.__drizzle_migrations')::text AS t`);
  if (!exists.rows[0]?.t) return 0;
  const r = await client.query<{ n: string }>('SELECT count(*) AS n FROM drizzle.__drizzle_migrations');
  return Number(r.rows[0]?.n ?? 0);
}

function journalLength(): number {
  const journal = JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] };
  return journal.entries.length;
}
