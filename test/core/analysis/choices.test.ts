/**
 * What a person tells the analysis (DESIGN §2-§3): a column's role beyond the canonical fields — the
 * direction, a further dimension, a code/name twin — as an override or remembered from an earlier import;
 * and the values a file lacks (`set`), checked and normalized alike for every door, recorded in the
 * analysis, and the review's fields that ask for them with the proposal and its warning.
 */
import { type Analysis, checkSetValues, type MappingChoice, mappingChoiceOf, reviewFields, setValueProblem } from '@budget-sync/core';
import { describe, expect, it } from 'vitest';
import { analyzeCsv, analyzeXlsx } from './helpers.ts';

const byHeader = (a: Analysis, header: string) => a.mapping.filter((m) => m.header === header);
const lineView = (a: Analysis) =>
  a.lines.map((l) => [l.department, l.category, l.dimensions, l.codes ?? null, l.direction, l.amount] as const);

describe('a column mapped to the direction or a dimension', () => {
  // "Side" is neither expense nor revenue on one row in four: too few for detection to call it the direction.
  const SIDE = [
    'Department,Category,Side,Month,Amount',
    'Parks,Salaries,Expense,2026-01,100.00',
    'Parks,Fees,Revenue,2026-01,40.00',
    'Parks,Mowing,n/a,2026-01,7.00',
    'Library,Books,Expense,2026-01,20.00',
    'Library,Fines,Revenue,2026-02,5.00',
    'Library,Repairs,n/a,2026-02,3.00',
    'Pools,Chlorine,Expense,2026-02,9.00',
    'Pools,Tickets,Revenue,2026-02,11.00',
  ].join('\n');

  it('reads the direction from a column detection did not take, by override and then as remembered', () => {
    const detected = analyzeCsv(SIDE);
    expect(byHeader(detected, 'Side')[0]?.field).not.toBe('direction');
    expect(detected.lines.every((l) => l.direction === 'expense')).toBe(true);
    for (const [options, method] of [
      [{ mappingOverrides: { Side: 'direction' as MappingChoice } }, 'override'],
      [{ rememberedMappings: { side: 'direction' as MappingChoice } }, 'remembered'],
    ] as const) {
      const a = analyzeCsv(SIDE, 'budget.csv', options);
      expect(byHeader(a, 'Side')).toEqual([
        expect.objectContaining({ field: 'direction', method, confidence: 1, needsConfirmation: false }),
      ]);
      expect(byHeader(a, 'Side')[0]?.reason).toMatch(/"n\/a" says neither expense nor revenue: those rows take the file's direction/);
      expect(a.lines.filter((l) => l.direction === 'revenue').map((l) => l.category)).toEqual(['Fees', 'Fines', 'Tickets']);
      // The direction is part of a line's identity, never a dimension.
      expect(a.lines.every((l) => Object.keys(l.dimensions).length === 0)).toBe(true);
      expect(a.stats.importable).toBe(true);
    }
  });

  it('the direction the user set wins over a direction column they mapped, saying so', () => {
    const a = analyzeCsv(SIDE, 'budget.csv', { mappingOverrides: { Side: 'direction' }, set: { direction: 'revenue' } });
    expect(a.lines.every((l) => l.direction === 'revenue')).toBe(true);
    expect(a.ignoredColumns.find((c) => c.header === 'Side')?.reason).toMatch(/the direction you set applies to every line/);
  });

  // A fund code whose name was typed two ways on one row: the values do not correspond one to one, so
  // detection keeps two dimensions; the person says both are the fund.
  const FUNDS = [
    'Department,Category,Fund No,Fund Title,Month,Amount',
    'Parks,Salaries,6064,General Fund,2026-01,100.00',
    'Parks,Salaries,7010,Grants,2026-01,30.00',
    'Library,Books,6064,General fund (GF),2026-01,20.00',
    'Library,Books,7010,Grants,2026-02,5.00',
  ].join('\n');

  it('two columns given the same dimension are its code and its name, identified by the code (shown by its first name)', () => {
    const detected = analyzeCsv(FUNDS);
    expect(detected.mapping.filter((m) => m.field === 'dimension').map((m) => [m.header, m.role ?? null])).toEqual([
      ['Fund No', null],
      ['Fund Title', null],
    ]);
    const a = analyzeCsv(FUNDS, 'budget.csv', { rememberedMappings: { 'fund no': 'dimension:fund', 'fund title': 'dimension:fund' } });
    expect(a.mapping.filter((m) => m.field === 'dimension').map((m) => [m.header, m.dimension, m.role ?? null, m.method])).toEqual([
      ['Fund Title', 'fund', null, 'remembered'],
      ['Fund No', 'fund', 'code', 'remembered'],
    ]);
    expect(lineView(a)).toEqual([
      ['Parks', 'Salaries', { fund: 'General Fund' }, { fund: '6064' }, 'expense', '100.00'],
      ['Parks', 'Salaries', { fund: 'Grants' }, { fund: '7010' }, 'expense', '30.00'],
      // One fund, one line identity: the code's first name is shown.
      ['Library', 'Books', { fund: 'General Fund' }, { fund: '6064' }, 'expense', '20.00'],
      ['Library', 'Books', { fund: 'Grants' }, { fund: '7010' }, 'expense', '5.00'],
    ]);
  });

  it('"dimension" alone names the dimension after the column; a twin by title pairs as detection would', () => {
    const text = [
      'Department,Category,Cost Centre Code,Cost Centre Name,Amount,Month',
      'A,Travel,11,North,5,2026-01',
      'A,Travel,12,South,6,2026-01',
    ].join('\n');
    const a = analyzeCsv(text, 'b.csv', { mappingOverrides: { 'Cost Centre Code': 'dimension', 'Cost Centre Name': 'dimension' } });
    expect(a.lines.map((l) => [l.dimensions, l.codes])).toEqual([
      [{ cost_centre: 'North' }, { cost_centre: '11' }],
      [{ cost_centre: 'South' }, { cost_centre: '12' }],
    ]);
  });

  it('a column taken for a field can be made a dimension instead; a dimension a person chose never becomes the category', () => {
    const text = ['Department,Project,Category,Month,Amount', 'Parks,Fund A,Salaries,2026-01,10', 'Parks,Fund B,Salaries,2026-01,20'].join(
      '\n',
    );
    expect(analyzeCsv(text).lines.map((l) => l.project)).toEqual(['Fund A', 'Fund B']);
    const a = analyzeCsv(text, 'b.csv', { mappingOverrides: { Project: 'dimension:fund' } });
    expect(a.lines.map((l) => [l.project, l.dimensions])).toEqual([
      [null, { fund: 'Fund A' }],
      [null, { fund: 'Fund B' }],
    ]);
    // Without a category column the most detailed label column names the lines, but not one the person called a dimension.
    const noCategory = ['Department,Region,Month,Amount', 'Parks,North,2026-01,10', 'Parks,South,2026-01,20', 'Parks,East,2026-02,5'].join(
      '\n',
    );
    expect(analyzeCsv(noCategory).lines.map((l) => l.category)).toEqual(['North', 'South', 'East']);
    const kept = analyzeCsv(noCategory, 'maintenance.csv', { mappingOverrides: { Region: 'dimension' } });
    expect(kept.lines.map((l) => [l.category, l.dimensions])).toEqual([
      ['maintenance', { region: 'North' }],
      ['maintenance', { region: 'South' }],
      ['maintenance', { region: 'East' }],
    ]);
    expect(kept.issues.map((i) => i.code)).toContain('category.proposed');
  });

  it('a direction value first met past the rows sampled is still read (the sample held only expenses)', () => {
    const rows = ['Department,Category,Kind,Month,Amount'];
    for (let i = 0; i < 230; i++) rows.push(`D${i % 7},C${i},${i < 210 ? 'Expense' : 'Revenue'},2026-01,${i + 1}.00`);
    const a = analyzeCsv(rows.join('\n'));
    expect(byHeader(a, 'Kind')[0]?.field).toBe('direction');
    expect(a.lines.filter((l) => l.direction === 'revenue')).toHaveLength(20);
  });

  it('reads the choices as people write them, and nothing else', () => {
    expect(['Amount', 'fiscal-year', ' Direction ', 'dimension', 'Dimension: Fund Code', 'dimension:'].map(mappingChoiceOf)).toEqual([
      'amount',
      'fiscal_year',
      'direction',
      'dimension',
      'dimension:fund_code',
      'dimension',
    ]);
    expect(['ignore', 'fund', 'category:x', 'dimensions', ''].map(mappingChoiceOf)).toEqual([null, null, null, null, null]);
  });
});

describe('values the file lacks (set)', () => {
  it('checks each field alike for every door, and normalizes what it keeps', () => {
    expect(
      checkSetValues(
        { department: '  Research ', fiscal_year: 'fy 2026', currency: 'eur', direction: 'Revenue', category: 'Travel' },
        'refuse',
      ),
    ).toEqual({
      set: { department: 'Research', category: 'Travel', fiscal_year: '2026', currency: 'EUR', direction: 'revenue' },
      problems: [],
    });
    expect(checkSetValues({ department: '', fiscal_year: '20x6', currency: 'EURO', direction: 'both' }, 'refuse').problems).toEqual([
      { field: 'department', message: 'needs a value, such as Marketing' },
      { field: 'fiscal_year', message: 'must be a year such as 2026 or FY2026, not "20x6"' },
      { field: 'currency', message: 'must be a three-letter currency code such as EUR, not "EURO"' },
      { field: 'direction', message: 'must be expense or revenue, not "both"' },
    ]);
    // A form's empty field is "not given".
    expect(checkSetValues({ department: ' ', category: 'Rent' }, 'absent')).toEqual({ set: { category: 'Rent' }, problems: [] });
    expect(setValueProblem('fiscal_year', '1850')).toBe('must be a year from 1990 to 2100, not 1850');
    expect(setValueProblem('department', 'Par\u0000ks')).toMatch(/control characters/);
    expect(setValueProblem('category', 'x'.repeat(201))).toMatch(/at most 200 characters/);
  });

  it("records the values set in the analysis, and where the whole file's department and category came from", () => {
    const text = 'Research Office\nCategory,Year 1,Year 2\nTravel,100,200\n';
    const proposed = analyzeCsv(text, 'grant.csv');
    expect(proposed.set).toEqual({});
    expect(proposed.department).toEqual({ value: 'Research Office', source: 'the title above the table' });
    expect(proposed.category).toBeNull();
    const given = analyzeCsv(text, 'grant.csv', { set: { department: ' Labs ', fiscal_year: 'FY2024', currency: 'chf' } });
    expect(given.set).toEqual({ department: 'Labs', fiscal_year: '2024', currency: 'CHF' });
    expect(given.department).toEqual({ value: 'Labs', source: 'what you set' });
    expect(given.fiscalYear).toEqual({ value: 2024, source: 'what you set' });
    expect(given.currency).toEqual({ value: 'CHF', source: 'what you set' });
    expect(given.lines.map((l) => [l.department, l.period, l.currency])).toEqual([
      ['Labs', 'FY2024', 'CHF'],
      ['Labs', 'FY2025', 'CHF'],
    ]);
    expect(() => analyzeCsv(text, 'grant.csv', { set: { fiscal_year: 'next year' } })).toThrow(/fiscal_year must be a year/);
  });

  it('the review asks for the department, category and first year it proposed, with the warning that says so', () => {
    const a = analyzeCsv('Research Office\nYear 1,Year 2\n100,200\n', 'lab-costs.csv');
    const fields = reviewFields(a);
    expect(fields.map((f) => [f.field, f.value, f.issue?.code ?? null, f.issue?.severity ?? null, f.assumed])).toEqual([
      ['department', 'Research Office', 'department.proposed', 'warning', false],
      ['category', 'lab-costs', 'category.proposed', 'warning', false],
      ['fiscal_year', String(new Date().getUTCFullYear()), 'period.relative_year', 'warning', false],
      ['currency', 'USD', null, null, true],
      ['direction', 'expense', null, null, true],
    ]);
    expect(fields[0]?.issue?.message).toMatch(/in the review's Department field, or --set department=NAME/);
    expect(fields[2]?.issue?.message).toMatch(/Confirm the first year, or give it \(in the review's Fiscal year field/);
    // What was set is shown as set, without the proposal's warning; the first year given is the confirmation asked for.
    const set = reviewFields(
      analyzeCsv('Research Office\nYear 1,Year 2\n100,200\n', 'lab-costs.csv', { set: { department: 'Labs', fiscal_year: '2025' } }),
    );
    expect(set.map((f) => [f.field, f.value, f.issue?.code ?? null, f.issue?.severity ?? null])).toEqual([
      ['department', 'Labs', null, null],
      ['category', 'lab-costs', 'category.proposed', 'warning'],
      ['fiscal_year', '2025', 'period.relative_year', 'info'],
      ['currency', 'USD', null, null],
      ['direction', 'expense', null, null],
    ]);
    expect(set[2]?.issue?.message).toBe('The years are counted from the budget\'s start ("Year 1", "Year 2"): year 1 is 2025 as you set.');
  });

  it('the review asks for a fiscal year the file does not name, prefilled with the one proposed, and asks nothing of a file whose columns say it all', () => {
    const noYear = reviewFields(analyzeCsv('Department,Category,Jan,Feb\nParks,Mowing,1,2\n', 'plan.csv'));
    expect(noYear.map((f) => [f.field, f.value, f.issue?.severity, f.issue?.code])).toEqual([
      ['fiscal_year', String(new Date().getUTCFullYear()), 'warning', 'fiscal_year.proposed'],
      ['currency', 'USD', undefined, undefined],
      ['direction', 'expense', undefined, undefined],
    ]);
    const said = analyzeCsv(
      'Department,Category,Month,Amount,Currency,Type\nParks,Mowing,2026-01,5,EUR,Expense\nParks,Fees,2026-01,7,EUR,Revenue\n',
    );
    expect(said.direction).toBeNull();
    expect(reviewFields(said)).toEqual([]);
    expect(noYear[0]?.issue?.message).toMatch(
      /Check the year, or give it yourself \(in the review's Fiscal year field, or --set fiscal_year=YYYY\)/,
    );
    // A file that is not a budget gets no proposal: the review still shows the error an override would meet.
    const staff = reviewFields(
      analyzeCsv('Employee,Department,Job Title,Base Salary\nAna Silva,Sales,Rep,"72,000.00"\nBen Okafor,Sales,Rep,"81,500.00"\n'),
    );
    expect(staff.find((f) => f.field === 'fiscal_year')).toMatchObject({ value: '', issue: { severity: 'error', code: 'field.missing' } });
  });
});

describe('the currency and the direction a file does not give', () => {
  const PLAIN = 'Department,Category,Month,Amount\nParks,Mowing,2026-01,5.00\nParks,Trees,2026-02,6.00\n';
  const view = (a: Analysis) => reviewFields(a).map((f) => [f.field, f.value, f.assumed, f.note] as const);

  it('asks for both when nothing in the file says them, with the default and why it applies', () => {
    const a = analyzeCsv(PLAIN, 'parks.csv');
    expect(a.currency).toEqual({ value: 'USD', source: 'default' });
    expect(a.direction).toEqual({ value: 'expense', source: 'default' });
    expect(view(a)).toEqual([
      [
        'currency',
        'USD',
        true,
        'No column or title names the currency: the amounts are read as USD, the default. If they are in another currency, give its three-letter code (such as EUR).',
      ],
      [
        'direction',
        'expense',
        true,
        'No column says whether a line spends or brings money in: every line is read as expense (the default). Choose revenue if the file brings money in.',
      ],
    ]);
    // The organization's default currency is the one proposed.
    expect(view(analyzeCsv(PLAIN, 'parks.csv', { defaultCurrency: 'EUR' }))[0]).toEqual([
      'currency',
      'EUR',
      true,
      expect.stringMatching(/read as EUR, the default\. .*\(such as USD\)\.$/),
    ]);
  });

  it("proposes the direction a sheet's name says, and a value set is shown as set and applies to every line", () => {
    const rows = [
      ['Department', 'Category', 'Month', 'Amount'],
      ['Parks', 'Fees', '2026-01', 40],
    ];
    const income = analyzeXlsx([{ name: 'Recettes', rows }], 'parks.xlsx');
    expect(income.direction).toEqual({ value: 'revenue', source: 'the sheet name "Recettes"' });
    expect(income.lines.map((l) => l.direction)).toEqual(['revenue']);
    expect(view(income)[1]).toEqual([
      'direction',
      'revenue',
      true,
      'No column says whether a line spends or brings money in: every line is read as revenue (from the sheet name "Recettes"). Choose expense if the file spends it.',
    ]);
    const set = analyzeXlsx([{ name: 'Recettes', rows }], 'parks.xlsx', { set: { direction: 'Expense', currency: 'chf' } });
    expect(set.direction).toEqual({ value: 'expense', source: 'what you set' });
    expect(set.lines.map((l) => [l.direction, l.currency])).toEqual([['expense', 'CHF']]);
    expect(view(set)).toEqual([
      ['currency', 'CHF', false, 'The amounts are read as CHF, as you set.'],
      ['direction', 'expense', false, 'Every line is read as expense, as you set.'],
    ]);
  });

  it('asks for neither when the file says them: a title naming the currency, amounts that carry theirs, a column, or each sheet its side', () => {
    const titled = analyzeCsv(`Parks budget (EUR)\n${PLAIN}`, 'parks.csv');
    expect(titled.currency).toEqual({ value: 'EUR', source: 'the title rows' });
    expect(reviewFields(titled).map((f) => f.field)).toEqual(['direction']);
    const marked = analyzeCsv('Department,Category,Month,Amount\nParks,Mowing,2026-01,€5.00\nParks,Trees,2026-02,€6.00\n', 'parks.csv');
    expect(marked.lines.map((l) => l.currency)).toEqual(['EUR', 'EUR']);
    expect(reviewFields(marked).map((f) => f.field)).toEqual(['direction']);
    const header = ['Type', 'Article', 'Budget 2026'];
    const sides = analyzeXlsx(
      [
        { name: 'Dépenses', rows: [header, ['Article', 'Salaires', 100]] },
        { name: 'Recettes', rows: [header, ['Article', 'Impôts', 120]] },
      ],
      'etat.xlsx',
    );
    expect(sides.lines.map((l) => l.direction)).toEqual(['expense', 'revenue']);
    expect(sides.direction).toBeNull();
    expect(reviewFields(sides).map((f) => f.field)).toEqual(['department', 'currency']);
  });

  it('asks for neither of a file that is not read as a budget', () => {
    const bank = analyzeCsv(
      'Date,Description,Debit,Credit,Balance\n2026-01-02,Card payment,12.50,,987.50\n2026-01-03,Transfer in,,100.00,1087.50\n',
    );
    expect(bank.kind.kind).not.toBe('budget');
    expect(reviewFields(bank).filter((f) => f.field === 'currency' || f.field === 'direction')).toEqual([]);
  });
});

describe('relative years (Year 1, Year 2…)', () => {
  const GRANT = 'Research Office\nCategory,Year 1,Year 2\nTravel,100,200\n';

  it('without a first year given, warn with the proposal and ask to confirm it', () => {
    const a = analyzeCsv(GRANT, 'grant.csv');
    const relative = a.issues.filter((i) => i.code === 'period.relative_year');
    expect(relative.map((i) => [i.severity, i.row, i.column, i.field])).toEqual([['warning', 2, 2, 'fiscal_year']]);
    expect(relative[0]?.message).toMatch(
      /year 1 is read as FY\d{4} \(this year \(nothing in the file names the first year\)\)\. Confirm the first year/,
    );
  });

  it('the first year given is the confirmation: the warning becomes a note that says which year year 1 is, and asks nothing more', () => {
    const a = analyzeCsv(GRANT, 'grant.csv', { set: { department: 'Labs', fiscal_year: 'FY2026' } });
    expect(a.issues.filter((i) => i.code === 'period.relative_year')).toEqual([
      {
        severity: 'info',
        code: 'period.relative_year',
        message: 'The years are counted from the budget\'s start ("Year 1", "Year 2"): year 1 is 2026 as you set.',
        row: 2,
        column: 2,
        field: 'fiscal_year',
      },
    ]);
    expect(a.lines.map((l) => l.period)).toEqual(['FY2026', 'FY2027']);
    expect(a.stats).toMatchObject({ warnings: 0, errors: 0, importable: true });
  });
});
