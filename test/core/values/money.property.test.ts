import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type AmountParse, formatMinor, parseAmount, parseDecimal } from '../../../core/src/values/money.ts';

const RUNS = { numRuns: 500 };
const minorUnits = fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n });

function minorOf(r: AmountParse): bigint | null {
  return r.ok ? r.minor : null;
}

/** Inserts `sep` every 3 digits from the right (written here independently of the parser). */
function group(digits: string, sep: string): string {
  let out = '';
  for (let i = 0; i < digits.length; i++) {
    if (i > 0 && sep !== '' && (digits.length - i) % 3 === 0) out += sep;
    out += digits.charAt(i);
  }
  return out;
}

const STYLES = [
  { name: 'US', thousands: ',', decimal: '.' },
  { name: 'European', thousands: '.', decimal: ',' },
  { name: 'French (space)', thousands: ' ', decimal: ',' },
  { name: 'French (no-break space)', thousands: '\u00a0', decimal: ',' },
  { name: 'French (narrow no-break space)', thousands: '\u202f', decimal: ',' },
  { name: 'Swiss', thousands: "'", decimal: '.' },
  { name: 'plain', thousands: '', decimal: '.' },
  { name: 'plain decimal comma', thousands: '', decimal: ',' },
] as const;

const CURRENCIES = [
  { before: '', after: '', code: null },
  { before: '$', after: '', code: 'USD' },
  { before: 'US$ ', after: '', code: 'USD' },
  { before: '', after: ' €', code: 'EUR' },
  { before: '€', after: '', code: 'EUR' },
  { before: 'EUR ', after: '', code: 'EUR' },
  { before: '', after: ' EUR', code: 'EUR' },
  { before: '£', after: '', code: 'GBP' },
  { before: 'CHF ', after: '', code: 'CHF' },
  { before: 'R$ ', after: '', code: 'BRL' },
  { before: '', after: '\u00a0kr', code: null },
] as const;

const NEGATIVES = ['minus first', 'minus after currency', 'parentheses', 'trailing minus', 'unicode minus'] as const;

function decorate(
  minor: bigint,
  style: (typeof STYLES)[number],
  cur: (typeof CURRENCIES)[number],
  neg: (typeof NEGATIVES)[number],
): string {
  const abs = minor < 0n ? -minor : minor;
  const cents = (abs % 100n).toString().padStart(2, '0');
  const number = `${group((abs / 100n).toString(), style.thousands)}${style.decimal}${cents}`;
  if (minor >= 0n) return `${cur.before}${number}${cur.after}`;
  switch (neg) {
    case 'minus first':
      return `-${cur.before}${number}${cur.after}`;
    case 'minus after currency':
      return `${cur.before}-${number}${cur.after}`;
    case 'parentheses':
      return `(${cur.before}${number}${cur.after})`;
    case 'trailing minus':
      return `${cur.before}${number}-${cur.after}`;
    case 'unicode minus':
      return `\u2212${cur.before}${number}${cur.after}`;
  }
}

describe('money properties', () => {
  it('formatMinor then parseAmount gives back the same minor units, unrounded and without currency', () => {
    fc.assert(
      fc.property(minorUnits, (minor) => {
        expect(parseAmount(formatMinor(minor))).toEqual({ ok: true, minor, currency: null, rounded: false });
      }),
      RUNS,
    );
  });

  it('formatMinor then parseDecimal gives back the same minor units', () => {
    fc.assert(
      fc.property(minorUnits, (minor) => {
        expect(parseDecimal(formatMinor(minor))).toBe(minor);
      }),
      RUNS,
    );
  });

  it('amounts formatted with thousands separators, currency before or after and any negative style parse back exactly', () => {
    fc.assert(
      fc.property(
        minorUnits,
        fc.constantFrom(...STYLES),
        fc.constantFrom(...CURRENCIES),
        fc.constantFrom(...NEGATIVES),
        (minor, style, cur, neg) => {
          const text = decorate(minor, style, cur, neg);
          expect(parseAmount(text), text).toEqual({ ok: true, minor, currency: cur.code, rounded: false });
        },
      ),
      { numRuns: 2000 },
    );
  });

  it('whole amounts with US thousands commas parse without a hint; with European dots they parse given the comma hint', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 10n ** 18n }), (units) => {
        const digits = units.toString();
        expect(minorOf(parseAmount(group(digits, ',')))).toBe(units * 100n);
        expect(minorOf(parseAmount(group(digits, '.'), { decimal: ',' }))).toBe(units * 100n);
      }),
      RUNS,
    );
  });

  it('extra decimals round half away from zero, and only non-zero extra digits mark the amount rounded', () => {
    fc.assert(
      fc.property(minorUnits, fc.stringMatching(/^\d{1,8}$/), (minor, extra) => {
        const scale = 10n ** BigInt(extra.length);
        const exact = (minor < 0n ? -minor : minor) * scale + BigInt(extra);
        const remainder = exact % scale;
        const magnitude = exact / scale + (remainder * 2n >= scale ? 1n : 0n);
        const expected = minor < 0n ? -magnitude : magnitude;
        const r = parseAmount(formatMinor(minor) + extra);
        expect(r).toEqual({ ok: true, minor: expected, currency: null, rounded: remainder !== 0n });
      }),
      RUNS,
    );
  });

  it('a JS number that is a whole number of cents reads as exactly those cents, despite float noise', () => {
    fc.assert(
      fc.property(fc.integer({ min: -(10 ** 15) + 1, max: 10 ** 15 - 1 }), (cents) => {
        expect(parseAmount(cents / 100)).toEqual({ ok: true, minor: BigInt(cents), currency: null, rounded: false });
      }),
      RUNS,
    );
  });

  it('a JS number with a non-zero third decimal is rounded half away from zero and marked rounded', () => {
    const milli = fc.integer({ min: -(10 ** 14) + 1, max: 10 ** 14 - 1 }).filter((m) => m % 10 !== 0);
    fc.assert(
      fc.property(milli, (m) => {
        const magnitude = Math.floor(Math.abs(m) / 10) + (Math.abs(m) % 10 >= 5 ? 1 : 0);
        expect(parseAmount(m / 1000)).toEqual({ ok: true, minor: BigInt(m < 0 ? -magnitude : magnitude), currency: null, rounded: true });
      }),
      RUNS,
    );
  });

  it('never throws on arbitrary text, and surrounding white space never changes the result', () => {
    const amountish = fc.string({
      unit: fc.constantFrom(..."0123456789.,-+ $€£()'eE%#kr EURUS\u00a0\u202f\u2212".split('')),
      maxLength: 20,
    });
    fc.assert(
      fc.property(fc.oneof(amountish, fc.string({ unit: 'binary' })), (text) => {
        const r = parseAmount(text);
        expect(parseAmount(` ${text}\u00a0`)).toEqual(r);
        if (r.ok) expect(typeof r.minor).toBe('bigint');
        else expect(['empty', 'formula_error', 'not_a_number']).toContain(r.reason);
      }),
      { numRuns: 3000 },
    );
  });
});
