import { type Analysis, type BudgetLine, decideImport, describeLine, planImport, type StoredLine } from '@budget-sync/core';
import { describe, expect, it } from 'vitest';
import { lineOf } from '../../support/budget-line.ts';
import { analyzeCsv } from '../analysis/helpers.ts';

const line = lineOf;

let nextId = 0;
const stored = (l: BudgetLine, consumed = '0.00'): StoredLine => ({ ...l, id: `id-${nextId++}`, version: 1, consumed });

/** A year or month line with its real days (the `line` builder's are only right for a month). */
const dated = (department: string, category: string, period: string, amount: string, sourceRow = 2): BudgetLine =>
  period.startsWith('FY')
    ? line(department, category, period, amount, {
        fiscalYear: Number(period.slice(2)),
        periodStart: `${period.slice(2)}-01-01`,
        periodEnd: `${period.slice(2)}-12-31`,
        sourceRow,
      })
    : line(department, category, period, amount, { sourceRow });

describe('planImport: periods overlapping stored lines (period.overlap)', () => {
  const months = ['2026-01', '2026-02'].map((p) => stored(dated('Ops', 'Travel', p, '100.00')));

  it('merging a year line over stored month lines is an error at its row, naming the stored line', () => {
    const plan = planImport([dated('OPS', 'travel', 'FY2026', '600.00', 7), dated('Ops', 'Meals', 'FY2026', '50.00', 8)], months, 'merge');
    expect(plan.issues.map((i) => [i.code, i.severity, i.row, i.column, i.field])).toEqual([['period.overlap', 'error', 7, 4, 'period']]);
    expect(plan.issues[0]?.message).toContain(
      `Row 7 budgets OPS / travel for FY2026, which overlaps the stored line Ops / Travel / 2026-01 (id ${months[0]?.id}):`,
    );
    expect(plan.issues[0]?.message).toMatch(/replace mode/);
  });

  it('merging month lines next to a stored year line is an error too; other months of the stored grain are not', () => {
    const year = stored(dated('Ops', 'Travel', 'FY2026', '600.00'));
    const plan = planImport([dated('Ops', 'Travel', '2026-03', '10.00', 3)], [year], 'merge');
    expect(plan.issues.map((i) => [i.code, i.row])).toEqual([['period.overlap', 3]]);
    expect(planImport([dated('Ops', 'Travel', '2026-03', '10.00')], months, 'merge').issues).toEqual([]);
    expect(planImport([dated('Ops', 'Travel', 'FY2027', '10.00')], [year], 'merge').issues).toEqual([]);
  });

  it('replacing counts only the stored lines that survive: the months go, the year comes in', () => {
    const plan = planImport([dated('Ops', 'Travel', 'FY2026', '600.00')], months, 'replace');
    expect(plan.issues).toEqual([]);
    expect(plan.removes.map((s) => s.period)).toEqual(['2026-01', '2026-02']);
    expect(plan.inserts.map((l) => l.period)).toEqual(['FY2026']);
  });
});

describe('planImport', () => {
  it('sorts file lines into inserts, updates (naming what changed) and unchanged', () => {
    const plan = planImport(
      [
        line('Marketing', 'Travel', '2026-01', '10.00'),
        line('Marketing', 'Travel', '2026-02', '20.00', { owner: 'ana' }),
        line('Sales', 'Travel', '2026-01', '5.00'),
      ],
      [stored(line('marketing', 'TRAVEL', '2026-01', '10.0')), stored(line('Marketing', 'Travel', '2026-02', '20.00'))],
      'merge',
    );
    expect(plan.inserts.map((l) => l.department)).toEqual(['Sales']);
    expect(plan.updates.map((u) => u.changes)).toEqual([['owner']]);
    expect(plan.unchanged).toBe(1);
    expect(plan.removes).toEqual([]);
  });

  it("replace removes only stored lines inside the file's fiscal years × departments", () => {
    const inScope = stored(line('MARKETING', 'Events', '2026-03', '1.00'));
    const otherYear = stored(line('Marketing', 'Events', '2025-03', '1.00'));
    const otherDept = stored(line('Sales', 'Events', '2026-03', '1.00'));
    const plan = planImport([line('Marketing', 'Travel', '2026-01', '10.00')], [inScope, otherYear, otherDept], 'replace');
    expect(plan.removes).toEqual([inScope]);
    expect(plan.scope).toEqual({ fiscalYears: [2026], departments: ['marketing'], dimensions: {} });
    expect(planImport([line('Marketing', 'Travel', '2026-01', '10.00')], [inScope], 'merge').removes).toEqual([]);
  });

  it('warns when a line would drop below what is consumed, or a removed line has consumption', () => {
    const plan = planImport(
      [line('Marketing', 'Travel', '2026-01', '99.99')],
      [stored(line('Marketing', 'Travel', '2026-01', '500.00'), '100.00'), stored(line('Marketing', 'Rent', '2026-01', '5.00'), '0.01')],
      'replace',
    );
    expect(plan.issues.map((i) => [i.code, i.severity, i.row])).toEqual([
      ['budget.below_consumption', 'warning', 2],
      ['budget.below_consumption', 'warning', null],
    ]);
  });

  it('refuses amounts too large for NUMERIC(18,2)', () => {
    const plan = planImport([line('Marketing', 'Travel', '2026-01', '10000000000000000.00')], [], 'merge');
    expect(plan.inserts).toEqual([]);
    expect(plan.issues[0]).toMatchObject({ code: 'amount.too_large', severity: 'error', row: 2, column: 4 });
  });
});

describe('decideImport', () => {
  const budget = analyzeCsv('Department,Category,Month,Budget Amount\nMarketing,Travel,2026-01,10.00\nSales,Travel,2026-01,20.00');
  const payroll = analyzeCsv(
    'Employee Name,Department,Pay Period,Gross Pay,SSN\nJane Smith,Marketing,2026-01,5000.00,123-45-6789\nJohn Brown,Sales,2026-01,4800.00,987-65-4321',
    'payroll.csv',
    { treatAsBudget: true },
  );

  it('allows a clean budget', () => {
    expect(decideImport(budget, [], { acceptWarnings: false })).toMatchObject({ allowed: true, reason: null });
  });

  it('needs warnings — from the file or the stored data — accepted', () => {
    const warning = { severity: 'warning' as const, code: 'budget.below_consumption', message: 'lower', row: 2, column: 4 };
    expect(decideImport(budget, [warning], { acceptWarnings: false })).toMatchObject({
      allowed: false,
      reason: expect.stringMatching(/accept/),
    });
    expect(decideImport(budget, [warning], { acceptWarnings: true }).allowed).toBe(true);
  });

  it('turns mappings that need confirmation into warnings to accept', () => {
    const unsure: Analysis = {
      ...budget,
      mapping: budget.mapping.map((m, i) => (i === 0 ? { ...m, needsConfirmation: true, confidence: 0.55 } : m)),
    };
    const d = decideImport(unsure, [], { acceptWarnings: false });
    expect(d.allowed).toBe(false);
    expect(d.issues.find((i) => i.code === 'mapping.unconfirmed')).toMatchObject({ severity: 'warning', column: 1, row: 1 });
  });

  it('an override with a reason waives the kind check but never personal identifiers', () => {
    expect(payroll.kind.kind).toBe('payroll');
    expect(decideImport(payroll, [], { acceptWarnings: true }).reason).toMatch(/payroll.*override/);
    const overridden = decideImport(payroll, [], { acceptWarnings: true, overrideKindReason: 'bonus pool budget' });
    expect(overridden.allowed).toBe(false);
    expect(overridden.reason).toMatch(/social security/);
    const blank = decideImport(payroll, [], { acceptWarnings: true, overrideKindReason: '   ' });
    expect(blank.reason).toMatch(/override/);
  });
});

describe('planImport with dimensions', () => {
  const fund = (f: string, amount: string, codes?: Record<string, string>) =>
    line('Parks', 'Salaries', '2026-01', amount, { dimensions: { Fund: f }, ...(codes ? { codes } : {}) });

  it('keys lines by their dimensions (a twin by its code) and names them in its warnings', () => {
    const plan = planImport(
      [fund('General', '10.00', { Fund: '10' }), fund('Grants', '5.00')],
      [stored(fund('General Fund', '50.00', { Fund: '10' }), '20.00'), stored(fund('grants', '5.00'))],
      'replace',
    );
    expect(plan.updates.map((u) => u.changes)).toEqual([['amount', 'dimensions']]);
    expect(plan.unchanged).toBe(1);
    expect(plan.issues.map((i) => i.message)).toEqual([expect.stringContaining('Parks / Salaries (Fund 10 General) / 2026-01')]);
    expect(describeLine({ department: 'Parks', category: 'Fees', project: null, period: 'FY2026' })).toBe('Parks / Fees / FY2026');
  });
});

describe('period.overlap with dimensions', () => {
  it('compares periods only within one identity: another fund may keep its budget by month', () => {
    const year = stored(
      line('Parks', 'Salaries', 'FY2026', '1200.00', { dimensions: { fund: 'A' }, periodStart: '2026-01-01', periodEnd: '2026-12-31' }),
    );
    const month = (fund: string) => line('Parks', 'Salaries', '2026-03', '100.00', { dimensions: { fund } });
    expect(planImport([month('B')], [year], 'merge').issues).toEqual([]);
    expect(planImport([month('a')], [year], 'merge').issues.map((i) => i.code)).toEqual(['period.overlap']);
  });
});
