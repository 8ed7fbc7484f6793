/** Contract of the documentation: the OpenAPI 3.1 document and a human-readable page made from it (both public). */
import { createRoute, z } from '@hono/zod-openapi';
import { json, open } from '../../openapi/contract.ts';

export const openapiDocument = createRoute({
  method: 'get',
  path: '/api/openapi.json',
  operationId: 'getOpenApiDocument',
  tags: ['System'],
  summary: 'This API as an OpenAPI 3.1 document',
  description: 'No authentication. Generated from the same zod schemas that validate the requests.',
  ...open,
  responses: { 200: json(z.record(z.string(), z.unknown()), 'The OpenAPI document.') },
});
export type OpenapiDocumentRoute = typeof openapiDocument;

export const docsPage = createRoute({
  method: 'get',
  path: '/api/docs',
  operationId: 'getApiDocs',
  tags: ['System'],
  summary: 'Human-readable API documentation',
  description:
    'No authentication. Every operation of the OpenAPI document, its scope, parameters, body and responses, and the error codes.',
  ...open,
  responses: { 200: { content: { 'text/html': { schema: z.string() } }, description: 'An HTML page.' } },
});
export type DocsPageRoute = typeof docsPage;
