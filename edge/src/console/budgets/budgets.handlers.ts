/**
 * Budgets: budget vs reserved / committed / actual / available per department and category for a fiscal
 * year and period, narrowed by any further dimension the lines have (`dim.NAME=value` in the query), with
 * a chart per department and revenue apart (it is reported, never spent); the same lines as a CSV
 * download, one column per dimension; and the budget check
 * ("is there budget left for this?"), timed like the API's. Figures come from db's budgetSummary,
 * listBudgets and checkBudget; the console only lays them out.
 */
import { fiscalYearOfMonth, formatMinor, monthPeriod, parseDecimal, quarterPeriod, yearPeriod } from '@budget-sync/core';
import {
  type BudgetLineView,
  type BudgetSummaryRow,
  budgetSummary,
  type CheckResult,
  checkBudget,
  type DimensionChoice,
  DomainError,
  getOrganization,
  isDomainError,
  listBudgets,
  listDimensions,
  listFiscalYears,
} from '@budget-sync/db';
import type { LatencyRecorder } from '../../metrics/latency.ts';
import { departmentsOf } from '../../middleware/auth.ts';
import type { ConsoleContext } from '../context.ts';
import { csvRow } from '../csv.ts';
import { consolePage, type Notice } from '../layout.ts';
import { budgetsView, checkView, type PeriodChoice } from './budgets.views.ts';

/** The year's periods as filter choices (the whole year is the absence of one): its quarters, its months. */
function periodChoices(fiscalYear: number, startMonth: number): PeriodChoice[] {
  const choices: PeriodChoice[] = [];
  for (let q = 1; q <= 4; q++) choices.push({ value: quarterPeriod(fiscalYear, q, startMonth).key, label: `Quarter ${q}` });
  const start = yearPeriod(fiscalYear, startMonth).start;
  let year = Number(start.slice(0, 4));
  let month = Number(start.slice(5, 7));
  for (let i = 0; i < 12; i++) {
    const p = monthPeriod(year, month, startMonth);
    choices.push({
      value: p.key,
      label: new Date(`${p.start}T00:00:00Z`).toLocaleString('en-US', { month: 'long', year: 'numeric', timeZone: 'UTC' }),
    });
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return choices;
}

interface Filters {
  fiscalYear: number | undefined;
  period: string | undefined;
  years: number[];
  choices: PeriodChoice[];
  /** The year's dimensions, each a filter. */
  dimensionChoices: DimensionChoice[];
  /** The dimensions filtered on: name → value, from `dim.NAME` query parameters. */
  dimensions: Record<string, string>;
}

/** Query parameters of the dimension filters: `dim.fund=6064`. */
const DIM_PARAM = 'dim.';

async function filtersOf(c: ConsoleContext): Promise<Filters> {
  const db = await c.var.database();
  const years = await listFiscalYears(db.pool, c.var.auth.orgId);
  const fysm = c.var.org.fiscalYearStartMonth;
  const now = new Date();
  const current = fiscalYearOfMonth(now.getUTCFullYear(), now.getUTCMonth() + 1, fysm);
  const asked = Number(c.req.query('fiscalYear'));
  const fiscalYear = years.includes(asked) ? asked : years.includes(current) ? current : years[0];
  const choices = fiscalYear === undefined ? [] : periodChoices(fiscalYear, fysm);
  const periodParam = c.req.query('period');
  const period = choices.some((p) => p.value === periodParam) ? periodParam : undefined;
  const dimensionChoices = fiscalYear === undefined ? [] : await listDimensions(db.pool, c.var.auth.orgId, fiscalYear);
  const dimensions: Record<string, string> = {};
  for (const [param, value] of Object.entries(c.req.query())) {
    const name = param.startsWith(DIM_PARAM) ? param.slice(DIM_PARAM.length).trim() : '';
    if (name !== '' && value.trim() !== '') dimensions[name] = value.trim();
  }
  return { fiscalYear, period, years, choices, dimensionChoices, dimensions };
}

/** The filters as the db reads take them. */
function scopeOf(f: Filters) {
  return {
    ...(f.fiscalYear !== undefined ? { fiscalYear: f.fiscalYear } : {}),
    ...(f.period ? { period: f.period } : {}),
    ...(Object.keys(f.dimensions).length > 0 ? { dimensions: f.dimensions } : {}),
  };
}

/** Exact sum of decimal texts, for the totals row (bigint minor units, never floats). */
function total(rows: readonly BudgetSummaryRow[], key: 'budget' | 'reserved' | 'committed' | 'actual' | 'available'): string {
  return formatMinor(rows.reduce((sum, r) => sum + (parseDecimal(r[key]) ?? 0n), 0n));
}

export async function showBudgets(c: ConsoleContext) {
  const f = await filtersOf(c);
  const db = await c.var.database();
  const orgId = c.var.auth.orgId;
  const scope = { ...scopeOf(f), direction: 'expense' as const };
  const departments =
    f.fiscalYear === undefined
      ? []
      : (await budgetSummary(db.pool, orgId, { by: 'department', ...scope, departments: departmentsOf(c.var.auth) })).rows;
  const revenue =
    f.fiscalYear === undefined
      ? []
      : (
          await budgetSummary(db.pool, orgId, {
            by: 'department',
            ...scopeOf(f),
            direction: 'revenue',
            departments: departmentsOf(c.var.auth),
          })
        ).rows;
  // One summary per department: departments are few (tens), and each is one indexed statement.
  const byCategory = await Promise.all(
    departments.map(async (d) => ({
      department: d,
      categories: (await budgetSummary(db.pool, orgId, { by: 'category', department: d.key, ...scope })).rows,
    })),
  );
  const totals = {
    key: 'All departments',
    budget: total(departments, 'budget'),
    reserved: total(departments, 'reserved'),
    committed: total(departments, 'committed'),
    actual: total(departments, 'actual'),
    available: total(departments, 'available'),
    utilizationPercent: '',
  };
  const { baseCurrency: currency } = await getOrganization(db.pool, orgId);
  const content = budgetsView({ ...f, departments: byCategory, totals, revenue, currency, csvHref: csvHref(f) });
  return c.html(consolePage(c, { title: 'Budgets', nav: 'budgets' }, content).value);
}

function csvHref(f: Filters): string {
  const q = new URLSearchParams();
  if (f.fiscalYear !== undefined) q.set('fiscalYear', String(f.fiscalYear));
  if (f.period) q.set('period', f.period);
  for (const [name, value] of Object.entries(f.dimensions)) q.set(`${DIM_PARAM}${name}`, value);
  return `/budgets/export.csv${q.size > 0 ? `?${q}` : ''}`;
}

const CSV_HEADER = [
  'Department',
  'Category',
  'Project',
  'Period',
  'Fiscal year',
  'Currency',
  'Budget',
  'Reserved',
  'Committed',
  'Actual',
  'Available',
];
const PAGE = 1000;

/**
 * The columns after the fixed ones: the direction, then per dimension of the year its value shown and,
 * for a code/name twin, its code.
 */
function dimensionColumns(dims: readonly DimensionChoice[]): { header: string[]; cells(l: BudgetLineView): string[] } {
  const header = ['Direction'];
  for (const d of dims) header.push(d.name, ...(d.hasCodes ? [`${d.name} code`] : []));
  return {
    header,
    cells(l) {
      const byName = new Map(Object.entries(l.dimensions).map(([k, v]) => [k.trim().toLowerCase(), [k, v] as const]));
      const out: string[] = [l.direction];
      for (const d of dims) {
        const [key, value] = byName.get(d.name.trim().toLowerCase()) ?? [d.name, ''];
        out.push(value);
        if (d.hasCodes) out.push(l.codes?.[key] ?? '');
      }
      return out;
    },
  };
}

export async function exportBudgetsCsv(c: ConsoleContext) {
  const f = await filtersOf(c);
  const db = await c.var.database();
  const extra = dimensionColumns(f.dimensionChoices);
  let body = csvRow([...CSV_HEADER, ...extra.header]);
  if (f.fiscalYear !== undefined) {
    let cursor: string | undefined;
    do {
      const page = await listBudgets(db.pool, c.var.auth.orgId, {
        ...scopeOf(f),
        departments: departmentsOf(c.var.auth),
        limit: PAGE,
        ...(cursor ? { cursor } : {}),
      });
      for (const l of page.lines) {
        body += csvRow([
          l.department,
          l.category,
          l.project,
          l.period,
          l.fiscalYear,
          l.currency,
          l.amount,
          l.reserved,
          l.committed,
          l.actual,
          l.available,
          ...extra.cells(l),
        ]);
      }
      cursor = page.nextCursor ?? undefined;
    } while (cursor);
  }
  const name = `budget-${f.fiscalYear !== undefined ? `FY${f.fiscalYear}` : 'empty'}${f.period ? `-${f.period}` : ''}.csv`;
  return c.body(body, 200, {
    'Content-Type': 'text/csv; charset=utf-8',
    'Content-Disposition': `attachment; filename="${name}"`,
    'Cache-Control': 'no-store',
  });
}

/**
 * The check form's dimensions, written as people write them: `fund=6064; program=Pools` (a comma or a
 * semicolon between them). Anything else is refused with what to write instead.
 */
export function parseDimensions(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of text.split(/[;,]/)) {
    if (part.trim() === '') continue;
    const at = part.indexOf('=');
    if (at <= 0 || part.slice(at + 1).trim() === '') {
      throw new DomainError(
        'input.invalid',
        `"${part.trim()}" is not a dimension: write each as name=value, such as fund=6064; program=Pools.`,
      );
    }
    out[part.slice(0, at).trim()] = part.slice(at + 1).trim();
  }
  return out;
}

/** The check form, and its answer when the form was sent. Timed into the same recorder as the API's checks. */
export function showCheck(recorder: LatencyRecorder) {
  return async (c: ConsoleContext) => {
    const q = c.req.query();
    const asked = q.department !== undefined;
    const form = {
      department: q.department ?? '',
      category: q.category ?? '',
      project: q.project ?? '',
      period: q.period ?? new Date().toISOString().slice(0, 7),
      amount: q.amount ?? '',
      dimensions: q.dimensions ?? '',
    };
    const db = await c.var.database();
    let result: CheckResult | null = null;
    let notice: Notice | null = null;
    let status: 200 | 422 = 200;
    if (asked) {
      const started = performance.now();
      try {
        result = await checkBudget(
          db.pool,
          c.var.auth.orgId,
          {
            department: form.department,
            category: form.category.trim() || null,
            project: form.project.trim() || null,
            dimensions: parseDimensions(form.dimensions),
            period: form.period,
            amount: form.amount,
          },
          departmentsOf(c.var.auth),
        );
        recorder.record(performance.now() - started);
      } catch (e) {
        if (!isDomainError(e)) throw e;
        notice = { kind: 'error', text: e.message };
        status = 422;
      }
    }
    const names = (
      await budgetSummary(db.pool, c.var.auth.orgId, { by: 'department', direction: 'expense', departments: departmentsOf(c.var.auth) })
    ).rows.map((r) => r.key);
    const categories = (
      await budgetSummary(db.pool, c.var.auth.orgId, { by: 'category', direction: 'expense', departments: departmentsOf(c.var.auth) })
    ).rows.map((r) => r.key);
    const content = checkView({ form, result, departments: names, categories });
    return c.html(consolePage(c, { title: 'Check a budget', nav: 'budgets', notices: [notice] }, content).value, status);
  };
}
