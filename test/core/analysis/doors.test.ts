/**
 * Three doors, one engine: the same sheet given as an xlsx upload, as CSV text, or as the values Google
 * Sheets returns (getValues / getDisplayValues) is analyzed the same way. Also every file format and text
 * encoding the readers take, and determinism: the same input always gives the same analysis.
 */
import { describe, expect, it } from 'vitest';
import { analyzeWorkbook, type Analysis } from '@budget-sync/core';
import { readWorkbook, workbookFromSheetValues } from '@budget-sync/core/readers';
import { type XLSX, analyzeCsv, csvWorkbook, encode, essentials, type SheetSpec, xlsxBytes, xlsxWorkbook } from './helpers.ts';

/** Apps Script returns a date cell as local midnight; in New York that is 05:00 UTC. */
const nyMidnight = (month: number): Date => new Date(Date.UTC(2026, month - 1, 1, 5));
const money = (v: number): XLSX.CellObject => ({ t: 'n', v, z: '#,##0.00' });

// The same sheet, four ways: title and blank row, date column titles, a Total column that is wrong on one
// row, and a subtotal row.
const XLSX_ROWS: unknown[][] = [
  ['FY2026 Operating Budget'],
  [],
  ['Cost Center', 'GL Account', ...[1, 2, 3].map((m) => ({ t: 'd', v: new Date(Date.UTC(2026, m - 1, 1)), z: 'mmm-yy' })), 'Total'],
  ['Marketing', 'Travel', money(1234.5), money(1200), money(99), money(2533.5)],
  ['Marketing', 'Software', money(500), money(500), money(500), money(1600)],
  ['Marketing Subtotal', '', money(1734.5), money(1700), money(599), money(4133.5)],
  ['Sales', 'Travel', money(700), money(800), money(900), money(2400)],
];
const DISPLAY: string[][] = [
  ['FY2026 Operating Budget', '', '', '', '', ''],
  ['', '', '', '', '', ''],
  ['Cost Center', 'GL Account', 'Jan-26', 'Feb-26', 'Mar-26', 'Total'],
  ['Marketing', 'Travel', '1,234.50', '1,200.00', '99.00', '2,533.50'],
  ['Marketing', 'Software', '500.00', '500.00', '500.00', '1,600.00'],
  ['Marketing Subtotal', '', '1,734.50', '1,700.00', '599.00', '4,133.50'],
  ['Sales', 'Travel', '700.00', '800.00', '900.00', '2,400.00'],
];
const VALUES: unknown[][] = [
  ['FY2026 Operating Budget', '', '', '', '', ''],
  ['', '', '', '', '', ''],
  ['Cost Center', 'GL Account', nyMidnight(1), nyMidnight(2), nyMidnight(3), 'Total'],
  ['Marketing', 'Travel', 1234.5, 1200, 99, 2533.5],
  ['Marketing', 'Software', 500, 500, 500, 1600],
  ['Marketing Subtotal', '', 1734.5, 1700, 599, 4133.5],
  ['Sales', 'Travel', 700, 800, 900, 2400],
];
const csvText = DISPLAY.map((row) => row.map((c) => (c.includes(',') ? `"${c}"` : c)).join(',')).join('\r\n');

describe('three doors, one engine', () => {
  const fromXlsx = analyzeWorkbook(xlsxWorkbook([{ name: 'Budget', rows: XLSX_ROWS }], 'Budget.xlsx'));
  const fromCsv = analyzeWorkbook(csvWorkbook(csvText, 'Budget.csv'));
  const fromSheets = analyzeWorkbook(workbookFromSheetValues({ sheetName: 'Budget', values: VALUES, displayValues: DISPLAY }));
  const fromDisplayOnly = analyzeWorkbook(workbookFromSheetValues({ sheetName: 'Budget', values: DISPLAY }));
  // After JSON transport (the add-on posting to the API), Dates arrive as ISO timestamps.
  const fromJson = analyzeWorkbook(
    workbookFromSheetValues(
      JSON.parse(JSON.stringify({ sheetName: 'Budget', values: VALUES, displayValues: DISPLAY })) as {
        sheetName: string;
        values: unknown[][];
        displayValues: string[][];
      },
    ),
  );

  it('the xlsx door finds what the sheet holds', () => {
    const e = essentials(fromXlsx);
    expect(e).toMatchObject({
      kind: 'budget',
      headerRow: 3,
      layout: 'wide',
      fiscalYear: 2026,
      total: '6433.50',
      rows: 4,
      importable: true,
    });
    expect(e.mapping).toEqual([
      { field: 'department', column: 1, header: 'Cost Center', method: 'synonym', period: undefined },
      { field: 'category', column: 2, header: 'GL Account', method: 'synonym', period: undefined },
      { field: 'period', column: 3, header: 'Jan-26', method: 'period_header', period: '2026-01' },
      { field: 'period', column: 4, header: 'Feb-26', method: 'period_header', period: '2026-02' },
      { field: 'period', column: 5, header: 'Mar-26', method: 'period_header', period: '2026-03' },
    ]);
    expect(e.lines.map((l) => [l.sourceRow, l.department, l.category, l.period, l.amount])).toEqual([
      [4, 'Marketing', 'Travel', '2026-01', '1234.50'],
      [4, 'Marketing', 'Travel', '2026-02', '1200.00'],
      [4, 'Marketing', 'Travel', '2026-03', '99.00'],
      [5, 'Marketing', 'Software', '2026-01', '500.00'],
      [5, 'Marketing', 'Software', '2026-02', '500.00'],
      [5, 'Marketing', 'Software', '2026-03', '500.00'],
      [7, 'Sales', 'Travel', '2026-01', '700.00'],
      [7, 'Sales', 'Travel', '2026-02', '800.00'],
      [7, 'Sales', 'Travel', '2026-03', '900.00'],
    ]);
    expect(e.issues).toEqual([
      { code: 'total.mismatch', severity: 'warning', row: 5, column: 6 },
      { code: 'row.total_skipped', severity: 'info', row: 6, column: null },
    ]);
  });

  it('CSV text gives the same kind, header, mapping, lines, total and issues as the xlsx', () => {
    expect(essentials(fromCsv)).toEqual(essentials(fromXlsx));
  });

  it('Google Sheets getValues() with getDisplayValues() gives the same as the xlsx', () => {
    expect(essentials(fromSheets)).toEqual(essentials(fromXlsx));
  });

  it('Google Sheets getDisplayValues() alone gives the same as the xlsx', () => {
    expect(essentials(fromDisplayOnly)).toEqual(essentials(fromXlsx));
  });

  it('Google Sheets values after JSON transport (dates as ISO timestamps) give the same as the xlsx', () => {
    expect(essentials(fromJson)).toEqual(essentials(fromXlsx));
  });

  it('a date column title from a sheet east of UTC (local midnight is the evening before in UTC) is that month', () => {
    const berlin = (month: number) => new Date(Date.UTC(2026, month - 1, 1) - 3_600_000);
    const a = analyzeWorkbook(
      workbookFromSheetValues({
        sheetName: 'Budget',
        values: [
          ['Cost Center', 'GL Account', berlin(1), berlin(2)],
          ['Marketing', 'Travel', 10, 20],
        ],
      }),
    );
    expect(a.mapping.filter((m) => m.field === 'period').map((m) => [m.header, m.period])).toEqual([
      ['2026-01-01', '2026-01'],
      ['2026-02-01', '2026-02'],
    ]);
    expect(a.lines.map((l) => l.period)).toEqual(['2026-01', '2026-02']);
  });

  it('a formula error is the same issue whichever door it came through', () => {
    const header = ['Department', 'Category', 'Month', 'Amount'];
    const viaXlsx = analyzeWorkbook(
      xlsxWorkbook([
        {
          name: 'Budget',
          rows: [header, ['Sales', 'Travel', '2026-01', 100], ['Sales', 'Meals', '2026-01', { t: 'e', v: 0x17 }]],
        },
      ]),
    );
    const viaCsv = analyzeCsv('Department,Category,Month,Amount\nSales,Travel,2026-01,100\nSales,Meals,2026-01,#REF!\n', 'Budget.csv');
    const viaSheets = analyzeWorkbook(
      workbookFromSheetValues({
        sheetName: 'Budget',
        values: [header, ['Sales', 'Travel', '2026-01', 100], ['Sales', 'Meals', '2026-01', '#REF!']],
      }),
    );
    const expected = [{ code: 'value.formula_error', severity: 'error', row: 3, column: 4 }];
    expect(essentials(viaXlsx).issues).toEqual(expected);
    expect(essentials(viaCsv).issues).toEqual(expected);
    expect(essentials(viaSheets).issues).toEqual(expected);
    expect(viaXlsx.issues[0]?.message).toMatch(/#REF!/);
  });

  it('cells merged down a column (one department over several rows) read like the value repeated', () => {
    const rows = [
      ['Department', 'Category', 'Month', 'Amount'],
      ['Sales', 'Travel', '2026-01', 100],
      [null, 'Meals', '2026-01', 200],
      [null, 'Rent', '2026-01', 300],
      ['Operations', 'Rent', '2026-01', 400],
    ];
    const merged = analyzeWorkbook(xlsxWorkbook([{ name: 'Budget', rows, merges: ['A2:A4'] }]));
    const repeated = analyzeCsv(
      'Department,Category,Month,Amount\nSales,Travel,2026-01,100\nSales,Meals,2026-01,200\nSales,Rent,2026-01,300\nOperations,Rent,2026-01,400\n',
      'Budget.csv',
    );
    expect(merged.lines.map((l) => l.department)).toEqual(['Sales', 'Sales', 'Sales', 'Operations']);
    expect(essentials(merged)).toEqual(essentials(repeated));
  });
});

describe('every file format and text encoding gives the same lines', () => {
  const ROWS: unknown[][] = [
    ['Department', 'Category', 'Month', 'Amount'],
    ['Café Ops', 'Travel, domestic', '2026-01', 1234.5],
    ['Köln "Nord"', 'Rent', '2026-02', 99.99],
  ];
  const reference = analyzeWorkbook(readWorkbook(xlsxBytes([{ name: 'Budget', rows: ROWS }]), 'budget.xlsx'));
  const comma =
    'Department,Category,Month,Amount\r\nCafé Ops,"Travel, domestic",2026-01,"1,234.50"\r\n"Köln ""Nord""",Rent,2026-02,99.99\r\n';
  const semicolon = 'Department;Category;Month;Amount\nCafé Ops;Travel, domestic;2026-01;1.234,50\nKöln "Nord";Rent;2026-02;99,99\n';
  const tab = 'Department\tCategory\tMonth\tAmount\nCafé Ops\tTravel, domestic\t2026-01\t1234.50\nKöln "Nord"\tRent\t2026-02\t99.99\n';

  const utf16le = (text: string): Uint8Array => {
    const out = new Uint8Array(2 + text.length * 2);
    out.set([0xff, 0xfe]);
    for (let i = 0; i < text.length; i++) {
      out[2 + i * 2] = text.charCodeAt(i) & 0xff;
      out[3 + i * 2] = text.charCodeAt(i) >> 8;
    }
    return out;
  };
  /** Windows-1252 for the Latin-1 range the fixture uses (é, ö). */
  const cp1252 = (text: string): Uint8Array => Uint8Array.from(text, (ch) => ch.charCodeAt(0));

  it('the reference xlsx reads the accented, quoted values as written', () => {
    expect(reference.lines.map((l) => [l.department, l.category, l.period, l.amount])).toEqual([
      ['Café Ops', 'Travel, domestic', '2026-01', '1234.50'],
      ['Köln "Nord"', 'Rent', '2026-02', '99.99'],
    ]);
    expect(reference.stats.total).toBe('1334.49');
  });

  const cases: [string, () => Analysis][] = [
    ['xlsm', () => analyzeWorkbook(readWorkbook(xlsxBytes([{ name: 'Budget', rows: ROWS }], 'xlsm'), 'budget.xlsm'))],
    ['xls (Excel 97-2003)', () => analyzeWorkbook(readWorkbook(xlsxBytes([{ name: 'Budget', rows: ROWS }], 'biff8'), 'budget.xls'))],
    ['CSV with commas and quoted fields', () => analyzeWorkbook(readWorkbook(encode(comma), 'budget.csv'))],
    ['CSV with semicolons and decimal commas', () => analyzeWorkbook(readWorkbook(encode(semicolon), 'budget.csv'))],
    ['TSV', () => analyzeWorkbook(readWorkbook(encode(tab), 'budget.tsv'))],
    ['tab-separated text named .csv', () => analyzeWorkbook(readWorkbook(encode(tab), 'budget.csv'))],
    ['CSV with a UTF-8 byte order mark', () => analyzeWorkbook(readWorkbook(encode(`\uFEFF${comma}`), 'budget.csv'))],
    ['UTF-16 CSV', () => analyzeWorkbook(readWorkbook(utf16le(comma), 'budget.csv'))],
    ['Windows-1252 CSV', () => analyzeWorkbook(readWorkbook(cp1252(semicolon), 'budget.csv'))],
  ];
  for (const [name, analyze] of cases) {
    it(`${name} gives the same lines and total as the xlsx`, () => {
      const a = analyze();
      expect(a.kind.kind).toBe('budget');
      expect(a.mapping.map((m) => [m.field, m.header])).toEqual(reference.mapping.map((m) => [m.field, m.header]));
      expect(a.lines).toEqual(reference.lines);
      expect(a.stats.total).toBe('1334.49');
      expect(a.issues).toEqual([]);
    });
  }

  it('says which format and encoding it read', () => {
    expect(analyzeWorkbook(readWorkbook(cp1252(semicolon), 'budget.csv')).notes).toEqual(
      expect.arrayContaining(['Read as Windows-1252 text (not valid UTF-8).', 'Columns are separated by semicolons.']),
    );
    expect(analyzeWorkbook(readWorkbook(xlsxBytes([{ name: 'Budget', rows: ROWS }], 'biff8'), 'budget.xls')).format).toBe('xls');
  });
});

describe('determinism', () => {
  const sheets: SheetSpec[] = [
    { name: 'Instructions', rows: [['Fill in one row per cost center']] },
    { name: 'Budget', rows: XLSX_ROWS },
  ];

  it('analyzing the same workbook twice gives deep-equal analyses, down to key order', () => {
    const wb = xlsxWorkbook(sheets);
    const first = analyzeWorkbook(wb, { fiscalYearStartMonth: 4 });
    const second = analyzeWorkbook(wb, { fiscalYearStartMonth: 4 });
    expect(second).toEqual(first);
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('reading and analyzing the same bytes again gives a deep-equal analysis', () => {
    const bytes = xlsxBytes(sheets);
    const first = analyzeWorkbook(readWorkbook(bytes, 'b.xlsx'));
    const second = analyzeWorkbook(readWorkbook(bytes.slice(), 'b.xlsx'));
    expect(JSON.stringify(second)).toBe(JSON.stringify(first));
  });

  it('a CSV with problems gives the same issues in the same order every time', () => {
    const text = 'Department,Category,Month,Amount\nSales,Travel,2026-01,x\nSales,Travel,2026-01,1\nSales,Travel,2026-01,2\n,Rent,bad,-1\n';
    const runs = [1, 2, 3].map(() => JSON.stringify(analyzeCsv(text)));
    expect(new Set(runs).size).toBe(1);
  });
});
