/**
 * The API's side of the review: the diff against the stored budget (`POST /api/excel/analyze`, a dry run)
 * and the import (`POST /api/excel/import`). Both send the whole sheet again, as read now, with the
 * user's mapping overrides and the values the sheet does not give (`set`, the review's fields, kept for
 * the sheet); the API re-validates all of it. An import names the fingerprint of the diff the user looked
 * at, and is refused here when the sheet has changed since.
 */
import type { Issue, MappingChoice, SetValues } from '@budget-sync/core';
import type {
  ChangeCounts,
  DiffLineView,
  DiffView,
  Field,
  ImportRequest,
  ImportResultView,
  MappingOverrides,
  ReviewRequest,
} from '../shared/contract.ts';
import { fingerprintOf, readActiveSheet, type SheetSnapshot, sheetJson, withMembers } from './active-sheet.ts';
import { type ApiAnswer, callApi, problemOf } from './api-client.ts';
import { AddonFailure } from './failure.ts';
import { cleanOverrides, loadOverrides, saveOverrides } from './overrides.ts';
import { checkedSetValues, loadSetValues, saveSetValues, setFieldViews } from './set-values.ts';
import { type Connection, learnOrgDefaults, learnRememberedMappings, requireConnection } from './settings.ts';
import { issueViews, kindView } from './views.ts';

/** Diff lines shown per kind of change (the counts give the totals). */
const DIFF_SHOWN = 20;

interface Prepared {
  connection: Connection;
  snapshot: SheetSnapshot;
  json: string;
  fingerprint: string;
  overrides: MappingOverrides;
  set: SetValues;
}

/**
 * The sheet as read now, as the JSON the API takes, and its fingerprint; the values given (checked, then
 * kept for the sheet), else those kept for it.
 */
function prepare(overridesInput: unknown, setInput: unknown): Prepared {
  const set = setInput === undefined ? null : checkedSetValues(setInput);
  const connection = requireConnection();
  const snapshot = readActiveSheet();
  const overrides = overridesInput === undefined ? loadOverrides(snapshot.ref) : cleanOverrides(overridesInput);
  if (set !== null) saveSetValues(snapshot.ref, set);
  const json = sheetJson(snapshot);
  return { connection, snapshot, json, fingerprint: fingerprintOf(json), overrides, set: set ?? loadSetValues(snapshot.ref) };
}

function post(p: Prepared, path: string, given: Record<string, unknown>): ApiAnswer {
  const members = Object.keys(p.set).length > 0 ? { ...given, set: p.set } : given;
  const body = withMembers(p.json, Object.keys(p.overrides).length > 0 ? { ...members, mappingOverrides: p.overrides } : members);
  return callApi(p.connection, { method: 'post', path, jsonText: body, rows: p.snapshot.values.length });
}

function countsOf(value: unknown): ChangeCounts {
  const c = (value ?? {}) as Partial<Record<keyof ChangeCounts, unknown>>;
  const n = (v: unknown) => (typeof v === 'number' ? v : 0);
  return { inserted: n(c.inserted), updated: n(c.updated), removed: n(c.removed), unchanged: n(c.unchanged) };
}

interface ApiDiffLine {
  department: string;
  category: string;
  project: string | null;
  period: string;
  amount?: string;
  currency?: string;
  amountBefore?: string;
  amountAfter?: string;
  currencyBefore?: string;
  changes?: string[];
  row?: number;
  /** Further dimensions (name → value shown) and the codes of twins; absent from APIs before them. */
  dimensions?: Record<string, string>;
  codes?: Record<string, string>;
  direction?: 'expense' | 'revenue';
}

/** `Fund General Fund (6064)`: a dimension's name and value, with a twin's code beside it. */
function dimensionLabel(name: string, value: string, code: string | undefined): string {
  return code !== undefined && code !== '' && code !== value ? `${name} ${value} (${code})` : `${name} ${value}`;
}

function lineLabel(l: ApiDiffLine): string {
  const dims = Object.entries(l.dimensions ?? {}).map(([name, value]) => dimensionLabel(name, value, l.codes?.[name]));
  return [l.department, l.category, l.project, ...dims, l.period].filter((p) => p !== null && p !== '').join(' · ');
}

/** A line of the diff as the review shows it: its names, dimensions and period; revenue said in its detail. */
export function diffLineView(l: ApiDiffLine, detail: (l: ApiDiffLine) => string): DiffLineView {
  const revenue = l.direction === 'revenue';
  return {
    label: lineLabel(l),
    detail: revenue ? `${detail(l)} · revenue` : detail(l),
    row: l.row ?? null,
    dimensions: l.dimensions ?? {},
    direction: revenue ? 'revenue' : 'expense',
  };
}

function diffLines(list: unknown, detail: (l: ApiDiffLine) => string): DiffLineView[] {
  if (!Array.isArray(list)) return [];
  return (list as ApiDiffLine[]).slice(0, DIFF_SHOWN).map((l) => diffLineView(l, detail));
}

/** What the API's analysis says about the organization, kept so the next local check agrees with it. */
function learnFrom(analysis: ApiAnalysis): void {
  const learned: { fiscalYearStartMonth?: number; currency?: string } = {};
  if (typeof analysis.fiscalYearStartMonth === 'number') learned.fiscalYearStartMonth = analysis.fiscalYearStartMonth;
  if (analysis.currency?.source === 'default') learned.currency = analysis.currency.value;
  learnOrgDefaults(learned);
  const remembered: Record<string, MappingChoice | null> = {};
  for (const m of analysis.mapping ?? []) {
    // A remembered dimension keeps its name (`dimension:fund`), so the local check names it as the API does.
    if (m.method === 'remembered') remembered[m.header] = m.field === 'dimension' && m.dimension ? `dimension:${m.dimension}` : m.field;
  }
  learnRememberedMappings(remembered);
}

interface ApiAnalysis {
  fiscalYearStartMonth?: number;
  currency?: { value: string; source: string };
  kind: { kind: string; confidence: number; reasons: string[] };
  mapping?: { header: string; field: Field; method: string; dimension?: string }[];
  stats: { lines: number; total: string };
  /** From the API's analysis (absent from APIs before `set`): what the review's fields are read from. */
  set?: SetValues;
  issues?: Issue[];
}

export function reviewActiveSheet(request: ReviewRequest | undefined): DiffView {
  const prepared = prepare(request?.overrides, request?.set);
  const answer = post(prepared, '/api/excel/analyze', {});
  if (answer.status !== 200) throw problemOf(answer);
  const body = answer.body as {
    analysis: ApiAnalysis;
    diff: Record<string, unknown>;
    importable: boolean;
    reason: string | null;
    issues: [];
  };
  const analysis = body.analysis;
  learnFrom(analysis);
  const diff = body.diff;
  return {
    fingerprint: prepared.fingerprint,
    counts: countsOf(diff.counts),
    inserted: diffLines(diff.inserted, (l) => `${l.amount} ${l.currency}`),
    updated: diffLines(diff.updated, (l) => `${l.amountBefore} → ${l.amountAfter} ${l.currencyBefore}`),
    removed: diffLines(diff.removed, (l) => `${l.amount} ${l.currency}`),
    importable: body.importable === true,
    reason: typeof body.reason === 'string' ? body.reason : null,
    kind: kindView(analysis.kind as Parameters<typeof kindView>[0]),
    lines: analysis.stats.lines,
    total: analysis.stats.total,
    currency: analysis.currency?.value ?? '',
    ...issueViews(Array.isArray(body.issues) ? body.issues : []),
    // An API before `set` sends neither set nor department: no fields to ask.
    fields: analysis.set === undefined ? [] : setFieldViews(analysis as unknown as Parameters<typeof setFieldViews>[0]),
    transfer: answer.transfer,
  };
}

export function importActiveSheet(request: ImportRequest): ImportResultView {
  const mode = request?.mode === 'replace' ? 'replace' : 'merge';
  const overrideKind = request?.overrideKind === true;
  const reason = typeof request?.reason === 'string' ? request.reason.trim().slice(0, 1000) : '';
  if (overrideKind && reason === '') {
    throw new AddonFailure('request.invalid', 'Say why this sheet should be imported as a budget: the reason is recorded in the history.');
  }
  const members: Record<string, unknown> = { mode, acceptWarnings: request?.acceptWarnings === true };
  if (overrideKind) Object.assign(members, { overrideKind: true, reason });
  const prepared = prepare(request?.overrides, request?.set);
  if (typeof request?.expectedFingerprint === 'string' && request.expectedFingerprint !== prepared.fingerprint) {
    throw new AddonFailure('sheet.changed', 'The sheet changed since you reviewed it. Review the changes again, then import.');
  }
  const answer = post(prepared, '/api/excel/import', members);
  if (answer.status !== 200 && answer.status !== 201) throw problemOf(answer);
  const body = answer.body as { importId: string; status: 'succeeded' | 'no_changes'; counts: unknown };
  // The API now remembers the overrides for the organization: mirror them and drop the pending ones.
  learnRememberedMappings(prepared.overrides);
  saveOverrides(prepared.snapshot.ref, {});
  const counts = countsOf(body.counts);
  const message =
    body.status === 'no_changes'
      ? 'Nothing changed: the stored budget already matches this sheet.'
      : `Imported: ${counts.inserted} new, ${counts.updated} changed, ${counts.removed} removed, ${counts.unchanged} unchanged.`;
  return { importId: body.importId, status: body.status, counts, message, transfer: answer.transfer };
}
