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
  TERM_SEPARATOR,
} from '@budget-sync/core';
import type pg from 'pg';
import { DomainError } from '../errors.ts';
import { type DepartmentLimit, requireDepartment } from '../departments.ts';
import { type BudgetQuery, isUuid, minor, type NormalizedQuery, normalizeQuery } from './common.ts';
import { literal } from './pipeline.ts';

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
  /**
   * The budget line the request falls on when it is one line; null for a roll-up of several lines (see
   * `lines`) and when there is none (`lines` 0: the figures are then all "0.00").
   */
  line: { id: string; period: string } | null;
  /** How many expense lines the request draws on (the budget's lines in the `period` basis). */
  lines: number;
  /** The level asked about: the names and dimensions the request gave, and the period it resolved to. */
  level: { department: string; category: string | null; project: string | null; dimensions: Record<string, string>; period: string };
  message: string;
}

/** What a check found, beyond the public result: reserveFunds needs the line's names and the request. */
export interface Evaluation {
  result: CheckResult;
  query: NormalizedQuery;
  /**
   * Digest of everything the decision was made from (budget_sync_evaluate): unchanged means still current.
   * Null unless asked for (EvalRequest.fingerprint): a check does not need it.
   */
  fingerprint: string | null;
  /** The request's period resolved with the org's fiscal-year start. */
  period: RequestPeriod;
  /** The line when the request draws on exactly one; null for a roll-up (see lineIds) or no line. */
  line: { id: string; period: string; department: string; category: string; project: string | null; currency: string } | null;
  /** The lines the request draws on (empty when there are none): a roll-up reservation keeps them. */
  lineIds: string[];
  /** The names and period of what was matched: the line's spelling where all lines agree, else the request's. */
  matched: { department: string; category: string | null; project: string | null; period: string } | null;
}

export interface EvalRow {
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
  line_count: number | null;
  line_ids: string[] | null;
  budget: string | null;
  reserved: string | null;
  committed: string | null;
  actual: string | null;
  overrides: ControlOverrideRule[];
  fingerprint: string | null;
}

/**
 * The evaluation of a batch of requests is the function budget_sync_evaluate (migrations 0004, 0008 and
 * 0012, where the query is explained): one row per request whose org exists, numbered by `ord`.
 */
const EVAL_SQL =
  'SELECT * FROM budget_sync_evaluate($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::boolean[], $8::date[], $9::date[], $10::boolean[])';

/** A request of a batch: whose org, what it asks, and whether its fingerprint is wanted (a reservation's fast path). */
export interface EvalRequest {
  orgId: string;
  query: NormalizedQuery;
  fingerprint?: boolean;
}

/**
 * Evaluates `requests` in one statement on the pool. Each request gets its Evaluation, or the DomainError
 * that answers it (an unknown org, a currency mismatch); a failure of the statement itself rejects the
 * whole batch.
 */
async function evaluateBatch(pool: pg.Pool, requests: readonly EvalRequest[]): Promise<Array<Evaluation | DomainError>> {
  const result = await pool.query<EvalRow>({ name: 'budget_sync_check_batch', text: EVAL_SQL, values: evalValues(requests) });
  return evalResults(result.rows, requests);
}

/**
 * The statement's values for `requests`: one array per parameter (numbers and booleans as text, which the
 * statement casts). A request's dates start at its slot (1-based) in `dates` and `ends`: twelve of them,
 * one per fiscal-year start month, when they depend on it (a quarter, a fiscal year), else one.
 */
export function evalValues(
  requests: readonly EvalRequest[],
): [string[], string[], Array<string | null>, Array<string | null>, string[], string[], string[], string[], string[], string[]] {
  const n = requests.length;
  const orgs = new Array<string>(n);
  const departments = new Array<string>(n);
  const categories = new Array<string | null>(n);
  const projects = new Array<string | null>(n);
  const terms = new Array<string>(n);
  const slots = new Array<string>(n);
  const perStart = new Array<string>(n);
  const fingerprints = new Array<string>(n);
  const dates: string[] = [];
  const ends: string[] = [];
  for (let i = 0; i < n; i++) {
    const { orgId, query, fingerprint } = requests[i] as EvalRequest;
    orgs[i] = orgId;
    departments[i] = query.department;
    categories[i] = query.category;
    projects[i] = query.project;
    terms[i] = query.terms.length === 0 ? '' : query.terms.join(TERM_SEPARATOR);
    slots[i] = String(dates.length + 1);
    perStart[i] = query.periodsVary ? 'true' : 'false';
    fingerprints[i] = fingerprint === true ? 'true' : 'false';
    for (const p of query.periodsVary ? query.periods : query.periods.slice(0, 1)) {
      dates.push(p.start);
      ends.push(p.end);
    }
  }
  return [orgs, departments, categories, projects, terms, slots, perStart, dates, ends, fingerprints];
}

/** The evaluation of `requests` as SQL text with the values as literals, for a string of statements (pipeline.ts). */
export function evalStatement(client: pg.PoolClient, requests: readonly EvalRequest[]): string {
  return `SELECT * FROM budget_sync_evaluate(${evalValues(requests)
    .map((v) => literal(client, v))
    .join(', ')})`;
}

/** Each request's Evaluation or DomainError, from the statement's rows. */
export function evalResults(resultRows: readonly EvalRow[], requests: readonly EvalRequest[]): Array<Evaluation | DomainError> {
  const rows: Array<EvalRow | undefined> = new Array(requests.length);
  for (const row of resultRows) rows[row.ord - 1] = row;
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

export function unknownOrg(orgId: string): DomainError {
  return new DomainError('org.not_found', `There is no organization with id ${orgId}.`);
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
  const dimensions = query.dimensions;

  if (!row.line_count) {
    const currency = query.currency ?? row.base_currency;
    const scope = describeScope({ ...query, period: period.key });
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
        lines: 0,
        level: levelOf(query, period.key),
        message: d.message,
      },
      query,
      fingerprint: row.fingerprint,
      period,
      line: null,
      lineIds: [],
      matched: null,
    };
  }

  const currency = row.line_currency as string;
  // The lines' spelling where they all agree (one line: its own), else the request's.
  const matched = {
    department: row.line_department ?? query.department,
    category: row.line_category ?? query.category,
    project: row.line_project,
    period: row.line_period ?? period.key,
  };
  const line =
    row.line_id === null
      ? null
      : {
          id: row.line_id,
          period: matched.period,
          department: matched.department,
          category: matched.category as string,
          project: matched.project,
          currency,
        };
  if (query.currency !== null && query.currency !== currency) {
    throw new DomainError(
      'currency.mismatch',
      `The budget for ${describeScope({ ...matched, dimensions })} is in ${currency}, not ${query.currency}: convert the amount to ${currency} and ask again.`,
      { lineCurrency: currency, requestCurrency: query.currency },
    );
  }
  const figures = { budget: minor(row.budget), reserved: minor(row.reserved), committed: minor(row.committed), actual: minor(row.actual) };
  const d = decideControl({
    ...figures,
    amount: query.amount,
    controlLevel: rule.controlLevel,
    tolerancePercent: rule.tolerancePercent,
    toleranceAmount: minor(rule.toleranceAmount),
    currency,
    scope: describeScope({ ...matched, dimensions, basis, fiscalYear: row.line_fiscal_year }),
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
      currency,
      line: line === null ? null : { id: line.id, period: line.period },
      lines: row.line_count,
      level: levelOf(query, matched.period),
      message: d.message,
    },
    query,
    fingerprint: row.fingerprint,
    period,
    line,
    lineIds: row.line_ids ?? [],
    matched,
  };
}

function levelOf(query: NormalizedQuery, period: string): CheckResult['level'] {
  return { department: query.department, category: query.category, project: query.project, dimensions: query.dimensions, period };
}

/**
 * Is there budget for `q`? Read-only; one database round trip. Checks that arrive on the same pool while
 * the event loop is busy with other requests share that round trip (see CheckBatcher): under load, one
 * statement answers several of them.
 */
export async function checkBudget(pool: pg.Pool, orgId: string, q: BudgetQuery, departments?: DepartmentLimit): Promise<CheckResult> {
  const query = normalizeQuery(q);
  // In memory, no query: a key (no limit) pays nothing for it.
  requireDepartment(departments, query.department);
  if (!isUuid(orgId)) throw unknownOrg(orgId);
  return (await evaluateShared(pool, orgId, query)).result;
}

/**
 * The evaluation of one request without a lock, sharing a statement with concurrent checks on the pool;
 * `fingerprint`: with the digest a reservation's fast path compares under its lock.
 */
export function evaluateShared(pool: pg.Pool, orgId: string, query: NormalizedQuery, fingerprint = false): Promise<Evaluation> {
  return batcherFor(pool).evaluate({ orgId, query, fingerprint });
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

  private readonly pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.pool = pool;
  }

  evaluate(request: EvalRequest): Promise<Evaluation> {
    return new Promise((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      // The first of a batch schedules its flush; a full batch goes at once (and a flush that finds
      // nothing pending does nothing).
      if (this.pending.length >= MAX_BATCH) this.flush();
      else if (this.pending.length === 1) defer(() => this.flush());
    });
  }

  private flush(): void {
    const batch = this.pending;
    if (batch.length === 0) return;
    this.pending = [];
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
        // A value Postgres refuses (a data exception, class 22) fails the whole statement: then each request
        // is asked alone, so that one bad request cannot fail the others. Anything else fails them all.
        const code = (e as { code?: unknown } | null)?.code;
        if (batch.length > 1 && typeof code === 'string' && code.startsWith('22')) {
          for (const b of batch) {
            evaluateBatch(this.pool, [b.request]).then(([r]) => {
              if (r instanceof DomainError) b.reject(r);
              else b.resolve(r as Evaluation);
            }, b.reject);
          }
          return;
        }
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
