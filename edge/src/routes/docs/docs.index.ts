/** Wiring of the documentation routes; the document comes from the app they are mounted on. */
import { createRouter } from '../../router.ts';
import type { ApiDocument } from './docs.page.ts';
import { docsHandlers } from './docs.handlers.ts';
import * as routes from './docs.routes.ts';

export function docsRouter(document: () => ApiDocument) {
  const handlers = docsHandlers(document);
  return createRouter().openapi(routes.openapiDocument, handlers.openapiDocument).openapi(routes.docsPage, handlers.docsPage);
}
