/** Schemas of budget control: the question asked (check, reserve), the answer (CheckResult) and reservations. */
import { z } from '@hono/zod-openapi';
import { AmountInputSchema, MoneySchema } from './common.ts';

const name = (what: string, example: string) => z.string().max(200).openapi({ description: what, example });

/** The fields of a budget question; the period is a month, fiscal quarter, fiscal year, or a date instead. */
export const budgetQueryFields = {
  department: name('Department (cost center), matched case-insensitively', 'Marketing'),
  category: name('Category (GL account, expense type), matched case-insensitively', 'Travel'),
  project: z.string().max(200).nullish().openapi({ description: 'Project, when budgets are kept per project', example: null }),
  period: z.string().max(40).optional().openapi({
    description: 'YYYY-MM, YYYY-Qn (fiscal quarter) or FYYYYY. Give this or `date`; neither means today (UTC).',
    example: '2026-03',
  }),
  date: z.string().max(40).optional().openapi({ description: 'YYYY-MM-DD, instead of `period`', example: '2026-03-15' }),
  amount: AmountInputSchema,
  currency: z.string().max(10).optional().openapi({ description: "ISO code; must be the budget line's currency", example: 'USD' }),
};

const LineRefSchema = z.object({ id: z.string(), period: z.string() }).nullable();

export const CheckResultSchema = z
  .object({
    decision: z.enum(['pass', 'warn', 'fail']),
    controlLevel: z.enum(['block', 'warn', 'track']),
    basis: z.enum(['period', 'ytd', 'annual']),
    budget: MoneySchema,
    reserved: MoneySchema,
    committed: MoneySchema,
    actual: MoneySchema,
    available: MoneySchema,
    availableAfter: MoneySchema,
    tolerance: MoneySchema,
    currency: z.string().openapi({ example: 'USD' }),
    line: LineRefSchema.openapi({ description: 'The budget line the request falls on; null when there is none' }),
    message: z.string(),
  })
  .openapi('CheckResult');

export const ReservationSchema = z
  .object({
    id: z.string(),
    status: z.enum(['held', 'partly_committed', 'committed', 'released', 'closed']),
    amount: MoneySchema.openapi({ description: 'The amount first reserved' }),
    reserved: MoneySchema,
    committed: MoneySchema,
    actual: MoneySchema,
    currency: z.string(),
    decision: z.enum(['pass', 'warn']),
    line: LineRefSchema,
    department: z.string(),
    category: z.string(),
    project: z.string().nullable(),
    period: z.string(),
    reference: z.string().nullable(),
    description: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    check: CheckResultSchema,
  })
  .openapi('Reservation');
