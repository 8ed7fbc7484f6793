/**
 * Vitest global setup: finds the PostgreSQL server the database tests use. DATABASE_URL names it (CI sets
 * the machine's server); without it, the embedded server is started in a scratch folder and stopped at
 * the end.
 *
 * Both test projects (Node and workerd) list this file, and vitest runs each project's global setup
 * separately in the one main process: the server is shared through globalThis and stopped by the last
 * project to finish, so there is one embedded server per run, not one per project.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';

interface Project {
  provide(key: 'postgresAdminUrl', value: string): void;
}

interface Shared {
  url: Promise<string>;
  users: number;
  stop(): Promise<void>;
}

const SHARED = Symbol.for('budget-sync.test-postgres');
type WithShared = typeof globalThis & { [SHARED]?: Shared };

function start(): Shared {
  const url = process.env.DATABASE_URL;
  if (url) return { url: Promise.resolve(url), users: 0, stop: async () => {} };
  const dataDir = join(process.cwd(), '.scratch', 'test-postgres');
  mkdirSync(dataDir, { recursive: true });
  const server = import('../../db/src/embedded.ts').then(({ startEmbeddedPostgres }) => startEmbeddedPostgres({ dataDir }));
  return { url: server.then((s) => s.url), users: 0, stop: async () => (await server).stop() };
}

export default async function setup(project: Project): Promise<() => Promise<void>> {
  const g = globalThis as WithShared;
  g[SHARED] ??= start();
  const shared = g[SHARED];
  shared.users++;
  project.provide('postgresAdminUrl', await shared.url);
  return async () => {
    if (--shared.users > 0) return;
    delete g[SHARED];
    await shared.stop();
  };
}
