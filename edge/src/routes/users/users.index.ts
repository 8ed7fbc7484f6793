/** Wiring of the people routes. */
import { createRouter } from '../../router.ts';
import * as handlers from './users.handlers.ts';
import * as routes from './users.routes.ts';

export const usersRouter = createRouter()
  .openapi(routes.me, handlers.me)
  .openapi(routes.list, handlers.list)
  .openapi(routes.history, handlers.history)
  .openapi(routes.add, handlers.add)
  .openapi(routes.change, handlers.change)
  .openapi(routes.remove, handlers.remove)
  .openapi(routes.listKeys, handlers.listKeys)
  .openapi(routes.createKey, handlers.createKey);
