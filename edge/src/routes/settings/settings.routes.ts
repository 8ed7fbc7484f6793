/** Contract of the budget control settings of the caller's organization (DESIGN §2, Control). */
import { TOLERANCE_RULE } from '@budget-sync/core';
import { createRoute, z } from '@hono/zod-openapi';
import { guard, json, jsonBody, problems } from '../../openapi/contract.ts';
import { AmountInputSchema, MoneySchema } from '../../schemas/common.ts';

const LEVELS = ['block', 'warn', 'track'] as const;
const PercentInput = z
  .union([z.string().max(20), z.number()])
  .transform((v) => (typeof v === 'number' ? String(v) : v))
  .openapi({ description: 'Percent of the budget, 0–100, at most 4 decimals', example: '2.5' });

const OverrideSchema = z
  .object({
    department: z.string().max(200).nullable(),
    category: z.string().max(200).nullable(),
    controlLevel: z.enum(LEVELS).nullable(),
    tolerancePercent: z.string().nullable(),
    toleranceAmount: MoneySchema.nullable(),
  })
  .openapi('ControlOverride');

export const SettingsSchema = z
  .object({
    controlLevel: z.enum(LEVELS),
    tolerancePercent: z.string().openapi({ example: '2.5', description: `Percent of the budget ("0": none). ${TOLERANCE_RULE}` }),
    toleranceAmount: MoneySchema.openapi({ description: `Amount ("0.00": none). ${TOLERANCE_RULE}` }),
    missingBudget: z.enum(['fail', 'warn']),
    controlBasis: z.enum(['period', 'ytd', 'annual']).openapi({
      description:
        "What a check compares with: the matched line alone (period), or the lines of its fiscal year up to its end (ytd) or all of them (annual) — of the matched line's granularity (months, quarters or years) only.",
    }),
    fiscalYearStartMonth: z.number().int(),
    overrides: z.array(OverrideSchema),
    updatedBy: z
      .string()
      .nullable()
      .openapi({ description: "Who changed the settings last: a person's email or an API key's name; null until someone does." }),
    updatedAt: z.string().nullable().openapi({ description: 'When they were changed last (ISO 8601).' }),
  })
  .openapi('ControlSettings');

const OverrideInput = z.strictObject({
  department: z.string().max(200).nullish(),
  category: z.string().max(200).nullish(),
  controlLevel: z.enum(LEVELS).nullish(),
  tolerancePercent: PercentInput.nullish(),
  toleranceAmount: AmountInputSchema.nullish(),
});

export const SettingsPatchSchema = z
  .strictObject({
    controlLevel: z.enum(LEVELS).optional(),
    tolerancePercent: PercentInput.optional(),
    toleranceAmount: AmountInputSchema.optional(),
    missingBudget: z.enum(['fail', 'warn']).optional(),
    controlBasis: z.enum(['period', 'ytd', 'annual']).optional(),
    fiscalYearStartMonth: z.number().int().optional(),
    overrides: z.array(OverrideInput).max(1000).optional().openapi({ description: 'Replaces the whole list; [] removes them all.' }),
  })
  .openapi('ControlSettingsPatch', { description: 'Only the given settings change.' });

export const getSettings = createRoute({
  method: 'get',
  path: '/api/settings',
  operationId: 'getSettings',
  tags: ['Settings'],
  summary: 'Read the budget control settings',
  ...guard('budget:read', { departments: 'filtered' }),
  responses: { 200: json(SettingsSchema, "The organization's settings."), ...problems(401, 403, 503) },
});
export type GetSettingsRoute = typeof getSettings;

export const putSettings = createRoute({
  method: 'put',
  path: '/api/settings',
  operationId: 'updateSettings',
  tags: ['Settings'],
  summary: 'Change the budget control settings',
  description:
    'Control level, tolerance, what to do without a budget line, control basis, fiscal-year start and the per department/category ' +
    'overrides. Values are validated together; all problems come back in one `input.invalid` (422) with `problems`.',
  ...guard('admin', { departments: 'whole-org' }),
  request: { body: jsonBody(SettingsPatchSchema, 'The settings to change.') },
  responses: { 200: json(SettingsSchema, 'The settings after the change.'), ...problems(400, 401, 403, 415, 422, 503) },
});
export type PutSettingsRoute = typeof putSettings;
