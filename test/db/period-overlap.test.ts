/**
 * `period.overlap` against stored lines (issue 13, defect 9): a year line and its month lines are two views
 * of one budget (DESIGN §2), so an import that would store both for the same department, category and
 * project is refused — in the import's own transaction, naming the file's row and the stored line.
 */
import { reserveFunds, revertImport, updateSettings } from '@budget-sync/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { countRows, error, importRows, liveLines, newOrg, type Row } from './helpers.ts';

const db = await freshDatabase();

const MONTHS: Row[] = ['01', '02', '03', '04', '05', '06'].map((m) => ['Ops', 'Travel', `2026-${m}`, '100.00']);
const YEAR: Row[] = [['Ops', 'Travel', 'FY2026', '600.00']];

describe('a year line over stored month lines (merge)', () => {
  it('is refused with period.overlap at its row, naming the stored line, and writes nothing', async () => {
    const org = await newOrg(db);
    await importRows(db, org, MONTHS);
    const before = await liveLines(db, org);
    const r = await importRows(db, org, YEAR, { fileName: 'year.csv', acceptWarnings: true });
    expect(r.status).toBe('rejected');
    const overlap = r.issues.filter((i) => i.code === 'period.overlap');
    expect(overlap).toHaveLength(1);
    expect(overlap[0]).toMatchObject({ severity: 'error', row: 2, column: 4, field: 'period' });
    expect(overlap[0]?.message).toMatch(
      /^Row 2 budgets Ops \/ Travel for FY2026, which overlaps the stored line Ops \/ Travel \/ 2026-0\d \(id [0-9a-f-]{36}\)/,
    );
    expect(r.reason).toContain('Row 2 budgets Ops / Travel for FY2026');
    expect(await liveLines(db, org)).toEqual(before);
    expect(await countRows(db, 'line_versions', org)).toBe(MONTHS.length);
  });

  it('so that the annual basis never sees the budget twice: at most 600.00 can be reserved', async () => {
    const org = await newOrg(db);
    await importRows(db, org, MONTHS);
    await importRows(db, org, YEAR, { fileName: 'year.csv', acceptWarnings: true });
    await updateSettings(db.pool, org, { controlBasis: 'annual' });
    let held = 0;
    // January to June match their month lines; July to December could only match the year line.
    for (let m = 1; m <= 12; m++) {
      const period = `2026-${String(m).padStart(2, '0')}`;
      const ok = await reserveFunds(db.pool, org, { department: 'Ops', category: 'Travel', period, amount: '100.00', actor: 't' }).then(
        () => true,
        () => false,
      );
      if (ok) held += 100;
    }
    expect(held).toBe(600);
  });

  it('month lines next to a stored year line are refused the same way', async () => {
    const org = await newOrg(db);
    await importRows(db, org, YEAR);
    const r = await importRows(db, org, [['Ops', 'Travel', '2026-07', '50.00']], { fileName: 'july.csv' });
    expect(r.status).toBe('rejected');
    expect(r.issues.map((i) => [i.code, i.row])).toEqual([['period.overlap', 2]]);
  });
});

describe('replace', () => {
  it('counts only the stored lines that survive: the months of the scope go, the year comes in', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [...MONTHS, ['Sales', 'Travel', '2026-01', '70.00']]);
    const r = await importRows(db, org, YEAR, { fileName: 'year.csv', mode: 'replace' });
    expect(r.status).toBe('succeeded');
    expect(r.counts).toEqual({ inserted: 1, updated: 0, unchanged: 0, removed: 6 });
    expect((await liveLines(db, org)).map((l) => `${l.department}/${l.period}`)).toEqual(['Ops/FY2026', 'Sales/2026-01']);
  });
});

describe('reverting an import that removed lines', () => {
  it('refuses to bring back month lines a later year line overlaps, naming them', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [...MONTHS.slice(0, 2), ['Ops', 'Meals', '2026-01', '40.00']]);
    // Replacing Ops with Meals only removes the Travel months; the year line can then come in.
    const removing = await importRows(db, org, [['Ops', 'Meals', '2026-01', '40.00']], { mode: 'replace', fileName: 'meals.csv' });
    expect(removing.counts.removed).toBe(2);
    expect((await importRows(db, org, YEAR, { fileName: 'year.csv' })).status).toBe('succeeded');
    const err = await error(revertImport(db, { orgId: org, importId: removing.importId as string, actor: 'x' }));
    expect(err.code).toBe('import.revert_conflict');
    const conflicts = (err.details as { conflicts: Array<{ period: string; reason: string }> }).conflicts;
    expect(conflicts.map((c) => c.period).sort()).toEqual(['2026-01', '2026-02']);
    expect(conflicts[0]?.reason).toMatch(/FY2026 .*overlaps its period \(period\.overlap\)/);
    expect((await liveLines(db, org)).map((l) => `${l.category}/${l.period}`)).toEqual(['Meals/2026-01', 'Travel/FY2026']);
  });

  it('swaps back a breakdown the import itself swapped (its own year line goes as the months return)', async () => {
    const org = await newOrg(db);
    await importRows(db, org, MONTHS);
    const swap = await importRows(db, org, YEAR, { mode: 'replace', fileName: 'year.csv' });
    const reverted = await revertImport(db, { orgId: org, importId: swap.importId as string, actor: 'x' });
    expect(reverted.counts).toEqual({ deleted: 1, restored: 0, undeleted: 6 });
    expect((await liveLines(db, org)).map((l) => l.period)).toEqual(MONTHS.map((r) => r[2]));
  });
});
