/**
 * `GET /metrics` (Prometheus text, admin key as Bearer) and the middleware that times the budget checks.
 * The route lives outside /api (where scrapers look for it), so it takes its database lease itself.
 */
import { importStatistics } from '@budget-sync/db';
import { createMiddleware } from 'hono/factory';
import type { AppDeps, AppEnv } from '../env.ts';
import { visibilityOf } from '../middleware/auth.ts';
import { databaseLease } from '../middleware/database.ts';
import type { AppRouteHandler } from '../openapi/contract.ts';
import { createRouter } from '../router.ts';
import type { LatencyRecorder, ServiceMetrics } from './latency.ts';
import * as routes from './metrics.routes.ts';
import { PROMETHEUS_CONTENT_TYPE, renderPrometheus } from './prometheus.ts';

/** The window of the duration summary (and of the console's health page). */
export const RECENT_DAYS = 30;

/** Records how long each budget check took, from the first middleware to the response; 5xx answers are not latency. */
export function timeBudgetChecks(recorder: LatencyRecorder) {
  return createMiddleware<AppEnv>(async (c, next) => {
    const started = performance.now();
    await next();
    if (c.res.status < 500) recorder.record(performance.now() - started);
  });
}

function metricsHandler(metrics: ServiceMetrics): AppRouteHandler<routes.MetricsRoute> {
  return async (c) => {
    const db = await c.var.database();
    const orgId = c.var.auth.orgId;
    // An admin limited to departments gets the figures of the imports their history shows.
    const visibleTo = visibilityOf(c.var.auth);
    const [allTime, recent] = await Promise.all([
      importStatistics(db.pool, orgId, { days: null, visibleTo }),
      importStatistics(db.pool, orgId, { days: RECENT_DAYS, visibleTo }),
    ]);
    const text = renderPrometheus({
      allTime,
      recent,
      recentDays: RECENT_DAYS,
      budgetChecks: metrics.budgetChecks.histogram(),
      unreadableUploads: metrics.unreadableUploads,
      startedAt: metrics.startedAt,
    });
    return c.text(text, 200, { 'Content-Type': PROMETHEUS_CONTENT_TYPE, 'Cache-Control': 'no-store' });
  };
}

export function metricsRouter(deps: AppDeps, metrics: ServiceMetrics) {
  const router = createRouter();
  router.use('/metrics', databaseLease(deps));
  return router.openapi(routes.metrics, metricsHandler(metrics));
}
