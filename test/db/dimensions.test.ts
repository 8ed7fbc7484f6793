/**
 * Lines with further dimensions and a direction through the import: identity, merge, replace's scope,
 * the diff, version rows, revert — built from BudgetLine values (the analysis does not produce
 * dimensions from files yet), imported by the real applyImport.
 */
import { importDiff } from '@budget-sync/core';
import { type ImportRequest, revertImport } from '@budget-sync/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { analyzeText, error, importText, newOrg } from './helpers.ts';
import { importBudgetLines, line } from './lines.ts';

const db = await freshDatabase();
const importLines = (org: string, lines: Parameters<typeof importBudgetLines>[2], extra: Partial<ImportRequest> = {}) =>
  importBudgetLines(db, org, lines, extra);

interface Stored {
  department: string;
  category: string;
  period: string;
  amount: string;
  dimensions: Record<string, string>;
  codes: Record<string, string> | null;
  direction: string;
  dim_key: string;
  dim_terms: string[];
}

async function stored(orgId: string): Promise<Stored[]> {
  const r = await db.pool.query<Stored>(
    `SELECT department, category, period, amount::text AS amount, dimensions, codes, direction, dim_key, dim_terms
       FROM budget_lines WHERE org_id = $1 AND deleted_at IS NULL ORDER BY department, category, dim_key, period, direction`,
    [orgId],
  );
  return r.rows;
}

const US = '\u001f';

describe('identity', () => {
  it('keeps two lines that differ only by a dimension, and sees the same line whatever the spelling', async () => {
    const org = await newOrg(db);
    const first = await importLines(org, [
      line('Parks', 'Salaries', '2026-01', '100.00', { Fund: 'General' }),
      line('Parks', 'Salaries', '2026-01', '40.00', { Fund: 'Grants' }),
      line('Parks', 'Salaries', '2026-01', '7.00'),
    ]);
    expect(first.counts).toEqual({ inserted: 3, updated: 0, unchanged: 0, removed: 0 });
    expect((await stored(org)).map((l) => [l.dim_key, l.amount])).toEqual([
      ['', '7.00'],
      [`fund${US}general`, '100.00'],
      [`fund${US}grants`, '40.00'],
    ]);
    // Names and values trimmed and in another letter case: the same three lines, nothing changes.
    const again = await importLines(org, [
      line('PARKS', 'salaries', '2026-01', '100.00', { ' fund ': 'GENERAL ' }),
      line('Parks', 'Salaries', '2026-01', '40.00', { FUND: 'grants' }),
      line('Parks', 'Salaries', '2026-01', '7.00'),
    ]);
    expect(again.status).toBe('no_changes');
    // A new amount keeps the stored spelling, as it does for department and category.
    const more = await importLines(org, [line('PARKS', 'salaries', '2026-01', '101.00', { ' fund ': 'GENERAL ' })]);
    expect(more.plan.updates.map((u) => u.changes)).toEqual([['amount']]);
    expect((await stored(org)).map((l) => [l.dimensions, l.amount])).toEqual([
      [{}, '7.00'],
      [{ Fund: 'General' }, '101.00'],
      [{ Fund: 'Grants' }, '40.00'],
    ]);
  });

  it('identifies a code/name twin by its code: a renamed fund is the same line, found by either', async () => {
    const org = await newOrg(db);
    await importLines(org, [line('Debt Service', 'Interest', '2026-01', '500.00', { fund: 'General Fund' }, { codes: { fund: '6064' } })]);
    const renamed = await importLines(org, [
      line('Debt Service', 'Interest', '2026-01', '500.00', { fund: 'General Fund (GF)' }, { codes: { fund: '6064' } }),
    ]);
    expect(renamed.counts).toMatchObject({ inserted: 0, updated: 1 });
    expect(renamed.status).toBe('succeeded');
    expect(renamed.plan.updates[0]?.changes).toEqual(['dimensions']);
    const [l] = await stored(org);
    expect(l).toMatchObject({ dimensions: { fund: 'General Fund (GF)' }, codes: { fund: '6064' }, dim_key: `fund${US}6064` });
    expect(l?.dim_terms).toEqual([`fund${US}6064`, `fund${US}general fund (gf)`]);
  });

  it('stores revenue lines; an expense line of the same names is another line, beside it', async () => {
    const org = await newOrg(db);
    await importLines(org, [line('Parks', 'Fees', '2026-01', '900.00', {}, { direction: 'revenue' })]);
    expect((await stored(org))[0]?.direction).toBe('revenue');
    const costs = await importLines(org, [line('Parks', 'Fees', '2026-01', '250.00')]);
    expect(costs.plan.inserts).toHaveLength(1);
    expect(costs.plan.updates).toHaveLength(0);
    expect((await stored(org)).map((l) => [l.direction, l.amount])).toEqual([
      ['expense', '250.00'],
      ['revenue', '900.00'],
    ]);
    // The same two lines again change nothing; a replace of the expense side alone removes the revenue line.
    const again = await importLines(org, [
      line('Parks', 'Fees', '2026-01', '900.00', {}, { direction: 'revenue' }),
      line('Parks', 'Fees', '2026-01', '250.00'),
    ]);
    expect(again.plan.unchanged).toBe(2);
    const replaced = await importLines(org, [line('Parks', 'Fees', '2026-01', '250.00')], { mode: 'replace' });
    expect(replaced.plan.removes.map((l) => l.direction)).toEqual(['revenue']);
    expect((await stored(org)).map((l) => l.direction)).toEqual(['expense']);
  });

  it('imports a two-sided budget whose rows have an amount on each side (Ertrag and Aufwand) as two lines each', async () => {
    const org = await newOrg(db);
    const csv = 'Konto,Bezeichnung,Ertrag 2024,Aufwand 2024\n4100,Gebühren,1000.00,200.00\n5100,Personal,,5000.00\n';
    const { analysis } = analyzeText(csv, 'haushalt.csv', { set: { department: 'Bauamt' } });
    expect(analysis.stats).toMatchObject({ lines: 3, total: '6200.00', importable: true });
    const done = await importText(db, org, csv, { fileName: 'haushalt.csv' }, { set: { department: 'Bauamt' } });
    expect(done.plan.inserts).toHaveLength(3);
    expect((await stored(org)).map((l) => [l.category, l.direction, l.amount])).toEqual([
      ['Gebühren', 'expense', '200.00'],
      ['Gebühren', 'revenue', '1000.00'],
      ['Personal', 'expense', '5000.00'],
    ]);
  });

  it('enforces the natural key with the dimensions: a second live line of one identity is refused by the index', async () => {
    const org = await newOrg(db);
    await importLines(org, [line('Parks', 'Salaries', '2026-01', '1.00', { fund: 'A' })]);
    const copy = db.pool.query(
      `INSERT INTO budget_lines (id, org_id, department, category, period, period_start, period_end, fiscal_year, amount, currency, dim_key)
       SELECT gen_random_uuid(), org_id, department, category, period, period_start, period_end, fiscal_year, amount, currency, dim_key
         FROM budget_lines WHERE org_id = $1`,
      [org],
    );
    await expect(copy).rejects.toMatchObject({ code: '23505' });
    // Another fund under the same names is another line.
    await db.pool.query(
      `INSERT INTO budget_lines (id, org_id, department, category, period, period_start, period_end, fiscal_year, amount, currency, dim_key)
       SELECT gen_random_uuid(), org_id, department, category, period, period_start, period_end, fiscal_year, amount, currency, 'fund${US}b'
         FROM budget_lines WHERE org_id = $1`,
      [org],
    );
    await expect(
      db.pool.query(
        `INSERT INTO budget_lines (id, org_id, department, category, period, period_start, period_end,
      fiscal_year, amount, currency, direction) VALUES (gen_random_uuid(), $1, 'X', 'Y', '2026-01', '2026-01-01', '2026-01-31', 2026, 1, 'USD', 'income')`,
        [org],
      ),
    ).rejects.toMatchObject({ code: '23514' });
  });
});

describe('writing dimensions', () => {
  it('stores names and values with quotes, backslashes, commas, braces and tabs exactly, with COPY and without', async () => {
    const odd = { 'Fund "A"': 'a\\b, {c}\td', 'Prog,ram': '"x"' };
    const rows = async (supportsCopy: boolean) => {
      const org = await newOrg(db);
      const r = await importBudgetLines({ ...db, supportsCopy }, org, [
        line('Parks', 'Salaries', '2026-01', '1.00', odd, { codes: { 'Prog,ram': '{7}' } }),
      ]);
      expect(r.status).toBe('succeeded');
      return (await stored(org)).map(({ dimensions, codes, dim_key, dim_terms }) => ({ dimensions, codes, dim_key, dim_terms }));
    };
    const copied = await rows(true);
    expect(copied).toEqual([
      {
        dimensions: odd,
        codes: { 'Prog,ram': '{7}' },
        dim_key: `fund "a"${US}a\\b, {c}\td\u001eprog,ram${US}{7}`,
        dim_terms: [`fund "a"${US}a\\b, {c}\td`, `prog,ram${US}"x"`, `prog,ram${US}{7}`],
      },
    ]);
    expect(await rows(false)).toEqual(copied);
  });
});

describe('replace with dimensions', () => {
  it("removes only the department's lines of the file's dimension values (and those without the dimension)", async () => {
    const org = await newOrg(db);
    await importLines(org, [
      line('Parks', 'Salaries', '2026-01', '100.00', { fund: 'General' }),
      line('Parks', 'Overtime', '2026-01', '10.00', { fund: 'General' }),
      line('Parks', 'Salaries', '2026-01', '40.00', { fund: 'Grants' }),
      line('Parks', 'Supplies', '2026-01', '5.00'), // before the budget was kept by fund
      line('Library', 'Salaries', '2026-01', '70.00', { fund: 'General' }),
    ]);
    // The General fund's budget for Parks, again, without overtime.
    const r = await importLines(org, [line('Parks', 'Salaries', '2026-01', '120.00', { fund: 'general' })], { mode: 'replace' });
    expect(r.counts).toEqual({ inserted: 0, updated: 1, unchanged: 0, removed: 2 });
    expect(r.plan.scope.dimensions).toEqual({ fund: ['general'] });
    expect(r.plan.removes.map((s) => [s.category, s.dimensions])).toEqual(
      expect.arrayContaining([
        ['Overtime', { fund: 'General' }],
        ['Supplies', {}],
      ]),
    );
    expect((await stored(org)).map((l) => [l.department, l.category, l.dimensions.fund ?? null, l.amount])).toEqual([
      ['Library', 'Salaries', 'General', '70.00'],
      ['Parks', 'Salaries', 'General', '120.00'],
      ['Parks', 'Salaries', 'Grants', '40.00'],
    ]);
  });

  it('a file without dimensions replaces every line of its departments, as before', async () => {
    const org = await newOrg(db);
    await importLines(org, [
      line('Parks', 'Salaries', '2026-01', '100.00', { fund: 'General' }),
      line('Parks', 'Salaries', '2026-01', '40.00', { fund: 'Grants' }),
    ]);
    const r = await importLines(org, [line('Parks', 'Salaries', '2026-01', '150.00')], { mode: 'replace' });
    expect(r.counts).toEqual({ inserted: 1, updated: 0, unchanged: 0, removed: 2 });
  });
});

describe('diff, versions and revert with dimensions', () => {
  it('shows dimensions and direction in the diff', async () => {
    const org = await newOrg(db);
    await importLines(org, [line('Parks', 'Salaries', '2026-01', '100.00', { fund: 'General' }, { codes: { fund: '10' } })]);
    const r = await importLines(
      org,
      [
        line('Parks', 'Salaries', '2026-01', '110.00', { fund: 'General' }, { codes: { fund: '10' } }),
        line('Parks', 'Fees', '2026-01', '30.00', { fund: 'General' }, { direction: 'revenue' }),
      ],
      { dryRun: true },
    );
    const diff = importDiff(r.plan, 10);
    expect(diff.inserted).toEqual([expect.objectContaining({ category: 'Fees', dimensions: { fund: 'General' }, direction: 'revenue' })]);
    expect(diff.updated).toEqual([
      expect.objectContaining({ category: 'Salaries', dimensions: { fund: 'General' }, codes: { fund: '10' }, direction: 'expense' }),
    ]);
  });

  it('reverts an import that changed dimensions and amounts and added the other side of a line, and one that removed lines of a fund', async () => {
    const org = await newOrg(db);
    const base = [
      line('Parks', 'Salaries', '2026-01', '100.00', { fund: 'General Fund' }, { codes: { fund: '10' } }),
      line('Parks', 'Fees', '2026-01', '30.00', { fund: 'General Fund' }, { codes: { fund: '10' }, direction: 'revenue' }),
      line('Parks', 'Salaries', '2026-01', '40.00', { fund: 'Grants' }),
    ];
    await importLines(org, base);
    const before = await stored(org);
    const changed = await importLines(org, [
      line('Parks', 'Salaries', '2026-01', '101.00', { fund: 'GF' }, { codes: { fund: '10' } }),
      line('Parks', 'Fees', '2026-01', '30.00', { fund: 'General Fund' }, { codes: { fund: '10' } }),
      line('Parks', 'Rent', '2026-01', '9.00', { fund: 'Grants' }),
    ]);
    // Fees as an expense is another line than Fees as revenue (the direction is part of the identity).
    expect(changed.counts).toEqual({ inserted: 2, updated: 1, unchanged: 0, removed: 0 });
    await revertImport(db, { orgId: org, importId: changed.importId as string, actor: 't' });
    expect(await stored(org)).toEqual(before);

    const replaced = await importLines(org, [line('Parks', 'Salaries', '2026-01', '40.00', { fund: 'Grants' })], { mode: 'replace' });
    expect(replaced.counts).toMatchObject({ removed: 0, unchanged: 1 });
    const replacedGeneral = await importLines(
      org,
      [line('Parks', 'Salaries', '2026-01', '100.00', { fund: 'General' }, { codes: { fund: '10' } })],
      {
        mode: 'replace',
      },
    );
    expect(replacedGeneral.counts).toMatchObject({ updated: 1, removed: 1 }); // the revenue line of fund 10 goes
    await revertImport(db, { orgId: org, importId: replacedGeneral.importId as string, actor: 't' });
    expect(await stored(org)).toEqual(before);
  });

  it('refuses to revert a removal when a line of the same names and dimensions took its place', async () => {
    const org = await newOrg(db);
    await importLines(org, [line('Parks', 'Salaries', '2026-01', '100.00', { fund: 'A' }), line('Parks', 'Salaries', '2026-01', '5.00')]);
    const removed = await importLines(org, [line('Parks', 'Salaries', '2026-01', '5.00')], { mode: 'replace' });
    expect(removed.counts.removed).toBe(1);
    // A line of another fund does not take the removed line's place…
    const other = await importLines(org, [line('Parks', 'Salaries', '2026-01', '1.00', { fund: 'B' })]);
    await revertImport(db, { orgId: org, importId: other.importId as string, actor: 't' });
    // …one of the same fund does.
    await importLines(org, [line('Parks', 'Salaries', '2026-01', '2.00', { fund: 'a' })]);
    const e = await error(revertImport(db, { orgId: org, importId: removed.importId as string, actor: 't' }));
    expect(e.code).toBe('import.revert_conflict');
    expect(e.message).toContain('Parks / Salaries (fund A) / 2026-01');
    expect((e.details as { conflicts: unknown[] }).conflicts).toEqual([expect.objectContaining({ dimensions: { fund: 'A' } })]);
  });
});
