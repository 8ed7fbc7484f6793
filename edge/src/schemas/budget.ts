/** Schemas of budget control: the question asked (check, reserve), the answer (CheckResult) and reservations. */
import { z } from '@hono/zod-openapi';
import { AmountInputSchema, MoneySchema } from './common.ts';

const name = (what: string, example: string) => z.string().max(200).openapi({ description: what, example });

/** Further dimensions a question names: name → value or code. */
const DimensionsInputSchema = z
  .record(z.string().max(200), z.union([z.string().max(200), z.number()]))
  .nullish()
  .openapi({
    description:
      'Further dimensions (fund, program, cost centre…), name → value: the name shown or, for a code/name twin, its code. Matched trimmed and case-insensitively; lines that hold all of them count.',
    example: { fund: '6064' },
  });

/**
 * The fields of a budget question: a level (a department and any of category, project and dimensions) and
 * a period (a month, fiscal quarter or fiscal year, or a date instead).
 */
export const budgetQueryFields = {
  department: name('Department (cost center), matched case-insensitively', 'Marketing'),
  category: z.string().max(200).nullish().openapi({
    description:
      'Category (GL account, expense type), matched case-insensitively. Leave it out to ask about the roll-up of the department (or of the dimensions given).',
    example: 'Travel',
  }),
  project: z.string().max(200).nullish().openapi({
    description:
      'Project, when budgets are kept per project. With a category, none means the lines without a project; without one, any project.',
    example: null,
  }),
  dimensions: DimensionsInputSchema,
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
    line: LineRefSchema.openapi({
      description: 'The budget line the request falls on when it is one line; null for a roll-up of several (see `lines`) or none',
    }),
    lines: z.number().int().openapi({ description: 'How many expense lines the request draws on; 0 when there is no budget', example: 1 }),
    level: z
      .object({
        department: z.string(),
        category: z.string().nullable(),
        project: z.string().nullable(),
        dimensions: z.record(z.string(), z.string()),
        period: z.string(),
      })
      .openapi({ description: 'The level asked about: the names and dimensions given, and the period matched' }),
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
    category: z.string().nullable().openapi({ description: 'Null for a roll-up that named no category' }),
    project: z.string().nullable(),
    dimensions: z.record(z.string(), z.string()).openapi({ description: 'The dimensions the request named', example: { fund: '6064' } }),
    lineIds: z.array(z.string()).openapi({ description: 'A roll-up reservation: the lines it draws on (empty when held on one line)' }),
    period: z.string(),
    reference: z.string().nullable(),
    description: z.string().nullable(),
    createdAt: z.string(),
    updatedAt: z.string(),
    check: CheckResultSchema,
  })
  .openapi('Reservation');
