/**
 * What the app needs from its runtime (AppDeps) and what each request carries (AppEnv). The database is
 * leased per request so that one factory fits both runtimes: Node shares one pg pool for the process,
 * Workers create a Neon Pool per request and end it with waitUntil once the response is out.
 */
import type { Authenticated, Database, KeyAuthenticator, PlaceGuard } from '@budget-sync/db';
import type { Context } from 'hono';
import type { Analyzer } from './analysis/analyzer.ts';
import type { AppConfig } from './config.ts';
import type { ConsoleOptions } from './console/options.ts';
import type { ServiceMetrics } from './metrics/latency.ts';
import type { FailureLimiter } from './middleware/auth-failures.ts';
import type { IdTokenVerifier } from './middleware/id-tokens.ts';

/** A database for the duration of one request; `release` is called once the response is produced. */
export interface DatabaseLease {
  db: Database;
  release(): Promise<void>;
}

export interface AppLogger {
  /** Unexpected failures (the 500s): the client sees only `internal`, the operator sees this. */
  error(message: string, cause: unknown): void;
}

export interface AppDeps {
  /**
   * Called at most once per request, and only by requests that touch the database (not the OpenAPI
   * document, the docs page or unknown routes).
   */
  database: (c: Context<AppEnv>) => Promise<DatabaseLease>;
  /** Parsed with parseConfig; defaults apply when omitted. */
  config?: AppConfig;
  logger?: AppLogger;
  /** The web console (edge/src/console), mounted at `/` when given. */
  console?: ConsoleOptions | undefined;
  /** What the app measures about itself (budget-check latency…); a fresh set per app when omitted. */
  metrics?: ServiceMetrics | undefined;
  /**
   * The address of the request's client, which failed authentications are counted by: the socket's peer
   * on Node (or X-Forwarded-For through trusted proxies), CF-Connecting-IP on Workers. Omitted (tests
   * calling app.request): failures are not counted per client.
   */
  clientAddress?: ((c: Context<AppEnv>) => string | undefined) | undefined;
  /**
   * Checks of a data source's place that need the file system or DNS (Node: nodePlaceGuard). Without it
   * (Workers) hosts are checked as written and organizations get no folder sources.
   */
  placeGuard?: PlaceGuard | undefined;
  /**
   * Reads and analyses uploaded files; default in the request's own thread (Workers, tests). The Node
   * server gives its pool of worker threads (analysis/pool.ts), so a slow file never stalls other requests.
   */
  analyzer?: Analyzer | undefined;
}

export interface AppEnv {
  Variables: {
    config: AppConfig;
    /** The request's database, acquired on first use. */
    database: () => Promise<Database>;
    /** Looks a presented API key up (through the app's short-lived key cache). */
    authenticate: KeyAuthenticator;
    /** The console's OpenID Connect client (discovered on first use); null: not configured. */
    oidc: (() => Promise<import('openid-client').Configuration>) | null;
    /** Verifies a Google ID token (the app's, so its JWKS cache is the process's or the isolate's); null: not configured. */
    verifyIdToken: IdTokenVerifier | null;
    /** Failed authentications per client (the app's, so the process's or the isolate's). */
    authFailures: FailureLimiter;
    /** The request's client address, when the runtime knows it (AppDeps.clientAddress). */
    clientAddress: () => string | undefined;
    /** Reads and analyses an uploaded file (AppDeps.analyzer). */
    analyzer: Analyzer;
    /** The authenticated API key or person; set by requireScope on every protected route. */
    auth: Authenticated;
  };
}
