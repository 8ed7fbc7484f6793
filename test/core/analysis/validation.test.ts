/**
 * Validation (DESIGN §2): each problem is an issue with a stable code, a severity, and the 1-based row and
 * column the spreadsheet shows. Errors block the import; warnings and infos do not.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCsv, analyzeXlsx, issueCells } from './helpers.ts';

const HEADER = ['Department', 'Category', 'Month', 'Amount', 'Notes'];

describe('a dirty long budget: every problem at its row and column', () => {
  const a = analyzeXlsx([
    {
      name: 'Budget',
      rows: [
        HEADER, // 1
        ['Sales', 'Travel', '2026-01', 100, ''], // 2
        ['Sales', 'Meals', '2026-01', 'abc', ''], // 3 amount.invalid
        ['Sales', '', '2026-01', 120, ''], // 4 field.missing (category)
        ['Sales', 'Rent', 'Smarch 2026', 130, ''], // 5 period.invalid
        ['Sales', 'Software', '2026-01', { t: 'e', v: 0x17 }, ''], // 6 value.formula_error (#REF!)
        ['Sales', 'Travel', '2026-01', 140, 'again'], // 7 row.duplicate of row 2
        ['Sales', 'Training', '2026-02', -50, ''], // 8 amount.negative
        ['Operations', 'Rent', '2026-02', 150, ''],
        ['Operations', 'Travel', '2026-02', 160, ''],
        ['Operations', 'Meals', '2026-02', 110, ''],
        ['Operations', 'Software', '2026-02', 125, ''],
        ['Operations', 'Training', '2026-02', 135, ''],
        ['Operations', 'Supplies', '2026-02', 145, ''],
        ['Operations', 'Equipment', '2026-02', 1450000, ''], // 15 amount.outlier
        ['', 'Phones', '2026-02', 100, ''], // 16 field.missing (department)
        ['Operations', 'Phones', '', 100, ''], // 17 field.missing (period)
        ['Operations', 'Postage', '2026-02', '', ''], // 18 field.missing (amount)
        [{ t: 'e', v: 0x07 }, 'Postage', '2026-03', 10, ''], // 19 value.formula_error (#DIV/0!) in the department
        ['Total', '', '', 1452150, ''], // 20 row.total_skipped
      ],
    },
  ]);

  it('reports each problem with its code, severity, row and column, sorted by row', () => {
    expect(issueCells(a)).toEqual([
      ['amount.invalid', 'error', 3, 4],
      ['field.missing', 'error', 4, 2],
      ['period.invalid', 'error', 5, 3],
      ['value.formula_error', 'error', 6, 4],
      ['row.duplicate', 'error', 7, null],
      ['amount.negative', 'warning', 8, 4],
      ['amount.outlier', 'warning', 15, 4],
      ['field.missing', 'error', 16, 1],
      ['field.missing', 'error', 17, 3],
      ['field.missing', 'error', 18, 4],
      ['value.formula_error', 'error', 19, 1],
      ['row.total_skipped', 'info', 20, null],
    ]);
  });

  it('names the field a missing value belongs to', () => {
    expect(a.issues.filter((i) => i.code === 'field.missing').map((i) => [i.row, i.field])).toEqual([
      [4, 'category'],
      [16, 'department'],
      [17, 'period'],
      [18, 'amount'],
    ]);
  });

  it('writes messages that name the cell and what is in it', () => {
    const message = (code: string, row: number) => a.issues.find((i) => i.code === code && i.row === row)?.message;
    expect(message('amount.invalid', 3)).toMatch(/D3.*"abc"/);
    expect(message('period.invalid', 5)).toMatch(/C5.*"Smarch 2026"/);
    expect(message('value.formula_error', 6)).toMatch(/D6.*#REF!/);
    expect(message('value.formula_error', 19)).toMatch(/A19.*#DIV\/0!/);
    expect(message('row.duplicate', 7)).toMatch(/Row 7 repeats Sales \/ Travel \/ 2026-01, already on row 2/);
    expect(message('amount.outlier', 15)).toMatch(/D15 \(1450000\.00\)/);
  });

  it('keeps the valid rows as lines (not the duplicate), with their exact total', () => {
    expect(a.lines.map((l) => l.sourceRow)).toEqual([2, 8, 9, 10, 11, 12, 13, 14, 15]);
    expect(a.stats).toEqual({ rows: 19, lines: 9, total: '1450875.00', importable: false, errors: 9, warnings: 2 });
  });
});

describe('warnings and wide layouts', () => {
  it('a budget with only warnings (a negative amount) is still importable', () => {
    const a = analyzeCsv('Department,Category,Month,Amount\nSales,Travel,2026-01,100\nSales,Refunds,2026-01,(25.00)\n');
    expect(issueCells(a)).toEqual([['amount.negative', 'warning', 3, 4]]);
    expect(a.stats).toMatchObject({ importable: true, errors: 0, warnings: 1, total: '75.00' });
  });

  it('reports formula errors, invalid amounts and negative amounts in period columns at their own column', () => {
    const a = analyzeXlsx([
      {
        name: 'FY2026',
        rows: [
          ['Cost Center', 'Account', 'Jan', 'Feb', 'Mar', 'Total'],
          ['Sales', 'Travel', 100, { t: 'e', v: 0x2a }, 300, 400],
          ['Sales', 'Meals', 10, 'ten', 30, 40],
          ['Operations', 'Rent', 500, -20, 500, 980],
        ],
      },
    ]);
    expect(issueCells(a)).toEqual([
      ['value.formula_error', 'error', 2, 4],
      ['amount.invalid', 'error', 3, 4],
      ['amount.negative', 'warning', 4, 4],
    ]);
    expect(a.stats.importable).toBe(false);
  });

  it('reports a total that does not add up at the Total column of that row', () => {
    const a = analyzeXlsx([
      {
        name: 'FY2026',
        rows: [
          ['Cost Center', 'Account', 'Q1', 'Q2', 'Q3', 'Q4', 'FY Total'],
          ['Sales', 'Travel', 100, 100, 100, 100, 400],
          ['Sales', 'Meals', 10, 10, 10, 10, 50],
        ],
      },
    ]);
    expect(issueCells(a)).toEqual([['total.mismatch', 'warning', 3, 7]]);
    expect(a.lines.filter((l) => l.sourceRow === 3).map((l) => l.period)).toEqual(['2026-Q1', '2026-Q2', '2026-Q3', '2026-Q4']);
  });

  it('reports the same key on two rows of a wide layout as row.duplicate and keeps the first', () => {
    const a = analyzeCsv('FY2026\nDepartment,Category,Jan,Feb\nSales,Travel,1,2\nsales,travel,3,4\n');
    expect(issueCells(a)).toEqual([
      ['row.duplicate', 'error', 4, null],
      ['row.duplicate', 'error', 4, null],
    ]);
    expect(a.lines.map((l) => l.amount)).toEqual(['1.00', '2.00']);
  });
});

describe('overlapping periods of one budget (period.overlap, DESIGN §2)', () => {
  const a = analyzeCsv(
    [
      'Department,Category,Month,Amount', // 1
      'Ops,Travel,2026-01,100', // 2
      'Ops,Travel,2026-02,100', // 3
      'Ops,Travel,FY2026,600', // 4 overlaps the months
      'ops,TRAVEL,2026-Q3,300', // 5 overlaps the year (the same budget whatever the letter case)
      'Ops,Meals,FY2026,50', // 6 another category: its own budget
      'Sales,Travel,2026-01,70', // 7 another department
      'Ops,Travel,2025-12,90', // 8 a month of the year before: no overlap
    ].join('\n'),
  );

  it('is an error at the row and amount column of the later line', () => {
    expect(issueCells(a)).toEqual([
      ['period.overlap', 'error', 4, 4],
      ['period.overlap', 'error', 5, 4],
    ]);
    expect(a.issues.every((i) => i.code !== 'period.overlap' || i.field === 'period')).toBe(true);
    expect(a.stats).toMatchObject({ importable: false, errors: 2 });
  });

  it('names the earlier row it overlaps and says what to do', () => {
    const message = (row: number) => a.issues.find((i) => i.row === row)?.message;
    expect(message(4)).toMatch(
      /^Row 4 budgets Ops \/ Travel for FY2026, which overlaps 2026-02 on row 3: a year and a month .* Keep one breakdown/,
    );
    expect(message(5)).toMatch(/^Row 5 budgets ops \/ TRAVEL for 2026-Q3, which overlaps FY2026 on row 4/);
  });

  it('leaves periods of one grain alone, however many', () => {
    const months = Array.from(
      { length: 36 },
      (_, i) => `Ops,Travel,${2024 + Math.floor(i / 12)}-${String((i % 12) + 1).padStart(2, '0')},10`,
    );
    const b = analyzeCsv(['Department,Category,Month,Amount', ...months, 'Ops,Travel,FY2027,120'].join('\n'));
    expect(issueCells(b)).toEqual([]);
  });
});

describe('many rows with the same problem', () => {
  it('lists the first 1000 and adds one summary issue with the count of the rest', () => {
    // 250 good rows first, so the Amount column's sampled values are amounts; then 1005 bad ones.
    const good = Array.from({ length: 250 }, (_, i) => `Team ${i},Travel,2026-01,${i + 1}`);
    const bad = Array.from({ length: 1005 }, (_, i) => `Team ${i},Meals,2026-01,n/a`);
    const a = analyzeCsv(`Department,Category,Month,Amount\n${[...good, ...bad].join('\n')}\n`);
    const invalid = a.issues.filter((i) => i.code === 'amount.invalid');
    expect(invalid).toHaveLength(1001);
    expect(invalid[0]).toMatchObject({ row: null, column: null, severity: 'error' });
    expect(invalid[0]?.message).toMatch(/…and 5 more rows/);
    expect(invalid[1]?.row).toBe(252);
    expect(invalid[1000]?.row).toBe(1251);
    expect(a.stats.errors).toBe(1005);
    expect(a.stats.lines).toBe(250);
  });
});
