/**
 * Opening the database on Node: the server named by DATABASE_URL, or the embedded default (a real
 * Postgres 17 under ./.budget-sync, started on demand). Migrations are applied before anything uses it.
 * The Workers entry builds its own Neon pool per request and does not come through here.
 */
import pg from 'pg';
import { type Database, redact } from './database.ts';
import type { EmbeddedServer } from './embedded.ts';
import { migrate } from './migrate.ts';

// NUMERIC and bigint come back as strings (exact money); DATE stays a 'YYYY-MM-DD' string, not a JS Date
// shifted by the local time zone.
pg.types.setTypeParser(pg.types.builtins.DATE, (v) => v);

export interface OpenOptions {
  /** A postgres:// URL; default DATABASE_URL; when neither is set, the embedded default. */
  url?: string | undefined;
  /** Where the embedded default keeps its data; default BUDGET_SYNC_DATA_DIR or ./.budget-sync. */
  dataDir?: string | undefined;
  /** Apply pending migrations first (default true). */
  migrate?: boolean;
  max?: number;
}

export async function openDatabase(options: OpenOptions = {}): Promise<Database> {
  const url = options.url ?? (process.env.DATABASE_URL || undefined);
  let embedded: EmbeddedServer | undefined;
  let connectionString = url;
  if (!connectionString) {
    // Loaded only when needed: a server with DATABASE_URL never touches the embedded binaries.
    const { startEmbeddedPostgres } = await import('./embedded.ts');
    embedded = await startEmbeddedPostgres({ dataDir: options.dataDir ?? (process.env.BUDGET_SYNC_DATA_DIR || undefined) });
    connectionString = embedded.url;
  }
  const pool = new pg.Pool({ connectionString, max: options.max ?? 10 });
  // An idle client that loses its connection (server restart) must not crash the process.
  pool.on('error', () => {});
  const describe = embedded ? `the embedded database (${redact(connectionString)})` : redact(connectionString);
  const close = async () => {
    await pool.end();
    if (embedded?.startedHere) await embedded.stop();
  };
  try {
    if (options.migrate !== false) await migrate(pool);
  } catch (e) {
    await close();
    throw e;
  }
  return { pool, describe, supportsCopy: true, close };
}
