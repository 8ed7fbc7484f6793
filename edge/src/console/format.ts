/**
 * How the console shows values: money with thousands separators straight from the exact decimal text
 * (never through a float), instants in UTC, durations, percentages, and the words for statuses.
 */
import type { SettableField } from '@budget-sync/core';

/** "1234567.5" → "1,234,567.50"; "-12.3" → "−12.30". */
export function money(text: string): string {
  const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(text.trim());
  if (!m) return text;
  const [, sign, whole = '0', frac = ''] = m;
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign ? '\u2212' : ''}${grouped}.${frac.padEnd(2, '0').slice(0, 2)}`;
}

export function isNegative(text: string): boolean {
  return /^-\d*\.?\d*[1-9]/.test(text.trim());
}

/** ISO instant → "2026-03-04 14:05 UTC". */
export function instant(iso: string | null | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC`;
}

export function duration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined) return '—';
  if (ms < 1) return `${ms.toFixed(2)} ms`;
  if (ms < 1000) return `${Number(ms.toPrecision(3))} ms`;
  return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return '—';
  return `${((part / whole) * 100).toFixed(1)}%`;
}

export function count(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString('en-US')} ${n === 1 ? one : many}`;
}

export const STATUS_LABEL: Record<string, string> = {
  succeeded: 'Imported',
  no_changes: 'No changes',
  rejected: 'Refused',
  failed: 'Failed',
  reverted: 'Reverted',
  running: 'Running',
  imported: 'Imported',
  skipped: 'Skipped',
  pass: 'Pass',
  warn: 'Warning',
  fail: 'Over budget',
};

export const FIELD_LABEL: Record<string, string> = {
  department: 'Department',
  category: 'Category',
  period: 'Period',
  fiscal_year: 'Fiscal year',
  amount: 'Amount',
  currency: 'Currency',
  project: 'Project',
  owner: 'Owner',
  notes: 'Notes',
  direction: 'Direction (expense or revenue)',
  dimension: 'Dimension',
};

/** The values set for what a file lacks, as the review's fields and the history name them. */
export const SET_LABEL: Record<SettableField, string> = {
  department: 'Department',
  category: 'Category',
  fiscal_year: 'Fiscal year',
  currency: 'Currency',
  direction: 'Direction',
};

export const MONTHS = [
  'January',
  'February',
  'March',
  'April',
  'May',
  'June',
  'July',
  'August',
  'September',
  'October',
  'November',
  'December',
];
