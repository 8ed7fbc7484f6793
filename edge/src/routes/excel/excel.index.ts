/** Wiring of the spreadsheet endpoints. */
import { createRouter } from '../../router.ts';
import * as handlers from './excel.handlers.ts';
import * as routes from './excel.routes.ts';

export const excelRouter = createRouter()
  .openapi(routes.analyze, handlers.analyze)
  .openapi(routes.importSpreadsheet, handlers.importSpreadsheet);
