/** Wiring of the budget check. */
import { createRouter } from '../../router.ts';
import * as handlers from './checks.handlers.ts';
import * as routes from './checks.routes.ts';

export const checksRouter = createRouter().openapi(routes.check, handlers.check);
