/// <reference types="google-apps-script" />
/**
 * The column mappings the user chose in the sidebar, kept per sheet in their UserProperties until an
 * import goes ahead with them: they travel with every request as `mappingOverrides`, and the API
 * remembers them for the organization once an import uses them (so they then come back as `remembered`).
 */
import { normalizeHeader } from '@budget-sync/core';
import type { Field, MappingOverrides, SheetRef } from '../shared/contract.ts';
import { FIELDS } from '../shared/contract.ts';
import { AddonFailure } from './failure.ts';

const keyOf = (ref: Pick<SheetRef, 'spreadsheetId' | 'sheetId'>) => `budgetSync.overrides.${ref.spreadsheetId}.${ref.sheetId}`;

export function loadOverrides(ref: Pick<SheetRef, 'spreadsheetId' | 'sheetId'>): MappingOverrides {
  const text = PropertiesService.getUserProperties().getProperty(keyOf(ref));
  if (!text) return {};
  try {
    return cleanOverrides(JSON.parse(text));
  } catch {
    return {};
  }
}

export function saveOverrides(ref: Pick<SheetRef, 'spreadsheetId' | 'sheetId'>, overrides: MappingOverrides): void {
  const store = PropertiesService.getUserProperties();
  if (Object.keys(overrides).length === 0) store.deleteProperty(keyOf(ref));
  else store.setProperty(keyOf(ref), JSON.stringify(overrides));
}

/** `'auto'` forgets the choice and lets detection (or the API's memory) decide again. */
export function withOverride(overrides: MappingOverrides, header: string, field: Field | null | 'auto'): MappingOverrides {
  if (typeof header !== 'string' || header.trim() === '') throw new AddonFailure('request.invalid', 'Choose a column with a title.');
  if (field !== null && field !== 'auto' && !FIELDS.includes(field))
    throw new AddonFailure('request.invalid', `"${String(field)}" is not a budget field.`);
  const next = { ...overrides };
  if (field === 'auto') delete next[header];
  else next[header] = field;
  return next;
}

/** Whatever came over google.script.run, as overrides: unknown fields are dropped, not trusted. */
export function cleanOverrides(input: unknown): MappingOverrides {
  const out: MappingOverrides = {};
  if (typeof input !== 'object' || input === null || Array.isArray(input)) return out;
  for (const [header, field] of Object.entries(input)) {
    if (field === null || (typeof field === 'string' && FIELDS.includes(field as Field))) out[header] = field as Field | null;
  }
  return out;
}

/** Keyed as written and normalized, as the API does: the analysis matches a header either way. */
export function forAnalysis(overrides: MappingOverrides): MappingOverrides {
  const out: MappingOverrides = {};
  for (const [header, field] of Object.entries(overrides)) {
    out[header] = field;
    out[normalizeHeader(header)] = field;
  }
  return out;
}

export function overrideFor(overrides: MappingOverrides, header: string): Field | null | undefined {
  if (Object.hasOwn(overrides, header)) return overrides[header];
  const normalized = normalizeHeader(header);
  for (const [h, field] of Object.entries(overrides)) if (normalizeHeader(h) === normalized) return field;
  return undefined;
}
