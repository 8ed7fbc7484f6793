/**
 * The fiscal calendar behind budget periods (DESIGN §2): month `YYYY-MM` (calendar month), fiscal quarter
 * `YYYY-Qn` (quarter n of fiscal year YYYY) and fiscal year `FYYYYY`. A fiscal year is named by the
 * calendar year in which it ENDS: with fiscalYearStartMonth 7, July 2025 is in FY2026; with start month 1,
 * FY = calendar year. Pure: no I/O, no Node APIs.
 */
import { PLAUSIBLE_MAX_YEAR, PLAUSIBLE_MIN_YEAR } from './fiscal-year.ts';

export type PeriodGrain = 'month' | 'quarter' | 'year';

/**
 * A period with its fiscal year and inclusive first and last day (`YYYY-MM-DD`). Periods are shared and
 * frozen (the builders cache them), hence `readonly`.
 */
export interface Period {
  readonly key: string;
  readonly grain: PeriodGrain;
  readonly fiscalYear: number;
  readonly start: string;
  readonly end: string;
}

export interface PeriodContext {
  /** 1..12; 1 when the fiscal year is the calendar year. */
  fiscalYearStartMonth: number;
  /** Known from elsewhere (an FY column, the title, the file name); needed for `Jan`, `Q1`, `P01`. */
  fiscalYear?: number | null;
}

/** Years a period may have. */
export const MIN_YEAR = 1900;
export const MAX_YEAR = 2199;

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

export function daysInMonth(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

function check(ok: boolean, what: string, value: number): void {
  if (!ok) throw new RangeError(`invalid ${what}: ${value}`);
}

function checkStartMonth(startMonth: number): void {
  check(Number.isInteger(startMonth) && startMonth >= 1 && startMonth <= 12, 'fiscal year start month', startMonth);
}

function checkYear(year: number): void {
  check(Number.isInteger(year) && year >= MIN_YEAR && year <= MAX_YEAR, 'year', year);
}

/** The fiscal year (named by the year it ends) that contains calendar month `year`-`month`. */
export function fiscalYearOfMonth(year: number, month: number, startMonth: number): number {
  checkStartMonth(startMonth);
  check(Number.isInteger(month) && month >= 1 && month <= 12, 'month', month);
  return startMonth !== 1 && month >= startMonth ? year + 1 : year;
}

/** The calendar year in which `month` falls inside fiscal year `fiscalYear`. */
function calendarYearOf(fiscalYear: number, month: number, startMonth: number): number {
  return startMonth !== 1 && month >= startMonth ? fiscalYear - 1 : fiscalYear;
}

const monthCache = new Map<number, Period>();
const quarterCache = new Map<number, Period>();
const yearCache = new Map<number, Period>();

function make(key: string, grain: PeriodGrain, fiscalYear: number, start: string, end: string): Period {
  return Object.freeze({ key, grain, fiscalYear, start, end });
}

/** The calendar month `year`-`month` (key `YYYY-MM`). Throws RangeError on invalid arguments. */
export function monthPeriod(year: number, month: number, startMonth: number): Period {
  checkYear(year);
  const fiscalYear = fiscalYearOfMonth(year, month, startMonth);
  const id = (year * 16 + month) * 16 + startMonth;
  const hit = monthCache.get(id);
  if (hit !== undefined) return hit;
  const ym = `${year}-${pad2(month)}`;
  const p = make(ym, 'month', fiscalYear, `${ym}-01`, `${ym}-${daysInMonth(year, month)}`);
  monthCache.set(id, p);
  return p;
}

/** Quarter `q` (1..4) of fiscal year `fiscalYear` (key `YYYY-Qn`). Throws RangeError on invalid arguments. */
export function quarterPeriod(fiscalYear: number, q: number, startMonth: number): Period {
  checkYear(fiscalYear);
  checkStartMonth(startMonth);
  check(Number.isInteger(q) && q >= 1 && q <= 4, 'quarter', q);
  const id = (fiscalYear * 16 + q) * 16 + startMonth;
  const hit = quarterCache.get(id);
  if (hit !== undefined) return hit;
  let firstMonth = startMonth + 3 * (q - 1);
  let firstYear = startMonth === 1 ? fiscalYear : fiscalYear - 1;
  if (firstMonth > 12) {
    firstMonth -= 12;
    firstYear++;
  }
  let lastMonth = firstMonth + 2;
  let lastYear = firstYear;
  if (lastMonth > 12) {
    lastMonth -= 12;
    lastYear++;
  }
  const start = `${firstYear}-${pad2(firstMonth)}-01`;
  const end = `${lastYear}-${pad2(lastMonth)}-${daysInMonth(lastYear, lastMonth)}`;
  const p = make(`${fiscalYear}-Q${q}`, 'quarter', fiscalYear, start, end);
  quarterCache.set(id, p);
  return p;
}

/** Fiscal year `fiscalYear` (key `FYYYYY`). Throws RangeError on invalid arguments. */
export function yearPeriod(fiscalYear: number, startMonth: number): Period {
  checkYear(fiscalYear);
  checkStartMonth(startMonth);
  const id = fiscalYear * 16 + startMonth;
  const hit = yearCache.get(id);
  if (hit !== undefined) return hit;
  const firstYear = startMonth === 1 ? fiscalYear : fiscalYear - 1;
  const lastMonth = startMonth === 1 ? 12 : startMonth - 1;
  const start = `${firstYear}-${pad2(startMonth)}-01`;
  const end = `${fiscalYear}-${pad2(lastMonth)}-${daysInMonth(fiscalYear, lastMonth)}`;
  const p = make(`FY${fiscalYear}`, 'year', fiscalYear, start, end);
  yearCache.set(id, p);
  return p;
}

/** The helpers below are internal to `core/src/values` (they return `null` instead of throwing). */
export function monthOrNull(year: number, month: number, startMonth: number): Period | null {
  if (year < MIN_YEAR || year > MAX_YEAR || month < 1 || month > 12) return null;
  return monthPeriod(year, month, startMonth);
}

/** Month `month` of the context's fiscal year (the calendar year inside that fiscal year), if known. */
export function monthInFiscalYear(month: number, fiscalYear: number | null, ctx: PeriodContext): Period | null {
  if (fiscalYear === null || month < 1 || month > 12) return null;
  return monthOrNull(calendarYearOf(fiscalYear, month, ctx.fiscalYearStartMonth), month, ctx.fiscalYearStartMonth);
}

export function quarterOrNull(fiscalYear: number | null, q: number, startMonth: number): Period | null {
  if (fiscalYear === null || fiscalYear < MIN_YEAR || fiscalYear > MAX_YEAR) return null;
  return quarterPeriod(fiscalYear, q, startMonth);
}

/** Fiscal period `n` (1..12) of a fiscal year → its calendar month. */
export function fiscalPeriodOrNull(n: number, fiscalYear: number | null, ctx: PeriodContext): Period | null {
  if (n < 1 || n > 12) return null;
  return monthInFiscalYear(((ctx.fiscalYearStartMonth - 2 + n) % 12) + 1, fiscalYear, ctx);
}

export function knownFiscalYear(ctx: PeriodContext): number | null {
  const fy = ctx.fiscalYear;
  return typeof fy === 'number' && Number.isInteger(fy) && fy >= MIN_YEAR && fy <= MAX_YEAR ? fy : null;
}

/** Month of a day count since 1970-01-01 (proleptic Gregorian, Hinnant's civil_from_days). */
export function monthOfDays(days: number, startMonth: number): Period | null {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const month = mp < 10 ? mp + 3 : mp - 9;
  return monthOrNull(yoe + era * 400 + (month <= 2 ? 1 : 0), month, startMonth);
}

/** A fiscal year period, or `null` when outside the plausible years (bare `2026`) or MIN_YEAR..MAX_YEAR. */
export function yearOrNull(fiscalYear: number | null, startMonth: number, bare: boolean): Period | null {
  if (fiscalYear === null) return null;
  const lo = bare ? PLAUSIBLE_MIN_YEAR : MIN_YEAR;
  const hi = bare ? PLAUSIBLE_MAX_YEAR : MAX_YEAR;
  return fiscalYear >= lo && fiscalYear <= hi ? yearPeriod(fiscalYear, startMonth) : null;
}
