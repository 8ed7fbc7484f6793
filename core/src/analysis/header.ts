/**
 * Finding the header row: the row an analyst would call "the column titles" — under title rows,
 * blank rows and notes, above rows of data. A header may span two rows (a group row such as
 * "FY2026" or "Q1" above "Jan Feb Mar", or "Cost" above "Center").
 */
import { matchHeader } from './fields.ts';
import { cellText, normalizeHeader } from './normalize.ts';
import { headerPeriodInfo } from './period-columns.ts';
import { NOT_BUDGET_MEASURE } from './synonyms.ts';
import { isFormulaError } from './profile.ts';
import { amountWithNoteMark, parseAmount } from '../values/money.ts';
import type { Row } from '../workbook.ts';

export interface HeaderCandidate {
  /** 0-based row indexes of the header (one or two rows). */
  rows: number[];
  /** Header text per 0-based column ('' where blank). */
  labels: string[];
  /** Raw header cells of the last header row (dates kept as dates for period headers). */
  cells: Row;
  score: number;
  knownFields: number;
  periodHeaders: number;
  reason: string;
}

const MAX_HEADER_SEARCH = 40;

function nonEmpty(row: Row): number {
  let n = 0;
  for (const v of row) if (v !== null && v !== undefined && !(typeof v === 'string' && v.trim() === '')) n++;
  return n;
}

function isNumberCell(v: unknown): boolean {
  if (typeof v === 'number') return true;
  if (typeof v !== 'string') return false;
  // A figure with a footnote mark after it (`1,234 (a)`) is a figure too.
  return parseAmount(v).ok || amountWithNoteMark(v) !== null;
}

/** How much a row looks like data: several cells, at least one of them a number. */
function dataLikeness(row: Row): number {
  const n = nonEmpty(row);
  if (n < 2) return 0;
  let numbers = 0;
  for (const v of row) if (isNumberCell(v) || isFormulaError(v)) numbers++;
  return numbers > 0 ? 1 : 0.3;
}

interface RowScore {
  score: number;
  knownFields: number;
  periodHeaders: number;
  textCells: number;
  cells: number;
  numberCells: number;
}

/** Prose, not a column title: "We expect costs to stay flat." (a CSV splits sentences at their commas). */
function isSentence(label: string): boolean {
  const words = label.split(/\s+/).length;
  return words >= 7 || (words >= 3 && /[.!?]$/.test(label));
}

function scoreLabels(labels: readonly string[], raw: Row, fiscalYearStartMonth: number): RowScore {
  let cells = 0;
  let textCells = 0;
  let knownFields = 0;
  let periodHeaders = 0;
  let numberCells = 0;
  const distinct = new Set<string>();
  for (let c = 0; c < labels.length; c++) {
    const label = labels[c] ?? '';
    if (label === '') continue;
    // A merged cell repeats its text over the columns it spans ("Organisation" over two columns): one title.
    if (c > 0 && label === labels[c - 1]) continue;
    cells++;
    distinct.add(label);
    const v = raw[c];
    if (headerPeriodInfo(v ?? label, fiscalYearStartMonth) !== null) {
      periodHeaders++;
      continue;
    }
    if (isNumberCell(v ?? label)) {
      numberCells++;
      continue;
    }
    if (typeof v === 'string' || v === undefined || v === null) {
      // "Budget Period:" labels a value beside it (a form), it does not title a column.
      if (label.endsWith(':')) continue;
      if (label.length <= 60 && !isSentence(label)) textCells++;
      const best = matchHeader(normalizeHeader(label))[0];
      if (best && best.score >= 0.7) knownFields++;
    }
  }
  // Column titles are words, not figures: every figure in the row counts against it.
  let score = knownFields * 3 + Math.min(periodHeaders, 12) * 1.5 + textCells * 0.5 - numberCells * 2;
  if (cells < 2) score -= 5;
  if (distinct.size === 1 && cells > 1) score -= 5; // a merged title repeated across the row
  if (cells > 0 && textCells + periodHeaders < cells * 0.6) score -= 3; // mostly numbers: data, not titles
  return { score, knownFields, periodHeaders, textCells, cells, numberCells };
}

function distinctTexts(row: Row): number {
  const seen = new Set<string>();
  for (const v of row) {
    const t = cellText(v);
    if (t !== '') seen.add(t);
  }
  return seen.size;
}

function labelsOf(row: Row): string[] {
  const out: string[] = [];
  for (let c = 0; c < row.length; c++) out.push(cellText(row[c]));
  return out;
}

/** Two-row header: the top row's group labels carried right over blank cells, joined to the row below. */
function combineLabels(top: Row, bottom: Row): string[] {
  const width = Math.max(top.length, bottom.length);
  const out: string[] = [];
  let carried = '';
  for (let c = 0; c < width; c++) {
    const t = cellText(top[c]);
    if (t !== '') carried = t;
    const b = cellText(bottom[c]);
    const upper = t !== '' ? t : b !== '' ? carried : '';
    out.push(upper && b && upper !== b ? `${upper} ${b}` : b || upper);
  }
  return out;
}

/**
 * Group headings over period columns (`Ergebnis(€)` over 2024, `Haushaltsansatz(€)` over 2025..2027,
 * `Actual` / `Budget` over the years): each period column takes the heading at or left of it, carried
 * over the blank cells a merged heading leaves, so that "Ergebnis(€) 2024" says the year is an actual.
 * Other columns keep their own titles. Only a row that calls some years actuals (results, executed,
 * Ist) is used so: a plan heading (`FY2026 monthly budget`) adds nothing the years do not say.
 * Null when the row above marks no period column as actual.
 */
function groupedPeriodLabels(above: Row, row: Row, labels: readonly string[], fiscalYearStartMonth: number): string[] | null {
  if (nonEmpty(above) === 0 || above.some((v) => isNumberCell(v))) return null;
  let carried = '';
  let grouped = false;
  const out = labels.slice();
  for (let c = 0; c < row.length; c++) {
    const t = cellText(above[c]);
    const cell = row[c];
    if (headerPeriodInfo(cell ?? labels[c] ?? '', fiscalYearStartMonth) === null) {
      carried = '';
      continue;
    }
    if (t !== '') carried = t;
    if (carried !== '' && carried !== labels[c]) {
      out[c] = `${carried} ${labels[c]}`;
      if (
        normalizeHeader(carried)
          .split(' ')
          .some((w) => NOT_BUDGET_MEASURE.has(w))
      )
        grouped = true;
    }
  }
  return grouped ? out : null;
}

/**
 * Whether a text of the row comes again in the same column of the rows below it: the row is data (a heading
 * row `General Fund, Parks` over rows of that fund, or a first line whose amount is not a number), since a
 * column title does not repeat among the column's values.
 */
function repeatedBelow(row: Row, rows: readonly Row[], r: number): boolean {
  for (let c = 0; c < row.length; c++) {
    const t = cellText(row[c]);
    if (t === '' || isNumberCell(row[c])) continue;
    for (let k = r + 1; k < Math.min(rows.length, r + 9); k++) if (cellText(rows[k]?.[c]) === t) return true;
  }
  return false;
}

/** Chooses the header row among the first rows of a sheet. `rows` are the sheet's head rows. */
export function findHeader(rows: readonly Row[], fiscalYearStartMonth: number): HeaderCandidate | null {
  let best: HeaderCandidate | null = null;
  const limit = Math.min(rows.length, MAX_HEADER_SEARCH);
  for (let r = 0; r < limit; r++) {
    const row = rows[r] ?? [];
    if (nonEmpty(row) < 2 && rows.length > 1) continue;
    const labels = labelsOf(row);
    const s = scoreLabels(labels, row, fiscalYearStartMonth);
    // The rows below should look like data.
    let below = 0;
    let looked = 0;
    for (let k = r + 1; k < rows.length && looked < 8; k++) {
      const next = rows[k] ?? [];
      if (nonEmpty(next) === 0) continue;
      looked++;
      below += dataLikeness(next);
    }
    let score = s.score + (looked > 0 ? (below / looked) * 4 : -2);
    let headerRows = [r];
    let finalLabels = labels;
    let reasonExtra = '';
    // Consider the row above as the first half of a two-row header.
    if (r > 0) {
      const above = rows[r - 1] ?? [];
      const grouped = s.periodHeaders >= 2 ? groupedPeriodLabels(above, row, labels, fiscalYearStartMonth) : null;
      if (grouped) {
        headerRows = [r - 1, r];
        finalLabels = grouped;
        reasonExtra = ` under the headings of row ${r} above it`;
      } else if (s.numberCells === 0 && distinctTexts(above) >= 2 && dataLikeness(above) < 1 && !repeatedBelow(row, rows, r)) {
        const combined = combineLabels(above, row);
        const cs = scoreLabels(combined, row, fiscalYearStartMonth);
        if (cs.knownFields > s.knownFields) {
          score = cs.score + (looked > 0 ? (below / looked) * 4 : -2) + 0.5;
          headerRows = [r - 1, r];
          finalLabels = combined;
          reasonExtra = ` together with row ${r} above it`;
          s.knownFields = cs.knownFields;
        }
      }
    }
    if (!best || score > best.score + 1e-9) {
      const parts: string[] = [];
      if (s.knownFields > 0) parts.push(`${s.knownFields} column title${s.knownFields > 1 ? 's' : ''} Budget Sync recognizes`);
      if (s.periodHeaders > 0) parts.push(`${s.periodHeaders} period column${s.periodHeaders > 1 ? 's' : ''}`);
      if (looked > 0 && below / looked >= 0.5) parts.push('rows of figures below it');
      const first = headerRows[0] ?? r;
      const skipped =
        first === 0
          ? ''
          : first === 1
            ? ' The row above it is a title or blank.'
            : ` The ${first} rows above it are titles, notes or blank.`;
      best = {
        rows: headerRows,
        labels: finalLabels,
        cells: row,
        score,
        knownFields: s.knownFields,
        periodHeaders: s.periodHeaders,
        reason: `Row ${r + 1}${reasonExtra} holds the column titles: ${parts.join(', ') || 'text labels'}.${skipped}`,
      };
    }
  }
  return best;
}
