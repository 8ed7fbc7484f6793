/**
 * Budget reads: the org's budget lines with what each has consumed, and sums by department, category or
 * period. Money is summed in SQL NUMERIC and leaves as decimal text.
 */
import { type RequestPeriod, resolveRequestPeriod } from '@budget-sync/core';
import type pg from 'pg';
import { DomainError } from '../errors.ts';
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
}

export interface BudgetListFilter {
  fiscalYear?: number;
  /** Case-insensitive exact name. */
  department?: string;
  category?: string;
  /** `YYYY-MM`, `YYYY-Qn`, `FYYYYY`: lines that lie within that period (a quarter lists its months and itself). */
  period?: string;
  /** 1..1000, default 100. */
  limit?: number;
  /** `nextCursor` of the previous page. */
  cursor?: string;
}

export interface BudgetSummaryRow {
  /** The department, category or period. */
  key: string;
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
async function scope(
  pool: pg.Pool,
  orgId: string,
  f: { fiscalYear?: number; department?: string; category?: string; period?: string },
): Promise<Scope> {
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
  return { where: where.join(' AND '), params };
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
            (b.amount - coalesce(c.reserved, 0.00) - coalesce(c.committed, 0.00) - coalesce(c.actual, 0.00))::text AS available
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

const GROUPS = {
  // Names group case-insensitively, as lines match; the key shows the first spelling in sort order.
  department: { key: 'min(b.department)', group: 'lower(b.department)', order: 'lower(min(b.department))' },
  category: { key: 'min(b.category)', group: 'lower(b.category)', order: 'lower(min(b.category))' },
  period: { key: 'b.period', group: 'b.period', order: 'min(b.period_start), max(b.period_end) - min(b.period_start), b.period' },
} as const;

/**
 * Budget and consumption summed by department, category or period. Lines of different currencies are
 * summed together only if the org mixes currencies under one key; budgets are normally in one currency.
 */
export async function budgetSummary(
  pool: pg.Pool,
  orgId: string,
  f: { by: 'department' | 'category' | 'period'; fiscalYear?: number; period?: string; department?: string },
): Promise<{ rows: BudgetSummaryRow[] }> {
  const g = GROUPS[f.by];
  if (g === undefined)
    throw new DomainError('input.invalid', `Summaries are by department, category or period, not ${JSON.stringify(f.by)}.`);
  const s = await scope(pool, orgId, f);
  const r = await pool.query<BudgetSummaryRow>(
    `SELECT key, budget::text AS budget, reserved::text AS reserved, committed::text AS committed, actual::text AS actual,
            (budget - reserved - committed - actual)::text AS available,
            coalesce(round(least(greatest((reserved + committed + actual) * 100 / nullif(budget, 0), -${MAX_UTILIZATION_PERCENT}), ${MAX_UTILIZATION_PERCENT}), 2), 0.00)::numeric(18, 2)::text AS "utilizationPercent"
       FROM (SELECT ${g.key} AS key, sum(b.amount) AS budget, coalesce(sum(c.reserved), 0.00) AS reserved,
                    coalesce(sum(c.committed), 0.00) AS committed, coalesce(sum(c.actual), 0.00) AS actual, row_number() OVER (ORDER BY ${g.order}) AS n
               FROM budget_lines b LEFT JOIN line_consumption c ON c.line_id = b.id
              WHERE ${s.where}
              GROUP BY ${g.group}) t
      ORDER BY n`,
    s.params,
  );
  return { rows: r.rows };
}
