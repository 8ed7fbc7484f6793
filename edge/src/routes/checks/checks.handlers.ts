/** The budget check: a thin call to db's checkBudget for the key's organization. */
import { checkBudget } from '@budget-sync/db';
import { departmentsOf } from '../../middleware/auth.ts';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type { CheckRoute } from './checks.routes.ts';

export const check: AppRouteHandler<CheckRoute> = async (c) => {
  // c.get, not c.var: c.var copies every variable of the request into a new object on each use.
  const db = await c.get('database')();
  const auth = c.get('auth');
  return c.json(await checkBudget(db.pool, auth.orgId, c.req.valid('json'), departmentsOf(auth)), 200);
};
