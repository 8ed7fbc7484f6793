/** The health check. `SELECT 1` is a liveness probe, not domain SQL, so it is the one query a handler runs itself. */
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type { HealthRoute } from './health.routes.ts';

export const health: AppRouteHandler<HealthRoute> = async (c) => {
  const db = await c.var.database();
  await db.pool.query('SELECT 1');
  return c.json({ ok: true as const }, 200);
};
