/** Budget reads: thin calls to db's listBudgets and budgetSummary for the key's organization. */
import { budgetSummary, listBudgets } from '@budget-sync/db';
import { departmentsOf } from '../../middleware/auth.ts';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type { ListRoute, SummaryRoute } from './budgets.routes.ts';

/** Drops unset filters: the services treat a present-but-undefined key like a given one in places. */
function defined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined && v !== '')) as Partial<T>;
}

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const db = await c.var.database();
  return c.json(
    await listBudgets(db.pool, c.var.auth.orgId, { ...defined(c.req.valid('query')), departments: departmentsOf(c.var.auth) }),
    200,
  );
};

export const summary: AppRouteHandler<SummaryRoute> = async (c) => {
  const { by, ...filters } = c.req.valid('query');
  const db = await c.var.database();
  return c.json(await budgetSummary(db.pool, c.var.auth.orgId, { by, ...defined(filters), departments: departmentsOf(c.var.auth) }), 200);
};
