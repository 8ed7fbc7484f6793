/**
 * Turning data rows into budget lines, checking each value on the way: missing fields, invalid amounts
 * and periods, formula errors, duplicate keys, negative amounts, row totals that do not add up.
 * Subtotal and total rows are skipped (and said so); section headings carry their department down.
 * Runs in one pass over the rows, so a million-row CSV streams through it; per line it keeps only the
 * line object, whose strings are shared (labels.ts) and whose amount is the cell's own text when that
 * already is canonical. Amounts are exact integers in minor units: JavaScript numbers up to 2^52
 * (no allocation per row), bigints beyond.
 */
import { MAX_AMOUNT_MINOR, MAX_AMOUNT_TEXT } from '../budget/amounts.ts';
import { directionOfCell, type LineRoles, leadingCode } from './dimensions.ts';
import { cellRef, columnName } from './issues.ts';
import type { IssueList } from './issues.ts';
import { type LabelInfo, LabelTable, NO_LABEL } from './labels.ts';
import { LineKeys } from './line-keys.ts';
import { detach } from './normalize.ts';
import { isFormulaError } from './profile.ts';
import { type BudgetLine, type CanonicalField, type Direction, NO_DIMENSIONS } from './types.ts';
import { overlapMessage, periodsOverlap } from './overlap.ts';
import {
  amountWithNoteMark,
  currencyFromText,
  formatMinor,
  formatMinorNumber,
  ISO_CURRENCY_CODES,
  isCanonicalMinorText,
  parseAmount,
  parseDecimal,
  QUICK_MINOR_MAX,
  quickMinor,
  type NumberStyle,
} from '../values/money.ts';
import { parseFiscalYear, parsePeriod, relativeYear, yearPeriod, type Period } from '../values/period.ts';
import type { CellValue, Row, SheetSource } from '../workbook.ts';

export interface WidePeriodColumn {
  col: number;
  header: string;
  /** The period of this column for a row's fiscal year (null when the year is unknown). */
  resolve: (fiscalYear: number | null) => Period | null;
  /** The side its title names (`Aufwand 2024`, `Ertrag 2024`), or undefined when the row says. */
  direction?: Direction | undefined;
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
  /** Dimensions, twins' codes, the direction column and hierarchy (dimensions.ts). */
  roles: LineRoles;
  /** The department or category of every line when the file has no column for it (`--set`, or the proposal). */
  fixed: { department?: string | undefined; category?: string | undefined };
  /** Direction of a line whose row does not say (`--set direction`, the sheet's name, else expense). */
  direction: Direction;
  /** 0-based group rows of nested codes (see `nestedGroupRows`), or null. */
  groupRows: ReadonlySet<number> | null;
  /**
   * Long layout with the amount in two columns, one per side (`Aufwand` / `Ertrag`, `Expenditure` / `Income`),
   * one of them filled per row: the line takes its amount from the filled one and its direction from that
   * column. Null otherwise (the amount is `fields.amount`).
   */
  sides?: { expense: number; revenue: number } | null | undefined;
}

/**
 * The rows that group others in a column of nested `code name` labels (`01 Dronningen` above
 * `011 Statsydelse` above `01110110 Almindelig virksomhed`): a row whose code begins the next coded
 * row's longer code adds up the rows under it, so it is not a line. One pass over the column.
 */
export function nestedGroupRows(sheet: SheetSource, col: number, headerEnd: number): Set<number> {
  const groups = new Set<number>();
  let previous: { row: number; code: string } | null = null;
  sheet.scan((row, r) => {
    if (r <= headerEnd) return;
    const v = row[col];
    const code = typeof v === 'string' ? leadingCode(v) : null;
    if (code === null) return;
    if (previous && code.length > previous.code.length && code.startsWith(previous.code)) groups.add(previous.row);
    previous = { row: r, code };
  });
  return groups;
}

/** Cells that say "no figure" (not published, not available): no line, and no error either. */
const NOT_AVAILABLE = /^(?:n\.a\.?|nfp|n\.f\.p\.?|n\/p|np|nd|n\.d\.?|k\.a\.?|s\/o|\.{2,3}|…|—|x|\*|-\/-|\[[^\]]*\])$/i;

/** A line's further dimensions, shared by every line with the same values (one object per distinct combination). */
interface DimensionSet {
  /** Identity number of the combination (project, dimensions, direction), for LineKeys. */
  id: number;
  dimensions: Readonly<Record<string, string>>;
  codes: Readonly<Record<string, string>> | undefined;
}

export interface Extraction {
  lines: BudgetLine[];
  rows: number;
  totalMinor: bigint;
  /** Line amounts in minor units (as numbers: statistics only, never sums), in line order, for outlier detection. */
  amounts: Float64Array;
}

export function extractLines(sheet: SheetSource, plan: ExtractPlan, issues: IssueList): Extraction {
  const extractor = new LineExtractor(plan, issues);
  const headerEnd = plan.headerEnd;
  sheet.scan((row, r) => {
    if (r > headerEnd) extractor.row(row, r + 1);
  });
  return extractor.finish();
}

function isBlank(v: CellValue | undefined): boolean {
  if (v === null || v === undefined) return true;
  if (typeof v !== 'string') return false;
  if (v.length === 0) return true;
  const c = v.charCodeAt(0);
  // Only a string that starts with white space can be all white space.
  return (c === 32 || c === 9 || c === 160 || c === 10 || c === 13 || c === 0x3000 || c === 0x202f) && v.trim() === '';
}

/** An exact sum of minor units: a double while it stays exact, a bigint for the rest. */
class ExactSum {
  private small = 0;
  private big = 0n;

  add(minor: number, big: bigint | null): void {
    if (big !== null) {
      this.big += big;
      return;
    }
    this.small += minor;
    if (this.small > QUICK_MINOR_MAX || this.small < -QUICK_MINOR_MAX) {
      this.big += BigInt(this.small);
      this.small = 0;
    }
  }

  value(): bigint {
    return this.big + BigInt(this.small);
  }
}

/** One amount cell, parsed. */
interface ParsedAmount {
  /** Minor units, exact (NaN when `big` holds them). */
  minor: number;
  /** Minor units beyond ±2^52, else null. */
  big: bigint | null;
  currency: string | null;
  /** The cell text is plain decimal (quickMinor read it), so it may already be the canonical amount text. */
  plain: boolean;
  /** The cell had more than two decimals and was rounded to the cent. */
  rounded: boolean;
}

/** Bits of a dimension cell for total-row detection. */
const OTHER_LABEL = 1;
const EDGE_TOTAL = 2;
const EXACT_TOTAL = 4;
/** A dimension cell's bits are kept apart (times 8): a total word there marks the row whatever the labels say. */
const DIMENSION_SHIFT = 8;

function totalBits(v: CellValue | undefined, label: LabelInfo): number {
  if (typeof v !== 'string' || isBlank(v)) return 0;
  return label.total === 'exact' ? EXACT_TOTAL : label.total === 'edge' ? EDGE_TOTAL : OTHER_LABEL;
}

/** MAX_AMOUNT_MINOR as a number, for amounts read the quick way (it is below 2^53: exact). */
const MAX_AMOUNT = Number(MAX_AMOUNT_MINOR);

class LineExtractor {
  readonly lines: BudgetLine[] = [];
  /** Line amounts (minor units) for outlier detection: a typed array, 8 bytes a line, nothing for the GC to trace. */
  private amounts = new Float64Array(1024);
  rows = 0;
  private readonly total = new ExactSum();
  private readonly labels = new LabelTable();
  private readonly keys = new LineKeys();
  private readonly valueCols: Set<number>;
  private readonly periodCache = new Map<number | null, Map<unknown, Period | null>>();
  private periodYear: number | null | undefined = undefined;
  private periodsOfYear: Map<unknown, Period | null> | undefined = undefined;
  private readonly fiscalYears = new Map<unknown, number | null>();
  // Consecutive rows of a sorted file repeat the fiscal year: compared before any Map lookup.
  private lastFiscalYearCell: CellValue | undefined = undefined;
  private lastFiscalYear: number | null = null;
  private readonly currencies = new Map<string, string | null>();
  private section: LabelInfo | null = null;
  /** Set when the current row had an invalid fiscal year or currency (already reported). */
  private rowInvalid = false;
  /** The current row's owner and notes labels (hasNul reads them; its lines carry them). */
  private rowOwner: LabelInfo = NO_LABEL;
  private rowNotes: LabelInfo = NO_LABEL;
  /** The amount `amountAt` parsed last (one object, reused: no allocation per row). */
  private readonly amount: ParsedAmount = { minor: 0, big: null, currency: null, plain: false, rounded: false };
  /** Only when the file has dimensions, twins or a direction column: identity number per combination. */
  private readonly combined: boolean;
  private readonly dimensionSets = new Map<string, DimensionSet>();
  private readonly fixedDepartment: LabelInfo | null;
  private readonly fixedCategory: LabelInfo | null;
  /** Columns whose total words mark a total row. */
  private readonly labelCols: number[];
  /** Columns holding a row's figures: the period columns, or the amount column(s). */
  private readonly figureCols: number[];
  /** The side a line is emitted for when its column says it (`Aufwand` / `Ertrag`), else null. */
  private side: Direction | null = null;
  /** A level column or nested codes mark group rows (`isGroupRow`). */
  private readonly hierarchy: boolean;

  private readonly plan: ExtractPlan;
  private readonly issues: IssueList;

  constructor(plan: ExtractPlan, issues: IssueList) {
    this.plan = plan;
    this.issues = issues;
    this.valueCols = new Set<number>([...plan.periodColumns.map((p) => p.col), ...plan.totalColumns]);
    if (plan.fields.amount !== undefined) this.valueCols.add(plan.fields.amount);
    if (plan.sides) for (const c of [plan.sides.expense, plan.sides.revenue]) this.valueCols.add(c);
    const { roles } = plan;
    this.combined =
      roles.dimensions.length > 0 ||
      roles.direction !== null ||
      Object.keys(roles.codeCols).length > 0 ||
      !!plan.sides ||
      plan.periodColumns.some((p) => p.direction !== undefined);
    this.fixedDepartment = plan.fixed.department !== undefined ? this.labels.info(plan.fixed.department) : null;
    this.fixedCategory = plan.fixed.category !== undefined ? this.labels.info(plan.fixed.category) : null;
    const { department, category, project } = plan.fields;
    this.labelCols = [department, category, project, ...roles.dimensions.map((d) => d.col)].filter((c): c is number => c !== undefined);
    this.hierarchy = roles.level !== null || plan.groupRows !== null;
    this.figureCols =
      plan.layout === 'wide'
        ? plan.periodColumns.map((p) => p.col)
        : plan.sides
          ? [plan.sides.expense, plan.sides.revenue]
          : plan.fields.amount !== undefined
            ? [plan.fields.amount]
            : [];
  }

  finish(): Extraction {
    this.resolvePending();
    if (this.held.length > 0) this.settleHeld(null);
    this.reportNoteMarks();
    const amounts = this.amounts.subarray(0, this.lines.length);
    return { lines: this.lines, rows: this.rows, totalMinor: this.total.value(), amounts };
  }

  /** One data row (`r1`: its 1-based spreadsheet row). */
  row(row: Row, r1: number): void {
    // Only "none", "one" and "more" matter: stop counting at two.
    let filled = 0;
    for (let c = 0; c < row.length && filled < 2; c++) if (!isBlank(row[c])) filled++;
    if (filled === 0) return;
    this.rows++;
    const { fields } = this.plan;
    const deptCol = fields.department;
    const catCol = fields.category;
    const projCol = fields.project;
    const dept = deptCol === undefined ? (this.fixedDepartment ?? NO_LABEL) : this.labels.infoAt(deptCol, row[deptCol]);
    const cat = catCol === undefined ? (this.fixedCategory ?? NO_LABEL) : this.labels.infoAt(catCol, row[catCol]);
    const proj = projCol === undefined ? NO_LABEL : this.labels.infoAt(projCol, row[projCol]);

    // Totals and subtotals: a dimension cell (or the first text cell) says so.
    let bits = 0;
    if (this.labelCols.length === 0) bits = totalBits(row[0], this.labels.info(row[0]));
    else {
      if (deptCol !== undefined) bits |= totalBits(row[deptCol], dept);
      if (catCol !== undefined) bits |= totalBits(row[catCol], cat);
      if (projCol !== undefined) bits |= totalBits(row[projCol], proj);
      // A classifying column (a level: `PG` / `Produktbereich-Summe`) that calls the row a sum makes it one,
      // whatever its name column says.
      // (A classifying cell that only repeats the name — a merged cell spread over both — says nothing more.)
      for (const d of this.plan.roles.dimensions) {
        const info = this.labels.infoAt(d.col, row[d.col]);
        if (info.total !== null && info.text !== cat.text && info.text !== dept.text && info.text !== proj.text)
          bits |= totalBits(row[d.col], info) * DIMENSION_SHIFT;
      }
    }
    if (bits >= DIMENSION_SHIFT * EDGE_TOTAL) bits = EXACT_TOTAL;
    else if (bits >= DIMENSION_SHIFT) bits = (bits % DIMENSION_SHIFT) | OTHER_LABEL;
    // Rows out of the ordinary (totals, headings, group rows, rows without a name, and the row after a total or
    // under a blank-named one) go their own way, so the common row's path stays short.
    if (
      this.pending !== null ||
      this.lastTotal !== null ||
      (bits & (EXACT_TOTAL | EDGE_TOTAL)) !== 0 ||
      filled === 1 ||
      this.hierarchy ||
      (catCol !== undefined && cat.text === '')
    ) {
      if (this.unusualRow(row, r1, filled, bits, dept, cat, proj)) return;
    }
    // The row's lines (as `lineRow`, written out here: this is every line's path).
    const department = this.requiredLabel(r1, deptCol, dept, 'department', 'department');
    const category = this.requiredLabel(r1, catCol, cat, 'category', 'category', row);
    this.rowInvalid = false;
    const fiscalYear = this.rowFiscalYear(row, r1);
    const currency = this.rowCurrency(row, r1);
    const rowHasError = department === null || category === null || this.rowInvalid || this.hasNul(row, r1, dept, cat, proj);
    if (this.plan.layout === 'long') this.longRow(row, r1, department, category, proj, fiscalYear, currency, rowHasError);
    else this.wideRow(row, r1, department, category, proj, fiscalYear, currency, rowHasError);
  }

  /** A row out of the ordinary (see `row`): true when it is dealt with here (skipped, held, or read as lines). */
  private unusualRow(row: Row, r1: number, filled: number, bits: number, dept: LabelInfo, cat: LabelInfo, proj: LabelInfo): boolean {
    const catCol = this.plan.fields.category;
    // A blank-named row waiting for the rows below it (are they its parts?) is decided when they end.
    if (this.pending !== null && !this.continuesPending(row, cat)) this.resolvePending();
    const afterTotal = this.lastTotal;
    if (afterTotal !== null) this.lastTotal = null;
    if ((bits & EXACT_TOTAL) !== 0 || (bits & (EDGE_TOTAL | OTHER_LABEL)) === EDGE_TOTAL) {
      this.totalRow(row, r1, (bits & EXACT_TOTAL) === 0, afterTotal);
      return true;
    }
    if (afterTotal !== null && this.restatesTotal(row, r1, afterTotal)) return true;
    if ((filled === 1 && this.isHeading(row, r1)) || this.isGroupRow(row, r1)) {
      this.resolvePending();
      this.boundary(r1);
      return true;
    }
    if (catCol !== undefined && cat.text === '' && !cat.nul && this.rowCode(row) === null) {
      this.blankCategory(row, r1, dept, proj, catCol);
      return true;
    }
    return false;
  }

  /**
   * A row named like a total (`edge`: by a word at either end of its label, not a label that is only `Total`):
   * skipped as one, said so — or held back until a total below says what it is (see `held`).
   */
  private totalRow(row: Row, r1: number, edge: boolean, afterTotal: LastTotal | null): void {
    const name =
      this.labelCols.map((c) => this.labels.infoAt(c, row[c]).text).find((t) => t !== '') || this.labels.info(row[0]).text || 'Total';
    const figures = this.rowFigures(row);
    this.resolvePending();
    if (this.held.length > 0) {
      // Rows held back as named like totals but adding up nothing: this total says whether it adds them in.
      const verdict = this.judgeHeld(figures);
      if (verdict === 'open' && edge) {
        this.held.push({ r1, row: row.slice(), name, figures, after: this.held[0]?.after ?? { r1, name } });
        return;
      }
      this.settleHeld(verdict === 'lines' ? { r1, name } : null);
    } else if (edge && afterTotal !== null && this.lines.length === this.linesAtTotal && !this.addsUpStretch(figures)) {
      // Named like a total, but right after another total it has nothing to add up, and its figures are the sum
      // of no rows above: a line of its own when a later total adds it in (`Total Indirect Costs` after `Total
      // Direct Costs`, both in `Total Costs Requested`). Held back until that total says.
      this.held.push({ r1, row: row.slice(), name, figures, after: afterTotal });
      return;
    }
    this.issues.add(
      'info',
      'row.total_skipped',
      `Row ${r1} ("${name}") is a total or subtotal: skipped, it is not a budget line.`,
      r1,
      null,
    );
    this.boundary(r1);
    this.lastTotal = { r1, name, figures };
  }

  /** A row repeating the figures of the total just above it (`MTDC Base` under `Total Direct Costs`): skipped, said so. */
  private restatesTotal(row: Row, r1: number, total: LastTotal): boolean {
    if (!this.repeatsTotal(row, total.figures)) return false;
    const name = this.labelCols.map((c) => this.labels.infoAt(c, row[c]).text).find((t) => t !== '') || 'no name';
    this.issues.add(
      'info',
      'row.total_skipped',
      `Row ${r1} ("${name}") repeats the figures of the total on row ${total.r1} ("${total.name}") just above it: a restatement of that total (such as the base a rate is applied to), not a budget line. Skipped.`,
      r1,
      null,
    );
    this.lastTotal = total;
    return true;
  }

  /**
   * The row as budget lines, its department and category cells read (`cat`: its category, or the label that
   * stands for it): for rows decided later (a blank-named or held row). `row` does the same inline.
   */
  private lineRow(row: Row, r1: number, dept: LabelInfo, cat: LabelInfo, proj: LabelInfo): void {
    const { department: deptCol, category: catCol } = this.plan.fields;
    const department = this.requiredLabel(r1, deptCol, dept, 'department', 'department');
    const category = this.requiredLabel(r1, catCol, cat, 'category', 'category', row);
    this.rowInvalid = false;
    const fiscalYear = this.rowFiscalYear(row, r1);
    const currency = this.rowCurrency(row, r1);
    const rowHasError = department === null || category === null || this.rowInvalid || this.hasNul(row, r1, dept, cat, proj);
    if (this.plan.layout === 'long') this.longRow(row, r1, department, category, proj, fiscalYear, currency, rowHasError);
    else this.wideRow(row, r1, department, category, proj, fiscalYear, currency, rowHasError);
  }

  /** Where lines stood when a total, subtotal, heading or group row was met: sums of rows never reach across one. */
  private readonly boundaries: number[] = [0];
  private lastBoundaryRow = 0;
  /** Lines when the last total row was skipped. */
  private linesAtTotal = -1;
  /** The total row just above (only blank rows between), with its figures, or null. */
  private lastTotal: LastTotal | null = null;
  /** A row without a category waiting for the rows below it: are they its parts (it is their group row) or not (it is a line)? */
  private pending: PendingRow | null = null;

  private boundary(r1: number): void {
    this.lastBoundaryRow = r1;
    this.linesAtTotal = this.lines.length;
    if (this.boundaries[this.boundaries.length - 1] !== this.lines.length) this.boundaries.push(this.lines.length);
  }

  /** The row's figures by value column (period columns, or the amount column(s)); blank and unreadable cells left out. */
  private rowFigures(row: Row): Map<number, bigint> {
    const out = new Map<number, bigint>();
    const style = this.plan.numberStyle ?? undefined;
    for (const col of this.figureCols) {
      const v = row[col];
      if (isBlank(v)) continue;
      const a = parseAmount(v, style);
      const minor = a.ok ? a.minor : (amountWithNoteMark(v, style)?.parse.minor ?? null);
      if (minor !== null) out.set(col, minor);
    }
    return out;
  }

  /** Whether the row's figures are those of the total just above it, column by column (and not all zero). */
  private repeatsTotal(row: Row, total: Map<number, bigint>): boolean {
    const mine = this.rowFigures(row);
    if (mine.size === 0 || mine.size !== total.size) return false;
    let nonZero = false;
    for (const [col, v] of mine) {
      if (total.get(col) !== v) return false;
      if (v !== 0n) nonZero = true;
    }
    return nonZero;
  }

  /** Sums of the lines before line `upTo`, by column, and a copy of them at each boundary (built when asked). */
  private readonly prefix = { upTo: 0, running: new Map<number, bigint>(), atBoundary: [] as Map<number, bigint>[] };

  /** The sums of the lines before line `end` (never before an earlier call's `end`), by column. */
  private sumsBefore(end: number): Map<number, bigint> {
    const p = this.prefix;
    for (; p.upTo < end; p.upTo++) {
      const line = this.lines[p.upTo] as BudgetLine;
      const col = line.sourceColumn - 1;
      p.running.set(col, (p.running.get(col) ?? 0n) + (parseDecimal(line.amount) ?? 0n));
    }
    return new Map(p.running);
  }

  /**
   * Whether figures are the sum of the lines between two totals, subtotals or headings (the first row and the
   * last line count as such), within 1% — a recapitulation of earlier sections' totals adds up such a stretch.
   */
  private addsUpStretch(figures: ReadonlyMap<number, bigint>): boolean {
    if (figures.size === 0) return true;
    const { atBoundary } = this.prefix;
    while (atBoundary.length < this.boundaries.length) atBoundary.push(this.sumsBefore(this.boundaries[atBoundary.length] as number));
    const marks = this.boundaries.map((at, i) => ({ at, sums: atBoundary[i] as Map<number, bigint> }));
    if (this.boundaries[this.boundaries.length - 1] !== this.lines.length) {
      marks.push({ at: this.lines.length, sums: this.sumsBefore(this.lines.length) });
    }
    // Every stretch between two marks when there are few; else the stretches that end at the last line.
    const last = marks.length - 1;
    for (let j = last; j > 0; j--) {
      if (j !== last && marks.length > 300) break;
      const to = marks[j] as { at: number; sums: Map<number, bigint> };
      for (let i = j - 1; i >= 0; i--) {
        const from = marks[i] as { at: number; sums: Map<number, bigint> };
        if (stretchIs(figures, from.sums, to.sums, to.at - from.at)) return true;
      }
    }
    return false;
  }

  /** Rows named like totals held back until a later total says whether it adds them in (see `row`). */
  private readonly held: HeldTotal[] = [];

  /**
   * What a total says of the held rows: `lines` when its figures are a stretch of lines plus the held rows (it
   * adds them in) and not a stretch without them; `totals` when they are a stretch without them; else `open`.
   */
  private judgeHeld(figures: ReadonlyMap<number, bigint>): 'lines' | 'totals' | 'open' {
    const rest = new Map(figures);
    for (const h of this.held) for (const [col, v] of h.figures) rest.set(col, (rest.get(col) ?? 0n) - v);
    const without = this.addsUpStretch(figures);
    if (!without && [...rest.values()].some((v) => v !== 0n) && this.addsUpStretch(rest)) return 'lines';
    return without ? 'totals' : 'open';
  }

  /** Reads the held rows as lines (`by`: the total that adds them in), or, when no total does, as totals. */
  private settleHeld(by: { r1: number; name: string } | null): void {
    const held = this.held.splice(0);
    for (const h of held) {
      if (by === null) {
        this.issues.add(
          'info',
          'row.total_skipped',
          `Row ${h.r1} ("${h.name}") is a total or subtotal: skipped, it is not a budget line (it adds up none of the rows above it, but no total below adds it in either: check it).`,
          h.r1,
          null,
        );
        continue;
      }
      this.issues.add(
        'warning',
        'row.total_kept',
        `Row ${h.r1} ("${h.name}") is named like a total, but no line stands between it and the total on row ${h.after.r1} ("${h.after.name}"), its figures add up none of the rows above it, and the total on row ${by.r1} ("${by.name}") adds it in: it is read as a budget line of its own. Check it.`,
        h.r1,
        null,
      );
      const { department, category, project } = this.plan.fields;
      const info = (col: number | undefined, fixed: LabelInfo | null) =>
        col === undefined ? (fixed ?? NO_LABEL) : this.labels.infoAt(col, h.row[col]);
      this.lineRow(h.row, h.r1, info(department, this.fixedDepartment), info(category, this.fixedCategory), info(project, null));
    }
  }

  /** A row that goes on under the waiting blank-named row: it has a category, and the labels the waiting row has. */
  private continuesPending(row: Row, cat: LabelInfo): boolean {
    const p = this.pending as PendingRow;
    if (cat.text === '') return false;
    for (const l of p.labels) if (this.labels.infoAt(l.col, row[l.col]).text !== l.text) return false;
    return true;
  }

  /**
   * A row with figures but no category (and no code to name it by), as an analyst reads it: the sum of the rows
   * above it that share its labels (a subtotal), or of the rows below it (their group row, decided when they
   * end), or else one line for its parent's label as a whole (`JTF` in a list by fund × region category, where
   * the fund has no region). A row with labels but no figure is a heading.
   */
  private blankCategory(row: Row, r1: number, dept: LabelInfo, proj: LabelInfo, catCol: number): void {
    this.resolvePending();
    const figures = this.rowFigures(row);
    const labels = this.filledLabels(row, catCol);
    const named = labels.map((l) => `"${l.text}"`).join(', ');
    if (figures.size === 0) {
      if (labels.length > 0) {
        this.issues.add(
          'info',
          'row.heading_skipped',
          `Row ${r1} (${named}) has no ${this.plan.labels[catCol] ? `"${this.plan.labels[catCol]}"` : 'category'} and no figure: a heading over the rows under it, not a budget line.`,
          r1,
          catCol + 1,
        );
        this.boundary(r1);
        return;
      }
      this.lineRow(row, r1, dept, NO_LABEL, proj);
      return;
    }
    const above = this.runAbove(labels);
    if (above !== null && sameFigures(figures, above.sums, above.count)) {
      this.issues.add(
        'info',
        'row.total_skipped',
        `Row ${r1}${named ? ` (${named})` : ''} has no ${this.catName(catCol)}, and its figures are the sum of ${rowsText(above.first, above.last)} above it${named ? `, which ${above.first === above.last ? 'shares' : 'share'} its labels` : ''}: a subtotal, skipped.`,
        r1,
        null,
      );
      this.boundary(r1);
      return;
    }
    this.pending = { r1, row: row.slice(), figures, labels, lineIndex: this.lines.length, dept, proj, catCol };
  }

  private catName(catCol: number): string {
    const title = this.plan.labels[catCol];
    return title ? `"${title}"` : 'category';
  }

  /** The row's filled label cells other than the category: department, project and dimensions (not row numbers). */
  private filledLabels(row: Row, catCol: number): PendingLabel[] {
    const out: PendingLabel[] = [];
    const { department, project } = this.plan.fields;
    const add = (col: number | undefined, of: (l: BudgetLine) => string, dimension: boolean) => {
      if (col === undefined || col === catCol) return;
      const text = this.labels.infoAt(col, row[col]).text;
      if (text !== '') out.push({ col, text, of, dimension });
    };
    add(department, (l) => l.department, false);
    add(project, (l) => l.project ?? '', true);
    for (const d of this.plan.roles.dimensions) if (!d.rowKey) add(d.col, (l) => l.dimensions[d.name] ?? '', true);
    return out.sort((a, b) => a.col - b.col);
  }

  /**
   * The label a blank-named row stands for as a whole: one of its labels under which no line so far has a name
   * (a fund with no region category), the nearest to the category column (left first); else its nearest
   * classifying column (a programme, a dimension). A department whose other rows have names is never one: the
   * name is missing there. Null when none is.
   */
  private parentLabel(p: PendingRow): { info: LabelInfo; col: number } | null {
    const nearest = (list: readonly PendingLabel[]) => list.filter((l) => l.col < p.catCol).pop() ?? list.find((l) => l.col > p.catCol);
    const chosen =
      nearest(p.labels.filter((l) => !this.namedUnder(l.col, p.labels, l.text))) ?? nearest(p.labels.filter((l) => l.dimension));
    return chosen === undefined ? null : { info: this.labels.infoAt(chosen.col, p.row[chosen.col]), col: chosen.col };
  }

  /** The lines just above (back to the last total, heading or group row) that share the given labels, summed by column. */
  private runAbove(labels: readonly PendingLabel[]): RunSum | null {
    const run: RunSum = { sums: new Map(), count: 0, first: 0, last: 0 };
    for (let i = this.lines.length - 1; i >= 0; i--) {
      const line = this.lines[i] as BudgetLine;
      if (line.sourceRow <= this.lastBoundaryRow || !labels.every((l) => l.of(line) === l.text)) break;
      addToRun(run, line);
    }
    return run.count === 0 ? null : run;
  }

  /** Set while the lines of a row named by its parent are emitted; those lines, which have no name of their own. */
  private byParent = false;
  private readonly parentNamed = new WeakSet<BudgetLine>();
  /** Set once a blank-named row asked which labels have named rows: from then on every line is indexed. */
  private watchNames = false;
  /** Per label column: the texts lines have carried there so far (built when a blank-named row first asks). */
  private readonly named = new Map<number, { of: (line: BudgetLine) => string; texts: Set<string> }>();

  /** Whether some line so far carries `text` in label column `col` (each line has a category). */
  private namedUnder(col: number, labels: readonly PendingLabel[], text: string): boolean {
    let index = this.named.get(col);
    if (index === undefined) {
      const of = labels.find((l) => l.col === col)?.of;
      if (of === undefined) return false;
      index = { of, texts: new Set() };
      this.watchNames = true;
      for (const line of this.lines) if (!this.parentNamed.has(line)) index.texts.add(of(line));
      this.named.set(col, index);
    }
    return index.texts.has(text);
  }

  /** Decides the waiting blank-named row, now that the rows under it have ended. */
  private resolvePending(): void {
    const p = this.pending;
    if (p === null) return;
    this.pending = null;
    const below: RunSum = { sums: new Map(), count: 0, first: 0, last: 0 };
    for (let i = p.lineIndex; i < this.lines.length; i++) {
      const line = this.lines[i] as BudgetLine;
      if (!p.labels.every((l) => l.of(line) === l.text)) break;
      addToRun(below, line);
    }
    const named = p.labels.map((l) => `"${l.text}"`).join(', ');
    if (below.count > 0 && sameFigures(p.figures, below.sums, below.count)) {
      this.issues.add(
        'info',
        'row.group_skipped',
        `Row ${p.r1}${named ? ` (${named})` : ''} has no ${this.catName(p.catCol)}, and its figures are the sum of ${rowsText(below.first, below.last)} below it${named ? `, which ${below.first === below.last ? 'shares' : 'share'} its labels` : ''}: it groups them, skipped.`,
        p.r1,
        null,
      );
      return;
    }
    // A parent whose other rows have a name (a department with its categories) lacks it here by mistake: an error.
    // One with none (a fund that has no region category) is a line of its own, named by the parent.
    const parent = this.parentLabel(p);
    if (parent === null) {
      this.lineRow(p.row, p.r1, p.dept, NO_LABEL, p.proj);
      return;
    }
    const title = this.plan.labels[parent.col];
    this.issues.add(
      'warning',
      'category.from_parent',
      `Row ${p.r1} has no ${this.catName(p.catCol)} (${cellRef(p.r1, p.catCol + 1)} is empty), and its figures are not the sum of the rows beside it: it is read as one line for "${parent.info.text}" as a whole${title ? ` (its "${title}")` : ''}. Check it, or fill in the name.`,
      p.r1,
      p.catCol + 1,
      'category',
    );
    this.byParent = true;
    this.lineRow(p.row, p.r1, p.dept, parent.info, p.proj);
    this.byParent = false;
  }

  /** A row of an upper level of the hierarchy (a level column's other value, or a code that begins the next row's): it adds up the rows under it. */
  private isGroupRow(row: Row, r1: number): boolean {
    const { level } = this.plan.roles;
    let what: string | null = null;
    if (level !== null) {
      const v = this.labels.infoAt(level.col, row[level.col]).text;
      if (v !== '' && v !== level.leaf) what = `its level is "${v}", not "${level.leaf}"`;
    }
    if (what === null && this.plan.groupRows?.has(r1 - 1)) what = 'its code begins the codes of the rows under it';
    if (what === null) return false;
    this.issues.add(
      'info',
      'row.group_skipped',
      `Row ${r1} groups the rows under it (${what}): skipped, its figures add up lines already counted.`,
      r1,
      null,
    );
    return true;
  }

  /** A heading row: one text cell, no figures. Its text is the department of the rows under it. */
  private isHeading(row: Row, r1: number): boolean {
    const only = row.findIndex((v) => !isBlank(v));
    const v = row[only];
    if (typeof v !== 'string' || this.valueCols.has(only) || isFormulaError(v) || parseAmount(v).ok) return false;
    const dept = this.plan.fields.department;
    if ((only === dept || only === 0) && dept !== undefined) this.section = this.labels.info(v);
    this.issues.add(
      'info',
      'row.heading_skipped',
      `Row ${r1} ("${this.labels.info(v).text}") is a heading or note, not a budget line.`,
      r1,
      only + 1,
    );
    return true;
  }

  /**
   * Whether a text cell of the row's line holds a NUL character (a database cannot store it; it is
   * reported at its cell, so every door shows it before an import is tried). Reports each such cell.
   */
  private hasNul(row: Row, r1: number, dept: LabelInfo, cat: LabelInfo, proj: LabelInfo): boolean {
    const { department, category, project, owner, notes } = this.plan.fields;
    // The common case without an allocation: no flag set on the row's line texts. The row's owner and
    // notes are kept for its lines (emit runs only for rows this was asked about).
    const ownerInfo = owner === undefined ? NO_LABEL : this.labels.infoAt(owner, row[owner]);
    const notesInfo = notes === undefined ? NO_LABEL : this.labels.infoAt(notes, row[notes]);
    this.rowOwner = ownerInfo;
    this.rowNotes = notesInfo;
    if (!dept.nul && !cat.nul && !proj.nul && !ownerInfo.nul && !notesInfo.nul) return false;
    const cells: [CanonicalField, number | undefined, LabelInfo][] = [
      ['department', department, dept],
      ['category', category, cat],
      ['project', project, proj],
      ['owner', owner, ownerInfo],
      ['notes', notes, notesInfo],
    ];
    for (const [field, col, info] of cells) {
      if (col === undefined || !info.nul) continue;
      this.issues.add(
        'error',
        'value.invalid_character',
        `${cellRef(r1, col + 1)} (${field}) contains a NUL character (an invisible control character, shown here as \uFFFD), which cannot be stored. Delete it from the cell and export again.`,
        r1,
        col + 1,
        field,
      );
    }
    return true;
  }

  /** A department or category cell: its label, or null after reporting what is wrong with it. */
  private requiredLabel(
    r1: number,
    col: number | undefined,
    found: LabelInfo,
    field: CanonicalField,
    what: string,
    row?: Row,
  ): LabelInfo | null {
    if (col === undefined) return found;
    const value = found.text;
    if (value !== '' && !isFormulaError(value)) return found;
    if (field === 'department' && this.section) return this.section;
    const code = value === '' && row !== undefined ? this.rowCode(row) : null;
    if (code !== null) {
      this.issues.add(
        'warning',
        'category.from_code',
        `Row ${r1} has no ${what} (${cellRef(r1, col + 1)} is empty); it is named by its code "${code.text}". Check it, or fill in the name.`,
        r1,
        col + 1,
        field,
      );
      return code;
    }
    if (isFormulaError(value)) {
      this.formulaError(r1, col, value, field);
    } else {
      this.issues.add(
        'error',
        'field.missing',
        `Row ${r1} has no ${what} (${cellRef(r1, col + 1)} is empty). Fill it in, or delete the row.`,
        r1,
        col + 1,
        field,
      );
    }
    return null;
  }

  /**
   * A line whose name is empty but whose code or row number is there (a PDF extract that kept the numbers
   * `02`..`05` and lost their text) is still a line: the code names it. Null when the row has no code.
   */
  private rowCode(row: Row): LabelInfo | null {
    const roles = this.plan.roles;
    // Only a column of codes or row numbers names a line; another label on the row is its parent (see `parentLabel`).
    const cols =
      roles.codeCols.category !== undefined
        ? [roles.codeCols.category]
        : roles.dimensions.filter((d) => d.rowKey || d.codes).map((d) => d.col);
    for (const c of cols) {
      const info = this.labels.infoAt(c, row[c]);
      if (info.text !== '' && info.total === null) return info;
    }
    return null;
  }

  /** The row's fiscal year: its own cell, else (also after reporting an invalid one) the plan's. */
  private rowFiscalYear(row: Row, r1: number): number | null {
    const fyCol = this.plan.fields.fiscal_year;
    if (fyCol === undefined || isBlank(row[fyCol])) return this.plan.fiscalYear;
    const v = row[fyCol];
    let fy: number | null | undefined;
    if (v === this.lastFiscalYearCell) fy = this.lastFiscalYear;
    else {
      const key = v instanceof Date ? v.getTime() : v;
      fy = this.fiscalYears.get(key);
      if (fy === undefined) {
        const n = relativeYear(v);
        fy = parseFiscalYear(v ?? null) ?? (n !== null && this.plan.fiscalYear !== null ? this.plan.fiscalYear + n - 1 : null);
        if (this.fiscalYears.size < 10_000) this.fiscalYears.set(typeof key === 'string' ? detach(key) : key, fy);
      }
      this.lastFiscalYearCell = v;
      this.lastFiscalYear = fy;
    }
    if (fy !== null) return fy;
    this.rowInvalid = true;
    this.issues.add(
      'error',
      'period.invalid',
      `${cellRef(r1, fyCol + 1)} should be a fiscal year (such as FY2026) but holds "${this.labels.info(v).text}".`,
      r1,
      fyCol + 1,
      'fiscal_year',
    );
    return this.plan.fiscalYear;
  }

  /** The row's currency: its own cell, else (also after reporting an invalid one) the plan's. */
  private rowCurrency(row: Row, r1: number): string {
    const currencyCol = this.plan.fields.currency;
    if (currencyCol === undefined || isBlank(row[currencyCol])) return this.plan.currency;
    const written = this.labels.infoAt(currencyCol, row[currencyCol]).text;
    let code = this.currencies.get(written);
    if (code === undefined) {
      code = currencyFromText(written) ?? (ISO_CURRENCY_CODES.has(written.toUpperCase()) ? written.toUpperCase() : null);
      if (this.currencies.size < 10_000) this.currencies.set(written, code);
    }
    if (code !== null) return code;
    this.rowInvalid = true;
    this.issues.add(
      'error',
      'currency.invalid',
      `${cellRef(r1, currencyCol + 1)} holds "${written}", which is not a currency. Use a code such as USD or EUR.`,
      r1,
      currencyCol + 1,
      'currency',
    );
    return this.plan.currency;
  }

  private periodOf(v: CellValue | undefined, fy: number | null): Period | null {
    let byValue = fy === this.periodYear ? this.periodsOfYear : this.periodCache.get(fy);
    if (!byValue) {
      byValue = new Map();
      this.periodCache.set(fy, byValue);
    }
    this.periodYear = fy;
    this.periodsOfYear = byValue;
    const key = v instanceof Date ? v.getTime() : v;
    let p = byValue.get(key);
    if (p === undefined) {
      p = parsePeriod(v ?? null, { fiscalYearStartMonth: this.plan.fiscalYearStartMonth, fiscalYear: fy });
      if (byValue.size < 100_000) byValue.set(typeof key === 'string' ? detach(key) : key, p);
    }
    return p;
  }

  /** The period of a long-layout row, or null after reporting why there is none. */
  private longPeriod(row: Row, r1: number, fiscalYear: number | null): Period | null {
    const { period: periodCol, fiscal_year: fyCol } = this.plan.fields;
    const fysm = this.plan.fiscalYearStartMonth;
    if (periodCol === undefined) return fiscalYear !== null ? yearPeriod(fiscalYear, fysm) : null;
    const v = row[periodCol];
    if (isBlank(v)) {
      if (fiscalYear !== null && fyCol !== undefined) return yearPeriod(fiscalYear, fysm);
      this.issues.add(
        'error',
        'field.missing',
        `Row ${r1} has no period (${cellRef(r1, periodCol + 1)} is empty).`,
        r1,
        periodCol + 1,
        'period',
      );
      return null;
    }
    const period = this.periodOf(v, fiscalYear);
    if (period === null) {
      this.issues.add(
        'error',
        'period.invalid',
        `${cellRef(r1, periodCol + 1)} holds "${this.labels.info(v).text}", which is not a period. Use a month such as 2026-01, a quarter such as 2026-Q1 or a fiscal year such as FY2026.`,
        r1,
        periodCol + 1,
        'period',
      );
    } else if (fyCol !== undefined && fiscalYear !== null && period.fiscalYear !== fiscalYear) {
      this.issues.add(
        'warning',
        'period.fiscal_year_mismatch',
        `Row ${r1}: ${period.key} belongs to fiscal year ${period.fiscalYear}, but ${cellRef(r1, fyCol + 1)} says ${fiscalYear}. Check the fiscal-year start month.`,
        r1,
        fyCol + 1,
        'fiscal_year',
      );
    }
    return period;
  }

  private longRow(
    row: Row,
    r1: number,
    department: LabelInfo | null,
    category: LabelInfo | null,
    project: LabelInfo,
    fiscalYear: number | null,
    currency: string,
    rowHasError: boolean,
  ): void {
    const period = this.longPeriod(row, r1, fiscalYear);
    const sides = this.plan.sides;
    if (sides) {
      this.sidesRow(row, r1, sides, department, category, project, period, currency, rowHasError);
      return;
    }
    const amountCol = this.plan.fields.amount;
    const parsed = amountCol !== undefined && this.amountAt(row, amountCol, r1, true);
    if (!parsed || period === null || rowHasError || department === null || category === null) return;
    const a = this.amount;
    const lineCurrency = currency === this.plan.currency && a.currency ? a.currency : currency;
    this.emit(
      r1,
      amountCol,
      department,
      category,
      project,
      period,
      a.minor,
      a.big,
      lineCurrency,
      row,
      a.plain ? row[amountCol] : undefined,
    );
  }

  /** Long layout with one amount column per side: a line for the side that is filled (both: a line for each). */
  private sidesRow(
    row: Row,
    r1: number,
    sides: { expense: number; revenue: number },
    department: LabelInfo | null,
    category: LabelInfo | null,
    project: LabelInfo,
    period: Period | null,
    currency: string,
    rowHasError: boolean,
  ): void {
    let filled = false;
    for (const side of ['expense', 'revenue'] as const) {
      const col = sides[side];
      if (isBlank(row[col])) continue;
      filled = true;
      if (!this.amountAt(row, col, r1, false) || period === null || rowHasError || department === null || category === null) continue;
      const a = this.amount;
      const lineCurrency = currency === this.plan.currency && a.currency ? a.currency : currency;
      this.side = side;
      this.emit(r1, col, department, category, project, period, a.minor, a.big, lineCurrency, row, a.plain ? row[col] : undefined);
      this.side = null;
    }
    if (!filled) {
      this.issues.add(
        'info',
        'amount.not_available',
        `Row ${r1} has no figure on either side (${cellRef(r1, sides.expense + 1)} and ${cellRef(r1, sides.revenue + 1)} are empty): no line.`,
        r1,
        sides.expense + 1,
        'amount',
      );
    }
  }

  /** Wide: one line per period column; a blank cell is no line. Total columns are checked against the row. */
  private wideRow(
    row: Row,
    r1: number,
    department: LabelInfo | null,
    category: LabelInfo | null,
    project: LabelInfo,
    fiscalYear: number | null,
    currency: string,
    rowHasError: boolean,
  ): void {
    const sum = new ExactSum();
    let allParsed = true;
    // Cells with more than two decimals were rounded one by one: their sum may differ from the rounded total by a cent each.
    let rounded = 0;
    const pending: {
      col: number;
      period: Period;
      minor: number;
      big: bigint | null;
      currency: string | null;
      plain: boolean;
      side: Direction | null;
    }[] = [];
    for (const pc of this.plan.periodColumns) {
      if (isBlank(row[pc.col])) continue;
      if (!this.amountAt(row, pc.col, r1, false)) {
        allParsed = false;
        continue;
      }
      const a = this.amount;
      sum.add(a.minor, a.big);
      if (a.rounded) rounded++;
      const period = pc.resolve(fiscalYear);
      if (period === null) {
        allParsed = false;
        continue;
      }
      pending.push({ col: pc.col, period, minor: a.minor, big: a.big, currency: a.currency, plain: a.plain, side: pc.direction ?? null });
    }
    for (const tc of this.plan.totalColumns) {
      const t = parseAmount(row[tc], this.plan.numberStyle ?? undefined);
      if (!t.ok || !allParsed) continue;
      const rowSum = sum.value();
      const slack = BigInt(rounded + (t.rounded ? 1 : 0));
      if (t.minor - rowSum <= slack && rowSum - t.minor <= slack) continue;
      this.issues.add(
        'warning',
        'total.mismatch',
        `Row ${r1}: the periods add up to ${formatMinor(rowSum)} but ${cellRef(r1, tc + 1)} ("${this.plan.labels[tc] ?? 'Total'}") says ${formatMinor(t.minor)}.`,
        r1,
        tc + 1,
        'amount',
      );
    }
    if (rowHasError || department === null || category === null) return;
    for (const p of pending) {
      const lineCurrency = currency === this.plan.currency && p.currency ? p.currency : currency;
      this.side = p.side;
      this.emit(r1, p.col, department, category, project, p.period, p.minor, p.big, lineCurrency, row, p.plain ? row[p.col] : undefined);
      this.side = null;
    }
  }

  /** Parses one amount cell into `this.amount`; reports what is wrong with it. False when there is no usable amount. */
  private amountAt(row: Row, col: number, r1: number, required: boolean): boolean {
    const v = row[col];
    const out = this.amount;
    const quick = quickMinor(v);
    if (!Number.isNaN(quick)) {
      if (quick > MAX_AMOUNT || quick < -MAX_AMOUNT) return this.outOfRange(r1, col, formatMinorNumber(quick));
      out.minor = quick;
      out.big = null;
      out.currency = null;
      out.plain = typeof v === 'string';
      out.rounded = false;
      return true;
    }
    let a = parseAmount(v, this.plan.numberStyle ?? undefined);
    if (!a.ok && a.reason === 'not_a_number') {
      const noted = amountWithNoteMark(v, this.plan.numberStyle ?? undefined);
      if (noted !== null) {
        a = noted.parse;
        this.noteMark(col, r1, noted.mark);
      }
    }
    if (a.ok) {
      if (a.minor > MAX_AMOUNT_MINOR || a.minor < -MAX_AMOUNT_MINOR) return this.outOfRange(r1, col, formatMinor(a.minor));
      if (a.rounded) {
        this.issues.add(
          'warning',
          'amount.rounded',
          `The amount in ${cellRef(r1, col + 1)} has more than two decimals; it was rounded to ${formatMinor(a.minor)}.`,
          r1,
          col + 1,
          'amount',
        );
      }
      const small = a.minor <= BigInt(QUICK_MINOR_MAX) && a.minor >= -BigInt(QUICK_MINOR_MAX);
      out.minor = small ? Number(a.minor) : Number.NaN;
      out.big = small ? null : a.minor;
      out.currency = a.currency;
      out.plain = false;
      out.rounded = a.rounded;
      return true;
    }
    if (a.reason === 'empty') {
      if (required) {
        this.issues.add(
          'error',
          'field.missing',
          `Row ${r1} has no amount (${cellRef(r1, col + 1)} is empty). Enter the budget, or delete the row.`,
          r1,
          col + 1,
          'amount',
        );
      }
      return false;
    }
    if (a.reason === 'formula_error') {
      this.formulaError(r1, col, String(v), 'amount');
      return false;
    }
    if (typeof v === 'string' && NOT_AVAILABLE.test(v.trim())) {
      this.issues.add(
        'info',
        'amount.not_available',
        `${cellRef(r1, col + 1)} holds "${v.trim()}" (no figure: not available or not published): no line.`,
        r1,
        col + 1,
        'amount',
      );
      return false;
    }
    this.issues.add(
      'error',
      'amount.invalid',
      `${cellRef(r1, col + 1)} should be an amount but holds "${this.labels.info(v).text}". Enter a number such as 1234.50.`,
      r1,
      col + 1,
      'amount',
    );
    return false;
  }

  /** Figures read without the note mark after them, per column: how many, the first cell, the marks seen. */
  private readonly noted = new Map<number, { count: number; row: number; marks: string[] }>();

  private noteMark(col: number, r1: number, mark: string): void {
    const seen = this.noted.get(col);
    if (seen === undefined) this.noted.set(col, { count: 1, row: r1, marks: [mark] });
    else {
      seen.count++;
      if (seen.marks.length < 4 && !seen.marks.includes(mark)) seen.marks.push(mark);
    }
  }

  /** One note per column whose figures carried footnote or flag marks: read without them, said once. */
  private reportNoteMarks(): void {
    for (const [col, { count, row, marks }] of this.noted) {
      const title = this.plan.labels[col] ? ` ("${this.plan.labels[col]}")` : '';
      this.issues.add(
        'info',
        'amount.note_mark',
        `Column ${columnName(col + 1)}${title}: ${count === 1 ? 'one figure carries a footnote or flag mark after it' : `${count} figures carry footnote or flag marks after them`} (${marks.map((m) => `"${m}"`).join(', ')}), as published tables print them, first in ${cellRef(row, col + 1)}. The figures are read without the marks; the notes they point to are not part of the budget.`,
        row,
        col + 1,
        'amount',
      );
    }
  }

  /** An amount beyond the largest one Budget Sync takes (so that sums of them stay storable): reported, no line. */
  private outOfRange(r1: number, col: number, shown: string): false {
    this.issues.add(
      'error',
      'amount.invalid',
      `${cellRef(r1, col + 1)} holds ${shown}, more than ${MAX_AMOUNT_TEXT}, the largest amount Budget Sync accepts. Check the cell for extra digits.`,
      r1,
      col + 1,
      'amount',
    );
    return false;
  }

  /** Direction of the row `dimensionSet` read last. */
  private rowDirection: Direction = 'expense';
  /** The row (1-based) whose dimension set was computed last, and that set: a wide row's lines share it. */
  private setRow = -1;
  private setSide: Direction | null = null;
  private lastSet: DimensionSet | null = null;

  /** The dimensions of `set` numbered as the `n`-th repeat of the same labels (one shared object per set and number). */
  private repeatSet(set: DimensionSet, n: number): DimensionSet {
    const key = `${set.id}#${n}`;
    let repeat = this.dimensionSets.get(key);
    if (repeat === undefined) {
      const base = { ...set.dimensions };
      delete base.repeat;
      repeat = { id: this.dimensionSets.size + 1, dimensions: Object.freeze({ ...base, repeat: String(n) }), codes: set.codes };
      this.dimensionSets.set(key, repeat);
    }
    return repeat;
  }

  /** A field's identity: its twin code when it has one, else its label. */
  private identity(label: LabelInfo, field: 'department' | 'category', row: Row): number {
    const codeCol = this.plan.roles.codeCols[field];
    if (codeCol === undefined) return this.labels.keyOf(label);
    const code = this.labels.infoAt(codeCol, row[codeCol]);
    return this.labels.keyOf(code.text === '' ? label : code);
  }

  /** The row's dimensions, codes and direction, as one shared object per distinct combination. */
  private dimensionSet(row: Row, proj: LabelInfo): DimensionSet {
    const { roles } = this.plan;
    const labels = this.labels;
    let direction = this.plan.direction;
    if (this.side !== null) direction = this.side;
    else if (roles.direction !== null) {
      const text = labels.infoAt(roles.direction.col, row[roles.direction.col]).text;
      const values = roles.direction.values;
      let said = values.get(text);
      // A value the sample did not hold (a revenue row past it) is read once, then remembered.
      if (said === undefined) {
        said = text === '' ? null : directionOfCell(text);
        values.set(text, said);
      }
      direction = said ?? direction;
    }
    this.rowDirection = direction;
    let key = `${labels.keyOf(proj)}|${direction === 'revenue' ? 1 : 0}`;
    for (const d of roles.dimensions) {
      const shown = labels.infoAt(d.col, row[d.col]);
      const code = d.codeCol === undefined ? NO_LABEL : labels.infoAt(d.codeCol, row[d.codeCol]);
      key += `|${labels.keyOf(code.text === '' ? shown : code)}`;
    }
    for (const f of ['department', 'category', 'project'] as const) {
      const c = roles.codeCols[f];
      if (c !== undefined) key += `|${labels.keyOf(labels.infoAt(c, row[c]))}`;
    }
    let set = this.dimensionSets.get(key);
    if (set !== undefined) return set;
    const dimensions: Record<string, string> = {};
    const codes: Record<string, string> = {};
    for (const d of roles.dimensions) {
      const shown = labels.infoAt(d.col, row[d.col]).text;
      dimensions[d.name] = shown;
      if (d.codeCol !== undefined) {
        const code = labels.infoAt(d.codeCol, row[d.codeCol]).text;
        if (code !== '') codes[d.name] = code;
        if (shown === '') dimensions[d.name] = code;
      }
    }
    for (const f of ['department', 'category', 'project'] as const) {
      const c = roles.codeCols[f];
      const code = c === undefined ? '' : labels.infoAt(c, row[c]).text;
      if (code !== '') codes[f] = code;
    }
    set = {
      id: this.dimensionSets.size + 1,
      dimensions: roles.dimensions.length === 0 ? NO_DIMENSIONS : Object.freeze(dimensions),
      codes: Object.keys(codes).length === 0 ? undefined : Object.freeze(codes),
    };
    this.dimensionSets.set(key, set);
    return set;
  }

  private formulaError(r1: number, col: number, shown: string, field: CanonicalField): void {
    this.issues.add(
      'error',
      'value.formula_error',
      `${cellRef(r1, col + 1)} shows the formula error ${shown}. Fix the formula in the spreadsheet and export again.`,
      r1,
      col + 1,
      field,
    );
  }

  /**
   * Adds a line, or reports it as a duplicate of an earlier one. `plainText` is the amount cell's text when
   * quickMinor read it, so it may serve as the line's amount as it is.
   */
  private emit(
    r1: number,
    col: number,
    dept: LabelInfo,
    cat: LabelInfo,
    proj: LabelInfo,
    period: Period,
    minor: number,
    big: bigint | null,
    currency: string,
    row: Row,
    plainText: CellValue | undefined,
  ): void {
    if (big !== null ? big < 0n : minor < 0) {
      this.issues.add(
        'warning',
        'amount.negative',
        `The amount in ${cellRef(r1, col + 1)} is negative (${big !== null ? formatMinor(big) : formatMinorNumber(minor)}). Budgets are usually positive: check it is meant as a reduction.`,
        r1,
        col + 1,
        'amount',
      );
    }
    const labels = this.labels;
    let set: DimensionSet | null = null;
    if (this.combined) {
      set = this.setRow === r1 && this.setSide === this.side ? this.lastSet : this.dimensionSet(row, proj);
      this.setSide = this.side;
    }
    this.setRow = r1;
    this.lastSet = set;
    const direction = set === null ? this.plan.direction : this.rowDirection;
    const deptKey = set === null ? labels.keyOf(dept) : this.identity(dept, 'department', row);
    const catKey = set === null ? labels.keyOf(cat) : this.identity(cat, 'category', row);
    // Recorded keys and pushed lines go together: the key's line number is its index in `lines`.
    let earlier = this.keys.firstLine(deptKey, catKey, set === null ? labels.keyOf(proj) : set.id, period.key);
    if (earlier >= 0 && set !== null && this.plan.roles.dimensions.some((d) => !d.rowKey)) {
      // A file classified by further dimensions whose rows agree on every one of them: the file itself does not
      // tell these items apart (a blank description), so they are kept as separate, numbered lines.
      const first = (this.lines[earlier] as BudgetLine).sourceRow;
      for (let n = 2; earlier >= 0; n++) {
        set = this.repeatSet(set, n);
        earlier = this.keys.firstLine(deptKey, catKey, set.id, period.key);
      }
      this.issues.add(
        'warning',
        'row.repeated',
        `Row ${r1} has the same labels as row ${first} (${keyText(dept, cat, proj, set, period)}) but its own figures: kept as a separate line, numbered "${set.dimensions.repeat}" (dimension "repeat"). Merge the rows if they are one item.`,
        r1,
        null,
      );
    }
    if (earlier >= 0) {
      const first = (this.lines[earlier] as BudgetLine).sourceRow;
      this.issues.add(
        'error',
        'row.duplicate',
        `Row ${r1} repeats ${keyText(dept, cat, proj, set, period)}, already on row ${first}. Keep one of them, or add them up.`,
        r1,
        null,
      );
      return;
    }
    // The same property order and kinds for every line: one hidden class for a million objects.
    const line: BudgetLine = {
      department: dept.text,
      category: cat.text,
      project: proj.text === '' ? null : proj.text,
      period: period.key,
      fiscalYear: period.fiscalYear,
      periodStart: period.start,
      periodEnd: period.end,
      amount: amountText(plainText, minor, big),
      currency,
      owner: this.rowOwner.text || null,
      notes: this.rowNotes.text || null,
      sourceRow: r1,
      sourceColumn: col + 1,
      dimensions: set === null ? NO_DIMENSIONS : set.dimensions,
      direction,
    };
    // Only files with twins give lines `codes`: a plain file's million lines keep one property fewer.
    if (this.combined) line.codes = set?.codes;
    this.lines.push(line);
    // A line named by its parent (no name of its own) does not show that the parent's rows have names.
    if (this.watchNames) {
      if (this.byParent) this.parentNamed.add(line);
      else for (const index of this.named.values()) index.texts.add(index.of(line));
    }
    const n = this.lines.length - 1;
    if (this.keys.bringsOtherGrain(period.grain)) reportOverlap(this.lines, this.keys, this.issues, n);
    if (n === this.amounts.length) {
      const grown = new Float64Array(n * 2);
      grown.set(this.amounts);
      this.amounts = grown;
    }
    this.amounts[n] = big !== null ? Number(big) : minor;
    this.total.add(minor, big);
  }
}

/** `period.overlap` when line `n` overlaps an earlier line of its triple: at the later line, naming the earlier row. */
function reportOverlap(lines: readonly BudgetLine[], keys: LineKeys, issues: IssueList, n: number): void {
  for (let i = keys.previousOfTriple(n); i >= 0; i = keys.previousOfTriple(i)) {
    const earlier = lines[i] as BudgetLine;
    const l = lines[n] as BudgetLine;
    if (!periodsOverlap(l, earlier)) continue;
    issues.add(
      'error',
      'period.overlap',
      overlapMessage(l, `${earlier.period} on row ${earlier.sourceRow}`, earlier.period),
      l.sourceRow,
      l.sourceColumn,
      'period',
    );
    return;
  }
}

/** A total row just skipped, with its figures: the row after it may restate them. */
interface LastTotal {
  r1: number;
  name: string;
  figures: Map<number, bigint>;
}

/** A row named like a total held back: its copy, figures, and the total it came right after. */
interface HeldTotal {
  r1: number;
  row: Row;
  name: string;
  figures: Map<number, bigint>;
  after: { r1: number; name: string };
}

interface PendingLabel {
  col: number;
  text: string;
  /** A classifying column (a project or a dimension, not the department). */
  dimension: boolean;
  /** The same label on a line. */
  of: (line: BudgetLine) => string;
}

interface PendingRow {
  r1: number;
  row: Row;
  figures: Map<number, bigint>;
  labels: PendingLabel[];
  /** Lines when it came: the rows below it are the lines from here. */
  lineIndex: number;
  dept: LabelInfo;
  proj: LabelInfo;
  catCol: number;
}

/** Lines summed by value column (0-based), with the first and last source rows. */
interface RunSum {
  sums: Map<number, bigint>;
  count: number;
  first: number;
  last: number;
}

function addToRun(run: RunSum, line: BudgetLine): void {
  const col = line.sourceColumn - 1;
  run.sums.set(col, (run.sums.get(col) ?? 0n) + (parseDecimal(line.amount) ?? 0n));
  if (run.count === 0 || line.sourceRow < run.first) run.first = line.sourceRow;
  if (line.sourceRow > run.last) run.last = line.sourceRow;
  run.count++;
}

/**
 * Whether a row's figures are the given sums, column by column (zeros and missing columns alike); each of the
 * `count` lines summed may differ by a cent from rounding, so that much is allowed.
 */
function sameFigures(figures: ReadonlyMap<number, bigint>, sums: ReadonlyMap<number, bigint>, count: number): boolean {
  const slack = BigInt(Math.max(1, count));
  let any = false;
  for (const col of new Set([...figures.keys(), ...sums.keys()])) {
    const d = (figures.get(col) ?? 0n) - (sums.get(col) ?? 0n);
    if (d > slack || d < -slack) return false;
    if ((figures.get(col) ?? 0n) !== 0n) any = true;
  }
  return any;
}

/** Whether the figures are, within 1% (and a cent a line), the sums between two prefix sums, column by column. */
function stretchIs(
  figures: ReadonlyMap<number, bigint>,
  from: ReadonlyMap<number, bigint>,
  to: ReadonlyMap<number, bigint>,
  count: number,
): boolean {
  let any = false;
  for (const col of new Set([...figures.keys(), ...to.keys()])) {
    const f = figures.get(col) ?? 0n;
    const d = f - ((to.get(col) ?? 0n) - (from.get(col) ?? 0n));
    const abs = f < 0n ? -f : f;
    const slack = BigInt(count) > abs / 100n ? BigInt(count) : abs / 100n;
    if (d > slack || d < -slack) return false;
    if (f !== 0n) any = true;
  }
  return any;
}

function rowsText(first: number, last: number): string {
  return first === last ? `row ${first}` : `rows ${first}–${last}`;
}

/** A line's key as people read it, for messages (only built when one is written). */
function keyText(dept: LabelInfo, cat: LabelInfo, proj: LabelInfo, set: DimensionSet | null, period: Period): string {
  const dims =
    set === null
      ? ''
      : Object.values(set.dimensions)
          .map((v) => ` / ${v}`)
          .join('');
  return `${dept.text} / ${cat.text}${proj.text ? ` / ${proj.text}` : ''}${dims} / ${period.key}`;
}

/** The amount as an exact two-decimal string: the cell's own text when it already is one. */
function amountText(plainText: CellValue | undefined, minor: number, big: bigint | null): string {
  if (big !== null) return formatMinor(big);
  if (typeof plainText === 'string' && isCanonicalMinorText(plainText, minor)) return detach(plainText);
  return formatMinorNumber(minor);
}
