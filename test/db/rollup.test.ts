/**
 * Checks and reservations at a level (DESIGN §2 "Control"): a department and any of category, project and
 * dimensions, over a period; decided on the roll-up of the expense lines that match, with the
 * no-overspend guarantee at every level reserved at, whatever the concurrency or the spelling.
 */
import {
  budgetSummary,
  checkBudget,
  commitReservation,
  DomainError,
  releaseReservation,
  reserveFunds,
  type ReservationView,
  updateSettings,
} from '@budget-sync/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { error, newOrg } from './helpers.ts';
import { importBudgetLines, line } from './lines.ts';

// Enough connections for the concurrency test to really overlap.
const db = await freshDatabase({ max: 20 });

/** Parks in January 2026: Salaries by fund (General = code 10, Grants), Supplies of General, and revenue. */
async function parks(): Promise<string> {
  const org = await newOrg(db);
  const r = await importBudgetLines(db, org, [
    line('Parks', 'Salaries', '2026-01', '3000.00', { Fund: 'General Fund' }, { codes: { Fund: '10' } }),
    line('Parks', 'Supplies', '2026-01', '2000.00', { Fund: 'General Fund' }, { codes: { Fund: '10' } }),
    line('Parks', 'Salaries', '2026-01', '5000.00', { Fund: 'Grants' }),
    line('Parks', 'Salaries', '2026-02', '700.00', { Fund: 'Grants' }),
    line('Parks', 'Fees', '2026-01', '9000.00', { Fund: 'General Fund' }, { codes: { Fund: '10' }, direction: 'revenue' }),
    line('Library', 'Salaries', '2026-01', '100.00', { Fund: 'General Fund' }, { codes: { Fund: '10' } }),
  ]);
  expect(r.status).toBe('succeeded');
  return org;
}

const JAN = { period: '2026-01', amount: '10' };

describe('checks at a level', () => {
  it('sums the expense lines that match every name and dimension given, never revenue', async () => {
    const org = await parks();
    const ask = (q: object) => checkBudget(db.pool, org, { department: 'Parks', ...JAN, ...q });
    // The department: every expense line of January, across categories and funds (not the fees).
    expect(await ask({})).toMatchObject({ budget: '10000.00', lines: 3, line: null, decision: 'pass' });
    // A category across funds.
    expect(await ask({ category: 'Salaries' })).toMatchObject({ budget: '8000.00', lines: 2, line: null });
    // A fund, by its name or its code, in any letter case and spacing.
    for (const fund of ['General Fund', '10', ' general FUND ']) {
      expect(await ask({ dimensions: { fund } })).toMatchObject({ budget: '5000.00', lines: 2 });
      expect(await ask({ dimensions: { ' FUND ': fund } })).toMatchObject({ budget: '5000.00', lines: 2 });
    }
    // A fund and a category: one line, named as before.
    const one = await ask({ category: 'salaries', dimensions: { Fund: 'Grants' } });
    expect(one).toMatchObject({ budget: '5000.00', lines: 1, line: { period: '2026-01' } });
    expect(one.message).toContain('Parks / Salaries / Fund Grants in 2026-01');
    expect(one.level).toEqual({
      department: 'Parks',
      category: 'salaries',
      project: null,
      dimensions: { Fund: 'Grants' },
      period: '2026-01',
    });
    // Revenue is stored and reported, never a budget to spend.
    expect(await ask({ category: 'Fees' })).toMatchObject({ lines: 0, decision: 'fail', budget: '0.00' });
    // A fund nobody has.
    expect(await ask({ dimensions: { fund: '99' } })).toMatchObject({ lines: 0, decision: 'fail' });
    // A quarter rolls up its months.
    expect(await ask({ period: '2026-Q1', dimensions: { fund: 'grants' } })).toMatchObject({ budget: '5700.00', lines: 2 });
  });

  it('refuses dimensions that are not names and values, with input.invalid naming the problem', async () => {
    const org = await parks();
    const ask = (dimensions: unknown) =>
      error(checkBudget(db.pool, org, { department: 'Parks', ...JAN, dimensions: dimensions as Record<string, string> }));
    expect((await ask(['10'])).code).toBe('input.invalid');
    expect((await ask({ fund: ' ' })).message).toContain('dimension "fund" needs a value');
    expect((await ask({ fund: 'a', FUND: 'b' })).message).toContain('named twice');
    expect((await ask({ fund: 'a\u0000' })).message).toContain('NUL');
    expect((await ask({ '': 'x' })).message).toContain('needs a name');
  });
});

describe('reservations at a level', () => {
  it('holds a roll-up on its lines, counted by every level that shares one of them', async () => {
    const org = await parks();
    const dept = await reserveFunds(db.pool, org, { department: 'Parks', ...JAN, amount: '4800', actor: 't' });
    expect(dept.reservation).toMatchObject({ line: null, category: null, dimensions: {}, reserved: '4800.00' });
    expect(dept.reservation.lineIds).toHaveLength(3);
    // Counted at the department and at each fund it could be spent from.
    expect(await checkBudget(db.pool, org, { department: 'Parks', ...JAN })).toMatchObject({ reserved: '4800.00', available: '5200.00' });
    expect(await checkBudget(db.pool, org, { department: 'Parks', ...JAN, dimensions: { fund: '10' } })).toMatchObject({
      reserved: '4800.00',
      available: '200.00',
    });
    // Not in February, whose lines it does not draw on.
    expect(await checkBudget(db.pool, org, { department: 'Parks', period: '2026-02', amount: '1' })).toMatchObject({ reserved: '0.00' });
    // A fund-level request that would overspend the General fund is refused…
    const refused = await error(
      reserveFunds(db.pool, org, { department: 'Parks', ...JAN, amount: '300', dimensions: { fund: '10' }, actor: 't' }),
    );
    expect(refused.code).toBe('budget.insufficient');
    // …and fits once part of the roll-up is committed and the rest released.
    await commitReservation(db.pool, org, dept.reservation.id, { amount: '4000' }, 't');
    expect(await checkBudget(db.pool, org, { department: 'Parks', ...JAN })).toMatchObject({ reserved: '800.00', committed: '4000.00' });
    await releaseReservation(db.pool, org, dept.reservation.id, 't');
    const fund = await reserveFunds(db.pool, org, { department: 'Parks', ...JAN, amount: '900', dimensions: { fund: '10' }, actor: 't' });
    expect(fund.reservation).toMatchObject({ dimensions: { fund: '10' }, line: null });
    expect(await checkBudget(db.pool, org, { department: 'Parks', ...JAN })).toMatchObject({ reserved: '900.00', committed: '4000.00' });
  });

  it('shows a roll-up reservation in the summary row that holds all its lines', async () => {
    const org = await parks();
    await reserveFunds(db.pool, org, { department: 'Parks', ...JAN, amount: '100', actor: 't' });
    await reserveFunds(db.pool, org, { department: 'Parks', ...JAN, amount: '7', dimensions: { fund: '10' }, actor: 't' });
    const rows = async (f: Parameters<typeof budgetSummary>[2]) =>
      (await budgetSummary(db.pool, org, f)).rows.map((r) => [r.key, r.direction, r.reserved, r.available]);
    expect(await rows({ by: 'department', fiscalYear: 2026 })).toEqual([
      ['Library', 'expense', '0.00', '100.00'],
      ['Parks', 'expense', '107.00', '10593.00'],
      ['Parks', 'revenue', '0.00', '9000.00'],
    ]);
    // By fund: the fund-level one in its fund; the department-level one spans both funds, so in neither.
    expect(await rows({ by: 'dimension', dimension: 'fund', department: 'Parks', direction: 'expense' })).toEqual([
      ['General Fund', 'expense', '7.00', '4993.00'],
      ['Grants', 'expense', '0.00', '5700.00'],
    ]);
    // A filter that cuts a roll-up's lines leaves it out: February holds none of them.
    expect(await rows({ by: 'department', period: '2026-02', department: 'Parks' })).toEqual([['Parks', 'expense', '0.00', '700.00']]);
  });

  it("names the line's dimensions in a threshold event", async () => {
    const org = await parks();
    await db.pool.query(
      `INSERT INTO org_webhooks (org_id, url, secret_ciphertext, secret_key_id) VALUES ($1, 'https://hooks.test', '\\x00', 'k')`,
      [org],
    );
    await reserveFunds(db.pool, org, {
      department: 'Parks',
      category: 'Salaries',
      ...JAN,
      amount: '4500',
      dimensions: { fund: 'grants' },
      actor: 't',
    });
    const events = await db.pool.query<{ payload: { threshold: number; line: object } }>(
      `SELECT payload FROM outbox WHERE org_id = $1 AND event = 'budget.threshold_crossed' ORDER BY id`,
      [org],
    );
    expect(events.rows.map((e) => [e.payload.threshold, e.payload.line])).toEqual([
      [80, expect.objectContaining({ department: 'Parks', category: 'Salaries', dimensions: { Fund: 'Grants' }, direction: 'expense' })],
    ]);
  });

  it('holds a request that matches one line on that line, as before', async () => {
    const org = await parks();
    const r = await reserveFunds(db.pool, org, {
      department: 'Parks',
      category: 'Salaries',
      ...JAN,
      dimensions: { fund: 'grants' },
      amount: '5',
      actor: 't',
    });
    expect(r.reservation.line).not.toBeNull();
    expect(r.reservation.lineIds).toEqual([]);
    const c = await db.pool.query('SELECT reserved::text FROM line_consumption WHERE line_id = $1', [r.reservation.line?.id]);
    expect(c.rows).toEqual([{ reserved: '5.00' }]);
  });

  it('treats the dimensions as part of the request for its idempotency key', async () => {
    const org = await parks();
    const ask = { department: 'Parks', ...JAN, actor: 't', idempotencyKey: 'po-1' };
    const first = await reserveFunds(db.pool, org, { ...ask, dimensions: { fund: 'Grants' } });
    expect((await reserveFunds(db.pool, org, { ...ask, dimensions: { FUND: ' grants ' } })).replayed).toBe(true);
    expect((await error(reserveFunds(db.pool, org, { ...ask, dimensions: { fund: '10' } }))).code).toBe('idempotency.mismatch');
    expect(first.replayed).toBe(false);
  });
});

/** Deterministic pseudo-random amounts in cents, 1..max each. */
function amounts(n: number, seed: number, max: number): bigint[] {
  let x = seed;
  return Array.from({ length: n }, () => {
    x = (x * 1_103_515_245 + 12_345) % 2 ** 31;
    return BigInt((x % max) + 1);
  });
}

const decimal = (cents: bigint) => `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;

/** Resolves 'waiting' once `n` backends of this database wait for an advisory lock. */
async function advisoryWaiters(n: number): Promise<'waiting'> {
  for (;;) {
    const r = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND wait_event = 'advisory'`,
    );
    if ((r.rows[0]?.n ?? 0) >= n) return 'waiting';
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

describe('concurrency at roll-up levels', () => {
  it('makes a reservation at any level under a department wait for one that holds the department', async () => {
    const org = await parks();
    // Another reservation of the department, at the department level, in the middle of its transaction.
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT budget_sync_lock_reservation(7352101, $1, 7352102, NULL)', [JSON.stringify([org, 'Parks'])]);
      // A fund-level and a line-level request, spelt otherwise, must wait for it: they could draw on its lines.
      const asks = [
        reserveFunds(db.pool, org, { department: 'PARKS ', ...JAN, dimensions: { fund: 'grants' }, actor: 't' }),
        reserveFunds(db.pool, org, { department: 'parks', category: 'Supplies', ...JAN, dimensions: { fund: '10' }, actor: 't' }),
      ];
      expect(await Promise.race([Promise.all(asks).then(() => 'reserved'), advisoryWaiters(2)])).toBe('waiting');
      await holder.query('COMMIT');
      expect((await Promise.all(asks)).map((r) => r.replayed)).toEqual([false, false]);
    } finally {
      holder.release();
    }
  });

  it('lets requests on different categories of a department run side by side, and makes a department roll-up wait for them', async () => {
    const org = await parks();
    // A reservation on Parks / Salaries (no project) in the middle of its transaction: the department's
    // lock shared, its group's lock exclusive (budget_sync_lock_reservation, migration 0010).
    const holder = await db.pool.connect();
    try {
      await holder.query('BEGIN');
      await holder.query('SELECT budget_sync_lock_reservation(7352101, $1, 7352102, NULL)', [
        JSON.stringify([org, 'Parks', 'Salaries', '']),
      ]);
      // Another category of the department draws on other lines: it does not wait.
      const supplies = await reserveFunds(db.pool, org, { department: 'parks', category: 'SUPPLIES', ...JAN, actor: 't' });
      expect(supplies.reservation.status).toBe('held');
      // The department as a whole, and the same category spelt otherwise, could draw on the held lines: they wait.
      const asks = [
        reserveFunds(db.pool, org, { department: 'Parks', ...JAN, actor: 't' }),
        reserveFunds(db.pool, org, { department: 'PARKS', category: ' salaries ', ...JAN, dimensions: { fund: 'Grants' }, actor: 't' }),
      ];
      expect(await Promise.race([Promise.all(asks).then(() => 'reserved'), advisoryWaiters(2)])).toBe('waiting');
      await holder.query('COMMIT');
      expect((await Promise.all(asks)).map((r) => r.reservation.status)).toEqual(['held', 'held']);
    } finally {
      holder.release();
    }
  });

  it('200 concurrent reservations at the department, fund and line levels never hold more than any level reserved at allows', async () => {
    const org = await newOrg(db);
    await importBudgetLines(db, org, [
      line('Parks', 'Salaries', '2026-01', '3000.00', { fund: 'A' }),
      line('Parks', 'Supplies', '2026-01', '2000.00', { fund: 'A' }),
      line('Parks', 'Salaries', '2026-01', '5000.00', { fund: 'B' }),
    ]);
    await updateSettings(db.pool, org, { tolerancePercent: '1' }); // 100.00 on the department, 50.00 on a fund, 30.00 on A's salaries
    const ids = await db.pool.query<{ id: string; category: string; fund: string }>(
      `SELECT id, category, dimensions->>'fund' AS fund FROM budget_lines WHERE org_id = $1`,
      [org],
    );
    const lineOf = (category: string, fund: string) => ids.rows.find((r) => r.category === category && r.fund === fund)?.id as string;
    const A = [lineOf('Salaries', 'A'), lineOf('Supplies', 'A')];
    const B = [lineOf('Salaries', 'B')];
    const ALL = [...A, ...B];
    // Four levels, spelt in different ways: the department (3 lines), fund A (2), fund B (1: held on its
    // line) and A's salaries (1).
    const levels: Array<{
      q: { department: string; category?: string; dimensions?: Record<string, string> };
      lines: string[];
      limit: bigint;
    }> = [
      { q: { department: 'Parks' }, lines: ALL, limit: 1_010_000n },
      { q: { department: 'PARKS ', dimensions: { Fund: 'a' } }, lines: A, limit: 505_000n },
      { q: { department: 'parks', dimensions: { fund: ' B' } }, lines: B, limit: 505_000n },
      { q: { department: 'Parks', category: 'salaries', dimensions: { FUND: 'A' } }, lines: [A[0] as string], limit: 303_000n },
    ];
    const asks = amounts(200, 11, 20_000); // up to 200.00 each, about 20,000.00 in all: twice the budget
    const settled = await Promise.allSettled(
      asks.map((a, i) =>
        reserveFunds(db.pool, org, { ...(levels[i % 4] as (typeof levels)[number]).q, period: '2026-01', amount: decimal(a), actor: 't' }),
      ),
    );

    /** What is held by reservations whose lines lie within `lines` (a line's own, or a roll-up's). */
    const held = new Map<ReservationView, bigint>();
    const refused: Array<{ level: number; amount: bigint }> = [];
    settled.forEach((s, i) => {
      const a = asks[i] as bigint;
      if (s.status === 'fulfilled') held.set(s.value.reservation, a);
      else {
        expect(s.reason).toBeInstanceOf(DomainError);
        expect((s.reason as DomainError).code).toBe('budget.insufficient');
        refused.push({ level: i % 4, amount: a });
      }
    });
    const linesOf = (v: ReservationView) => (v.line ? [v.line.id] : v.lineIds);
    for (const v of held.keys()) expect(linesOf(v).length).toBeGreaterThan(0);
    const within = (lines: string[]) =>
      [...held].filter(([v]) => linesOf(v).every((l) => lines.includes(l))).reduce((s, [, a]) => s + a, 0n);
    const overlapping = (lines: string[]) =>
      [...held].filter(([v]) => linesOf(v).some((l) => lines.includes(l))).reduce((s, [, a]) => s + a, 0n);
    for (const level of levels) expect(within(level.lines)).toBeLessThanOrEqual(level.limit);
    expect(refused.length).toBeGreaterThan(0);
    expect(new Set(refused.map((r) => r.level)).size).toBeGreaterThan(1);
    // Serialized: each refusal saw at most what every level sharing its lines holds now.
    for (const r of refused) {
      const level = levels[r.level] as (typeof levels)[number];
      expect(r.amount).toBeGreaterThan(level.limit - overlapping(level.lines));
    }
    // The database's own figures agree with what the callers were told.
    const check = await checkBudget(db.pool, org, { department: 'Parks', period: '2026-01', amount: '0.01' });
    expect(check.reserved).toBe(decimal(within(ALL)));
  });
});
