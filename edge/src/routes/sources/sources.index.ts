/**
 * Wiring of the data-source routes; "sync now" needs the runtime's syncSource (Node), absent on Workers,
 * and the checks of folders and hosts the runtime's place guard (Node).
 */
import type { PlaceGuard } from '@budget-sync/db';
import { createRouter } from '../../router.ts';
import * as handlers from './sources.handlers.ts';
import * as routes from './sources.routes.ts';

export function sourcesRouter(syncSource: handlers.SyncSource | undefined, guard: PlaceGuard | undefined) {
  return createRouter()
    .openapi(routes.list, handlers.list)
    .openapi(routes.create, handlers.create(guard))
    .openapi(routes.update, handlers.update(guard))
    .openapi(routes.remove, handlers.remove)
    .openapi(routes.sync, handlers.sync(syncSource));
}
