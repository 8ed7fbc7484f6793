/**
 * The diff as people see it: the first lines of each kind of change in an import plan, with the values
 * before and after. The CLI, the API and the add-on show the same lines, so it is built once, here.
 */
import type { Direction } from '../analysis/types.ts';
import type { ImportPlan } from './plan.ts';

/** What every diff line carries beside its names: its further dimensions (`{}` when none) and direction. */
interface DiffIdentity {
  dimensions: Readonly<Record<string, string>>;
  /** Codes of code/name twins, when the line has any. */
  codes?: Readonly<Record<string, string>> | undefined;
  direction: Direction;
}

export interface DiffInserted extends DiffIdentity {
  department: string;
  category: string;
  project: string | null;
  period: string;
  amount: string;
  currency: string;
  row: number;
}

export interface DiffUpdated extends DiffIdentity {
  department: string;
  category: string;
  project: string | null;
  period: string;
  amountBefore: string;
  amountAfter: string;
  changes: string[];
  currencyBefore: string;
  currencyAfter: string;
  row: number;
}

export interface DiffRemoved extends DiffIdentity {
  department: string;
  category: string;
  project: string | null;
  period: string;
  amount: string;
  currency: string;
}

export interface ImportDiff {
  inserted: DiffInserted[];
  updated: DiffUpdated[];
  removed: DiffRemoved[];
}

/** The first `limit` lines of each kind of change in the plan (the plan's counts give the totals). */
export function importDiff(plan: ImportPlan, limit: number): ImportDiff {
  return {
    inserted: plan.inserts.slice(0, limit).map((l) => ({
      department: l.department,
      category: l.category,
      project: l.project,
      period: l.period,
      amount: l.amount,
      currency: l.currency,
      row: l.sourceRow,
      ...identity(l),
    })),
    updated: plan.updates.slice(0, limit).map((u) => ({
      department: u.stored.department,
      category: u.stored.category,
      project: u.stored.project,
      period: u.stored.period,
      amountBefore: u.stored.amount,
      amountAfter: u.line.amount,
      changes: [...u.changes],
      currencyBefore: u.stored.currency,
      currencyAfter: u.line.currency,
      row: u.line.sourceRow,
      ...identity(u.line),
    })),
    removed: plan.removes.slice(0, limit).map((s) => ({
      department: s.department,
      category: s.category,
      project: s.project,
      period: s.period,
      amount: s.amount,
      currency: s.currency,
      ...identity(s),
    })),
  };
}

function identity(l: {
  dimensions: Readonly<Record<string, string>>;
  codes?: Readonly<Record<string, string>> | null | undefined;
  direction: Direction;
}): DiffIdentity {
  return l.codes
    ? { dimensions: l.dimensions, codes: l.codes, direction: l.direction }
    : { dimensions: l.dimensions, direction: l.direction };
}
