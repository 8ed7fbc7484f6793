/** Wiring of the data-source routes; "sync now" needs the runtime's syncSource (Node), absent on Workers. */
import { createRouter } from '../../router.ts';
import * as handlers from './sources.handlers.ts';
import * as routes from './sources.routes.ts';

export function sourcesRouter(syncSource: handlers.SyncSource | undefined) {
  return createRouter()
    .openapi(routes.list, handlers.list)
    .openapi(routes.create, handlers.create)
    .openapi(routes.update, handlers.update)
    .openapi(routes.remove, handlers.remove)
    .openapi(routes.sync, handlers.sync(syncSource));
}
