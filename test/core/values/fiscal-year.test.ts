import { describe, expect, it } from 'vitest';
import { findFiscalYearInText, monthOfName, parseFiscalYear } from '../../../core/src/values/period.ts';

describe('parseFiscalYear: a fiscal-year column', () => {
  it.each([
    ['FY26', 2026],
    ['FY2026', 2026],
    ['fy 2026', 2026],
    ['FY 26', 2026],
    ['2026', 2026],
    ['FY 2025/26', 2026],
    ['FY2025-2026', 2026],
    ['2025/26', 2026],
    ['2025-26', 2026],
    ['2025/2026', 2026],
    ['FY1999/00', 2000],
    ['Fiscal Year 2026', 2026],
    [' FY2026 ', 2026],
    [2026, 2026],
  ])('reads %j as %i', (value, expected) => {
    expect(parseFiscalYear(value)).toBe(expected);
  });

  it.each(['FY2025/27', '2026-01', '26', 'FY', 'next year', '1500', '2200', '', 2026.5, 26, 3000, true, null, undefined])(
    'returns null for %j',
    (value) => {
      expect(parseFiscalYear(value)).toBeNull();
    },
  );

  it('returns null for a Date', () => {
    expect(parseFiscalYear(new Date(Date.UTC(2026, 0, 1)))).toBeNull();
  });
});

describe('findFiscalYearInText: titles, sheet names and file names', () => {
  it.each([
    ['Acme Corp - FY2026 Operating Budget', 2026],
    ['Operating budget 2026', 2026],
    ['budget_fy26_v3.xlsx', 2026],
    ['FY2025-26', 2026],
    ['Budget FY 2025/26 (draft)', 2026],
    ['Budget 2025-26', 2026],
    ['Budget 2025/2026.xlsx', 2026],
    ['Fiscal Year 2027 plan', 2027],
    ['Haushalt GJ 2026', 2026],
    ['Budget Geschäftsjahr 2026', 2026],
    ['Budget Exercice 2026', 2026],
    ['Budget 2026 approved 2026-03-01', 2026],
    ['FY26 budget', 2026],
  ])('finds the fiscal year in %j: %i', (text, expected) => {
    expect(findFiscalYearInText(text)).toBe(expected);
  });

  it('prefers an explicit FY token over a bare year', () => {
    expect(findFiscalYearInText('2025 export of the FY2026 budget')).toBe(2026);
    expect(findFiscalYearInText('budget_2024_fy26.xlsx')).toBe(2026);
  });

  it('takes the first of several FY tokens', () => {
    expect(findFiscalYearInText('FY2026 budget vs FY2025 actuals')).toBe(2026);
  });

  it('returns null when bare years disagree', () => {
    expect(findFiscalYearInText('Budget 2026 vs actuals 2025')).toBeNull();
  });

  it.each(['Budget', 'Cost centers 1000-1999', 'Invoice 20260115', 'Plan 3000', 'Version 12', ''])(
    'finds no plausible fiscal year in %j',
    (text) => {
      expect(findFiscalYearInText(text)).toBeNull();
    },
  );

  it('ignores implausible numbers but keeps a plausible year beside them', () => {
    expect(findFiscalYearInText('Dept 1234 budget 2026')).toBe(2026);
  });

  it('does not read FY inside a word as a fiscal year token', () => {
    expect(findFiscalYearInText('Simplify26 budget 2027')).toBe(2027);
  });
});

describe('monthOfName', () => {
  const cases: [number, string[]][] = [
    [1, ['Jan', 'January', 'JAN.', 'Januar', 'Jänner', 'janvier', 'janv.', 'enero', 'ene']],
    [2, ['Feb', 'February', 'Februar', 'février', 'févr', 'fevrier', 'febrero']],
    [3, ['Mar', 'March', 'März', 'Mär', 'Maerz', 'mars', 'marzo']],
    [4, ['Apr', 'April', 'avril', 'avr', 'abril', 'abr']],
    [5, ['May', 'Mai', 'mai', 'mayo']],
    [6, ['Jun', 'June', 'Juni', 'juin', 'junio']],
    [7, ['Jul', 'July', 'Juli', 'juillet', 'juil', 'julio']],
    [8, ['Aug', 'August', 'août', 'aout', 'agosto', 'ago']],
    [9, ['Sep', 'Sept', 'September', 'septembre', 'septiembre', 'setiembre']],
    [10, ['Oct', 'October', 'Oktober', 'Okt', 'octobre', 'octubre']],
    [11, ['Nov', 'November', 'novembre', 'noviembre']],
    [12, ['Dec', 'December', 'Dezember', 'Dez', 'décembre', 'déc', 'diciembre', 'dic']],
  ];
  for (const [month, names] of cases) {
    it(`reads ${names.join(', ')} as month ${month}`, () => {
      for (const name of names) expect(monthOfName(name), name).toBe(month);
    });
  }

  it.each(['', 'Ja', 'Janu', 'Month', 'Total', 'Q1', 'set', 'marching', 'Jan 2026'])('returns null for %j', (text) => {
    expect(monthOfName(text)).toBeNull();
  });
});
