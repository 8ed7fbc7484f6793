/**
 * Budget reads: the org's budget lines with what each has consumed, and sums by department, category or
 * period. Money is summed in SQL NUMERIC and leaves as decimal text.
 */
import { dimensionTerm, type Direction, type RequestPeriod, resolveRequestPeriod } from '@budget-sync/core';
import type pg from 'pg';
import { DomainError } from '../errors.ts';
import { type DepartmentLimit, departmentFilter } from '../departments.ts';
import { asDomain, isUuid, optionalText } from './common.ts';

export interface BudgetLineView {
  id: string;
  department: string;
  category: string;
  project: string | null;
  period: string;
  periodStart: string;
  periodEnd: string;
  fiscalYear: number;
  amount: string;
  currency: string;
  owner: string | null;
  notes: string | null;
  reserved: string;
  committed: string;
  actual: string;
  /** amount − reserved − committed − actual. */
  available: string;
  /** Further dimensions, name → value shown; `{}` when none. */
  dimensions: Record<string, string>;
  /** Codes of code/name twins (name → code), or null. */
  codes: Record<string, string> | null;
  direction: Direction;
}

/** What the list and the summary may be narrowed to. */
export interface BudgetFilter {
  fiscalYear?: number;
  /** Case-insensitive exact name. */
  department?: string;
  category?: string;
  /** `YYYY-MM`, `YYYY-Qn`, `FYYYYY`: lines that lie within that period (a quarter lists its months and itself). */
  period?: string;
  /** Lines holding every one of these dimensions: name → value or code, trimmed and case-insensitive (as checks match). */
  dimensions?: Record<string, string>;
  /** Only expense or only revenue lines. */
  direction?: Direction;
  /** The person's departments: only their lines are read (null/absent: all). */
  departments?: DepartmentLimit;
}

export interface BudgetListFilter extends BudgetFilter {
  /** 1..1000, default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface BudgetSummaryRow {
  /** The department, category, period or dimension value ('' for lines without that dimension). */
  key: string;
  /** Revenue is summed apart from expense, never into it. */
  direction: Direction;
  budget: string;
  reserved: string;
  committed: string;
  actual: string;
  available: string;
  /**
   * (reserved + committed + actual) / budget × 100, 2 decimals, held within ±MAX_UTILIZATION_PERCENT
   * (a tiny budget under a huge actual); "0.00" when the budget is zero.
   */
  utilizationPercent: string;
}

const DEFAULT_LIMIT = 100;
const MAX_LIMIT = 1000;

interface Scope {
  where: string;
  params: unknown[];
}

/**
 * The WHERE clause shared by the list and the summary. The period filter needs the org's fiscal-year
 * start, which is read first (these reads are not on the hot path). Throws org.not_found / period.invalid.
 */
async function scope(pool: pg.Pool, orgId: string, f: BudgetFilter): Promise<Scope> {
  if (!isUuid(orgId)) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  const org = await pool.query<{ fysm: number }>('SELECT fiscal_year_start_month AS fysm FROM organizations WHERE id = $1', [orgId]);
  const fysm = org.rows[0]?.fysm;
  if (fysm === undefined) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  const params: unknown[] = [orgId];
  const where = ['b.org_id = $1', 'b.deleted_at IS NULL'];
  if (f.fiscalYear !== undefined && f.fiscalYear !== null) {
    if (!Number.isInteger(f.fiscalYear))
      throw new DomainError('input.invalid', `The fiscal year must be a year such as 2026, not ${f.fiscalYear}.`);
    params.push(f.fiscalYear);
    where.push(`b.fiscal_year = $${params.length}`);
  }
  const department = optionalText(f.department, 'department');
  if (department !== null) {
    params.push(department);
    where.push(`lower(b.department) = lower($${params.length})`);
  }
  const limit = departmentFilter(f.departments);
  if (limit !== null) {
    params.push(limit);
    where.push(`lower(b.department) = ANY($${params.length}::text[])`);
  }
  const category = optionalText(f.category, 'category');
  if (category !== null) {
    params.push(category);
    where.push(`lower(b.category) = lower($${params.length})`);
  }
  const period = optionalText(f.period, 'period');
  if (period !== null) {
    const p: RequestPeriod = asDomain(() => resolveRequestPeriod({ period }, fysm));
    params.push(p.start, p.end);
    where.push(`b.period_start >= $${params.length - 1}::date AND b.period_end <= $${params.length}::date`);
  }
  const terms = filterTerms(f.dimensions);
  if (terms.length > 0) {
    params.push(terms);
    where.push(`b.dim_terms @> $${params.length}::text[]`);
  }
  if (f.direction !== undefined && f.direction !== null) {
    if (f.direction !== 'expense' && f.direction !== 'revenue') {
      throw new DomainError('input.invalid', `The direction is expense or revenue, not ${JSON.stringify(f.direction)}.`);
    }
    params.push(f.direction);
    where.push(`b.direction = $${params.length}`);
  }
  return { where: where.join(' AND '), params };
}

/** A filter's dimensions as match terms (core's dimensionTerm), as the checks match them. */
function filterTerms(dimensions: Record<string, string> | undefined): string[] {
  if (dimensions === undefined || dimensions === null) return [];
  if (typeof dimensions !== 'object' || Array.isArray(dimensions)) {
    throw new DomainError('input.invalid', 'The dimensions filter must be an object of names and values, such as {"fund": "6064"}.');
  }
  return Object.entries(dimensions).map(([name, value]) => {
    const v = optionalText(value, `dimension "${name}"`);
    if (name.trim() === '' || v === null) {
      throw new DomainError(
        'input.invalid',
        `A dimension filter needs a name and a value, such as {"fund": "6064"}; got ${JSON.stringify({ [name]: value })}.`,
      );
    }
    return dimensionTerm(name, v);
  });
}

/** The sort order of the list, also the keyset of its cursor (a line id: opaque to callers, stable across pages). */
const SORT_KEY = "lower(b.department), lower(b.category), lower(coalesce(b.project, '')), b.period_start, b.period_end, b.id";

/** The org's live budget lines with their consumption, sorted by department, category, project, period. */
export async function listBudgets(
  pool: pg.Pool,
  orgId: string,
  f: BudgetListFilter = {},
): Promise<{ lines: BudgetLineView[]; nextCursor: string | null }> {
  const limit = f.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1 || limit > MAX_LIMIT) {
    throw new DomainError('input.invalid', `The page size must be a whole number from 1 to ${MAX_LIMIT}, not ${limit}.`);
  }
  const s = await scope(pool, orgId, f);
  const params = [...s.params];
  let after = '';
  if (f.cursor !== undefined && f.cursor !== null && f.cursor !== '') {
    if (!isUuid(f.cursor)) throw new DomainError('input.invalid', 'The cursor is not one this API returned.');
    params.push(f.cursor);
    after = ` AND (${SORT_KEY}) > (SELECT ${SORT_KEY} FROM budget_lines b WHERE b.id = $${params.length} AND b.org_id = $1)`;
  }
  params.push(limit + 1);
  // Columns named as the view's fields, so rows are views as they come.
  const r = await pool.query<BudgetLineView>(
    `SELECT b.id, b.department, b.category, b.project, b.period, b.period_start AS "periodStart", b.period_end AS "periodEnd",
            b.fiscal_year AS "fiscalYear",
            b.amount::text AS amount, b.currency, b.owner, b.notes,
            coalesce(c.reserved, 0.00)::text AS reserved, coalesce(c.committed, 0.00)::text AS committed, coalesce(c.actual, 0.00)::text AS actual,
            (b.amount - coalesce(c.reserved, 0.00) - coalesce(c.committed, 0.00) - coalesce(c.actual, 0.00))::text AS available,
            b.dimensions, b.codes, b.direction
       FROM budget_lines b LEFT JOIN line_consumption c ON c.line_id = b.id
      WHERE ${s.where}${after}
      ORDER BY ${SORT_KEY}
      LIMIT $${params.length}`,
    params,
  );
  const lines = r.rows.slice(0, limit);
  return { lines, nextCursor: r.rows.length > limit ? (lines[lines.length - 1]?.id ?? null) : null };
}

/** The utilization a summary shows at most (either sign): beyond it the figure says nothing more. */
export const MAX_UTILIZATION_PERCENT = '999999.99';

interface Group {
  key: string;
  group: string;
  order: string;
}

const GROUPS: Record<'department' | 'category' | 'period', Group> = {
  // Names group case-insensitively, as lines match; the key shows the first spelling in sort order.
  department: { key: 'min(b.department)', group: 'lower(b.department)', order: 'lower(min(b.department))' },
  category: { key: 'min(b.category)', group: 'lower(b.category)', order: 'lower(min(b.category))' },
  period: { key: 'b.period', group: 'b.period', order: 'min(b.period_start), max(b.period_end) - min(b.period_start), b.period' },
};

/**
 * By a dimension: its identity (a twin's code, else its value) groups, as it identifies lines; the key
 * shows the first value shown in sort order; lines without the dimension sum under ''. `$n` is the
 * dimension's name, compared as identity compares it.
 */
function dimensionGroup(n: number): Group {
  const identity = `(SELECT trim(coalesce(nullif(trim(b.codes ->> d.key), ''), d.value)) FROM jsonb_each_text(b.dimensions) AS d WHERE lower(trim(d.key)) = $${n} LIMIT 1)`;
  const shown = `(SELECT d.value FROM jsonb_each_text(b.dimensions) AS d WHERE lower(trim(d.key)) = $${n} LIMIT 1)`;
  return { key: `coalesce(min(${shown}), '')`, group: `lower(coalesce(${identity}, ''))`, order: `lower(coalesce(min(${shown}), ''))` };
}

export interface BudgetSummaryFilter extends BudgetFilter {
  by: 'department' | 'category' | 'period' | 'dimension';
  /** With `by: 'dimension'`: which one (`fund`). */
  dimension?: string;
}

/**
 * Budget and consumption summed by department, category, period or a dimension, expense and revenue
 * apart (revenue rows after the expense ones). Lines of different currencies are summed together only if
 * the org mixes currencies under one key; budgets are normally in one currency.
 */
export async function budgetSummary(pool: pg.Pool, orgId: string, f: BudgetSummaryFilter): Promise<{ rows: BudgetSummaryRow[] }> {
  const s = await scope(pool, orgId, f);
  let g: Group | undefined;
  if (f.by === 'dimension') {
    const name = optionalText(f.dimension, 'dimension');
    if (name === null) throw new DomainError('input.invalid', 'A summary by dimension needs the dimension to sum by, such as "fund".');
    s.params.push(name.toLowerCase());
    g = dimensionGroup(s.params.length);
  } else {
    g = GROUPS[f.by];
  }
  if (g === undefined)
    throw new DomainError('input.invalid', `Summaries are by department, category, period or dimension, not ${JSON.stringify(f.by)}.`);
  // Roll-up reservations (held on no single line) count in the group that holds all their lines: a
  // department-level reservation in its department's row, a fund-level one in its fund's. One whose lines
  // the filters cut, or that spans several groups, is in none (see README, reservations at a level).
  const r = await pool.query<BudgetSummaryRow>(
    `WITH t AS (
       SELECT ${g.key} AS key, ${g.group} AS grp, b.direction, sum(b.amount) AS budget, coalesce(sum(c.reserved), 0.00) AS reserved,
              coalesce(sum(c.committed), 0.00) AS committed, coalesce(sum(c.actual), 0.00) AS actual,
              row_number() OVER (ORDER BY b.direction, ${g.order}) AS n
         FROM budget_lines b LEFT JOIN line_consumption c ON c.line_id = b.id
        WHERE ${s.where}
        GROUP BY b.direction, ${g.group}
     ), held AS (
       SELECT min(l.grp) AS grp, r.reserved, r.committed, r.actual
         FROM reservations r CROSS JOIN LATERAL unnest(r.line_ids) AS u(id)
         JOIN (SELECT b.id, ${g.group} AS grp FROM budget_lines b WHERE ${s.where} AND b.direction = 'expense') l ON l.id = u.id
        WHERE r.org_id = $1 AND r.line_id IS NULL AND r.line_ids IS NOT NULL
        GROUP BY r.id
       HAVING count(*) = cardinality(r.line_ids) AND count(DISTINCT l.grp) = 1
     ), rolled AS (
       SELECT grp, sum(reserved) AS reserved, sum(committed) AS committed, sum(actual) AS actual FROM held GROUP BY grp
     ), f AS (
       SELECT t.key, t.direction, t.budget, t.n, t.reserved + coalesce(rolled.reserved, 0) AS reserved,
              t.committed + coalesce(rolled.committed, 0) AS committed, t.actual + coalesce(rolled.actual, 0) AS actual
         FROM t LEFT JOIN rolled ON rolled.grp = t.grp AND t.direction = 'expense'
     )
     SELECT key, direction, budget::text AS budget, reserved::text AS reserved, committed::text AS committed, actual::text AS actual,
            (budget - reserved - committed - actual)::text AS available,
            coalesce(round(least(greatest((reserved + committed + actual) * 100 / nullif(budget, 0), -${MAX_UTILIZATION_PERCENT}), ${MAX_UTILIZATION_PERCENT}), 2), 0.00)::numeric(18, 2)::text AS "utilizationPercent"
       FROM f
      ORDER BY n`,
    s.params,
  );
  return { rows: r.rows };
}
