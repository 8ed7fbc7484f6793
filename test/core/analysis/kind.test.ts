/**
 * File kind (DESIGN §2): budget, payroll, expenses, invoices, bank statement or unknown, from the column
 * titles AND the values, with a confidence and reasons. Only budgets import; personal identifiers are
 * never imported; a sheet of prose has no header.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCsv, analyzeXlsx, issueCells } from './helpers.ts';

describe('budgets stay budgets', () => {
  it('a budget whose categories are "Salaries & Wages" and "Payroll Taxes" is a budget, not payroll', () => {
    const a = analyzeCsv(
      [
        'Department,Category,Month,Budget',
        'Sales,Salaries & Wages,2026-01,50000',
        'Sales,Payroll Taxes,2026-01,4000',
        'Sales,Employee Benefits,2026-01,6000',
        'Operations,Salaries & Wages,2026-01,30000',
        'Operations,Payroll Taxes,2026-01,2400',
        'Operations,Bonus,2026-01,1000',
      ].join('\n'),
      'opex.csv',
    );
    expect(a.kind.kind).toBe('budget');
    expect(a.kind.confidence).toBeGreaterThan(0.8);
    expect(a.kind.reasons[0]).toBe('This is a budget:');
    expect(a.kind.reasons.join(' ')).not.toMatch(/payroll|salar/i);
    expect(a.issues).toEqual([]);
    expect(a.stats).toMatchObject({ lines: 6, total: '93400.00', importable: true });
  });
});

describe('other kinds are refused with kind.mismatch and reasons', () => {
  it('a salary list with Cost Center, Department and Base Salary columns is payroll', () => {
    const a = analyzeCsv(
      [
        'Employee,Cost Center,Department,Job Title,Base Salary,Bonus',
        'Ana Silva,CC100,Marketing,Analyst,"72,000.00","5,000.00"',
        'Ben Okafor,CC200,Sales,Account Executive,"81,500.00","12,000.00"',
        'Carla Diaz,CC100,Marketing,Manager,"98,000.00","9,000.00"',
        'Dev Patel,CC300,Engineering,Engineer,"120,000.00","10,000.00"',
      ].join('\n'),
      'staff.csv',
    );
    expect(a.kind.kind).toBe('payroll');
    expect(a.kind.confidence).toBeGreaterThan(0.5);
    expect(a.kind.reasons[0]).toMatch(/payroll or salary list, not a budget/);
    expect(a.kind.reasons).toContain('"Base Salary" holds salaries or wages');
    expect(a.kind.reasons).toContain('"Employee" names people');
    // What an override of the kind would still meet is listed too: no category, no period.
    expect(issueCells(a)).toEqual([
      ['kind.mismatch', 'error', null, null],
      ['pii.detected', 'warning', null, 1],
      ['field.missing', 'error', 1, null],
      ['field.missing', 'error', 1, null],
    ]);
    expect(a.lines).toEqual([]);
    expect(a.stats.importable).toBe(false);
  });

  it('a payroll register with an SSN column is payroll, and the SSNs are flagged as personal identifiers', () => {
    const a = analyzeCsv(
      [
        'Employee ID,Employee Name,SSN,Department,Pay Period,Gross Pay,Net Pay',
        'E1001,Ana Silva,100-45-6789,Marketing,2026-01-15,5250.00,4095.00',
        'E1002,Ben Okafor,101-45-6788,Sales,2026-01-15,9002.00,7021.56',
        'E1003,Carla Diaz,102-45-6787,Sales,2026-01-15,6100.00,4800.10',
      ].join('\n'),
      'payroll.csv',
    );
    expect(a.kind.kind).toBe('payroll');
    expect(a.kind.reasons).toContain('"SSN" holds social security numbers');
    expect(issueCells(a)).toEqual([
      ['kind.mismatch', 'error', null, null],
      ['pii.detected', 'error', null, 3],
      ['pii.detected', 'warning', null, 2],
      ['field.missing', 'error', 1, null],
    ]);
  });

  const others: [string, string, string, RegExp][] = [
    [
      'expenses',
      'claims.csv',
      'Date,Merchant,Category,Amount,Receipt\n2026-02-03,Uber,Travel,23.50,Y\n2026-02-05,Starbucks,Meals,8.20,N\n2026-02-09,Delta,Travel,420.00,Y\n2026-02-11,Hilton,Lodging,310.00,Y\n2026-02-14,Lyft,Travel,18.00,N\n',
      /"Merchant" names the merchant/,
    ],
    [
      'invoices',
      'ap.csv',
      'Invoice No,Vendor,Invoice Date,Due Date,Amount\nINV-1001,Acme Ltd,2026-03-02,2026-04-01,1200.00\nINV-1002,Globex Inc,2026-03-05,2026-04-04,850.00\nINV-1003,Initech LLC,2026-03-09,2026-04-08,99.99\n',
      /"Invoice No" holds invoice numbers/,
    ],
    [
      'bank_statement',
      'account.csv',
      'Date,Description,Debit,Credit,Balance\n2026-01-02,Opening,,1000.00,1000.00\n2026-01-05,Card payment,50.00,,950.00\n2026-01-09,Transfer,200.00,,750.00\n2026-01-12,Deposit,,300.00,1050.00\n',
      /the balance in "Balance" carries from row to row/,
    ],
  ];
  for (const [kind, file, text, reason] of others) {
    it(`recognizes ${kind} from its column titles and figures, with reasons`, () => {
      const a = analyzeCsv(text, file);
      expect(a.kind.kind).toBe(kind);
      expect(a.kind.reasons.join('\n')).toMatch(reason);
      expect(a.issues.some((i) => i.code === 'kind.mismatch' && i.severity === 'error')).toBe(true);
      expect(a.stats.importable).toBe(false);
    });
  }

  it('recognizes a supplier payment list from its values alone (day dates, company names, a reference on every row)', () => {
    const a = analyzeCsv(
      [
        'Date,Name,Reference,Amount',
        '2026-03-02,Acme Ltd,INV-20401,1200.00',
        '2026-03-05,Globex Inc,INV-20402,850.00',
        '2026-03-09,Initech LLC,INV-20403,99.99',
        '2026-03-12,Umbrella Corp,INV-20404,10.00',
        '2026-03-17,Hooli Inc,INV-20405,5.00',
      ].join('\n'),
      'export.csv',
    );
    expect(a.kind.kind).toBe('invoices');
    expect(a.kind.reasons).toEqual(
      expect.arrayContaining([
        '"Date" holds dates of single days, as transaction lists do',
        '"Name" holds company names, as supplier payment lists do',
      ]),
    );
  });

  it('calls a table it cannot place unknown, and tells the user to map it by hand', () => {
    const a = analyzeCsv('Colour,Shape,Size,Weight\nRed,Circle,3,10\nBlue,Square,4,12\nGreen,Triangle,5,9\n', 'things.csv');
    expect(a.kind.kind).toBe('unknown');
    expect(a.kind.reasons[0]).toMatch(/could not recognize this file/);
    expect(a.issues.find((i) => i.code === 'kind.mismatch')?.message).toMatch(/map its columns by hand/);
  });

  it('extracts the lines of a non-budget when the user overrides the kind', () => {
    const a = analyzeCsv(
      'Employee,Department,Category,Month,Salary\nAna Silva,Sales,Wages,2026-01,5000\nBen Okafor,Ops,Wages,2026-01,4000\n',
      'x.csv',
      {
        treatAsBudget: true,
      },
    );
    expect(a.kind.kind).toBe('payroll');
    expect(a.lines.map((l) => l.amount)).toEqual(['5000.00', '4000.00']);
    expect(a.stats.importable).toBe(false);
  });
});

describe('personal identifiers', () => {
  it('a budget with an IBAN column stays a budget but raises pii.detected on that column and is not importable', () => {
    const a = analyzeCsv(
      [
        'Department,Category,Month,Amount,Vendor IBAN',
        'Sales,Travel,2026-01,100,DE89370400440532013000',
        'Sales,Meals,2026-01,200,GB82WEST12345698765432',
        'Operations,Rent,2026-01,300,FR1420041010050500013M02606',
      ].join('\n'),
    );
    expect(a.kind.kind).toBe('budget');
    expect(issueCells(a)).toEqual([['pii.detected', 'error', null, 5]]);
    expect(a.issues[0]?.message).toMatch(/Column 5 \("Vendor IBAN"\) holds bank account numbers \(IBANs\)/);
    expect(a.stats.importable).toBe(false);
  });

  it('never carries SSNs into the lines, even from a column mapped as the owner', () => {
    const a = analyzeCsv(
      'Department,Category,Month,Amount,Owner SSN\nSales,Travel,2026-01,100,123-45-6789\nSales,Meals,2026-01,200,234-56-7890\n',
    );
    expect(issueCells(a)).toEqual([['pii.detected', 'error', null, 5]]);
    expect(a.mapping.some((m) => m.column === 5)).toBe(false);
    expect(a.ignoredColumns).toEqual([
      { column: 5, header: 'Owner SSN', reason: expect.stringMatching(/personal identifiers are never imported/) },
    ]);
    expect(JSON.stringify(a)).not.toMatch(/123-45-6789|234-56-7890/);
    expect(a.stats.importable).toBe(false);
  });

  it('a list of named people with their pay is personal data, whatever its kind: pii.detected names both columns', () => {
    const a = analyzeCsv(
      ['Name,Department,Monthly Salary', 'Ana Silva,Sales,5200', 'Ben Okafor,Ops,4800', 'Carla Diaz,Sales,6100'].join('\n'),
      'team.csv',
    );
    const pii = a.issues.filter((i) => i.code === 'pii.detected');
    expect(pii).toEqual([
      {
        severity: 'warning',
        code: 'pii.detected',
        message:
          'Column 1 ("Name") names people and column 3 ("Monthly Salary") holds their pay: a list of named people with pay is personal data. Budget Sync does not keep a copy of this file. Remove the names, or the pay column, if the file should be kept.',
        row: null,
        column: 1,
      },
    ]);
  });

  it('named people with a date of birth are personal data too; names beside budget amounts are not', () => {
    const born = analyzeCsv(
      ['Employee,Date of Birth,Team', 'Ana Silva,1990-04-12,Sales', 'Ben Okafor,1985-11-30,Ops'].join('\n'),
      'staff.csv',
    );
    expect(born.issues.find((i) => i.code === 'pii.detected')?.message).toMatch(/"Date of Birth"\) holds personal details about them/);
    const owners = analyzeCsv(
      ['Department,Category,Month,Budget,Owner', 'Sales,Travel,2026-01,1000,Ana Silva', 'Ops,Rent,2026-01,3000,Ben Okafor'].join('\n'),
      'budget.csv',
    );
    expect(owners.kind.kind).toBe('budget');
    expect(owners.issues.filter((i) => i.code === 'pii.detected')).toEqual([]);
  });

  it('does not mistake numbers that only resemble SSNs or IBANs (bad checksum) for identifiers', () => {
    const a = analyzeCsv(
      'Department,Category,Month,Amount,Ref\nSales,Travel,2026-01,100,DE00370400440532013000\nSales,Meals,2026-01,200,000-12-3456\n',
    );
    expect(a.issues.filter((i) => i.code === 'pii.detected')).toEqual([]);
  });
});

describe('no header', () => {
  it('a sheet of prose has no header: header.not_found, kind unknown, no lines', () => {
    const a = analyzeXlsx([
      {
        name: 'Memo',
        rows: [['Dear team,'], ['Please find attached the plan for next year. We expect growth in all regions.'], ['Regards, Finance']],
      },
    ]);
    expect(a.headerRow).toBeNull();
    expect(issueCells(a)).toEqual([['header.not_found', 'error', null, null]]);
    expect(a.issues[0]?.message).toMatch(/No header row was found in sheet "Memo" of budget\.xlsx/);
    expect(a.kind.kind).toBe('unknown');
    expect(a.stats.importable).toBe(false);
  });

  it('a CSV of prose whose sentences contain commas has no header either', () => {
    const a = analyzeCsv(
      'Dear team,\nPlease find attached the plan for next year.\nWe expect growth in all regions, and costs to stay flat.\nRegards\n',
      'memo.csv',
    );
    expect(a.headerRow).toBeNull();
    expect(issueCells(a)).toEqual([['header.not_found', 'error', null, null]]);
  });
});
