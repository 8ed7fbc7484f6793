/// <reference types="google-apps-script" />
/**
 * The values a sheet does not give (a department for one unit's budget, the first of relative years…),
 * as typed into the review's fields: checked with core's checkSetValues (as the API, the console and the
 * CLI check theirs; a wrong one is refused naming its field), kept per sheet in the user's
 * UserProperties, applied by the local check and sent with every request as `set`. The API does not
 * remember them as it remembers mappings, so they stay with the sheet for its next import.
 */
import { checkSetValues, type Issue, reviewFields, SETTABLE_FIELDS, type SettableField, type SetValues } from '@budget-sync/core';
import type { SetFieldView, SetValuesInput, SheetRef } from '../shared/contract.ts';
import { AddonFailure } from './failure.ts';
import { issueWhere } from './views.ts';

const keyOf = (ref: Pick<SheetRef, 'spreadsheetId' | 'sheetId'>) => `budgetSync.set.${ref.spreadsheetId}.${ref.sheetId}`;

const LABEL: Record<SettableField, string> = {
  department: 'Department',
  category: 'Category',
  fiscal_year: 'Fiscal year',
  currency: 'Currency',
  direction: 'Direction',
};

export function loadSetValues(ref: Pick<SheetRef, 'spreadsheetId' | 'sheetId'>): SetValues {
  const text = PropertiesService.getUserProperties().getProperty(keyOf(ref));
  if (!text) return {};
  try {
    return checkSetValues(pick(JSON.parse(text)), 'absent').set;
  } catch {
    return {};
  }
}

export function saveSetValues(ref: Pick<SheetRef, 'spreadsheetId' | 'sheetId'>, set: SetValues): void {
  const store = PropertiesService.getUserProperties();
  if (Object.keys(set).length === 0) store.deleteProperty(keyOf(ref));
  else store.setProperty(keyOf(ref), JSON.stringify(set));
}

/** The values as they came over google.script.run (or from the API's history): only text of the settable fields is taken, in their order. */
export function pick(input: unknown): SetValuesInput {
  const out: SetValuesInput = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return out;
  for (const field of SETTABLE_FIELDS) {
    const v = (input as Record<string, unknown>)[field];
    if (typeof v === 'string') out[field] = v;
  }
  return out;
}

/** The values typed (blank: not given), checked; a wrong one is `set.invalid` with each field's message. */
export function checkedSetValues(input: unknown): SetValues {
  const { set, problems } = checkSetValues(pick(input), 'absent');
  if (problems.length === 0) return set;
  const fields: SetValuesInput = {};
  for (const p of problems) fields[p.field] = `${LABEL[p.field]} ${p.message}.`;
  throw new AddonFailure('set.invalid', Object.values(fields).join(' '), undefined, fields);
}

/** The review's fields for an analysis (the API's), as the sidebar shows them. */
export function setFieldViews(analysis: Parameters<typeof reviewFields>[0]): SetFieldView[] {
  return reviewFields(analysis).map((f) => ({
    field: f.field,
    label: LABEL[f.field],
    value: f.value,
    issue: issueView(f.issue),
    note: f.note,
    assumed: f.assumed,
  }));
}

function issueView(i: Issue | null): SetFieldView['issue'] {
  if (i === null) return null;
  return { severity: i.severity, code: i.code, message: i.message, row: i.row, column: i.column, where: issueWhere(i.row, i.column) };
}
