/** Wiring of the import history; `history` is registered before `{id}` so the word is never taken for an id. */
import { createRouter } from '../../router.ts';
import * as handlers from './imports.handlers.ts';
import * as routes from './imports.routes.ts';

export const importsRouter = createRouter()
  .openapi(routes.history, handlers.history)
  .openapi(routes.getImport, handlers.getImport)
  .openapi(routes.revert, handlers.revert);
