/**
 * Periods written as text (`2026-01`, `Jan-26`, `Q1 FY26`, `FY2025/26`, `P01`, `März 2026`, …).
 * Pure: no I/O, no Node APIs.
 */
import {
  daysInMonth,
  fiscalPeriodOrNull,
  knownFiscalYear,
  monthInFiscalYear,
  monthOrNull,
  type Period,
  type PeriodContext,
  quarterOrNull,
  yearOrNull,
} from './fiscal-calendar.ts';
import { FY_SPEC, FY_WORD, fiscalYearOfSpec, PLAUSIBLE_MAX_YEAR, PLAUSIBLE_MIN_YEAR } from './fiscal-year.ts';
import { foldText, monthOfFoldedName } from './month-names.ts';

// Text forms, matched against folded text (lower case, no accents, single spaces).
const SEP = "[\\s\\-/_,.']*";
const Q = '(?:q|qtr|quarter|quartal|trimestre)\\s*([1-4])';
const P = '(?:p|per|period|periode|periodo)\\s*\\.?\\s*(\\d{1,2})';
const NAME = '([a-z]+)\\.?';
const FY_EXPLICIT = `${FY_WORD}\\s*'?(\\d{4}|\\d{2})(?:\\s*[-/]\\s*(\\d{4}|\\d{2}))?`;
const TIME = '(?:[t ]\\d{1,2}:\\d{2}(?::\\d{2}(?:[.,]\\d+)?)?\\s?(?:z|[+-]\\d{2}(?::?\\d{2})?)?)?';
const re = (source: string): RegExp => new RegExp(`^${source}$`);

const Q_BARE = re(Q);
const P_BARE = re(P);
const NAME_BARE = re(NAME);
const D_NAME = re(`(\\d{1,2})${SEP}${NAME}`);

const num = (s: string | undefined): number => Number(s);
const twoOrFour = (s: string | undefined): number => (s?.length === 2 ? 2000 + Number(s) : Number(s));
const fy = (year: string | undefined, end: string | undefined): number | null => fiscalYearOfSpec(year ?? '', end);

function validDay(year: number, month: number, day: number): boolean {
  return month >= 1 && month <= 12 && day >= 1 && day <= daysInMonth(year, month);
}

/** A month name (group `i` of `m`) as 1..12, or 0. */
function monthAt(m: RegExpExecArray, i: number): number {
  return monthOfFoldedName(m[i] ?? '') ?? 0;
}

/** A month with a day that must exist; `undefined` when group `nameAt` is not a month name. */
function dayOfMonth(year: number, m: RegExpExecArray, nameAt: number, dayAt: number, start: number): Period | null | undefined {
  const month = monthAt(m, nameAt);
  if (month === 0) return undefined;
  return validDay(year, month, num(m[dayAt])) ? monthOrNull(year, month, start) : null;
}

/** `m/1/yyyy` (month first) or `1/m/yyyy` (day first): the month whose first day it is; another day → null. */
function firstOfMonth(year: number, a: number, b: number, start: number): Period | null {
  if (b === 1 && a >= 1 && a <= 12) return monthOrNull(year, a, start);
  if (a === 1 && b >= 1 && b <= 12) return monthOrNull(year, b, start);
  return null;
}

/** A rule's answer: a period, `null` (this form, but invalid), or `undefined` (not this form: try the next). */
type Rule = readonly [RegExp, (m: RegExpExecArray, ctx: PeriodContext, known: number | null) => Period | null | undefined];

/** In order; the first rule whose pattern matches and that does not answer `undefined` decides. */
const RULES: readonly Rule[] = [
  // 2026-01-15, 2026/1/15, 2026-01-15T00:00:00.000Z → month
  [
    re(`(\\d{4})[-/.](\\d{1,2})[-/.](\\d{1,2})${TIME}`),
    (m, c) => (validDay(num(m[1]), num(m[2]), num(m[3])) ? monthOrNull(num(m[1]), num(m[2]), c.fiscalYearStartMonth) : null),
  ],
  // 02/01/2020 or 01/02/2020: a budget month's first day, in either order (the day is the 1); 01.02.2020 is day.month.
  [re('(\\d{1,2})/(\\d{1,2})/(\\d{4})'), (m, c) => firstOfMonth(num(m[3]), num(m[1]), num(m[2]), c.fiscalYearStartMonth)],
  [
    re('(\\d{1,2})\\.(\\d{1,2})\\.(\\d{4})'),
    (m, c) => (num(m[1]) === 1 ? monthOrNull(num(m[3]), num(m[2]), c.fiscalYearStartMonth) : null),
  ],
  [re('(\\d{4}) ?[-/.] ?(\\d{1,2})'), (m, c) => monthOrNull(num(m[1]), num(m[2]), c.fiscalYearStartMonth)], // 2026-01
  [re('(\\d{1,2}) ?[-/.] ?(\\d{4})'), (m, c) => monthOrNull(num(m[2]), num(m[1]), c.fiscalYearStartMonth)], // 01/2026
  [re('(\\d{4})'), (m, c) => yearOrNull(num(m[1]), c.fiscalYearStartMonth, true)], // 2026 → FY2026
  [
    re('(\\d{4})(\\d{2})'), // 202601
    (m, c) => {
      const y = num(m[1]);
      return y >= PLAUSIBLE_MIN_YEAR && y <= PLAUSIBLE_MAX_YEAR ? monthOrNull(y, num(m[2]), c.fiscalYearStartMonth) : null;
    },
  ],
  [re('(\\d{4}) ?[-/] ?(\\d{4})'), (m, c) => yearOrNull(fy(m[1], m[2]), c.fiscalYearStartMonth, false)], // 2025/2026
  [re(FY_EXPLICIT), (m, c) => yearOrNull(fy(m[1], m[2]), c.fiscalYearStartMonth, false)], // FY26, FY 2025-26
  [re(`${Q}${SEP}${FY_SPEC}`), (m, c) => quarterOrNull(fy(m[3], m[4]), num(m[1]), c.fiscalYearStartMonth)], // Q1 FY26
  [re(`${FY_SPEC}${SEP}${Q}`), (m, c) => quarterOrNull(fy(m[2], m[3]), num(m[4]), c.fiscalYearStartMonth)], // FY26 Q1
  [re(`([1-4]) ?q${SEP}${FY_SPEC}`), (m, c) => quarterOrNull(fy(m[3], m[4]), num(m[1]), c.fiscalYearStartMonth)], // 1Q26
  [Q_BARE, (m, c, known) => quarterOrNull(known, num(m[1]), c.fiscalYearStartMonth)], // Q1
  [re(`${P}${SEP}${FY_SPEC}`), (m, c) => fiscalPeriodOrNull(num(m[1]), fy(m[3], m[4]), c)], // P01 FY26
  [re(`${FY_SPEC}${SEP}${P}`), (m, c) => fiscalPeriodOrNull(num(m[4]), fy(m[2], m[3]), c)], // FY26 P01
  [P_BARE, (m, c, known) => fiscalPeriodOrNull(num(m[1]), known, c)], // P01
  [
    re(`${NAME}${SEP}(\\d{4}|\\d{2})`),
    (m, c) => (monthAt(m, 1) ? monthOrNull(twoOrFour(m[2]), monthAt(m, 1), c.fiscalYearStartMonth) : undefined),
  ],
  [re(`(\\d{4})${SEP}${NAME}`), (m, c) => (monthAt(m, 2) ? monthOrNull(num(m[1]), monthAt(m, 2), c.fiscalYearStartMonth) : undefined)],
  [re(`(\\d{1,2})${SEP}${NAME}${SEP}(\\d{4}|\\d{2})`), (m, c) => dayOfMonth(twoOrFour(m[3]), m, 2, 1, c.fiscalYearStartMonth)], // 15-Jan-2026
  [re(`${NAME} ?(\\d{1,2})(?:st|nd|rd|th)?,? (\\d{4})`), (m, c) => dayOfMonth(num(m[3]), m, 1, 2, c.fiscalYearStartMonth)], // January 15, 2026
  [re(`${NAME}${SEP}${FY_EXPLICIT}`), (m, c) => (monthAt(m, 1) ? monthInFiscalYear(monthAt(m, 1), fy(m[2], m[3]), c) : undefined)], // Jan FY26
  [re(`${FY_EXPLICIT}${SEP}${NAME}`), (m, c) => (monthAt(m, 3) ? monthInFiscalYear(monthAt(m, 3), fy(m[1], m[2]), c) : undefined)], // FY26 Jan
];

/** The number written by ASCII digits `text[from..to)`, or -1 when any is not a digit. */
function digitsAt(text: string, from: number, to: number): number {
  let v = 0;
  for (let i = from; i < to; i++) {
    const d = text.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    v = v * 10 + d;
  }
  return v;
}

/**
 * Period columns repeat a few values on every row: results are remembered per (start month, fiscal
 * year), at most MEMO_LIMIT texts each.
 */
const MEMO_LIMIT = 4096;
const memos = new Map<number, Map<string, Period | null>>();

/** A period written as text; see `parsePeriod` for the forms. */
export function parsePeriodText(text: string, ctx: PeriodContext): Period | null {
  const start = ctx.fiscalYearStartMonth;
  if (text.length === 7 && text.charCodeAt(4) === 45) {
    const y = digitsAt(text, 0, 4);
    const mo = digitsAt(text, 5, 7);
    if (y >= 0 && mo >= 0) return monthOrNull(y, mo, start);
  }
  const known = knownFiscalYear(ctx);
  const memoKey = start * 10_000 + (known ?? 0);
  let memo = memos.get(memoKey);
  if (memo === undefined) {
    memo = new Map();
    memos.set(memoKey, memo);
  }
  const cached = memo.get(text);
  if (cached !== undefined) return cached;
  if (memo.size >= MEMO_LIMIT) memo.clear();
  const period = parseFolded(foldText(text), ctx, known);
  memo.set(text, period);
  return period;
}

function parseFolded(s: string, ctx: PeriodContext, known: number | null): Period | null {
  if (s === '') return null;
  for (const [pattern, decide] of RULES) {
    const m = pattern.exec(s);
    if (m === null) continue;
    const period = decide(m, ctx, known);
    if (period !== undefined) return period;
  }
  const bare = bareMonthOrQuarter(s);
  return bare?.grain === 'month' ? monthInFiscalYear(bare.month, known, ctx) : null;
}

export type BarePeriod = { grain: 'month'; month: number } | { grain: 'quarter'; quarter: number } | { grain: 'fiscal_period'; n: number };

/**
 * A period header without a year: `Jan`, `January`, `März`, `26-Jan` (Excel's day-month display; the day
 * is ignored) → month; `Q1`..`Q4`, `Qtr 1`, `Quarter 1` → quarter; `P01`..`P12`, `P1`, `Period 1` →
 * fiscal period. Anything else, including forms with a year, → `null`.
 */
export function bareMonthOrQuarter(text: string): BarePeriod | null {
  const s = foldText(text);
  const q = Q_BARE.exec(s);
  if (q !== null) return { grain: 'quarter', quarter: num(q[1]) };
  const p = P_BARE.exec(s);
  if (p !== null) {
    const n = num(p[1]);
    return n >= 1 && n <= 12 ? { grain: 'fiscal_period', n } : null;
  }
  const name = NAME_BARE.exec(s);
  if (name !== null && monthAt(name, 1)) return { grain: 'month', month: monthAt(name, 1) };
  const dayName = D_NAME.exec(s);
  if (dayName !== null && monthAt(dayName, 2) && num(dayName[1]) >= 1 && num(dayName[1]) <= 31) {
    return { grain: 'month', month: monthAt(dayName, 2) };
  }
  return null;
}
