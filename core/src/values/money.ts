/**
 * Exact money parsing (DESIGN §2: money is exact, never floats for sums).
 *
 * Amounts are integer MINOR UNITS AT A FIXED SCALE OF 2 (cents), whatever the currency: `1234.50` is
 * `123450n`, also for JPY (`¥1000` is `100000n`). Inputs with more decimals are rounded half away from
 * zero and flagged `rounded`. Pure: no I/O, no Node APIs; runs on every cell, so fast paths come first.
 */
import type { CellValue } from '../workbook.ts';
import { bodyToAmount, CENT_TOLERANCE, ok, scientificToAmount } from './amount-digits.ts';
import { type CurrencyHit, matchCurrencyPrefix, matchCurrencySuffix } from './currency.ts';

export { currencyFromText, ISO_CURRENCY_CODES } from './currency.ts';
export { detectNumberStyle } from './number-style.ts';

/** Which character separates the decimals. A hint for ambiguous text such as `1,234` or `1.234`. */
export type NumberStyle = { decimal: '.' | ',' };

export type AmountParse =
  | { ok: true; minor: bigint; currency: string | null; rounded: boolean }
  | { ok: false; reason: 'empty' | 'formula_error' | 'not_a_number' };

type AmountFailure = Extract<AmountParse, { ok: false }>;
const EMPTY: AmountFailure = Object.freeze({ ok: false, reason: 'empty' });
const FORMULA_ERROR: AmountFailure = Object.freeze({ ok: false, reason: 'formula_error' });
const NOT_A_NUMBER: AmountFailure = Object.freeze({ ok: false, reason: 'not_a_number' });

/**
 * The shape of spreadsheet formula errors (`#REF!`, `#N/A`, `#DIV/0!`, `#NAME?`, `#GETTING_DATA`,
 * and newer ones such as `#SPILL!`, `#CALC!`, `#BLOCKED!`).
 */
const FORMULA_ERROR_TEXT = /^#(?:N\/A|GETTING_DATA|[A-Z][A-Z0-9/_]*[!?])$/i;

/**
 * Parses a cell as an amount.
 * - `null`, `undefined`, empty or white-space text → `empty`; formula errors → `formula_error`;
 *   booleans, Dates, non-finite numbers, percentages (`12%`) and other text → `not_a_number`.
 * - Numbers (xlsx): exact when within 1e-6 of a whole cent, else rounded half away from zero using the
 *   number's shortest decimal form (`String(n)`), never float multiplication.
 * - Text: signs `-`/`+`/`−` before or after a currency, trailing minus (`1200-`), parentheses for negatives,
 *   currency symbols or ISO codes before or after, thousands separators `,` `.` space (also U+00A0, U+202F)
 *   and apostrophe, decimal `.` or `,`, scientific notation (`1.2e3`). A single `,` or `.` followed by
 *   exactly 3 digits (`1,234`, `1.234`) is ambiguous: `style` decides; without it `,` is a thousands
 *   separator and `.` a decimal point.
 * - A lone `-` or `–` (optionally with a currency, e.g. `$ -`) is Excel's accounting display of zero and
 *   parses as 0. An em dash `—` does not (it usually means "no value").
 */
export function parseAmount(value: CellValue | undefined, style?: NumberStyle): AmountParse {
  if (typeof value === 'number') return parseNumber(value);
  if (typeof value === 'string') {
    const minor = plainToMinor(value);
    return minor === null ? parseText(value, style) : ok(minor, null, false);
  }
  return value === null || value === undefined ? EMPTY : NOT_A_NUMBER;
}

function parseNumber(n: number): AmountParse {
  if (!Number.isFinite(n)) return NOT_A_NUMBER;
  if (Number.isSafeInteger(n)) return ok(BigInt(n) * 100n, null, false);
  if (n < 1e9 && n > -1e9) {
    const cents = n * 100;
    const whole = Math.round(cents);
    if (Math.abs(cents - whole) <= CENT_TOLERANCE) return ok(BigInt(whole), null, false);
  }
  const text = String(n);
  const neg = text.charCodeAt(0) === 45;
  return scientificToAmount(neg ? text.slice(1) : text, neg, null, true) ?? NOT_A_NUMBER;
}

/**
 * Fast path: `^-?\d{1,13}(\.\d{1,2})?$` without allocating anything but the bigint. `null` when the text
 * has another shape (the general path then decides).
 */
function plainToMinor(s: string): bigint | null {
  const minor = plainMinor(s);
  return Number.isNaN(minor) ? null : BigInt(minor);
}

/** `plainToMinor` as a JavaScript number (exact: at most 15 digits), or NaN; allocates nothing. */
function plainMinor(s: string): number {
  const len = s.length;
  let i = 0;
  if (len === 0) return Number.NaN;
  const neg = s.charCodeAt(0) === 45;
  if (neg) i = 1;
  let v = 0;
  const intStart = i;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    v = v * 10 + (c - 48);
  }
  const intDigits = i - intStart;
  if (intDigits === 0 || intDigits > 13) return Number.NaN;
  v *= 100;
  if (i < len) {
    if (s.charCodeAt(i) !== 46) return Number.NaN;
    const fracDigits = len - i - 1;
    if (fracDigits < 1 || fracDigits > 2) return Number.NaN;
    const d1 = s.charCodeAt(i + 1) - 48;
    const d2 = fracDigits === 2 ? s.charCodeAt(i + 2) - 48 : 0;
    if (d1 < 0 || d1 > 9 || d2 < 0 || d2 > 9) return Number.NaN;
    v += d1 * 10 + d2;
  }
  return neg ? -v : v;
}

/** Largest magnitude `quickMinor` returns: two of them still add up exactly in a double. */
export const QUICK_MINOR_MAX = 2 ** 52;

/**
 * For hot loops: the minor units of a plain decimal text (`1234.5`, `-0.05`) or of a number cell that is
 * exact to the cent, as a JavaScript number of magnitude at most 2^52 — exactly what `parseAmount` would
 * give, with no currency and not rounded — or NaN, when `parseAmount` must decide. Allocates nothing.
 */
export function quickMinor(value: CellValue | undefined): number {
  if (typeof value === 'string') return plainMinor(value);
  if (typeof value !== 'number' || !Number.isFinite(value)) return Number.NaN;
  if (Number.isSafeInteger(value)) {
    const minor = value * 100;
    return minor <= QUICK_MINOR_MAX && minor >= -QUICK_MINOR_MAX ? minor : Number.NaN;
  }
  if (value < 1e9 && value > -1e9) {
    const cents = value * 100;
    const whole = Math.round(cents);
    // -0 from a tiny negative number: parseAmount gives 0n, whose Number is +0.
    if (Math.abs(cents - whole) <= CENT_TOLERANCE) return whole === 0 ? 0 : whole;
  }
  return Number.NaN;
}

/**
 * Whether `text`, for which `quickMinor` gave `minor`, is already the canonical amount text (`formatMinor`):
 * two decimals, no leading zeros, not `-0.00`.
 */
export function isCanonicalMinorText(text: string, minor: number): boolean {
  const n = text.length;
  if (n < 4 || text.charCodeAt(n - 3) !== 46) return false;
  const neg = text.charCodeAt(0) === 45;
  if (neg && minor === 0) return false;
  const first = neg ? 1 : 0;
  return text.charCodeAt(first) !== 48 || first + 1 === n - 3;
}

/** `formatMinor` for a safe-integer number of minor units. */
export function formatMinorNumber(minor: number): string {
  const neg = minor < 0;
  const digits = String(neg ? -minor : minor).padStart(3, '0');
  const cut = digits.length - 2;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

function isSpace(c: number): boolean {
  return (
    c === 32 ||
    c === 9 ||
    c === 10 ||
    c === 13 ||
    c === 0xa0 ||
    c === 0x202f ||
    c === 0x3000 ||
    c === 0xfeff ||
    (c >= 0x2000 && c <= 0x200b)
  );
}

/** `-`, `−` (U+2212 minus sign), `–` (U+2013 en dash). */
function isMinus(c: number): boolean {
  return c === 45 || c === 0x2212 || c === 0x2013;
}

const hit: CurrencyHit = { code: null };

function parseText(s: string, style: NumberStyle | undefined): AmountParse {
  let lo = 0;
  let hi = s.length;
  while (lo < hi && isSpace(s.charCodeAt(lo))) lo++;
  while (hi > lo && isSpace(s.charCodeAt(hi - 1))) hi--;
  if (lo === hi) return EMPTY;
  if (s.charCodeAt(lo) === 35) return FORMULA_ERROR_TEXT.test(s.slice(lo, hi)) ? FORMULA_ERROR : NOT_A_NUMBER;

  let sign = 0; // 0 none, 1 '+', -1 minus
  let open = false;
  let close = false;
  let hasCurrency = false;
  let currency: string | null = null;
  // Peel signs, an opening parenthesis and a currency off the left, in any order, each at most once.
  while (lo < hi) {
    const c = s.charCodeAt(lo);
    if (isSpace(c)) lo++;
    else if (c === 43 || isMinus(c)) {
      if (sign !== 0) return NOT_A_NUMBER;
      sign = c === 43 ? 1 : -1;
      lo++;
    } else if (c === 40) {
      if (open) return NOT_A_NUMBER;
      open = true;
      lo++;
    } else {
      const n = hasCurrency ? 0 : matchCurrencyPrefix(s, lo, hi, hit);
      if (n === 0) break;
      hasCurrency = true;
      currency = hit.code;
      lo += n;
    }
  }
  // Then a closing parenthesis, a trailing minus and a currency off the right.
  while (hi > lo) {
    const c = s.charCodeAt(hi - 1);
    if (isSpace(c)) hi--;
    else if (c === 41) {
      if (!open || close) return NOT_A_NUMBER;
      close = true;
      hi--;
    } else if (isMinus(c)) {
      if (sign !== 0) return NOT_A_NUMBER;
      sign = -1;
      hi--;
    } else {
      const n = matchCurrencySuffix(s, lo, hi, hit);
      if (n === 0) break;
      if (hasCurrency && hit.code !== currency) return NOT_A_NUMBER;
      hasCurrency = true;
      currency = hit.code;
      hi -= n;
    }
  }
  if (open !== close || (open && sign !== 0)) return NOT_A_NUMBER;
  if (lo === hi) return sign === -1 && !open ? ok(0n, currency, false) : NOT_A_NUMBER;
  return bodyToAmount(s, lo, hi, open || sign === -1, currency, style) ?? NOT_A_NUMBER;
}

/**
 * A footnote or flag mark printed after a figure, as published tables write them: `(a)`, `(1)`, `[2]`, `b)`,
 * `1)`, `*`, `†`, `‡`, `§`, superscript digits (`€¹`), or one letter after a space (`56 000 e` for estimated,
 * `p` provisional), but never `k`, `m` or `b`, which scale a figure (thousands, millions, billions).
 */
const NOTE_MARK =
  /(?:\s*(?:\(\s*(?:[a-z]|\d{1,2}|[ivx]{1,4})\s*\)|\[\s*(?:[a-z]|\d{1,2})\s*\]|[a-z]\)|[*†‡§\u00b9\u00b2\u00b3\u2070\u2074-\u2079]+)|\s+[a-z]\)?|\s+\d{1,2}\))$/i;
const SCALE_LETTER = /\s[kmb]\)?$/i;

/** A figure followed by a note mark, parsed: the amount, and the mark as written (trimmed). */
export interface NotedAmount {
  parse: Extract<AmountParse, { ok: true }>;
  mark: string;
  /** The figure as written, without the mark. */
  body: string;
}

/**
 * The amount of a cell whose figure carries a footnote or flag mark after it (`1,234 (a)`, `12.500 *`,
 * `1 234,00 €¹`, `56 000 e`): the figure without the mark, or null when the cell is not such a figure.
 * Only for cells `parseAmount` refuses: a plain amount never goes through here.
 */
export function amountWithNoteMark(value: CellValue | undefined, style?: NumberStyle): NotedAmount | null {
  if (typeof value !== 'string') return null;
  let body = value.trimEnd();
  const marks: string[] = [];
  for (let i = 0; i < 2; i++) {
    if (SCALE_LETTER.test(body)) return null;
    const m = NOTE_MARK.exec(body);
    if (m === null || m.index === 0) break;
    marks.unshift(m[0].trim());
    body = body.slice(0, m.index).trimEnd();
    const parsed = parseAmount(body, style);
    if (parsed.ok) return { parse: parsed, mark: marks.join(' '), body };
  }
  return null;
}

/** `"1234.50"`, `"-0.05"`, `"0.00"`: minor units (scale 2) as a decimal string. */
export function formatMinor(minor: bigint): string {
  const neg = minor < 0n;
  const digits = (neg ? -minor : minor).toString().padStart(3, '0');
  const cut = digits.length - 2;
  return `${neg ? '-' : ''}${digits.slice(0, cut)}.${digits.slice(cut)}`;
}

const API_DECIMAL = /^(-?)(\d+)(?:\.(\d{1,2}))?$/;

/**
 * API-style decimal text (`"1234.5"`, `"-0.01"`, `"7"`): no separators, no currency, no exponent, at most
 * 2 decimals → minor units; `null` for anything else.
 */
export function parseDecimal(text: string): bigint | null {
  const fast = plainToMinor(text);
  if (fast !== null) return fast;
  const m = API_DECIMAL.exec(text);
  if (m === null) return null;
  const mag = BigInt((m[2] ?? '') + (m[3] ?? '').padEnd(2, '0'));
  return m[1] === '-' ? -mag : mag;
}
