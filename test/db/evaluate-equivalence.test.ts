/**
 * budget_sync_evaluate answers most requests with its direct statement and the rest with the full
 * evaluation (migration 0012). Both must give exactly the row — every column and the fingerprint — that
 * the evaluation of migration 0008 gives, on any data: this file installs 0008's function, as that
 * migration wrote it, under another name, and compares the two on randomly generated budgets (months,
 * quarters and years of several fiscal-year starts; names in several spellings; projects, dimensions and
 * their codes; revenue and deleted lines; two currencies; running totals; roll-up reservations; control
 * overrides; all three control bases) and randomly generated requests, in batches of every size.
 */
import { readFileSync } from 'node:fs';
import { dimensionKey, dimensionTerms, monthPeriod, quarterPeriod, yearPeriod } from '@budget-sync/core';
import { type EvalRow, evalValues } from '../../db/src/budget/check.ts';
import { type BudgetQuery, normalizeQuery } from '../../db/src/budget/common.ts';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { newOrg } from './helpers.ts';

const db = await freshDatabase();

/** A small deterministic generator (mulberry32), so that a failure can be replayed from its seed. */
function generator(seed: number) {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (n: number) => Math.floor(next() * n);
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)] as T;
  const chance = (p: number) => next() < p;
  return { int, pick, chance };
}

type Gen = ReturnType<typeof generator>;

const DEPARTMENTS = ['Parks', 'Roads', 'Library'];
const CATEGORIES = ['Salaries', 'Travel', 'Supplies'];
const PROJECTS = [null, 'P1', 'P2'];
const FUNDS: ReadonlyArray<Record<string, string>> = [{ fund: 'General' }, { fund: 'Grants' }, { fund: 'General', program: 'Youth' }];

/** A spelling of a name as people type it. */
function spelling(g: Gen, name: string): string {
  return g.pick([name, name.toLowerCase(), name.toUpperCase(), ` ${name}`]);
}

function money(g: Gen, max: number): string {
  return (g.int(max * 100) / 100).toFixed(2);
}

/** The period of a line: a month, fiscal quarter or fiscal year of 2026 or 2027 under the org's start month. */
function linePeriod(g: Gen, grain: string, startMonth: number) {
  const year = g.pick([2026, 2027]);
  if (grain === 'month') return monthPeriod(year, 1 + g.int(12), startMonth);
  if (grain === 'quarter') return quarterPeriod(year, 1 + g.int(4), startMonth);
  return yearPeriod(year, startMonth);
}

/** An org with the given start month and basis, and random lines, totals, roll-up reservations and overrides. */
async function randomOrg(g: Gen, startMonth: number, basis: string): Promise<string> {
  const org = await newOrg(db);
  await db.pool.query('UPDATE organizations SET fiscal_year_start_month = $2, control_basis = $3 WHERE id = $1', [org, startMonth, basis]);
  const taken = new Set<string>();
  const ids: string[] = [];
  for (let i = 0; i < 160; i++) {
    const department = g.pick(DEPARTMENTS);
    const category = g.pick(CATEGORIES);
    const project = g.pick(PROJECTS);
    const dimensions = g.chance(0.4) ? g.pick(FUNDS) : {};
    const codes = dimensions.fund !== undefined && g.chance(0.5) ? { fund: dimensions.fund === 'General' ? '100' : '200' } : null;
    // Mostly months; the quarters and years make levels that mix granularities, as real budgets do by fund.
    const p = linePeriod(g, g.pick(['month', 'month', 'month', 'quarter', 'year']), startMonth);
    const key = [department, category, project ?? '', dimensionKey(dimensions, codes), p.key].join('|').toLowerCase();
    if (taken.has(key)) continue;
    taken.add(key);
    const r = await db.pool.query<{ id: string }>(
      `INSERT INTO budget_lines (id, org_id, department, category, project, period, period_start, period_end, fiscal_year, amount, currency,
                                 dimensions, codes, direction, dim_key, dim_terms, deleted_at)
       VALUES (gen_random_uuid(), $1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, CASE WHEN $16 THEN now() END)
       RETURNING id`,
      [
        org,
        spelling(g, department).trim(),
        spelling(g, category).trim(),
        project === null ? null : spelling(g, project).trim(),
        p.key,
        p.start,
        p.end,
        p.fiscalYear,
        g.chance(0.05) ? '0.00' : money(g, 10_000),
        g.chance(0.1) ? 'EUR' : 'USD',
        JSON.stringify(dimensions),
        codes === null ? null : JSON.stringify(codes),
        g.chance(0.1) ? 'revenue' : 'expense',
        dimensionKey(dimensions, codes),
        dimensionTerms(dimensions, codes),
        g.chance(0.05),
      ],
    );
    const id = r.rows[0]?.id as string;
    ids.push(id);
    if (g.chance(0.3)) {
      await db.pool.query('INSERT INTO line_consumption (line_id, org_id, reserved, committed, actual) VALUES ($1, $2, $3, $4, $5)', [
        id,
        org,
        money(g, 2_000),
        money(g, 2_000),
        money(g, 2_000),
      ]);
    }
  }
  for (let i = 0; i < 12; i++) {
    const held = Array.from({ length: 1 + g.int(6) }, () => g.pick(ids));
    await db.pool.query(
      `INSERT INTO reservations (org_id, line_id, line_ids, status, amount, reserved, committed, actual, currency)
       VALUES ($1, NULL, $2::uuid[], 'held', $3, $3, $4, $5, 'USD')`,
      [org, [...new Set(held)], money(g, 500), money(g, 500), money(g, 500)],
    );
  }
  for (const [department, category] of [
    [g.pick(DEPARTMENTS), null],
    [g.pick(DEPARTMENTS), g.pick(CATEGORIES)],
    [null, g.pick(CATEGORIES)],
  ] as const) {
    await db.pool.query(
      `INSERT INTO control_overrides (org_id, department, category, control_level, tolerance_percent, tolerance_amount)
       VALUES ($1, $2, $3, 'warn', 5, 100) ON CONFLICT DO NOTHING`,
      [org, department, category],
    );
  }
  return org;
}

/** A request as clients send them: any level and any kind of period, in any spelling. */
function randomQuery(g: Gen): BudgetQuery {
  const year = g.pick([2025, 2026, 2027]);
  const month = String(1 + g.int(12)).padStart(2, '0');
  const period = g.pick([
    `${year}-${month}`,
    `${year}-${month}`,
    `${year}-Q${1 + g.int(4)}`,
    `FY${year}`,
    `${year}-${month}-${String(1 + g.int(28)).padStart(2, '0')}`,
    null,
  ]);
  const named: ReadonlyArray<Record<string, string>> = [{ fund: 'general' }, { fund: '200' }, { program: 'Youth' }, { fund: 'Nowhere' }];
  const dimensions = g.chance(0.25) ? g.pick(named) : undefined;
  return {
    department: g.chance(0.05) ? 'Nowhere' : spelling(g, g.pick(DEPARTMENTS)),
    category: g.chance(0.3) ? null : spelling(g, g.pick(CATEGORIES)),
    project: g.chance(0.5) ? null : spelling(g, g.pick(['P1', 'P2'])),
    ...(dimensions ? { dimensions } : {}),
    ...(period === null ? {} : period.length === 10 ? { date: period } : { period }),
    amount: '1.00',
  };
}

/** Migration 0008's budget_sync_evaluate, as it was written, under the name budget_sync_evaluate_0008. */
async function installReference(): Promise<void> {
  const sql = readFileSync(new URL('../../db/migrations/0008_line_dimensions.sql', import.meta.url), 'utf8');
  const start = sql.indexOf('CREATE FUNCTION budget_sync_evaluate(');
  const end = sql.indexOf('$$;', start) + 3;
  expect(start).toBeGreaterThan(0);
  await db.pool.query(sql.slice(start, end).replace('CREATE FUNCTION budget_sync_evaluate(', 'CREATE FUNCTION budget_sync_evaluate_0008('));
}

type Row = EvalRow & { fingerprint: string | null };

async function reference(requests: Array<{ orgId: string; query: ReturnType<typeof normalizeQuery> }>): Promise<Row[]> {
  const [orgs, departments, categories, projects, terms] = evalValues(requests);
  const r = await db.pool.query<Row>(
    'SELECT * FROM budget_sync_evaluate_0008($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::date[], $7::date[])',
    [
      orgs,
      departments,
      categories,
      projects,
      terms,
      requests.flatMap((x) => x.query.periods.map((p) => p.start)),
      requests.flatMap((x) => x.query.periods.map((p) => p.end)),
    ],
  );
  return r.rows;
}

async function current(requests: Array<{ orgId: string; query: ReturnType<typeof normalizeQuery> }>, fingerprint: boolean): Promise<Row[]> {
  const r = await db.pool.query<Row>(
    'SELECT * FROM budget_sync_evaluate($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::int[], $7::boolean[], $8::date[], $9::date[], $10::boolean[])',
    evalValues(requests.map((x) => ({ ...x, fingerprint }))),
  );
  return r.rows;
}

const byOrd = (rows: Row[]) => [...rows].sort((a, b) => a.ord - b.ord);

describe('the two-step evaluation (migration 0012)', () => {
  it("gives 0008's row, column for column and fingerprint for fingerprint, for random budgets and requests", async () => {
    await installReference();
    let compared = 0;
    let rollups = 0;
    /** Answered from lines under the `period` basis (mostly the direct statement) and under the others (the full one). */
    let periodBasis = 0;
    let otherBasis = 0;
    for (const seed of [12, 1207, 20261207]) {
      const g = generator(seed);
      const orgs = [
        await randomOrg(g, 1, 'period'),
        await randomOrg(g, 7, 'period'),
        await randomOrg(g, 4, 'ytd'),
        await randomOrg(g, 10, 'annual'),
      ];
      for (let batch = 0; batch < 40; batch++) {
        const size = g.pick([1, 2, 5, 17, 40]);
        const requests = Array.from({ length: size }, () => ({
          // Now and then an org that does not exist: it gets no row from either.
          orgId: g.chance(0.03) ? '00000000-0000-4000-8000-000000000000' : g.pick(orgs),
          query: normalizeQuery(randomQuery(g)),
        }));
        const want = byOrd(await reference(requests));
        const got = byOrd(await current(requests, true));
        expect(got, `seed ${seed}, batch ${batch}`).toEqual(want);
        // Without fingerprints: the same rows, the fingerprint left out.
        const plain = byOrd(await current(requests, false));
        expect(plain).toEqual(want.map((r) => ({ ...r, fingerprint: null })));
        compared += want.length;
        rollups += want.filter((r) => (r.line_count ?? 0) > 1).length;
        periodBasis += want.filter((r) => (r.line_count ?? 0) > 0 && r.control_basis === 'period').length;
        otherBasis += want.filter((r) => (r.line_count ?? 0) > 0 && r.control_basis !== 'period').length;
      }
    }
    // The data makes every kind of answer, many times over.
    expect(compared).toBeGreaterThan(1000);
    expect(rollups).toBeGreaterThan(100);
    expect(periodBasis).toBeGreaterThan(150);
    expect(otherBasis).toBeGreaterThan(150);
  }, 120_000);
});
