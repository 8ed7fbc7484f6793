/** The budget check: a thin call to db's checkBudget for the key's organization. */
import { checkBudget } from '@budget-sync/db';
import { departmentsOf } from '../../middleware/auth.ts';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type { CheckRoute } from './checks.routes.ts';

export const check: AppRouteHandler<CheckRoute> = async (c) => {
  const db = await c.var.database();
  return c.json(await checkBudget(db.pool, c.var.auth.orgId, c.req.valid('json'), departmentsOf(c.var.auth)), 200);
};
