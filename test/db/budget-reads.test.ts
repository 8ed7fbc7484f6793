import { budgetSummary, commitReservation, listBudgets, recordActual, reserveFunds, updateSettings } from '@budget-sync/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { error, importText, newOrg } from './helpers.ts';

const db = await freshDatabase();

/** Marketing and Sales, FY2025 and FY2026, with some consumption on Marketing / Travel 2026-01. */
async function seeded(): Promise<string> {
  const org = await newOrg(db);
  const csv = [
    'Department,Category,Period,Budget Amount,Owner',
    'Marketing,Travel,2026-01,1000.00,Ann',
    'Marketing,Travel,2026-02,1000.00,Ann',
    'Marketing,Software,2026-01,500.50,',
    'Marketing,Software,2026-Q2,1500.00,',
    'Sales,Travel,2026-01,2000.00,Bob',
    'Sales,Travel,2025-12,300.00,Bob',
  ].join('\n');
  expect((await importText(db, org, csv, { acceptWarnings: true })).status).toBe('succeeded');
  const ask = { department: 'Marketing', category: 'Travel', period: '2026-01', actor: 't' };
  const { reservation } = await reserveFunds(db.pool, org, { ...ask, amount: '300' });
  await commitReservation(db.pool, org, reservation.id, { amount: '100' }, 't');
  await recordActual(db.pool, org, reservation.id, { amount: '150.25' }, 't');
  return org;
}

describe('listBudgets', () => {
  it('lists live lines with their consumption, filtered and sorted', async () => {
    const org = await seeded();
    const all = await listBudgets(db.pool, org, {});
    expect(all.nextCursor).toBeNull();
    expect(all.lines.map((l) => `${l.department}/${l.category}/${l.period}`)).toEqual([
      'Marketing/Software/2026-01',
      'Marketing/Software/2026-Q2',
      'Marketing/Travel/2026-01',
      'Marketing/Travel/2026-02',
      'Sales/Travel/2025-12',
      'Sales/Travel/2026-01',
    ]);
    expect(all.lines[2]).toMatchObject({
      department: 'Marketing',
      category: 'Travel',
      project: null,
      period: '2026-01',
      periodStart: '2026-01-01',
      periodEnd: '2026-01-31',
      fiscalYear: 2026,
      amount: '1000.00',
      currency: 'USD',
      owner: 'Ann',
      reserved: '149.75',
      committed: '0.00',
      actual: '150.25',
      available: '700.00',
    });
    expect((await listBudgets(db.pool, org, { fiscalYear: 2025 })).lines.map((l) => l.period)).toEqual(['2025-12']);
    expect((await listBudgets(db.pool, org, { department: 'marketing', category: 'SOFTWARE' })).lines).toHaveLength(2);
    // A quarter lists the lines that lie inside it.
    const q1 = await listBudgets(db.pool, org, { period: '2026-Q1' });
    expect(q1.lines.map((l) => l.period)).toEqual(['2026-01', '2026-01', '2026-02', '2026-01']);
  });

  it('pages with a cursor', async () => {
    const org = await seeded();
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let i = 0; i < 10; i++) {
      const page = await listBudgets(db.pool, org, { limit: 4, ...(cursor ? { cursor } : {}) });
      seen.push(...page.lines.map((l) => l.id));
      if (page.nextCursor === null) break;
      cursor = page.nextCursor;
    }
    expect(seen).toEqual((await listBudgets(db.pool, org, {})).lines.map((l) => l.id));
  });

  it('refuses bad filters and hides other orgs', async () => {
    const org = await seeded();
    const other = await newOrg(db, 'Other');
    expect((await listBudgets(db.pool, other, {})).lines).toEqual([]);
    expect((await error(listBudgets(db.pool, org, { limit: 0 }))).code).toBe('input.invalid');
    expect((await error(listBudgets(db.pool, org, { cursor: 'x' }))).code).toBe('input.invalid');
    expect((await error(listBudgets(db.pool, org, { period: 'March' }))).code).toBe('period.invalid');
    expect((await error(listBudgets(db.pool, crypto.randomUUID(), {}))).code).toBe('org.not_found');
  });
});

describe('budgetSummary', () => {
  it('sums by department, category and period in exact decimals', async () => {
    const org = await seeded();
    expect(await budgetSummary(db.pool, org, { by: 'department', fiscalYear: 2026 })).toEqual({
      rows: [
        {
          key: 'Marketing',
          direction: 'expense',
          budget: '4000.50',
          reserved: '149.75',
          committed: '0.00',
          actual: '150.25',
          available: '3700.50',
          utilizationPercent: '7.50',
        },
        {
          key: 'Sales',
          direction: 'expense',
          budget: '2000.00',
          reserved: '0.00',
          committed: '0.00',
          actual: '0.00',
          available: '2000.00',
          utilizationPercent: '0.00',
        },
      ],
    });
    const byCategory = await budgetSummary(db.pool, org, { by: 'category', department: 'MARKETING' });
    expect(byCategory.rows.map((r) => [r.key, r.budget, r.utilizationPercent])).toEqual([
      ['Software', '2000.50', '0.00'],
      ['Travel', '2000.00', '15.00'],
    ]);
    const byPeriod = await budgetSummary(db.pool, org, { by: 'period' });
    expect(byPeriod.rows.map((r) => [r.key, r.budget])).toEqual([
      ['2025-12', '300.00'],
      ['2026-01', '3500.50'],
      ['2026-02', '1000.00'],
      ['2026-Q2', '1500.00'],
    ]);
    expect((await budgetSummary(db.pool, org, { by: 'period', period: '2026-01' })).rows).toHaveLength(1);
    expect((await error(budgetSummary(db.pool, org, { by: 'owner' as 'period' }))).code).toBe('input.invalid');
  });
});

describe('amounts at and beyond the limit', () => {
  it('refuses a request amount over 999,999,999,999.99 with amount.invalid naming the limit', async () => {
    const org = await newOrg(db);
    expect((await importText(db, org, 'Department,Category,Period,Budget Amount\nOps,Travel,2026-01,100.00')).status).toBe('succeeded');
    await updateSettings(db.pool, org, { controlLevel: 'track' });
    const { reservation } = await reserveFunds(db.pool, org, {
      department: 'Ops',
      category: 'Travel',
      period: '2026-01',
      amount: '10',
      actor: 't',
    });
    for (const amount of ['9999999999999999.99', '1000000000000.00']) {
      const e = await error(recordActual(db.pool, org, reservation.id, { amount }, 't'));
      expect(e.code).toBe('amount.invalid');
      expect(e.message).toContain('more than 999,999,999,999.99, the largest amount Budget Sync accepts');
      const r = await error(reserveFunds(db.pool, org, { department: 'Ops', category: 'Travel', period: '2026-01', amount, actor: 't' }));
      expect(r.code).toBe('amount.invalid');
    }
  });

  it('keeps the summary readable when the largest amounts land on a 0.01 line: the utilization is capped, never an overflow', async () => {
    const org = await newOrg(db);
    const csv = 'Department,Category,Period,Budget Amount\nOps,Travel,2026-01,0.01\nOps,Events,2026-01,100.00';
    expect((await importText(db, org, csv)).status).toBe('succeeded');
    await updateSettings(db.pool, org, { controlLevel: 'track' });
    const max = '999999999999.99';
    const { reservation } = await reserveFunds(db.pool, org, {
      department: 'Ops',
      category: 'Travel',
      period: '2026-01',
      amount: max,
      actor: 't',
    });
    await commitReservation(db.pool, org, reservation.id, { amount: max }, 't');
    await recordActual(db.pool, org, reservation.id, { amount: max }, 't');
    await recordActual(db.pool, org, reservation.id, { amount: max }, 't');
    const byCategory = await budgetSummary(db.pool, org, { by: 'category' });
    expect(byCategory.rows.map((r) => [r.key, r.budget, r.actual, r.utilizationPercent])).toEqual([
      ['Events', '100.00', '0.00', '0.00'],
      ['Travel', '0.01', '1999999999999.98', '999999.99'],
    ]);
    const byDepartment = await budgetSummary(db.pool, org, { by: 'department' });
    expect(byDepartment.rows[0]?.utilizationPercent).toBe('999999.99');
  });
});
