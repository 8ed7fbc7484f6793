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
export function findOutliers(amounts: ArrayLike<number>): number[] {
  const n = amounts.length;
  let positives = 0;
  for (let i = 0; i < n; i++) if ((amounts[i] as number) > 0) positives++;
  if (positives < MIN_LINES) return [];
  const step = Math.max(1, Math.floor(positives / SAMPLE));
  // Typed arrays filled by plain loops: Float64Array.from with a mapping function costs 3× as much.
  const sorted = new Float64Array(Math.ceil(positives / step));
  let seen = 0;
  for (let i = 0, k = 0; i < n; i++) {
    const a = amounts[i] as number;
    if (a <= 0) continue;
    if (seen++ % step === 0) sorted[k++] = Math.log10(a);
  }
  sorted.sort();
  const med = median(sorted);
  const deviations = new Float64Array(sorted.length);
  for (let i = 0; i < sorted.length; i++) deviations[i] = Math.abs((sorted[i] as number) - med);
  deviations.sort();
  const mad = Math.max(median(deviations) * 1.4826, 0.05);
  // Above this, an amount is both ≥ 100× the median and ≥ 6 spreads away.
  const threshold = 10 ** (med + Math.max(MIN_RATIO_LOG10, MIN_ROBUST_Z * mad));
  const out: number[] = [];
  for (let i = 0; i < n; i++) if ((amounts[i] as number) >= threshold) out.push(i);
  return out;
}
