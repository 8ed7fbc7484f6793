/** A budget line as a value, as the analysis makes them: for tests of what comes after the analysis. */
import { type BudgetLine, monthPeriod } from '@budget-sync/core';

/**
 * A line of a January fiscal year, USD, without dimensions unless `extra` says so. A month (`2026-01`) gets
 * its real days; any other period key its fiscal year from its digits, and its days from `extra`.
 */
export function lineOf(department: string, category: string, period: string, amount: string, extra: Partial<BudgetLine> = {}): BudgetLine {
  const m = /^(\d{4})-(\d{2})$/.exec(period);
  const p = m
    ? monthPeriod(Number(m[1]), Number(m[2]), 1)
    : { key: period, fiscalYear: Number(/\d{4}/.exec(period)?.[0]), start: `${period}-01`, end: `${period}-28` };
  return {
    department,
    category,
    project: null,
    period: p.key,
    fiscalYear: p.fiscalYear,
    periodStart: p.start,
    periodEnd: p.end,
    amount,
    currency: 'USD',
    owner: null,
    notes: null,
    sourceRow: 2,
    sourceColumn: 4,
    dimensions: {},
    direction: 'expense',
    ...extra,
  };
}
