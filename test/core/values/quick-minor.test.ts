/**
 * The line extractor's allocation-free amount path (quickMinor, isCanonicalMinorText, formatMinorNumber)
 * must agree exactly with parseAmount and formatMinor: it is a shortcut, never a second opinion.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  formatMinor,
  formatMinorNumber,
  isCanonicalMinorText,
  parseAmount,
  QUICK_MINOR_MAX,
  quickMinor,
} from '../../../core/src/values/money.ts';

const RUNS = { numRuns: 2000 };

/** Texts near the plain-decimal shape: signs, leading zeros, 0–3 decimals, stray characters. */
const amountLike = fc
  .tuple(
    fc.constantFrom('', '-', '+', ' '),
    fc.stringMatching(/^\d{0,15}$/),
    fc.constantFrom('', '.', ','),
    fc.stringMatching(/^\d{0,3}$/),
    fc.constantFrom('', ' ', 'x', '€'),
  )
  .map((parts) => parts.join(''));

const numbers = fc.oneof(
  fc.double({ noNaN: false }),
  fc.integer({ min: -1e12, max: 1e12 }).map((c) => c / 100),
  fc.maxSafeInteger(),
  fc.constantFrom(-0, 0.1 + 0.2, 1e15, -1e15, 2 ** 53, 45035996273704.97),
);

function expectAgrees(v: string | number): void {
  const quick = quickMinor(v);
  const full = parseAmount(v);
  if (Number.isNaN(quick)) return; // parseAmount decides: nothing to compare
  expect(full.ok, String(v)).toBe(true);
  if (!full.ok) return;
  expect(BigInt(quick)).toBe(full.minor);
  expect(full.currency).toBeNull();
  expect(full.rounded).toBe(false);
  expect(Math.abs(quick)).toBeLessThanOrEqual(QUICK_MINOR_MAX);
}

describe('quickMinor', () => {
  it('gives exactly what parseAmount gives, or NaN, for amount-like text', () => {
    fc.assert(
      fc.property(amountLike, (s) => expectAgrees(s)),
      RUNS,
    );
  });

  it('gives exactly what parseAmount gives, or NaN, for numbers', () => {
    fc.assert(
      fc.property(numbers, (n) => expectAgrees(n)),
      RUNS,
    );
  });

  it('reads every plain decimal text, and leaves everything else to parseAmount', () => {
    expect(quickMinor('1234.5')).toBe(123450);
    expect(quickMinor('-0.05')).toBe(-5);
    expect(quickMinor('9999999999999.99')).toBe(999999999999999);
    for (const v of ['', ' 1', '1,5', '$1', '1.234', '(5)', '1e3', '12345678901234', null, undefined, true]) {
      expect(quickMinor(v), String(v)).toBeNaN();
    }
  });
});

describe('canonical amount text', () => {
  it('says a plain text is canonical exactly when it equals formatMinor of its amount', () => {
    fc.assert(
      fc.property(amountLike, (s) => {
        const minor = quickMinor(s);
        if (Number.isNaN(minor)) return;
        expect(isCanonicalMinorText(s, minor), s).toBe(s === formatMinor(BigInt(minor)));
      }),
      RUNS,
    );
  });

  it('formats numbers as formatMinor formats bigints', () => {
    fc.assert(
      fc.property(fc.integer({ min: -QUICK_MINOR_MAX, max: QUICK_MINOR_MAX }), (m) => {
        expect(formatMinorNumber(m)).toBe(formatMinor(BigInt(m)));
      }),
      RUNS,
    );
    expect(formatMinorNumber(-0)).toBe('0.00');
  });
});
