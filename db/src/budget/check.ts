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
  ord: number;
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
 * Evaluates a batch of requests in one statement: $1 orgs, $2 departments, $3 categories, $4 projects (null =
 * lines without a project), one element per request; $5 each request's start date for each fiscal-year start
 * month, twelve per request (the org's own is picked here, so the org need not be read first). Each request
 * (`q`, numbered by `ord`) is evaluated in a LATERAL subquery whose CTEs are re-run per request:
 * `m` is every live line of the names, found through the natural-key index (lower(department),
 * lower(category), lower(coalesce(project, ''))) and read once: the line and the basis are both taken
 * from it, so no plan can reach the lines any other way. (With the basis reading budget_lines again,
 * a generic plan made while the table's statistics were stale — right after a large import — scanned
 * the org's whole fiscal year by the scope index: 5 ms instead of 0.1 ms on 10,000 lines.)
 * Of the lines whose [period_start, period_end] holds the request's start, the narrowest wins (a month
 * line over its quarter over its year). The basis sums lines of the same fiscal year and currency as
 * the matched line: `period` that line, `ytd` those starting no later than its end, `annual` all of
 * them; a line with no line_consumption row has consumed nothing. A request whose org does not exist
 * gets no row.
 */
const EVAL_SQL = `
SELECT q.ord::int AS ord, e.*
  FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[]) WITH ORDINALITY AS q(org_id, department, category, project, ord)
 CROSS JOIN LATERAL (
  WITH o AS (
    SELECT id, base_currency, control_level, tolerance_percent::text AS tolerance_percent, tolerance_amount::text AS tolerance_amount,
           missing_budget, control_basis, fiscal_year_start_month AS fysm, ($5::date[])[(q.ord - 1) * 12 + fiscal_year_start_month] AS at
      FROM organizations WHERE id = q.org_id
  ), m AS MATERIALIZED (
    SELECT b.id, b.period, b.period_start, b.period_end, b.fiscal_year, b.currency, b.department, b.category, b.project, b.amount
      FROM budget_lines b
     WHERE b.org_id = q.org_id AND b.deleted_at IS NULL
       AND lower(b.department) = lower(q.department) AND lower(b.category) = lower(q.category)
       AND lower(coalesce(b.project, '')) = lower(coalesce(q.project, ''))
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
           WHERE v.org_id = q.org_id AND (v.department IS NULL OR lower(v.department) = lower(q.department))
             AND (v.category IS NULL OR lower(v.category) = lower(q.category))) AS overrides
    FROM o LEFT JOIN l ON true LEFT JOIN g ON true
 ) e`;

/** A request of a batch: whose org, and what it asks. */
export interface EvalRequest {
  orgId: string;
  query: NormalizedQuery;
}

/**
 * Evaluates `requests` in one statement on `db` (the pool for checks; the reserving transaction's client
 * for a reservation). Each request gets its Evaluation, or the DomainError that answers it (an unknown
 * org, a currency mismatch); a failure of the statement itself rejects the whole batch.
 */
export async function evaluateBatch(
  db: pg.Pool | pg.PoolClient,
  requests: readonly EvalRequest[],
): Promise<Array<Evaluation | DomainError>> {
  // A named statement is planned once per connection: planning this query costs more than running it
  // (measured ~1.5 ms vs ~0.4 ms; a check averaged 2.1 ms unnamed, 0.8 ms named, on 48,000 lines).
  const dates: string[] = [];
  for (const r of requests) for (const p of r.query.periods) dates.push(p.start);
  const result = await db.query<EvalRow>({
    name: 'budget_sync_check_batch',
    text: EVAL_SQL,
    values: [
      requests.map((r) => r.orgId),
      requests.map((r) => r.query.department),
      requests.map((r) => r.query.category),
      requests.map((r) => r.query.project),
      dates,
    ],
  });
  const rows: Array<EvalRow | undefined> = new Array(requests.length);
  for (const row of result.rows) rows[row.ord - 1] = row;
  return requests.map((r, i) => {
    const row = rows[i];
    if (!row) return unknownOrg(r.orgId);
    try {
      return finish(row, r.query);
    } catch (e) {
      if (e instanceof DomainError) return e;
      throw e;
    }
  });
}

function unknownOrg(orgId: string): DomainError {
  return new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
}

/** Evaluates one request on `db`: the reserving transaction runs this after taking its lock. */
export async function evaluate(db: pg.Pool | pg.PoolClient, orgId: string, query: NormalizedQuery): Promise<Evaluation> {
  if (!isUuid(orgId)) throw unknownOrg(orgId);
  const [ev] = await evaluateBatch(db, [{ orgId, query }]);
  if (ev instanceof DomainError) throw ev;
  return ev as Evaluation;
}

/** The decision for one request, made by core's rules from the figures its row carries. */
function finish(row: EvalRow, query: NormalizedQuery): Evaluation {
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

/**
 * Is there budget for `q`? Read-only; one database round trip. Checks that arrive on the same pool while
 * the event loop is busy with other requests share that round trip (see CheckBatcher): under load, one
 * statement answers several of them.
 */
export async function checkBudget(pool: pg.Pool, orgId: string, q: BudgetQuery): Promise<CheckResult> {
  const query = normalizeQuery(q);
  if (!isUuid(orgId)) throw unknownOrg(orgId);
  return (await batcherFor(pool).evaluate({ orgId, query })).result;
}

/** Most requests one statement evaluates; more wait for the next statement, which starts at once. */
const MAX_BATCH = 64;

/**
 * Collects the checks made on one pool during one turn of the event loop and evaluates them in one
 * statement when the turn ends (setImmediate: after the turn's I/O callbacks, so every request whose bytes
 * arrived in the same turn joins). A lone request waits for nothing but the end of its own turn. Each
 * request gets its own answer or error; reading in one statement only means they see one snapshot. Where
 * setImmediate does not exist (Workers, a pool per request) a batch is flushed as a microtask.
 */
class CheckBatcher {
  private pending: Array<{ request: EvalRequest; resolve(e: Evaluation): void; reject(e: unknown): void }> = [];
  private scheduled = false;

  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  evaluate(request: EvalRequest): Promise<Evaluation> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      if (this.pending.length >= MAX_BATCH) this.flush();
      else if (!this.scheduled) {
        this.scheduled = true;
        defer(() => this.flush());
      }
    });
  }

  private flush(): void {
    this.scheduled = this.pending.length > MAX_BATCH;
    const batch = this.pending.splice(0, MAX_BATCH);
    if (this.scheduled) defer(() => this.flush());
    if (batch.length === 0) return;
    evaluateBatch(
      this.pool,
      batch.map((b) => b.request),
    ).then(
      (results) => {
        results.forEach((r, i) => {
          const b = batch[i] as (typeof batch)[number];
          if (r instanceof DomainError) b.reject(r);
          else b.resolve(r);
        });
      },
      (e: unknown) => {
        for (const b of batch) b.reject(e);
      },
    );
  }
}

const defer: (fn: () => void) => void =
  typeof globalThis.setImmediate === 'function' ? (fn) => void globalThis.setImmediate(fn) : (fn) => queueMicrotask(fn);

const batchers = new WeakMap<pg.Pool, CheckBatcher>();

function batcherFor(pool: pg.Pool): CheckBatcher {
  let b = batchers.get(pool);
  if (!b) {
    b = new CheckBatcher(pool);
    batchers.set(pool, b);
  }
  return b;
}
