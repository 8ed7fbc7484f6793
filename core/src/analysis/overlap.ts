/**
 * `period.overlap` (DESIGN §2): one line's period never overlaps another's with the same dimensions — a
 * year line and its month lines are two views of one budget, and the checks would count it twice. The
 * analysis reports it between two rows of a file (extract.ts), the import plan between a row and a stored
 * line (import/plan.ts); both say it in these words.
 */
import type { PeriodGrain } from '../values/fiscal-calendar.ts';

/** The grain of a period key: `FY2026` a year, `2026-Q1` a quarter, `2026-01` a month. */
export function grainOfKey(key: string): PeriodGrain {
  if (key.startsWith('FY')) return 'year';
  return key.includes('-Q') ? 'quarter' : 'month';
}

/** A bit per grain, for sets of grains kept as numbers. */
export const GRAIN_BITS: Readonly<Record<PeriodGrain, number>> = { month: 1, quarter: 2, year: 4 };

/** Whether two inclusive date ranges (`YYYY-MM-DD`) share a day. */
export function periodsOverlap(a: { periodStart: string; periodEnd: string }, b: { periodStart: string; periodEnd: string }): boolean {
  return a.periodStart <= b.periodEnd && b.periodStart <= a.periodEnd;
}

/** The message for `line` overlapping `other` (described by the caller: "2026-01 on row 2", "the stored line …"). */
export function overlapMessage(
  line: { department: string; category: string; project: string | null; period: string; sourceRow: number },
  other: string,
  otherPeriod: string,
): string {
  const names = `${line.department} / ${line.category}${line.project ? ` / ${line.project}` : ''}`;
  const a = grainOfKey(line.period);
  const b = grainOfKey(otherPeriod);
  const views = a === b ? 'two budgets for the same days' : `a ${a} and a ${b} of the same budget are two views of one amount`;
  const by = a === b ? '' : ` — by ${a} or by ${b} —`;
  return `Row ${line.sourceRow} budgets ${names} for ${line.period}, which overlaps ${other}: ${views}, and checks would count it twice. Keep one breakdown${by} and remove the other lines.`;
}
