/** Contract of the budget reads: the organization's lines with their consumption, and sums. */
import { createRoute, z } from '@hono/zod-openapi';
import { guard, json, problems } from '../../openapi/contract.ts';
import { MoneySchema } from '../../schemas/common.ts';

const q = (name: string, description: string, example: string) =>
  z
    .string()
    .max(200)
    .optional()
    .openapi({ param: { name, in: 'query' }, description, example });
const fiscalYear = z.coerce
  .number()
  .int()
  .min(1900)
  .max(2200)
  .optional()
  .openapi({ param: { name: 'fiscalYear', in: 'query' }, description: 'Fiscal year', example: 2026 });

const BudgetLineSchema = z
  .object({
    id: z.string(),
    department: z.string(),
    category: z.string(),
    project: z.string().nullable(),
    period: z.string(),
    periodStart: z.string(),
    periodEnd: z.string(),
    fiscalYear: z.number().int(),
    amount: MoneySchema,
    currency: z.string(),
    owner: z.string().nullable(),
    notes: z.string().nullable(),
    reserved: MoneySchema,
    committed: MoneySchema,
    actual: MoneySchema,
    available: MoneySchema,
  })
  .openapi('BudgetLine');

export const list = createRoute({
  method: 'get',
  path: '/api/budgets',
  operationId: 'listBudgets',
  tags: ['Budgets'],
  summary: 'List budget lines',
  description: 'Live lines with what each has consumed, sorted by department, category, project and period; paged by `cursor`.',
  ...guard('budget:read'),
  request: {
    query: z.object({
      fiscalYear,
      department: q('department', 'Department, case-insensitive', 'Marketing'),
      category: q('category', 'Category, case-insensitive', 'Travel'),
      period: q('period', 'Lines within this period (YYYY-MM, YYYY-Qn, FYYYYY)', '2026-Q1'),
      limit: z.coerce
        .number()
        .int()
        .min(1)
        .max(1000)
        .optional()
        .openapi({ param: { name: 'limit', in: 'query' }, description: 'Page size, 1–1000 (default 100)', example: 100 }),
      cursor: q('cursor', '`nextCursor` of the previous page', ''),
    }),
  },
  responses: {
    200: json(
      z.object({ lines: z.array(BudgetLineSchema), nextCursor: z.string().nullable() }).openapi('BudgetLinePage'),
      'A page of lines; `nextCursor` is null on the last page.',
    ),
    ...problems(400, 401, 403, 422, 503),
  },
});
export type ListRoute = typeof list;

export const summary = createRoute({
  method: 'get',
  path: '/api/budgets/summary',
  operationId: 'getBudgetSummary',
  tags: ['Budgets'],
  summary: 'Budget and consumption summed by department, category or period',
  ...guard('budget:read'),
  request: {
    query: z.object({
      by: z
        .enum(['department', 'category', 'period'])
        .default('department')
        .openapi({ param: { name: 'by', in: 'query' }, description: 'What to sum by (default department)' }),
      fiscalYear,
      period: q('period', 'Lines within this period', '2026-Q1'),
      department: q('department', 'Only this department', 'Marketing'),
    }),
  },
  responses: {
    200: json(
      z
        .object({
          rows: z.array(
            z.object({
              key: z.string(),
              budget: MoneySchema,
              reserved: MoneySchema,
              committed: MoneySchema,
              actual: MoneySchema,
              available: MoneySchema,
              utilizationPercent: z.string().openapi({ example: '42.50' }),
            }),
          ),
        })
        .openapi('BudgetSummary'),
      'One row per department, category or period.',
    ),
    ...problems(400, 401, 403, 422, 503),
  },
});
export type SummaryRoute = typeof summary;
