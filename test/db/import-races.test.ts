/**
 * Imports and reverts racing reservations (issue 13): whatever the interleaving, no reservation is decided
 * on lines an import or revert is changing, and what they read as consumed is still true when they commit.
 * Each deterministic test pauses the import or revert after it has read consumption and before it writes,
 * fires the reservations, and resumes once they have either all finished (the old, racy behaviour) or are
 * seen waiting for the org's budget-structure lock (pg_locks) — a bounded loop, no timing assertion.
 */
import {
  commitReservation,
  type DomainError,
  type ImportResult,
  recordActual,
  releaseReservation,
  reserveFunds,
  revertImport,
  updateSettings,
} from '@budget-sync/db';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { error, importRows, newOrg, type Row } from './helpers.ts';

// Enough connections for the reservations to really overlap with the import or revert.
const db = await freshDatabase({ max: 20 });

/** budget_sync_lock_structure's lock class (migration 0006). */
const STRUCTURE_LOCK_CLASS = 7_352_103;

const RESERVATIONS = 100;

/** A gate: `wait` resolves once `open` was called. */
function gate(): { wait: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const wait = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { wait, open };
}

/** Resolves once `flag` is set: the import or revert reached the stage where it pauses. */
async function reached(flag: { value: boolean }): Promise<void> {
  for (let i = 0; i < 6000 && !flag.value; i++) await new Promise((r) => setTimeout(r, 5));
  expect(flag.value).toBe(true);
}

// Its own connection: while the import or revert holds the lock, waiting reservations may take the whole pool.
const watcher = new pg.Client({ connectionString: db.url });
await watcher.connect();
afterAll(() => watcher.end());

/** How many backends of this database wait for the structure lock. */
async function waitingForStructure(): Promise<number> {
  const r = await watcher.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_locks
      WHERE locktype = 'advisory' AND classid = $1 AND objsubid = 2 AND NOT granted
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [STRUCTURE_LOCK_CLASS],
  );
  return r.rows[0]?.n ?? 0;
}

/** Starts `calls`; resolves once they have all settled or at least one is waiting for the structure lock. */
async function fire<T>(calls: Array<() => Promise<T>>): Promise<{ settled: Promise<PromiseSettledResult<T>[]>; waited: boolean }> {
  let finished = 0;
  const settled = Promise.allSettled(calls.map((c) => c().finally(() => finished++)));
  for (let i = 0; i < 6000; i++) {
    if (finished === calls.length) return { settled, waited: false };
    if ((await waitingForStructure()) > 0) return { settled, waited: true };
    await new Promise((r) => setTimeout(r, 5));
  }
  throw new Error('the reservations neither finished nor waited for the structure lock');
}

/** A line's budget and what is reserved against it, in cents. */
async function lineFigures(org: string, category: string): Promise<{ budget: bigint; reserved: bigint }> {
  const r = await db.pool.query<{ budget: string; reserved: string }>(
    `SELECT (l.amount * 100)::bigint::text AS budget, (coalesce(c.reserved, 0) * 100)::bigint::text AS reserved
       FROM budget_lines l LEFT JOIN line_consumption c ON c.line_id = l.id
      WHERE l.org_id = $1 AND l.category = $2 AND l.deleted_at IS NULL`,
    [org, category],
  );
  const row = r.rows[0];
  return { budget: BigInt(row?.budget ?? 0), reserved: BigInt(row?.reserved ?? 0) };
}

/** Money reserved, committed or spent on lines that are soft-deleted. */
async function heldOnDeletedLines(org: string): Promise<string> {
  const r = await db.pool.query<{ held: string }>(
    `SELECT coalesce(sum(r.reserved + r.committed + r.actual), 0)::numeric(18,2)::text AS held
       FROM reservations r JOIN budget_lines l ON l.id = r.line_id
      WHERE r.org_id = $1 AND l.deleted_at IS NOT NULL`,
    [org],
  );
  return r.rows[0]?.held as string;
}

const reserve =
  (org: string, category: string, amount = '10.00') =>
  () =>
    reserveFunds(db.pool, org, { department: 'Ops', category, period: '2026-03', amount, actor: 'buyer@example.com' });

const codes = (results: PromiseSettledResult<unknown>[]) =>
  results.map((s) => (s.status === 'fulfilled' ? 'reserved' : (s.reason as DomainError).code));

describe('an import lowering a line while reservations target it (defect 6)', () => {
  it('makes the reservations wait for it, then decides them on the new budget', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [['Ops', 'Travel', '2026-03', '1000.00']]);
    const paused = gate();
    const atPlanned = { value: false };
    const lowering = importRows(db, org, [['Ops', 'Travel', '2026-03', '1.00']], {
      fileName: 'lower.csv',
      // After the plan (consumption read), before any line is written.
      onStage: async (stage) => {
        if (stage !== 'planned') return;
        atPlanned.value = true;
        await paused.wait;
      },
    });
    await reached(atPlanned);
    const { settled, waited } = await fire(Array.from({ length: RESERVATIONS }, () => reserve(org, 'Travel')));
    paused.open();
    const imported = await lowering;
    const results = await settled;

    expect(imported.status).toBe('succeeded');
    // Each reservation was decided on the 1.00 budget: 10.00 does not fit.
    expect(await lineFigures(org, 'Travel')).toEqual({ budget: 100n, reserved: 0n });
    expect(new Set(codes(results))).toEqual(new Set(['budget.insufficient']));
    expect(waited).toBe(true);
  });

  it('never ends with more reserved than budget + tolerance, whichever comes first', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [['Ops', 'Travel', '2026-03', '1000.00']]);
    await updateSettings(db.pool, org, { tolerancePercent: '10' });
    // Half with idempotency keys: the key's lock, the group's, then the structure lock, as in production.
    const calls = Array.from({ length: RESERVATIONS }, (_, i) =>
      i % 2
        ? reserve(org, 'Travel')
        : () =>
            reserveFunds(db.pool, org, {
              department: 'Ops',
              category: 'Travel',
              period: '2026-03',
              amount: '10.00',
              actor: 'buyer@example.com',
              idempotencyKey: `po-${i}`,
            }),
    );
    // The import starts among the reservations, unpaused: any interleaving the scheduler makes.
    const [results, imported] = await Promise.all([
      Promise.allSettled(calls.map((c) => c())),
      importRows(db, org, [['Ops', 'Travel', '2026-03', '1.00']], { fileName: 'lower.csv' }),
    ]);
    const { budget, reserved } = await lineFigures(org, 'Travel');
    const held = BigInt(codes(results).filter((c) => c === 'reserved').length) * 1000n;
    expect(reserved).toBe(held);
    if (imported.status === 'succeeded') {
      // It saw every reservation that went before it: had there been any, it would have needed accepted warnings.
      expect(budget).toBe(100n);
      expect(reserved).toBeLessThanOrEqual(110n);
    } else {
      expect(imported.status).toBe('rejected');
      expect(imported.issues.map((i) => i.code)).toContain('budget.below_consumption');
      expect(budget).toBe(100_000n);
    }
  });
});

describe('a revert while reservations target its lines (defect 7)', () => {
  const CATEGORIES = Array.from({ length: RESERVATIONS }, (_, i) => `Cat${String(i).padStart(3, '0')}`);
  const rows: Row[] = CATEGORIES.map((c) => ['Ops', c, '2026-03', '100.00']);

  it('makes the reservations wait for it: none holds money on a line it removed', async () => {
    const org = await newOrg(db);
    const imported = await importRows(db, org, rows);
    const paused = gate();
    const atChecked = { value: false };
    const reverting = revertImport(db, {
      orgId: org,
      importId: imported.importId as string,
      actor: 'x',
      onChecked: async () => {
        atChecked.value = true;
        await paused.wait;
      },
    });
    await reached(atChecked);
    const { settled, waited } = await fire(CATEGORIES.map((c) => reserve(org, c)));
    paused.open();
    const reverted = await reverting;
    const results = await settled;

    expect(reverted.counts.deleted).toBe(RESERVATIONS);
    expect(await heldOnDeletedLines(org)).toBe('0.00');
    // Decided after the revert: there is no line any more (missingBudget `fail`).
    expect(new Set(codes(results))).toEqual(new Set(['budget.insufficient']));
    expect(waited).toBe(true);
  });

  it('either refuses, listing the lines with money, or goes first — never both', async () => {
    const org = await newOrg(db);
    const imported = await importRows(db, org, rows);
    const [results, reverted] = await Promise.all([
      Promise.allSettled(CATEGORIES.map((c) => reserve(org, c)())),
      revertImport(db, { orgId: org, importId: imported.importId as string, actor: 'x' }).then(
        () => null,
        (e: DomainError) => e,
      ),
    ]);
    expect(await heldOnDeletedLines(org)).toBe('0.00');
    const held = codes(results).filter((c) => c === 'reserved').length;
    if (reverted !== null) {
      expect(reverted.code).toBe('import.revert_conflict');
      // It names the lines that had money when it looked; reservations after its refusal add more.
      const conflicts = (reverted.details as { conflicts: unknown[] }).conflicts.length;
      expect(conflicts).toBeGreaterThan(0);
      expect(conflicts).toBeLessThanOrEqual(held);
    } else {
      expect(held).toBe(0);
    }
  });
});

describe('moves on a reservation whose line a revert removed', () => {
  it('commit and release find nothing reserved; an actual is recorded, as every actual is', async () => {
    const org = await newOrg(db);
    const imported = await importRows(db, org, [['Ops', 'Travel', '2026-03', '100.00']]);
    const { reservation } = await reserve(org, 'Travel')();
    await releaseReservation(db.pool, org, reservation.id, 'buyer@example.com');
    // Nothing is consumed any more, so the revert may remove the line.
    expect((await revertImport(db, { orgId: org, importId: imported.importId as string, actor: 'x' })).counts.deleted).toBe(1);
    const commit = await error(commitReservation(db.pool, org, reservation.id, {}, 'buyer@example.com'));
    expect(commit.code).toBe('reservation.invalid_state');
    const actual = await recordActual(db.pool, org, reservation.id, { amount: '4.00' }, 'buyer@example.com');
    expect(actual).toMatchObject({ status: 'closed', actual: '4.00', line: { id: reservation.line?.id } });
  });
});

describe('reverting an update below what is reserved (defect 8)', () => {
  it('refuses, naming the line, and changes nothing', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [['Ops', 'Travel', '2026-03', '100.00']]);
    const raise: ImportResult = await importRows(db, org, [['Ops', 'Travel', '2026-03', '10000.00']], { fileName: 'raise.csv' });
    await reserve(org, 'Travel', '5000.00')();
    const err = await error(revertImport(db, { orgId: org, importId: raise.importId as string, actor: 'x' }));
    expect(err.code).toBe('import.revert_conflict');
    const conflicts = (err.details as { conflicts: Array<{ category: string; period: string; reason: string }> }).conflicts;
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ category: 'Travel', period: '2026-03' });
    expect(conflicts[0]?.reason).toContain('below the 5000.00 already reserved');
    expect(await lineFigures(org, 'Travel')).toEqual({ budget: 1_000_000n, reserved: 500_000n });
  });

  it('still restores an earlier amount that covers what is reserved', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [['Ops', 'Travel', '2026-03', '6000.00']]);
    const raise = await importRows(db, org, [['Ops', 'Travel', '2026-03', '10000.00']], { fileName: 'raise.csv' });
    await reserve(org, 'Travel', '5000.00')();
    const reverted = await revertImport(db, { orgId: org, importId: raise.importId as string, actor: 'x' });
    expect(reverted.counts.restored).toBe(1);
    expect(await lineFigures(org, 'Travel')).toEqual({ budget: 600_000n, reserved: 500_000n });
  });
});
