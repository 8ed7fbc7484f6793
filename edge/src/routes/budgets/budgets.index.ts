/** Wiring of the budget reads; the summary is registered first so "summary" is never taken for something else. */
import { createRouter } from '../../router.ts';
import * as handlers from './budgets.handlers.ts';
import * as routes from './budgets.routes.ts';

export const budgetsRouter = createRouter().openapi(routes.summary, handlers.summary).openapi(routes.list, handlers.list);
