/**
 * Shapes of real published budgets the analysis once misread (issue 12), each in small files written in that
 * shape (test/fixtures/real-shapes, README.md says which real layout each imitates, expected.json their truth):
 * no year anywhere; expense and revenue in two columns; percentage columns; figures with footnote marks; rows
 * that lack one field. Each is read as an analyst reads it — the exact lines and total, the kind — and every
 * decision is said in words a finance person reads.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { type Analysis, type AnalyzeOptions, analyzeWorkbook, reviewFields } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { analyzeCsv, analyzeXlsx } from './helpers.ts';

const dir = fileURLToPath(new URL('../../fixtures/real-shapes/', import.meta.url));

interface Truth {
  file: string;
  kind: string;
  lines: number;
  total: string;
  importable: boolean;
  issues: Record<string, number>;
}

const truths = JSON.parse(readFileSync(`${dir}expected.json`, 'utf8')) as Truth[];

function analyze(file: string, options: AnalyzeOptions = {}): Analysis {
  return analyzeWorkbook(readWorkbook(new Uint8Array(readFileSync(`${dir}${file}`)), file), options);
}

const issuesOf = (a: Analysis, code: string) => a.issues.filter((i) => i.code === code);
const ignoredReason = (a: Analysis, header: string) => a.ignoredColumns.find((c) => c.header === header)?.reason;
/** Exact sum of the lines of one direction, as a decimal string (cents, never floats). */
function totalOf(a: Analysis, direction: 'expense' | 'revenue'): string {
  const cents = a.lines.filter((l) => l.direction === direction).reduce((sum, l) => sum + BigInt(l.amount.replace('.', '')), 0n);
  return `${cents / 100n}.${String(cents % 100n).padStart(2, '0')}`;
}
const thisYear = new Date().getUTCFullYear();

describe('every real-shape file: its kind, exact lines and total, and the issues it must raise', () => {
  it('has the files the README lists', () => {
    const readme = readFileSync(`${dir}README.md`, 'utf8');
    for (const t of truths) expect(readme).toContain(`| ${t.file} |`);
    expect(truths.length).toBe(24);
  });

  for (const t of truths) {
    it(`${t.file}: ${t.kind}, ${t.lines} lines, ${t.total}`, () => {
      const a = analyze(t.file);
      expect(a.kind.kind).toBe(t.kind);
      expect({ lines: a.stats.lines, total: a.stats.total, importable: a.stats.importable }).toEqual({
        lines: t.lines,
        total: t.total,
        importable: t.importable,
      });
      for (const [code, n] of Object.entries(t.issues)) expect(issuesOf(a, code).length, code).toBe(n);
      if (t.importable) expect(a.stats.errors).toBe(0);
      expect(a.kind.reasons.length).toBeGreaterThan(1);
      expect(a.mapping.every((m) => m.reason.length > 0)).toBe(true);
      expect(a.ignoredColumns.every((c) => c.reason.length > 0)).toBe(true);
    });
  }
});

describe('a budget with no year anywhere is read as this fiscal year, proposed with a warning', () => {
  it('reads the lines and proposes the year, saying where it came from and how to set it', () => {
    const a = analyze('no-year-budget-columns.csv');
    expect(a.fiscalYear).toEqual({ value: thisYear, source: 'this year (nothing in the file names the year)' });
    const [warning] = issuesOf(a, 'fiscal_year.proposed');
    expect(warning).toMatchObject({ severity: 'warning', row: 1, column: null, field: 'fiscal_year' });
    expect(warning?.message).toBe(
      `No column says which year this budget is for: it has no period or year column, and no year is named in the title, the sheet name or the file name, so the budget is read as fiscal year ${thisYear}, the current one. Check the year, or give it yourself (in the review's Fiscal year field, or --set fiscal_year=YYYY).`,
    );
    expect(new Set(a.lines.map((l) => l.period))).toEqual(new Set([`FY${thisYear}`]));
  });

  it('reads a second figure under the same title numbered (budget2) as no period and no dimension: left out, saying why', () => {
    const a = analyze('no-year-budget-columns.csv');
    expect(a.lines.map((l) => [l.sourceRow, l.amount])).toEqual([
      [2, '12500.00'],
      [3, '48200.00'],
      [4, '7400.00'],
      [5, '9300.00'],
      [6, '4100.00'],
      [7, '51000.00'],
      [8, '38750.50'],
      [9, '15600.00'],
    ]);
    expect(a.mapping.some((m) => m.header === 'budget2')).toBe(false);
    expect(a.lines.every((l) => !('budget2' in l.dimensions))).toBe(true);
    expect(ignoredReason(a, 'budget2')).toBe(
      '"budget2" holds a second set of figures beside "budget" (the same title, numbered): nothing says which year or version it is, so "budget" is read as the budget and this one is left out',
    );
  });

  it('proposes the latest of several years the title names, saying which they were', () => {
    const a = analyzeCsv('Budget 2025 vs Actual 2024\nDepartment,Category,Budget\nParks,Mowing,100\nParks,Trees,50\n', 'parks.csv');
    expect(a.fiscalYear).toEqual({ value: 2025, source: 'the latest year the title names' });
    expect(issuesOf(a, 'fiscal_year.proposed')[0]?.message).toBe(
      "No column says which year this budget is for: it has no period or year column, and the title names several years (2024, 2025) and none says which is the budget's, so it is read as fiscal year 2025, the latest of them. Check the year, or give it yourself (in the review's Fiscal year field, or --set fiscal_year=YYYY).",
    );
    expect(a.stats).toMatchObject({ lines: 2, total: '150.00', importable: true });
  });

  it('takes the year the user gives instead, with no warning', () => {
    const a = analyze('no-year-budget-columns.csv', { set: { fiscal_year: 'FY2025' } });
    expect(issuesOf(a, 'fiscal_year.proposed')).toEqual([]);
    expect(a.fiscalYear).toEqual({ value: 2025, source: 'what you set' });
    expect(a.stats).toMatchObject({ lines: 8, total: '186850.50', importable: true, warnings: 0 });
  });

  it('proposes the department from the file name and the year, in German and French plans alike', () => {
    for (const [file, dept] of [
      ['sachkosten-abteilung.csv', 'sachkosten-abteilung'],
      ['budget-previsionnel-association.csv', 'budget-previsionnel-association'],
    ]) {
      const a = analyze(file as string);
      expect(new Set(a.lines.map((l) => l.department)), file).toEqual(new Set([dept]));
      expect(issuesOf(a, 'department.proposed')[0]?.message, file).toContain(`taken from the file name "${file}"`);
      expect(issuesOf(a, 'fiscal_year.proposed')[0]?.message, file).toContain(`read as fiscal year ${thisYear}`);
    }
    expect(analyze('sachkosten-abteilung.csv').kind.reasons).toContain('"Planansatz" holds planned amounts');
  });

  it("reads month columns without a year as this year's months, with the warning naming the columns", () => {
    const a = analyze('monthly-plan-no-year.csv');
    expect([...new Set(a.lines.map((l) => l.period))]).toEqual(
      Array.from({ length: 12 }, (_, i) => `${thisYear}-${String(i + 1).padStart(2, '0')}`),
    );
    expect(issuesOf(a, 'fiscal_year.proposed')[0]?.message).toMatch(
      /^The period columns \("Jan", "Feb", "Mar"…\) do not say which year they are in, and no year is named/,
    );
  });

  it('reads a long period column of month names without a year the same way', () => {
    const a = analyzeCsv('Cost Center,Account,Month,Budget\nSales,Travel,Jan,100\nSales,Travel,Feb,120\nSales,Rent,Jan,900\n', 'plan.csv');
    expect(a.lines.map((l) => l.period)).toEqual([`${thisYear}-01`, `${thisYear}-02`, `${thisYear}-01`]);
    expect(issuesOf(a, 'fiscal_year.proposed')[0]?.message).toMatch(/^The periods in the "Month" column \("Jan", "Feb"…\)/);
    expect(a.stats).toMatchObject({ importable: true, total: '1120.00' });
  });

  it('never proposes a year to a file that is not a budget: what an override would meet is still listed', () => {
    const a = analyzeCsv(
      'Employee,Department,Job Title,Base Salary\nAna Silva,Sales,Rep,"72,000.00"\nBen Okafor,Sales,Rep,"81,500.00"\n',
      'staff.csv',
    );
    expect(a.kind.kind).toBe('payroll');
    expect(issuesOf(a, 'fiscal_year.proposed')).toEqual([]);
    expect(issuesOf(a, 'field.missing').some((i) => i.field === 'period')).toBe(true);
  });
});

describe('expense and revenue in two columns, one filled per row', () => {
  const sided: [string, string, string, string, string][] = [
    ['produkthaushalt-2024.csv', 'Aufwand', 'Ertrag', '2925150.00', '1312350.00'],
    ['kreis-einnahmen-ausgaben-2019.csv', 'Ausgaben', 'Einnahmen', '2451500.00', '2687000.00'],
    ['school-expenditure-income-2023-24.csv', 'Expenditure', 'Income', '1636450.00', '1618700.00'],
    ['commune-depenses-recettes-2022.csv', 'Dépenses', 'Recettes', '5125500.00', '5550000.00'],
    ['ayuntamiento-2021-gastos-ingresos.csv', 'Gastos', 'Ingresos', '2982300.00', '3498000.00'],
    ['gemeinde-konten-ertrag-aufwand.csv', 'Aufwand', 'Ertrag', '3028700.00', '5217000.00'],
  ];
  for (const [file, expense, revenue, expenseTotal, revenueTotal] of sided) {
    it(`${file}: a budget whose lines take their direction from "${expense}" or "${revenue}"`, () => {
      const a = analyze(file);
      expect(a.kind.kind).toBe('budget');
      expect(a.kind.reasons).toContain(
        `"${expense}" and "${revenue}" hold the expense and the revenue side of each line, one of them filled on each row, with no dates and no balance carried from row to row: the two sides of a budget, not the money out and in of an account`,
      );
      expect(totalOf(a, 'expense')).toBe(expenseTotal);
      expect(totalOf(a, 'revenue')).toBe(revenueTotal);
      const columnOf = (header: string) => a.mapping.find((m) => m.header === header && m.field === 'amount')?.column;
      for (const l of a.lines) expect(l.sourceColumn).toBe(columnOf(l.direction === 'expense' ? expense : revenue));
      // The columns say each line's direction: the review does not ask for one.
      expect(a.direction).toBeNull();
      expect(reviewFields(a).some((f) => f.field === 'direction')).toBe(false);
      expect(a.mapping.find((m) => m.header === revenue)?.reason).toBe(
        `"${revenue}" holds the revenue side of each line, and "${expense}" the expense side: one of the two is filled on each row, so a line takes its amount from the filled one and its direction from its column`,
      );
    });
  }

  it('reads bank-like titles (Konto Nr., Saldo) on such a budget as a budget, and the per-row Saldo as the net of the sides', () => {
    const a = analyze('gemeinde-konten-ertrag-aufwand.csv');
    expect(a.kind.kind).toBe('budget');
    expect(ignoredReason(a, 'Saldo')).toBe(
      '"Saldo" is the difference between "Ertrag" and "Aufwand" on every row (the net of the two sides): not a budget figure of its own',
    );
  });

  it('reads period columns that name their side (Ansatz 2024 Ertrag, Ansatz 2024 Aufwand) as both sides of that year', () => {
    const a = analyze('teilergebnisplan-ertrag-aufwand-je-jahr.csv');
    const by = new Map<string, number>();
    for (const l of a.lines) by.set(`${l.period} ${l.direction}`, (by.get(`${l.period} ${l.direction}`) ?? 0) + Number(l.amount));
    expect(Object.fromEntries(by)).toEqual({
      'FY2024 revenue': 1312100,
      'FY2024 expense': 3820000,
      'FY2025 revenue': 1338000,
      'FY2025 expense': 3914000,
    });
    expect(ignoredReason(a, 'Ergebnis 2022 Ertrag')).toBe('"Ergebnis 2022 Ertrag" holds ergebnis, not the budget');
    expect(a.direction).toBeNull();
    expect(a.ignoredColumns.some((c) => /later budget version/.test(c.reason))).toBe(false);
  });

  it('keeps a line for each side when a row fills both, and says when a row fills neither', () => {
    const rows = Array.from({ length: 10 }, (_, i) =>
      i % 2 === 0 ? `51${i}0;Sachkosten ${i};${100 + i};` : `41${i}0;Gebühren ${i};;${200 + i}`,
    );
    const a = analyzeCsv(
      ['Konto;Bezeichnung;Aufwand;Ertrag', ...rows, '5200;Mieten;300;40', '5300;Leer;;'].join('\n'),
      'haushalt-2026.csv',
    );
    expect(a.lines.slice(-3).map((l) => [l.sourceRow, l.direction, l.amount])).toEqual([
      [11, 'revenue', '209.00'],
      [12, 'expense', '300.00'],
      [12, 'revenue', '40.00'],
    ]);
    expect(a.stats).toMatchObject({ lines: 12, total: '1885.00', errors: 0 });
    expect(issuesOf(a, 'amount.not_available')[0]?.message).toBe(
      'Row 13 has no figure on either side (cell C13 and cell D13 are empty): no line.',
    );
  });

  it('reads a plan exported from the ledger with costs and revenues in two columns: both sides, no line lost', () => {
    const a = analyzeWorkbook(
      readWorkbook(
        new Uint8Array(readFileSync(fileURLToPath(new URL('../../fixtures/kinds/Plan-Kosten-und-Erloese-2025.csv', import.meta.url)))),
        'Plan-Kosten-und-Erloese-2025.csv',
      ),
    );
    expect(a.stats).toMatchObject({ lines: 15, total: '1985017.47', importable: true, errors: 0 });
    expect(a.lines.filter((l) => l.direction === 'revenue').length).toBe(6);
  });

  for (const file of ['kontobuch-einnahmen-ausgaben.csv', 'cash-book-expenditure-income.csv']) {
    it(`${file}: dated rows with a running balance stay a bank statement`, () => {
      const a = analyze(file);
      expect(a.kind.kind).toBe('bank_statement');
      expect(a.kind.reasons.join(' ')).toMatch(/carries from row to row/);
      expect(a.kind.reasons).toContain('money out and money in are kept in two columns, one of them filled on each dated row');
      expect(a.stats.importable).toBe(false);
    });
  }
});

describe('percentage columns are never the category, a dimension or an amount', () => {
  const cases: [string, string][] = [
    ['programme-expenses-share.csv', '% of total 2025-26'],
    ['teilhaushalte-anteil.csv', 'Anteil'],
    ['presupuesto-variacion.csv', 'Variación'],
    ['credits-programmes-part.csv', 'part'],
    ['department-budget-share-fy2026.csv', '%'],
  ];
  for (const [file, header] of cases) {
    it(`${file}: "${header}" is ignored, saying it holds percentages`, () => {
      const a = analyze(file);
      expect(ignoredReason(a, header)).toBe(
        `"${header}" holds percentages (each line's share of the total, or its change), not an amount and not a classification of the lines`,
      );
      expect(a.mapping.some((m) => m.header === header)).toBe(false);
      for (const l of a.lines) {
        expect(l.category).not.toMatch(/%|^0,\d+$/);
        expect(Object.values(l.dimensions).join(' ')).not.toMatch(/%/);
      }
    });
  }

  it('reads negative percentages in parentheses as percentages too', () => {
    const a = analyzeCsv(
      'Service,Budget 2025,Budget 2026,Change\nParks,100,90,(10.0%)\nLibrary,200,220,10.0%\nPolice,300,300,0.0%\n',
      'plan.csv',
      {
        set: { department: 'City' },
      },
    );
    expect(ignoredReason(a, 'Change')).toMatch(/holds percentages/);
    expect(a.stats).toMatchObject({ lines: 6, total: '1210.00', errors: 0 });
  });

  it('names the lines by the programme when it is the only label, saying so', () => {
    const a = analyze('programme-expenses-share.csv');
    expect(a.lines.map((l) => l.category).slice(0, 2)).toEqual(['Schools', 'Schools']);
    expect(a.mapping.find((m) => m.field === 'category')?.reason).toMatch(/"Programme" is the only column that names the lines/);
  });
});

describe('figures with footnote or flag marks after them are read without the marks', () => {
  it('reads (a), *, † and says so once for the column; the footnotes below are notes, not lines', () => {
    const a = analyze('state-appropriations-footnotes.csv');
    expect(a.lines.map((l) => [l.sourceRow, l.amount])).toEqual([
      [3, '1234500.00'],
      [4, '812000.00'],
      [5, '2450000.00'],
      [6, '318250.00'],
      [7, '1100000.00'],
    ]);
    expect(issuesOf(a, 'amount.note_mark')).toEqual([
      {
        severity: 'info',
        code: 'amount.note_mark',
        message:
          'Column C ("Appropriation"): 4 figures carry footnote or flag marks after them ("(a)", "*", "(b)", "†"), as published tables print them, first in cell C3. The figures are read without the marks; the notes they point to are not part of the budget.',
        row: 3,
        column: 3,
        field: 'amount',
      },
    ]);
    expect(issuesOf(a, 'row.heading_skipped').map((i) => i.row)).toEqual([8, 9, 10, 11]);
  });

  it('reads German superscripts and stars with decimal commas, and French flag letters', () => {
    expect(analyze('haushaltsplan-fussnoten.csv').lines.map((l) => l.amount)).toEqual([
      '1234.00',
      '12500.00',
      '450000.00',
      '98400.50',
      '2100000.00',
    ]);
    const fr = analyze('credits-notes-lettres.csv');
    expect(fr.lines.map((l) => l.amount)).toEqual(['1025000.00', '780500.00', '455000.00', '320000.00', '610250.00']);
    expect(issuesOf(fr, 'amount.note_mark')[0]?.message).toContain('("(1)", "e", "p", "(2)")');
  });

  it('reads German footnote numbers with a closing parenthesis (12.500 1)) and letters (a)) alike', () => {
    const a = analyzeCsv(
      'Kostenstelle;Bezeichnung;Ansatz 2024\n1000;Verwaltung;12.500 1)\n1100;Personal;1.234,50 a)\n1200;Kämmerei;8.000\n',
      'plan.csv',
    );
    expect(a.lines.map((l) => l.amount)).toEqual(['12500.00', '1234.50', '8000.00']);
    expect(issuesOf(a, 'amount.note_mark')[0]?.message).toContain('("1)", "a)")');
  });

  it('never takes a scale letter (k, m, b) for a note: such a cell is still not an amount', () => {
    const a = analyzeCsv(
      'Department,Category,Budget 2026\nSales,Travel,"1,200 k"\nSales,Rent,900\nSales,Phones,120\nOps,Rent,800\n',
      'plan.csv',
    );
    expect(a.headerRow).toBe(1);
    expect(issuesOf(a, 'amount.invalid')[0]).toMatchObject({ row: 2, column: 3 });
    expect(a.stats.importable).toBe(false);
  });
});

describe('rows that lack one field, read as an analyst reads them', () => {
  it('a fund with no region category is one line named by its fund, with a warning per row', () => {
    const a = analyze('eu-cohesion-allocations.csv');
    const byParent = a.lines.filter((l) => issuesOf(a, 'category.from_parent').some((i) => i.row === l.sourceRow));
    expect(byParent.map((l) => [l.dimensions.member_state, l.category, l.amount])).toEqual([
      ['AT', 'JTF', '135800000.00'],
      ['AT', 'EMFAF', '6500000.00'],
      ['BE', 'JTF', '182600000.00'],
      ['BE', 'EMFAF', '39700000.00'],
      ['CZ', 'CF', '6150000000.00'],
      ['CZ', 'JTF', '1640000000.00'],
      ['CZ', 'EMFAF', '27800000.00'],
    ]);
    expect(issuesOf(a, 'category.from_parent')[0]).toMatchObject({
      severity: 'warning',
      row: 6,
      column: 3,
      message:
        'Row 6 has no "Category of region" (cell C6 is empty), and its figures are not the sum of the rows beside it: it is read as one line for "JTF" as a whole (its "Fund"). Check it, or fill in the name.',
    });
  });

  it('a row with the sum of the rows below it that share its label is their group row; one with no rows under it is a line', () => {
    const a = analyze('programme-group-rows-2025.csv');
    expect(issuesOf(a, 'row.group_skipped').map((i) => i.message)).toEqual([
      'Row 2 ("Youth services") has no "Line item", and its figures are the sum of rows 3–5 below it, which share its labels: it groups them, skipped.',
      'Row 6 ("Libraries") has no "Line item", and its figures are the sum of rows 7–8 below it, which share its labels: it groups them, skipped.',
    ]);
    expect(a.lines.find((l) => l.sourceRow === 9)).toMatchObject({ category: 'Sports grants', amount: '120000.00' });
  });

  it('a row with the sum of the rows above it that share its label is a subtotal; a line without its name is named by its code', () => {
    const a = analyze('fund-subtotal-rows.csv');
    expect(a.lines.map((l) => [l.category, l.codes?.category])).toContainEqual(['58000', '58000']);
    expect(issuesOf(a, 'category.from_code')[0]?.message).toBe(
      'Row 9 has no category (cell C9 is empty); it is named by its code "58000". Check it, or fill in the name.',
    );
    expect(issuesOf(a, 'row.total_skipped').map((i) => i.message)).toEqual([
      'Row 5 ("General Fund") has no "Description", and its figures are the sum of rows 2–4 above it, which share its labels: a subtotal, skipped.',
      'Row 8 ("Water Fund") has no "Description", and its figures are the sum of rows 6–7 above it, which share its labels: a subtotal, skipped.',
      'Row 10 ("Grants Fund") has no "Description", and its figures are the sum of row 9 above it, which shares its labels: a subtotal, skipped.',
    ]);
  });

  it('an unlabelled row of figures that adds up the rows above is a subtotal', () => {
    const a = analyzeCsv('Category,Budget 2026\nRent,100\nTravel,50\n,150\nSoftware,30\n', 'plan.csv', { set: { department: 'Ops' } });
    expect(a.lines.map((l) => l.category)).toEqual(['Rent', 'Travel', 'Software']);
    expect(issuesOf(a, 'row.total_skipped')[0]?.message).toBe(
      'Row 4 has no "Category", and its figures are the sum of rows 2–3 above it: a subtotal, skipped.',
    );
  });

  it('a row that lacks its category where its department has named rows is still an error, at its cell', () => {
    const a = analyzeCsv('Department,Category,Budget 2026\nSales,Travel,100\nSales,,40\nSales,Rent,900\n', 'plan.csv');
    expect(issuesOf(a, 'field.missing')).toEqual([
      expect.objectContaining({
        severity: 'error',
        row: 3,
        column: 2,
        message: 'Row 3 has no category (cell B3 is empty). Fill it in, or delete the row.',
      }),
    ]);
    expect(issuesOf(a, 'category.from_parent')).toEqual([]);
  });

  it('a row without its item under a programme that has named items is still a line, named by the programme, with a warning', () => {
    const a = analyzeCsv(
      'Fund,Program,Item,Budget 2026\nGeneral,Parks,Mowing,100\nGeneral,Parks,,40\nGeneral,Parks,Trees,60\nGrants,Youth,Camps,30\n',
      'plan.csv',
      { set: { department: 'City' } },
    );
    expect(a.lines.map((l) => l.category)).toEqual(['Mowing', 'Trees', 'Parks', 'Camps']);
    expect(issuesOf(a, 'category.from_parent')[0]?.message).toBe(
      'Row 3 has no "Item" (cell C3 is empty), and its figures are not the sum of the rows beside it: it is read as one line for "Parks" as a whole (its "Program"). Check it, or fill in the name.',
    );
    expect(a.stats).toMatchObject({ importable: true, total: '230.00' });
  });

  it('a row with labels but no category and no figure is a heading', () => {
    const a = analyzeCsv(
      'Fund,Programme,Item,Budget 2026\nGeneral Fund,Parks,,\nGeneral Fund,Parks,Rent,100\nGeneral Fund,Parks,Travel,50\n',
      'plan.csv',
      {
        set: { department: 'Ops' },
      },
    );
    expect(issuesOf(a, 'row.heading_skipped')[0]?.message).toBe(
      'Row 2 ("Parks") has no "Item" and no figure: a heading over the rows under it, not a budget line.',
    );
    expect(a.stats).toMatchObject({ lines: 2, errors: 0 });
  });
});

describe('a grant budget: a sheet by year for each year, and a sheet with the years side by side', () => {
  const form = (year: number) => ({
    name: `Year ${year}`,
    rows: [['PROPOSAL BUDGET FORM'], [], ['Name', 'Title', 'Requested Salary', 'Total'], ['Ada Lovelace', 'PI', 1000 * year, 1000 * year]],
  });
  const cumulative = {
    name: 'Cumulative',
    rows: [
      ['PROPOSAL BUDGET FORM'],
      ['Cumulative Budget'],
      [],
      ['', 'Year 1', 'Year 2', 'Year 3', 'Cumulative'],
      ['Salaries', 1000, 2000, 3000, 6000],
      ['Travel', 500, 500, 0, 1000],
      ['Total Direct Costs', 1500, 2500, 3000, 7000],
      ['MTDC Base', 1500, 2500, 3000, 7000],
      ['Total Indirect Costs', 750, 1250, 1500, 3500],
      [],
      ['Total Costs Requested', 2250, 3750, 4500, 10500],
    ],
  };
  const a = analyzeXlsx([form(1), form(2), form(3), cumulative], 'grant.xlsx', { set: { fiscal_year: '2025' } });

  it('reads the sheet holding every year side by side, and says the year sheets are its detail', () => {
    expect(a.sheet).toBe('Cumulative');
    expect(a.sheets.find((s) => s.name === 'Cumulative')?.reason).toBe(
      'it holds the figures of sheets "Year 1", "Year 2" and "Year 3" side by side, one period column each: the whole budget, of which those sheets are the detail',
    );
    expect(a.sheets.find((s) => s.name === 'Year 2')).toMatchObject({
      read: false,
      reason: 'its period is one of the columns of sheet "Cumulative", which holds every period side by side (read there, once)',
    });
  });

  it('skips the total, and the base that repeats it; keeps the indirect costs that follow them as a line', () => {
    expect(a.lines.map((l) => [l.category, l.period, l.amount])).toEqual([
      ['Salaries', 'FY2025', '1000.00'],
      ['Salaries', 'FY2026', '2000.00'],
      ['Salaries', 'FY2027', '3000.00'],
      ['Travel', 'FY2025', '500.00'],
      ['Travel', 'FY2026', '500.00'],
      ['Travel', 'FY2027', '0.00'],
      ['Total Indirect Costs', 'FY2025', '750.00'],
      ['Total Indirect Costs', 'FY2026', '1250.00'],
      ['Total Indirect Costs', 'FY2027', '1500.00'],
    ]);
    expect(a.stats).toMatchObject({ total: '10500.00', importable: true });
    expect(issuesOf(a, 'row.total_skipped').map((i) => i.message)).toEqual([
      'Row 7 ("Total Direct Costs") is a total or subtotal: skipped, it is not a budget line.',
      'Row 8 ("MTDC Base") repeats the figures of the total on row 7 ("Total Direct Costs") just above it: a restatement of that total (such as the base a rate is applied to), not a budget line. Skipped.',
      'Row 11 ("Total Costs Requested") is a total or subtotal: skipped, it is not a budget line.',
    ]);
    expect(issuesOf(a, 'row.total_kept')[0]).toMatchObject({
      severity: 'warning',
      row: 9,
      message:
        'Row 9 ("Total Indirect Costs") is named like a total, but no line stands between it and the total on row 7 ("Total Direct Costs"), its figures add up none of the rows above it, and the total on row 11 ("Total Costs Requested") adds it in: it is read as a budget line of its own. Check it.',
    });
  });

  it('still skips a total that follows a subtotal when it adds up the rows since an earlier total', () => {
    const b = analyzeCsv(
      'Item,Budget 2026\nA1,10\nA2,20\nTotal A,30\nB1,5\nTotal B,5\nTotal Division,35\nTotal B2,7\nGrand total,42\n',
      'plan.csv',
      { set: { department: 'Ops' } },
    );
    expect(b.lines.map((l) => l.category)).toEqual(['A1', 'A2', 'B1', 'Total B2']);
    expect(issuesOf(b, 'row.total_kept').map((i) => i.row)).toEqual([8]);
    expect(issuesOf(b, 'row.total_skipped').map((i) => i.row)).toEqual([4, 6, 7, 9]);
  });

  it('keeps a row named like a total as a total when no total below adds it in (a summary by category after the lines)', () => {
    const b = analyzeCsv(
      'Department,Item,Budget 2026\nParks,Salaries,100\nParks,Supplies,20\nTotal Parks,,120\nLibrary,Salaries,80\nLibrary,Books,30\nTotal Library,,110\nTotal Salaries,,180\nTotal Supplies and books,,50\nGrand total,,230\n',
      'city.csv',
    );
    expect(b.lines.map((l) => `${l.department} ${l.category}`)).toEqual([
      'Parks Salaries',
      'Parks Supplies',
      'Library Salaries',
      'Library Books',
    ]);
    expect(b.stats.total).toBe('230.00');
    expect(issuesOf(b, 'row.total_kept')).toEqual([]);
    expect(issuesOf(b, 'row.total_skipped').map((i) => i.row)).toEqual([4, 7, 8, 9, 10]);
  });

  it("keeps a recapitulation of earlier sections' totals as totals: each adds up a stretch of the rows above", () => {
    const b = analyzeCsv(
      'Item,Budget 2026\nTeachers,100\nAssistants,50\nTotal staff,150\nBooks,20\nRent,30\nTotal running costs,50\nTotal staff,150\nTotal running costs,50\nGrand total,200\n',
      'plan.csv',
      { set: { department: 'School' } },
    );
    expect(b.lines.map((l) => l.category)).toEqual(['Teachers', 'Assistants', 'Books', 'Rent']);
    expect(b.stats.total).toBe('200.00');
    expect(issuesOf(b, 'row.total_kept')).toEqual([]);
  });

  it('reads year sheets that are tables with the same columns together, not the summary beside them', () => {
    const year = (y: number) => ({
      name: String(y),
      rows: [
        ['Department', 'Category', 'Amount'],
        ['Sales', 'Travel', 100 * (y - 2023)],
        ['Sales', 'Rent', 50],
      ],
    });
    const summary = {
      name: 'Summary',
      rows: [
        ['Department', 'Category', '2024', '2025'],
        ['Sales', 'Travel', 100, 200],
        ['Sales', 'Rent', 50, 50],
      ],
    };
    const y = analyzeXlsx([year(2024), year(2025), summary], 'plan.xlsx');
    expect(y.sheets.filter((s) => s.read).map((s) => s.name)).toEqual(['2024', '2025']);
    expect(y.stats).toMatchObject({ lines: 4, total: '400.00' });
  });

  it('reads a merged cell spread over several columns once, saying so', () => {
    const m = analyzeXlsx(
      [
        {
          name: 'Budget',
          rows: [
            ['Budget 2026'],
            ['Line', '', 'Year 1', '', 'Total', ''],
            ['Rent', 'Rent', 100, 100, 100, 100],
            ['Travel', 'Travel', 40, 40, 40, 40],
          ],
          merges: ['A2:B2', 'C2:D2', 'E2:F2', 'A3:B3', 'C3:D3', 'E3:F3', 'A4:B4', 'C4:D4', 'E4:F4'],
        },
      ],
      'budget.xlsx',
      { set: { department: 'Ops' } },
    );
    expect(m.lines.map((l) => [l.category, l.amount])).toEqual([
      ['Rent', '100.00'],
      ['Travel', '40.00'],
    ]);
    expect(m.ignoredColumns.find((c) => c.column === 4)?.reason).toBe(
      'it repeats column C on every row (one merged cell spread over several columns): read once, there',
    );
    expect(m.issues.filter((i) => i.code === 'total.mismatch')).toEqual([]);
  });
});
