/**
 * Vitest global setup: finds the PostgreSQL server the database tests use. DATABASE_URL names it (CI sets
 * the machine's server); without it, the embedded server is started in a scratch folder and stopped at
 * the end.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

interface Project {
  provide(key: 'postgresAdminUrl', value: string): void;
}

export default async function setup(project: Project): Promise<() => Promise<void>> {
  const url = process.env.DATABASE_URL;
  if (url) {
    project.provide('postgresAdminUrl', url);
    return async () => {};
  }
  const dataDir = join(process.cwd(), '.scratch', 'test-postgres');
  mkdirSync(dataDir, { recursive: true });
  const { startEmbeddedPostgres } = await import('../../db/src/embedded.ts');
  const server = await startEmbeddedPostgres({ dataDir });
  project.provide('postgresAdminUrl', server.url);
  return () => server.stop();
}
