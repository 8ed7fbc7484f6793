/**
 * Period columns of wide layouts: headers such as `Jan`, `Jan-26` (often a date cell), `2026-01`,
 * `January 2026`, `P01`, `Q1`, `Q1 FY26`, `FY2026 Adopted Budget`. A header may carry a measure word:
 * budget versions (`Adopted`, `Revised`…) are ranked, and actuals or variances are never the budget.
 */
import { BUDGET_VERSION_RANK, NOT_BUDGET_MEASURE, TOTAL_WORDS } from './synonyms.ts';
import { foldAccents } from './normalize.ts';
import { bareMonthOrQuarter, parsePeriod, yearPeriod, type Period } from '../values/period.ts';
import type { CellValue } from '../workbook.ts';

export type BarePeriod = { grain: 'month'; month: number } | { grain: 'quarter'; quarter: number } | { grain: 'fiscal_period'; n: number };

export interface HeaderPeriod {
  /** Fully known period (the header names its year), or null when the year must come from elsewhere. */
  period: Period | null;
  bare: BarePeriod | null;
  /** False for actuals, variances, prior years: such a column is not the budget. */
  isBudget: boolean;
  /** Budget version rank (revised > adopted > budget > proposed); 0 when the header names none. */
  rank: number;
  /** The measure words found, for the reason shown to the user. */
  measure: string;
}

const cache = new Map<string, HeaderPeriod | null>();

function fromText(text: string, fiscalYearStartMonth: number): HeaderPeriod | null {
  const words = foldAccents(text.toLowerCase())
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  if (words.length === 0 || words.length > 6) return null;
  if (words.some((w) => TOTAL_WORDS.has(w))) return null;
  let isBudget = true;
  let rank = 0;
  const measure: string[] = [];
  const rest: string[] = [];
  for (const w of words) {
    if (NOT_BUDGET_MEASURE.has(w)) {
      isBudget = false;
      measure.push(w);
    } else if (w in BUDGET_VERSION_RANK) {
      rank = Math.max(rank, BUDGET_VERSION_RANK[w] ?? 0);
      measure.push(w);
    } else rest.push(w);
  }
  if (rest.length === 0) return null;
  // Keep the original punctuation for the period parser when no measure word was removed.
  const core = measure.length === 0 ? text.trim() : rest.join(' ');
  const ctx = { fiscalYearStartMonth };
  const period = parsePeriod(core, ctx);
  if (period) return { period, bare: null, isBudget, rank, measure: measure.join(' ') };
  const bare = bareMonthOrQuarter(core) as BarePeriod | null;
  if (bare) return { period: null, bare, isBudget, rank, measure: measure.join(' ') };
  return null;
}

/** Period information for a header cell, or null when it is not a period column. */
export function headerPeriodInfo(value: CellValue | undefined, fiscalYearStartMonth: number): HeaderPeriod | null {
  if (value === null || value === undefined) return null;
  if (value instanceof Date) {
    const period = parsePeriod(value, { fiscalYearStartMonth });
    return period ? { period, bare: null, isBudget: true, rank: 0, measure: '' } : null;
  }
  if (typeof value === 'number') {
    if (Number.isInteger(value) && value >= 1990 && value <= 2100) {
      return { period: yearPeriod(value, fiscalYearStartMonth), bare: null, isBudget: true, rank: 0, measure: '' };
    }
    return null;
  }
  if (typeof value !== 'string') return null;
  const text = value.trim();
  if (text.length === 0 || text.length > 40) return null;
  const key = `${fiscalYearStartMonth}|${text}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const result = fromText(text, fiscalYearStartMonth);
  if (cache.size > 5000) cache.clear();
  cache.set(key, result);
  return result;
}

/** Is this header a row total (`FY Total`, `Total`, `Annual`, `Summe`)? */
export function isTotalHeader(label: string): boolean {
  const words = foldAccents(label.toLowerCase())
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  if (words.some((w) => TOTAL_WORDS.has(w))) return true;
  return ROW_TOTAL_TITLES.has(words.join(' '));
}

/** Titles that, beside period columns, mean the year's total. */
const ROW_TOTAL_TITLES = new Set(['full year', 'annual', 'fy', 'year', 'whole year', 'ytd', 'gesamtjahr', 'jahr', 'annee', 'ano', 'anual']);
