/**
 * Mapping columns to canonical fields (DESIGN §2): remembered mappings and overrides win; otherwise
 * header evidence (synonym → token → fuzzy) is weighed against what the values look like, and each
 * field takes the best remaining column. Wide layouts take their amounts from period columns.
 */
import { directionOfText, PERCENT_REASON, percentTitle } from './dimensions.ts';
import { describeMatch, fieldLabel, matchHeader } from './fields.ts';
import { columnName } from './issues.ts';
import { measureOf } from './kind-words.ts';
import { cellText, normalizeHeader } from './normalize.ts';
import { headerPeriodInfo, isTotalHeader, type HeaderPeriod } from './period-columns.ts';
import { type ColumnProfile, ratio } from './profile.ts';
import { CODE_WORDS, FIGURE_WORDS, NOT_BUDGET_MEASURE } from './synonyms.ts';
import type { CanonicalField, IgnoredColumn, MappingChoice, MappingEntry, MappingMethod } from './types.ts';
import type { Row } from '../workbook.ts';

export interface PeriodColumn {
  /** 0-based column. */
  col: number;
  header: string;
  info: HeaderPeriod;
}

export interface ColumnMapping {
  layout: 'long' | 'wide';
  /** Dimension and long-layout fields: field → 0-based column. */
  fields: Partial<Record<CanonicalField, number>>;
  entries: MappingEntry[];
  periodColumns: PeriodColumn[];
  /** Row-total columns of a wide layout: checked against the row, not imported. */
  totalColumns: number[];
  ignored: IgnoredColumn[];
  /** 0-based columns no field took (with or without a title): dimensions.ts decides what they are. */
  unknownColumns: number[];
  /** Columns a person said are the direction or a dimension (an override, or remembered): dimensions.ts reads them so. */
  chosenRoles: ChosenRole[];
  /**
   * The money columns by phase, for the kind detector and the reasons: `plan` (budget, adopted, voted,
   * draft, estimate: what is imported) and `actual` (actual, executed, result, variance: never imported).
   * A file whose money is all `actual` is not a budget.
   */
  measures: { plan: number[]; actual: number[] };
  /**
   * The amount kept in two columns, one per side (`Aufwand` / `Ertrag`, `Expenditure` / `Income`), one of them
   * filled on each row: `fields.amount` is the expense side. Null when the amount is one column.
   */
  sides: { expense: number; revenue: number } | null;
}

/** A column a person mapped to the direction or to a dimension (by name, or null: named after its title). */
export interface ChosenRole {
  /** 0-based column. */
  col: number;
  role: 'direction' | 'dimension';
  name: string | null;
  method: 'override' | 'remembered';
}

export interface MappingInput {
  labels: readonly string[];
  headerCells: Row;
  profiles: readonly ColumnProfile[];
  fiscalYearStartMonth: number;
  overrides?: Record<string, MappingChoice | null> | undefined;
  remembered?: Record<string, MappingChoice | null> | undefined;
  confirmThreshold: number;
  /** Data rows under the header (a sample): which side of a two-sided amount each row fills, merged cells. */
  sample?: readonly Row[] | undefined;
}

/** `dimension:fund` → `fund`; `dimension` → null (named after the column's title). */
export function dimensionChoiceName(choice: MappingChoice): string | null {
  if (!choice.startsWith('dimension:')) return null;
  const name = normalizeHeader(choice.slice('dimension:'.length)).replace(/ /g, '_');
  return name === '' ? null : name;
}

function isRoleChoice(choice: MappingChoice): choice is Exclude<MappingChoice, CanonicalField> {
  return choice === 'direction' || choice === 'dimension' || choice.startsWith('dimension:');
}

interface Candidate {
  field: CanonicalField;
  col: number;
  score: number;
  method: MappingMethod;
  reason: string;
}

function lookup(table: Record<string, MappingChoice | null> | undefined, header: string): MappingChoice | null | undefined {
  if (!table) return undefined;
  if (header in table) return table[header];
  const n = normalizeHeader(header);
  if (n in table) return table[n];
  return undefined;
}

/** Value evidence: how well the values fit the field (1 = as expected, lower = doubtful). */
function valueFit(field: CanonicalField, p: ColumnProfile | undefined): { fit: number; why: string } {
  if (!p || p.nonEmpty === 0) return { fit: 0.8, why: 'the column is empty in the rows sampled' };
  const n = p.nonEmpty - p.formulaErrors;
  switch (field) {
    case 'amount': {
      const r = ratio(p.numeric, n);
      if (ratio(p.leadingZero, p.numeric) >= 0.5) return { fit: 0.2, why: 'its values are codes written with leading zeros, not money' };
      if (r >= 0.6) return { fit: 1, why: `${Math.round(r * 100)}% of its values are amounts` };
      return { fit: 0.3, why: `only ${Math.round(r * 100)}% of its values are numbers` };
    }
    case 'period': {
      const r = ratio(p.periodLike, n);
      if (r >= 0.6) return { fit: 1, why: `its values read as periods (e.g. "${p.samples[0] ?? ''}")` };
      return { fit: 0.3, why: `only ${Math.round(r * 100)}% of its values read as periods` };
    }
    case 'fiscal_year': {
      const r = ratio(p.fiscalYearLike, n);
      if (r >= 0.6) return { fit: 1, why: `its values are fiscal years (e.g. "${p.samples[0] ?? ''}")` };
      return { fit: 0.3, why: `its values are not fiscal years` };
    }
    case 'currency': {
      const r = ratio(p.currencyCode, n);
      return r >= 0.6 ? { fit: 1, why: 'its values are currency codes' } : { fit: 0.4, why: 'its values are not currency codes' };
    }
    case 'department':
    case 'category':
    case 'project': {
      if (ratio(p.percent, n) >= 0.5) return { fit: 0.1, why: 'its values are percentages, not names' };
      const moneyShare = ratio(p.moneyLike, n);
      // Account or unit numbers all written with the same number of digits (`5011000`, `4711`) are codes, not money.
      if (moneyShare > 0.5 && p.codeWidth !== null && p.numeric >= 2 && p.numeric === n)
        return { fit: 1, why: `its values are codes of ${p.codeWidth} digits` };
      if (moneyShare > 0.5) return { fit: 0.3, why: 'its values look like money, not names' };
      return { fit: 1, why: `${p.distinct} distinct value${p.distinct === 1 ? '' : 's'}` };
    }
    default:
      return { fit: 1, why: '' };
  }
}

function headerCandidates(label: string, col: number, profile: ColumnProfile | undefined): Candidate[] {
  const out: Candidate[] = [];
  const normalized = normalizeHeader(label);
  if (normalized === '') return out;
  const words = normalized.split(' ');
  const notBudget = words.some((w) => NOT_BUDGET_MEASURE.has(w));
  const figure = words.some((w) => FIGURE_WORDS.has(w));
  for (const m of matchHeader(normalized)) {
    if (m.field === 'amount' && (notBudget || figure)) continue;
    if (figure && (m.field === 'department' || m.field === 'category' || m.field === 'project')) continue;
    const { fit, why } = valueFit(m.field, profile);
    // Between equally good titles, names beat codes for labels ("Account Description" over "Account Number").
    const namesBonus =
      (m.field === 'category' || m.field === 'department') && profile && ratio(profile.text, profile.nonEmpty) > 0.8 ? 0.02 : 0;
    const score = m.score * fit + namesBonus;
    const reason = `${describeMatch(label, m)}${why ? `; ${why}` : ''}`;
    out.push({ field: m.field, col, score, method: m.method, reason });
  }
  return out;
}

/**
 * An untitled numeric column as the amount, scored by how much its values look like money. Money has
 * cents or at least three digits and varies from line to line; small whole numbers (a department number
 * 1..10, a line number, a count of grants, months) are codes or counts, and a number repeated on many
 * rows (a cost-centre code on every month) is a code. Such columns stay candidates when nothing better
 * is there, but a money-looking column beats them; all need the user's confirmation (below 0.7).
 */
function untitledAmount(col: number, label: string, p: ColumnProfile): Candidate {
  const name = `"${label || `column ${col + 1}`}"`;
  const sized = ratio(p.moneySized, p.numeric) >= 0.5;
  const score = (sized ? 0.55 : 0.4) + 0.05 * Math.min(1, ratio(p.distinct, p.nonEmpty));
  const reason = sized
    ? `${name} has no usual title, but its values look like money`
    : `${name} has no usual title and its values are small whole numbers (codes or counts?): check it holds the budget`;
  return { field: 'amount', col, score, method: 'values', reason };
}

function valueCandidates(col: number, label: string, p: ColumnProfile): Candidate[] {
  const out: Candidate[] = [];
  const n = p.nonEmpty - p.formulaErrors;
  if (n < 2) return out;
  const words = normalizeHeader(label).split(' ');
  const codes = ratio(p.leadingZero, p.numeric) >= 0.5 || words.some((w) => CODE_WORDS.has(w));
  // A share or change column (`Anteil`, `%`) is never the amount, whatever its numbers.
  const share = percentTitle(words) || ratio(p.percent, n) >= 0.5;
  if (ratio(p.numeric, n) >= 0.8 && ratio(p.fiscalYearLike, n) < 0.8 && !codes && !share && !words.some((w) => NOT_BUDGET_MEASURE.has(w))) {
    out.push(untitledAmount(col, label, p));
  }
  if (ratio(p.periodLike, n) >= 0.8 && ratio(p.numeric, n) < 0.5) {
    out.push({
      field: 'period',
      col,
      score: 0.6,
      method: 'values',
      reason: `"${label || `column ${col + 1}`}" has no usual title, but its values read as periods`,
    });
  }
  if (ratio(p.fiscalYearLike, n) >= 0.9 && p.distinct <= 5) {
    out.push({ field: 'fiscal_year', col, score: 0.5, method: 'values', reason: `its values are fiscal years` });
  }
  return out;
}

function relativeYearInfo(n: number): HeaderPeriod {
  return { period: null, bare: null, isBudget: true, rank: 0, measure: '', relative: n };
}

/** `lb_cp_a1`, `amount_y2`, `budget yr3`: a column title ending in a year index (the prefix is the rest). */
const INDEXED_YEAR = /^(.*?)(?:^|[\s_.-])(?:a|y|yr|year|anno|ano|jahr)[\s_.-]?(\d{1,2})$/i;

/**
 * Families of money columns titled alike and numbered by year from the budget's first (`lb_cp_a1`,
 * `lb_cp_a2`, `lb_cp_a3`): the first family is read as years 1..n; any later family or column numbered
 * the same way holds a second figure for the same years (cash beside commitments, carry-overs) and is
 * ignored, so no year is counted twice.
 */
function yearFamilies(
  labels: readonly string[],
  profiles: readonly ColumnProfile[],
  taken: ReadonlySet<number>,
): { cols: number[]; read: boolean; reason: string }[] {
  const byPrefix = new Map<string, { col: number; n: number }[]>();
  for (let col = 0; col < labels.length; col++) {
    const m = INDEXED_YEAR.exec(labels[col] ?? '');
    const p = profiles[col];
    if (!m || taken.has(col) || !p || ratio(p.numeric, p.nonEmpty - p.formulaErrors) < 0.9) continue;
    const prefix = (m[1] ?? '').toLowerCase();
    byPrefix.set(prefix, [...(byPrefix.get(prefix) ?? []), { col, n: Number(m[2]) }]);
  }
  const out: { cols: number[]; read: boolean; reason: string }[] = [];
  let first: { prefix: string; cols: number[] } | null = null;
  for (const [prefix, members] of byPrefix) {
    const numbered = members.length >= 2 && members.every((x, i) => x.n === i + 1);
    if (first === null && numbered) {
      first = { prefix, cols: members.map((x) => x.col) };
      out.push({ cols: first.cols, read: true, reason: '' });
    }
  }
  if (first === null) return [];
  const head = labels[first.cols[0] as number] ?? '';
  for (const [prefix, members] of byPrefix) {
    if (prefix === first.prefix) continue;
    out.push({
      cols: members.map((x) => x.col),
      read: false,
      reason: `numbered by year like "${head}", it holds a second figure for the same years (the first set of columns is the budget, read once)`,
    });
  }
  return out;
}

export function mapColumns(input: MappingInput): ColumnMapping {
  const { labels, headerCells, profiles, fiscalYearStartMonth } = input;
  const width = Math.max(labels.length, headerCells.length);
  const taken = new Set<number>();
  const fields: Partial<Record<CanonicalField, number>> = {};
  const entries: MappingEntry[] = [];
  const ignored: IgnoredColumn[] = [];
  const chosenRoles: ChosenRole[] = [];
  const assign = (c: Candidate) => {
    fields[c.field] = c.col;
    taken.add(c.col);
    const confidence = Math.round(Math.min(1, c.score) * 100) / 100;
    entries.push({
      field: c.field,
      column: c.col + 1,
      header: labels[c.col] ?? '',
      confidence,
      method: c.method,
      reason: c.reason,
      needsConfirmation: confidence < input.confirmThreshold,
    });
  };

  // 1. What the user said (override) or said before (remembered) wins.
  for (let col = 0; col < width; col++) {
    const label = labels[col] ?? '';
    if (label === '') continue;
    for (const [table, method] of [
      [input.overrides, 'override'],
      [input.remembered, 'remembered'],
    ] as const) {
      const field = lookup(table, label);
      if (field === undefined || taken.has(col)) continue;
      if (field === null) {
        taken.add(col);
        ignored.push({
          column: col + 1,
          header: label,
          reason: method === 'override' ? 'you chose to ignore this column' : 'ignored, as remembered from an earlier import',
        });
      } else if (isRoleChoice(field)) {
        // One direction column; any number of dimensions. A second direction column is left to detection.
        if (field === 'direction' && chosenRoles.some((r) => r.role === 'direction')) continue;
        taken.add(col);
        chosenRoles.push({ col, role: field === 'direction' ? 'direction' : 'dimension', name: dimensionChoiceName(field), method });
      } else if (fields[field] === undefined) {
        assign({
          field,
          col,
          score: 1,
          method,
          reason:
            method === 'override'
              ? `you mapped "${label}" to ${fieldLabel(field)}`
              : `remembered: "${label}" was mapped to ${fieldLabel(field)} in an earlier import`,
        });
      }
    }
  }

  // A merged cell spread over several columns (`Year 1` over J:N, a label over A:I) is one column: the copies are read once.
  for (const [col, of] of mergedCopies(labels, input.sample ?? [], width)) {
    if (taken.has(col)) continue;
    taken.add(col);
    ignored.push({
      column: col + 1,
      header: labels[col] ?? '',
      reason: `it repeats column ${columnName(of + 1)} on every row (one merged cell spread over several columns): read once, there`,
    });
  }

  // 2. Period columns (wide layout) and row totals.
  const periodColumns: PeriodColumn[] = [];
  const totalColumns: number[] = [];
  for (let col = 0; col < width; col++) {
    if (taken.has(col)) continue;
    const label = labels[col] ?? '';
    // The cell reads the period (a date stays a date); a heading over it may say the column is not the budget.
    const fromCell = headerPeriodInfo(headerCells[col] ?? label, fiscalYearStartMonth);
    const fromLabel = label ? headerPeriodInfo(label, fiscalYearStartMonth) : null;
    const info = fromCell && fromLabel && !fromLabel.isBudget ? fromLabel : (fromCell ?? fromLabel);
    if (info && percentages(profiles[col])) {
      taken.add(col);
      ignored.push({ column: col + 1, header: label, reason: PERCENT_REASON(label) });
    } else if (info) periodColumns.push({ col, header: label, info });
  }
  if (periodColumns.length === 0) {
    for (const f of yearFamilies(labels, profiles, taken)) {
      if (f.read) periodColumns.push(...f.cols.map((col, i) => ({ col, header: labels[col] ?? '', info: relativeYearInfo(i + 1) })));
      else {
        for (const col of f.cols) {
          taken.add(col);
          ignored.push({ column: col + 1, header: labels[col] ?? '', reason: f.reason });
        }
      }
    }
  }

  const periodCols = new Set(periodColumns.map((p) => p.col));
  // The amount in two columns, one per side (`Aufwand` / `Ertrag`), one of them filled on each row.
  const sides =
    periodColumns.filter((p) => p.info.isBudget).length >= 2 ? null : twoSides(labels, profiles, input.sample ?? [], taken, periodCols);
  if (sides !== null) {
    const side = (col: number, which: string, other: number) =>
      `"${labels[col]}" holds the ${which} of each line, and "${labels[other]}" the ${which === 'expense side' ? 'revenue side' : 'expense side'}: one of the two is filled on each row, so a line takes its amount from the filled one and its direction from its column`;
    assign({
      field: 'amount',
      col: sides.expense,
      score: 0.9,
      method: 'values',
      reason: side(sides.expense, 'expense side', sides.revenue),
    });
    taken.add(sides.revenue);
    entries.push({
      field: 'amount',
      column: sides.revenue + 1,
      header: labels[sides.revenue] ?? '',
      confidence: 0.9,
      method: 'values',
      reason: side(sides.revenue, 'revenue side', sides.expense),
      needsConfirmation: false,
    });
  }

  // 3. Header and value evidence for the remaining columns; best score first, one column per field.
  const candidates: Candidate[] = [];
  for (let col = 0; col < width; col++) {
    if (taken.has(col) || periodCols.has(col)) continue;
    candidates.push(...headerCandidates(labels[col] ?? '', col, profiles[col]));
  }
  candidates.sort((a, b) => b.score - a.score || a.col - b.col);
  for (const c of candidates) {
    if (c.score < 0.35 || taken.has(c.col) || fields[c.field] !== undefined) continue;
    assign(c);
  }

  // A single period header next to an amount or period column is a long layout's amount title ("Budget 2026").
  const budgetPeriodColumns = periodColumns.filter((p) => p.info.isBudget);
  const wide =
    budgetPeriodColumns.length >= 2 || (budgetPeriodColumns.length === 1 && fields.amount === undefined && fields.period === undefined);
  if (!wide) {
    for (const p of periodColumns) {
      if (fields.amount === undefined && p.info.isBudget && valueFit('amount', profiles[p.col]).fit === 1) {
        assign({
          field: 'amount',
          col: p.col,
          score: 0.8,
          method: 'period_header',
          reason: `"${p.header}" holds the amounts for one period`,
        });
      }
    }
    periodColumns.length = 0;
  } else {
    // The amount and period come from the period columns; a stray "amount" mapping would be a total.
    for (const f of ['amount', 'period'] as const) {
      const col = fields[f];
      if (col === undefined) continue;
      delete fields[f];
      const i = entries.findIndex((e) => e.field === f);
      if (i >= 0) entries.splice(i, 1);
      taken.delete(col);
    }
    for (let col = 0; col < width; col++) {
      const label = labels[col] ?? '';
      if (!taken.has(col) && !periodCols.has(col) && label && isTotalHeader(label)) {
        taken.add(col);
        // `% of total`: each row's share of the total, not a row total.
        if (percentages(profiles[col])) ignored.push({ column: col + 1, header: label, reason: PERCENT_REASON(label) });
        else totalColumns.push(col);
      }
    }
  }

  // 4. Value evidence for columns without a usable title.
  if (!wide) {
    const byValues: Candidate[] = [];
    for (let col = 0; col < width; col++) {
      const p = profiles[col];
      if (!p || taken.has(col)) continue;
      for (const c of valueCandidates(col, labels[col] ?? '', p)) if (fields[c.field] === undefined) byValues.push(c);
    }
    byValues.sort((a, b) => b.score - a.score || a.col - b.col);
    for (const c of byValues) if (!taken.has(c.col) && fields[c.field] === undefined) assign(c);
  }

  // 5. Everything else is reported as ignored, with why.
  const periodEntries: MappingEntry[] = [];
  const unknownColumns: number[] = [];
  for (let col = 0; col < width; col++) {
    const label = labels[col] ?? '';
    const p = periodColumns.find((x) => x.col === col);
    if (p) {
      if (!p.info.isBudget) {
        ignored.push({ column: col + 1, header: label, reason: `"${label}" holds ${p.info.measure || 'other figures'}, not the budget` });
      } else {
        periodEntries.push({
          field: 'period',
          column: col + 1,
          header: label,
          confidence: 0.95,
          method: 'period_header',
          reason: `"${label}" is a period column`,
          needsConfirmation: false,
          period: p.info.period?.key,
        });
      }
      continue;
    }
    if (totalColumns.includes(col)) {
      ignored.push({ column: col + 1, header: label, reason: `"${label}" is a row total: checked against the periods, not imported` });
      continue;
    }
    // Columns ignored by an override or a remembered mapping are already taken (and listed).
    if (!taken.has(col)) {
      unknownColumns.push(col);
      if (label !== '') ignored.push({ column: col + 1, header: label, reason: `"${label}" is not a budget field Budget Sync knows` });
    }
  }
  entries.sort((a, b) => a.column - b.column);
  const plan = periodColumns.filter((p) => p.info.isBudget).map((p) => p.col);
  if (fields.amount !== undefined) plan.push(fields.amount);
  const actual = periodColumns.filter((p) => !p.info.isBudget).map((p) => p.col);
  for (let col = 0; col < width; col++) {
    const p = profiles[col];
    if (plan.includes(col) || actual.includes(col) || !p || ratio(p.numeric, p.nonEmpty - p.formulaErrors) < 0.8) continue;
    if (
      normalizeHeader(labels[col] ?? '')
        .split(' ')
        .some((w) => NOT_BUDGET_MEASURE.has(w))
    )
      actual.push(col);
  }
  return {
    layout: wide ? 'wide' : 'long',
    fields,
    entries: [...entries, ...periodEntries],
    periodColumns: periodColumns.filter((p) => p.info.isBudget),
    totalColumns,
    ignored,
    unknownColumns,
    chosenRoles,
    measures: { plan: plan.sort((a, b) => a - b), actual },
    sides,
  };
}

/** Most values are written as percentages (`43.7%`, `3,5 %`). */
function percentages(p: ColumnProfile | undefined): boolean {
  return p !== undefined && p.nonEmpty > 0 && ratio(p.percent, p.nonEmpty - p.formulaErrors) >= 0.5;
}

/** Two cells a merged cell would give alike: equal values, or both blank. */
function sameCell(a: unknown, b: unknown): boolean {
  if (a instanceof Date && b instanceof Date) return a.getTime() === b.getTime();
  return a === b || (cellText(a) === '' && cellText(b) === '');
}

/**
 * Columns that repeat the column to their left on every sampled row under the same title: the copies a merged
 * cell leaves when it is spread over the columns it spans. Copy → the first column of its run.
 */
function mergedCopies(labels: readonly string[], sample: readonly Row[], width: number): Map<number, number> {
  const out = new Map<number, number>();
  if (sample.length === 0) return out;
  for (let col = 1; col < width; col++) {
    if ((labels[col] ?? '') !== (labels[col - 1] ?? '')) continue;
    let filled = false;
    let same = true;
    for (const row of sample) {
      if (!sameCell(row[col], row[col - 1])) {
        same = false;
        break;
      }
      if (cellText(row[col]) !== '') filled = true;
    }
    if (same && filled) out.set(col, out.get(col - 1) ?? col - 1);
  }
  return out;
}

/** A title that names one side of the money and nothing else of note: `Aufwand`, `Ertrag`, `Expenditure`, `Income`, `Dépenses`, `Ansatz Ertrag`. */
function sideOfTitle(label: string): 'expense' | 'revenue' | null {
  const words = normalizeHeader(label).split(' ').filter(Boolean);
  if (words.length === 0 || words.length > 4) return null;
  const measure = measureOf(label);
  if (measure === 'actual' || measure === 'variance') return null;
  return directionOfText(label);
}

/**
 * The amount kept in two columns of figures, one per side (`Aufwand` and `Ertrag`, `Ausgaben` and `Einnahmen`,
 * `Expenditure` and `Income`, `Dépenses` and `Recettes`, `Gastos` and `Ingresos`): their titles name the two
 * sides, and no sampled row fills both (a row of each side fills its own). Null otherwise.
 */
function twoSides(
  labels: readonly string[],
  profiles: readonly ColumnProfile[],
  sample: readonly Row[],
  taken: ReadonlySet<number>,
  periodCols: ReadonlySet<number>,
): { expense: number; revenue: number } | null {
  const bySide: Record<'expense' | 'revenue', number[]> = { expense: [], revenue: [] };
  for (let col = 0; col < labels.length; col++) {
    const p = profiles[col];
    if (taken.has(col) || periodCols.has(col) || !p) continue;
    const n = p.nonEmpty - p.formulaErrors;
    if (n > 0 && ratio(p.numeric, n) < 0.8) continue;
    const side = sideOfTitle(labels[col] ?? '');
    if (side !== null) bySide[side].push(col);
  }
  if (bySide.expense.length !== 1 || bySide.revenue.length !== 1) return null;
  const expense = bySide.expense[0] as number;
  const revenue = bySide.revenue[0] as number;
  let any = 0;
  let both = 0;
  for (const row of sample) {
    const a = cellText(row[expense]) !== '';
    const b = cellText(row[revenue]) !== '';
    if (a || b) any++;
    if (a && b) both++;
  }
  return any > 0 && both <= any * 0.1 ? { expense, revenue } : null;
}
