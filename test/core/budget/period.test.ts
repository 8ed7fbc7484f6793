import { describe, expect, it } from 'vitest';
import { BudgetInputError } from '../../../core/src/budget/errors.ts';
import { resolveRequestPeriod } from '../../../core/src/budget/period.ts';

describe('resolveRequestPeriod', () => {
  it('resolves months, fiscal quarters, fiscal years and dates with the fiscal-year start', () => {
    expect(resolveRequestPeriod({ period: '2026-03' }, 1)).toEqual({
      key: '2026-03',
      grain: 'month',
      fiscalYear: 2026,
      start: '2026-03-01',
      end: '2026-03-31',
    });
    // Fiscal year starting in July: Q1 of FY2026 is July–September 2025.
    expect(resolveRequestPeriod({ period: '2026-Q1' }, 7)).toMatchObject({
      key: '2026-Q1',
      start: '2025-07-01',
      end: '2025-09-30',
      fiscalYear: 2026,
    });
    expect(resolveRequestPeriod({ period: 'fy2026' }, 7)).toMatchObject({ key: 'FY2026', start: '2025-07-01', end: '2026-06-30' });
    expect(resolveRequestPeriod({ period: '2025-08' }, 7)).toMatchObject({ fiscalYear: 2026 });
    expect(resolveRequestPeriod({ date: '2024-02-29' }, 1)).toEqual({
      key: '2024-02-29',
      grain: 'day',
      fiscalYear: 2024,
      start: '2024-02-29',
      end: '2024-02-29',
    });
    // A date given as the period is a date too.
    expect(resolveRequestPeriod({ period: '2025-12-31' }, 7)).toMatchObject({ grain: 'day', fiscalYear: 2026 });
  });

  it('uses today (UTC) when neither a period nor a date is given', () => {
    const today = new Date('2026-05-17T23:30:00Z');
    expect(resolveRequestPeriod({}, 1, today)).toMatchObject({ key: '2026-05-17', grain: 'day' });
  });

  it.each([
    [{ period: '2026-13' }],
    [{ period: '2026-00' }],
    [{ period: '2026-Q5' }],
    [{ period: 'FY26' }],
    [{ period: 'Jan-26' }],
    [{ period: '1899-01' }],
    [{ date: '2025-02-29' }],
    [{ date: '2026-3-1' }],
    [{ period: '2026-03', date: '2026-03-01' }],
  ])('refuses %j with period.invalid', (q) => {
    let error: unknown;
    try {
      resolveRequestPeriod(q, 1);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(BudgetInputError);
    expect((error as BudgetInputError).code).toBe('period.invalid');
    expect((error as BudgetInputError).message).not.toBe('');
  });
});
