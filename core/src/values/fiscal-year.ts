/**
 * Fiscal years (DESIGN §2): a fiscal year is named by the calendar year in which it ENDS, so `FY2025/26`
 * and `FY 2025-26` are FY2026. Pure: no I/O, no Node APIs.
 */
import type { CellValue } from '../workbook.ts';
import { foldText } from './month-names.ts';

/** Years a bare number or text may stand for (`2026`, `Operating budget 2026`). */
export const PLAUSIBLE_MIN_YEAR = 1990;
export const PLAUSIBLE_MAX_YEAR = 2100;

/** Words that introduce a fiscal year, folded (see `foldText`): `FY`, `Fiscal Year`, `GJ`, `Exercice`… */
export const FY_WORD = '(?:fy|fiscal year|fiscal|gj|geschaftsjahr|exercice|ejercicio|ano fiscal)';

/**
 * A fiscal year with or without its FY word: `fy26`, `fy 2026`, `fy'26`, `2026`, `fy2025/26`,
 * `fy 2025-26`. Groups: 1 = the FY word when present, 2 = year, 3 = end year of a range.
 */
export const FY_SPEC = `(${FY_WORD}\\s*'?)?(\\d{4}|\\d{2})(?:\\s*[-/]\\s*(\\d{4}|\\d{2}))?`;

const FY_ONLY = new RegExp(`^${FY_WORD}\\s*'?(\\d{4}|\\d{2})(?:\\s*[-/]\\s*(\\d{4}|\\d{2}))?$`);
const YEAR_OR_RANGE = /^(\d{4})(?:\s*[-/]\s*(\d{4}|\d{2}))?$/;
const FY_IN_TEXT = new RegExp(`(?<![a-z])${FY_WORD}[\\s_.-]*'?(\\d{4}|\\d{2})(?:\\s*[-/]\\s*(\\d{4}|\\d{2}))?(?!\\d)`, 'g');
const YEAR_IN_TEXT = /(?<!\d)(\d{4})(?:\s*[-/]\s*(\d{4}|\d{2}))?(?!\d)/g;

/** `26` → 2026; four digits as written. */
export function expandYear(text: string): number {
  const y = Number(text);
  return text.length === 2 ? 2000 + y : y;
}

/**
 * The fiscal year a year (`2026`, `26`) or a range of two consecutive years (`2025/26`, `2025-2026`,
 * `1999/00`) names: the year it ends. `null` when the range's years are not consecutive.
 */
export function fiscalYearOfSpec(year: string, rangeEnd: string | undefined): number | null {
  const start = expandYear(year);
  if (rangeEnd === undefined) return start;
  let end = rangeEnd.length === 4 ? Number(rangeEnd) : start - (start % 100) + Number(rangeEnd);
  if (rangeEnd.length === 2 && end < start) end += 100;
  return end === start + 1 ? end : null;
}

function plausible(year: number | null): number | null {
  return year !== null && year >= PLAUSIBLE_MIN_YEAR && year <= PLAUSIBLE_MAX_YEAR ? year : null;
}

/**
 * The fiscal year in a fiscal-year column: `FY26`, `FY2026`, `FY 2026`, `Fiscal Year 2026`, `2026`,
 * `FY 2025/26`, `2025/26`, `2025-2026` (the year it ends), or the number 2026. Years outside 1990..2100
 * and anything else (including Dates) → `null`.
 */
export function parseFiscalYear(value: CellValue | undefined): number | null {
  if (typeof value === 'number') return Number.isInteger(value) ? plausible(value) : null;
  if (typeof value !== 'string') return null;
  const s = foldText(value);
  const m = FY_ONLY.exec(s) ?? YEAR_OR_RANGE.exec(s);
  return m === null ? null : plausible(fiscalYearOfSpec(m[1] ?? '', m[2]));
}

/**
 * The fiscal year a title, sheet name or file name mentions: `Acme Corp - FY2026 Operating Budget`,
 * `budget_fy26_v3.xlsx`, `FY2025-26`, `Operating budget 2026`, `Budget 2025/26`.
 * An explicit FY token wins over a bare year, and the first FY token wins over later ones. Bare years
 * outside 1990..2100 are ignored; when the remaining bare years disagree (`Budget 2026 vs 2025`) the
 * answer is `null`, because a guessed year would silently put the budget in the wrong year.
 */
export function findFiscalYearInText(text: string): number | null {
  const s = foldText(text);
  for (const m of s.matchAll(FY_IN_TEXT)) {
    const year = plausible(fiscalYearOfSpec(m[1] ?? '', m[2]) ?? expandYear(m[1] ?? ''));
    if (year !== null) return year;
  }
  let found: number | null = null;
  for (const m of s.matchAll(YEAR_IN_TEXT)) {
    const year = plausible(fiscalYearOfSpec(m[1] ?? '', m[2]) ?? expandYear(m[1] ?? ''));
    if (year === null) continue;
    if (found !== null && found !== year) return null;
    found = year;
  }
  return found;
}

/** `Year 1`, `Yr 2`, `Año 1`, `Jahr 1`, `Année 1`, `Anno 1`, `Jaar 1`, `År 1`, `Rok 1`, `第1年`. */
const RELATIVE_YEAR = /^(?:(?:year|yr|ano|jahr|annee|anno|jaar|ar|aar|rok|vuosi)\s*(\d{1,2})|第\s*(\d{1,2})\s*年(?:度)?)$/;

/**
 * A year counted from the budget's first (`Year 1` → 1, `第2年` → 2), as research grants and multi-year
 * plans write them; `null` for anything else. The first year itself comes from elsewhere.
 */
export function relativeYear(value: CellValue | undefined): number | null {
  if (typeof value !== 'string') return null;
  const m = RELATIVE_YEAR.exec(foldText(value));
  const n = m ? Number(m[1] ?? m[2]) : 0;
  return n >= 1 && n <= 50 ? n : null;
}
