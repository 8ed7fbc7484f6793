/**
 * The period a budget request is about: `YYYY-MM`, fiscal quarter `YYYY-Qn`, fiscal year `FYYYYY`, or a
 * day `YYYY-MM-DD`, turned into dates with the org's fiscal-year start month by the same calendar the
 * imported lines were built with (values/fiscal-calendar.ts). Strict on purpose: an API period is a key,
 * not a spreadsheet cell, so `Jan-26` is refused rather than guessed.
 */
import { daysInMonth, fiscalYearOfMonth, MAX_YEAR, MIN_YEAR, monthPeriod, quarterPeriod, yearPeriod } from '../values/fiscal-calendar.ts';
import { BudgetInputError } from './errors.ts';

export interface RequestPeriod {
  /** The canonical key: `2026-03`, `2026-Q1`, `FY2026`, or the day `2026-03-15`. */
  key: string;
  grain: 'day' | 'month' | 'quarter' | 'year';
  fiscalYear: number;
  /** Inclusive first and last day, `YYYY-MM-DD`. */
  start: string;
  end: string;
}

const MONTH = /^(\d{4})-(\d{2})$/;
const QUARTER = /^(\d{4})-Q([1-4])$/i;
const YEAR = /^FY(\d{4})$/i;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

function invalid(message: string): never {
  throw new BudgetInputError('period.invalid', message);
}

function inYears(year: number, text: string): void {
  if (year < MIN_YEAR || year > MAX_YEAR) invalid(`The year of ${JSON.stringify(text)} must be between ${MIN_YEAR} and ${MAX_YEAR}.`);
}

/**
 * Resolves a request's `period` or `date` (exactly one may be given; with neither, today's date in UTC,
 * i.e. "is there budget now?"). Throws BudgetInputError `period.invalid` for anything else.
 */
export function resolveRequestPeriod(
  input: { period?: string | null | undefined; date?: string | null | undefined },
  fiscalYearStartMonth: number,
  today: Date = new Date(),
): RequestPeriod {
  const period = typeof input.period === 'string' ? input.period.trim() : input.period;
  const date = typeof input.date === 'string' ? input.date.trim() : input.date;
  const hasPeriod = period !== undefined && period !== null && period !== '';
  const hasDate = date !== undefined && date !== null && date !== '';
  if (hasPeriod && hasDate) invalid('Give either a period or a date, not both.');
  if (hasPeriod) return periodOf(period, fiscalYearStartMonth);
  return dayOf(hasDate ? date : today.toISOString().slice(0, 10), fiscalYearStartMonth);
}

function periodOf(text: string, startMonth: number): RequestPeriod {
  let m = MONTH.exec(text);
  if (m !== null) {
    const year = Number(m[1]);
    const month = Number(m[2]);
    inYears(year, text);
    if (month < 1 || month > 12) invalid(`${JSON.stringify(text)} is not a month: the month must be 01 to 12.`);
    return { ...monthPeriod(year, month, startMonth), grain: 'month' };
  }
  m = QUARTER.exec(text);
  if (m !== null) {
    const year = Number(m[1]);
    inYears(year, text);
    return { ...quarterPeriod(year, Number(m[2]), startMonth), grain: 'quarter' };
  }
  m = YEAR.exec(text);
  if (m !== null) {
    const year = Number(m[1]);
    inYears(year, text);
    return { ...yearPeriod(year, startMonth), grain: 'year' };
  }
  if (DAY.test(text)) return dayOf(text, startMonth);
  return invalid(
    `${JSON.stringify(text)} is not a period. Use a month (2026-03), a fiscal quarter (2026-Q1), a fiscal year (FY2026) or a date (2026-03-15).`,
  );
}

function dayOf(text: string, startMonth: number): RequestPeriod {
  const m = DAY.exec(text);
  if (m === null) invalid(`${JSON.stringify(text)} is not a date: write it as YYYY-MM-DD, such as 2026-03-15.`);
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  inYears(year, text);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month))
    invalid(`${JSON.stringify(text)} is not a date in the calendar.`);
  if (!Number.isInteger(startMonth) || startMonth < 1 || startMonth > 12)
    throw new RangeError(`invalid fiscal year start month: ${startMonth}`);
  return { key: text, grain: 'day', fiscalYear: fiscalYearOfMonth(year, month, startMonth), start: text, end: text };
}
