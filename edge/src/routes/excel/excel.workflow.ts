/**
 * The steps both spreadsheet endpoints share: the request's spreadsheet (an upload or Sheets values) as a
 * Workbook, analysed with the organization's defaults and remembered mappings (as `budget-sync import`
 * does), the preview (analysis + diff, nothing written) and the import, as the API and the web console
 * both run them. Orchestration only: reading, analysis, planning and writing are core's and db's.
 */
import {
  type Analysis,
  type AnalyzeOptions,
  analyzeWorkbook,
  type CanonicalField,
  decideImport,
  type ImportMode,
  type ImportPlan,
  type Issue,
  importDiff,
  type MappingChoice,
  mappingChoiceOf,
  normalizeHeader,
  planCounts,
  type SetValues,
  withoutNul,
} from '@budget-sync/core';
import { type ReadOptions, workbookFromSheetValues } from '@budget-sync/core/readers';
import {
  applyImport,
  type Database,
  type DepartmentLimit,
  getOrganization,
  type ImportResult,
  loadRememberedMappings,
  type MappingMemory,
  rememberMappings,
} from '@budget-sync/db';
import type { Analyzer } from '../../analysis/analyzer.ts';
import type { AppConfig } from '../../config.ts';
import { ApiProblem } from '../../problems.ts';

export const DIFF_LIMIT = 100;

export interface Spreadsheet {
  fileName: string;
  /**
   * What is kept with the import and hashed: the uploaded file, or the values as JSON. Read it after
   * analyze(): the analyzer may have moved the upload's buffer to another thread and back.
   */
  bytes: Uint8Array;
  analyze(read: ReadOptions, options: AnalyzeOptions): Promise<Analysis>;
  sheet: string | undefined;
  mappingOverrides: MappingMemory;
  /** Values the file lacks, checked and normalized (the routes' SetValuesSchema, the console's form). */
  set: SetValues;
}

/** A mapping choice as a request may write it (`dimension:Fund Code`). */
type ChoiceText = CanonicalField | 'direction' | 'dimension' | string;

export interface UploadFields {
  file: File;
  sheet?: string | undefined;
  mappingOverrides?: Record<string, ChoiceText | null> | undefined;
  set?: SetValues | undefined;
}

export interface SheetValuesFields {
  sheetName: string;
  values: Array<Array<string | number | boolean | null>>;
  displayValues?: string[][] | undefined;
  fileName?: string | undefined;
  sheet?: string | undefined;
  mappingOverrides?: Record<string, ChoiceText | null> | undefined;
  set?: SetValues | undefined;
}

/** The request's choices as the analysis and the memory take them (`dimension:Fund Code` → `dimension:fund_code`). */
function choicesOf(given: Record<string, ChoiceText | null> | undefined): MappingMemory {
  const out: MappingMemory = {};
  for (const [header, text] of Object.entries(given ?? {})) {
    const choice: MappingChoice | null = text === null ? null : mappingChoiceOf(text);
    if (text === null || choice !== null) out[header] = choice;
  }
  return out;
}

function isSheetValues(body: object): body is SheetValuesFields {
  return 'values' in body && Array.isArray(body.values);
}

function isUpload(body: object): body is UploadFields {
  return 'file' in body && typeof File !== 'undefined' && body.file instanceof File;
}

/** Which of the two bodies the request sent: zod-openapi hands the one of the other media type over as `{}`. */
export async function spreadsheetOf(json: object, form: object, analyzer: Analyzer): Promise<Spreadsheet> {
  if (isSheetValues(json)) return fromSheetValues(json);
  if (isUpload(form)) return fromUpload(form, analyzer);
  throw new ApiProblem(
    400,
    'request.invalid',
    'Send the spreadsheet as multipart/form-data with the file in the field "file", or as JSON Google Sheets values {sheetName, values}.',
    { errors: [{ in: 'body', path: 'file', message: 'required' }] },
  );
}

async function fromUpload(form: UploadFields, analyzer: Analyzer): Promise<Spreadsheet> {
  // The name is kept in the history: a NUL (which no text column can hold) is replaced, as the reader does.
  const fileName = withoutNul(form.file.name) || 'upload';
  const sheet: Spreadsheet = {
    fileName,
    bytes: new Uint8Array(await form.file.arrayBuffer()),
    analyze: async (read, analyze) => {
      const done = await analyzer({ bytes: sheet.bytes, fileName, read, analyze });
      sheet.bytes = done.bytes;
      return done.analysis;
    },
    sheet: form.sheet,
    mappingOverrides: choicesOf(form.mappingOverrides),
    set: form.set ?? {},
  };
  return sheet;
}

function fromSheetValues(body: SheetValuesFields): Spreadsheet {
  const fileName = withoutNul(body.fileName?.trim() || body.sheetName);
  const input = { sheetName: body.sheetName, values: body.values, displayValues: body.displayValues, fileName };
  return {
    fileName,
    bytes: new TextEncoder().encode(JSON.stringify({ sheetName: body.sheetName, values: body.values, displayValues: body.displayValues })),
    analyze: async (read, options) => analyzeWorkbook(workbookFromSheetValues(input, read), options),
    sheet: body.sheet,
    mappingOverrides: choicesOf(body.mappingOverrides),
    set: body.set ?? {},
  };
}

export interface OrgAnalysis {
  analysis: Analysis;
  /** The overrides a column took: remembered once an import goes ahead with them. */
  usedOverrides: MappingMemory;
}

/** Analyses with the organization's fiscal-year start, base currency and remembered mappings, and the values set. */
export async function analyzeForOrg(
  db: Database,
  orgId: string,
  sheet: Spreadsheet,
  config: AppConfig,
  treatAsBudget: boolean,
): Promise<OrgAnalysis> {
  const [org, remembered] = await Promise.all([getOrganization(db.pool, orgId), loadRememberedMappings(db.pool, orgId)]);
  // Keyed as written and normalized: the analysis matches a header either way.
  const overrides: MappingMemory = {};
  for (const [header, field] of Object.entries(sheet.mappingOverrides)) {
    overrides[header] = field;
    overrides[normalizeHeader(header)] = field;
  }
  const analysis = await sheet.analyze(config.maxFileRows === undefined ? {} : { maxRows: config.maxFileRows }, {
    fiscalYearStartMonth: org.fiscalYearStartMonth,
    defaultCurrency: org.baseCurrency,
    rememberedMappings: remembered,
    mappingOverrides: overrides,
    set: sheet.set,
    ...(sheet.sheet !== undefined ? { sheet: sheet.sheet } : {}),
    ...(treatAsBudget ? { treatAsBudget: true } : {}),
  });
  const headers = new Set([...analysis.mapping, ...analysis.ignoredColumns].map((m) => normalizeHeader(m.header)));
  const usedOverrides: MappingMemory = {};
  for (const [header, field] of Object.entries(sheet.mappingOverrides)) {
    if (headers.has(normalizeHeader(header))) usedOverrides[header] = field;
  }
  return { analysis, usedOverrides };
}

export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>);
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, '0')).join('');
}

export function diffOf(plan: ImportPlan, limit = DIFF_LIMIT) {
  return { counts: planCounts(plan), ...importDiff(plan, limit) };
}

export interface SpreadsheetPreview {
  analysis: Analysis;
  diff: ReturnType<typeof diffOf>;
  /** It would go ahead once its warnings are accepted (errors and the kind still block). */
  importable: boolean;
  /** Why an import as is (without accepting warnings) would be refused. */
  reason: string | null;
  issues: Issue[];
}

/** Analysis and diff against the stored budget: an import's dry run, which writes nothing. */
export async function previewSpreadsheet(
  db: Database,
  orgId: string,
  sheet: Spreadsheet,
  config: AppConfig,
  who: { actor: string; source: string; departments?: DepartmentLimit },
): Promise<SpreadsheetPreview> {
  const { analysis } = await analyzeForOrg(db, orgId, sheet, config, false);
  const result = await applyImport(db, {
    orgId,
    analysis,
    mode: 'merge',
    acceptWarnings: false,
    actor: who.actor,
    source: who.source,
    fileName: sheet.fileName,
    sha256: await sha256Hex(sheet.bytes),
    dryRun: true,
    departments: who.departments,
  });
  const importable = decideImport(analysis, result.plan.issues, { acceptWarnings: true }).allowed;
  return { analysis, diff: diffOf(result.plan), importable, reason: result.reason, issues: result.issues };
}

export interface ImportChoices {
  mode: ImportMode;
  acceptWarnings: boolean;
  /** Import a file that does not look like a budget, for this reason (recorded). */
  overrideKindReason?: string | undefined;
  actor: string;
  /** `api`, `console`… as history records it. */
  source: string;
  /** The importing person's departments (applyImport refuses lines outside them). */
  departments?: DepartmentLimit;
}

/**
 * Analyses and imports in one transaction (applyImport), keeping the file. The mapping overrides the
 * import used are remembered for the org once it went ahead: a refused import may have been refused for them.
 */
export async function importSpreadsheetFor(
  db: Database,
  orgId: string,
  sheet: Spreadsheet,
  config: AppConfig,
  choices: ImportChoices,
): Promise<ImportResult> {
  const overrideKind = choices.overrideKindReason !== undefined;
  const { analysis, usedOverrides } = await analyzeForOrg(db, orgId, sheet, config, overrideKind);
  const result = await applyImport(db, {
    orgId,
    analysis,
    mode: choices.mode,
    acceptWarnings: choices.acceptWarnings,
    overrideKindReason: choices.overrideKindReason,
    actor: choices.actor,
    source: choices.source,
    fileName: sheet.fileName,
    sha256: await sha256Hex(sheet.bytes),
    file: sheet.bytes,
    departments: choices.departments,
  });
  if ((result.status === 'succeeded' || result.status === 'no_changes') && Object.keys(usedOverrides).length > 0) {
    await rememberMappings(db.pool, orgId, usedOverrides);
  }
  return result;
}
