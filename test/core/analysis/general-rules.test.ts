/**
 * Rules found on real public budgets the analysis was not tuned on (a held-out set), each on a small
 * table written here, in several languages. Each rule is one an analyst would state; none is keyed on a
 * file's own strings.
 */
import { describe, expect, it } from 'vitest';
import { analyzeCsv, headerOf } from './helpers.ts';

const amountEntry = (a: ReturnType<typeof analyzeCsv>) => a.mapping.find((m) => m.field === 'amount');

describe('an untitled amount is money by its values, never a code or a count', () => {
  it('takes the column of money over a department number 1..n before it (German, untitled columns)', () => {
    const rows = [
      'jahr,nr,bereich,kostenart,ausgabe,spalte_b',
      '2008,1,Zentrale Dienste,Personal,88000,x',
      '2008,1,Zentrale Dienste,Sachkosten,45400,y',
      '2008,2,Bauamt,Personal,120500,x',
      '2008,2,Bauamt,Sachkosten,30250,y',
      '2008,3,Schulen,Personal,99000,x',
      '2008,3,Schulen,Sachkosten,12345,y',
    ];
    const a = analyzeCsv(`${rows.join('\n')}\n`, 'haushalt.csv', { set: { department: 'Stadt' } });
    expect(headerOf(a, 'amount')).toBe('ausgabe');
    expect(amountEntry(a)?.needsConfirmation).toBe(true);
    expect(a.stats.total).toBe('395495.00');
  });

  it('takes varied amounts over a cost-centre code repeated every month (Portuguese, codes written 10010017.0)', () => {
    const rows = ['Mes,C. CENTRO,AREA,OPEX'];
    for (const m of ['2026-01', '2026-02', '2026-03'])
      for (const [cc, area, v] of [
        ['10010017.0', 'Base Flores', 1501.15],
        ['10010018.0', 'Base Ponta', 1869.47],
        ['10210001.0', 'Roraima', 1871.88],
      ] as const)
        rows.push(`${m},${cc},${area},${(v + Number(m.slice(-1))).toFixed(2)}`);
    const a = analyzeCsv(`${rows.join('\n')}\n`, 'orcamento.csv', { set: { department: 'Empresa' } });
    expect(headerOf(a, 'amount')).toBe('OPEX');
    expect(amountEntry(a)?.needsConfirmation).toBe(true);
  });

  it('still reads small whole amounts when nothing else is there, asking to confirm (English)', () => {
    const a = analyzeCsv('Team,Item,Units\nOps,Pens,5\nOps,Paper,7\nIT,Cables,9\n', 'budget-2026.csv');
    expect(headerOf(a, 'amount')).toBe('Units');
    expect(amountEntry(a)?.needsConfirmation).toBe(true);
    expect(amountEntry(a)?.reason).toMatch(/codes or counts/);
  });
});

describe('result rows are not lines', () => {
  it('skips a label that begins with "=" (the result of the rows above), in German and English', () => {
    const de = analyzeCsv(
      'Nr,Ertrags- und Aufwandsarten,Ansatz 2026\n01,+ Zuwendungen,100\n02,- Personalaufwendungen,40\n03,= Ordentliches Ergebnis,60\n',
      'teilergebnisplan.csv',
      { set: { department: 'Innere Verwaltung' } },
    );
    expect(de.lines.map((l) => l.amount)).toEqual(['100.00', '40.00']);
    expect(de.issues.some((i) => i.code === 'row.total_skipped' && i.row === 4)).toBe(true);
    const en = analyzeCsv('Department,Line,Budget 2026\nOps,Revenue,500\nOps,Costs,300\nOps,=Net result,200\n');
    expect(en.stats.total).toBe('800.00');
  });
});

describe('plan and actual headings above the year row', () => {
  it('reads the years under an actual heading as actuals, a merged heading carried over its blank cells (German, English)', () => {
    const de = analyzeCsv(
      'Teilergebnisplan,,Ergebnis(€),Haushaltsansatz(€),,Planung(€)\n,,2024,2025,2026,2027\n01,+ Zuwendungen,90,100,110,120\n02,+ Entgelte,9,10,11,12\n',
      'teilergebnisplan.csv',
      { set: { department: 'Innere Verwaltung' } },
    );
    expect([...new Set(de.lines.map((l) => l.period))]).toEqual(['FY2025', 'FY2026', 'FY2027']);
    expect(de.stats.total).toBe('363.00');
    expect(de.ignoredColumns.find((c) => c.column === 3)?.reason).toMatch(/not the budget/);
    const en = analyzeCsv('Line,Actual,Budget,\nAccount,2024,2025,2026\nRent,50,60,70\nTravel,5,6,7\n', 'plan.csv', {
      set: { department: 'Ops' },
    });
    expect([...new Set(en.lines.map((l) => l.period))]).toEqual(['FY2025', 'FY2026']);
    expect(en.stats.total).toBe('143.00');
  });
});

describe('a budget missing one field is proposed, not rejected', () => {
  it('reads one figure per month with no label column under one category named by the amount title, with a warning (English, Spanish)', () => {
    const en = analyzeCsv('Month,BudgetSales\n2024-01,100\n2024-02,120\n', 'plan-2024.csv');
    expect(en.stats).toMatchObject({ lines: 2, total: '220.00', importable: true });
    expect(en.lines.map((l) => l.category)).toEqual(['BudgetSales', 'BudgetSales']);
    expect(en.issues.some((i) => i.code === 'category.proposed' && i.severity === 'warning')).toBe(true);
    // A title that is only a budget word names nothing: the file name does.
    const es = analyzeCsv('Mes,Presupuesto\n2024-01,10\n2024-02,20\n', 'ventas_2024.csv');
    expect(es.lines.map((l) => l.category)).toEqual(['ventas 2024', 'ventas 2024']);
  });
});

describe('the currency of a wide budget', () => {
  it("is named by its period columns' titles: (€), _EUR", () => {
    const a = analyzeCsv('Bereich,Konto,Ansatz 2026 (€),Ansatz 2027 (€)\nKultur,Zuschüsse,10,20\n');
    expect(a.currency.value).toBe('EUR');
    const b = analyzeCsv('Produktgruppe,Verein,Zuschuss_2026_EUR,Zuschuss_2027_EUR\nSport,Turnverein,100,200\n');
    expect(b.currency.value).toBe('EUR');
  });
});

describe('money columns suffixed by year and currency, and level rows that say sum', () => {
  it('reads Zuschuss_2026_EUR / Amount 2027 USD as period columns, and skips the rows a level column calls a sum', () => {
    const a = analyzeCsv(
      'Code,Bezeichnung,Ebene,Zuschuss_2026_EUR,Zuschuss_2027_EUR\n0102,Gremien,PG,100,110\n0103,Verwaltung,PG,50,55\n01,Innere Verwaltung,Produktbereich-Summe,150,165\n',
      'zuschuesse.csv',
      { set: { department: 'Stadt' } },
    );
    expect(a.layout).toBe('wide');
    expect([...new Set(a.lines.map((l) => l.period))]).toEqual(['FY2026', 'FY2027']);
    expect(a.stats.total).toBe('315.00');
    expect(a.issues.some((i) => i.code === 'row.total_skipped' && i.row === 4)).toBe(true);
    const en = analyzeCsv('Division,Item,Level,Amount 2026 USD,Amount 2027 USD\nOps,Rent,Line,10,20\nOps,All,Subtotal,10,20\n', 'plan.csv');
    expect(en.stats.total).toBe('30.00');
  });
});

describe('a line with a code but no name', () => {
  it('is named by its code, with a warning, instead of being an error (German, English)', () => {
    const de = analyzeCsv(
      'Nr,Einzahlungsarten,Ansatz 2025,Ansatz 2026\n01,Zuwendungen,10,20\n02,,5,6\n03,Beiträge,1,2\n04,Entgelte,3,4\n',
      'finanzplan.csv',
      { set: { department: 'Innere Verwaltung' } },
    );
    expect(de.stats).toMatchObject({ lines: 8, total: '51.00', importable: true });
    expect(de.issues.find((i) => i.code === 'category.from_code')).toMatchObject({ row: 3, severity: 'warning' });
    const en = analyzeCsv('Line no,Description,Budget 2026\n1,Rent,100\n2,,50\n3,Travel,20\n4,Software,30\n', 'plan.csv', {
      set: { department: 'Ops' },
    });
    expect(en.lines.map((l) => l.category)).toEqual(['Rent', '2', 'Travel', 'Software']);
  });
});
