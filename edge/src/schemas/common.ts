/**
 * Schemas shared by several resources: the problem document, money in and out, path ids. Rule of thumb
 * for the status codes: a request of the wrong SHAPE (types, missing fields) is 400 `request.invalid`,
 * decided here by zod; a well-shaped request with a VALUE the domain refuses (an amount with 3 decimals,
 * an unknown period) is 422 with the domain's code, decided by the services in db/ and core/.
 */
import { z } from '@hono/zod-openapi';

export const ProblemSchema = z
  .looseObject({
    type: z.string().openapi({ example: '/api/docs#problem-budget.insufficient' }),
    title: z.string().openapi({ example: 'Conflict' }),
    status: z.number().int().openapi({ example: 409 }),
    code: z.string().openapi({ example: 'budget.insufficient', description: 'Stable machine-readable code; see the docs page.' }),
    detail: z.string().openapi({ example: 'Only USD 200.00 is available for Marketing / Travel / 2026-03.' }),
  })
  .openapi('Problem', {
    description: 'RFC 9457 problem details with a stable `code`. Extra members depend on the code (`errors`, `check`, `conflicts`, …).',
  });

/** Money leaving the API: exact decimal text, never a float. */
export const MoneySchema = z.string().openapi({ description: 'Exact decimal amount as text', example: '1250.00' });

/**
 * JSON numbers with up to 15 significant digits survive the trip through a double exactly (their
 * shortest string form is the literal), so they are converted through String(); larger amounts must be
 * sent as text. Whether the value is a valid amount (positive, ≤ 2 decimals) is the service's call (422).
 */
const EXACT_NUMBER_LIMIT = 1e13;

export const AmountInputSchema = z
  .union([z.string().max(40), z.number()], { error: 'expected a decimal string such as "1250.00" or a JSON number' })
  .refine((v) => typeof v === 'string' || (Number.isFinite(v) && Math.abs(v) < EXACT_NUMBER_LIMIT), {
    message: 'amounts of 10,000,000,000,000 or more must be sent as a decimal string, such as "12500000000000.00"',
  })
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .openapi({
    description:
      'A positive amount with at most 2 decimals, as the importer reads one: text ("1250.00", "1,250.00", "$1,250", "1.250,00 €") or a JSON number (1250.5). A currency written in it is the request\'s currency.',
    example: '1250.00',
  });

export function idParam(description: string) {
  return z.object({
    id: z
      .string()
      .max(100)
      .openapi({ param: { name: 'id', in: 'path' }, description, example: '0197c3b2-5b4e-7c1a-9d10-2f6a1b3c4d5e' }),
  });
}
