/**
 * The instant, local check of the active sheet: core's analysis runs right here in Apps Script, with the
 * organization's fiscal-year start, currency and remembered mappings as last learned from the API, and
 * the user's overrides and the values kept for the sheet (the review's fields). The API re-validates
 * everything when asked for the diff or the import.
 */
import { type Analysis, analyzeWorkbook, type SetValues, workbookFromSheetValues } from '@budget-sync/core';
import type { Field, MappingOverrides, SheetCheck } from '../shared/contract.ts';
import { readActiveSheet, type SheetSnapshot } from './active-sheet.ts';
import { forAnalysis, loadOverrides, saveOverrides, withOverride } from './overrides.ts';
import { loadSetValues } from './set-values.ts';
import { orgDefaults, rememberedMappings } from './settings.ts';
import { columnViews, issueViews, kindView } from './views.ts';

export function analyzeSnapshot(snapshot: SheetSnapshot, overrides: MappingOverrides, set: SetValues): Analysis {
  const workbook = workbookFromSheetValues({
    sheetName: snapshot.ref.name,
    values: snapshot.values,
    displayValues: snapshot.displayValues,
    fileName: snapshot.fileName,
  });
  const defaults = orgDefaults();
  return analyzeWorkbook(workbook, {
    fiscalYearStartMonth: defaults.fiscalYearStartMonth,
    defaultCurrency: defaults.currency,
    rememberedMappings: rememberedMappings(),
    mappingOverrides: forAnalysis(overrides),
    set,
  });
}

export interface ActiveSheetAnalysis {
  snapshot: SheetSnapshot;
  overrides: MappingOverrides;
  set: SetValues;
  analysis: Analysis;
}

export function analyzeActiveSheet(): ActiveSheetAnalysis {
  const snapshot = readActiveSheet();
  const overrides = loadOverrides(snapshot.ref);
  const set = loadSetValues(snapshot.ref);
  return { snapshot, overrides, set, analysis: analyzeSnapshot(snapshot, overrides, set) };
}

export function sheetCheck({ snapshot, overrides, set, analysis }: ActiveSheetAnalysis, started: number): SheetCheck {
  return {
    sheet: snapshot.ref,
    kind: kindView(analysis.kind),
    headerRow: analysis.headerRow,
    headerReason: analysis.headerReason,
    layout: analysis.layout,
    fiscalYear: analysis.fiscalYear.value,
    currency: analysis.currency.value,
    columns: columnViews(analysis, overrides),
    ...issueViews(analysis.issues),
    lines: analysis.stats.lines,
    total: analysis.stats.total,
    importable: analysis.stats.importable,
    overrides,
    set,
    elapsedMs: Date.now() - started,
  };
}

export function checkActiveSheet(): SheetCheck {
  const started = Date.now();
  return sheetCheck(analyzeActiveSheet(), started);
}

/** Remembers the user's choice for a column (`'auto'`: back to detection) and checks again with it. */
export function checkWithOverride(header: string, field: Field | null | 'auto'): SheetCheck {
  const started = Date.now();
  const snapshot = readActiveSheet();
  const overrides = withOverride(loadOverrides(snapshot.ref), header, field);
  saveOverrides(snapshot.ref, overrides);
  const set = loadSetValues(snapshot.ref);
  return sheetCheck({ snapshot, overrides, set, analysis: analyzeSnapshot(snapshot, overrides, set) }, started);
}
