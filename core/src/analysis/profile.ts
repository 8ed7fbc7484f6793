/**
 * What the values under each header look like, from a sample of data rows. Mapping uses it as evidence
 * ("money-like values are an amount"), kind detection uses it for value patterns (day-level dates,
 * SSNs, IBANs, personal names, masked card numbers, codes), validation uses the number style it finds.
 */
import { amountWithNoteMark, detectNumberStyle, parseAmount, type NumberStyle } from '../values/money.ts';
import { bareMonthOrQuarter, parseFiscalYear, parsePeriod, relativeYear } from '../values/period.ts';
import type { CellValue, Row } from '../workbook.ts';

export interface ColumnProfile {
  /** 0-based column. */
  col: number;
  nonEmpty: number;
  numeric: number;
  /** Numbers with cents or thousands separators, or currency marks: clearly money. */
  moneyLike: number;
  /**
   * Numbers the size money has: with cents, or of 100 and more, however written (`45400` in a CSV is not
   * `moneyLike`, yet it is money, while a department number 1..10 is not).
   */
  moneySized: number;
  text: number;
  periodLike: number;
  fiscalYearLike: number;
  /** Years counted from the budget's first (`Year 1`, `第2年`), among `fiscalYearLike`. */
  relativeYears: number;
  /** Dates naming a specific day (not the first of a month): transactions, not budget periods. */
  dayDates: number;
  /** Dates of any day, first of the month included (ISO, d/m/y, m/d/y, yyyymmdd, date cells). */
  dates: number;
  distinct: number;
  ssn: number;
  iban: number;
  /** Shaped like an IBAN (country, check digits, account), whether or not the check digits hold: test and masked exports. */
  ibanLike: number;
  /** Card numbers as statements print them: `****1234`, `XXXX-XXXX-XXXX-1234`. */
  maskedCard: number;
  /** Digit strings with a leading zero (`02`, `0611`): codes, never amounts. */
  leadingZero: number;
  email: number;
  personName: number;
  currencyCode: number;
  yesNo: number;
  /** Company names ("… Ltd", "… GmbH"): suppliers, not budget lines. */
  companyNames: number;
  /** Reference numbers such as INV-20400 or TX10001. */
  referenceIds: number;
  /** Percentages written with their sign (`12.5%`, `3,5 %`): shares or changes, never money or names. */
  percent: number;
  /** Figures with a footnote or flag mark after them (`1,234 (a)`, `12.500 *`), counted among `numeric`. */
  noteMarks: number;
  /** Every number is a whole number written with this many digits (`4711`, `5011000`): codes. Null otherwise. */
  codeWidth: number | null;
  formulaErrors: number;
  samples: string[];
  numberStyle: NumberStyle | null;
}

const SSN = /^(?!000|666|9\d\d)\d{3}-(?!00)\d{2}-(?!0000)\d{4}$/;
const IBAN = /^[A-Z]{2}\d{2}(?: ?[A-Z0-9]){11,30}$/;
const EMAIL = /^[^\s@]+@[^\s@]+\.[a-z]{2,}$/i;
const PERSON = /^\p{Lu}[\p{Ll}'’-]+(?: \p{Lu}\.?)?(?: \p{Lu}[\p{Ll}'’-]+){1,2}$/u;
const PERSON_COMMA = /^\p{Lu}[\p{Ll}'’-]+, \p{Lu}[\p{Ll}'’-]+$/u;
const ISO_DAY = /^(\d{4})-(\d{2})-(\d{2})(?:[T ]|$)/;
const SLASH_DAY = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$/;
const COMPACT_DAY = /^(19|20)(\d{2})(0[1-9]|1[0-2])(0[1-9]|[12]\d|3[01])$/;
const IBAN_SHAPE = /^[A-Z]{2}\d{2}[A-Z0-9]{11,30}$/;
const MASKED_CARD = /^(?:[*xX•#]{4}[ -]?){1,3}\d{4}$|^[*xX•#]{2,}\d{4}$|^\d{4,6}[*xX•#]{4,}\d{4}$/;
const LEADING_ZERO = /^0\d+$/;
const CURRENCY_CODE = /^[A-Z]{3}$/;
const YES_NO = /^(?:y|n|yes|no|true|false|ja|nein|oui|non|si|sí)$/i;
const COMPANY = /\b(?:ltd|limited|plc|inc|llc|llp|gmbh|corp|corporation|co|sa|sarl|sas|ag|bv|pty|srl|spa|oy|ab)\.?$/i;
const REFERENCE = /^[A-Z]{0,6}[-_/ #]?\d{3,}[A-Z0-9-]*$/i;
const PERCENT = /^\(?[-+−]?\d[\d.,'\s\u00a0\u202f]*\s?%\)?$/;
const FORMULA_ERROR = /^#(?:REF!|VALUE!|DIV\/0!|N\/A|NAME\?|NUM!|NULL!|ERROR!|SPILL!|CALC!|GETTING_DATA)$/;

export function isFormulaError(value: unknown): boolean {
  return typeof value === 'string' && value.length <= 14 && value.charCodeAt(0) === 35 && FORMULA_ERROR.test(value);
}

export function isIban(text: string): boolean {
  const compact = text.replace(/ /g, '');
  if (!IBAN.test(text) || compact.length < 15 || compact.length > 34) return false;
  const rearranged = compact.slice(4) + compact.slice(0, 4);
  let remainder = 0;
  for (const ch of rearranged) {
    const code = ch.charCodeAt(0);
    const digits = code >= 65 ? String(code - 55) : ch;
    for (const d of digits) remainder = (remainder * 10 + (d.charCodeAt(0) - 48)) % 97;
  }
  return remainder === 1;
}

export function isSsn(text: string): boolean {
  return text.length === 11 && SSN.test(text);
}

/** A date cell, ISO date or yyyymmdd (`20200213`, as bank exports write it): day of month, or null when not a date. */
function dayOfMonth(value: CellValue): number | null {
  if (value instanceof Date) return new Date(Math.round(value.getTime() / 86_400_000) * 86_400_000).getUTCDate();
  const s = typeof value === 'number' && Number.isInteger(value) ? String(value) : typeof value === 'string' ? value.trim() : '';
  if (s.length < 8) return null;
  const iso = ISO_DAY.exec(s);
  if (iso) return Number(iso[3]);
  const compact = COMPACT_DAY.exec(s);
  return compact ? Number(compact[4]) : null;
}

/**
 * Slash dates (`02/01/2020`) are day-first or month-first; the column decides. A part above 12 names
 * the day; when every date shares a `01` in one place and varies in the other, the `01` is the day and the
 * column holds months (a budget's `01/01/2020, 02/01/2020, …`). Otherwise the first part is taken as the day.
 */
function slashDayDates(parts: readonly [number, number][]): number {
  if (parts.length === 0) return 0;
  let dayAt: 0 | 1 = 0;
  if (parts.some((p) => p[0] > 12)) dayAt = 0;
  else if (parts.some((p) => p[1] > 12)) dayAt = 1;
  else if (parts.length >= 2 && parts.every((p) => p[1] === 1) && parts.some((p) => p[0] !== 1)) dayAt = 1;
  return parts.filter((p) => p[dayAt] !== 1).length;
}
function isMoneyLike(value: CellValue): boolean {
  if (typeof value === 'number') return !Number.isInteger(value) || Math.abs(value) >= 100;
  if (typeof value !== 'string') return false;
  return /[$€£¥₹]|\d[.,]\d{2}$|\d{1,3}(?:[,. '\u00a0]\d{3})+/.test(value);
}

/** Profiles columns 0..width-1 over the given data rows. */
export function profileColumns(rows: readonly Row[], width: number): ColumnProfile[] {
  const profiles: ColumnProfile[] = [];
  for (let col = 0; col < width; col++) {
    const p: ColumnProfile = {
      col,
      nonEmpty: 0,
      numeric: 0,
      moneyLike: 0,
      moneySized: 0,
      text: 0,
      periodLike: 0,
      fiscalYearLike: 0,
      relativeYears: 0,
      dayDates: 0,
      dates: 0,
      distinct: 0,
      ssn: 0,
      iban: 0,
      ibanLike: 0,
      maskedCard: 0,
      leadingZero: 0,
      email: 0,
      personName: 0,
      currencyCode: 0,
      yesNo: 0,
      companyNames: 0,
      referenceIds: 0,
      percent: 0,
      noteMarks: 0,
      codeWidth: null,
      formulaErrors: 0,
      samples: [],
      numberStyle: null,
    };
    const seen = new Set<string>();
    const textSamples: string[] = [];
    // The digit count shared by every whole number so far: 0 before the first, -1 once two differ.
    let digitWidth = 0;
    const slashDates: [number, number][] = [];
    for (const row of rows) {
      const v = row[col];
      if (v === null || v === undefined || (typeof v === 'string' && v.trim() === '')) continue;
      p.nonEmpty++;
      const s = typeof v === 'string' ? v.trim() : v instanceof Date ? v.toISOString() : String(v);
      seen.add(s);
      if (p.samples.length < 5) p.samples.push(s);
      if (isFormulaError(s)) {
        p.formulaErrors++;
        continue;
      }
      let amount = parseAmount(v);
      if (typeof v === 'string') {
        const noted = amount.ok ? null : amountWithNoteMark(s);
        if (noted !== null) {
          amount = noted.parse;
          p.noteMarks++;
        } else if (!amount.ok && PERCENT.test(s)) p.percent++;
        // The figure without its note mark says which decimal separator the column uses (`12.500 1)`).
        textSamples.push(noted?.body ?? s);
        if (LEADING_ZERO.test(s)) p.leadingZero++;
        if (MASKED_CARD.test(s)) p.maskedCard++;
        else if (s.length >= 15 && IBAN_SHAPE.test(s.replace(/ /g, ''))) p.ibanLike++;
      }
      if (amount.ok) {
        p.numeric++;
        const digits = /^\d+$/.test(s) ? s.length : -1;
        digitWidth = digitWidth === 0 ? digits : digitWidth === digits ? digitWidth : -1;
        if (isMoneyLike(v)) p.moneyLike++;
        if (amount.minor % 100n !== 0n || amount.minor >= 10_000n || amount.minor <= -10_000n) p.moneySized++;
      } else if (typeof v === 'string') {
        p.text++;
        if (isSsn(s)) p.ssn++;
        else if (isIban(s)) p.iban++;
        else if (EMAIL.test(s)) p.email++;
        else if (PERSON.test(s) || PERSON_COMMA.test(s)) p.personName++;
        else if (CURRENCY_CODE.test(s)) p.currencyCode++;
        else if (YES_NO.test(s)) p.yesNo++;
        if (COMPANY.test(s)) p.companyNames++;
      }
      if (typeof v === 'string' && REFERENCE.test(s) && /[A-Za-z]/.test(s)) p.referenceIds++;
      if (parsePeriod(v, { fiscalYearStartMonth: 1 }) !== null || (typeof v === 'string' && bareMonthOrQuarter(s) !== null)) p.periodLike++;
      if (parseFiscalYear(v) !== null || relativeYear(v) !== null) p.fiscalYearLike++;
      if (relativeYear(v) !== null) p.relativeYears++;
      const day = dayOfMonth(v);
      if (day !== null) {
        p.dates++;
        if (day !== 1) p.dayDates++;
      } else if (typeof v === 'string') {
        const slash = SLASH_DAY.exec(s);
        // Dots and dashes are written day first (31.01.2025, 31-01-2025); only slashes are ambiguous.
        if (slash && s.includes('/')) slashDates.push([Number(slash[1]), Number(slash[2])]);
        else if (slash) {
          p.dates++;
          if (Number(slash[1]) !== 1) p.dayDates++;
        }
      }
    }
    p.dates += slashDates.length;
    p.dayDates += slashDayDates(slashDates);
    p.distinct = seen.size;
    p.codeWidth = digitWidth >= 3 && p.distinct >= 2 ? digitWidth : null;
    p.numberStyle = detectNumberStyle(textSamples);
    profiles.push(p);
  }
  return profiles;
}

export function ratio(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}
