/**
 * Mapping (DESIGN §2): exact synonyms → token match → fuzzy → value evidence, each with a confidence and
 * a reason; overrides and remembered mappings win; English, German, French and Spanish headers; amounts
 * and currencies in the forms finance teams write them, summed exactly.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCsv, analyzeXlsx, headerOf, mappingOf } from './helpers.ts';

const DATA = 'Sales,Travel,2026-01,"1,100.00"\nOperations,Rent,2026-02,"2,200.50"\n';

describe('the mapping ladder: synonym → token → fuzzy → values', () => {
  it('maps usual column names as exact synonyms with confidence 1', () => {
    const a = analyzeCsv(`Department,Category,Month,Amount\n${DATA}`);
    expect(a.mapping.map((m) => [m.field, m.column, m.header, m.confidence, m.method, m.needsConfirmation])).toEqual([
      ['department', 1, 'Department', 1, 'synonym', false],
      ['category', 2, 'Category', 1, 'synonym', false],
      ['period', 3, 'Month', 1, 'synonym', false],
      ['amount', 4, 'Amount', 1, 'synonym', false],
    ]);
    expect(mappingOf(a, 'department')?.reason).toMatch(/"Department" is a usual name for the department/);
    expect(mappingOf(a, 'amount')?.reason).toMatch(/100% of its values are amounts/);
  });

  it('maps a title that contains a usual name by token, with a lower confidence', () => {
    const a = analyzeCsv(`Responsible Cost Center,Category,Month,Amount\n${DATA}`);
    const m = mappingOf(a, 'department');
    expect(m).toMatchObject({ header: 'Responsible Cost Center', method: 'token', needsConfirmation: false });
    expect(m?.confidence).toBeGreaterThanOrEqual(0.7);
    expect(m?.confidence).toBeLessThan(1);
    expect(m?.reason).toMatch(/contains "cost center"/);
  });

  it('maps misspelled titles by fuzzy matching and says which word they look like', () => {
    const a = analyzeCsv(`Departmnet,Catgory,Month,Budjet Amt\n${DATA}`);
    expect([headerOf(a, 'department'), headerOf(a, 'category'), headerOf(a, 'amount')]).toEqual(['Departmnet', 'Catgory', 'Budjet Amt']);
    const dept = mappingOf(a, 'department');
    expect(dept?.method).toBe('fuzzy');
    expect(dept?.confidence).toBeLessThan(1);
    expect(dept?.reason).toMatch(/misspelling of "department"/);
    expect(a.lines.map((l) => l.amount)).toEqual(['1100.00', '2200.50']);
  });

  it('maps an untitled column of money to the amount by its values, below the threshold: it needs confirmation', () => {
    const a = analyzeCsv(`Department,Category,Month,\n${DATA}`);
    const m = mappingOf(a, 'amount');
    expect(m).toMatchObject({ column: 4, header: '', method: 'values', needsConfirmation: true });
    expect(m?.confidence).toBeLessThan(0.7);
    expect(m?.reason).toMatch(/no usual title, but its values look like money/);
  });

  it('maps a column with an unknown title by its values when they are periods', () => {
    const a = analyzeCsv('Department,Category,When,Amount\nSales,Travel,2026-01,1\nSales,Meals,2026-02,2\nOps,Rent,2026-03,3\n');
    expect(mappingOf(a, 'period')).toMatchObject({ header: 'When', method: 'values', needsConfirmation: true });
    expect(a.lines.map((l) => l.period)).toEqual(['2026-01', '2026-02', '2026-03']);
  });

  it('asks for confirmation of every mapping below the threshold the caller sets', () => {
    const a = analyzeCsv(`Departmnet,Category,Month,Amount\n${DATA}`, 'budget.csv', { confirmThreshold: 0.95 });
    expect(a.mapping.map((m) => [m.header, m.needsConfirmation])).toEqual([
      ['Departmnet', true],
      ['Category', false],
      ['Month', false],
      ['Amount', false],
    ]);
  });

  it('lists columns it does not map as ignored, with why', () => {
    const a = analyzeCsv(`Department,Category,Month,Amount,Colour\nSales,Travel,2026-01,1,Red\n`);
    expect(a.ignoredColumns).toEqual([{ column: 5, header: 'Colour', reason: '"Colour" is not a budget field Budget Sync knows' }]);
  });
});

describe('overrides and remembered mappings win, and say so', () => {
  it('an override maps "Unit" to the department over a "Department" column', () => {
    const a = analyzeCsv('Unit,Department,Category,Month,Amount\nEMEA Sales,Sales,Travel,2026-01,100\n', 'b.csv', {
      mappingOverrides: { Unit: 'department' },
    });
    expect(mappingOf(a, 'department')).toMatchObject({
      column: 1,
      header: 'Unit',
      method: 'override',
      confidence: 1,
      needsConfirmation: false,
    });
    expect(mappingOf(a, 'department')?.reason).toBe('you mapped "Unit" to the department (cost center)');
    expect(a.lines[0]?.department).toBe('EMEA Sales');
    expect(a.ignoredColumns.map((c) => c.header)).toEqual(['Department']);
  });

  it('an override to null ignores a column the detection would have mapped', () => {
    const a = analyzeCsv('Department,Category,Month,Amount,Notes\nSales,Travel,2026-01,100,call Bob\n', 'b.csv', {
      mappingOverrides: { notes: null },
    });
    expect(mappingOf(a, 'notes')).toBeUndefined();
    expect(a.ignoredColumns).toEqual([{ column: 5, header: 'Notes', reason: 'you chose to ignore this column' }]);
    expect(a.lines[0]?.notes).toBeNull();
  });

  it('remembered mappings (matched on the normalized title) map columns detection cannot', () => {
    const a = analyzeCsv('Area Code,Group,Month,Amount\nSales,Travel,2026-01,100\n', 'b.csv', {
      rememberedMappings: { 'area code': 'department', Group: 'category' },
    });
    expect(a.mapping.slice(0, 2).map((m) => [m.field, m.header, m.method, m.reason])).toEqual([
      ['department', 'Area Code', 'remembered', expect.stringMatching(/^remembered: "Area Code" was mapped to the department/)],
      ['category', 'Group', 'remembered', expect.stringMatching(/^remembered: "Group" was mapped to the budget category/)],
    ]);
    expect(a.lines[0]).toMatchObject({ department: 'Sales', category: 'Travel' });
    expect(a.stats.importable).toBe(true);
  });

  it('a remembered mapping wins over a synonym, and an override wins over a remembered mapping', () => {
    const text = 'Department,Division,Category,Month,Amount\nSales,EMEA,Travel,2026-01,100\n';
    const remembered = analyzeCsv(text, 'b.csv', { rememberedMappings: { Division: 'department' } });
    expect(mappingOf(remembered, 'department')).toMatchObject({ header: 'Division', method: 'remembered' });
    const both = analyzeCsv(text, 'b.csv', {
      rememberedMappings: { Division: 'department' },
      mappingOverrides: { Department: 'department' },
    });
    expect(mappingOf(both, 'department')).toMatchObject({ header: 'Department', method: 'override' });
  });
});

describe('headers in German, French and Spanish', () => {
  it('German: Kostenstelle, Kostenart, Monat, Betrag with 1.234,50 and März', () => {
    const a = analyzeCsv(
      'Kostenstelle;Kostenart;Monat;Betrag\nVertrieb;Reisekosten;Jan 2026;1.234,50\nEinkauf;Miete;März 2026;12.500,75\n',
      'haushalt.csv',
    );
    expect(a.mapping.map((m) => [m.field, m.header])).toEqual([
      ['department', 'Kostenstelle'],
      ['category', 'Kostenart'],
      ['period', 'Monat'],
      ['amount', 'Betrag'],
    ]);
    expect(a.lines.map((l) => [l.department, l.period, l.amount])).toEqual([
      ['Vertrieb', '2026-01', '1234.50'],
      ['Einkauf', '2026-03', '12500.75'],
    ]);
    expect(a.stats.total).toBe('13735.25');
  });

  it('French: Centre de coût, Catégorie, Période, Montant (€) with "1 234,50" and French months', () => {
    const a = analyzeCsv(
      'Centre de coût;Catégorie;Période;Montant (€)\nVentes;Déplacements;janvier 2026;1 234,50\nVentes;Repas;février 2026;987,10\n',
      'budget-fr.csv',
    );
    expect(a.mapping.map((m) => [m.field, m.header])).toEqual([
      ['department', 'Centre de coût'],
      ['category', 'Catégorie'],
      ['period', 'Période'],
      ['amount', 'Montant (€)'],
    ]);
    expect(a.currency).toEqual({ value: 'EUR', source: 'the column title "Montant (€)"' });
    expect(a.lines.map((l) => [l.period, l.amount, l.currency])).toEqual([
      ['2026-01', '1234.50', 'EUR'],
      ['2026-02', '987.10', 'EUR'],
    ]);
  });

  it('Spanish: Centro de coste, Partida, Mes, Importe with Spanish months', () => {
    const a = analyzeCsv(
      'Centro de coste,Partida,Mes,Importe\nVentas,Viajes,enero 2026,1200.00\nVentas,Comidas,febrero 2026,300.50\n',
      'presupuesto.csv',
    );
    expect(a.mapping.map((m) => [m.field, m.header])).toEqual([
      ['department', 'Centro de coste'],
      ['category', 'Partida'],
      ['period', 'Mes'],
      ['amount', 'Importe'],
    ]);
    expect(a.lines.map((l) => l.period)).toEqual(['2026-01', '2026-02']);
    expect(a.stats.total).toBe('1500.50');
  });
});

describe('amounts and currencies', () => {
  it('reads amounts in every usual form exactly, with the currency their symbol or code names', () => {
    const forms = ['$1,234.50', '(1,200.00)', '-1200', '1.234,50', '1 234,50 €', 'EUR 12.00', '1,234.50 USD', '£7.25', '1200-'];
    const text = `Department,Category,Month,Amount\n${forms.map((f, i) => `D${i},Travel,2026-01,"${f}"`).join('\n')}\n`;
    const a = analyzeCsv(text);
    expect(a.lines.map((l) => [l.amount, l.currency])).toEqual([
      ['1234.50', 'USD'],
      ['-1200.00', 'USD'],
      ['-1200.00', 'USD'],
      ['1234.50', 'USD'],
      ['1234.50', 'EUR'],
      ['12.00', 'EUR'],
      ['1234.50', 'USD'],
      ['7.25', 'GBP'],
      ['-1200.00', 'USD'],
    ]);
  });

  it('adds amounts written in different styles up to an exact total', () => {
    const forms = ['1,234.50', '(1,200.00)', '-1200', '1.234,50', '1 234,50', '1200-', '0.10', '0.20', '1234'];
    const text = `Department,Category,Month,Amount\n${forms.map((f, i) => `D${i},Travel,2026-01,"${f}"`).join('\n')}\n`;
    const a = analyzeCsv(text);
    expect(a.lines.map((l) => l.amount)).toEqual([
      '1234.50',
      '-1200.00',
      '-1200.00',
      '1234.50',
      '1234.50',
      '-1200.00',
      '0.10',
      '0.20',
      '1234.00',
    ]);
    expect(a.stats.total).toBe('1337.80');
  });

  it('sums exactly: amounts that floats would get wrong add up to the cent', () => {
    const rows = Array.from({ length: 10 }, (_, i) => [`Team ${i}`, 'Travel', '2026-01', 0.1]);
    const a = analyzeXlsx([
      { name: 'Budget', rows: [['Department', 'Category', 'Month', 'Amount'], ...rows, ['Ops', 'Rent', '2026-01', 1234.56]] },
    ]);
    expect(a.lines.map((l) => l.amount).slice(0, 2)).toEqual(['0.10', '0.10']);
    expect(a.stats.total).toBe('1235.56');
  });

  it('takes each line’s currency from a currency column (codes upper-cased)', () => {
    const a = analyzeCsv(
      'Department,Category,Month,Amount,Currency\nSales,Travel,2026-01,100.00,EUR\nSales,Meals,2026-01,50.00,GBP\nOps,Rent,2026-01,10,usd\n',
    );
    expect(headerOf(a, 'currency')).toBe('Currency');
    expect(a.currency.source).toBe('the "Currency" column');
    expect(a.lines.map((l) => l.currency)).toEqual(['EUR', 'GBP', 'USD']);
  });

  it('takes the currency from the amount column title, "Amount (EUR)", and maps that column as the amount', () => {
    const a = analyzeCsv('Department,Category,Month,Amount (EUR)\nA,B,2026-01,"1.234,50"\nA,C,2026-02,"2.000,00"\n');
    expect(headerOf(a, 'amount')).toBe('Amount (EUR)');
    expect(a.currency).toEqual({ value: 'EUR', source: 'the column title "Amount (EUR)"' });
    expect(a.lines.map((l) => [l.amount, l.currency])).toEqual([
      ['1234.50', 'EUR'],
      ['2000.00', 'EUR'],
    ]);
  });

  it('takes the currency from the title rows, and otherwise from the caller’s default', () => {
    const titled = analyzeCsv('Operating budget 2026 (all figures in EUR)\nDepartment,Category,Month,Amount\nSales,Travel,2026-01,100\n');
    expect(titled.currency).toEqual({ value: 'EUR', source: 'the title rows' });
    expect(titled.lines[0]?.currency).toBe('EUR');
    const plain = analyzeCsv('Department,Category,Month,Amount\nSales,Travel,2026-01,100\n', 'b.csv', { defaultCurrency: 'CHF' });
    expect(plain.currency).toEqual({ value: 'CHF', source: 'default' });
    expect(plain.lines[0]?.currency).toBe('CHF');
  });

  it('reads periods in every usual form, and ISO dates as their month', () => {
    const forms: [string, string][] = [
      ['2026-01', '2026-01'],
      ['Jan-26', '2026-01'],
      ['January 2026', '2026-01'],
      ['01/2026', '2026-01'],
      ['2026-02-15', '2026-02'],
      ['2026-03-01T00:00:00Z', '2026-03'],
      ['Q1 FY26', '2026-Q1'],
      ['2026-Q2', '2026-Q2'],
      ['P03 FY26', '2026-03'],
      ['FY2026', 'FY2026'],
    ];
    const text = `Department,Category,Period,Amount\n${forms.map(([f], i) => `Sales,C${i},${f},1`).join('\n')}\n`;
    const a = analyzeCsv(text);
    expect(a.issues).toEqual([]);
    expect(a.lines.map((l) => l.period)).toEqual(forms.map(([, p]) => p));
  });

  it('reads date cells of an xlsx period column as their month', () => {
    const a = analyzeXlsx([
      {
        name: 'Budget',
        rows: [
          ['Department', 'Category', 'Month', 'Amount'],
          ['Sales', 'Travel', new Date(Date.UTC(2026, 0, 1)), 1],
          ['Sales', 'Meals', new Date(Date.UTC(2026, 1, 1)), 2],
        ],
      },
    ]);
    expect(a.lines.map((l) => [l.period, l.periodStart, l.periodEnd])).toEqual([
      ['2026-01', '2026-01-01', '2026-01-31'],
      ['2026-02', '2026-02-01', '2026-02-28'],
    ]);
  });
});
