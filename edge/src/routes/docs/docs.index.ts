/** Wiring of the documentation routes; the document comes from the app they are mounted on. */
import { createRouter } from '../../router.ts';
import type { ApiDocument } from './docs.page.ts';
import { docsHandlers } from './docs.handlers.ts';
import * as routes from './docs.routes.ts';

/** `publicUrl`: the API's address for the document's `servers`; each request's own origin when unset. */
export function docsRouter(document: () => ApiDocument, publicUrl?: string) {
  const handlers = docsHandlers(document, publicUrl);
  return createRouter().openapi(routes.openapiDocument, handlers.openapiDocument).openapi(routes.docsPage, handlers.docsPage);
}
