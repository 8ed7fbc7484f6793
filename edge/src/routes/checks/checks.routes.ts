/** Contract of the budget check: "is there budget left for this?", read-only. */
import { createRoute, z } from '@hono/zod-openapi';
import { guard, json, jsonBody, problems } from '../../openapi/contract.ts';
import { budgetQueryFields, CheckResultSchema } from '../../schemas/budget.ts';

export const CheckRequestSchema = z.object(budgetQueryFields).openapi('BudgetQuery');

export const check = createRoute({
  method: 'post',
  path: '/api/budget/check',
  operationId: 'checkBudget',
  tags: ['Budget control'],
  summary: 'Check whether there is budget for an amount',
  description:
    'Read-only: nothing is reserved. The decision follows the control level of the organization (or its override for the ' +
    'department/category): `pass`, `warn` or `fail`, with the figures of the control basis.',
  ...guard('budget:check', { departments: 'checked' }),
  request: { body: jsonBody(CheckRequestSchema, 'What would be spent, where and when.') },
  responses: { 200: json(CheckResultSchema, 'The decision and the figures.'), ...problems(400, 401, 403, 413, 415, 422, 503) },
});
export type CheckRoute = typeof check;
