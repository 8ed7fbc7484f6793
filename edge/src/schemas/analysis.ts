/**
 * The analysis of a spreadsheet as the API returns it: the same object `budget-sync analyze --json`
 * prints (core/src/analysis/types.ts), described for the OpenAPI document.
 */
import { z } from '@hono/zod-openapi';
import { checkSetValues, FILE_KINDS, type FileKind, SET_EXAMPLE, SETTABLE_FIELDS, type SettableField } from '@budget-sync/core';
import { MoneySchema } from './common.ts';

export const FIELD_NAMES = ['department', 'category', 'period', 'fiscal_year', 'amount', 'currency', 'project', 'owner', 'notes'] as const;
export const FieldSchema = z.enum(FIELD_NAMES);

export const IssueSchema = z
  .object({
    severity: z.enum(['error', 'warning', 'info']),
    code: z.string().openapi({ example: 'row.total_skipped' }),
    message: z.string(),
    row: z.number().int().nullable().openapi({ description: '1-based row as the spreadsheet shows it' }),
    column: z.number().int().nullable().openapi({ description: '1-based column' }),
    field: FieldSchema.optional(),
  })
  .openapi('Issue');

/** A mapped column is a canonical field, the direction, or a further named dimension (DESIGN §3). */
const MappingFieldSchema = z.enum([...FIELD_NAMES, 'direction', 'dimension']);

/**
 * What a person may map a column to: a canonical field, `direction`, `dimension` (named after the
 * column) or `dimension:NAME`; two columns given one dimension are its code and its name.
 */
export const MappingChoiceSchema = z.union([
  MappingFieldSchema,
  z
    .string()
    .max(200)
    .regex(/^dimension:\s*\S/, 'must be a field, direction, dimension, or dimension:NAME')
    .openapi({ description: 'dimension:NAME — a further dimension by that name', example: 'dimension:fund' }),
]);

/**
 * Values the file lacks (DESIGN §3 `--set`): each checked as the CLI checks it (core's checkSetValues),
 * a wrong one refused naming its field (`set.fiscal_year`); the analysis gets them normalized (`FY2026`
 * → `2026`, `eur` → `EUR`).
 */
export const SetValuesSchema = z
  .object(
    Object.fromEntries(SETTABLE_FIELDS.map((f) => [f, z.string().max(1000).optional().openapi({ example: SET_EXAMPLE[f] })])) as Record<
      SettableField,
      z.ZodOptional<z.ZodString>
    >,
  )
  .strict()
  .superRefine((given, ctx) => {
    for (const p of checkSetValues(given, 'refuse').problems) ctx.addIssue({ code: 'custom', path: [p.field], message: p.message });
  })
  .transform((given) => checkSetValues(given, 'refuse').set)
  .openapi('SetValues', {
    description:
      "Values the file lacks, for every line: `department` (a file that is one unit's budget), `category`, `fiscal_year` (`2026` or `FY2026`: months without a year, or the first of `Year 1`, `Year 2`…), `currency` (three letters) or `direction` (`expense` or `revenue`). A value is never blank.",
    example: { department: 'Research', fiscal_year: '2026' },
  });

const WholeFileValueSchema = z.object({ value: z.string(), source: z.string() });

const MappingEntrySchema = z.object({
  field: MappingFieldSchema,
  column: z.number().int(),
  header: z.string(),
  confidence: z.number(),
  method: z.enum(['override', 'remembered', 'synonym', 'token', 'fuzzy', 'values', 'period_header']),
  reason: z.string(),
  needsConfirmation: z.boolean(),
  period: z.string().optional(),
  dimension: z.string().optional().openapi({ description: 'field "dimension": its name in each line\'s dimensions', example: 'fund' }),
  role: z.enum(['code']).optional().openapi({ description: 'the code column of a code/name twin' }),
});

const BudgetLineSchema = z.object({
  department: z.string(),
  category: z.string(),
  project: z.string().nullable(),
  period: z.string(),
  fiscalYear: z.number().int(),
  periodStart: z.string(),
  periodEnd: z.string(),
  amount: MoneySchema,
  currency: z.string(),
  owner: z.string().nullable(),
  notes: z.string().nullable(),
  sourceRow: z.number().int(),
  sourceColumn: z.number().int(),
  dimensions: z
    .record(z.string(), z.string())
    .openapi({ description: 'Further dimensions that identify the line', example: { fund: '6064' } }),
  direction: z.enum(['expense', 'revenue']),
  codes: z
    .record(z.string(), z.string())
    .optional()
    .openapi({ description: 'Codes of code/name twins', example: { department: '90411' } }),
});

export const AnalysisSchema = z
  .object({
    file: z.string(),
    format: z.string(),
    sheet: z.string().nullable(),
    sheets: z.array(z.object({ name: z.string(), hidden: z.boolean(), chosen: z.boolean(), read: z.boolean(), reason: z.string() })),
    headerRow: z.number().int().nullable(),
    headerRows: z.array(z.number().int()),
    headerReason: z.string(),
    layout: z.enum(['long', 'wide']),
    fiscalYearStartMonth: z.number().int(),
    fiscalYear: z.object({ value: z.number().int().nullable(), source: z.string().nullable() }),
    currency: z.object({ value: z.string(), source: z.string() }),
    kind: z.object({
      kind: z.enum(FILE_KINDS as [FileKind, ...FileKind[]]),
      confidence: z.number(),
      reasons: z.array(z.string()),
    }),
    mapping: z.array(MappingEntrySchema),
    ignoredColumns: z.array(z.object({ column: z.number().int(), header: z.string(), reason: z.string() })),
    lines: z.array(BudgetLineSchema),
    issues: z.array(IssueSchema),
    stats: z.object({
      rows: z.number().int(),
      lines: z.number().int(),
      total: MoneySchema,
      importable: z.boolean(),
      errors: z.number().int(),
      warnings: z.number().int(),
    }),
    notes: z.array(z.string()),
    set: z
      .record(z.string(), z.string())
      .openapi({ description: 'The values given for what the file lacks (normalized); {} when none', example: { department: 'Research' } }),
    department: WholeFileValueSchema.nullable().openapi({
      description:
        "The department of every line when no column gives it (the file is one unit's budget): what was set, or the proposal (`department.proposed`), with its source",
    }),
    category: WholeFileValueSchema.nullable().openapi({
      description:
        'The category of every line when no column gives it: what was set, or the proposal (`category.proposed`), with its source',
    }),
    direction: WholeFileValueSchema.nullable().openapi({
      description:
        'The direction (`expense` or `revenue`) of every line when no column gives it: what was set, what the sheet\'s name says (`the sheet name "Recettes"`), or `expense` with source `default`; null when a column gives each line\'s, or the sheets read say different ones',
      example: { value: 'expense', source: 'default' },
    }),
  })
  .openapi('Analysis');

export const ImportCountsSchema = z
  .object({ inserted: z.number().int(), updated: z.number().int(), unchanged: z.number().int(), removed: z.number().int() })
  .openapi('ImportCounts');
