/**
 * Exact decimal digits → minor units (scale 2), for money.ts: thousands-grouped amount bodies
 * (`1.234.567,89`), plain and scientific decimal text (`1.5e-7`). Rounds half away from zero.
 * Pure: no I/O, no Node APIs.
 */
import type { AmountParse, NumberStyle } from './money.ts';

/** Tolerance for JS numbers, in cents: 1e-6 currency units (Excel float noise such as 1234.5600000000002). */
export const CENT_TOLERANCE = 1e-4 + 1e-12;
const NON_ZERO = /[1-9]/;
const SCIENTIFIC = /^(\d*)(?:\.(\d*))?(?:[eE]([+-]?\d{1,3}))?$/;

export function ok(minor: bigint, currency: string | null, rounded: boolean): AmountParse {
  return { ok: true, minor, currency, rounded };
}

/** Separator kinds: 1 `.`, 2 `,`, 3 space (U+0020, U+00A0, U+202F, U+2009, U+2007), 4 apostrophe. */
function separatorKind(c: number): number {
  if (c === 46) return 1;
  if (c === 44) return 2;
  if (c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 0x2007) return 3;
  if (c === 39 || c === 0x2019 || c === 0x02bc) return 4;
  return 0;
}

/** At most this many separators in one amount (`1,234,567,…`); scratch space reused across calls. */
const MAX_SEPARATORS = 40;
const kinds = new Uint8Array(MAX_SEPARATORS);
const lens = new Int32Array(MAX_SEPARATORS + 1);

/**
 * The amount in `s[lo..hi)` once signs and currency are peeled off: digits with thousands separators and
 * at most one decimal separator, or scientific notation. `null` when it is not a number.
 */
export function bodyToAmount(
  s: string,
  lo: number,
  hi: number,
  neg: boolean,
  currency: string | null,
  style: NumberStyle | undefined,
): AmountParse | null {
  let n = 0; // separators seen
  let len = 0;
  for (let i = lo; i < hi; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) len++;
    else if (c === 101 || c === 69) return scientificToAmount(s.slice(lo, hi), neg, currency, false);
    else {
      const kind = separatorKind(c);
      if (kind === 0 || (len === 0 && (n > 0 || kind > 2)) || n === MAX_SEPARATORS) return null;
      kinds[n] = kind;
      lens[n++] = len;
      len = 0;
    }
  }
  if (len === 0) return null;
  lens[n] = len;

  let decimalAt = -1; // index into kinds of the decimal separator
  const last = n > 0 ? kinds[n - 1] : 0;
  if (last === 1 || last === 2) {
    let same = 0;
    for (let k = 0; k < n; k++) if (kinds[k] === last) same++;
    if (same === 1 && n > 1) decimalAt = n - 1;
    else if (same === 1) {
      const before = lens[0] ?? 0;
      const thousandsShape = lens[1] === 3 && before >= 1 && before <= 3 && s.charCodeAt(lo) !== 48;
      const char = last === 1 ? '.' : ',';
      if (!thousandsShape || (style ? style.decimal === char : char === '.')) decimalAt = 0;
    }
  }
  const groupSeps = decimalAt === -1 ? n : decimalAt;
  if (groupSeps > 0 && !validGrouping(groupSeps)) return null;

  let intLen = 0;
  for (let g = 0; g <= groupSeps; g++) intLen += lens[g] ?? 0;
  return intLen <= 13 ? smallDigitsToAmount(s, lo, hi, intLen, neg, currency) : bigDigitsToAmount(s, lo, hi, intLen, neg, currency);
}

/** The digits of `s[lo..hi)` (separators skipped), split after `intLen` digits, as exact minor units. */
function smallDigitsToAmount(s: string, lo: number, hi: number, intLen: number, neg: boolean, currency: string | null): AmountParse {
  let v = 0;
  let k = 0; // digits seen
  let restFirst = 0;
  let restNonZero = false;
  for (let i = lo; i < hi; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) continue;
    if (k < intLen + 2) v = v * 10 + d;
    else if (k === intLen + 2) restFirst = d;
    if (k >= intLen + 2 && d !== 0) restNonZero = true;
    k++;
  }
  for (; k < intLen + 2; k++) v *= 10;
  if (restFirst >= 5) v += 1;
  return ok(BigInt(neg ? -v : v), currency, restNonZero);
}

function bigDigitsToAmount(s: string, lo: number, hi: number, intLen: number, neg: boolean, currency: string | null): AmountParse {
  let digits = '';
  let start = lo;
  for (let i = lo; i < hi; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) {
      digits += s.slice(start, i);
      start = i + 1;
    }
  }
  digits += s.slice(start, hi);
  return digitsToAmount(neg, digits.slice(0, intLen), digits.slice(intLen), currency, false);
}

/** Thousands groups: one separator kind; first group 1–3 digits, then groups of 3 (or Indian 2…2,3). */
function validGrouping(seps: number): boolean {
  const kind = kinds[0];
  for (let g = 1; g < seps; g++) if (kinds[g] !== kind) return false;
  const first = lens[0] ?? 0;
  if (first < 1 || first > 3 || lens[seps] !== 3) return false;
  let threes = true;
  let twos = kind === 2 && first <= 2;
  for (let g = 1; g < seps; g++) {
    if (lens[g] !== 3) threes = false;
    if (lens[g] !== 2) twos = false;
  }
  return threes || twos;
}

export /** Unsigned decimal text with an optional exponent (`123.456`, `1.5e-7`, `1e+21`), shifted exactly. */
function scientificToAmount(text: string, neg: boolean, currency: string | null, tolerant: boolean): AmountParse | null {
  const m = SCIENTIFIC.exec(text);
  if (m === null) return null;
  const intPart = m[1] ?? '';
  const fracPart = m[2] ?? '';
  const digits = intPart + fracPart;
  if (digits.length === 0) return null;
  const point = intPart.length + (m[3] === undefined ? 0 : Number(m[3]));
  if (point <= 0) return digitsToAmount(neg, '', '0'.repeat(-point) + digits, currency, tolerant);
  if (point >= digits.length) return digitsToAmount(neg, digits + '0'.repeat(point - digits.length), '', currency, tolerant);
  return digitsToAmount(neg, digits.slice(0, point), digits.slice(point), currency, tolerant);
}

/**
 * Integer and fraction digit strings → minor units, rounding half away from zero. `tolerant` (JS numbers
 * only): digits beyond cents worth at most 1e-6 units are float noise, not rounding.
 */
function digitsToAmount(neg: boolean, intDigits: string, fracDigits: string, currency: string | null, tolerant: boolean): AmountParse {
  const cents = fracDigits.length >= 2 ? fracDigits.slice(0, 2) : fracDigits.padEnd(2, '0');
  let mag = BigInt(intDigits + cents);
  let rounded = false;
  if (fracDigits.length > 2) {
    const rest = fracDigits.slice(2);
    if (NON_ZERO.test(rest)) {
      const fraction = tolerant ? Number(`0.${rest}`) : 0.5;
      if (tolerant && fraction >= 1 - CENT_TOLERANCE) mag += 1n;
      else if (!tolerant || fraction > CENT_TOLERANCE) {
        rounded = true;
        if (rest.charCodeAt(0) >= 53) mag += 1n;
      }
    }
  }
  return ok(neg ? -mag : mag, currency, rounded);
}
