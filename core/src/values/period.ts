/**
 * Budget periods (DESIGN §2): month `YYYY-MM` (calendar month), fiscal quarter `YYYY-Qn` (quarter n of
 * fiscal year YYYY) and fiscal year `FYYYYY`. A fiscal year is named by the calendar year in which it
 * ENDS: with fiscalYearStartMonth 7, July 2025 is in FY2026; with start month 1, FY = calendar year.
 * Pure: no I/O, no Node APIs.
 */
import type { CellValue } from '../workbook.ts';
import { monthOfDays, type Period, type PeriodContext, yearPeriod, monthOrNull } from './fiscal-calendar.ts';
import { PLAUSIBLE_MAX_YEAR, PLAUSIBLE_MIN_YEAR } from './fiscal-year.ts';
import { parsePeriodText } from './period-text.ts';

export {
  fiscalYearOfMonth,
  monthPeriod,
  type Period,
  type PeriodContext,
  type PeriodGrain,
  quarterPeriod,
  yearPeriod,
} from './fiscal-calendar.ts';
export { findFiscalYearInText, parseFiscalYear, relativeYear } from './fiscal-year.ts';
export { monthOfName } from './month-names.ts';
export { type BarePeriod, bareMonthOrQuarter } from './period-text.ts';

export interface ParsePeriodOptions {
  /** Read numbers 36526..73050 (2000-01-01..2099-12-31) as Excel serial dates. Off by default. */
  excelSerialDates?: boolean;
}

const DAY_MS = 86_400_000;
/** Excel serial of 1970-01-01. */
const EXCEL_EPOCH = 25_569;
const FIRST_SERIAL = 36_526; // 2000-01-01
const END_SERIAL = 73_051; // 2100-01-01, excluded

/**
 * A number as a period: an integer year 1990..2100 → that fiscal year; `YYYYMM` (199001..210012) → that
 * month; with `excelSerialDates`, 36526..73050 (2000-01-01..2099-12-31, fractions are times of day) →
 * the month of that Excel date. Anything else → `null`.
 */
export function parsePeriodNumber(n: number, ctx: PeriodContext, options?: ParsePeriodOptions): Period | null {
  if (!Number.isFinite(n)) return null;
  if (Number.isInteger(n)) {
    if (n >= PLAUSIBLE_MIN_YEAR && n <= PLAUSIBLE_MAX_YEAR) return yearPeriod(n, ctx.fiscalYearStartMonth);
    if (n >= 199_001 && n <= 210_012) return monthOrNull(Math.floor(n / 100), n % 100, ctx.fiscalYearStartMonth);
  }
  if (options?.excelSerialDates === true && n >= FIRST_SERIAL && n < END_SERIAL) {
    return monthOfDays(Math.floor(n + 1e-9) - EXCEL_EPOCH, ctx.fiscalYearStartMonth);
  }
  return null;
}

/**
 * Parses a period cell. Accepts, among others: `2026-01`, `2026/01`, `2026.01`, `202601`, `01/2026`,
 * `1/2026`, `01-2026`, `01.2026`, `Jan-26`, `Jan 26`, `Jan-2026`, `January 2026`, `Jan. 2026`, `2026-Jan`,
 * `15-Jan-2026`, `January 15, 2026`, ISO dates and date-times (→ their month), Dates (→ the month of the
 * nearest UTC midnight, so a Date made within ±12h of UTC gives the day the sheet shows); month names in
 * English, German, French and Spanish; `Q1 FY26`, `Q1-FY2026`, `FY26 Q1`, `FY2026-Q1`, `2026-Q1`,
 * `2026 Q1`, `Q1 2026`, `1Q26`; `P01 FY26`, `FY2026 P1`; `Jan FY26`; `FY2026`, `FY26`, `FY 2026`,
 * `FY2025/26`, `FY 2025-26`, `2025/2026` (→ the year it ends), `2026` alone (→ FY2026). Two-digit years
 * are 20YY. `Jan 26` is January 2026 (Excel's `mmm-yy`), not the 26th.
 *
 * Bare forms need `ctx.fiscalYear` and are `null` without it: `Jan` / `January` (→ that month's calendar
 * year inside the fiscal year), `26-Jan` (Excel's `d-mmm` display: the day is ignored), `Q1`..`Q4`,
 * `P01`..`P12` / `P1` / `Period 1` (fiscal period n → the n-th month from the start month).
 *
 * `2025-26` without an FY word is read as year-month and is invalid (it could be `2011-12`, December).
 * Numbers: see {@link parsePeriodNumber}; Excel serial dates only with `options.excelSerialDates`.
 * Throws RangeError when `ctx.fiscalYearStartMonth` is not 1..12.
 */
export function parsePeriod(value: CellValue | undefined, ctx: PeriodContext, options?: ParsePeriodOptions): Period | null {
  if (typeof value === 'string') return parsePeriodText(value, ctx);
  if (typeof value === 'number') return parsePeriodNumber(value, ctx, options);
  if (typeof value === 'object' && value !== null) {
    const t = value.getTime();
    return Number.isNaN(t) ? null : monthOfDays(Math.round(t / DAY_MS), ctx.fiscalYearStartMonth);
  }
  return null;
}

/**
 * A header cell as a period: like {@link parsePeriod}, and numbers in the Excel serial date range are dates
 * (a date-formatted header). Bare `Jan`, `Q1`, `P01` headers give a period only when `ctx.fiscalYear` is
 * known; otherwise `null`, and {@link bareMonthOrQuarter} tells the caller what they are.
 */
export function classifyPeriodHeader(text: string | Date | number, ctx: PeriodContext): Period | null {
  return parsePeriod(text, ctx, { excelSerialDates: true });
}
