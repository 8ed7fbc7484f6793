/**
 * Real PostgreSQL for tests. With DATABASE_URL set (CI: the machine's server) every test file gets its own
 * freshly migrated database on that server; without it, the global setup starts the embedded server
 * once and the databases are made there. Databases are dropped when the file's tests end.
 */
import { randomBytes } from 'node:crypto';
import type { Database } from '@budget-sync/db';
import { openDatabase } from '@budget-sync/db/node';
import pg from 'pg';
import { afterAll, inject } from 'vitest';

declare module 'vitest' {
  export interface ProvidedContext {
    postgresAdminUrl: string;
  }
}

export function adminUrl(): string {
  return inject('postgresAdminUrl');
}

export function urlForDatabase(name: string, admin = adminUrl()): string {
  const u = new URL(admin);
  u.pathname = `/${name}`;
  return u.toString();
}

/** `server`: the admin URL, for callers outside a test file (a global setup cannot `inject`). */
export async function createDatabase(server = adminUrl()): Promise<{ name: string; url: string }> {
  const name = `bs_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${name}`);
  } finally {
    await admin.end();
  }
  return { name, url: urlForDatabase(name, server) };
}

export async function dropDatabase(name: string, server = adminUrl()): Promise<void> {
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  } finally {
    await admin.end();
  }
}

/** A migrated database of its own for the calling test file, dropped after its tests. */
export async function freshDatabase(options: { max?: number } = {}): Promise<Database & { name: string; url: string }> {
  const { name, url } = await createDatabase();
  const db = await openDatabase({ url, ...(options.max ? { max: options.max } : {}) });
  afterAll(async () => {
    await db.close();
    await dropDatabase(name);
  });
  return Object.assign(db, { name, url });
}
