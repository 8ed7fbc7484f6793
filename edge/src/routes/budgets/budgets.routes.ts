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

/**
 * Dimension filters as one JSON object in the query (`dimensions={"fund":"6064"}`, URL-encoded): names are
 * free (fund, program, entity…), so they travel as one documented parameter instead of one per name.
 */
const dimensionsFilter = z
  .string()
  .max(2000)
  .optional()
  .transform((text, ctx) => {
    if (text === undefined || text.trim() === '') return undefined;
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch {
      value = null;
    }
    const ok =
      value !== null &&
      typeof value === 'object' &&
      !Array.isArray(value) &&
      Object.values(value as Record<string, unknown>).every((v) => typeof v === 'string' || typeof v === 'number');
    if (!ok) {
      ctx.addIssue({ code: 'custom', message: 'dimensions must be a JSON object of names and values, such as {"fund":"6064"}' });
      return z.NEVER;
    }
    return Object.fromEntries(Object.entries(value as Record<string, string | number>).map(([k, v]) => [k, String(v)]));
  })
  .openapi({
    param: { name: 'dimensions', in: 'query' },
    description:
      'Only lines holding all these dimensions: a JSON object, name → value or code, matched trimmed and case-insensitively (URL-encode it)',
    example: '{"fund":"6064"}',
  });
const direction = z
  .enum(['expense', 'revenue'])
  .optional()
  .openapi({ param: { name: 'direction', in: 'query' }, description: 'Only expense or only revenue lines' });

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
    dimensions: z
      .record(z.string(), z.string())
      .openapi({ description: 'Further dimensions, name → value shown; {} when none', example: { fund: 'General Fund' } }),
    codes: z
      .record(z.string(), z.string())
      .nullable()
      .openapi({ description: 'Codes of code/name twins (name → code)', example: { fund: '6064' } }),
    direction: z.enum(['expense', 'revenue']).openapi({ description: 'Revenue lines are reported, never consumed by a check' }),
  })
  .openapi('BudgetLine');

export const list = createRoute({
  method: 'get',
  path: '/api/budgets',
  operationId: 'listBudgets',
  tags: ['Budgets'],
  summary: 'List budget lines',
  description: 'Live lines with what each has consumed, sorted by department, category, project and period; paged by `cursor`.',
  ...guard('budget:read', { departments: 'filtered' }),
  request: {
    query: z.object({
      fiscalYear,
      department: q('department', 'Department, case-insensitive', 'Marketing'),
      category: q('category', 'Category, case-insensitive', 'Travel'),
      period: q('period', 'Lines within this period (YYYY-MM, YYYY-Qn, FYYYYY)', '2026-Q1'),
      dimensions: dimensionsFilter,
      direction,
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
  summary: 'Budget and consumption summed by department, category, period or dimension; expense and revenue apart',
  ...guard('budget:read', { departments: 'filtered' }),
  request: {
    query: z.object({
      by: z
        .enum(['department', 'category', 'period', 'dimension'])
        .default('department')
        .openapi({ param: { name: 'by', in: 'query' }, description: 'What to sum by (default department); `dimension` needs `dimension`' }),
      dimension: q('dimension', 'With by=dimension: the dimension to sum by', 'fund'),
      fiscalYear,
      period: q('period', 'Lines within this period', '2026-Q1'),
      department: q('department', 'Only this department', 'Marketing'),
      category: q('category', 'Only this category', 'Travel'),
      dimensions: dimensionsFilter,
      direction,
    }),
  },
  responses: {
    200: json(
      z
        .object({
          rows: z.array(
            z.object({
              key: z.string(),
              direction: z
                .enum(['expense', 'revenue'])
                .openapi({ description: 'Revenue rows come after the expense rows, never summed into them' }),
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
      'One row per department, category, period or dimension value, and direction.',
    ),
    ...problems(400, 401, 403, 422, 503),
  },
});
export type SummaryRoute = typeof summary;
