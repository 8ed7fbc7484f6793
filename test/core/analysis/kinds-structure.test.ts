/**
 * File kinds from structure (DESIGN §2, issue 12): each kind is read from what the file's figures do and
 * which roles its columns play together, in any language, not from one keyword. The fixtures in
 * test/fixtures/kinds are shaped like real exports (journals, trial balances, bank and card statements,
 * orders, sales, P&Ls, timesheets, stock lists, actuals, payrolls, expense reports, invoices) and budgets
 * that resemble them; the real public files in test/fixtures/real must keep their kinds too.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { analyzeWorkbook, type Analysis, FILE_KINDS, type FileKind } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { analyzeCsv } from './helpers.ts';

const kindsDir = new URL('../../fixtures/kinds/', import.meta.url);
const realDir = new URL('../../fixtures/real/', import.meta.url);

function analyzeFile(dir: URL, file: string): Analysis {
  return analyzeWorkbook(readWorkbook(new Uint8Array(readFileSync(new URL(file, dir))), file));
}

/** Each fixture's kind, and the structural evidence its reasons must name. */
const FIXTURES: [string, FileKind, RegExp][] = [
  [
    'gl-journal.csv',
    'general_ledger',
    /debits and credits of each entry balance: the rows sharing a number in "Journal No" add up to zero/,
  ],
  ['gl-buchungsjournal-de.csv', 'general_ledger', /each entry balance: the rows sharing a number in "Belegnummer"/],
  ['fec-ecritures-fr.csv', 'general_ledger', /each entry balance: the rows sharing a number in "PieceRef"/],
  ['trial-balance.csv', 'general_ledger', /the totals of "Debit" and "Credit" are equal/],
  ['balance-sumas-saldos-es.csv', 'general_ledger', /carries "Saldo inicial" through the period's movements to "Saldo final"/],
  ['gl-detail.csv', 'general_ledger', /posted as debits and credits to the accounts in "Account"/],
  ['bank-export-uk.csv', 'bank_statement', /the balance in "Balance" carries from row to row/],
  ['checking-activity-us.csv', 'bank_statement', /the balance in "Running Balance" carries from row to row/],
  ['rabobank-nl.csv', 'bank_statement', /the balance in "Saldo na trn" carries from row to row/],
  ['kontoumsaetze-de.csv', 'bank_statement', /money out and money in are kept in two columns/],
  ['movimientos-cuenta-es.csv', 'bank_statement', /the balance in "Saldo" carries from row to row/],
  ['card-activity.csv', 'bank_statement', /each row is a dated payment with a card/],
  ['releve-carte-fr.csv', 'bank_statement', /"Numéro de carte" holds masked card numbers/],
  ['elba-export-at.csv', 'bank_statement', /a booking date \(column 1\) and a value date on or after it \(column 3\)/],
  ['purchase-orders.csv', 'purchase_orders', /each line is ordered: "Qty" × "Unit Price" = "Line Total"/],
  ['ordini-acquisto-it.csv', 'purchase_orders', /"Quantità" × "Prezzo unitario" = "Importo"/],
  ['sales-orders.csv', 'sales', /each row is a sale: "Quantity" × "Unit Price" = "Revenue"/],
  ['pedidos-clientes-es.csv', 'sales', /each row is a sale: "Cantidad" × "Precio unitario" = "Importe"/],
  ['sales-pnl-2024.csv', 'actuals', /results of each period \(revenue, cost of sales, margin\), and none holds a plan/],
  ['guv-monatlich-2024.csv', 'actuals', /profit and loss statement, with no plan/],
  ['timesheet-week10.csv', 'timesheet', /the hours one person worked on one day \("Hours" by "Date"\)/],
  ['stundenzettel-maerz.csv', 'timesheet', /the hours one person worked on one day \("Stunden" by "Datum"\)/],
  ['inventory-on-hand.csv', 'inventory', /stock is valued: "On Hand" × "Unit Cost" = "Inventory Value"/],
  ['etat-des-stocks-fr.csv', 'inventory', /stock is valued: "Stock" × "Coût unitaire" = "Valeur du stock"/],
  ['kostenstellen-ist-2024.csv', 'actuals', /"Periode" runs to period 16: periods 13–16 are the closing periods of a ledger/],
  ['actuals-q1-fy25.csv', 'actuals', /its amounts \("Actual Amount"\) are actual, executed figures, and no column holds a plan/],
  ['ejecucion-gastos-2023.csv', 'actuals', /its amounts \("Obligaciones reconocidas netas"\) are actual/],
  ['ist-buchungen-q1.csv', 'actuals', /the title or file name says the figures are actual/],
  ['journal-de-paie-fr.csv', 'payroll', /"Salaire brut" holds gross pay/],
  ['nominas-enero-es.csv', 'payroll', /"IRPF" holds payroll deductions or taxes/],
  ['spesenabrechnung-feb.csv', 'expenses', /each row is an expense a person made on a given day/],
  ['notes-de-frais-employe-2024.csv', 'expenses', /each purchase is put in "Catégorie" with its sales tax split out in "TPS" and "TVQ"/],
  ['mzdy-zamestnanci-cz.csv', 'payroll', /"Základ" holds salaries or wages/],
  ['expense-claims-june.csv', 'expenses', /"Merchant" names the merchant/],
  ['eingangsrechnungen-maerz.csv', 'invoices', /"Rechnungsnummer" holds invoice numbers/],
  ['factures-clients-fr.csv', 'invoices', /"Échéance" gives the date each amount falls due/],
  ['budget-capex-opex-2026.csv', 'budget', /"Budget 2026" holds planned amounts/],
  ['kostenplan-2026.csv', 'budget', /amounts are laid out by period in 12 columns/],
  ['budget-vs-actual-q1.csv', 'budget', /"Budget" holds planned amounts/],
  ['planwerte-2026.csv', 'budget', /"Planwert" holds planned amounts/],
  ['sales-budget-2026.csv', 'budget', /"Revenue Plan" holds planned amounts/],
  ['personnel-budget-fy26.csv', 'budget', /"Planned Salary", "Planned Benefits" and "Budget Total" hold planned amounts/],
  ['Plan-Kosten-und-Erloese-2025.csv', 'budget', /the title or file name speaks of a budget or plan/],
];

describe('kinds from structure, on files shaped like real exports', () => {
  it('the fixture list and expected.json agree', () => {
    const expected = JSON.parse(readFileSync(new URL('expected.json', kindsDir), 'utf8')) as Record<string, string>;
    expect(Object.fromEntries(FIXTURES.map(([file, kind]) => [file, kind]))).toEqual(expected);
  });

  for (const [file, kind, evidence] of FIXTURES) {
    it(`${file} is ${kind}, for a structural reason`, () => {
      const a = analyzeFile(kindsDir, file);
      expect(a.kind.kind).toBe(kind);
      expect(a.kind.reasons.slice(1).join('\n')).toMatch(evidence);
      if (kind === 'budget') {
        expect(a.kind.reasons[0]).toBe('This is a budget:');
        expect(a.issues.some((i) => i.code === 'kind.mismatch')).toBe(false);
      } else {
        expect(a.kind.reasons[0]).toMatch(/^This looks like .+, not a budget:$/);
        expect(a.issues.some((i) => i.code === 'kind.mismatch' && i.severity === 'error')).toBe(true);
        expect(a.stats.importable).toBe(false);
      }
    });
  }

  it('reasons read as sentences about the file: no line breaks, no web addresses, no titles longer than 40 characters', () => {
    for (const [file] of FIXTURES) {
      for (const reason of analyzeFile(kindsDir, file).kind.reasons) {
        expect(reason).not.toMatch(/\n|https?:|"[^"]{41,}"/);
        expect(reason.length).toBeGreaterThan(10);
      }
    }
  });
});

describe('the real public files keep their kinds', () => {
  const truth = JSON.parse(readFileSync(new URL('expected.json', realDir), 'utf8')) as { file: string; kind: string | string[] }[];
  for (const entry of truth) {
    const accepted = Array.isArray(entry.kind) ? entry.kind : [entry.kind];
    it(`${entry.file} is ${accepted.join(' or ')}`, () => {
      const a = analyzeFile(realDir, entry.file);
      expect(accepted).toContain(a.kind.kind);
      expect(FILE_KINDS).toContain(a.kind.kind);
    });
  }
});

describe('plan or actual', () => {
  const rows = ['Sales,Travel,2026-01,1000,1100', 'Sales,Meals,2026-01,200,150', 'Ops,Rent,2026-01,3000,3000', 'Ops,IT,2026-02,500,620'];

  it('plan columns beside actual columns make a budget; the actual columns alone are actuals', () => {
    const both = analyzeCsv(['Department,Account,Month,Budget,Actual', ...rows].join('\n'), 'q1.csv');
    expect(both.kind.kind).toBe('budget');
    const actualOnly = analyzeCsv(
      [
        'Department,Account,Month,Actual',
        ...rows.map((r) =>
          r
            .split(',')
            .slice(0, 3)
            .concat(r.split(',')[4] as string)
            .join(','),
        ),
      ].join('\n'),
      'q1.csv',
    );
    expect(actualOnly.kind.kind).toBe('actuals');
    expect(actualOnly.kind.reasons).toContain(
      'it is not a budget: its amount columns hold actual figures only, and a budget holds planned amounts',
    );
  });

  it('actual words of other languages: Ist, Ergebnis, realizado, ejecutado, réalisé, consuntivo', () => {
    for (const title of ['Ist', 'Ergebnis 2023', 'Importe realizado', 'Ejecutado', 'Réalisé', 'Consuntivo']) {
      const a = analyzeCsv(
        [`Kostenstelle,Konto,Monat,${title}`, 'A,4000,2024-01,100', 'A,4100,2024-01,200', 'B,4000,2024-02,300'].join('\n'),
        'x.csv',
      );
      expect([title, a.kind.kind]).toEqual([title, 'actuals']);
    }
  });

  it('"Soll" beside "Ist" is the plan (a German budget report); "Soll" beside "Haben" is a debit', () => {
    const sollIst = analyzeCsv(
      [
        'Produkt;Sachkonto;Soll 2024;Ist 2024',
        '1.1.1;521000;1000,00;950,00',
        '1.1.2;522000;2000,00;2100,00',
        '1.2.1;521000;300,00;280,00',
      ].join('\n'),
      'bericht.csv',
    );
    expect(sollIst.kind.kind).toBe('budget');
    expect(sollIst.kind.reasons).toContain('"Soll 2024" holds planned amounts');
    const sollHaben = analyzeCsv(
      [
        'Datum;Konto;Text;Soll;Haben',
        '02.01.2025;4930;A;10,00;',
        '02.01.2025;1600;A;;10,00',
        '05.01.2025;4670;B;20,00;',
        '05.01.2025;1200;B;;20,00',
      ].join('\n'),
      'journal.csv',
    );
    expect(sollHaben.kind.kind).not.toBe('budget');
  });

  it('"Appropriation Act 2025" is a plan, "Budget executed" an actual', () => {
    const body = ['Ministry,Programme,{}', 'Health,Hospitals,1000', 'Health,Clinics,200', 'Defence,Army,3000'];
    const act = analyzeCsv(body.join('\n').replace('{}', 'Appropriation Act 2025'), 'law.csv');
    expect(act.kind.kind).toBe('budget');
    expect(act.kind.reasons).toContain('"Appropriation Act 2025" holds planned amounts');
    expect(analyzeCsv(body.join('\n').replace('{}', 'Budget executed 2024'), 'law.csv').kind.kind).toBe('actuals');
  });

  it('a balanced budget, revenue and expenditure in two columns with equal totals, stays a budget', () => {
    const a = analyzeCsv(
      [
        'Department,Item,Revenue,Expenditure',
        'Finance,Taxes,5000,',
        'Finance,Fees,1000,',
        'Health,Clinics,,4000',
        'Roads,Repairs,,2000',
      ].join('\n'),
      'budget-2026.csv',
    );
    expect(a.kind.kind).toBe('budget');
  });

  it('public budgets in their own words stay budgets beside their outturn; the outturn alone is actuals', () => {
    const cases: [string, string, string][] = [
      ['Einzelplan;Kapitel;Titel', 'Soll 2024', 'Ist 2022'],
      ['Mission;Programme;Action', 'Crédits de paiement', 'Réalisé 2022'],
      ['Órgão;Unidade;Função', 'Dotação Inicial', 'Executado 2022'],
      ['Orgánico;Programa;Económico', 'Créditos iniciales', 'Obligaciones reconocidas'],
      ['Hoofdstuk;Artikel;Omschrijving', 'Begroting 2025', 'Realisatie 2023'],
      ['Luku;Momentti;Nimi', 'Talousarvio 2025', 'Toteutunut 2023'],
      ['Missione;Programma;Capitolo', 'Stanziamento 2024', 'Consuntivo 2022'],
    ];
    for (const [dims, plan, actual] of cases) {
      const rows = ['A;10;1;1200;1100', 'A;10;2;800;750', 'B;20;1;3000;2950', 'B;20;2;450;500'];
      const both = analyzeCsv([`${dims};${plan};${actual}`, ...rows].join('\n'), 'public.csv');
      expect([plan, both.kind.kind]).toEqual([plan, 'budget']);
      const outturn = analyzeCsv(
        [
          `${dims};${actual}`,
          ...rows.map((r) =>
            r
              .split(';')
              .slice(0, 3)
              .concat(r.split(';')[4] as string)
              .join(';'),
          ),
        ].join('\n'),
        'public.csv',
      );
      expect([actual, outturn.kind.kind]).toEqual([actual, 'actuals']);
    }
  });

  it('a scenario column marking rows Budget / Actual keeps the file a budget; one marking every row Actual does not', () => {
    const mixed = analyzeCsv(
      [
        'Scenario,Department,Account,Month,Amount',
        'Budget,Sales,Travel,2026-01,100',
        'Actual,Sales,Travel,2026-01,90',
        'Budget,Ops,Rent,2026-01,300',
      ].join('\n'),
      'fin.csv',
    );
    expect(mixed.kind.kind).toBe('budget');
    const actual = analyzeCsv(
      [
        'Scenario,Department,Account,Month,Amount',
        'Actual,Sales,Travel,2026-01,100',
        'Actual,Sales,Meals,2026-01,90',
        'Actual,Ops,Rent,2026-01,300',
      ].join('\n'),
      'fin.csv',
    );
    expect(actual.kind.kind).toBe('actuals');
  });

  it('a P&L by month with no plan words is actuals; the same P&L titled as a plan is a budget', () => {
    const table = ['Line,Jan,Feb,Mar', 'Revenue,1000,1100,1200', 'Cost of sales,600,640,700', 'Gross margin,400,460,500'];
    expect(analyzeCsv(['Profit and loss 2024', '', ...table].join('\n'), 'pl.csv').kind.kind).toBe('actuals');
    expect(analyzeCsv(['Profit and loss plan 2026', '', ...table].join('\n'), 'pl.csv').kind.kind).toBe('budget');
  });
});

describe('structure, whatever the titles say', () => {
  it('a balance that carries from row to row makes a bank statement, even under titles nobody listed', () => {
    const a = analyzeCsv(
      [
        'Tag,Text,Wert1,Wert2',
        '2025-01-02,A,-10.00,990.00',
        '2025-01-03,B,-25.50,964.50',
        '2025-01-06,C,100.00,1064.50',
        '2025-01-09,D,-4.50,1060.00',
      ].join('\n'),
      'export.csv',
    );
    expect(a.kind.kind).toBe('bank_statement');
    expect(a.kind.reasons).toContain(
      'the balance in "Wert2" carries from row to row: each row\'s balance is the previous one plus or minus its amount',
    );
  });

  it('a bare export of dates, texts and signed amounts (money out negative, in positive) is a bank statement', () => {
    const a = analyzeCsv(
      [
        'Date;Text;Amount',
        '03.03.2025;Supermarket;-45,20',
        '05.03.2025;Salary;2500,00',
        '08.03.2025;Electricity;-80,00',
        '12.03.2025;Restaurant;-32,50',
      ].join('\n'),
      'export.csv',
    );
    expect(a.kind.kind).toBe('bank_statement');
    expect(a.kind.reasons).toContain('"Amount" holds money out as negative and money in as positive amounts, by day');
  });

  it('a bank export without column titles is still named by its figures (a running balance, IBANs), never a budget', () => {
    const flows = [-12.5, 250, -80, -4.99, 1200, -300];
    let balance = 1000;
    const rows = flows.map((amount, i) => {
      const day = `0${i + 3}-02-2025`;
      const parties = ['NL56ASNB0709093276', 'NL20INGB0001234567', `Party ${i}`, '', '', ''];
      const row = [
        day,
        ...parties,
        'EUR',
        balance.toFixed(2),
        'EUR',
        amount.toFixed(2),
        day,
        day,
        '4444',
        'IDB',
        `1234567${i}`,
        '',
        `Text ${i}`,
        '1',
      ];
      balance = Math.round((balance + amount) * 100) / 100;
      return row.join(',');
    });
    const a = analyzeCsv(rows.join('\n'), 'export.csv');
    expect(a.issues.map((i) => i.code)).toContain('header.not_found');
    expect(a.kind.kind).toBe('bank_statement');
    expect(a.kind.reasons[1]).toBe('it has no column titles, but its figures show what it is');
    expect(a.kind.reasons.join(' ')).toMatch(/the balance in column 9 carries from row to row/);
  });

  it('the same columns without a running balance are not called a bank statement for it', () => {
    const a = analyzeCsv(
      [
        'Tag,Text,Wert1,Wert2',
        '2025-01-02,A,-10.00,500.00',
        '2025-01-03,B,-25.50,990.00',
        '2025-01-06,C,100.00,20.00',
        '2025-01-09,D,-4.50,7.00',
      ].join('\n'),
      'export.csv',
    );
    expect(a.kind.reasons.join(' ')).not.toMatch(/carries from row to row/);
    expect(a.kind.kind).not.toBe('budget');
  });

  it('entries whose debits and credits balance make a journal, in a script without spaces', () => {
    const a = analyzeCsv(
      [
        '日期,凭证号,科目,摘要,借方,贷方',
        '2025-03-02,记-1,管理费用,办公用品,1200,',
        '2025-03-02,记-1,银行存款,办公用品,,1200',
        '2025-03-05,记-2,应收账款,销售,8800,',
        '2025-03-05,记-2,主营业务收入,销售,,8800',
        '2025-03-09,记-3,销售费用,差旅,300,',
        '2025-03-09,记-3,库存现金,差旅,,300',
      ].join('\n'),
      'pz.csv',
    );
    expect(a.kind.kind).toBe('general_ledger');
    expect(a.kind.reasons).toContain('the debits and credits of each entry balance: the rows sharing a number in "凭证号" add up to zero');
  });

  it('a debit/credit mark beside each amount (S/H) makes postings, not a plan', () => {
    const a = analyzeCsv(
      ['Kst;Konto;Kz;Betrag', '100;4000;S;10,00', '100;4100;H;20,00', '200;4000;S;30,00', '200;4100;H;40,00', '300;4000;S;50,00'].join(
        '\n',
      ),
      'buchungen.csv',
    );
    expect(a.kind.kind).not.toBe('budget');
    expect(a.kind.reasons.join(' ')).toMatch(/"Kz" marks each (amount|posting) as/);
  });

  it('a budget costed as quantity × unit price, with no orders, customers or dates, stays a budget', () => {
    const a = analyzeCsv(
      [
        'Department,Item,Qty,Unit price,Budget',
        'IT,Laptops,10,1200.00,12000.00',
        'IT,Monitors,12,250.00,3000.00',
        'Ops,Chairs,8,310.50,2484.00',
      ].join('\n'),
      'budget-2026.csv',
    );
    expect(a.kind.kind).toBe('budget');
  });

  it('month-level dates written 01/01/2020, 02/01/2020… are months, not days; 13/01/2020 is a day', () => {
    const months = analyzeCsv(
      [
        'Date,Department,Cost Element,Budget',
        ...Array.from({ length: 12 }, (_, i) => `${String(i + 1).padStart(2, '0')}/01/2020,IT,Licences,100`),
      ].join('\n'),
      'cost.csv',
    );
    expect(months.kind.kind).toBe('budget');
    expect(months.kind.reasons.join(' ')).not.toMatch(/dates of single days/);
    const days = analyzeCsv(
      ['Date,Department,Cost Element,Amount', ...[3, 8, 13, 17, 22, 27].map((d) => `${d}/01/2020,IT,Licences,100`)].join('\n'),
      'cost.csv',
    );
    expect(days.kind.reasons.join(' ')).not.toMatch(/^This is a budget/);
    expect(days.kind.kind).not.toBe('budget');
  });

  it('a budget form numbering its rows 1–15 is not taken for posting periods 13–16', () => {
    const rows = Array.from({ length: 15 }, (_, i) => `${i + 1},Dept ${i % 3},Line ${i},${(i + 1) * 100}`);
    const a = analyzeCsv(['No,Department,Category,Amount', ...rows].join('\n'), 'form-2026.csv');
    expect(a.kind.kind).toBe('budget');
    expect(a.kind.reasons.join(' ')).not.toMatch(/posting periods|closing periods/);
  });

  it('words that mean "actual" only as column titles ("Act", "Real") do not make a titled file actuals', () => {
    const a = analyzeCsv(
      ['Finance Act 2025', '', 'Ministry,Programme,2025', 'Health,Hospitals,1000', 'Health,Clinics,200', 'Defence,Army,3000'].join('\n'),
      'real-estate.csv',
    );
    expect(a.kind.kind).toBe('budget');
  });
});

describe('pay, drawdown and allocation words of more languages', () => {
  it('a list of people with base pay and bonus is payroll in Czech and Polish, not an expense report', () => {
    const cz = analyzeCsv(
      [
        'Tým,Jméno a příjmení,Funkce,Základ,Bonus,Začátek',
        'Praha,Jana Nováková,asistentka,8500,5000,2024-01-13',
        'Praha,Petr Svoboda,analytik,9000,4000,2024-02-03',
        'Brno,Eva Dvořáková,vedoucí,12000,6000,2024-03-21',
        'Brno,Karel Černý,technik,7000,2000,2024-05-09',
      ].join('\n'),
      'seznam.csv',
    );
    expect(cz.kind.kind).toBe('payroll');
    expect(cz.kind.reasons).toContain('"Základ" holds salaries or wages');
    const pl = analyzeCsv(
      [
        'Dział,Imię i nazwisko,Wynagrodzenie,Premia,Data',
        'IT,Anna Kowalska,8000,500,2024-01-13',
        'IT,Jan Nowak,9000,0,2024-02-03',
        'HR,Maria Wiśniewska,7000,300,2024-03-21',
        'HR,Piotr Wójcik,7500,200,2024-05-09',
      ].join('\n'),
      'lista.csv',
    );
    expect(pl.kind.kind).toBe('payroll');
  });

  it('a budget drawdown (čerpání rozpočtu) is actual spending, not the plan', () => {
    const a = analyzeCsv(
      ['Rozpočet\tPoložka\tNáklady', 'Centrála\tMzdy\t233360.0', 'Centrála\tNájem\t11020.0', 'Kraj\tCestovné\t3179.0'].join('\n'),
      'cerpani-rozpoctu-2024-12.tsv',
    );
    expect(a.kind.kind).toBe('actuals');
    expect(a.kind.reasons).toContain('the title or file name says the figures are actual (executed) results');
  });

  it('allocations named in the file name make a plain country × fund × amount table a budget', () => {
    const rows = [
      'Country,Fund,Amount',
      'Poland,Cohesion Fund (€),23208000000',
      'Poland,Less Developed Regions (€),51163600000',
      'Spain,Cohesion Fund (€),2242400000',
      'Spain,Transition Regions (€),1354000000',
    ];
    expect(analyzeCsv(rows.join('\n'), 'fund-allocations-2021-2027.csv').kind.kind).toBe('budget');
    expect(analyzeCsv(rows.join('\n'), 'funds-2021-2027.csv').kind.kind).not.toBe('budget');
  });
});

describe('an expense claim under bank titles', () => {
  it('withdrawals by category with their sales tax, in a file named expenses, are an expense claim, not a bank statement', () => {
    const en = analyzeCsv(
      [
        'Date,Payee,Deposit,Withdrawal,Category,GST,PST',
        '2024-09-27,Office World,,609.51,Equipment,27.00,42.52',
        '2024-11-15,Furniture Store,,442.89,Office supplies,19.62,30.90',
        '2024-11-25,Furniture Store,,407.91,Office supplies,18.07,28.46',
        '2024-11-20,Electronics Shop,,399.00,Equipment,17.50,27.80',
      ].join('\n'),
      'employee-expenses-2024.csv',
    );
    expect(en.kind.kind).toBe('expenses');
    expect(en.kind.reasons).toContain(
      'each purchase is put in "Category" with its sales tax split out in "GST" and "PST", as expense claims are to reclaim it',
    );
    expect(en.kind.reasons.join(' ')).not.toMatch(/money out and money in are kept in two columns/);
    const fr = analyzeCsv(
      [
        'Date;Bénéficiaire;Dépôt;Retrait;Catégorie;TPS;TVQ',
        '27/09/2024;Bureau en Gros;;609,51;Équipement;27,00;42,52',
        '15/11/2024;Ikea;;442,89;Fournitures;19,62;30,90',
        '25/11/2024;Ikea;;407,91;Fournitures;18,07;28,46',
        '20/11/2024;Best Buy;;399,00;Équipement;17,50;27,80',
      ].join('\n'),
      'notes-de-frais-2024.csv',
    );
    expect(fr.kind.kind).toBe('expenses');
  });
});

describe('a row of data taken for the header', () => {
  it('a header-less bank export whose "header" is a data row is named by its figures: booking date, value date, signed amount', () => {
    const a = analyzeCsv(
      [
        '03.03.2025;"Gutschrift Gehalt";03.03.2025;2500,00;EUR;03.03.2025 08:00:01:100;',
        '04.03.2025;"Lastschrift Strom";05.03.2025;-80,00;EUR;04.03.2025 09:10:11:200;',
        '04.03.2025;"Kartenzahlung Supermarkt";05.03.2025;-45,20;EUR;04.03.2025 17:22:31:300;',
        '07.03.2025;"ELBA-INTERNET Empfänger: Vermieter Verwendungszweck: Miete März";07.03.2025;-900,00;EUR;07.03.2025 10:01:02:400;',
        '10.03.2025;"Entgelt Kontoführung";10.03.2025;-6,65;EUR;10.03.2025 00:00:30:500;',
      ].join('\n'),
      'export.csv',
    );
    expect(a.kind.kind).toBe('bank_statement');
    expect(a.kind.reasons).toContain('it has no column titles, but its figures show what it is');
    expect(a.kind.reasons).toContain(
      'each signed amount in column 4 has a booking date (column 1) and a value date on or after it (column 3)',
    );
  });

  it('a short list under a row of titles is read under those titles, even when a later row was taken for the header', () => {
    const a = analyzeCsv(
      [
        'Tým\tJméno a příjmení\tTyp\tOdměna',
        ...[
          'Jana Nováková',
          'Petr Svoboda',
          'Eva Dvořáková',
          'Jan Novák',
          'Marie Svobodová',
          'Tomáš Dvořák',
          'Lucie Černá',
          'Martin Procházka',
          'Hana Kučerová',
          'Jiří Veselý',
          'Pavel Horák',
        ].map((name, i) => `PO\t${name}\tIČO\t${9000 + i * 1234}.0`),
        'MO\tKarel Černý\tIČO\t5888.0',
        'MO\tLucie Malá\tIČO\t1656.0',
        'AO\tTomáš Kučera\tIČO\t2489.0',
        'AO\tEliška Marková\tIČO\t690.0',
        'Pha\tAdam Veselý\tIČO\t10000.0',
        'Pha\tOndřej Beneš\tIČO\t250.0',
        'KvK\tJosef Pokorný\tIČO\t8000.0',
        'RP\tVít Král\tIČO\t0.0',
      ].join('\n'),
      'vyplaty.tsv',
    );
    expect(a.kind.kind).toBe('payroll');
    expect(a.kind.reasons).toContain('"Odměna" holds salaries or wages');
  });
});

describe('grants and execution reports of public budgets', () => {
  it('grants (Zuschuss, Zuwendung) by product group and year are granted allocations, a budget like a dotation', () => {
    const a = analyzeCsv(
      [
        'Code,Bezeichnung,Zuschuss_2026_EUR,Zuschuss_2027_EUR',
        '0102,Gremien und Beziehungen,110440.0,110440.0',
        '0104,Gleichstellung,1440760.0,1457620.0',
        '0108,Personalmanagement,4350.0,4350.0',
        '0401,Kultur,2380000.0,2410000.0',
      ].join('\n'),
      'vereine-und-verbaende.csv',
    );
    expect(a.kind.kind).toBe('budget');
    expect(a.kind.reasons).toContain('"Zuschuss_2026_EUR" and "Zuschuss_2027_EUR" hold planned amounts');
    const b = analyzeCsv(
      ['Träger,Maßnahme,Zuwendungen', 'Verein A,Jugendarbeit,12000', 'Verein B,Sport,8000', 'Verein C,Kultur,15000'].join('\n'),
      'liste.csv',
    );
    expect(b.kind.kind).toBe('budget');
  });

  it('a balance that is plan minus spent on each row (Saldo = Presupuestado − Gastado), without days, stays a budget', () => {
    const a = analyzeCsv(
      [
        'Nro,Descripción,Presupuestado,Gastado,Saldo,% Gast/Presu',
        '1,Secretaría de Gobierno,17481400766.42,11205000000.00,6276400766.42,64.1%',
        '2,Secretaría de Hacienda,9000000000.00,4500000000.00,4500000000.00,50.0%',
        '3,Secretaría de Obras,25000000000.00,20000000000.00,5000000000.00,80.0%',
        '4,Concejo Deliberante,1200000000.00,0.00,1200000000.00,0.0%',
      ].join('\n'),
      'ejecucion.csv',
    );
    expect(a.kind.kind).toBe('budget');
    expect(a.kind.reasons.join(' ')).not.toMatch(/carries from row to row/);
  });
});

describe('plan and actual words of Romanian, Hungarian and Croatian', () => {
  const rows = ['Cluj,Salarii,2026-01,1000', 'Cluj,Chirie,2026-01,200', 'Iasi,Salarii,2026-02,3000', 'Iasi,Energie,2026-02,500'];
  it('a plan column (Buget, Költségvetés, Proračun) makes a budget; an executed column (Executie, Teljesítés, Izvršenje) actuals', () => {
    for (const [plan, actual] of [
      ['Buget', 'Executie'],
      ['Költségvetés', 'Teljesítés'],
      ['Proračun', 'Izvršenje'],
    ] as const) {
      expect(analyzeCsv([`Unitate,Cont,Luna,${plan}`, ...rows].join('\n'), 'tabel.csv').kind.kind).toBe('budget');
      expect(analyzeCsv([`Unitate,Cont,Luna,${actual}`, ...rows].join('\n'), 'tabel.csv').kind.kind).toBe('actuals');
    }
  });
});
