/**
 * What a person tells the analysis (DESIGN §2-§3): a column's role beyond the canonical fields — the
 * direction, a further dimension, a code/name twin — as an override or remembered from an earlier import;
 * and the values a file lacks (`set`), checked and normalized alike for every door, recorded in the
 * analysis, and the review's fields that ask for them with the proposal and its warning.
 */
import { type Analysis, checkSetValues, type MappingChoice, mappingChoiceOf, reviewFields, setValueProblem } from '@budget-sync/core';
import { describe, expect, it } from 'vitest';
import { analyzeCsv } from './helpers.ts';

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
    expect(fields.map((f) => [f.field, f.value, f.issue?.code ?? null])).toEqual([
      ['department', 'Research Office', 'department.proposed'],
      ['category', 'lab-costs', 'category.proposed'],
      ['fiscal_year', String(new Date().getUTCFullYear()), 'period.relative_year'],
    ]);
    expect(fields[0]?.issue?.message).toMatch(/in the review's Department field, or --set department=NAME/);
    expect(fields[2]?.issue?.message).toMatch(/Confirm the first year, or give it \(in the review's Fiscal year field/);
    // What was set is shown as set, without the proposal's warning.
    const set = reviewFields(
      analyzeCsv('Research Office\nYear 1,Year 2\n100,200\n', 'lab-costs.csv', { set: { department: 'Labs', fiscal_year: '2025' } }),
    );
    expect(set.map((f) => [f.field, f.value, f.issue?.code ?? null])).toEqual([
      ['department', 'Labs', null],
      ['category', 'lab-costs', 'category.proposed'],
      ['fiscal_year', '2025', 'period.relative_year'],
    ]);
  });

  it('the review asks for a missing fiscal year with the error, and asks nothing of a file whose columns say it all', () => {
    const noYear = reviewFields(analyzeCsv('Department,Category,Jan,Feb\nParks,Mowing,1,2\n', 'plan.csv'));
    expect(noYear.map((f) => [f.field, f.value, f.issue?.severity, f.issue?.code])).toEqual([
      ['fiscal_year', '', 'error', 'field.missing'],
    ]);
    expect(reviewFields(analyzeCsv('Department,Category,Month,Amount\nParks,Mowing,2026-01,5\n'))).toEqual([]);
  });
});
