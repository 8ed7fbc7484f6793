/**
 * What the figures of a table DO, row by row, whatever language its titles are in: a balance that carries
 * from row to row, debits and credits that balance per entry, quantity × unit price = amount, one of two
 * money columns filled per row, a debit/credit mark, posting periods 13–16, hours per day, a second date
 * after the first. Kind detection (kind.ts) reads a file's kind from these, with the titles as support.
 *
 * These are tests on a sample of rows, not money arithmetic: amounts are compared in whole cents.
 */
import { parseAmount } from '../values/money.ts';
import type { CellValue, Row } from '../workbook.ts';
import { type ColumnProfile, ratio } from './profile.ts';

export interface ColumnPair {
  a: number;
  b: number;
}

export interface Structure {
  /** Columns of figures (0-based): amounts, quantities, prices; not dates, years or codes. */
  figures: number[];
  /** Two figure columns of which exactly one is filled on each row: money out / money in, debit / credit. */
  exclusivePairs: ColumnPair[];
  /** The balance column runs: each row's balance is the previous one plus or minus the row's amount. */
  runningBalance: { balance: number; flow: string; matched: number } | null;
  /** quantity × unit price = amount on (nearly) every row. */
  quantityTimesPrice: { quantity: number; price: number; total: number; matched: number } | null;
  /** A column marking each amount as debit or credit (`S`/`H`, `Af`/`Bij`, `DR`/`CR`…). */
  debitCreditMark: { col: number; values: string[] } | null;
  /** Rows sharing a voucher number whose debits and credits balance, entry by entry. */
  balancedEntries: { col: number; entries: number } | null;
  /** Total debits equal total credits over the whole table (a trial balance or a journal). */
  debitsEqualCredits: ColumnPair | null;
  /** Whole numbers 1–16, repeated, reaching 13 or more: closing periods (14–16 only a ledger has; 13 also a 13-period calendar). */
  postingPeriods: { col: number; max: number } | null;
  /** Numbers that read as hours worked (0–24, in quarter hours). */
  hours: number[];
  /** Two date columns, the second never before the first (ordered → shipped, invoiced → due). */
  datePair: ColumnPair | null;
  /** A column whose values repeat in runs of consecutive rows (an entry or order spanning several lines). */
  groupedColumns: number[];
}

const MAX_FIGURES = 30;

/** A sample of rows, each cell's figure in cents (or null), per column. */
type Figures = (number | null)[][];

function figureOf(value: CellValue | undefined, profile: ColumnProfile): number | null {
  if (value === null || value === undefined || value === '') return null;
  const parsed = parseAmount(value, profile.numberStyle ?? undefined);
  return parsed.ok ? Number(parsed.minor) : null;
}

function isFigureColumn(p: ColumnProfile): boolean {
  const n = p.nonEmpty - p.formulaErrors;
  return (
    n >= 2 &&
    ratio(p.numeric, n) >= 0.8 &&
    ratio(p.dates, n) < 0.5 &&
    ratio(p.fiscalYearLike, n) < 0.8 &&
    ratio(p.leadingZero, n) < 0.3 &&
    ratio(p.referenceIds, n) < 0.5
  );
}

/**
 * `skip`: columns that are not row figures (a wide layout's period columns, row totals). `entryColumns`: columns
 * whose titles say they number entries (voucher, journal, document): preferred when entries balance by several.
 */
export function tableStructure(
  rows: readonly Row[],
  profiles: readonly ColumnProfile[],
  skip: ReadonlySet<number>,
  entryColumns: ReadonlySet<number> = new Set(),
): Structure {
  const figures = profiles.filter((p) => !skip.has(p.col) && isFigureColumn(p)).map((p) => p.col);
  const cols = figures.slice(0, MAX_FIGURES);
  const values: Figures = [];
  for (const c of cols) values[c] = rows.map((r) => figureOf(r[c], profiles[c] as ColumnProfile));
  const at = (c: number): (number | null)[] => values[c] ?? [];
  const exclusivePairs = findExclusivePairs(cols, at, rows.length);
  const debitCreditMark = findDebitCreditMark(rows, profiles);
  const flows = flowsOf(cols, at, exclusivePairs, debitCreditMark, rows);
  return {
    figures,
    exclusivePairs,
    runningBalance: findRunningBalance(cols, at, flows),
    quantityTimesPrice: findQuantityTimesPrice(cols, at, rows.length),
    debitCreditMark,
    balancedEntries: findBalancedEntries(rows, profiles, flows, new Set(cols), entryColumns),
    debitsEqualCredits: findDebitsEqualCredits(exclusivePairs, at),
    postingPeriods: findPostingPeriods(rows, profiles, skip),
    hours: findHours(cols, at),
    datePair: findDatePair(rows, profiles),
    groupedColumns: findGroupedColumns(rows, profiles),
  };
}

function findExclusivePairs(cols: number[], at: (c: number) => (number | null)[], n: number): ColumnPair[] {
  const pairs: ColumnPair[] = [];
  for (let i = 0; i < cols.length; i++) {
    for (let j = i + 1; j < cols.length; j++) {
      const a = at(cols[i] as number);
      const b = at(cols[j] as number);
      let any = 0;
      let one = 0;
      let onlyA = 0;
      let onlyB = 0;
      for (let r = 0; r < n; r++) {
        const x = a[r] ?? 0;
        const y = b[r] ?? 0;
        if (x === 0 && y === 0) continue;
        any++;
        if (x !== 0 && y === 0) onlyA++;
        else if (y !== 0 && x === 0) onlyB++;
        if ((x === 0) !== (y === 0)) one++;
      }
      if (any >= 3 && one / any >= 0.95 && onlyA >= Math.max(1, any * 0.05) && onlyB >= Math.max(1, any * 0.05)) {
        pairs.push({ a: cols[i] as number, b: cols[j] as number });
      }
    }
  }
  return pairs;
}

const MARK_PAIRS: readonly (readonly [string, string])[] = [
  ['s', 'h'],
  ['soll', 'haben'],
  ['d', 'c'],
  ['dr', 'cr'],
  ['db', 'cr'],
  ['debit', 'credit'],
  ['debet', 'credit'],
  ['debe', 'haber'],
  ['cargo', 'abono'],
  ['dare', 'avere'],
  ['d', 'a'],
  ['af', 'bij'],
  ['dbit', 'crdt'],
  ['out', 'in'],
  ['-', '+'],
  ['withdrawal', 'deposit'],
  ['lastschrift', 'gutschrift'],
  ['debito', 'credito'],
  ['uscita', 'entrata'],
  ['salida', 'entrada'],
];

function findDebitCreditMark(rows: readonly Row[], profiles: readonly ColumnProfile[]): Structure['debitCreditMark'] {
  for (const p of profiles) {
    if (p.nonEmpty < 3 || p.text < p.nonEmpty * 0.9 || p.distinct > 3) continue;
    // Folded value → the value as the file writes it ("Af", "Bij"), for the reason shown.
    const seen = new Map<string, string>();
    for (const r of rows) {
      const v = r[p.col];
      if (typeof v === 'string' && v.trim() !== '' && !seen.has(v.trim().toLowerCase())) seen.set(v.trim().toLowerCase(), v.trim());
    }
    const folded = [...seen.keys()];
    const pair = MARK_PAIRS.find(([d, c]) => folded.every((v) => v === d || v === c));
    if (pair && seen.size === 2) return { col: p.col, values: [...seen.values()] };
  }
  return null;
}

interface Flow {
  name: string;
  /** The columns it is read from. */
  cols: number[];
  values: (number | null)[];
}

/** The candidate row amounts: each figure column, each debit/credit pair, each amount signed by its mark. */
function flowsOf(
  cols: number[],
  at: (c: number) => (number | null)[],
  pairs: ColumnPair[],
  mark: Structure['debitCreditMark'],
  rows: readonly Row[],
): Flow[] {
  const flows: Flow[] = cols.map((c) => ({ name: `col${c}`, cols: [c], values: at(c) }));
  for (const { a, b } of pairs) {
    const x = at(a);
    const y = at(b);
    flows.push({ name: `pair${a}-${b}`, cols: [a, b], values: x.map((v, r) => (v ?? 0) - (y[r] ?? 0)) });
  }
  if (mark) {
    const negative = new Set(MARK_PAIRS.map(([d]) => d));
    for (const c of cols) {
      const v = at(c);
      flows.push({
        name: `marked${c}`,
        cols: [c],
        values: v.map((x, r) => {
          const m = rows[r]?.[mark.col];
          if (x === null || typeof m !== 'string') return x;
          return negative.has(m.trim().toLowerCase()) ? -Math.abs(x) : Math.abs(x);
        }),
      });
    }
  }
  return flows;
}

function findRunningBalance(cols: number[], at: (c: number) => (number | null)[], flows: Flow[]): Structure['runningBalance'] {
  let best: Structure['runningBalance'] = null;
  for (const b of cols) {
    const bal = at(b);
    for (const f of flows) {
      if (f.cols.includes(b)) continue;
      for (const sign of [1, -1]) {
        for (const lag of [0, 1]) {
          let pairs = 0;
          let matched = 0;
          for (let r = 1; r < bal.length; r++) {
            const prev = bal[r - 1];
            const cur = bal[r];
            const flow = f.values[r - lag];
            if (prev === null || prev === undefined || cur === null || cur === undefined || !flow) continue;
            pairs++;
            if (cur - prev === sign * flow) matched++;
          }
          if (pairs >= 3 && matched / pairs >= 0.6 && matched >= 3 && (!best || matched > best.matched)) {
            best = { balance: b, flow: f.name, matched };
          }
        }
      }
    }
  }
  return best;
}

function findQuantityTimesPrice(cols: number[], at: (c: number) => (number | null)[], n: number): Structure['quantityTimesPrice'] {
  let best: Structure['quantityTimesPrice'] = null;
  for (let i = 0; i < cols.length; i++) {
    for (let j = i + 1; j < cols.length; j++) {
      const q = at(cols[i] as number);
      const p = at(cols[j] as number);
      for (const t of cols) {
        if (t === cols[i] || t === cols[j]) continue;
        const total = at(t);
        let rows = 0;
        let matched = 0;
        let nontrivial = 0;
        for (let r = 0; r < n; r++) {
          const x = q[r];
          const y = p[r];
          const z = total[r];
          if (x === null || x === undefined || y === null || y === undefined || z === null || z === undefined || z === 0) continue;
          rows++;
          const product = (x * y) / 100;
          if (Math.abs(product - z) <= Math.max(1, Math.abs(z) * 0.005)) {
            matched++;
            if (Math.abs(x) !== 100 && Math.abs(y) !== 100) nontrivial++;
          }
        }
        if (rows >= 3 && matched / rows >= 0.8 && nontrivial >= 2 && (!best || matched > best.matched)) {
          // The quantity is the column of whole numbers (more often); the other is the price.
          const whole = (v: (number | null)[]) => v.filter((x) => x !== null && x % 100 === 0).length;
          const [quantity, price] = whole(q) >= whole(p) ? [cols[i] as number, cols[j] as number] : [cols[j] as number, cols[i] as number];
          best = { quantity, price, total: t, matched };
        }
      }
    }
  }
  return best;
}

function findBalancedEntries(
  rows: readonly Row[],
  profiles: readonly ColumnProfile[],
  flows: Flow[],
  figureCols: Set<number>,
  entryColumns: ReadonlySet<number>,
): Structure['balancedEntries'] {
  let best: Structure['balancedEntries'] = null;
  let bestScore = 0;
  for (const p of profiles) {
    if (figureCols.has(p.col) || p.nonEmpty < 4 || p.distinct >= p.nonEmpty || p.distinct < 2) continue;
    // Runs of consecutive rows sharing this column's value; the last run may be cut by the sample.
    const runs: [number, number][] = [];
    let start = 0;
    for (let r = 1; r <= rows.length; r++) {
      const key = (v: CellValue | undefined) => (v === null || v === undefined ? '' : String(v));
      if (r === rows.length || key(rows[r]?.[p.col]) !== key(rows[start]?.[p.col])) {
        if (r - start >= 2 && key(rows[start]?.[p.col]) !== '') runs.push([start, r]);
        start = r;
      }
    }
    if (runs.length > 0 && runs[runs.length - 1]?.[1] === rows.length) runs.pop();
    if (runs.length < 2) continue;
    for (const f of flows) {
      let balanced = 0;
      for (const [s, e] of runs) {
        let sum = 0;
        let nonzero = 0;
        for (let r = s; r < e; r++) {
          const v = f.values[r] ?? 0;
          sum += v;
          if (v !== 0) nonzero++;
        }
        if (sum === 0 && nonzero >= 2) balanced++;
      }
      const score = balanced + (entryColumns.has(p.col) && ratio(p.dates, p.nonEmpty) < 0.5 ? 0.5 : 0);
      if (balanced >= 2 && balanced / runs.length >= 0.7 && score > bestScore) {
        best = { col: p.col, entries: balanced };
        bestScore = score;
      }
    }
  }
  return best;
}

function findDebitsEqualCredits(pairs: ColumnPair[], at: (c: number) => (number | null)[]): ColumnPair | null {
  for (const pair of pairs) {
    const sum = (v: (number | null)[]) => v.reduce<number>((s, x) => s + (x ?? 0), 0);
    const a = sum(at(pair.a));
    if (a !== 0 && a === sum(at(pair.b))) return pair;
  }
  return null;
}

function findPostingPeriods(
  rows: readonly Row[],
  profiles: readonly ColumnProfile[],
  skip: ReadonlySet<number>,
): Structure['postingPeriods'] {
  for (const p of profiles) {
    // Periods repeat (several accounts each period); a column numbering the rows 1, 2, 3… does not.
    if (skip.has(p.col) || p.nonEmpty < 5 || p.numeric < p.nonEmpty * 0.95 || p.distinct < 3 || p.distinct > 16) continue;
    if (p.distinct > p.nonEmpty / 2) continue;
    let max = 0;
    let whole = true;
    for (const r of rows) {
      const v = figureOf(r[p.col], p);
      if (v === null) continue;
      if (v % 100 !== 0 || v < 100 || v > 1600) whole = false;
      max = Math.max(max, v / 100);
    }
    if (whole && max >= 13) return { col: p.col, max };
  }
  return null;
}

function findHours(cols: number[], at: (c: number) => (number | null)[]): number[] {
  return cols.filter((c) => {
    const v = at(c).filter((x): x is number => x !== null && x !== 0);
    if (v.length < 3) return false;
    const inDay = v.filter((x) => x > 0 && x <= 2400 && x % 25 === 0).length;
    const fractional = v.some((x) => x % 100 !== 0);
    const sorted = [...v].sort((a, b) => a - b);
    const median = sorted[Math.floor(sorted.length / 2)] ?? 0;
    return inDay / v.length >= 0.9 && median <= 1200 && fractional;
  });
}

const DAY_NUMBER = [/^(\d{4})-(\d{2})-(\d{2})/, /^(\d{4})(\d{2})(\d{2})$/];

function dayNumber(value: CellValue | undefined, dayFirst: boolean): number | null {
  if (value instanceof Date) return Math.round(value.getTime() / 86_400_000);
  const s = typeof value === 'number' ? String(value) : typeof value === 'string' ? value.trim() : '';
  for (const re of DAY_NUMBER) {
    const m = re.exec(s);
    if (m) return Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])) / 86_400_000;
  }
  const m = /^(\d{1,2})[/.-](\d{1,2})[/.-](\d{2,4})$/.exec(s);
  if (!m) return null;
  const year = (m[3] as string).length === 2 ? 2000 + Number(m[3]) : Number(m[3]);
  const [d, mo] = dayFirst ? [Number(m[1]), Number(m[2])] : [Number(m[2]), Number(m[1])];
  return Date.UTC(year, mo - 1, d) / 86_400_000;
}

function findDatePair(rows: readonly Row[], profiles: readonly ColumnProfile[]): ColumnPair | null {
  const dateCols = profiles.filter((p) => p.nonEmpty >= 3 && ratio(p.dates, p.nonEmpty) >= 0.8).map((p) => p.col);
  for (let i = 0; i < dateCols.length; i++) {
    for (let j = i + 1; j < dateCols.length; j++) {
      const a = dateCols[i] as number;
      const b = dateCols[j] as number;
      const dayFirst = !rows.some((r) =>
        [r[a], r[b]].some((v) => typeof v === 'string' && /^\d{1,2}[/.-](1[3-9]|2\d|3[01])[/.-]/.test(v.trim())),
      );
      let both = 0;
      let after = 0;
      let later = 0;
      for (const r of rows) {
        const x = dayNumber(r[a], dayFirst);
        const y = dayNumber(r[b], dayFirst);
        if (x === null || y === null) continue;
        both++;
        if (y >= x) after++;
        if (y > x) later++;
      }
      if (both >= 3 && after / both >= 0.9 && later >= Math.max(2, both * 0.3)) return { a, b };
    }
  }
  return null;
}

function findGroupedColumns(rows: readonly Row[], profiles: readonly ColumnProfile[]): number[] {
  return profiles
    .filter((p) => {
      if (p.nonEmpty < 4 || p.distinct < 2 || p.distinct > p.nonEmpty * 0.7) return false;
      const vals = rows.map((r) => r[p.col]).filter((v) => v !== null && v !== undefined && v !== '');
      let runs = 1;
      for (let i = 1; i < vals.length; i++) if (String(vals[i]) !== String(vals[i - 1])) runs++;
      // Each value appears in one run: the rows of an entry (or an order) stay together.
      return runs === p.distinct;
    })
    .map((p) => p.col);
}
