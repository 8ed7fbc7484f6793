/**
 * The request's database lease: acquired on first use (so the OpenAPI document, the docs page and 404s
 * never open a connection, which on Workers means a Neon Pool), and released once the response is made.
 */
import type { Database } from '@budget-sync/db';
import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv, DatabaseLease } from '../env.ts';

export function databaseLease(deps: AppDeps) {
  return createMiddleware<AppEnv>(async (c, next) => {
    let lease: Promise<DatabaseLease> | undefined;
    c.set('database', (): Promise<Database> => {
      lease ??= deps.database(c);
      return lease.then((l) => l.db);
    });
    try {
      await next();
    } finally {
      if (lease) {
        const held = await lease.catch(() => undefined);
        await held?.release();
      }
    }
  });
}
