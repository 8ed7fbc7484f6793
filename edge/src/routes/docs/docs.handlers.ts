/** The OpenAPI document (generated once, on first request) and the docs page rendered from it. */
import type { AppRouteHandler } from '../../openapi/contract.ts';
import { type ApiDocument, renderDocsPage } from './docs.page.ts';
import type { DocsPageRoute, OpenapiDocumentRoute } from './docs.routes.ts';

export function docsHandlers(document: () => ApiDocument) {
  let page: string | undefined;
  const openapiDocument: AppRouteHandler<OpenapiDocumentRoute> = (c) => c.json(document() as unknown as Record<string, unknown>, 200);
  const docsPage: AppRouteHandler<DocsPageRoute> = (c) => {
    page ??= renderDocsPage(document());
    return c.html(page, 200);
  };
  return { openapiDocument, docsPage };
}
