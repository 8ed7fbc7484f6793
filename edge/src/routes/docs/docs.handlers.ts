/** The OpenAPI document (generated once, on first request) and the docs page rendered from it. */
import type { AppRouteHandler } from '../../openapi/contract.ts';
import { type ApiDocument, renderDocsPage } from './docs.page.ts';
import type { DocsPageRoute, OpenapiDocumentRoute } from './docs.routes.ts';

export function docsHandlers(document: () => ApiDocument, publicUrl?: string) {
  let page: string | undefined;
  // `servers` is the one part that depends on the request: a generated client's base URL is where the
  // document came from (behind a proxy that rewrites the host, set BUDGET_SYNC_PUBLIC_URL).
  const openapiDocument: AppRouteHandler<OpenapiDocumentRoute> = (c) => {
    const url = publicUrl ?? new URL(c.req.url).origin;
    const servers = [{ url, description: publicUrl ? 'This deployment (BUDGET_SYNC_PUBLIC_URL)' : 'The server that served this document' }];
    return c.json({ ...document(), servers } as unknown as Record<string, unknown>, 200);
  };
  const docsPage: AppRouteHandler<DocsPageRoute> = (c) => {
    page ??= renderDocsPage(document());
    return c.html(page, 200);
  };
  return { openapiDocument, docsPage };
}
