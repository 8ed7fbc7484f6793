/** Wiring of the settings routes. */
import { createRouter } from '../../router.ts';
import * as handlers from './settings.handlers.ts';
import * as routes from './settings.routes.ts';

export const settingsRouter = createRouter()
  .openapi(routes.getSettings, handlers.getSettings)
  .openapi(routes.putSettings, handlers.putSettings);
