/**
 * createApp: the one Hono app the Workers entry, the Node entry and the tests all run, so the tests
 * exercise exactly the production middleware stack: body limit → database lease → (per route) auth and
 * body parsing → zod validation → handler; errors of any layer become problem+json in `onError`.
 */
import { cachedKeyAuthenticator } from '@budget-sync/db';
import { OpenAPIHono } from '@hono/zod-openapi';
import { analyzeInProcess } from './analysis/analyzer.ts';
import { DEFAULT_CONFIG } from './config.ts';
import { consoleRouter } from './console/console.index.ts';
import { oidcClient } from './console/oidc.ts';
import type { AppDeps, AppEnv } from './env.ts';
import { createServiceMetrics } from './metrics/latency.ts';
import { metricsRouter, timeBudgetChecks } from './metrics/metrics.index.ts';
import { FailureLimiter } from './middleware/auth-failures.ts';
import { idTokenVerifier } from './middleware/id-tokens.ts';
import { limitBody } from './middleware/body.ts';
import { databaseLease } from './middleware/database.ts';
import { ApiProblem, problemResponse, toProblem } from './problems.ts';
import { budgetsRouter } from './routes/budgets/budgets.index.ts';
import { checksRouter } from './routes/checks/checks.index.ts';
import type { ApiDocument } from './routes/docs/docs.page.ts';
import { docsRouter } from './routes/docs/docs.index.ts';
import { excelRouter } from './routes/excel/excel.index.ts';
import { healthRouter } from './routes/health/health.index.ts';
import { importsRouter } from './routes/imports/imports.index.ts';
import { sourcesRouter } from './routes/sources/sources.index.ts';
import { reservationsRouter } from './routes/reservations/reservations.index.ts';
import { settingsRouter } from './routes/settings/settings.index.ts';
import { usersRouter } from './routes/users/users.index.ts';

export const API_VERSION = '0.1.0';

const DESCRIPTION =
  'Budget Sync: import departmental budgets from spreadsheets and answer "is there budget left?" in real time. ' +
  'Authenticate with `Authorization: Bearer <api key>`; each key belongs to one organization and carries scopes ' +
  '(`budget:read`, `budget:check`, `budget:reserve`, `imports:read`, `imports:write`, `sources:admin`, `admin`, which implies all). ' +
  'Money is exact decimal text. Errors are `application/problem+json` with a stable `code`.';

/** Budget Sync is not open source: the document names its licence as an SPDX LicenseRef (the README says so). */
const LICENSE = { name: 'Budget Sync proprietary licence', identifier: 'LicenseRef-Budget-Sync-Proprietary' };

export function createApp(deps: AppDeps): OpenAPIHono<AppEnv> {
  const config = deps.config ?? DEFAULT_CONFIG;
  const logger = deps.logger ?? { error: (message: string, cause: unknown) => console.error(message, cause) };
  const metrics = deps.metrics ?? createServiceMetrics();
  const analyzer = deps.analyzer ?? analyzeInProcess;
  const app = new OpenAPIHono<AppEnv>();

  // One key cache per app: in Node that is the process, on Workers the isolate.
  const authenticate = cachedKeyAuthenticator({ ttlMs: config.authCacheMs });
  // Likewise one count of failed authentications, shared by the API and the console's sign-in.
  const authFailures = new FailureLimiter({ limit: config.authFailureLimit, windowMs: config.authFailureWindowMs });
  // One JWKS cache per app too: a verified ID token costs a JWKS fetch once per key rotation, not per request.
  const verifyIdToken = idTokenVerifier(config.googleIdTokens);
  const oidc = config.oidc ? oidcClient(config.oidc) : null;

  app.use('*', async (c, next) => {
    c.set('config', config);
    c.set('authenticate', authenticate);
    c.set('authFailures', authFailures);
    c.set('verifyIdToken', verifyIdToken);
    c.set('oidc', oidc);
    c.set('clientAddress', () => deps.clientAddress?.(c));
    c.set('analyzer', analyzer);
    await next();
  });
  app.use('/api/*', limitBody(config.maxBodyBytes));
  app.use('/api/*', databaseLease(deps));
  app.use('/api/budget/check', timeBudgetChecks(metrics.budgetChecks));

  app.route('/', healthRouter);
  app.route('/', settingsRouter);
  app.route('/', checksRouter);
  app.route('/', reservationsRouter);
  app.route('/', budgetsRouter);
  app.route('/', excelRouter);
  app.route('/', importsRouter);
  app.route('/', sourcesRouter(deps.console?.syncSource, deps.placeGuard));
  app.route('/', usersRouter);

  app.openAPIRegistry.registerComponent('securitySchemes', 'bearerAuth', {
    type: 'http',
    scheme: 'bearer',
    description:
      'An API key (`bsk_…`), made with `budget-sync orgs create` or `budget-sync keys create`; or a Google ID token of a person ' +
      '(the Sheets add-on), when the server accepts them (BUDGET_SYNC_GOOGLE_CLIENT_IDS). A person in several organizations names one in `X-Budget-Sync-Org`.',
  });
  let document: ApiDocument | undefined;
  app.route(
    '/',
    docsRouter(() => {
      document ??= app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: { title: 'Budget Sync API', version: API_VERSION, description: DESCRIPTION, license: LICENSE },
      }) as unknown as ApiDocument;
      return document;
    }, config.publicUrl),
  );

  app.route('/', metricsRouter(deps, metrics));
  if (deps.console) app.route('/', consoleRouter({ ...deps, config }, deps.console, metrics));

  app.notFound((c) => {
    throw new ApiProblem(404, 'route.not_found', `There is no operation ${c.req.method} ${c.req.path}. See /api/docs for the list.`);
  });
  app.onError((err, c) => {
    const p = toProblem(err);
    if (p.unexpected) logger.error(`${c.req.method} ${c.req.path} failed:`, err);
    return problemResponse(p);
  });
  return app;
}
