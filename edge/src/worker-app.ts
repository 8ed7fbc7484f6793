/**
 * The app the Cloudflare Workers entry (worker.ts) serves: the same app as on Node, with a database made
 * per request. A Workers isolate cannot share sockets between requests, so each request that touches the
 * database gets its own Neon Pool (WebSockets to Neon, or to a local proxy in tests), ended after the
 * response with waitUntil. The Neon driver has no COPY, so imports take the unnest path (supportsCopy false).
 *
 * Bindings: DATABASE_URL (a secret: Neon's pooled connection string), the BUDGET_SYNC_* config vars, and
 * NEON_WS_PROXY only for local runs and tests (`host:port/path` of a WebSocket→TCP proxy, no TLS).
 * Failed authentications are counted per CF-Connecting-IP, in this isolate's memory (README: rate limits).
 */
import type { Database } from '@budget-sync/db';
import { neonConfig, Pool, types } from '@neondatabase/serverless';
import type { Context } from 'hono';
import type pg from 'pg';
import { createApp } from './app.ts';
import { parseConfig } from './config.ts';
import type { AppEnv, AppLogger, DatabaseLease } from './env.ts';

export interface WorkerEnv {
  DATABASE_URL?: string;
  NEON_WS_PROXY?: string;
  BUDGET_SYNC_MAX_BODY_BYTES?: string;
  BUDGET_SYNC_MAX_FILE_ROWS?: string;
  BUDGET_SYNC_AUTH_CACHE_SECONDS?: string;
  BUDGET_SYNC_AUTH_FAILURE_LIMIT?: string;
  BUDGET_SYNC_AUTH_FAILURE_WINDOW_SECONDS?: string;
  BUDGET_SYNC_GOOGLE_CLIENT_IDS?: string;
  BUDGET_SYNC_GOOGLE_ISSUER?: string;
  BUDGET_SYNC_GOOGLE_JWKS_URL?: string;
  BUDGET_SYNC_GOOGLE_JWKS_COOLDOWN_SECONDS?: string;
}

export const logger: AppLogger = { error: (message, cause) => console.error(message, cause) };

// Same as db/src/connection.ts does for node-postgres: DATE stays 'YYYY-MM-DD' text, not a JS Date
// shifted by the time zone. Neon bundles its own copy of pg-types, so it needs its own setting.
const DATE_OID = 1082;
types.setTypeParser(DATE_OID, (v: string) => v);

/** Points the Neon driver at a plain-ws proxy in front of a local Postgres (miniflare, the tests). */
function useLocalProxy(proxy: string): void {
  neonConfig.wsProxy = (host, port) => `${proxy}?address=${host}:${port}`;
  neonConfig.useSecureWebSocket = false;
  // The proxy speaks to a Postgres without TLS, so there is nothing to pipeline the TLS handshake with,
  // and a trust/password auth exchange is not the cleartext-password one pipelineConnect assumes.
  neonConfig.pipelineTLS = false;
  neonConfig.pipelineConnect = false;
}

function neonDatabase(env: WorkerEnv): (c: Context<AppEnv>) => Promise<DatabaseLease> {
  const url = env.DATABASE_URL;
  return async (c) => {
    if (!url) throw new Error('DATABASE_URL is not set: run `npx wrangler secret put DATABASE_URL` with the Neon connection string.');
    const pool = new Pool({ connectionString: url });
    // An idle client losing its socket must not become an uncaught error; the query that needed it fails on its own.
    pool.on('error', (e: Error) => logger.error('database pool error:', e));
    let ended: Promise<void> | undefined;
    const end = () => {
      ended ??= pool.end();
      return ended;
    };
    const db: Database = {
      // Neon's Pool is node-postgres' API over WebSockets; the services only use that API.
      pool: pool as unknown as pg.Pool,
      describe: 'Neon (DATABASE_URL)',
      supportsCopy: false,
      close: end,
    };
    return {
      db,
      // Closing the sockets must not hold the response back, but must not be cut off either.
      release: async () => c.executionCtx.waitUntil(end()),
    };
  };
}

/** The app the Worker serves for these bindings (once per isolate; tests build one with other settings). */
export function workerApp(env: WorkerEnv) {
  if (env.NEON_WS_PROXY) useLocalProxy(env.NEON_WS_PROXY);
  return createApp({
    database: neonDatabase(env),
    config: parseConfig(env as Record<string, unknown>),
    logger,
    // Cloudflare sets it to the address the request came from; a client cannot. X-Forwarded-For can be, and is never read.
    clientAddress: (c) => c.req.header('cf-connecting-ip'),
  });
}
