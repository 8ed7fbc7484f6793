/**
 * Contract of the spreadsheet endpoints. Both take the spreadsheet either as a multipart upload (field
 * `file`: xlsx, xls, csv, tsv) or as JSON sheet values exactly as Google Sheets returns them
 * (`getValues()` / `getDisplayValues()`). Analyze previews (analysis + diff against the stored budget,
 * nothing written); import applies in one transaction and records history. Bodies may be
 * `Content-Encoding: gzip` (the add-on sends big sheets so); the size limit holds for the decoded body.
 */
import { createRoute, z } from '@hono/zod-openapi';
import { guard, json, problem, problems } from '../../openapi/contract.ts';
import { AnalysisSchema, ImportCountsSchema, IssueSchema, MappingChoiceSchema, SetValuesSchema } from '../../schemas/analysis.ts';
import { MoneySchema } from '../../schemas/common.ts';

const MappingOverridesSchema = z.record(z.string().max(500), MappingChoiceSchema.nullable()).openapi({
  description:
    'Column header → budget field, `direction`, `dimension` (named after the column) or `dimension:NAME` (two columns given one dimension are its code and its name), or null to ignore the column. Wins over detection; remembered for the organization once an import goes ahead.',
  example: { Zorgl: 'amount', 'Fund Code': 'dimension:fund', 'Fund Name': 'dimension:fund', Side: 'direction', Comments: null },
});

/** A form field holding JSON (multipart cannot nest objects). */
const jsonText = <T extends z.ZodType>(schema: T, description: string) =>
  z
    .string()
    .transform((text, ctx): unknown => {
      try {
        return JSON.parse(text);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'must be JSON text' });
        return z.NEVER;
      }
    })
    .pipe(schema)
    .openapi({ type: 'string', description });

const formFlag = (description: string) =>
  z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional()
    .openapi({ type: 'string', enum: ['true', 'false'], description });

const FileField = z
  .custom<File>((v) => typeof File !== 'undefined' && v instanceof File, { message: 'attach the spreadsheet as the form field "file"' })
  .openapi({ type: 'string', format: 'binary', description: 'The spreadsheet: .xlsx, .xlsm, .xls, .csv, .tsv' });

const CellSchema = z.union([z.string(), z.number(), z.boolean(), z.null()]);

const sheetValuesFields = {
  sheetName: z.string().min(1).max(200).openapi({ example: 'FY2026 Budget' }),
  values: z.array(z.array(CellSchema)).openapi({ description: 'Range.getValues(): rows of cells; dates as ISO timestamps' }),
  displayValues: z.array(z.array(z.string())).optional().openapi({ description: 'Range.getDisplayValues(), same shape' }),
  fileName: z.string().max(255).optional().openapi({ description: 'The spreadsheet name, for history and messages' }),
  sheet: z.string().max(200).optional(),
  mappingOverrides: MappingOverridesSchema.optional(),
  set: SetValuesSchema.optional(),
};

const analyzeFormFields = {
  file: FileField,
  sheet: z.string().max(200).optional().openapi({ description: 'Analyze this sheet instead of letting Budget Sync choose' }),
  mappingOverrides: jsonText(MappingOverridesSchema, 'JSON object: header → field or null').optional(),
  set: jsonText(
    SetValuesSchema,
    'JSON object of the values the file lacks: {"department", "category", "fiscal_year", "currency", "direction"} (see SetValues)',
  ).optional(),
};

// Optional, with the default in words: zod's .default() makes the document list the field as required,
// and a `default` keyword makes openapi-typescript's generated types demand it; either way a generated
// client would have to send every choice.
const importChoices = {
  mode: z.enum(['merge', 'replace']).optional().openapi({
    description:
      'merge (the default): add and update lines; replace: also remove lines of the same fiscal years × departments that the file lacks',
  }),
  acceptWarnings: z.boolean().optional().openapi({ description: 'Import although the file has warnings (default false)' }),
  overrideKind: z
    .boolean()
    .optional()
    .openapi({ description: 'Import although the file does not look like a budget (needs `reason`; default false)' }),
  reason: z.string().max(1000).optional().openapi({ description: 'Why the kind is overridden; recorded in history' }),
};

const needsReason = (v: { overrideKind?: boolean | undefined; reason?: string | undefined }) => !v.overrideKind || !!v.reason?.trim();
const reasonRule = { message: 'overriding the kind needs a reason', path: ['reason'] };

const AnalyzeJson = z.object(sheetValuesFields).openapi('SheetValuesAnalyzeRequest');
const AnalyzeForm = z.object(analyzeFormFields);
const ImportJson = z
  .object({ ...sheetValuesFields, ...importChoices })
  .refine(needsReason, reasonRule)
  .openapi('SheetValuesImportRequest');
const ImportForm = z
  .object({
    ...analyzeFormFields,
    mode: z.enum(['merge', 'replace']).optional(),
    acceptWarnings: formFlag('Import although the file has warnings'),
    overrideKind: formFlag('Import although the file does not look like a budget (needs `reason`)'),
    reason: importChoices.reason,
  })
  .refine(needsReason, reasonRule);

const DiffLine = z.object({
  department: z.string(),
  category: z.string(),
  project: z.string().nullable(),
  period: z.string(),
  dimensions: z.record(z.string(), z.string()).openapi({ description: 'Further dimensions, name → value shown; {} when none' }),
  codes: z.record(z.string(), z.string()).optional().openapi({ description: 'Codes of code/name twins, when the line has any' }),
  direction: z.enum(['expense', 'revenue']),
});

export const DiffSchema = z
  .object({
    counts: ImportCountsSchema,
    inserted: z.array(DiffLine.extend({ amount: MoneySchema, currency: z.string(), row: z.number().int() })),
    updated: z.array(
      DiffLine.extend({
        amountBefore: MoneySchema,
        amountAfter: MoneySchema,
        currencyBefore: z.string(),
        currencyAfter: z.string(),
        changes: z.array(z.string()),
        row: z.number().int(),
      }),
    ),
    removed: z.array(DiffLine.extend({ amount: MoneySchema, currency: z.string() })),
  })
  .openapi('ImportDiff', { description: 'What importing would change; the lists hold the first 100 of each.' });

const ImportResultSchema = z
  .object({
    importId: z.string(),
    status: z.enum(['succeeded', 'no_changes']),
    counts: ImportCountsSchema,
    issues: z.array(IssueSchema),
    reason: z.string().nullable(),
  })
  .openapi('ImportResult');

const spreadsheetBody = <J extends z.ZodType, F extends z.ZodType>(jsonSchema: J, formSchema: F) => ({
  content: {
    'multipart/form-data': { schema: formSchema },
    'application/json': { schema: jsonSchema },
  },
  description: 'A file upload, or Google Sheets values as JSON.',
  // Not `required`: with two media types each validator must let the other's requests through.
  required: false,
});

/** The gzip body encoding adds its own 400 and 415. */
const encodingProblems = {
  400: problem(
    'The request does not match the contract: `request.invalid` (with `errors`), `request.malformed_json`, or `request.malformed_encoding` (marked gzip but is not).',
  ),
  415: problem(
    'Unsupported Content-Type (`request.unsupported_media_type`) or Content-Encoding other than gzip (`request.unsupported_encoding`).',
  ),
};

const fileProblems = {
  413: problem(
    'The body (decoded, when gzip-encoded) is over the limit (`request.too_large`), or the file has too many rows (`file.too_many_rows`) or is too large (`file.too_large`).',
  ),
  422: problem(
    'The file cannot be read: `file.*` (empty, corrupt, encrypted, not a spreadsheet…) with `row`/`column` where known, `sheet.not_found`.',
  ),
};

export const analyze = createRoute({
  method: 'post',
  path: '/api/excel/analyze',
  operationId: 'analyzeFile',
  tags: ['Spreadsheets'],
  summary: 'Analyze a spreadsheet and preview the import',
  description:
    "Reads the spreadsheet with the organization's fiscal-year start, base currency and remembered mappings, and the values " +
    "`set` gives for what the file lacks (a department for a file that is one unit's budget…), and compares it with the stored " +
    'budget. Writes nothing.',
  ...guard('imports:read', { departments: 'checked', gzip: true }),
  request: { body: spreadsheetBody(AnalyzeJson, AnalyzeForm) },
  responses: {
    200: json(
      z
        .object({
          analysis: AnalysisSchema,
          diff: DiffSchema,
          importable: z.boolean().openapi({ description: 'An import would go ahead, accepting the warnings if there are any' }),
          reason: z.string().nullable().openapi({ description: 'Why an import as is (without accepting warnings) would be refused' }),
          issues: z.array(IssueSchema).openapi({ description: "The analysis's issues, the plan's, and unconfirmed mappings" }),
        })
        .openapi('AnalyzeResult'),
      'The analysis and the diff.',
    ),
    ...problems(400, 401, 403, 415, 503),
    ...encodingProblems,
    ...fileProblems,
  },
});
export type AnalyzeRoute = typeof analyze;

export const importSpreadsheet = createRoute({
  method: 'post',
  path: '/api/excel/import',
  operationId: 'importFile',
  tags: ['Spreadsheets'],
  summary: 'Import a spreadsheet',
  description:
    'Analyzes as /api/excel/analyze does (with the same `set` values) and applies the plan in one transaction (serialized per ' +
    "organization), recording history with source `api`, the API key's name as actor, and the values set. Mapping overrides the " +
    'import used are remembered for the organization.',
  ...guard('imports:write', { departments: 'checked', gzip: true }),
  request: { body: spreadsheetBody(ImportJson, ImportForm) },
  responses: {
    201: json(ImportResultSchema, 'Imported.'),
    200: json(ImportResultSchema, 'The stored budget already matches the file: nothing changed (`no_changes`, recorded in history).'),
    ...problems(400, 401, 403, 415, 503),
    ...encodingProblems,
    413: fileProblems[413],
    422: problem(
      'Refused: `import.rejected` with the result (`importId`, `counts`, `issues`, `reason`); or the file cannot be read (`file.*`).',
    ),
    503: problem('Writing failed and nothing was written: `import.failed` with the result; or `db.unavailable`. Try again.'),
  },
});
export type ImportRoute = typeof importSpreadsheet;
