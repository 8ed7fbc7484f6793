/**
 * Files shaped like those finance teams really send, in other vocabularies and layouts than the corpus:
 * public budgets, salary lists, supplier payment reports, bank and card exports, German, French and
 * Spanish budgets, quarterly and fiscal-period columns, section headings.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeWorkbook, type Analysis } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';

const dir = new URL('../fixtures/realistic/', import.meta.url);

function analyze(file: string, fiscalYearStartMonth = 1): Analysis {
  return analyzeWorkbook(readWorkbook(new Uint8Array(readFileSync(new URL(file, dir))), file), { fiscalYearStartMonth });
}

function field(a: Analysis, f: string): string | undefined {
  return a.mapping.find((m) => m.field === f && m.period === undefined)?.header;
}

describe('files that are not budgets are refused with the right kind', () => {
  const cases: [string, string][] = [
    ['salaries.csv', 'payroll'],
    ['spend.csv', 'invoices'],
    ['bank-de.csv', 'bank_statement'],
    ['card.csv', 'bank_statement'],
    ['expense-export.csv', 'expenses'],
  ];
  for (const [file, kind] of cases) {
    it(`${file} is ${kind}, refused with kind.mismatch and reasons`, () => {
      const a = analyze(file);
      expect(a.kind.kind).toBe(kind);
      expect(a.stats.importable).toBe(false);
      expect(a.issues.some((i) => i.code === 'kind.mismatch' && i.severity === 'error')).toBe(true);
      expect(a.kind.reasons.length).toBeGreaterThanOrEqual(3);
      expect(a.lines).toEqual([]);
    });
  }

  it('a salary list with a Department column and money is payroll, not a budget', () => {
    const a = analyze('salaries.csv');
    expect(a.kind.reasons.join(' ')).toMatch(/Salary|Job Title/);
  });
});

describe('budgets in other vocabularies and layouts', () => {
  it('a city budget takes the account name as category, not the account number, and the adopted budget as amount', () => {
    const a = analyze('city.csv');
    expect(a.kind.kind).toBe('budget');
    expect(field(a, 'category')).toBe('Account Description');
    expect(field(a, 'amount')).toBe('Adopted Budget');
    expect(field(a, 'fiscal_year')).toBe('Fiscal Year');
    expect(a.lines[0]).toMatchObject({ department: 'Police', category: 'Salaries & Wages', period: 'FY2026', amount: '12500000.00' });
    expect(a.stats).toMatchObject({ lines: 7, total: '20470000.00', importable: true });
  });

  it('a multi-year public budget imports the adopted and proposed years and never the actuals', () => {
    const a = analyze('multi-year.csv');
    expect(a.layout).toBe('wide');
    expect(new Set(a.lines.map((l) => l.period))).toEqual(new Set(['FY2025', 'FY2026']));
    expect(a.ignoredColumns.find((c) => c.header === 'FY2024 Actual')?.reason).toMatch(/not the budget/);
    expect(a.stats.total).toBe('17625000.00');
  });

  it('a German budget: Kostenstelle, Konto, Monat, Betrag with 1.234,50 amounts and März', () => {
    const a = analyze('budget-de.csv');
    expect([field(a, 'department'), field(a, 'category'), field(a, 'period'), field(a, 'amount')]).toEqual([
      'Kostenstelle',
      'Konto',
      'Monat',
      'Betrag',
    ]);
    expect(a.lines.map((l) => [l.period, l.amount])).toEqual([
      ['2026-01', '1200.00'],
      ['2026-02', '1350.00'],
      ['2026-01', '800.00'],
      ['2026-03', '12500.00'],
    ]);
  });

  it('a French budget: Centre de coût, Montant (€), "1 234,50" and French month names', () => {
    const a = analyze('budget-fr.csv');
    expect(field(a, 'department')).toBe('Centre de coût');
    expect(a.currency.value).toBe('EUR');
    expect(a.lines[0]).toMatchObject({ period: '2026-01', amount: '1234.50', currency: 'EUR' });
    expect(a.stats.total).toBe('18534.50');
  });

  it('a Spanish budget: Centro de coste, Partida, Mes, Importe', () => {
    const a = analyze('budget-es.csv');
    expect(field(a, 'amount')).toBe('Importe');
    expect(a.lines.map((l) => l.period)).toEqual(['2026-01', '2026-02', '2026-03']);
    expect(a.stats.total).toBe('12250.00');
  });

  it('quarter columns take the fiscal year from the title; the Total column is checked, the Total row skipped', () => {
    const a = analyze('quarterly.csv');
    expect(a.headerRow).toBe(3);
    expect(a.fiscalYear).toEqual({ value: 2026, source: 'the title rows' });
    expect(a.layout).toBe('wide');
    expect(a.lines.filter((l) => l.sourceRow === 4).map((l) => l.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
    expect(a.lines).toHaveLength(12);
    expect(a.stats.total).toBe('22200.00');
    expect(a.issues.find((i) => i.code === 'row.total_skipped')?.row).toBe(7);
    expect(a.issues.some((i) => i.code === 'total.mismatch')).toBe(false);
  });

  it('fiscal periods P01–P12 map to months from the fiscal-year start, the year coming from the file name', () => {
    const a = analyze('budget_fy26_periods.csv', 4);
    expect(a.fiscalYear.value).toBe(2026);
    const row2 = a.lines.filter((l) => l.sourceRow === 2);
    expect(row2[0]).toMatchObject({ period: '2025-04', fiscalYear: 2026 });
    expect(row2[11]).toMatchObject({ period: '2026-03', fiscalYear: 2026 });
    expect(a.ignoredColumns.find((c) => c.header === 'Full Year')?.reason).toMatch(/total/);
    expect(a.stats.importable).toBe(true);
  });

  it('section headings carry their department down to the rows under them', () => {
    const a = analyze('sections.csv');
    expect(a.lines.map((l) => `${l.department}/${l.category}`)).toContain('Sales/Travel');
    expect(a.lines.filter((l) => l.department === 'Marketing')).toHaveLength(6);
    expect(a.stats.importable).toBe(true);
  });
});
