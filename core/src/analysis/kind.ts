/**
 * What kind of file this is — budget, payroll, expenses, invoices, bank statement or unknown — from the
 * column titles AND the values, with reasons a person can read. Only budgets import.
 *
 * Column titles carry most of the evidence; values confirm it: day-level dates are transactions, not
 * budget periods; SSNs and personal names are people; a running balance is a bank account. Category
 * VALUES such as "Salaries & Wages" are never evidence: only titles and value patterns are.
 */
import { normalizeHeader } from './normalize.ts';
import type { ColumnMapping } from './mapping.ts';
import { type ColumnProfile, ratio } from './profile.ts';
import { FILE_KINDS, type FileKind, type KindVerdict } from './types.ts';

type Scored = Exclude<FileKind, 'unknown'>;

const SCORED = FILE_KINDS.filter((k): k is Scored => k !== 'unknown');

/** Title phrases (normalized) and the weight they lend to each kind. */
const TITLE_EVIDENCE: Record<Exclude<Scored, 'budget'>, Record<string, number>> = {
  actuals: {},
  general_ledger: {},
  purchase_orders: {},
  sales: {},
  timesheet: {},
  inventory: {},
  payroll: {
    'employee id': 3,
    'employee no': 3,
    'employee number': 3,
    'emp id': 3,
    'staff id': 3,
    'personnel number': 3,
    'employee name': 3,
    employee: 2,
    ssn: 4,
    'social security': 4,
    'national insurance': 4,
    'ni number': 4,
    'tax id': 2,
    'gross pay': 4,
    'net pay': 4,
    'gross salary': 4,
    'net salary': 4,
    salary: 3,
    'annual salary': 4,
    'base salary': 4,
    'base pay': 4,
    wage: 3,
    wages: 3,
    'hourly rate': 3,
    'pay rate': 3,
    'hours worked': 3,
    overtime: 2,
    'pay period': 3,
    'pay date': 3,
    'federal tax': 3,
    'state tax': 2,
    withholding: 3,
    deductions: 2,
    '401k': 2,
    'job title': 3,
    position: 1,
    'position title': 3,
    title: 1,
    'hire date': 3,
    'date of hire': 3,
    grade: 1,
    'pay grade': 3,
    'pay scale': 3,
    'first name': 2,
    'last name': 2,
    surname: 2,
    'full name': 2,
    name: 1,
    fte: 1,
    bonus: 1,
    benefits: 1,
    personalnummer: 3,
    gehalt: 3,
    brutto: 3,
    netto: 3,
    mitarbeiter: 2,
    salaire: 3,
    salario: 3,
    sueldo: 3,
    empleado: 2,
    employe: 2,
    nomina: 3,
  },
  expenses: {
    merchant: 4,
    receipt: 4,
    'receipt attached': 4,
    reimbursable: 4,
    reimbursement: 3,
    claimant: 3,
    'expense date': 3,
    'expense report': 4,
    'report id': 2,
    'card number': 3,
    card: 2,
    cardholder: 3,
    mileage: 3,
    purpose: 2,
    'business purpose': 3,
    trip: 2,
    'transaction date': 1,
    employee: 2,
    'spent by': 3,
    beleg: 3,
    quittung: 3,
    justificatif: 3,
    recibo: 3,
    comercio: 3,
  },
  invoices: {
    invoice: 4,
    'invoice no': 4,
    'invoice number': 4,
    'invoice date': 4,
    'invoice id': 4,
    'due date': 3,
    vendor: 2,
    'vendor name': 2,
    supplier: 2,
    'supplier name': 2,
    payee: 2,
    'po number': 2,
    'purchase order': 2,
    'po no': 2,
    'amount due': 3,
    'balance due': 3,
    terms: 2,
    'payment terms': 2,
    'paid date': 2,
    'payment date': 2,
    status: 1,
    'net amount': 1,
    'gross amount': 1,
    vat: 1,
    'tax amount': 1,
    'transaction number': 2,
    'transaction no': 2,
    'payment reference': 2,
    'document number': 1,
    'expense area': 1,
    rechnung: 4,
    rechnungsnummer: 4,
    lieferant: 2,
    facture: 4,
    fournisseur: 2,
    factura: 4,
    proveedor: 2,
    creditor: 2,
    beneficiary: 2,
    'date paid': 2,
    'body name': 1,
    'supplier id': 2,
    'vendor id': 2,
    'payment amount': 2,
    'amount paid': 2,
    remittance: 3,
    'cheque no': 2,
    voucher: 2,
    'voucher number': 3,
  },
  bank_statement: {
    debit: 3,
    credit: 3,
    balance: 3,
    'running balance': 4,
    'closing balance': 4,
    'available balance': 4,
    withdrawal: 3,
    withdrawals: 3,
    deposit: 3,
    deposits: 3,
    'value date': 4,
    'booking date': 4,
    'posting date': 2,
    'transaction date': 2,
    transaction: 1,
    reference: 1,
    description: 1,
    'transaction type': 2,
    iban: 3,
    'account number': 1,
    'check number': 3,
    'cheque number': 3,
    buchungstag: 4,
    valuta: 4,
    soll: 2,
    haben: 2,
    saldo: 4,
    verwendungszweck: 4,
    debe: 2,
    haber: 2,
    solde: 4,
    libelle: 2,
    'debit amount': 3,
    'credit amount': 3,
    'money in': 3,
    'money out': 3,
    'paid in': 3,
    'paid out': 3,
  },
};

const BUDGET_TITLE_WORDS = new Set([
  'budget',
  'budgeted',
  'plan',
  'planned',
  'allocation',
  'appropriation',
  'forecast',
  'adopted',
  'approved',
  'proposed',
  'fiscal',
  'fy',
  'presupuesto',
  'haushalt',
  'planwert',
  'ansatz',
]);

function phrases(normalized: string): string[] {
  const w = normalized.split(' ');
  const out = [normalized];
  for (let i = 0; i < w.length; i++) {
    out.push(w[i] as string);
    if (i + 1 < w.length) out.push(`${w[i]} ${w[i + 1]}`);
  }
  return out;
}

export interface KindInput {
  labels: readonly string[];
  profiles: readonly ColumnProfile[];
  mapping: ColumnMapping;
  /** Title rows, sheet name and file name: "Operating Budget" there is evidence too. */
  context: string;
}

export function detectFileKind(input: KindInput): KindVerdict {
  const score = Object.fromEntries(SCORED.map((k) => [k, 0])) as Record<Scored, number>;
  const reasons = Object.fromEntries(SCORED.map((k) => [k, [] as string[]])) as Record<Scored, string[]>;
  const add = (k: Scored, points: number, why: string) => {
    score[k] += points;
    reasons[k].push(why);
  };

  // Column titles.
  for (let col = 0; col < input.labels.length; col++) {
    const label = input.labels[col] ?? '';
    const n = normalizeHeader(label);
    if (!n) continue;
    for (const kind of Object.keys(TITLE_EVIDENCE) as (keyof typeof TITLE_EVIDENCE)[]) {
      let best = 0;
      for (const p of phrases(n)) best = Math.max(best, TITLE_EVIDENCE[kind][p] ?? 0);
      if (best > 0) add(kind, best, `column "${label}" is typical of ${KIND_LABEL[kind]}`);
    }
    if (n.split(' ').some((w) => BUDGET_TITLE_WORDS.has(w))) add('budget', 2, `column "${label}" uses budget-planning words`);
  }

  // Structure: what the mapping found.
  const m = input.mapping;
  if (m.layout === 'wide') {
    add(
      'budget',
      3 + Math.min(m.periodColumns.length, 12) * 0.25,
      `amounts are laid out by period in ${m.periodColumns.length} columns, as budgets are`,
    );
  }
  const has = (f: keyof typeof m.fields) => m.fields[f] !== undefined;
  if (has('department')) add('budget', 1, 'it has a department or cost center column');
  if (has('category')) add('budget', 1.5, 'it has a budget category or account column');
  if (has('fiscal_year')) add('budget', 1.5, 'it has a fiscal year column');
  if (has('period')) {
    const p = input.profiles[m.fields.period as number];
    if (p && ratio(p.dayDates, p.nonEmpty) < 0.3) add('budget', 2, 'its periods are months, quarters or years, not days');
  }
  if ((has('amount') || m.layout === 'wide') && has('department') && has('category')) {
    add('budget', 2, 'each row is a department × category amount');
  }
  if (/\b(budget|plan|forecast|haushalt|presupuesto|fy ?\d{2,4})\b/i.test(input.context)) {
    add('budget', 1.5, 'the title or file name speaks of a budget');
  }

  // Value patterns.
  for (const p of input.profiles) {
    const n = p.nonEmpty;
    if (n < 2) continue;
    const label = input.labels[p.col] || `column ${p.col + 1}`;
    if (ratio(p.ssn, n) >= 0.5) add('payroll', 4, `"${label}" holds social security numbers`);
    if (ratio(p.iban, n) >= 0.5) add('bank_statement', 1.5, `"${label}" holds bank account numbers (IBANs)`);
    if (ratio(p.personName, n) >= 0.6 && p.distinct >= 2) {
      add('payroll', 1.5, `"${label}" holds people's names`);
      add('expenses', 1, `"${label}" holds people's names`);
      score.budget -= 1;
    }
    if (ratio(p.dayDates, n) >= 0.5 && p.distinct >= Math.min(5, n)) {
      const why = `"${label}" holds dates of single days, as transaction lists do`;
      add('expenses', 1.5, why);
      add('invoices', 1.5, why);
      add('bank_statement', 1.5, why);
      score.budget -= 2;
      reasons.budget.push(`but ${why}`);
    }
    if (ratio(p.companyNames, n) >= 0.5) {
      add('invoices', 2, `"${label}" holds company names, as supplier payment lists do`);
      score.budget -= 1;
    }
    if (ratio(p.referenceIds, n) >= 0.8 && p.distinct === n && n >= 3) {
      const why = `"${label}" holds a different reference number on every row, as transaction lists do`;
      add('invoices', 1, why);
      add('expenses', 0.5, why);
      add('bank_statement', 0.5, why);
      score.budget -= 1;
    }
    if (ratio(p.yesNo, n) >= 0.8) add('expenses', 0.5, `"${label}" is a yes/no flag`);
  }

  const ranked = (Object.keys(score) as Scored[]).sort((a, b) => score[b] - score[a]);
  const best = ranked[0] as Scored;
  const second = ranked[1] as Scored;
  const top = score[best];
  if (top < 3) {
    return {
      kind: 'unknown',
      confidence: Math.round(Math.max(0.3, 1 - top / 6) * 100) / 100,
      reasons: [
        'Budget Sync could not recognize this file: its column titles are not those of a budget, payroll, expense report, invoice list or bank statement.',
        ...reasons[best].slice(0, 3),
      ],
    };
  }
  const margin = top - Math.max(0, score[second]);
  const confidence = Math.min(0.99, Math.max(0.5, 0.5 + margin / (2 * top) + Math.min(top, 12) / 48));
  const list = reasons[best].filter((r) => !r.startsWith('but ') || best === 'budget');
  const lead = best === 'budget' ? 'This is a budget:' : `This looks like ${KIND_LABEL[best]}, not a budget:`;
  return { kind: best, confidence: Math.round(confidence * 100) / 100, reasons: [lead, ...dedupe(list).slice(0, 6)] };
}

function dedupe(list: string[]): string[] {
  return [...new Set(list)];
}

export const KIND_LABEL: Record<FileKind, string> = {
  budget: 'a budget',
  payroll: 'a payroll or salary list',
  expenses: 'an expense report',
  invoices: 'an invoice or supplier payment list',
  bank_statement: 'a bank statement',
  actuals: 'a file of actual (executed, posted) amounts',
  general_ledger: 'a general ledger, journal or trial balance',
  purchase_orders: 'a list of purchase orders',
  sales: 'a sales list',
  timesheet: 'a timesheet',
  inventory: 'an inventory or stock list',
  unknown: 'an unrecognized file',
};
