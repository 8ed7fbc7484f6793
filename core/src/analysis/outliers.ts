/**
 * Amounts far out of line with the rest of the file — typically a missing decimal point or extra zeros.
 * Robust statistics on the logarithm of positive amounts (median and median absolute deviation), so a
 * handful of big lines cannot hide each other and the test does not depend on the file's scale.
 * Flagged when an amount is at least 100× the median line AND far outside the spread of the others.
 */

const MIN_LINES = 8;
const MIN_RATIO_LOG10 = 2; // 100×
const MIN_ROBUST_Z = 6;

function median(sorted: Float64Array): number {
  const n = sorted.length;
  const mid = n >> 1;
  return n % 2 === 1 ? (sorted[mid] as number) : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

const SAMPLE = 20_000;

/**
 * Indexes (into `amounts`, minor units) of outliers. The median and spread come from an evenly spaced
 * sample of at most 20,000 positive amounts, so a million-line file costs one pass and one small sort.
 */
export function findOutliers(amounts: readonly number[]): number[] {
  let positives = 0;
  for (const a of amounts) if (a > 0) positives++;
  if (positives < MIN_LINES) return [];
  const step = Math.max(1, Math.floor(positives / SAMPLE));
  const logs: number[] = [];
  let seen = 0;
  for (const a of amounts) {
    if (a <= 0) continue;
    if (seen++ % step === 0) logs.push(Math.log10(a));
  }
  const sorted = Float64Array.from(logs).sort();
  const med = median(sorted);
  const deviations = Float64Array.from(logs, (x) => Math.abs(x - med)).sort();
  const mad = Math.max(median(deviations) * 1.4826, 0.05);
  // Above this, an amount is both ≥ 100× the median and ≥ 6 spreads away.
  const threshold = 10 ** (med + Math.max(MIN_RATIO_LOG10, MIN_ROBUST_Z * mad));
  const out: number[] = [];
  for (let i = 0; i < amounts.length; i++) if ((amounts[i] as number) >= threshold) out.push(i);
  return out;
}
