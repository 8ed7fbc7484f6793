/**
 * Structure (DESIGN §2): which sheet, which header row (under titles and blank rows, or spanning two
 * rows), long or wide layout in every period-column form, total columns and total rows, and where the
 * fiscal year comes from. Every workbook is built in the test.
 */
import { describe, expect, it } from 'vitest';
import { analyzeWorkbook, FileReadError } from '@budget-sync/core';
import { analyzeCsv, analyzeXlsx, headerOf, issueCells, monthCell, rowLines, xlsxWorkbook } from './helpers.ts';

const BUDGET_ROWS: unknown[][] = [
  ['Department', 'Category', 'Month', 'Amount'],
  ['Sales', 'Travel', '2026-01', 1200],
  ['Sales', 'Meals', '2026-01', 300.5],
  ['Operations', 'Rent', '2026-02', 5000],
];

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

describe('choosing the sheet', () => {
  it('passes over an instruction sheet placed first, even one with an example table, and says why for each sheet', () => {
    const a = analyzeXlsx([
      {
        name: 'Instructions',
        rows: [
          ['How to fill in this template'],
          ['Department', 'Category', 'Month', 'Amount'],
          ['e.g. Sales', 'e.g. Travel', '2026-01', 100],
        ],
      },
      { name: 'Data', rows: BUDGET_ROWS },
    ]);
    expect(a.sheet).toBe('Data');
    expect(a.sheets.map((s) => [s.name, s.chosen])).toEqual([
      ['Instructions', false],
      ['Data', true],
    ]);
    expect(a.sheets[0]?.reason).toBe('its name says it holds instructions or notes');
    expect(a.sheets[1]?.reason).toBe('it holds the table that looks most like a budget');
    expect(a.lines).toHaveLength(3);
  });

  it('says an instruction sheet of plain text holds no table', () => {
    const a = analyzeXlsx([
      { name: 'Read me', rows: [['How to fill in the budget template'], ['Enter one row per department and account.']] },
      { name: 'Budget', rows: BUDGET_ROWS },
    ]);
    expect(a.sheet).toBe('Budget');
    expect(a.sheets[0]?.reason).toBe('it holds no table');
  });

  it('passes over a hidden sheet even when it holds a budget-like table', () => {
    const a = analyzeXlsx([
      { name: 'Budget FY2025 (old)', rows: BUDGET_ROWS, hidden: true },
      { name: 'Plan', rows: BUDGET_ROWS },
    ]);
    expect(a.sheet).toBe('Plan');
    expect(a.sheets[0]).toMatchObject({ name: 'Budget FY2025 (old)', hidden: true, chosen: false, reason: 'it is hidden' });
  });

  it('passes over a notes sheet placed after the budget', () => {
    const a = analyzeXlsx([
      { name: 'FY26', rows: BUDGET_ROWS },
      {
        name: 'Notes',
        rows: [
          ['Topic', 'Note'],
          ['Travel', 'Capped at 1,500 per trip'],
          ['Rent', 'New lease from March'],
        ],
      },
    ]);
    expect(a.sheet).toBe('FY26');
    expect(a.sheets[1]?.chosen).toBe(false);
  });

  it('analyzes the sheet the user names (ignoring case) instead of choosing one', () => {
    const wb = xlsxWorkbook([
      { name: 'Budget', rows: BUDGET_ROWS },
      { name: 'Draft', rows: BUDGET_ROWS.slice(0, 2) },
    ]);
    const a = analyzeWorkbook(wb, { sheet: 'draft' });
    expect(a.sheet).toBe('Draft');
    expect(a.sheets.find((s) => s.name === 'Draft')?.reason).toBe('the sheet you asked for');
    expect(a.lines).toHaveLength(1);
  });

  it('refuses a sheet name the workbook does not have, listing the sheets it does have', () => {
    const wb = xlsxWorkbook([
      { name: 'Budget', rows: BUDGET_ROWS },
      { name: 'Draft', rows: BUDGET_ROWS },
    ]);
    let caught: unknown;
    try {
      analyzeWorkbook(wb, { sheet: 'Forecast' });
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(FileReadError);
    expect((caught as FileReadError).code).toBe('sheet.not_found');
    expect((caught as FileReadError).message).toMatch(/"Forecast".*"Budget", "Draft"/);
  });
});

describe('finding the header row', () => {
  it('finds the header on row 5 under a merged title row, a subtitle and two blank rows', () => {
    const a = analyzeXlsx([
      {
        name: 'Budget',
        rows: [['Acme Corp — Operating Budget FY2026'], ['Prepared by Finance, 3 March'], [], [], ...BUDGET_ROWS],
        merges: ['A1:D1'],
      },
    ]);
    expect(a.headerRow).toBe(5);
    expect(a.headerRows).toEqual([5]);
    expect(a.headerReason).toMatch(/^Row 5 holds the column titles/);
    expect(a.headerReason).toMatch(/The 4 rows above it are titles, notes or blank/);
    expect(a.lines.map((l) => l.sourceRow)).toEqual([6, 7, 8]);
    expect(a.fiscalYear).toEqual({ value: 2026, source: 'the title rows' });
  });

  it('finds the header under title rows in a CSV too', () => {
    const a = analyzeCsv('Operating budget\n,,,\nDepartment,Category,Month,Amount\nSales,Travel,2026-01,100\n');
    expect(a.headerRow).toBe(3);
    expect(rowLines(a, 4)).toEqual([['2026-01', '100.00']]);
  });

  it('joins a header split over two rows ("Cost" above "Center")', () => {
    const a = analyzeXlsx([
      {
        name: 'Budget',
        rows: [
          ['Cost', 'GL', 'Budget', 'Budget'],
          ['Center', 'Account', 'Month', 'Amount'],
          ['Sales', 'Travel', '2026-01', 100],
          ['Operations', 'Rent', '2026-02', 200],
        ],
      },
    ]);
    expect(a.headerRow).toBe(2);
    expect(a.headerRows).toEqual([1, 2]);
    expect(a.headerReason).toMatch(/together with row 1/);
    expect([headerOf(a, 'department'), headerOf(a, 'category'), headerOf(a, 'period'), headerOf(a, 'amount')]).toEqual([
      'Cost Center',
      'GL Account',
      'Budget Month',
      'Budget Amount',
    ]);
    expect(a.lines.map((l) => [l.sourceRow, l.department, l.amount])).toEqual([
      [3, 'Sales', '100.00'],
      [4, 'Operations', '200.00'],
    ]);
  });

  it('reads the header below a merged group row, and takes the fiscal year from that group row', () => {
    const a = analyzeXlsx([
      {
        name: 'Budget',
        rows: [
          ['Organisation', '', 'FY2026 monthly budget', '', ''],
          ['Cost Center', 'Account', 'Jan', 'Feb', 'Mar'],
          ['Sales', 'Travel', 100, 200, 300],
        ],
        merges: ['A1:B1', 'C1:E1'],
      },
    ]);
    expect(a.headerRow).toBe(2);
    expect(headerOf(a, 'department')).toBe('Cost Center');
    expect(a.fiscalYear).toEqual({ value: 2026, source: 'the title rows' });
    expect(rowLines(a, 3)).toEqual([
      ['2026-01', '100.00'],
      ['2026-02', '200.00'],
      ['2026-03', '300.00'],
    ]);
  });
});

describe('long and wide layouts', () => {
  it('reads one row per line as a long layout', () => {
    const a = analyzeXlsx([{ name: 'Budget', rows: BUDGET_ROWS }]);
    expect(a.layout).toBe('long');
    expect(a.lines.map((l) => [l.department, l.category, l.period, l.amount])).toEqual([
      ['Sales', 'Travel', '2026-01', '1200.00'],
      ['Sales', 'Meals', '2026-01', '300.50'],
      ['Operations', 'Rent', '2026-02', '5000.00'],
    ]);
  });

  const textForms: [string, string[], string[]][] = [
    ['Jan-26', ['Jan-26', 'Feb-26', 'Mar-26'], ['2026-01', '2026-02', '2026-03']],
    ['2026-01', ['2026-01', '2026-02', '2026-03'], ['2026-01', '2026-02', '2026-03']],
    ['January 2026', ['January 2026', 'February 2026', 'March 2026'], ['2026-01', '2026-02', '2026-03']],
    ['Q1 FY26', ['Q1 FY26', 'Q2 FY26', 'Q3 FY26', 'Q4 FY26'], ['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']],
  ];
  for (const [form, headers, periods] of textForms) {
    it(`reads "${form}" column titles as a wide layout, one line per period column`, () => {
      const text = [
        ['Department', 'Category', ...headers].join(','),
        ['Sales', 'Travel', ...headers.map((_, i) => `${(i + 1) * 100}`)].join(','),
      ].join('\n');
      const a = analyzeCsv(text, 'plan.csv');
      expect(a.layout).toBe('wide');
      expect(rowLines(a, 2)).toEqual(periods.map((p, i) => [p, `${(i + 1) * 100}.00`]));
      expect(a.lines.map((l) => l.sourceColumn)).toEqual(headers.map((_, i) => i + 3));
      expect(a.mapping.filter((m) => m.field === 'period').map((m) => [m.header, m.period])).toEqual(
        headers.map((h, i) => [h, periods[i]]),
      );
    });
  }

  it('reads date header cells (Excel mmm-yy) as month columns titled as the sheet shows them', () => {
    const a = analyzeXlsx([
      {
        name: 'Budget',
        rows: [
          ['Cost Center', 'Account', monthCell(2026, 1), monthCell(2026, 2)],
          ['Sales', 'Travel', 10, 20],
        ],
      },
    ]);
    expect(a.layout).toBe('wide');
    expect(a.mapping.filter((m) => m.field === 'period').map((m) => [m.header, m.period])).toEqual([
      ['Jan-26', '2026-01'],
      ['Feb-26', '2026-02'],
    ]);
    expect(rowLines(a, 2)).toEqual([
      ['2026-01', '10.00'],
      ['2026-02', '20.00'],
    ]);
  });

  it('reads P01..P12 as fiscal periods counted from the fiscal-year start (July: P01 is July of the year before)', () => {
    const periods = MONTHS.map((_, i) => `P${String(i + 1).padStart(2, '0')}`);
    const text = [
      'FY2026 Budget',
      ['Department', 'Category', ...periods].join(','),
      ['Sales', 'Travel', ...periods.map(() => '10')].join(','),
    ].join('\n');
    const a = analyzeCsv(text, 'plan.csv', { fiscalYearStartMonth: 7 });
    expect(a.layout).toBe('wide');
    const lines = a.lines.filter((l) => l.sourceRow === 3);
    expect(lines.map((l) => l.period)).toEqual([
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
    ]);
    expect(new Set(lines.map((l) => l.fiscalYear))).toEqual(new Set([2026]));
    expect(a.stats.total).toBe('120.00');
  });

  it('reads Q1 FY26 with a July fiscal year as July–September 2025', () => {
    const a = analyzeCsv('Department,Category,Q1 FY26,Q2 FY26\nSales,Travel,100,200\n', 'q.csv', { fiscalYearStartMonth: 7 });
    expect(a.lines.map((l) => [l.period, l.fiscalYear, l.periodStart, l.periodEnd])).toEqual([
      ['2026-Q1', 2026, '2025-07-01', '2025-09-30'],
      ['2026-Q2', 2026, '2025-10-01', '2025-12-31'],
    ]);
  });

  it('checks a Total column against its row without importing it, warning at the row and column that do not add up', () => {
    const a = analyzeCsv(
      ['FY2026', 'Department,Category,Jan,Feb,Mar,Total', 'Sales,Travel,100,200,300,600', 'Operations,Rent,10,20,30,70'].join('\n'),
      'plan.csv',
    );
    expect(a.ignoredColumns).toEqual([{ column: 6, header: 'Total', reason: expect.stringMatching(/row total/) }]);
    expect(a.lines.every((l) => l.sourceColumn <= 5)).toBe(true);
    expect(a.stats.total).toBe('660.00');
    expect(issueCells(a)).toEqual([['total.mismatch', 'warning', 4, 6]]);
    expect(a.issues[0]?.message).toMatch(/add up to 60\.00.*F4.*70\.00/);
    expect(a.stats.importable).toBe(true);
  });

  it('skips subtotal and total rows with an info issue on their row, so the total is not counted twice', () => {
    const a = analyzeCsv(
      [
        'Department,Category,Month,Amount',
        'Sales,Travel,2026-01,100',
        'Sales,Meals,2026-01,50',
        'Sales Subtotal,,,150',
        'Operations,Rent,2026-01,1000',
        'Subtotal Operations,,,1000',
        'Grand Total,,,1150',
      ].join('\n'),
    );
    expect(issueCells(a)).toEqual([
      ['row.total_skipped', 'info', 4, null],
      ['row.total_skipped', 'info', 6, null],
      ['row.total_skipped', 'info', 7, null],
    ]);
    expect(a.lines.map((l) => l.sourceRow)).toEqual([2, 3, 5]);
    expect(a.stats.total).toBe('1150.00');
    expect(a.stats.importable).toBe(true);
  });

  it('skips a total row in a wide layout whose category cell says Total', () => {
    const a = analyzeCsv(['FY2026', 'Department,Category,Jan,Feb', 'Sales,Travel,1,2', 'Sales,Total,1,2'].join('\n'));
    expect(issueCells(a)).toEqual([['row.total_skipped', 'info', 4, null]]);
    expect(a.stats.total).toBe('3.00');
  });
});

describe('the fiscal year', () => {
  const wide = [
    ['Department', 'Category', ...MONTHS],
    ['Sales', 'Travel', ...MONTHS.map((_, i) => i + 1)],
  ];

  it('comes from the sheet name when only the sheet name says it', () => {
    const a = analyzeXlsx([{ name: 'FY2026', rows: wide }], 'plan.xlsx');
    expect(a.fiscalYear).toEqual({ value: 2026, source: 'the sheet name "FY2026"' });
    expect(a.lines.map((l) => l.period)).toEqual(MONTHS.map((_, i) => `2026-${String(i + 1).padStart(2, '0')}`));
    expect(a.notes).toContain('The month columns are read as fiscal year 2026, found in the sheet name "FY2026".');
  });

  it('comes from the file name when only the file name says it (xlsx)', () => {
    const a = analyzeXlsx([{ name: 'Sheet1', rows: wide }], 'ops plan FY27.xlsx');
    expect(a.fiscalYear).toEqual({ value: 2027, source: 'the file name "ops plan FY27.xlsx"' });
    expect(a.lines[0]?.period).toBe('2027-01');
    expect(a.lines[11]?.period).toBe('2027-12');
  });

  it('comes from the file name of a CSV, and says "file name", not "sheet name"', () => {
    const text = wide.map((r) => r.join(',')).join('\n');
    const a = analyzeCsv(text, 'budget_fy2026.csv', { fiscalYearStartMonth: 7 });
    expect(a.fiscalYear).toEqual({ value: 2026, source: 'the file name "budget_fy2026.csv"' });
    // Jan..Jun of FY2026 are in calendar 2026; Jul..Dec in 2025.
    expect(a.lines.map((l) => l.period)).toEqual([
      '2026-01',
      '2026-02',
      '2026-03',
      '2026-04',
      '2026-05',
      '2026-06',
      '2025-07',
      '2025-08',
      '2025-09',
      '2025-10',
      '2025-11',
      '2025-12',
    ]);
    expect(new Set(a.lines.map((l) => l.fiscalYear))).toEqual(new Set([2026]));
  });

  it('prefers the title rows over the sheet name and the file name', () => {
    const a = analyzeXlsx([{ name: 'FY2025', rows: [['Budget FY2026'], ...wide] }], 'plan FY2024.xlsx');
    expect(a.fiscalYear).toEqual({ value: 2026, source: 'the title rows' });
  });

  it('is proposed for month columns when nothing names it: this fiscal year, with a warning on the header row saying how to set it', () => {
    const a = analyzeXlsx([{ name: 'Sheet1', rows: wide }], 'plan.xlsx');
    const year = new Date().getUTCFullYear();
    expect(issueCells(a)).toEqual([['fiscal_year.proposed', 'warning', 1, null]]);
    expect(a.issues[0]?.field).toBe('fiscal_year');
    expect(a.issues[0]?.message).toMatch(/^The period columns \("Jan", "Feb", "Mar"…\) do not say which year they are in/);
    expect(a.issues[0]?.message).toContain(`read as fiscal year ${year}, the current one`);
    expect(a.issues[0]?.message).toContain('--set fiscal_year=YYYY');
    expect(a.fiscalYear).toEqual({ value: year, source: 'this year (nothing in the file names the year)' });
    expect(a.lines.map((l) => l.period)).toEqual(MONTHS.map((_, i) => `${year}-${String(i + 1).padStart(2, '0')}`));
    expect(a.stats).toMatchObject({ lines: 12, total: '78.00', importable: true });
    // A year the user gives is taken instead, with no warning.
    const set = analyzeXlsx([{ name: 'Sheet1', rows: wide }], 'plan.xlsx', { set: { fiscal_year: '2031' } });
    expect(set.issues).toEqual([]);
    expect(set.lines[0]?.period).toBe('2031-01');
  });

  it('is proposed with the fiscal year running today when the year starts in another month', () => {
    const a = analyzeXlsx([{ name: 'Sheet1', rows: wide }], 'plan.xlsx', { fiscalYearStartMonth: 7 });
    const now = new Date();
    const year = now.getUTCMonth() + 1 >= 7 ? now.getUTCFullYear() + 1 : now.getUTCFullYear();
    expect(a.fiscalYear.value).toBe(year);
    expect(new Set(a.lines.map((l) => l.fiscalYear))).toEqual(new Set([year]));
  });

  it('comes from a fiscal year column, row by row, in a wide layout', () => {
    const a = analyzeCsv('Fiscal Year,Department,Category,Jan,Feb\nFY2026,Sales,Travel,1,2\n2027,Sales,Travel,3,4\n', 'plan.csv');
    expect(headerOf(a, 'fiscal_year')).toBe('Fiscal Year');
    expect(a.lines.map((l) => [l.sourceRow, l.period, l.fiscalYear])).toEqual([
      [2, '2026-01', 2026],
      [2, '2026-02', 2026],
      [3, '2027-01', 2027],
      [3, '2027-02', 2027],
    ]);
  });

  it('comes from a fiscal year column in a long layout without a period column: one line per fiscal year', () => {
    const a = analyzeCsv('Department,Category,FY,Annual Budget\nSales,Travel,2026,1000\nSales,Travel,2027,1100\n', 'plan.csv', {
      fiscalYearStartMonth: 7,
    });
    expect(a.lines.map((l) => [l.period, l.fiscalYear, l.periodStart, l.periodEnd, l.amount])).toEqual([
      ['FY2026', 2026, '2025-07-01', '2026-06-30', '1000.00'],
      ['FY2027', 2027, '2026-07-01', '2027-06-30', '1100.00'],
    ]);
  });

  it('places Jul-25 in fiscal year 2026 when the fiscal year starts in July', () => {
    const a = analyzeCsv('Dept,Account,Period,Amount\nFacilities,Rent,Jul-25,7732.00\nFacilities,Rent,Jun-26,100\n', 'b.csv', {
      fiscalYearStartMonth: 7,
    });
    expect(a.lines.map((l) => [l.period, l.fiscalYear])).toEqual([
      ['2025-07', 2026],
      ['2026-06', 2026],
    ]);
  });
});
