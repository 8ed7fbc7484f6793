/**
 * What kind of file this is (DESIGN §2): a budget, or actuals, a general ledger, payroll, expenses,
 * invoices, purchase orders, sales, a bank statement, a timesheet, an inventory — or unknown — with reasons
 * a finance person can read. Only budgets import.
 *
 * A kind is read from the file's STRUCTURE first: what its figures do row by row (kind-structure.ts: a
 * balance that runs, debits and credits that balance, quantity × unit price, posting periods 13–16, hours
 * per person per day) and which roles its columns play together (kind-words.ts: a voucher number beside
 * an account and a debit/credit pair; an order number beside a customer and a product). No single word
 * decides. A budget holds PLANNED amounts: a file whose only figures are actual (executed, Ist, Ergebnis,
 * realizado) is actuals, whatever it is called. Category VALUES such as "Salaries & Wages" are never
 * evidence: only titles, value patterns and structure are.
 */
import {
  ACTUAL_WORDS,
  type Concept,
  conceptsOf,
  foldTitle,
  measureOf,
  PLAN_COMPOUND,
  PLAN_WORDS,
  STATEMENT_WORDS,
  WEAK_ACTUAL_WORDS,
} from './kind-words.ts';
import { type Structure, tableStructure } from './kind-structure.ts';
import type { ColumnMapping } from './mapping.ts';
import { type ColumnProfile, profileColumns, ratio } from './profile.ts';
import { FILE_KINDS, type FileKind, type KindVerdict } from './types.ts';
import type { Row } from '../workbook.ts';

type Scored = Exclude<FileKind, 'unknown'>;

const SCORED = FILE_KINDS.filter((k): k is Scored => k !== 'unknown');

export interface KindInput {
  labels: readonly string[];
  profiles: readonly ColumnProfile[];
  mapping: ColumnMapping;
  /** Title rows, sheet name and file name: "Operating Budget" there is evidence too. */
  context: string;
  /** Data rows below the header (a sample): what the figures do from row to row. */
  rows?: readonly Row[] | undefined;
  /** Rows above the header (title rows, or data when the "header" is itself a row of data). */
  above?: readonly Row[] | undefined;
}

/** Title words of a column of codes or identifiers, not of amounts. */
const CODE_WORDS = new Set([
  'code',
  'codes',
  'id',
  'no',
  'nr',
  'number',
  'num',
  'type',
  'key',
  'ref',
  'codigo',
  'code',
  'nummer',
  'numero',
  'kennzeichen',
  'cod',
]);

/** Words of a title or file name calling the rows spent expenses: an expense list or claim, when no plan is named. */
const EXPENSE_WORDS = new Set(['expense', 'expenses', 'spesen', 'spesenabrechnung', 'frais', 'rimborsi', 'onkosten', 'declaraties']);

/** Plan and actual words of scripts written without spaces (Chinese, Japanese). */
const PLAN_INSIDE = /预算|預算|计划|計畫|予算|計画/;
const ACTUAL_INSIDE = /决算|決算|实际|實際|実績/;

/** What the detector knows about the table, computed once. */
interface Facts {
  input: KindInput;
  concepts: ReadonlySet<Concept>[];
  structure: Structure;
  dayDates: number[];
  persons: number[];
  companies: number[];
  ibans: number[];
  cards: number[];
  ssns: number[];
  uniqueIds: number[];
  accounts: number[];
  /** Figure columns holding money, by what their titles call them. */
  amounts: number[];
  plan: number[];
  actual: number[];
  /** Wide layout: the amounts are in period columns that are not actuals. */
  widePlan: boolean;
  contextPlan: boolean;
  contextActual: boolean;
  /** The title or file name calls the rows expenses or an expense claim ("Employee expenses", "Spesen"). */
  contextExpenses: boolean;
  /** The title or file name names a fiscal year (`FY2026`): budgets and annual accounts both do. */
  contextYear: boolean;
  /** A column that marks each row as plan or actual ("Scenario": Budget / Actual), and what it marks. */
  scenario: { col: number; plan: boolean } | null;
  /** Results columns of a P&L: revenue with cost of sales or margin. */
  pnl: boolean;
  statement: boolean;
  /** The amount in two columns, one per side, filled one per undated row (mapping.sides), or null. */
  sides: { expense: number; revenue: number } | null;
}

class Evidence {
  readonly score = Object.fromEntries(SCORED.map((k) => [k, 0])) as Record<Scored, number>;
  private readonly said = Object.fromEntries(SCORED.map((k) => [k, [] as { why: string; points: number }[]])) as Record<
    Scored,
    { why: string; points: number }[]
  >;
  add(kind: Scored, points: number, why: string): void {
    this.score[kind] += points;
    if (!this.said[kind].some((r) => r.why === why)) this.said[kind].push({ why, points });
  }
  /** Counter-evidence: lowers the kind, and is said (last) only when that kind still wins. */
  against(kind: Scored, points: number, why: string): void {
    this.score[kind] -= points;
    this.said[kind].push({ why: `but ${why}`, points: -points });
  }
  /** The reasons for a kind, strongest first. */
  reasons(kind: Scored): string[] {
    return [...this.said[kind]].sort((a, b) => b.points - a.points).map((r) => r.why);
  }
}

/** A column as a finance person sees it: its title, tidied, or its position when the title is no help. */
function columnName(f: Facts, col: number): string {
  const raw = (f.input.labels[col] ?? '').replace(/\s+/g, ' ').trim();
  if (raw === '' || raw.length > 40 || /^https?:|^www\./i.test(raw)) return `column ${col + 1}`;
  return `"${raw}"`;
}

/** Up to three columns by name, each title once (a title spanning merged cells is one column to a reader). */
function names(f: Facts, cols: readonly number[]): string {
  const list = [...new Set(cols.map((c) => columnName(f, c)))].slice(0, 3);
  return list.length <= 1 ? (list[0] ?? '') : `${list.slice(0, -1).join(', ')} and ${list[list.length - 1]}`;
}

/** `"Date" holds` or `"Date" and "Due" hold`: the columns as the subject of a verb. */
function said(f: Facts, cols: readonly number[], verb: string): string {
  const many = new Set(cols.map((c) => columnName(f, c))).size > 1;
  return `${names(f, cols)} ${many ? (verb === 'is' ? 'are' : verb === 'has' ? 'have' : verb.replace(/s$/, '')) : verb}`;
}

function readFacts(input: KindInput): Facts {
  const { labels, profiles, mapping } = input;
  const rows = input.rows ?? [];
  const width = Math.max(labels.length, profiles.length);
  const concepts = Array.from({ length: width }, (_, c) => conceptsOf(labels[c] ?? ''));
  const wideCols = new Set(mapping.periodColumns.map((p) => p.col));
  const entryColumns = new Set(concepts.flatMap((c, col) => (c.has('voucher') ? [col] : [])));
  let structure = tableStructure(rows, profiles, new Set([...wideCols, ...mapping.totalColumns]), entryColumns);
  const dated = (p: ColumnProfile) => p.nonEmpty >= 2 && ratio(p.dayDates, p.nonEmpty) >= 0.5 && p.distinct >= Math.min(4, p.nonEmpty);
  // The amount in two columns, one per side (Aufwand / Ertrag), on undated rows with no balance carried: the two
  // sides of a budget, not money out and in of an account, nor debits and credits (a balanced budget's sides are equal).
  const sides = mapping.sides !== null && !profiles.some(dated) && structure.runningBalance === null ? mapping.sides : null;
  if (sides !== null) {
    const isSides = (p: { a: number; b: number } | null) =>
      p !== null && [p.a, p.b].includes(sides.expense) && [p.a, p.b].includes(sides.revenue);
    structure = {
      ...structure,
      exclusivePairs: structure.exclusivePairs.filter((p) => !isSides(p)),
      debitsEqualCredits: isSides(structure.debitsEqualCredits) ? null : structure.debitsEqualCredits,
    };
    for (const col of [sides.expense, sides.revenue]) {
      concepts[col] = new Set([...(concepts[col] ?? [])].filter((c) => c !== 'debit' && c !== 'credit'));
    }
  }
  const mappedDims = new Set(
    (['department', 'category', 'project'] as const).map((f) => mapping.fields[f]).filter((c): c is number => c !== undefined),
  );
  const share = (p: ColumnProfile, part: number) => ratio(part, p.nonEmpty);
  const cols = (test: (p: ColumnProfile) => boolean) => profiles.filter((p) => p.nonEmpty >= 2 && test(p)).map((p) => p.col);
  const figures = new Set(structure.figures);
  const measure = (c: number) => measureOf(labels[c] ?? '') ?? (sollBesideIst(labels, c) ? 'plan' : null);
  const amounts = [...structure.figures, ...wideCols].filter((c, i, all) => {
    const p = profiles[c];
    if (!p || all.indexOf(c) !== i || structure.hours.includes(c)) return false;
    const q = conceptsOf(labels[c] ?? '');
    if (q.has('quantity') || q.has('onHand') || q.has('hours') || q.has('postingPeriod')) return false;
    if (wideCols.has(c) || mapping.fields.amount === c || share(p, p.moneyLike) >= 0.3) return true;
    // "Budget" in the title of a column of codes ("Budget Type", "Budget Code") does not make it money.
    return (
      measure(c) !== null &&
      !foldTitle(labels[c] ?? '')
        .split(' ')
        .some((w) => CODE_WORDS.has(w))
    );
  });
  const contextWords = new Set(foldTitle(input.context).split(' '));
  const contextPlan = [...contextWords].some((w) => PLAN_WORDS.has(w) || PLAN_COMPOUND.test(w)) || PLAN_INSIDE.test(input.context);
  const contextActual =
    [...contextWords].some((w) => ACTUAL_WORDS.has(w) && !WEAK_ACTUAL_WORDS.has(w)) || ACTUAL_INSIDE.test(input.context);
  return {
    input,
    concepts,
    structure,
    dayDates: cols((p) => share(p, p.dayDates) >= 0.5 && p.distinct >= Math.min(4, p.nonEmpty)),
    persons: cols(
      (p) =>
        !mappedDims.has(p.col) &&
        !figures.has(p.col) &&
        p.distinct >= 2 &&
        share(p, p.companyNames) < 0.3 &&
        (share(p, p.personName) >= 0.6 || (concepts[p.col]?.has('person') === true && share(p, p.text) >= 0.8)),
    ),
    companies: cols((p) => share(p, p.companyNames) >= 0.5),
    ibans: cols((p) => share(p, p.iban + p.ibanLike) >= 0.5),
    cards: cols((p) => share(p, p.maskedCard) >= 0.5),
    ssns: cols((p) => share(p, p.ssn) >= 0.5),
    uniqueIds: cols((p) => share(p, p.referenceIds) >= 0.8 && p.distinct === p.nonEmpty && p.nonEmpty >= 3),
    // A column of IBANs titled "Account" is a bank account, not a ledger account.
    accounts: cols(
      (p) =>
        concepts[p.col]?.has('account') === true &&
        p.distinct >= 2 &&
        !(concepts[p.col]?.has('bankId') ?? false) &&
        share(p, p.iban + p.ibanLike) < 0.3,
    ),
    amounts,
    plan: amounts.filter((c) => measure(c) === 'plan'),
    actual: amounts.filter((c) => measure(c) === 'actual'),
    widePlan: mapping.layout === 'wide' && mapping.periodColumns.length > 0,
    contextPlan,
    contextActual,
    contextExpenses: [...contextWords].some((w) => EXPENSE_WORDS.has(w)) || conceptsOf(input.context).has('reimbursable'),
    contextYear: [...contextWords].some((w) => /^fy\d{2,4}$/.test(w)),
    scenario: findScenario(rows, profiles, figures, concepts),
    pnl: concepts.some((c) => c.has('revenue')) && concepts.some((c) => c.has('cogs') || c.has('margin')),
    statement: STATEMENT_WORDS.test(foldTitle(input.context)),
    sides,
  };
}

/**
 * A column of a few labels that say whether each row is planned or actual ("Budget", "Forecast", "Actual"):
 * a budget file in long form often keeps its plan and actual rows in one table.
 */
function findScenario(
  rows: readonly Row[],
  profiles: readonly ColumnProfile[],
  figures: ReadonlySet<number>,
  concepts: readonly ReadonlySet<Concept>[],
): Facts['scenario'] {
  for (const p of profiles) {
    if (figures.has(p.col) || p.nonEmpty < 3 || p.distinct > 6 || p.text < p.nonEmpty * 0.9) continue;
    // A payment status ("Paid", "Open") says what happened to a payment, not whether a figure is planned.
    if (concepts[p.col]?.has('status')) continue;
    const seen = new Set<string>();
    for (const r of rows) {
      const v = r[p.col];
      // Scenario labels are short ("Budget", "Actual 2024"); a long text that mentions a budget is not one.
      if (typeof v === 'string' && v.trim() !== '') seen.add(v.trim());
    }
    if ([...seen].some((v) => v.length > 30 || v.split(/\s+/).length > 3)) continue;
    const kinds = [...seen].map((v) => measureOf(v));
    if (kinds.every((k) => k === 'plan' || k === 'actual' || k === 'variance') && kinds.length > 0) {
      return { col: p.col, plan: kinds.includes('plan') };
    }
  }
  return null;
}

/**
 * "Soll" is a debit beside "Haben", but the plan beside "Ist" (actual), as German public budgets and
 * controlling reports write it ("Soll 2024", "Ist 2024").
 */
function sollBesideIst(labels: readonly string[], col: number): boolean {
  const words = (c: number) => foldTitle(labels[c] ?? '').split(' ');
  if (!words(col).includes('soll')) return false;
  const others = labels.map((_, c) => words(c));
  return others.some((w) => w.includes('ist')) && !others.some((w) => w.includes('haben'));
}

/** Columns whose titles name the concept. */
function titled(f: Facts, concept: Concept): number[] {
  const out: number[] = [];
  f.concepts.forEach((set, col) => {
    if (set.has(concept)) out.push(col);
  });
  return out;
}

/**
 * Whether any of the columns holds a figure: a "Deposit" column left empty on every row is no money in, so
 * a list of withdrawals under bank titles (an expense register) does not keep money out and in.
 */
function filled(f: Facts, cols: readonly number[]): boolean {
  return cols.some((c) => (f.input.profiles[c]?.numeric ?? 0) > 0);
}

/** A column role and what it lends a kind: `[concept, points, what the column does]`. */
type TitleEvidence = readonly [Concept, number, string];

/** Adds the kind's points for each role some column's title names; returns how many roles were found. */
function titleEvidence(f: Facts, e: Evidence, kind: Scored, list: readonly TitleEvidence[]): number {
  let found = 0;
  for (const [concept, points, says] of list) {
    const cols = titled(f, concept);
    if (cols.length === 0) continue;
    found++;
    e.add(kind, points, `${columnName(f, cols[0] as number)} ${says}`);
  }
  return found;
}

function budgetEvidence(f: Facts, e: Evidence): void {
  const m = f.input.mapping;
  if (f.plan.length > 0) {
    e.add('budget', 3 + Math.min(f.plan.length - 1, 2) * 0.5, `${said(f, f.plan, 'holds')} planned amounts`);
  }
  if (f.scenario?.plan) e.add('budget', 3, `${columnName(f, f.scenario.col)} marks rows as budget or plan`);
  if (f.contextYear && !f.contextActual) e.add('budget', 1, 'the title or file name names a fiscal year');
  if (f.widePlan && !(f.statement && !f.contextPlan)) {
    e.add(
      'budget',
      3 + Math.min(m.periodColumns.length, 12) * 0.25,
      `amounts are laid out by period in ${m.periodColumns.length} column${m.periodColumns.length === 1 ? '' : 's'}, as budgets are`,
    );
  }
  const has = (field: keyof typeof m.fields) => m.fields[field] !== undefined;
  if (has('department')) e.add('budget', 1, 'it has a department or cost center column');
  if (has('category')) e.add('budget', 1.5, 'it has a budget category or account column');
  if (has('fiscal_year')) e.add('budget', 1.5, 'it has a fiscal year column');
  if (has('project')) e.add('budget', 0.5, 'it has a project or programme column');
  if (has('period')) {
    const p = f.input.profiles[m.fields.period as number];
    if (p && ratio(p.dayDates, p.nonEmpty) < 0.3) e.add('budget', 2, 'its periods are months, quarters or years, not days');
  }
  if ((has('amount') || m.layout === 'wide') && has('department') && has('category')) {
    e.add('budget', 2, 'each row is a department × category amount');
  }
  if (f.contextPlan) e.add('budget', 2, 'the title or file name speaks of a budget or plan');
  if (f.sides !== null) {
    e.add(
      'budget',
      3.5,
      `${columnName(f, f.sides.expense)} and ${columnName(f, f.sides.revenue)} hold the expense and the revenue side of each line, one of them filled on each row, with no dates and no balance carried from row to row: the two sides of a budget, not the money out and in of an account`,
    );
  }
  const transactional = f.dayDates.length > 0 || f.uniqueIds.length > 0 || f.persons.length > 0 || f.structure.exclusivePairs.length > 0;
  const dims = [...new Set(Object.values(m.fields))].filter((c) => !f.amounts.includes(c)).length;
  if (!transactional && m.layout === 'long' && has('amount') && dims >= 2 && f.actual.length === 0) {
    e.add(
      'budget',
      1,
      'each row is one amount for a set of organisation and classification codes, with no transaction dates, numbers or people',
    );
  }
  const qp = f.structure.quantityTimesPrice;
  const trading = ['customer', 'supplier', 'order', 'purchaseOrder', 'onHand', 'invoice'].some((c) => titled(f, c as Concept).length > 0);
  const undated = f.dayDates.length === 0 && f.uniqueIds.length === 0 && f.structure.exclusivePairs.length === 0;
  if (qp && undated && !trading) {
    e.add(
      'budget',
      f.contextPlan ? 2 : 1.5,
      `each line is costed as ${columnName(f, qp.quantity)} × ${columnName(f, qp.price)} = ${columnName(f, qp.total)}, with no order, customer, supplier or date: a cost estimate`,
    );
  }
  if (f.dayDates.length > 0) {
    const why = `${said(f, f.dayDates, 'holds')} dates of single days, as transaction lists do`;
    e.against('budget', 2, why);
  }
  if (f.persons.length > 0) e.against('budget', 1, `${said(f, f.persons, 'holds')} people's names`);
  if (f.companies.length > 0) e.against('budget', 1, `${said(f, f.companies, 'holds')} company names`);
  if (f.uniqueIds.length > 0) e.against('budget', 1, `${said(f, f.uniqueIds, 'holds')} a different reference number on every row`);
}

function bankEvidence(f: Facts, e: Evidence): void {
  const s = f.structure;
  const rb = s.runningBalance;
  if (rb && (f.dayDates.length > 0 || f.concepts[rb.balance]?.has('balance'))) {
    e.add(
      'bank_statement',
      5,
      `the balance in ${columnName(f, rb.balance)} carries from row to row: each row's balance is the previous one plus or minus its amount`,
    );
  }
  if (s.debitCreditMark) {
    const mark = s.debitCreditMark;
    e.add(
      'bank_statement',
      3,
      `${columnName(f, mark.col)} marks each amount as money out or in (${mark.values.map((v) => `"${v}"`).join(', ')})`,
    );
  }
  const moneyInOut = s.exclusivePairs.length > 0 || (filled(f, titled(f, 'debit')) && filled(f, titled(f, 'credit')));
  if (moneyInOut && f.dayDates.length > 0 && f.accounts.length === 0) {
    e.add('bank_statement', 2, 'money out and money in are kept in two columns, one of them filled on each dated row');
  }
  if (f.ibans.length > 0) e.add('bank_statement', 2.5, `${said(f, f.ibans, 'holds')} bank account numbers (IBANs)`);
  if (f.cards.length > 0) e.add('bank_statement', 3, `${said(f, f.cards, 'holds')} masked card numbers, as card statements print them`);
  titleEvidence(f, e, 'bank_statement', [
    ['valueDate', 2.5, 'gives the value date of each booking'],
    ['bookingDate', 1.5, 'gives the day each transaction was made or booked'],
    ['counterparty', 2, 'names the other party of each payment'],
    ['purpose', 1.5, 'holds the payment text'],
    ['bankId', 1.5, 'holds bank account or payment references'],
    ['txType', 1, 'holds the kind of each transaction'],
    ['card', 1.5, 'names the card used'],
    ['balance', 1.5, 'holds a balance'],
  ]);
  if (f.dayDates.length > 0) e.add('bank_statement', 1, `${said(f, f.dayDates, 'holds')} the day of each booking`);
  const signed = f.amounts.filter((c) => {
    const p = f.input.profiles[c];
    return p !== undefined && (f.input.rows ?? []).some((r) => /^\s*[-−(]/.test(String(r[c] ?? ''))) && p.numeric >= 3;
  });
  if (signed.length > 0 && f.dayDates.length > 0 && f.input.mapping.layout === 'long') {
    e.add('bank_statement', 2, `${said(f, signed, 'holds')} money out as negative and money in as positive amounts, by day`);
  }
  // A booking date and a value date on or after it, beside amounts signed out and in: a bank export, even
  // a short one whose days repeat. An invoice's due date comes with positive amounts owed.
  const pair = s.datePair;
  if (pair && signed.length > 0 && f.input.mapping.layout === 'long' && titled(f, 'invoice').length === 0) {
    e.add(
      'bank_statement',
      3,
      `each signed amount in ${names(f, signed)} has a booking date (${columnName(f, pair.a)}) and a value date on or after it (${columnName(f, pair.b)})`,
    );
  }
  if (f.dayDates.length > 0 && titled(f, 'card').length > 0) e.add('bank_statement', 2, 'each row is a dated payment with a card');
  if (f.accounts.length > 0 && titled(f, 'voucher').length > 0) {
    e.against('bank_statement', 2, 'it posts to several ledger accounts with voucher numbers, as a ledger does');
  }
}

function ledgerEvidence(f: Facts, e: Evidence): void {
  const s = f.structure;
  if (s.balancedEntries) {
    e.add(
      'general_ledger',
      6,
      `the debits and credits of each entry balance: the rows sharing a number in ${columnName(f, s.balancedEntries.col)} add up to zero`,
    );
  }
  if (s.debitsEqualCredits) {
    const { a, b } = s.debitsEqualCredits;
    e.add(
      'general_ledger',
      5,
      `the totals of ${columnName(f, a)} and ${columnName(f, b)} are equal, as debits and credits are in a trial balance or journal`,
    );
  }
  const opening = titled(f, 'opening');
  const closing = titled(f, 'closing');
  if (opening.length > 0 && closing.length > 0) {
    e.add(
      'general_ledger',
      3,
      `it carries ${columnName(f, opening[0] as number)} through the period's movements to ${columnName(f, closing[0] as number)}, as a trial balance does`,
    );
  }
  const vouchers = titled(f, 'voucher').filter((c) => !f.amounts.includes(c));
  if (vouchers.length > 0) {
    const grouped = vouchers.find((c) => s.groupedColumns.includes(c));
    e.add(
      'general_ledger',
      grouped !== undefined ? 3 : 2,
      grouped !== undefined
        ? `${columnName(f, grouped)} numbers entries that span several rows, as journal vouchers do`
        : `${columnName(f, vouchers[0] as number)} holds voucher, journal or document numbers`,
    );
  }
  const debitCredit =
    s.exclusivePairs.length > 0 || (titled(f, 'debit').length > 0 && titled(f, 'credit').length > 0) || s.debitCreditMark !== null;
  if (f.accounts.length > 0 && debitCredit) {
    e.add('general_ledger', 3, `amounts are posted as debits and credits to the accounts in ${columnName(f, f.accounts[0] as number)}`);
  } else if (f.accounts.length > 0 && (f.dayDates.length > 0 || vouchers.length > 0)) {
    e.add('general_ledger', 1.5, `each row posts an amount to an account in ${columnName(f, f.accounts[0] as number)}`);
  }
  if (s.runningBalance && f.accounts.length > 0)
    e.add('general_ledger', 2, 'a running balance is kept per ledger account, as in a general ledger detail');
  titleEvidence(f, e, 'general_ledger', [
    ['contraAccount', 2, 'names the contra account of each posting'],
    ['postingDate', 1.5, 'gives the posting date'],
  ]);
  if (s.debitCreditMark) e.add('general_ledger', 1.5, `${columnName(f, s.debitCreditMark.col)} marks each posting as debit or credit`);
  if (s.postingPeriods)
    e.add('general_ledger', 1.5, `${columnName(f, s.postingPeriods.col)} holds posting periods up to ${s.postingPeriods.max}`);
}

function actualsEvidence(f: Facts, e: Evidence): void {
  const s = f.structure;
  const noPlan = f.plan.length === 0 && !f.contextPlan && !f.scenario?.plan;
  if (f.actual.length > 0 && f.plan.length === 0) {
    e.add('actuals', 5, `its amounts (${names(f, f.actual)}) are actual, executed figures, and no column holds a plan`);
  }
  if (f.contextActual && noPlan) e.add('actuals', 3, 'the title or file name says the figures are actual (executed) results');
  if (s.postingPeriods) {
    e.add(
      'actuals',
      s.postingPeriods.max >= 14 ? 3 : 1.5,
      s.postingPeriods.max >= 14
        ? `${columnName(f, s.postingPeriods.col)} runs to period ${s.postingPeriods.max}: periods 13–16 are the closing periods of a ledger, so these are posted amounts`
        : `${columnName(f, s.postingPeriods.col)} runs to period 13: more periods than months, as a ledger's closing period has`,
    );
  }
  if (f.statement && noPlan) e.add('actuals', 3, 'the title says it is a profit and loss statement, with no plan or budget figures');
  if (f.pnl && noPlan)
    e.add('actuals', 3, 'its columns are results of each period (revenue, cost of sales, margin), and none holds a plan');
  if (f.scenario && !f.scenario.plan) e.add('actuals', 3, `${columnName(f, f.scenario.col)} marks every row as actual`);
  if (f.accounts.length > 0 && (s.exclusivePairs.length > 0 || s.debitCreditMark) && f.dayDates.length === 0) {
    e.add(
      'actuals',
      1.5,
      `amounts are booked as debit and credit (or cost and income) per account in ${columnName(f, f.accounts[0] as number)}`,
    );
  }
}

function payrollEvidence(f: Facts, e: Evidence): void {
  const payColumns = titleEvidence(f, e, 'payroll', [
    ['grossPay', 3, 'holds gross pay'],
    ['netPay', 3, 'holds net pay'],
    ['payDeduction', 2.5, 'holds payroll deductions or taxes'],
    ['salary', 2.5, 'holds salaries or wages'],
    ['payDate', 2, 'gives the pay date or pay period'],
  ]);
  titleEvidence(f, e, 'payroll', [
    ['hireDate', 2, 'gives hire dates'],
    ['jobTitle', 1, 'gives job titles'],
  ]);
  const people = f.persons.length > 0 || titled(f, 'person').some((c) => !f.amounts.includes(c));
  if (people)
    e.add(
      'payroll',
      1.5,
      `${f.persons.length > 0 ? said(f, f.persons, 'names') : `${columnName(f, titled(f, 'person')[0] as number)} names`} people`,
    );
  if (people && payColumns > 0) e.add('payroll', 2, 'each row is a person with their pay');
  if (f.ssns.length > 0) e.add('payroll', 4, `${said(f, f.ssns, 'holds')} social security numbers`);
}

function expensesEvidence(f: Facts, e: Evidence): void {
  titleEvidence(f, e, 'expenses', [
    ['merchant', 3.5, 'names the merchant'],
    ['receipt', 3, 'refers to receipts'],
    ['reimbursable', 3, 'says whether an expense is claimed or reimbursed'],
    ['mileage', 2, 'holds mileage'],
  ]);
  const m = f.input.mapping;
  if (f.contextExpenses && !f.contextPlan && f.plan.length === 0 && !f.scenario?.plan) {
    e.add('expenses', 3, 'the title or file name says these are expenses or an expense claim, and nothing names a plan');
  }
  const tax = titled(f, 'salesTax');
  if (
    tax.length > 0 &&
    titled(f, 'expenseCategory').length > 0 &&
    titled(f, 'invoice').length === 0 &&
    f.plan.length === 0 &&
    !f.contextPlan
  ) {
    e.add(
      'expenses',
      3,
      `each purchase is put in ${columnName(f, titled(f, 'expenseCategory')[0] as number)} with its sales tax split out in ${names(f, tax)}, as expense claims are to reclaim it`,
    );
  }
  if (f.persons.length > 0 && f.dayDates.length > 0 && (m.fields.category !== undefined || titled(f, 'merchant').length > 0)) {
    e.add('expenses', 2, 'each row is an expense a person made on a given day, by category');
  }
  if (f.persons.length > 0 && f.dayDates.length > 0)
    e.add('expenses', 1, `${said(f, f.persons, 'names')} who spent, ${names(f, f.dayDates)} when`);
  if (f.cards.length > 0) e.add('expenses', 1, 'it lists card payments');
  for (const p of f.input.profiles) {
    if (p.nonEmpty >= 3 && ratio(p.yesNo, p.nonEmpty) >= 0.8) e.add('expenses', 0.5, `${columnName(f, p.col)} is a yes/no flag`);
  }
}

function invoicesEvidence(f: Facts, e: Evidence): void {
  const invoice = titled(f, 'invoice');
  if (invoice.length > 0) e.add('invoices', 3.5, `${columnName(f, invoice[0] as number)} holds invoice numbers or dates`);
  const due = titled(f, 'dueDate');
  if (due.length > 0) e.add('invoices', 2.5, `${columnName(f, due[0] as number)} gives the date each amount falls due`);
  const suppliers = titled(f, 'supplier');
  if (suppliers.length > 0) e.add('invoices', 2, `${columnName(f, suppliers[0] as number)} names the supplier paid`);
  if (f.companies.length > 0) e.add('invoices', 2, `${said(f, f.companies, 'holds')} company names, as supplier payment lists do`);
  const pair = f.structure.datePair;
  if (pair)
    e.add(
      'invoices',
      1,
      `each row has two dates, ${columnName(f, pair.b)} never before ${columnName(f, pair.a)}, as invoice and due or payment dates are`,
    );
  if (f.uniqueIds.length > 0)
    e.add('invoices', 1, `${said(f, f.uniqueIds, 'holds')} a different reference number on every row, as transaction lists do`);
  if (f.dayDates.length > 0) e.add('invoices', 1, `${said(f, f.dayDates, 'holds')} dates of single days, as transaction lists do`);
  if (titled(f, 'status').length > 0 && (invoice.length > 0 || due.length > 0))
    e.add('invoices', 0.5, 'it tracks whether each one is paid');
}

function ordersEvidence(f: Facts, e: Evidence): void {
  const po = titled(f, 'purchaseOrder');
  const order = titled(f, 'order');
  const suppliers = titled(f, 'supplier');
  const qp = f.structure.quantityTimesPrice;
  if (po.length > 0) e.add('purchase_orders', 4, `${columnName(f, po[0] as number)} holds purchase order numbers`);
  if (order.length > 0 && suppliers.length > 0) e.add('purchase_orders', 2, 'each row is an order placed with a supplier');
  if (qp && (po.length > 0 || suppliers.length > 0)) {
    e.add(
      'purchase_orders',
      3,
      `each line is ordered: ${columnName(f, qp.quantity)} × ${columnName(f, qp.price)} = ${columnName(f, qp.total)}`,
    );
  }
  if (po.length > 0 && f.structure.datePair) e.add('purchase_orders', 1, 'each order has an order date and a later delivery date');
}

function salesEvidence(f: Facts, e: Evidence): void {
  const customers = titled(f, 'customer');
  const order = titled(f, 'order').filter((c) => !f.concepts[c]?.has('purchaseOrder'));
  const products = titled(f, 'product');
  const qp = f.structure.quantityTimesPrice;
  if (customers.length > 0) e.add('sales', 3, `${columnName(f, customers[0] as number)} names the customer`);
  if (order.length > 0) e.add('sales', 2.5, `${columnName(f, order[0] as number)} holds order numbers`);
  if (products.length > 0 && (customers.length > 0 || order.length > 0))
    e.add('sales', 1.5, `${columnName(f, products[0] as number)} names the product sold`);
  if (qp && (customers.length > 0 || order.length > 0) && titled(f, 'supplier').length === 0) {
    e.add('sales', 3, `each row is a sale: ${columnName(f, qp.quantity)} × ${columnName(f, qp.price)} = ${columnName(f, qp.total)}`);
  }
  const purchasing = titled(f, 'supplier').length > 0 || titled(f, 'purchaseOrder').length > 0;
  if (qp && f.dayDates.length > 0 && !purchasing && customers.length === 0 && order.length === 0) {
    e.add(
      'sales',
      2,
      `each row is a dated line of ${columnName(f, qp.quantity)} × ${columnName(f, qp.price)} = ${columnName(f, qp.total)}, as orders are`,
    );
    if (f.input.profiles.some((p) => p.nonEmpty >= 2 && ratio(p.email, p.nonEmpty) >= 0.8))
      e.add('sales', 1.5, 'each line names the buyer by e-mail');
  }
  const revenue = titled(f, 'revenue').filter((c) => f.amounts.includes(c) || f.structure.figures.includes(c));
  if (revenue.length > 0 && f.plan.length === 0 && (customers.length > 0 || order.length > 0 || products.length > 0)) {
    e.add('sales', 2, `${columnName(f, revenue[0] as number)} holds sales revenue`);
    if (titled(f, 'cogs').length > 0 || titled(f, 'margin').length > 0)
      e.add('sales', 1, 'it sets cost of sales and margin against the revenue');
  }
  if (f.dayDates.length > 0 && (customers.length > 0 || order.length > 0))
    e.add('sales', 1, `${said(f, f.dayDates, 'gives')} the day of each sale`);
}

function timesheetEvidence(f: Facts, e: Evidence): void {
  const hoursTitled = titled(f, 'hours').filter((c) => f.structure.figures.includes(c));
  const hours = hoursTitled.length > 0 ? hoursTitled : f.structure.hours.filter((c) => !f.amounts.includes(c));
  const people = f.persons.length > 0 || titled(f, 'person').length > 0;
  if (hoursTitled.length > 0) {
    // Hours without days are an estimate (hours × rate in a project budget); hours per day are a timesheet.
    e.add('timesheet', f.dayDates.length > 0 ? 3 : 1, `${columnName(f, hoursTitled[0] as number)} holds hours worked`);
  }
  if (hours.length > 0 && people && f.dayDates.length > 0) {
    e.add(
      'timesheet',
      4,
      `each row is the hours one person worked on one day (${columnName(f, hours[0] as number)} by ${names(f, f.dayDates)})`,
    );
  }
  const tasks = titled(f, 'task');
  if (tasks.length > 0 && hours.length > 0) e.add('timesheet', 1, `${columnName(f, tasks[0] as number)} says what the hours were spent on`);
}

function inventoryEvidence(f: Facts, e: Evidence): void {
  const onHand = titled(f, 'onHand');
  if (onHand.length > 0) e.add('inventory', 4, `${columnName(f, onHand[0] as number)} holds the quantity in stock`);
  titleEvidence(f, e, 'inventory', [
    ['warehouse', 1.5, 'gives the storage location'],
    ['reorder', 3, 'gives the reorder level'],
    ['unitCost', 1.5, 'gives the unit cost'],
  ]);
  const products = titled(f, 'product');
  if (products.length > 0 && onHand.length > 0)
    e.add('inventory', 1.5, `${columnName(f, products[0] as number)} identifies each stock item`);
  const qp = f.structure.quantityTimesPrice;
  if (qp && (onHand.length > 0 || titled(f, 'unitCost').length > 0)) {
    e.add('inventory', 3, `stock is valued: ${columnName(f, qp.quantity)} × ${columnName(f, qp.price)} = ${columnName(f, qp.total)}`);
  }
}

/**
 * Structure a budget never has, which no title or file name can outweigh: a budget that really has it
 * is imported with an override and a reason. Null when nothing rules a budget out.
 */
function notABudget(f: Facts): string | null {
  const s = f.structure;
  const planned = f.plan.length > 0 || f.scenario?.plan === true;
  if (f.actual.length > 0 && !planned) return 'its amount columns hold actual figures only, and a budget holds planned amounts';
  if (planned) return null;
  if (f.contextActual && !f.contextPlan) return 'its title says its figures are actual (executed) results';
  if (s.runningBalance && f.dayDates.length > 0) return 'its balance runs from row to row';
  if (s.balancedEntries) return 'its entries balance debits against credits';
  // A balanced budget's revenue and expense columns can be equal too: only without a plan title does it rule a budget out.
  if (s.debitsEqualCredits && !f.contextPlan) return 'its debits equal its credits';
  // A plan exported from the ledger system keeps its debit/credit mark; only without a plan title does the mark rule it out.
  if (s.debitCreditMark && !f.contextPlan) return 'its amounts are marked as debits and credits';
  if (s.postingPeriods && s.postingPeriods.max >= 14) return 'it is booked in ledger posting periods';
  if (f.statement && !f.contextPlan) return 'it is a profit and loss statement without plan figures';
  if (f.pnl && !f.contextPlan) return 'its figures are results (revenue, cost of sales, margin), with no plan';
  if (f.scenario && !f.scenario.plan) return 'every row is marked as actual';
  if (f.ibans.length > 0 && f.dayDates.length > 0) return 'it lists dated payments between bank accounts';
  if (f.cards.length > 0) return 'it lists card payments';
  if (f.persons.length > 0 && f.dayDates.length > 0 && f.structure.hours.length + titled(f, 'hours').length > 0)
    return 'it records hours people worked';
  return null;
}

export function detectFileKind(input: KindInput): KindVerdict {
  if (titlesAreFigures(input)) return kindBelowWordRow([...(input.above ?? []), input.labels, ...(input.rows ?? [])], input.context);
  const f = readFacts(input);
  const e = new Evidence();
  budgetEvidence(f, e);
  bankEvidence(f, e);
  ledgerEvidence(f, e);
  actualsEvidence(f, e);
  payrollEvidence(f, e);
  expensesEvidence(f, e);
  invoicesEvidence(f, e);
  ordersEvidence(f, e);
  salesEvidence(f, e);
  timesheetEvidence(f, e);
  inventoryEvidence(f, e);
  // Ledgers, statements, payrolls, orders and sales record what happened; planned amounts are a budget's.
  if (f.plan.length > 0) {
    for (const k of SCORED) if (k !== 'budget') e.against(k, 3, `${said(f, f.plan, 'holds')} planned amounts`);
  }
  const veto = notABudget(f);
  if (veto) e.score.budget = Number.NEGATIVE_INFINITY;

  const ranked = (Object.keys(e.score) as Scored[]).sort((a, b) => e.score[b] - e.score[a]);
  const best = ranked[0] as Scored;
  const second = ranked[1] as Scored;
  const top = e.score[best];
  if (top < 3) {
    const known = ranked.find((k) => k !== 'budget' && e.reasons(k).some((r) => !r.startsWith('but ')));
    return {
      kind: 'unknown',
      confidence: Math.round(Math.max(0.3, 1 - Math.max(0, top) / 6) * 100) / 100,
      reasons: [
        'Budget Sync could not recognize this file: it has neither the planned amounts of a budget nor the structure of a ledger, bank statement, payroll, sales, order, timesheet or stock list.',
        ...(veto ? [`It is not a budget: ${veto}.`] : []),
        ...(known
          ? e
              .reasons(known)
              .filter((r) => !r.startsWith('but '))
              .slice(0, 2)
          : []),
      ],
    };
  }
  const margin = top - Math.max(0, e.score[second]);
  const confidence = Math.min(0.99, Math.max(0.5, 0.5 + margin / (2 * top) + Math.min(top, 12) / 48));
  const list = e.reasons(best).filter((r) => !r.startsWith('but ') || best === 'budget');
  const ruledOut = best !== 'budget' && veto ? [`it is not a budget: ${veto}`] : [];
  const lead = best === 'budget' ? 'This is a budget:' : `This looks like ${KIND_LABEL[best]}, not a budget:`;
  return {
    kind: best,
    confidence: Math.round(confidence * 100) / 100,
    reasons: [lead, ...list.slice(0, 6 - ruledOut.length), ...ruledOut],
  };
}

/** An amount written as a value (`-175,16`, `5888.0`, `1.234,56`), never as a title; a year (`2024`, `2024.0`) is a title. */
const AMOUNT_TEXT = /^[-−+]?(?:\d{1,3}(?:[.,' ]\d{3})+|\d+)[.,]\d{1,2}$|^[-−]\d+$/;

/**
 * The row taken as the header is a row of data when a title is an amount written like the figures below it
 * (`-175,16` over signed amounts): column titles are words or years, never a cent amount. A file whose
 * first row is data has no header at all, and is read as such.
 */
function titlesAreFigures(input: KindInput): boolean {
  return input.labels.some((raw, col) => {
    const t = String(raw ?? '').trim();
    if (!AMOUNT_TEXT.test(t) || /^(?:19|20)\d\d(?:[.,]0{1,2})?$/.test(t)) return false;
    const p = input.profiles[col];
    return p !== undefined && p.nonEmpty > 0 && ratio(p.numeric, p.nonEmpty) >= 0.8;
  });
}

/**
 * The kind of a table whose chosen header was a row of data: read under the last row of words above the
 * figures (its real titles, e.g. a short TSV's first row), or without titles when there is none. Never a
 * budget: the budget's columns were not mapped under those titles.
 */
function kindBelowWordRow(rows: readonly Row[], context: string): KindVerdict {
  const isTitle = (r: Row) => {
    const cells = r.map((v) => String(v ?? '').trim()).filter((v) => v !== '');
    return cells.length >= 2 && cells.every((v) => /\p{L}/u.test(v) && !AMOUNT_TEXT.test(v) && Number.isNaN(Number(v)));
  };
  let at = -1;
  for (let i = 0; i < Math.min(rows.length, 30); i++) {
    if (isTitle(rows[i] as Row) && rows.slice(i + 1, i + 4).some((r) => !isTitle(r))) at = i;
    else if (at >= 0) break;
  }
  if (at < 0) return kindWithoutHeader(rows, context);
  const labels = (rows[at] as Row).map((v) => String(v ?? '').trim());
  const body = rows.slice(at + 1, at + 201);
  const width = Math.max(labels.length, ...body.slice(0, 50).map((r) => r.length));
  const verdict = detectFileKind({ labels, profiles: profileColumns(body, width), mapping: NO_TITLES, context, rows: body });
  return verdict.kind === 'budget' ? kindWithoutHeader(rows, context) : verdict;
}

const NO_TITLES: ColumnMapping = {
  layout: 'long',
  fields: {},
  entries: [],
  periodColumns: [],
  totalColumns: [],
  ignored: [],
  unknownColumns: [],
  chosenRoles: [],
  measures: { plan: [], actual: [] },
  sides: null,
};

/**
 * A table without column titles (some banks export none) can still show its structure: a balance that
 * runs, IBANs, dated signed amounts. Such a file is never a budget (it cannot be mapped); it is named
 * when its figures say what it is, and unknown otherwise.
 */
export function kindWithoutHeader(rows: readonly Row[], context: string): KindVerdict {
  const width = Math.min(200, Math.max(0, ...rows.slice(0, 50).map((r) => r.length)));
  const sample = rows.slice(0, 200);
  const verdict =
    width === 0 ? null : detectFileKind({ labels: [], profiles: profileColumns(sample, width), mapping: NO_TITLES, context, rows: sample });
  if (verdict && verdict.kind !== 'budget' && verdict.kind !== 'unknown') {
    return {
      ...verdict,
      reasons: [verdict.reasons[0] as string, 'it has no column titles, but its figures show what it is', ...verdict.reasons.slice(1)],
    };
  }
  return { kind: 'unknown', confidence: 0.3, reasons: ['Budget Sync found no table with column titles in this file.'] };
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
