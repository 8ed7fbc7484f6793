/**
 * checkBudget: "is there budget left for this?" Read-only, and on the hot path ONE statement: it finds the
 * org's settings, the overrides that apply, the budget line that covers the request and the summed
 * figures of the control basis; the decision is then made in JS by core's rules. reserveFunds runs the
 * same evaluation inside its transaction, after taking its lock.
 */
import {
  type ControlBasis,
  type ControlLevel,
  type ControlOverrideRule,
  decideControl,
  decideMissingBudget,
  describeScope,
  formatMinor,
  type MissingBudgetPolicy,
  type RequestPeriod,
  resolveControl,
} from '@budget-sync/core';
import type pg from 'pg';
import { DomainError } from '../errors.ts';
import { type BudgetQuery, isUuid, minor, type NormalizedQuery, normalizeQuery } from './common.ts';

export type { BudgetQuery } from './common.ts';

export interface CheckResult {
  decision: 'pass' | 'warn' | 'fail';
  controlLevel: ControlLevel;
  basis: ControlBasis;
  /** Money as decimal text; with `ytd`/`annual` basis, the lines of the basis summed. */
  budget: string;
  reserved: string;
  committed: string;
  actual: string;
  available: string;
  availableAfter: string;
  tolerance: string;
  currency: string;
  /** The budget line the request falls on; null when there is none (figures are then all "0.00"). */
  line: { id: string; period: string } | null;
  message: string;
}

/** What a check found, beyond the public result: reserveFunds needs the line's names and the request. */
export interface Evaluation {
  result: CheckResult;
  query: NormalizedQuery;
  /** The request's period resolved with the org's fiscal-year start. */
  period: RequestPeriod;
  line: { id: string; period: string; department: string; category: string; project: string | null; currency: string } | null;
}

interface EvalRow {
  base_currency: string;
  control_level: ControlLevel;
  tolerance_percent: string;
  tolerance_amount: string;
  missing_budget: MissingBudgetPolicy;
  control_basis: ControlBasis;
  fysm: number;
  line_id: string | null;
  line_period: string | null;
  line_fiscal_year: number | null;
  line_currency: string | null;
  line_department: string | null;
  line_category: string | null;
  line_project: string | null;
  budget: string | null;
  reserved: string | null;
  committed: string | null;
  actual: string | null;
  overrides: ControlOverrideRule[];
}

/*
 * $1 org, $2 department, $3 category, $4 project (null = lines without a project), $5 the request's start
 * date for each fiscal-year start month (the org's own is picked here, so the org need not be read first).
 * `m` is every live line of the names, found through the natural-key index (lower(department),
 * lower(category), lower(coalesce(project, ''))) and read once: the line and the basis are both taken
 * from it, so no plan can reach the lines any other way. (With the basis reading budget_lines again,
 * a generic plan made while the table's statistics were stale — right after a large import — scanned
 * the org's whole fiscal year by the scope index: 5 ms instead of 0.1 ms on 10,000 lines.)
 * Of the lines whose [period_start, period_end] holds the request's start, the narrowest wins (a month
 * line over its quarter over its year). The basis sums lines of the same fiscal year and currency as
 * the matched line: `period` that line, `ytd` those starting no later than its end, `annual` all of
 * them; a line with no line_consumption row has consumed nothing.
 */
const EVAL_SQL = `
WITH o AS (
  SELECT id, base_currency, control_level, tolerance_percent::text AS tolerance_percent, tolerance_amount::text AS tolerance_amount,
         missing_budget, control_basis, fiscal_year_start_month AS fysm, ($5::date[])[fiscal_year_start_month] AS at
    FROM organizations WHERE id = $1
), m AS MATERIALIZED (
  SELECT b.id, b.period, b.period_start, b.period_end, b.fiscal_year, b.currency, b.department, b.category, b.project, b.amount
    FROM budget_lines b
   WHERE b.org_id = $1 AND b.deleted_at IS NULL
     AND lower(b.department) = lower($2) AND lower(b.category) = lower($3)
     AND lower(coalesce(b.project, '')) = lower(coalesce($4::text, ''))
), l AS (
  SELECT m.id, m.period, m.period_end, m.fiscal_year, m.currency, m.department, m.category, m.project
    FROM m, o
   WHERE m.period_start <= o.at AND m.period_end >= o.at
   ORDER BY m.period_end - m.period_start, m.period_start DESC, m.id
   LIMIT 1
), g AS (
  SELECT sum(m.amount)::text AS budget, coalesce(sum(c.reserved), 0.00)::text AS reserved,
         coalesce(sum(c.committed), 0.00)::text AS committed, coalesce(sum(c.actual), 0.00)::text AS actual
    FROM o, l, m LEFT JOIN line_consumption c ON c.line_id = m.id
   WHERE m.fiscal_year = l.fiscal_year AND m.currency = l.currency
     AND CASE o.control_basis WHEN 'period' THEN m.id = l.id WHEN 'ytd' THEN m.period_start <= l.period_end ELSE true END
)
SELECT o.base_currency, o.control_level, o.tolerance_percent, o.tolerance_amount, o.missing_budget, o.control_basis, o.fysm,
       l.id AS line_id, l.period AS line_period, l.fiscal_year AS line_fiscal_year, l.currency AS line_currency,
       l.department AS line_department, l.category AS line_category, l.project AS line_project,
       g.budget, g.reserved, g.committed, g.actual,
       (SELECT coalesce(json_agg(json_build_object(
                 'department', v.department, 'category', v.category, 'controlLevel', v.control_level,
                 'tolerancePercent', v.tolerance_percent::text, 'toleranceAmount', v.tolerance_amount::text)), '[]'::json)
          FROM control_overrides v
         WHERE v.org_id = $1 AND (v.department IS NULL OR lower(v.department) = lower($2))
           AND (v.category IS NULL OR lower(v.category) = lower($3))) AS overrides
  FROM o LEFT JOIN l ON true LEFT JOIN g ON true`;

/** Runs the evaluation on `db` (the pool for a check; the reserving transaction's client for a reservation). */
export async function evaluate(db: pg.Pool | pg.PoolClient, orgId: string, query: NormalizedQuery): Promise<Evaluation> {
  if (!isUuid(orgId)) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  // A named statement is planned once per connection: planning this query costs more than running it
  // (measured ~1.5 ms vs ~0.4 ms; a check averaged 2.1 ms unnamed, 0.8 ms named, on 48,000 lines).
  const r = await db.query<EvalRow>({
    name: 'budget_sync_check',
    text: EVAL_SQL,
    values: [orgId, query.department, query.category, query.project, query.periods.map((p) => p.start)],
  });
  const row = r.rows[0];
  if (!row) throw new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
  const period = query.periods[row.fysm - 1] as RequestPeriod;
  const rule = resolveControl(
    { controlLevel: row.control_level, tolerancePercent: row.tolerance_percent, toleranceAmount: row.tolerance_amount },
    row.overrides,
    query.department,
    query.category,
  );
  const basis = row.control_basis;

  if (row.line_id === null) {
    const currency = query.currency ?? row.base_currency;
    const scope = describeScope({ department: query.department, category: query.category, project: query.project, period: period.key });
    const d = decideMissingBudget({ policy: row.missing_budget, amount: query.amount, currency, scope });
    const zero = '0.00';
    return {
      result: {
        decision: d.decision,
        controlLevel: rule.controlLevel,
        basis,
        budget: zero,
        reserved: zero,
        committed: zero,
        actual: zero,
        available: zero,
        availableAfter: zero,
        tolerance: zero,
        currency,
        line: null,
        message: d.message,
      },
      query,
      period,
      line: null,
    };
  }

  const line = {
    id: row.line_id,
    period: row.line_period as string,
    department: row.line_department as string,
    category: row.line_category as string,
    project: row.line_project,
    currency: row.line_currency as string,
  };
  if (query.currency !== null && query.currency !== line.currency) {
    throw new DomainError(
      'currency.mismatch',
      `The budget for ${describeScope({ ...line })} is in ${line.currency}, not ${query.currency}: convert the amount to ${line.currency} and ask again.`,
      { lineCurrency: line.currency, requestCurrency: query.currency },
    );
  }
  const figures = { budget: minor(row.budget), reserved: minor(row.reserved), committed: minor(row.committed), actual: minor(row.actual) };
  const d = decideControl({
    ...figures,
    amount: query.amount,
    controlLevel: rule.controlLevel,
    tolerancePercent: rule.tolerancePercent,
    toleranceAmount: minor(rule.toleranceAmount),
    currency: line.currency,
    scope: describeScope({ ...line, basis, fiscalYear: row.line_fiscal_year }),
  });
  return {
    result: {
      decision: d.decision,
      controlLevel: rule.controlLevel,
      basis,
      budget: formatMinor(figures.budget),
      reserved: formatMinor(figures.reserved),
      committed: formatMinor(figures.committed),
      actual: formatMinor(figures.actual),
      available: formatMinor(d.available),
      availableAfter: formatMinor(d.availableAfter),
      tolerance: formatMinor(d.tolerance),
      currency: line.currency,
      line: { id: line.id, period: line.period },
      message: d.message,
    },
    query,
    period,
    line,
  };
}

/** Is there budget for `q`? Read-only; one database round trip. */
export async function checkBudget(pool: pg.Pool, orgId: string, q: BudgetQuery): Promise<CheckResult> {
  return (await evaluate(pool, orgId, normalizeQuery(q))).result;
}
