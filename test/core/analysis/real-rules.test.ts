/**
 * The rules that read real budgets (issue 12), each on a small table written here, in several languages:
 * period headers, code/name twins and dimensions, amounts versus codes, plan versus actual, direction,
 * hierarchy rows, sheets, and values the file lacks (`set`).
 */
import { describe, expect, it } from 'vitest';
import { mapColumns } from '../../../core/src/analysis/mapping.ts';
import { profileColumns } from '../../../core/src/analysis/profile.ts';
import { analyzeCsv, analyzeXlsx, headerOf, issueCells } from './helpers.ts';

const periodsOf = (a: ReturnType<typeof analyzeCsv>) => [...new Set(a.lines.map((l) => l.period))];
const ignored = (a: ReturnType<typeof analyzeCsv>, header: string) => a.ignoredColumns.find((c) => c.header === header)?.reason;

describe('period headers in the forms budgets use', () => {
  it('reads financial years written as two calendar years: 2014-15, 2015/16, FY16-17', () => {
    const a = analyzeCsv('Department,Category,2014-15,2015/16,FY16-17\nHealth,Grants,10,20,30\n');
    expect(a.layout).toBe('wide');
    expect(periodsOf(a)).toEqual(['FY2015', 'FY2016', 'FY2017']);
  });

  it('reads plan phases with their year in French, German, Spanish and Dutch, and never the accounts', () => {
    const a = analyzeCsv(
      'Service,Article,Compte provisoire 2013,Budget voté 2014,Projet de budget 2015,Entwurf 2016,Presupuesto 2017,Begroting 2018\nCulture,Musées,1,2,3,4,5,6\n',
    );
    expect(periodsOf(a)).toEqual(['FY2014', 'FY2015', 'FY2016', 'FY2017', 'FY2018']);
    expect(ignored(a, 'Compte provisoire 2013')).toMatch(/not the budget/);
    expect(a.stats.total).toBe('20.00');
  });

  it('takes the latest approved phase when a year has a draft and a voted column, saying so', () => {
    const a = analyzeCsv('Service,Article,Projet de budget 2015,Budget voté 2015\nCulture,Musées,100,90\n');
    expect(a.lines.map((l) => [l.period, l.amount])).toEqual([['FY2015', '90.00']]);
    expect(ignored(a, 'Projet de budget 2015')).toMatch(/later budget version/);
  });

  it('counts relative years from the file, the user or this year; a first year not given is a warning to confirm', () => {
    const a = analyzeCsv('類別,第1年 (NTD),第2年 (NTD),兩年合計 (NTD)\n耗材,100,200,300\n合計,100,200,300\n', 'grant.csv', {
      set: { fiscal_year: '2025' },
    });
    expect(a.lines.map((l) => [l.period, l.amount])).toEqual([
      ['FY2025', '100.00'],
      ['FY2026', '200.00'],
    ]);
    expect(ignored(a, '兩年合計 (NTD)')).toMatch(/row total/);
    // The first year given is the confirmation: a note, not a warning to accept.
    expect(a.issues.filter((i) => i.code === 'period.relative_year').map((i) => i.severity)).toEqual(['info']);
    expect(a.stats.importable).toBe(true);
    const b = analyzeCsv('Category,Year 1,Year 2\nTravel,5,6\n', 'proposal.csv');
    expect(b.fiscalYear.value).toBe(new Date().getUTCFullYear());
    expect(b.stats.lines).toBe(2);
    expect(b.issues.filter((i) => i.code === 'period.relative_year').map((i) => i.severity)).toEqual(['warning']);
  });

  it('reads month names in Italian, Dutch, Portuguese, Polish and Czech, the year from the title or --set', () => {
    for (const [months, title] of [
      ['gennaio,febbraio,marzo', 'Bilancio 2026'],
      ['januari,februari,maart', 'Begroting 2026'],
      ['janeiro,fevereiro,março', 'Orçamento 2026'],
      ['styczeń,luty,marzec', 'Budżet 2026'],
      ['leden,únor,březen', 'Rozpočet 2026'],
    ]) {
      const a = analyzeCsv(`${title}\nDepartment,Category,${months}\nSales,Travel,1,2,3\n`);
      expect(periodsOf(a), months).toEqual(['2026-01', '2026-02', '2026-03']);
    }
    const set = analyzeCsv('Department,Category,Jan,Feb\nSales,Travel,1,2\n', 'plan.csv', { set: { fiscal_year: 'FY2027' } });
    expect(periodsOf(set)).toEqual(['2027-01', '2027-02']);
  });

  it('reads first-of-month dates in either order as months (02/01/2020 and 01/02/2020)', () => {
    const us = analyzeCsv('Date,Dept,Cost element,Budget\n01/01/2020,IT,Cloud,5\n02/01/2020,IT,Cloud,6\n03/01/2020,IT,Cloud,7\n');
    expect(periodsOf(us)).toEqual(['2020-01', '2020-02', '2020-03']);
    const eu = analyzeCsv('Date,Dept,Cost element,Budget\n01/01/2020,IT,Cloud,5\n01/02/2020,IT,Cloud,6\n01/03/2020,IT,Cloud,7\n');
    expect(periodsOf(eu)).toEqual(['2020-01', '2020-02', '2020-03']);
  });

  it("reads money columns numbered by year (x_a1, x_a2) from each row's year, ignoring a second set for the same years", () => {
    const a = analyzeCsv(
      'esercizio,amministrazione,capitolo,comp_a1,comp_a2,cassa_a1,cassa_a2\n2018,Economia,Personale,10,11,9,10\n2018,Economia,Beni,20,21,19,20\n',
    );
    expect(periodsOf(a)).toEqual(['FY2018', 'FY2019']);
    expect(a.stats.total).toBe('62.00');
    expect(ignored(a, 'cassa_a1')).toMatch(/second figure for the same years/);
  });
});

describe('the header row', () => {
  it('is the row of titles above the figures, not a form row of "Label:" and dates above it', () => {
    const a = analyzeXlsx(
      [
        {
          name: 'Grant',
          rows: [
            ['PROPOSAL BUDGET FORM'],
            ['Budget Period:', 'From', new Date(Date.UTC(2024, 8, 1)), 'Through', new Date(Date.UTC(2027, 7, 31))],
            [],
            ['', 'Year 1', 'Year 2', 'Year 3'],
            ['Salaries', 100, 110, 120],
            ['Travel', 10, 20, 30],
            ['Supplies', 5, 5, 5],
          ],
        },
      ],
      'grant.xlsx',
      { set: { fiscal_year: '2025' } },
    );
    expect(a.headerRow).toBe(4);
    expect(a.lines.map((l) => l.period).slice(0, 3)).toEqual(['FY2025', 'FY2026', 'FY2027']);
    expect(a.stats).toMatchObject({ lines: 9, total: '405.00' });
  });

  it('is not a data row whose first cell is a year', () => {
    const a = analyzeCsv('Department,Category,Amount\n2026,Travel,100\nSales,Rent,200\n', 'budget-2026.csv');
    expect(a.headerRow).toBe(1);
  });
});

describe('dimensions and code/name twins', () => {
  const oakland = [
    'Department,Fund Code,Fund Description,Account Code,Account Description,Amount',
    'Police,1010,General Fund,51111,Salaries,100',
    'Police,2108,Grants Fund,51111,Salaries,50',
    'Fire,1010,General Fund,51111,Salaries,70',
    'Fire,1010,General Fund,52000,Overtime,30',
  ].join('\n');

  it('keeps a code/name pair as one dimension: identity by code, shown by name', () => {
    const a = analyzeCsv(`${oakland}\n`, 'city.csv', { set: { fiscal_year: '2026' } });
    const fund = a.mapping.filter((m) => m.dimension === 'fund');
    expect(fund.map((m) => [m.header, m.role])).toEqual([
      ['Fund Description', undefined],
      ['Fund Code', 'code'],
    ]);
    expect(headerOf(a, 'category')).toBe('Account Description');
    expect(a.lines[1]).toMatchObject({ department: 'Police', category: 'Salaries', dimensions: { fund: 'Grants Fund' } });
    expect(a.lines[1]?.codes).toEqual({ fund: '2108', category: '51111' });
  });

  it('two rows that differ only by a dimension are two lines, not duplicates', () => {
    const a = analyzeCsv(`${oakland}\n`, 'city.csv', { set: { fiscal_year: '2026' } });
    expect(a.stats).toMatchObject({ lines: 4, total: '250.00', importable: true });
    expect(a.issues.filter((i) => i.code === 'row.duplicate')).toEqual([]);
  });

  it('reports a row that repeats every dimension and the period of another as row.duplicate', () => {
    const a = analyzeCsv('Department,Category,Month,Amount\nSales,Travel,2026-01,1\nSales,Travel,2026-01,2\n');
    expect(issueCells(a)).toEqual([['row.duplicate', 'error', 3, null]]);
  });

  it('finds twins by their values, also with titles that do not say code and name (SECCION / DESCRIPCION SECCION)', () => {
    const a = analyzeCsv(
      'AÑO,SECCION,DESCRIPCION SECCION,ECONOMICO,DESCRIPCION ECONOMICO,IMPORTE\n2015,002,PRESIDENCIA,12000,SUELDOS A1,10\n2015,002,PRESIDENCIA,12001,SUELDOS A2,20\n2015,003,ALCALDIA,12000,SUELDOS A1,30\n',
    );
    expect(headerOf(a, 'department')).toBe('DESCRIPCION SECCION');
    expect(a.lines[2]).toMatchObject({ department: 'ALCALDIA', codes: { department: '003' } });
    expect(a.stats).toMatchObject({ lines: 3, total: '60.00', importable: true });
  });

  it('pairs a code with its name also when one name stands under several codes, if the titles share their subject', () => {
    const a = analyzeCsv(
      'Department,ECONOMICO,DESCRIPCION ECONOMICO,Account Code,Budget 2026\nPleno,10000,RETRIBUCIONES BASICAS,210108010000,5\nPleno,11000,RETRIBUCIONES BASICAS,210108020000,6\nPleno,12000,SUELDOS A1,210109010000,7\n',
    );
    expect(a.mapping.filter((m) => m.field === 'category').map((m) => [m.header, m.role])).toEqual([
      ['DESCRIPCION ECONOMICO', undefined],
      ['ECONOMICO', 'code'],
    ]);
    expect(a.lines.map((l) => [l.category, l.codes?.category])).toEqual([
      ['RETRIBUCIONES BASICAS', '10000'],
      ['RETRIBUCIONES BASICAS', '11000'],
      ['SUELDOS A1', '12000'],
    ]);
    // Identity by code: the two "RETRIBUCIONES BASICAS" rows are two lines.
    expect(a.stats).toMatchObject({ lines: 3, total: '18.00', errors: 0 });
    // A number column titled as a code is a code, never money, whatever its numbers look like.
    expect(a.mapping.find((m) => m.header === 'Account Code')?.field).not.toBe('amount');
  });

  it('never pairs two columns already read as two fields (a project code beside a department)', () => {
    const a = analyzeCsv(
      'Project Code,Department,Category,Month,Amount\nP1,Sales,Travel,2026-01,1\nP2,Ops,Travel,2026-01,2\nP3,Legal,Rent,2026-01,3\n',
    );
    expect([headerOf(a, 'project'), headerOf(a, 'department')]).toEqual(['Project Code', 'Department']);
    expect(a.lines.map((l) => [l.project, l.department, l.codes])).toEqual([
      ['P1', 'Sales', undefined],
      ['P2', 'Ops', undefined],
      ['P3', 'Legal', undefined],
    ]);
  });

  it('reads the direction from a column (Aufwand / Ertrag) and keeps both sides in the total', () => {
    const a = analyzeCsv(
      'ID;Haushaltsjahr;Fachbereich;Produkt;Konto;Ansatz;Budgetrichtung\n1;2018;FB 1;Schulen;Strom;100;Aufwand\n2;2018;FB 1;Schulen;Gebühren;40;Ertrag\n3;2018;FB 1;Schulen;Strom;5;Aufwand\n',
    );
    expect(a.mapping.find((m) => m.field === 'direction')?.header).toBe('Budgetrichtung');
    expect(a.lines.map((l) => l.direction)).toEqual(['expense', 'revenue', 'expense']);
    // The row number column is a record key: rows 1 and 3 repeat their labels but stay two positions.
    expect(a.stats).toMatchObject({ lines: 3, total: '145.00', importable: true });
  });
});

describe('plan against actual', () => {
  /** The columns the kind detector is told are plan and actual money. */
  function measures(header: string[], rows: (string | number)[][]) {
    const m = mapColumns({
      labels: header,
      headerCells: header,
      profiles: profileColumns(rows, header.length),
      fiscalYearStartMonth: 1,
      confirmThreshold: 0.7,
    });
    return { plan: m.measures.plan.map((c) => header[c]), actual: m.measures.actual.map((c) => header[c]) };
  }

  it('tells the kind detector which money columns are plan and which are actual, in several languages', () => {
    expect(measures(['month', 'category', 'budget', 'actual', 'variance'], [['Jan', 'Travel', 10, 9, 1]])).toEqual({
      plan: ['budget'],
      actual: ['actual', 'variance'],
    });
    expect(measures(['Kostenstelle', 'Konto', 'Plan 2026', 'Ist 2025', 'Ergebnis 2024'], [['A', 'B', 1, 2, 3]])).toEqual({
      plan: ['Plan 2026'],
      actual: ['Ist 2025', 'Ergebnis 2024'],
    });
    expect(measures(['Centro', 'Partida', 'Realizado 2024', 'Ejecutado 2025'], [['A', 'B', 1, 2]])).toEqual({
      plan: [],
      actual: ['Realizado 2024', 'Ejecutado 2025'],
    });
  });

  it('imports the budget column of a variance report and lists the others as ignored, saying why', () => {
    const a = analyzeCsv(
      'month,year,type,category,budget,actual,variance,variance_pct\nJan,2024,Revenue,Retail,100,90,-10,-10\nJan,2024,Cost,Staff,50,55,5,10\nFeb,2024,Revenue,Retail,100,95,-5,-5\n',
      'fpa.csv',
    );
    expect(headerOf(a, 'amount')).toBe('budget');
    expect(ignored(a, 'actual')).toMatch(/not the budget/);
    expect(ignored(a, 'variance')).toMatch(/not the budget/);
    expect(a.lines.map((l) => l.direction)).toEqual(['revenue', 'expense', 'revenue']);
    expect(a.stats).toMatchObject({ lines: 3, total: '250.00', importable: true });
  });

  it('yields no budget lines from a file of actuals only', () => {
    const a = analyzeCsv('Department,Category,Actual 2024,Actual 2025\nSales,Travel,10,20\n', 'spend.csv');
    expect(a.lines).toEqual([]);
  });
});

describe('amounts are money, never codes, flags, years or quantities', () => {
  it('does not read German "Amt" (an office) as an amount', () => {
    const a = analyzeCsv('Amt,Konto,Ansatz 2026\nBauamt,Material,100\nSchulamt,Material,200\n');
    expect(headerOf(a, 'department')).toBe('Amt');
    expect(a.stats.total).toBe('300.00');
  });

  it('skips codes with leading zeros, code-titled numbers, 0/1 flags and repeats of the amount', () => {
    const a = analyzeCsv(
      'Program,Unit No,Category,Flag,Amount,Amount as number\nP1,001,Travel,0,10,10\nP2,002,Travel,1,20,20\nP3,003,Rent,0,30,30\n',
      'b.csv',
      { set: { fiscal_year: '2026', department: 'Ops' } },
    );
    expect(headerOf(a, 'amount')).toBe('Amount');
    expect(ignored(a, 'Flag')).toMatch(/flag/);
    expect(ignored(a, 'Amount as number')).toMatch(/repeats the amount/);
    expect(a.stats.total).toBe('60.00');
  });

  it('ignores a quantity and a unit price whose product is the amount', () => {
    const a = analyzeCsv(
      'Category,Item,Qty,Unit price,Amount\nTravel,Flight,2,300,600\nTravel,Hotel,5,100,500\nIT,Laptop,1,900,900\n',
      'grant-budget-2026.csv',
    );
    expect(ignored(a, 'Qty')).toMatch(/quantity and a unit price/);
    expect(ignored(a, 'Unit price')).toMatch(/quantity and a unit price/);
    expect(a.stats.total).toBe('2000.00');
  });

  it('reads a cell that says "not published" (nfp) as no line, not an error', () => {
    const a = analyzeCsv('Department,Category,2015-16,2016-17\nDefence,Ops,nfp,10\n');
    expect(a.stats).toMatchObject({ lines: 1, errors: 0, importable: true });
    expect(a.issues.map((i) => i.code)).toContain('amount.not_available');
  });
});

describe('hierarchy and total rows are not lines', () => {
  it('reads a level column: rows of the upper levels add up the articles under them', () => {
    const rows = ['Type,Numéro,Libellé,2015'];
    rows.push('Département,0,Ministère,30', 'Section,00.0,Maison,30');
    for (let i = 0; i < 5; i++) rows.push(`Article,10.00${i},Poste ${i},6`);
    rows.push('Section,00.1,Chambre,12', 'Article,11.000,Député,7', 'Article,11.001,Médiateur,5');
    const a = analyzeCsv(`${rows.join('\n')}\n`, 'budget.csv', { set: { department: 'Etat' } });
    expect(a.stats).toMatchObject({ lines: 7, total: '42.00' });
    expect(a.issues.filter((i) => i.code === 'row.group_skipped').map((i) => i.row)).toEqual([2, 3, 9]);
  });

  it("reads nested codes in one label column: a code that begins the next row's is a subtotal", () => {
    const a = analyzeCsv(
      '"Konto";"2016";"2017"\n"01 Dronningen"; 76,1; 72,3\n"011 Statsydelse"; 76,1; 72,3\n"01110110 Almindelig"; 76,1; 72,3\n"02 Folketinget"; 5,0; 6,0\n"0210 Drift"; 5,0; 6,0\n',
    );
    expect(a.lines.map((l) => [l.category, l.amount])).toEqual([
      ['01110110 Almindelig', '76.10'],
      ['01110110 Almindelig', '72.30'],
      ['0210 Drift', '5.00'],
      ['0210 Drift', '6.00'],
    ]);
  });
});

describe('values the file lacks', () => {
  it('proposes a department from the title when no column names one, with a warning; --set names it', () => {
    const text = 'Research Office Budget 2026\nCategory,Amount\nTravel,100\nSupplies,50\n';
    const a = analyzeCsv(text, 'b.csv');
    expect(a.lines.map((l) => l.department)).toEqual(['Research Office Budget 2026', 'Research Office Budget 2026']);
    expect(a.issues.find((i) => i.code === 'department.proposed')?.severity).toBe('warning');
    expect(a.stats.importable).toBe(true);
    const b = analyzeCsv(text, 'b.csv', { set: { department: 'Research' } });
    expect(b.lines.map((l) => l.department)).toEqual(['Research', 'Research']);
    expect(b.issues.map((i) => i.code)).not.toContain('department.proposed');
  });
});

describe('sheets', () => {
  const header = ['Type', 'Article', 'Budget 2026'];
  it('reads the expenditure and the revenue sheet of one budget, each line with its direction', () => {
    const a = analyzeXlsx(
      [
        { name: 'Dépenses', rows: [header, ['Article', 'Salaires', 100], ['Article', 'Loyers', 50]] },
        { name: 'Recettes', rows: [header, ['Article', 'Impôts', 120]] },
      ],
      'etat.xlsx',
    );
    expect(a.sheets.map((s) => [s.name, s.read])).toEqual([
      ['Dépenses', true],
      ['Recettes', true],
    ]);
    expect(a.lines.map((l) => [l.category, l.direction])).toEqual([
      ['Salaires', 'expense'],
      ['Loyers', 'expense'],
      ['Impôts', 'revenue'],
    ]);
    expect(a.stats.total).toBe('270.00');
  });

  it('never reads the same money twice: a copy or summary sheet is not read', () => {
    const rows = [header, ['Article', 'Salaires', 100]];
    const a = analyzeXlsx(
      [
        { name: 'Budget', rows },
        { name: 'Copy', rows },
      ],
      'etat.xlsx',
    );
    expect(a.sheets.filter((s) => s.read).map((s) => s.name)).toHaveLength(1);
    expect(a.stats.total).toBe('100.00');
  });
});
