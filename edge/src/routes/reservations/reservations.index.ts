/** Wiring of the reservation routes. */
import { createRouter } from '../../router.ts';
import * as handlers from './reservations.handlers.ts';
import * as routes from './reservations.routes.ts';

export const reservationsRouter = createRouter()
  .openapi(routes.reserve, handlers.reserve)
  .openapi(routes.getReservation, handlers.getReservation)
  .openapi(routes.commit, handlers.commit)
  .openapi(routes.release, handlers.release)
  .openapi(routes.actual, handlers.actual);
