/**
 * Period columns of wide layouts: headers such as `Jan`, `Jan-26` (often a date cell), `2026-01`,
 * `January 2026`, `P01`, `Q1`, `Q1 FY26`, `FY2026 Adopted Budget`. A header may carry a measure word:
 * budget versions (`Adopted`, `Revised`…) are ranked, and actuals or variances are never the budget.
 */
import { BUDGET_VERSION_RANK, CJK_TOTAL, FIELD_SYNONYMS, NOT_BUDGET_MEASURE, TOTAL_WORDS } from './synonyms.ts';
import { directionOfText } from './dimensions.ts';
import { foldAccents } from './normalize.ts';
import type { Direction } from './types.ts';
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
  /**
   * A year counted from the budget's first (`Year 1`, `Año 2`, `第1年`): 1, 2, 3…; the first year itself
   * comes from the title, the file name or the user (`--set fiscal_year`).
   */
  relative?: number | undefined;
  /** The side the title names beside its period (`Ansatz 2024 Ertrag`, `Aufwand 2024`), else undefined: the row says. */
  direction?: Direction | undefined;
}

/** Small words between a measure and its year: `Projet de budget 2015`, `Budget for 2026`. */
const LINK_WORDS = new Set([
  'de',
  'du',
  'des',
  'la',
  'le',
  'les',
  'del',
  'di',
  'della',
  'der',
  'die',
  'das',
  'van',
  'het',
  'for',
  'of',
  'the',
  'en',
  'af',
  'na',
  'do',
  'da',
  'year',
  'jahr',
]);

/** `Year 1`, `Yr 2`, `Año 1`, `Jahr 1`, `Année 1`, `Anno 1`, `Jaar 1`, `År 1`, `Rok 1`. */
const RELATIVE_YEAR = /^(?:year|yr|y|ano|jahr|annee|anno|jaar|ar|aar|rok|vuosi)\s*(\d{1,2})$/;
/** `2014-15`, `2015/16`: a fiscal year written as its two calendar years (the second one two-digit). */
const YEAR_RANGE = /^(\d{4})\s*[-/]\s*(\d{2})$/;

/** CJK period headers: `第1年` (year 1 of the budget), `1月` (January). */
function cjkPeriod(text: string): HeaderPeriod | null {
  const relative = /^第\s*(\d{1,2})\s*年/.exec(text);
  if (relative) return { period: null, bare: null, isBudget: true, rank: 0, measure: '', relative: Number(relative[1]) };
  const month = /^(\d{1,2})\s*月(?:份)?(?:\s|\(|（|$)/.exec(text);
  const n = month ? Number(month[1]) : 0;
  if (n >= 1 && n <= 12) return { period: null, bare: { grain: 'month', month: n }, isBudget: true, rank: 0, measure: '' };
  return null;
}

/**
 * Words that name what a money column holds or its currency (`Zuschuss_2026_EUR`, `Betrag 2026`,
 * `Amount 2027 USD`): with one year beside them, the column is that year's money.
 */
const MONEY_WORDS = new Set([
  ...FIELD_SYNONYMS.amount.filter((s) => !s.includes(' ')),
  'zuschuss',
  'zuschuesse',
  'zuschusse',
  'eur',
  'usd',
  'gbp',
  'chf',
]);

const cache = new Map<string, HeaderPeriod | null>();

function fromText(text: string, fiscalYearStartMonth: number): HeaderPeriod | null {
  if (CJK_TOTAL.test(text)) return null;
  const cjk = cjkPeriod(text.trim());
  if (cjk) return cjk;
  const words = foldAccents(text.toLowerCase())
    .split(/[^a-z0-9]+/)
    .filter((w) => w !== '');
  if (words.length === 0 || words.length > 6) return null;
  if (words.some((w) => TOTAL_WORDS.has(w))) return null;
  let isBudget = true;
  let rank = 0;
  const measure: string[] = [];
  const rest: string[] = [];
  // A side word beside the period (`Ansatz 2024 Ertrag`, `Ausgaben 2025`) says the column's direction, like a measure.
  const sided = words.length > 1 ? directionOfText(text) : null;
  const side: { direction?: Direction } = sided === null ? {} : { direction: sided };
  let sideWords = 0;
  for (const w of words) {
    if (sided !== null && w.length > 1 && directionOfText(w) === sided) {
      sideWords++;
    } else if (NOT_BUDGET_MEASURE.has(w)) {
      isBudget = false;
      measure.push(w);
    } else if (w in BUDGET_VERSION_RANK) {
      rank = Math.max(rank, BUDGET_VERSION_RANK[w] ?? 0);
      measure.push(w);
    } else rest.push(w);
  }
  if (rest.length === 0) return null;
  const m = measure.join(' ');
  const relative = RELATIVE_YEAR.exec(rest.join(' '));
  if (relative) return { period: null, bare: null, isBudget, rank, measure: m, relative: Number(relative[1]), ...side };
  // Keep the original punctuation for the period parser when no measure word was removed.
  const kept = rest.length > 1 ? rest.filter((w) => !LINK_WORDS.has(w)) : rest;
  const core = measure.length === 0 && sideWords === 0 && kept.length === rest.length ? text.trim() : kept.join(' ');
  const ctx = { fiscalYearStartMonth };
  const range = YEAR_RANGE.exec(measure.length === 0 && sideWords === 0 ? core : kept.join('-'));
  if (range && (Number(range[1]) + 1) % 100 === Number(range[2])) {
    const period = yearPeriod(Number(range[1]) + 1, fiscalYearStartMonth);
    return { period, bare: null, isBudget, rank, measure: m, ...side };
  }
  // A figure's title with qualifiers (`Compte provisoire 2013`, `Actual unaudited FY25`): its period is in its numbers.
  const dated = kept.filter((w) => /\d/.test(w));
  const qualified = measure.length > 0 || sideWords > 0 || kept.some((w) => MONEY_WORDS.has(w));
  const period = parsePeriod(core, ctx) ?? (qualified && dated.length === 1 ? parsePeriod(dated[0] as string, ctx) : null);
  if (period) return { period, bare: null, isBudget, rank, measure: m, ...side };
  const bare = bareMonthOrQuarter(core) as BarePeriod | null;
  if (bare) return { period: null, bare, isBudget, rank, measure: m, ...side };
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
  if (words.some((w) => TOTAL_WORDS.has(w)) || CJK_TOTAL.test(label)) return true;
  return ROW_TOTAL_TITLES.has(words.join(' '));
}

/** Titles that, beside period columns, mean the year's total. */
const ROW_TOTAL_TITLES = new Set(['full year', 'annual', 'fy', 'year', 'whole year', 'ytd', 'gesamtjahr', 'jahr', 'annee', 'ano', 'anual']);
