/**
 * The import plan: what confirming an import would do to the stored budget — insert, update, leave
 * unchanged, remove — and the issues only the stored data can raise (lowering a budget below what is
 * already spent; a period overlapping a stored line's). The preview shows this plan and the import
 * applies exactly this plan, so the two cannot disagree. Pure: the stored lines come in as values.
 */
import { GRAIN_BITS, grainOfKey, overlapMessage, periodsOverlap } from '../analysis/overlap.ts';
import type { BudgetLine, Direction, Issue } from '../analysis/types.ts';
import { formatMinor, parseDecimal } from '../values/money.ts';
import { describeDimensions, dimensionIdentity, dimensionKey, dimensionsFingerprint, dimensionText } from './dimensions.ts';

export type ImportMode = 'merge' | 'replace';

/** A line as stored, with what is already consumed against it. */
export interface StoredLine {
  id: string;
  department: string;
  category: string;
  project: string | null;
  period: string;
  fiscalYear: number;
  /** First and last day of the period (`YYYY-MM-DD`), for `period.overlap`. */
  periodStart: string;
  periodEnd: string;
  amount: string;
  currency: string;
  owner: string | null;
  notes: string | null;
  version: number;
  /** reserved + committed + actual, decimal string. */
  consumed: string;
  /** Further dimensions (name → value shown), `{}` when none; part of the identity. */
  dimensions: Readonly<Record<string, string>>;
  /** Codes of code/name twins. */
  codes?: Readonly<Record<string, string>> | null | undefined;
  direction: Direction;
  /** dimensionKey(dimensions, codes) when already known (the database stores it); computed otherwise. */
  dimKey?: string | undefined;
}

export interface PlannedUpdate {
  line: BudgetLine;
  stored: StoredLine;
  /** Which values change. */
  changes: Array<'amount' | 'currency' | 'owner' | 'notes' | 'direction' | 'dimensions'>;
}

export interface ImportScope {
  fiscalYears: number[];
  /** Lower-cased department names. */
  departments: string[];
  /**
   * The dimensions the file has: lower-cased name → the identities (code, else value) of its lines,
   * sorted. A replace removes a stored line only if, for each of these names, the line holds one of the
   * file's values or lacks the dimension (see planImport).
   */
  dimensions: Record<string, string[]>;
}

export interface ImportPlan {
  mode: ImportMode;
  scope: ImportScope;
  inserts: BudgetLine[];
  updates: PlannedUpdate[];
  unchanged: number;
  /** Stored lines in the file's scope that the file lacks (replace mode only). */
  removes: StoredLine[];
  /** Issues found against the stored data (`budget.below_consumption`, `amount.too_large`, `period.overlap`). */
  issues: Issue[];
}

export interface ImportCounts {
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
}

/** NUMERIC(18,2) holds at most 16 digits before the point. */
const MAX_MINOR = 10n ** 18n - 1n;

/** Issues of one code listed at most, as the analysis caps them (a million-line file reports the first thousand). */
const PER_CODE_LIMIT = 1000;

/**
 * A line's identity apart from its period: department × category × project × further dimensions ×
 * direction, ignoring letter case (as duplicate detection does). `dimKey` is dimensionKey's text ('' without
 * dimensions), as the database's unique index has it. An expense line and a revenue line of the same names
 * are two lines (a department's parking fees earned and its parking costs), as the analysis counts them.
 * Lines of one identity are one budget: their periods must not overlap.
 */
export function identityKey(
  department: string,
  category: string,
  project: string | null,
  dimKey = '',
  direction: Direction = 'expense',
): string {
  const side = direction === 'revenue' ? '\u0000r' : '';
  return `${department.toLowerCase()}\u0000${category.toLowerCase()}\u0000${(project ?? '').toLowerCase()}\u0000${dimKey}${side}`;
}

/** The natural key: the identity × period. */
export function lineKey(
  department: string,
  category: string,
  project: string | null,
  period: string,
  dimKey = '',
  direction: Direction = 'expense',
): string {
  return `${identityKey(department, category, project, dimKey, direction)}\u0000${period}`;
}

/** What names a line: a file line's or a stored line's names, dimensions and period. */
export interface LineNames {
  department: string;
  category: string;
  project: string | null;
  period: string;
  dimensions: Readonly<Record<string, string>>;
  codes?: Readonly<Record<string, string>> | null | undefined;
  /** expense when absent. */
  direction?: Direction | undefined;
}

/** The natural key of a file line or a stored line. */
export function keyOf(l: LineNames & { dimKey?: string | undefined }): string {
  return lineKey(l.department, l.category, l.project, l.period, l.dimKey ?? dimensionKey(l.dimensions, l.codes), l.direction);
}

/** The identity (apart from the period) of a file line or a stored line. */
function identityOf(l: LineNames & { dimKey?: string | undefined }): string {
  return identityKey(l.department, l.category, l.project, l.dimKey ?? dimensionKey(l.dimensions, l.codes), l.direction);
}

/** The file's scope for `replace`: its fiscal years × departments × the values of the dimensions it has. */
export function importScope(lines: readonly BudgetLine[]): ImportScope {
  const years = new Set<number>();
  const departments = new Set<string>();
  const dims = new Map<string, Set<string>>();
  for (const l of lines) {
    years.add(l.fiscalYear);
    departments.add(l.department.toLowerCase());
    for (const name in l.dimensions) {
      const n = dimensionText(name);
      const values = dims.get(n) ?? new Set<string>();
      dims.set(n, values);
      values.add(dimensionIdentity(name, l.dimensions, l.codes));
    }
  }
  const dimensions: Record<string, string[]> = {};
  for (const n of [...dims.keys()].sort()) dimensions[n] = [...(dims.get(n) as Set<string>)].sort();
  return { fiscalYears: [...years].sort((a, b) => a - b), departments: [...departments].sort(), dimensions };
}

/**
 * Whether a replace may remove the stored line `s` that the file lacks: it lies in the file's fiscal
 * years and departments, and for every dimension the file has, it holds one of the file's values — or
 * does not have that dimension at all (a line of the whole department, which a file broken down by
 * fund now replaces). So a file for fund 6064 replaces fund 6064's lines and leaves the other funds' alone.
 */
export function inReplaceScope(s: StoredLine, scope: ImportScope, years: ReadonlySet<number>, departments: ReadonlySet<string>): boolean {
  if (!years.has(s.fiscalYear) || !departments.has(s.department.toLowerCase())) return false;
  for (const name in s.dimensions) {
    const values = scope.dimensions[dimensionText(name)];
    if (values !== undefined && !values.includes(dimensionIdentity(name, s.dimensions, s.codes))) return false;
  }
  return true;
}

/**
 * Compares the file's lines with the stored lines of its scope. `stored` must hold every live stored line
 * of the scope (for `merge`, lines outside the scope never match a file line anyway).
 */
export function planImport(lines: readonly BudgetLine[], stored: readonly StoredLine[], mode: ImportMode): ImportPlan {
  const scope = importScope(lines);
  const byKey = new Map<string, StoredLine>();
  for (const s of stored) byKey.set(keyOf(s), s);

  const plan: ImportPlan = { mode, scope, inserts: [], updates: [], unchanged: 0, removes: [], issues: [] };
  // Only a replace needs the keys the file has (to find the stored lines it lacks), and only lines that
  // may already be stored need a key at all: a first import of a million lines builds no key strings
  // (a Set of them alone was ≈250 MB).
  const seen = new Set<string>();
  const trackSeen = mode === 'replace' && stored.length > 0;
  for (const line of lines) {
    const minor = parseDecimal(line.amount);
    if (minor === null || minor > MAX_MINOR || minor < -MAX_MINOR) {
      plan.issues.push({
        severity: 'error',
        code: 'amount.too_large',
        message: `The amount in row ${line.sourceRow} (${line.amount}) is larger than Budget Sync can store (16 digits before the decimal point). Check the cell for extra digits.`,
        row: line.sourceRow,
        column: line.sourceColumn,
        field: 'amount',
      });
      continue;
    }
    if (byKey.size === 0) {
      plan.inserts.push(line);
      continue;
    }
    const key = keyOf(line);
    if (trackSeen) seen.add(key);
    const old = byKey.get(key);
    if (old === undefined) {
      plan.inserts.push(line);
      continue;
    }
    const changes: PlannedUpdate['changes'] = [];
    if (parseDecimal(old.amount) !== minor) changes.push('amount');
    if (old.currency !== line.currency) changes.push('currency');
    if ((old.owner ?? null) !== (line.owner ?? null)) changes.push('owner');
    if ((old.notes ?? null) !== (line.notes ?? null)) changes.push('notes');
    // Same identity, other spelling: a twin's name renamed beside its code. (Most lines have no dimensions:
    // the shared empty object, compared by reference, skips the comparison.)
    if (
      (old.dimensions !== line.dimensions || old.codes || line.codes) &&
      dimensionsFingerprint(old.dimensions, old.codes) !== dimensionsFingerprint(line.dimensions, line.codes)
    )
      changes.push('dimensions');
    if (changes.length === 0) {
      plan.unchanged++;
      continue;
    }
    plan.updates.push({ line, stored: old, changes });
    const consumed = parseDecimal(old.consumed) ?? 0n;
    if (minor < consumed) {
      plan.issues.push({
        severity: 'warning',
        code: 'budget.below_consumption',
        message: `Row ${line.sourceRow} lowers ${describeLine(line)} to ${line.amount}, below the ${formatMinor(consumed)} already reserved, committed or spent against it. Import anyway only if that overspend is intended.`,
        row: line.sourceRow,
        column: line.sourceColumn,
        field: 'amount',
      });
    }
  }

  // In replace mode the stored lines that stay are the ones the file has: only the file's own overlaps,
  // which the analysis reports, could remain.
  if (mode === 'merge' && stored.length > 0) plan.issues.push(...storedOverlaps(lines, stored));

  if (mode === 'replace') {
    const years = new Set(scope.fiscalYears);
    const departments = new Set(scope.departments);
    for (const s of stored) {
      if (!inReplaceScope(s, scope, years, departments)) continue;
      if (seen.has(keyOf(s))) continue;
      plan.removes.push(s);
      const consumed = parseDecimal(s.consumed) ?? 0n;
      if (consumed > 0n) {
        plan.issues.push({
          severity: 'warning',
          code: 'budget.below_consumption',
          message: `Replacing removes ${describeLine(s)}, which already has ${formatMinor(consumed)} reserved, committed or spent against it. Add the line to the file, or import in merge mode, unless removing it is intended.`,
          row: null,
          column: null,
        });
      }
    }
  }
  return plan;
}

/**
 * `period.overlap` between the file's lines and the stored lines a merge keeps: at the file's row, naming
 * the stored line. `stored` holds the file's fiscal years × departments, which is enough: overlapping
 * periods of one identity lie in one fiscal year. Stored lines are grouped by identity with a bit per
 * grain; periods of one grain are disjoint, so only a line whose identity is stored with another grain is
 * compared date by date.
 */
function storedOverlaps(lines: readonly BudgetLine[], stored: readonly StoredLine[]): Issue[] {
  const groups = new Map<string, { grains: number; lines: StoredLine[] }>();
  for (const s of stored) {
    const key = identityOf(s);
    let g = groups.get(key);
    if (g === undefined) {
      g = { grains: 0, lines: [] };
      groups.set(key, g);
    }
    g.grains |= GRAIN_BITS[grainOfKey(s.period)];
    g.lines.push(s);
  }
  const issues: Issue[] = [];
  let more = 0;
  for (const line of lines) {
    const g = groups.get(identityOf(line));
    if (g === undefined || (g.grains & ~GRAIN_BITS[grainOfKey(line.period)]) === 0) continue;
    const s = g.lines.find((x) => x.period !== line.period && periodsOverlap(line, x));
    if (s === undefined) continue;
    if (issues.length === PER_CODE_LIMIT) {
      more++;
      continue;
    }
    issues.push({
      severity: 'error',
      code: 'period.overlap',
      message: `${overlapMessage(line, `the stored line ${describeLine(s)} (id ${s.id})`, s.period)} To swap the stored breakdown for the file's, import in replace mode.`,
      row: line.sourceRow,
      column: line.sourceColumn,
      field: 'period',
    });
  }
  if (more > 0) {
    issues.push({
      severity: 'error',
      code: 'period.overlap',
      message: `…and ${more} more rows overlap stored lines (period.overlap); the first ${PER_CODE_LIMIT} are listed.`,
      row: null,
      column: null,
    });
  }
  return issues;
}

export function planCounts(plan: ImportPlan): ImportCounts {
  return { inserted: plan.inserts.length, updated: plan.updates.length, unchanged: plan.unchanged, removed: plan.removes.length };
}

export function planChangesNothing(plan: ImportPlan): boolean {
  return plan.inserts.length === 0 && plan.updates.length === 0 && plan.removes.length === 0;
}

/** `Parks / Salaries / Pools (fund 6064 General Fund) / 2026-01`: a line as messages and diffs name it. */
export function describeLine(l: Omit<LineNames, 'dimensions'> & { dimensions?: LineNames['dimensions'] | undefined }): string {
  const dims = describeDimensions(l.dimensions ?? {}, l.codes);
  return `${l.department} / ${l.category}${l.project ? ` / ${l.project}` : ''}${dims ? ` (${dims})` : ''} / ${l.period}`;
}
