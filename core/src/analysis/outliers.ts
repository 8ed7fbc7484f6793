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

/** Indexes (into `amounts`) of outliers. */
export function findOutliers(amounts: readonly bigint[]): number[] {
  const logs: number[] = [];
  const index: number[] = [];
  for (let i = 0; i < amounts.length; i++) {
    const a = amounts[i] as bigint;
    if (a > 0n) {
      logs.push(Math.log10(Number(a)));
      index.push(i);
    }
  }
  if (logs.length < MIN_LINES) return [];
  const sorted = Float64Array.from(logs).sort();
  const med = median(sorted);
  const deviations = Float64Array.from(logs, (x) => Math.abs(x - med)).sort();
  const mad = Math.max(median(deviations) * 1.4826, 0.05);
  const out: number[] = [];
  for (let k = 0; k < logs.length; k++) {
    const d = (logs[k] as number) - med;
    if (d >= MIN_RATIO_LOG10 && d / mad >= MIN_ROBUST_Z) out.push(index[k] as number);
  }
  return out;
}
