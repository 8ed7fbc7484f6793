/**
 * findOutliers finds its median and spread by selection instead of sorting (issue 12: the CSV analysis'
 * speed). Selection is a shortcut, never a second opinion: for any amounts — repeats, sorted runs, a
 * single value, crafted orders — the medians and the outliers are exactly those the sort gave.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { findOutliers, medianInPlace } from '../../../core/src/analysis/outliers.ts';

/** The median as the sort-based version read it. */
function sortedMedian(values: readonly number[]): number {
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

/** findOutliers as it was written before selection (sorting the sample and its deviations). */
function sortingOutliers(amounts: Float64Array): number[] {
  const positives = amounts.filter((a) => a > 0).length;
  if (positives < 8) return [];
  const step = Math.max(1, Math.floor(positives / 20_000));
  const sample: number[] = [];
  let seen = 0;
  for (const a of amounts) {
    if (a <= 0) continue;
    if (seen++ % step === 0) sample.push(Math.log10(a));
  }
  const med = sortedMedian(sample);
  const mad = Math.max(sortedMedian(sample.map((x) => Math.abs(x - med))) * 1.4826, 0.05);
  const threshold = 10 ** (med + Math.max(2, 6 * mad));
  const out: number[] = [];
  amounts.forEach((a, i) => {
    if (a >= threshold) out.push(i);
  });
  return out;
}

/** Amounts in minor units as budgets hold them: many repeats, a few outliers, negatives and zeros. */
const amounts = fc.array(
  fc.oneof(
    fc.integer({ min: 1, max: 50_000_00 }),
    fc.constantFrom(100_000, 250_000, 0, -5_000),
    fc.integer({ min: 1, max: 9 }).map((d) => 10 ** (d + 6)),
  ),
  { minLength: 0, maxLength: 400 },
);

describe('outliers by selection', () => {
  it('medianInPlace is the median the sort gives, for any values', () => {
    fc.assert(
      fc.property(fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1, maxLength: 300 }), (values) => {
        expect(medianInPlace(Float64Array.from(values))).toBe(sortedMedian(values));
      }),
      { numRuns: 2000 },
    );
  });

  it('flags exactly the lines the sorting version flagged', () => {
    fc.assert(
      fc.property(amounts, (xs) => {
        const a = Float64Array.from(xs);
        expect(findOutliers(a)).toEqual(sortingOutliers(a));
      }),
      { numRuns: 1000 },
    );
  });

  it('stays exact and fast on orders made to defeat a median of three, and on large sampled files', () => {
    // Sorted, reversed, organ-pipe and all-equal runs, and 300,000 amounts (sampled every 15th).
    const n = 60_001;
    const sorted = Float64Array.from({ length: n }, (_, i) => i + 1);
    const pipe = Float64Array.from({ length: n }, (_, i) => Math.min(i, n - i) + 1);
    const equal = new Float64Array(n).fill(4200);
    const big = Float64Array.from({ length: 300_000 }, (_, i) => ((i * 7919) % 100_000) + 1 + (i % 9973 === 0 ? 1e11 : 0));
    for (const values of [sorted, sorted.slice().reverse(), pipe, equal, big]) {
      expect(medianInPlace(values.slice())).toBe(sortedMedian(Array.from(values)));
      expect(findOutliers(values)).toEqual(sortingOutliers(values));
    }
    expect(findOutliers(big).length).toBeGreaterThan(20);
  });
});
