/** Contract of GET /metrics: Prometheus text for operators, admin keys only. */
import { createRoute, z } from '@hono/zod-openapi';
import { guard, problems } from '../openapi/contract.ts';
import { PROMETHEUS_CONTENT_TYPE } from './prometheus.ts';

export const metrics = createRoute({
  method: 'get',
  path: '/metrics',
  operationId: 'getMetrics',
  tags: ['System'],
  summary: 'Metrics in the Prometheus text format',
  description:
    "For operators' scrapers: the organization's imports by outcome, files refused (wrong kind, validation), rows read, the " +
    'import duration over the last 30 days (p50, p95), and the latency of POST /api/budget/check measured by the answering ' +
    'process (a histogram since it started). The web console shows the same on its Health page.',
  ...guard('admin', { departments: 'filtered' }),
  responses: {
    200: { content: { [PROMETHEUS_CONTENT_TYPE]: { schema: z.string() } }, description: 'Prometheus text exposition format 0.0.4.' },
    ...problems(401, 403, 503),
  },
});
export type MetricsRoute = typeof metrics;
