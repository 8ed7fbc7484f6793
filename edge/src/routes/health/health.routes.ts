/** Contract of the health check: public, answers once the database does. */
import { createRoute, z } from '@hono/zod-openapi';
import { json, open, problem } from '../../openapi/contract.ts';

export const health = createRoute({
  method: 'get',
  path: '/api/health',
  operationId: 'getHealth',
  tags: ['System'],
  summary: 'Health check',
  description: 'No authentication. Answers `{ok: true}` once the database answers `SELECT 1`.',
  ...open,
  responses: {
    200: json(z.object({ ok: z.literal(true) }).openapi('Health'), 'The API and its database answer.'),
    503: problem('The database cannot be reached: `db.unavailable`.'),
  },
});
export type HealthRoute = typeof health;
