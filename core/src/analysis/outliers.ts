/**
 * Amounts far out of line with the rest of the file — typically a missing decimal point or extra zeros.
 * Robust statistics on the logarithm of positive amounts (median and median absolute deviation), so a
 * handful of big lines cannot hide each other and the test does not depend on the file's scale.
 * Flagged when an amount is at least 100× the median line AND far outside the spread of the others.
 */

const MIN_LINES = 8;
const MIN_RATIO_LOG10 = 2; // 100×
const MIN_ROBUST_Z = 6;

/**
 * The median of `values` (reordered in place): the middle value, or the mean of the two middle ones —
 * exactly what sorting them and reading the middle gives, found by selection in linear time instead.
 */
export function medianInPlace(values: Float64Array): number {
  const n = values.length;
  const mid = n >> 1;
  const upper = selectInPlace(values, mid);
  if (n % 2 === 1) return upper;
  // Selection leaves every value before `mid` at most values[mid]: the largest of them is the one below.
  let lower = values[0] as number;
  for (let i = 1; i < mid; i++) if ((values[i] as number) > lower) lower = values[i] as number;
  return (lower + upper) / 2;
}

/**
 * The value that would be at index `k` if `values` were sorted ascending (no NaN), leaving the smaller
 * ones before it and the larger ones after. Hoare partitioning around a median of three; should a run of
 * partitions go badly (a crafted order), the rest is sorted instead, so it never takes more than a sort.
 */
function selectInPlace(values: Float64Array, k: number): number {
  let lo = 0;
  let hi = values.length - 1;
  let rounds = 2 * Math.ceil(Math.log2(values.length + 1)) + 16;
  while (hi > lo) {
    if (rounds-- === 0) {
      values.subarray(lo, hi + 1).sort();
      return values[k] as number;
    }
    const mid = (lo + hi) >>> 1;
    // Median of three as the pivot; the three end up ordered.
    if ((values[mid] as number) < (values[lo] as number)) swap(values, mid, lo);
    if ((values[hi] as number) < (values[lo] as number)) swap(values, hi, lo);
    if ((values[hi] as number) < (values[mid] as number)) swap(values, hi, mid);
    const pivot = values[mid] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((values[i] as number) < pivot) i++;
      while ((values[j] as number) > pivot) j--;
      if (i <= j) {
        swap(values, i, j);
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else return values[k] as number;
  }
  return values[k] as number;
}

function swap(values: Float64Array, a: number, b: number): void {
  const t = values[a] as number;
  values[a] = values[b] as number;
  values[b] = t;
}

const SAMPLE = 20_000;

/** How many of `amounts` are positive. */
function countPositive(amounts: ArrayLike<number>): number {
  let positives = 0;
  for (let i = 0; i < amounts.length; i++) if ((amounts[i] as number) > 0) positives++;
  return positives;
}

/** The logarithms of every `step`-th positive amount. */
function logSample(amounts: ArrayLike<number>, positives: number, step: number): Float64Array {
  // Typed arrays filled by plain loops: Float64Array.from with a mapping function costs 3× as much.
  const sample = new Float64Array(Math.ceil(positives / step));
  let seen = 0;
  for (let i = 0, k = 0; i < amounts.length; i++) {
    const a = amounts[i] as number;
    if (a <= 0) continue;
    if (seen++ % step === 0) sample[k++] = Math.log10(a);
  }
  return sample;
}

/** Indexes of the amounts at or above `threshold`. */
function atLeast(amounts: ArrayLike<number>, threshold: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < amounts.length; i++) if ((amounts[i] as number) >= threshold) out.push(i);
  return out;
}

/**
 * Indexes (into `amounts`, minor units) of outliers. The median and spread come from an evenly spaced
 * sample of at most 20,000 positive amounts, so a million-line file costs one pass and two selections.
 * (Each pass is a function of its own: a loop that runs once per file is then compiled once, not
 * recompiled each time the function leaves it.)
 */
export function findOutliers(amounts: ArrayLike<number>): number[] {
  const positives = countPositive(amounts);
  if (positives < MIN_LINES) return [];
  const step = Math.max(1, Math.floor(positives / SAMPLE));
  const sample = logSample(amounts, positives, step);
  const med = medianInPlace(sample);
  const deviations = new Float64Array(sample.length);
  for (let i = 0; i < sample.length; i++) deviations[i] = Math.abs((sample[i] as number) - med);
  const mad = Math.max(medianInPlace(deviations) * 1.4826, 0.05);
  // Above this, an amount is both ≥ 100× the median and ≥ 6 spreads away.
  const threshold = 10 ** (med + Math.max(MIN_RATIO_LOG10, MIN_ROBUST_Z * mad));
  return atLeast(amounts, threshold);
}
