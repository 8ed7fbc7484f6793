/** A budget line as a value, as the analysis makes them: for tests of what comes after the analysis. */
import { type BudgetLine, monthPeriod } from '@budget-sync/core';

/** A month line (`2026-01`) of a January fiscal year, USD, without dimensions unless `extra` says so. */
export function lineOf(department: string, category: string, month: string, amount: string, extra: Partial<BudgetLine> = {}): BudgetLine {
  const p = monthPeriod(Number(month.slice(0, 4)), Number(month.slice(5, 7)), 1);
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
