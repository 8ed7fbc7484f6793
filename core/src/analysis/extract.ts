/**
 * Turning data rows into budget lines, checking each value on the way: missing fields, invalid amounts
 * and periods, formula errors, duplicate keys, negative amounts, row totals that do not add up.
 * Subtotal and total rows are skipped (and said so); section headings carry their department down.
 * Runs in one pass over the rows, so a million-row CSV streams through it.
 */
import { cellRef } from './issues.ts';
import type { IssueList } from './issues.ts';
import { cellText, foldAccents } from './normalize.ts';
import { isFormulaError } from './profile.ts';
import { TOTAL_WORDS } from './synonyms.ts';
import type { BudgetLine, CanonicalField } from './types.ts';
import { currencyFromText, formatMinor, ISO_CURRENCY_CODES, parseAmount, type NumberStyle } from '../values/money.ts';
import { parseFiscalYear, parsePeriod, yearPeriod, type Period } from '../values/period.ts';
import type { CellValue, Row, SheetSource } from '../workbook.ts';

export interface WidePeriodColumn {
  col: number;
  header: string;
  /** The period of this column for a row's fiscal year (null when the year is unknown). */
  resolve: (fiscalYear: number | null) => Period | null;
}

export interface ExtractPlan {
  layout: 'long' | 'wide';
  fields: Partial<Record<CanonicalField, number>>;
  periodColumns: WidePeriodColumn[];
  totalColumns: number[];
  /** 0-based index of the last header row; data starts below it. */
  headerEnd: number;
  fiscalYearStartMonth: number;
  fiscalYear: number | null;
  currency: string;
  numberStyle: NumberStyle | null;
  labels: readonly string[];
}

export interface Extraction {
  lines: BudgetLine[];
  rows: number;
  totalMinor: bigint;
  /** Line amounts in minor units (as numbers: statistics only, never sums), in line order, for outlier detection. */
  amounts: number[];
}

const EXACT_TOTAL = /^(?:grand |sub ?|gesamt|zwischen)?(?:total|totals|sum|summe|gesamtsumme|somme|suma|total general|sous total)$/;

function isBlank(v: CellValue | undefined): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v !== 'string') return false;
  if (v.length === 0) return true;
  const c = v.charCodeAt(0);
  // Only a string that starts with white space can be all white space.
  return (c === 32 || c === 9 || c === 160 || c === 10 || c === 13 || c === 0x3000 || c === 0x202f) && v.trim() === '';
}

/** What a label cell says, computed once per distinct text. */
interface LabelInfo {
  text: string;
  lower: string;
  total: 'exact' | 'edge' | null;
}

const CANONICAL_AMOUNT = /^-?(?:0|[1-9]\d*)\.\d\d$/;

/** The amount as an exact two-decimal string: the cell's own text when it already is one. */
function canonicalAmount(source: CellValue | undefined, minor: bigint): string {
  if (typeof source === 'string' && source.length < 20 && CANONICAL_AMOUNT.test(source) && source !== '-0.00') return source;
  return formatMinor(minor);
}

function totalLabel(text: string): 'exact' | 'edge' | null {
  const s = foldAccents(text.toLowerCase())
    .replace(/[^a-z0-9]+/g, ' ')
    .trim();
  if (s === '') return null;
  if (EXACT_TOTAL.test(s)) return 'exact';
  const words = s.split(' ');
  if (words.length > 5) return null;
  const first = words[0] as string;
  const last = words[words.length - 1] as string;
  const isTotal = (w: string) => TOTAL_WORDS.has(w) || w === 'subtotal' || w === 'grand';
  return isTotal(first) || isTotal(last) ? 'edge' : null;
}

export function extractLines(sheet: SheetSource, plan: ExtractPlan, issues: IssueList): Extraction {
  const { fields, layout } = plan;
  const dept = fields.department;
  const cat = fields.category;
  const proj = fields.project;
  const fyCol = fields.fiscal_year;
  const periodCol = fields.period;
  const amountCol = fields.amount;
  const currencyCol = fields.currency;
  const ownerCol = fields.owner;
  const notesCol = fields.notes;
  const dimensionCols = [dept, cat, proj].filter((c): c is number => c !== undefined);
  const valueCols = new Set<number>([...plan.periodColumns.map((p) => p.col), ...plan.totalColumns]);
  if (amountCol !== undefined) valueCols.add(amountCol);

  const lines: BudgetLine[] = [];
  const amounts: number[] = [];
  // department → category → project → period key → first row: no string building per row.
  const seen = new Map<string, Map<string, Map<string, Map<string, number>>>>();
  const labels = new Map<string, LabelInfo>();
  const periodCache = new Map<number | null, Map<unknown, Period | null>>();
  const labelCols = dimensionCols.length > 0 ? dimensionCols : [0];
  let totalMinor = 0n;
  let rows = 0;
  let section: LabelInfo | null = null;
  const fysm = plan.fiscalYearStartMonth;

  const NO_LABEL: LabelInfo = { text: '', lower: '', total: null };
  const info = (v: CellValue | undefined): LabelInfo => {
    if (v === null || v === undefined) return NO_LABEL;
    const raw = typeof v === 'string' ? v : cellText(v);
    let i = labels.get(raw);
    if (i === undefined) {
      const text = raw.trim().replace(/\s+/g, ' ');
      i = { text, lower: text.toLowerCase(), total: typeof v === 'string' ? totalLabel(text) : null };
      if (labels.size < 200_000) labels.set(raw, i);
    }
    return i;
  };
  const label = (v: CellValue | undefined): string => info(v).text;

  const periodOf = (v: CellValue | undefined, fy: number | null): Period | null => {
    let byValue = periodCache.get(fy);
    if (!byValue) {
      byValue = new Map();
      periodCache.set(fy, byValue);
    }
    const key = v instanceof Date ? v.getTime() : v;
    let p = byValue.get(key);
    if (p === undefined) {
      p = parsePeriod(v ?? null, { fiscalYearStartMonth: fysm, fiscalYear: fy });
      if (byValue.size < 100_000) byValue.set(key, p);
    }
    return p;
  };

  const fiscalYears = new Map<unknown, number | null>();
  const fiscalYearOf = (v: CellValue | undefined): number | null => {
    const key = v instanceof Date ? v.getTime() : v;
    let fy = fiscalYears.get(key);
    if (fy === undefined) {
      fy = parseFiscalYear(v ?? null);
      if (fiscalYears.size < 10_000) fiscalYears.set(key, fy);
    }
    return fy;
  };

  /** The row that already holds this key, or records it and returns undefined. */
  const firstRowOf = (dept: string, cat: string, proj: string, period: string, r1: number): number | undefined => {
    let byCat = seen.get(dept);
    if (!byCat) {
      byCat = new Map();
      seen.set(dept, byCat);
    }
    let byProj = byCat.get(cat);
    if (!byProj) {
      byProj = new Map();
      byCat.set(cat, byProj);
    }
    let byPeriod = byProj.get(proj);
    if (!byPeriod) {
      byPeriod = new Map();
      byProj.set(proj, byPeriod);
    }
    const first = byPeriod.get(period);
    if (first === undefined) byPeriod.set(period, r1);
    return first;
  };

  const emit = (
    r1: number,
    col: number,
    dept: LabelInfo,
    cat: LabelInfo,
    proj: LabelInfo,
    period: Period,
    minor: bigint,
    currency: string,
    row: Row,
    source: CellValue | undefined,
  ) => {
    if (minor < 0n) {
      issues.add(
        'warning',
        'amount.negative',
        `The amount in ${cellRef(r1, col + 1)} is negative (${formatMinor(minor)}). Budgets are usually positive: check it is meant as a reduction.`,
        r1,
        col + 1,
        'amount',
      );
    }
    const department = dept.text;
    const category = cat.text;
    const project = proj.text === '' ? null : proj.text;
    const first = firstRowOf(dept.lower, cat.lower, proj.lower, period.key, r1);
    if (first !== undefined) {
      issues.add(
        'error',
        'row.duplicate',
        `Row ${r1} repeats ${department} / ${category}${project ? ` / ${project}` : ''} / ${period.key}, already on row ${first}. Keep one of them, or add them up.`,
        r1,
        null,
      );
      return;
    }
    lines.push({
      department,
      category,
      project,
      period: period.key,
      fiscalYear: period.fiscalYear,
      periodStart: period.start,
      periodEnd: period.end,
      amount: canonicalAmount(source, minor),
      currency,
      owner: ownerCol === undefined ? null : label(row[ownerCol]) || null,
      notes: notesCol === undefined ? null : label(row[notesCol]) || null,
      sourceRow: r1,
      sourceColumn: col + 1,
    });
    amounts.push(Number(minor));
    totalMinor += minor;
  };

  const formulaError = (r1: number, col: number, shown: string, field: CanonicalField) => {
    issues.add(
      'error',
      'value.formula_error',
      `${cellRef(r1, col + 1)} shows the formula error ${shown}. Fix the formula in the spreadsheet and export again.`,
      r1,
      col + 1,
      field,
    );
  };

  /** Parses one amount cell; reports what is wrong with it. Returns null when there is no usable amount. */
  const amountAt = (row: Row, col: number, r1: number, required: boolean): { minor: bigint; currency: string | null } | null => {
    const v = row[col];
    const a = parseAmount(v, plan.numberStyle ?? undefined);
    if (a.ok) {
      if (a.rounded)
        issues.add(
          'warning',
          'amount.rounded',
          `The amount in ${cellRef(r1, col + 1)} has more than two decimals; it was rounded to ${formatMinor(a.minor)}.`,
          r1,
          col + 1,
          'amount',
        );
      return { minor: a.minor, currency: a.currency };
    }
    if (a.reason === 'empty') {
      if (required)
        issues.add(
          'error',
          'field.missing',
          `Row ${r1} has no amount (${cellRef(r1, col + 1)} is empty). Enter the budget, or delete the row.`,
          r1,
          col + 1,
          'amount',
        );
      return null;
    }
    if (a.reason === 'formula_error') {
      formulaError(r1, col, String(v), 'amount');
      return null;
    }
    issues.add(
      'error',
      'amount.invalid',
      `${cellRef(r1, col + 1)} should be an amount but holds "${label(v)}". Enter a number such as 1234.50.`,
      r1,
      col + 1,
      'amount',
    );
    return null;
  };

  /** A department or category cell: its label, or null after reporting what is wrong with it. */
  const requiredLabel = (row: Row, r1: number, col: number | undefined, field: CanonicalField, what: string): LabelInfo | null => {
    if (col === undefined) return NO_LABEL;
    const found = info(row[col]);
    const value = found.text;
    if (value !== '' && !isFormulaError(value)) return found;
    if (field === 'department' && section) return section;
    if (isFormulaError(value)) {
      formulaError(r1, col, value, field);
    } else {
      issues.add(
        'error',
        'field.missing',
        `Row ${r1} has no ${what} (${cellRef(r1, col + 1)} is empty). Fill it in, or delete the row.`,
        r1,
        col + 1,
        field,
      );
    }
    return null;
  };

  sheet.scan((row, r) => {
    if (r <= plan.headerEnd) return;
    let filled = 0;
    for (let c = 0; c < row.length; c++) if (!isBlank(row[c])) filled++;
    if (filled === 0) return;
    rows++;
    const r1 = r + 1;

    // Totals and subtotals: a dimension cell (or the first text cell) says so.
    let total: 'exact' | 'edge' | null = null;
    let otherFilled = false;
    for (const c of labelCols) {
      const v = row[c];
      if (typeof v !== 'string' || isBlank(v)) continue;
      const t = info(v).total;
      if (t === 'exact' || (t === 'edge' && total !== 'exact')) total = t;
      else if (!t) otherFilled = true;
    }
    if (total === 'exact' || (total === 'edge' && !otherFilled)) {
      const name = labelCols.map((c) => label(row[c])).find((s) => s !== '') ?? 'Total';
      issues.add('info', 'row.total_skipped', `Row ${r1} ("${name}") is a total or subtotal: skipped, it is not a budget line.`, r1, null);
      return;
    }

    // A heading row: one text cell, no figures. Its text is the department of the rows under it.
    if (filled === 1) {
      const only = row.findIndex((v) => !isBlank(v));
      const v = row[only];
      if (typeof v === 'string' && !valueCols.has(only) && !isFormulaError(v) && !parseAmount(v).ok) {
        section = (only === dept || only === 0) && dept !== undefined ? info(v) : section;
        issues.add('info', 'row.heading_skipped', `Row ${r1} ("${label(v)}") is a heading or note, not a budget line.`, r1, only + 1);
        return;
      }
    }

    const department = requiredLabel(row, r1, dept, 'department', 'department');
    const category = requiredLabel(row, r1, cat, 'category', 'category');
    let rowHasError = department === null || category === null;
    const project = proj === undefined ? NO_LABEL : info(row[proj]);

    let fiscalYear = plan.fiscalYear;
    if (fyCol !== undefined && !isBlank(row[fyCol])) {
      const fy = fiscalYearOf(row[fyCol]);
      if (fy === null) {
        rowHasError = true;
        issues.add(
          'error',
          'period.invalid',
          `${cellRef(r1, fyCol + 1)} should be a fiscal year (such as FY2026) but holds "${label(row[fyCol])}".`,
          r1,
          fyCol + 1,
          'fiscal_year',
        );
      } else fiscalYear = fy;
    }

    let currency = plan.currency;
    if (currencyCol !== undefined && !isBlank(row[currencyCol])) {
      const written = label(row[currencyCol]);
      const code = currencyFromText(written) ?? (ISO_CURRENCY_CODES.has(written.toUpperCase()) ? written.toUpperCase() : null);
      if (code === null) {
        rowHasError = true;
        issues.add(
          'error',
          'currency.invalid',
          `${cellRef(r1, currencyCol + 1)} holds "${written}", which is not a currency. Use a code such as USD or EUR.`,
          r1,
          currencyCol + 1,
          'currency',
        );
      } else currency = code;
    }

    if (layout === 'long') {
      let period: Period | null = null;
      if (periodCol !== undefined) {
        const v = row[periodCol];
        if (isBlank(v)) {
          if (fiscalYear !== null && fyCol !== undefined) period = yearPeriod(fiscalYear, fysm);
          else {
            rowHasError = true;
            issues.add(
              'error',
              'field.missing',
              `Row ${r1} has no period (${cellRef(r1, periodCol + 1)} is empty).`,
              r1,
              periodCol + 1,
              'period',
            );
          }
        } else {
          period = periodOf(v, fiscalYear);
          if (period === null) {
            rowHasError = true;
            issues.add(
              'error',
              'period.invalid',
              `${cellRef(r1, periodCol + 1)} holds "${label(v)}", which is not a period. Use a month such as 2026-01, a quarter such as 2026-Q1 or a fiscal year such as FY2026.`,
              r1,
              periodCol + 1,
              'period',
            );
          } else if (fyCol !== undefined && fiscalYear !== null && period.fiscalYear !== fiscalYear) {
            issues.add(
              'warning',
              'period.fiscal_year_mismatch',
              `Row ${r1}: ${period.key} belongs to fiscal year ${period.fiscalYear}, but ${cellRef(r1, fyCol + 1)} says ${fiscalYear}. Check the fiscal-year start month.`,
              r1,
              fyCol + 1,
              'fiscal_year',
            );
          }
        }
      } else if (fiscalYear !== null) {
        period = yearPeriod(fiscalYear, fysm);
      }
      const amount = amountCol === undefined ? null : amountAt(row, amountCol, r1, true);
      if (amount === null || period === null || rowHasError || department === null || category === null) return;
      emit(
        r1,
        amountCol as number,
        department,
        category,
        project,
        period,
        amount.minor,
        currency === plan.currency && amount.currency ? amount.currency : currency,
        row,
        row[amountCol as number],
      );
      return;
    }

    // Wide: one line per period column; a blank cell is no line.
    let sum = 0n;
    let allParsed = true;
    const pending: { col: number; period: Period; minor: bigint; currency: string | null }[] = [];
    for (const pc of plan.periodColumns) {
      if (isBlank(row[pc.col])) continue;
      const amount = amountAt(row, pc.col, r1, false);
      if (amount === null) {
        allParsed = false;
        continue;
      }
      sum += amount.minor;
      const period = pc.resolve(fiscalYear);
      if (period === null) {
        allParsed = false;
        continue;
      }
      pending.push({ col: pc.col, period, minor: amount.minor, currency: amount.currency });
    }
    for (const tc of plan.totalColumns) {
      const t = parseAmount(row[tc], plan.numberStyle ?? undefined);
      if (t.ok && allParsed && t.minor !== sum) {
        issues.add(
          'warning',
          'total.mismatch',
          `Row ${r1}: the periods add up to ${formatMinor(sum)} but ${cellRef(r1, tc + 1)} ("${plan.labels[tc] ?? 'Total'}") says ${formatMinor(t.minor)}.`,
          r1,
          tc + 1,
          'amount',
        );
      }
    }
    if (rowHasError || department === null || category === null) return;
    for (const p of pending) {
      emit(
        r1,
        p.col,
        department,
        category,
        project,
        p.period,
        p.minor,
        currency === plan.currency && p.currency ? p.currency : currency,
        row,
        row[p.col],
      );
    }
  });

  return { lines, rows, totalMinor, amounts };
}
