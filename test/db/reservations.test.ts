import {
  commitReservation,
  DomainError,
  getReservation,
  recordActual,
  releaseReservation,
  reserveFunds,
  updateSettings,
  type CheckResult,
  type ReservationView,
} from '@budget-sync/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { error, importRows, importText, newOrg } from './helpers.ts';

// Enough connections for the concurrency tests to really overlap.
const db = await freshDatabase({ max: 20 });

/** An org with one budget line, Marketing / Travel 2026-03, of `amount`. */
async function orgWithLine(amount = '1000.00'): Promise<{ org: string; line: string }> {
  const org = await newOrg(db);
  await importRows(db, org, [['Marketing', 'Travel', '2026-03', amount]]);
  const r = await db.pool.query<{ id: string }>('SELECT id FROM budget_lines WHERE org_id = $1', [org]);
  return { org, line: r.rows[0]?.id as string };
}

const ASK = { department: 'Marketing', category: 'Travel', period: '2026-03', actor: 'buyer@example.com' };

interface Totals {
  reserved: string;
  committed: string;
  actual: string;
}

/** line_consumption of a line ("0.00"s when it has no row). */
async function consumption(line: string): Promise<Totals> {
  const r = await db.pool.query<Totals>(
    `SELECT coalesce(max(reserved), 0)::numeric(18,2)::text AS reserved, coalesce(max(committed), 0)::numeric(18,2)::text AS committed,
            coalesce(max(actual), 0)::numeric(18,2)::text AS actual FROM line_consumption WHERE line_id = $1`,
    [line],
  );
  return r.rows[0] as Totals;
}

/** The same totals recomputed from the ledger, by the documented sign convention. */
async function ledgerTotals(line: string): Promise<Totals> {
  const r = await db.pool.query<Totals>(
    `SELECT coalesce(sum(amount) FILTER (WHERE entry_type IN ('reserved', 'released')), 0)::numeric(18,2)::text AS reserved,
            coalesce(sum(amount) FILTER (WHERE entry_type = 'committed'), 0)::numeric(18,2)::text AS committed,
            coalesce(sum(amount) FILTER (WHERE entry_type = 'actual'), 0)::numeric(18,2)::text AS actual
       FROM utilization_entries WHERE line_id = $1`,
    [line],
  );
  return r.rows[0] as Totals;
}

/** And from the reservation rows. */
async function reservationTotals(line: string): Promise<Totals> {
  const r = await db.pool.query<Totals>(
    `SELECT coalesce(sum(reserved), 0)::numeric(18,2)::text AS reserved, coalesce(sum(committed), 0)::numeric(18,2)::text AS committed,
            coalesce(sum(actual), 0)::numeric(18,2)::text AS actual FROM reservations WHERE line_id = $1`,
    [line],
  );
  return r.rows[0] as Totals;
}

async function expectConsistent(line: string, expected: Totals): Promise<void> {
  expect(await consumption(line)).toEqual(expected);
  expect(await ledgerTotals(line)).toEqual(expected);
  expect(await reservationTotals(line)).toEqual(expected);
}

async function entries(reservation: string): Promise<Array<[string, string]>> {
  const r = await db.pool.query<{ t: string; a: string }>(
    'SELECT entry_type AS t, amount::text AS a FROM utilization_entries WHERE reservation_id = $1 ORDER BY id',
    [reservation],
  );
  return r.rows.map((x) => [x.t, x.a]);
}

async function count(table: string, org: string): Promise<number> {
  const r = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE org_id = $1`, [org]);
  return r.rows[0]?.n as number;
}

describe('reserve, commit, release, actual', () => {
  it('reserves: a held reservation, a reserved ledger entry and the line total', async () => {
    const { org, line } = await orgWithLine();
    const { replayed, reservation: r } = await reserveFunds(db.pool, org, {
      ...ASK,
      department: 'marketing',
      amount: '400',
      reference: 'PR-1',
      description: 'Conference trip',
    });
    expect(replayed).toBe(false);
    expect(r).toMatchObject({
      status: 'held',
      amount: '400.00',
      reserved: '400.00',
      committed: '0.00',
      actual: '0.00',
      currency: 'USD',
      decision: 'pass',
      line: { id: line, period: '2026-03' },
      department: 'Marketing',
      category: 'Travel',
      project: null,
      period: '2026-03',
      reference: 'PR-1',
      description: 'Conference trip',
    });
    expect(r.check).toMatchObject({ decision: 'pass', budget: '1000.00', available: '1000.00', availableAfter: '600.00' });
    expect(await entries(r.id)).toEqual([['reserved', '400.00']]);
    await expectConsistent(line, { reserved: '400.00', committed: '0.00', actual: '0.00' });
    expect(await getReservation(db.pool, org, r.id)).toEqual(r);
  });

  it('commits partially, releases the rest, records actuals from committed first, then reserved, then beyond', async () => {
    const { org, line } = await orgWithLine();
    const { reservation: r } = await reserveFunds(db.pool, org, { ...ASK, amount: '500' });

    const c1 = await commitReservation(db.pool, org, r.id, { amount: '200' }, 'approver');
    expect(c1).toMatchObject({ status: 'partly_committed', reserved: '300.00', committed: '200.00', actual: '0.00' });
    await expectConsistent(line, { reserved: '300.00', committed: '200.00', actual: '0.00' });

    // 250 spent: 200 from committed, 50 from reserved.
    const a1 = await recordActual(db.pool, org, r.id, { amount: '250' }, 'ap');
    expect(a1).toMatchObject({ status: 'partly_committed', reserved: '250.00', committed: '0.00', actual: '250.00' });
    await expectConsistent(line, { reserved: '250.00', committed: '0.00', actual: '250.00' });

    const rel = await releaseReservation(db.pool, org, r.id, 'buyer');
    expect(rel).toMatchObject({ status: 'closed', reserved: '0.00', committed: '0.00', actual: '250.00' });
    await expectConsistent(line, { reserved: '0.00', committed: '0.00', actual: '250.00' });

    // A later invoice beyond everything is still recorded: actuals are facts.
    const a2 = await recordActual(db.pool, org, r.id, { amount: '900' }, 'ap');
    expect(a2).toMatchObject({ status: 'closed', actual: '1150.00' });
    await expectConsistent(line, { reserved: '0.00', committed: '0.00', actual: '1150.00' });

    expect(await entries(r.id)).toEqual([
      ['reserved', '500.00'],
      ['reserved', '-200.00'],
      ['committed', '200.00'],
      ['committed', '-200.00'],
      ['reserved', '-50.00'],
      ['actual', '250.00'],
      ['released', '-250.00'],
      ['actual', '900.00'],
    ]);
    const who = await db.pool.query('SELECT DISTINCT actor FROM utilization_entries WHERE reservation_id = $1 ORDER BY actor', [r.id]);
    expect(who.rows.map((x) => x.actor)).toEqual(['ap', 'approver', 'buyer', 'buyer@example.com']);
  });

  it('commits everything still reserved by default; statuses follow the figures', async () => {
    const { org, line } = await orgWithLine();
    const { reservation: a } = await reserveFunds(db.pool, org, { ...ASK, amount: '100' });
    expect(await commitReservation(db.pool, org, a.id, {}, 'x')).toMatchObject({
      status: 'committed',
      reserved: '0.00',
      committed: '100.00',
    });
    expect(await recordActual(db.pool, org, a.id, { amount: '100' }, 'x')).toMatchObject({
      status: 'closed',
      committed: '0.00',
      actual: '100.00',
    });

    const { reservation: b } = await reserveFunds(db.pool, org, { ...ASK, amount: '50' });
    expect(await releaseReservation(db.pool, org, b.id, 'x')).toMatchObject({ status: 'released', reserved: '0.00' });
    await expectConsistent(line, { reserved: '0.00', committed: '0.00', actual: '100.00' });
  });

  it('refuses what the reservation cannot do, with stable codes, and writes nothing', async () => {
    const { org, line } = await orgWithLine();
    const { reservation: r } = await reserveFunds(db.pool, org, { ...ASK, amount: '100' });
    const over = await error(commitReservation(db.pool, org, r.id, { amount: '100.01' }, 'x'));
    expect(over.code).toBe('amount.exceeds_reserved');
    expect(over.message).toBe(`Only 100.00 USD is still reserved on reservation ${r.id}; 100.01 USD cannot be committed.`);
    expect((await error(commitReservation(db.pool, org, r.id, { amount: '0' }, 'x'))).code).toBe('amount.invalid');
    expect((await error(recordActual(db.pool, org, r.id, { amount: '-3' }, 'x'))).code).toBe('amount.invalid');
    await releaseReservation(db.pool, org, r.id, 'x');
    const again = await error(releaseReservation(db.pool, org, r.id, 'x'));
    expect(again.code).toBe('reservation.invalid_state');
    expect(again.message).toBe(`Reservation ${r.id} cannot be released: it was already released.`);
    expect((await error(commitReservation(db.pool, org, r.id, {}, 'x'))).code).toBe('reservation.invalid_state');
    await expectConsistent(line, { reserved: '0.00', committed: '0.00', actual: '0.00' });
    expect(await entries(r.id)).toHaveLength(2);

    // Unknown ids and other orgs' reservations are not found.
    const other = await newOrg(db, 'Other');
    for (const attempt of [
      () => getReservation(db.pool, other, r.id),
      () => commitReservation(db.pool, other, r.id, {}, 'x'),
      () => releaseReservation(db.pool, other, r.id, 'x'),
      () => recordActual(db.pool, other, r.id, { amount: '1' }, 'x'),
      () => getReservation(db.pool, org, crypto.randomUUID()),
      () => getReservation(db.pool, org, 'not-an-id'),
    ]) {
      expect((await error(attempt())).code).toBe('reservation.not_found');
    }
  });

  it('refuses an insufficient budget with budget.insufficient and the check, writing nothing', async () => {
    const { org, line } = await orgWithLine();
    await updateSettings(db.pool, org, { toleranceAmount: '10' });
    await reserveFunds(db.pool, org, { ...ASK, amount: '900' });
    const e = await error(reserveFunds(db.pool, org, { ...ASK, amount: '110.01', idempotencyKey: 'k-1' }));
    expect(e.code).toBe('budget.insufficient');
    const check = (e.details as { check: CheckResult }).check;
    expect(check).toMatchObject({ decision: 'fail', available: '100.00', availableAfter: '-10.01', tolerance: '10.00' });
    expect(e.message).toBe(check.message);
    expect(await count('reservations', org)).toBe(1);
    expect(await count('utilization_entries', org)).toBe(1);
    await expectConsistent(line, { reserved: '900.00', committed: '0.00', actual: '0.00' });
    // Within the tolerance it is held, with the warning; the failed key was not used up.
    const { reservation } = await reserveFunds(db.pool, org, { ...ASK, amount: '110', idempotencyKey: 'k-1' });
    expect(reservation).toMatchObject({ status: 'held', decision: 'warn' });
    expect(reservation.check.message).toContain('within the tolerance of 10.00 USD');
  });

  it('holds a reservation without a line when missingBudget is warn, without ledger entries', async () => {
    const org = await newOrg(db);
    await updateSettings(db.pool, org, { missingBudget: 'warn' });
    const { reservation: r } = await reserveFunds(db.pool, org, {
      ...ASK,
      date: '2026-03-05',
      period: undefined,
      amount: '75',
      currency: 'EUR',
    });
    expect(r).toMatchObject({
      status: 'held',
      line: null,
      decision: 'warn',
      period: '2026-03-05',
      currency: 'EUR',
      department: 'Marketing',
    });
    expect(await commitReservation(db.pool, org, r.id, { amount: '25' }, 'x')).toMatchObject({ reserved: '50.00', committed: '25.00' });
    expect(await recordActual(db.pool, org, r.id, { amount: '80' }, 'x')).toMatchObject({
      status: 'closed',
      reserved: '0.00',
      actual: '80.00',
    });
    expect(await count('utilization_entries', org)).toBe(0);
    expect(await count('line_consumption', org)).toBe(0);
    // With fail, the same request is refused.
    await updateSettings(db.pool, org, { missingBudget: 'fail' });
    expect((await error(reserveFunds(db.pool, org, { ...ASK, amount: '75' }))).code).toBe('budget.insufficient');
  });
});

describe('idempotency', () => {
  it('replays the same request with the same key, and refuses the key for another request', async () => {
    const { org, line } = await orgWithLine();
    const first = await reserveFunds(db.pool, org, { ...ASK, amount: '100', idempotencyKey: 'po-7', reference: 'PO 7' });
    // The same request written differently is the same request.
    const again = await reserveFunds(db.pool, org, {
      ...ASK,
      department: 'MARKETING',
      amount: '100.00',
      idempotencyKey: 'po-7',
      reference: 'PO 7',
      actor: 'someone-else',
    });
    expect(again.replayed).toBe(true);
    expect(again.reservation).toEqual(first.reservation);
    const e = await error(reserveFunds(db.pool, org, { ...ASK, amount: '101', idempotencyKey: 'po-7', reference: 'PO 7' }));
    expect(e.code).toBe('idempotency.mismatch');
    // The key is per org.
    const other = await orgWithLine();
    expect((await reserveFunds(db.pool, other.org, { ...ASK, amount: '101', idempotencyKey: 'po-7' })).replayed).toBe(false);
    expect(await count('reservations', org)).toBe(1);
    await expectConsistent(line, { reserved: '100.00', committed: '0.00', actual: '0.00' });
  });

  it('carries names and keys with quotes, backslashes and braces as they are (they travel as SQL literals)', async () => {
    const org = await newOrg(db);
    const department = `O'Brien \\ "R&D" {a,b}`;
    const category = String.raw`Travel\N, 'quoted'`;
    const csv = [
      'Department,Category,Month,Budget Amount',
      `"${department.replaceAll('"', '""')}","${category.replaceAll('"', '""')}",2026-03,500`,
    ].join('\n');
    const r = await importText(db, org, csv, { acceptWarnings: true });
    expect(r.status, r.reason ?? '').toBe('succeeded');
    const key = `po-'1'; DROP TABLE reservations; -- \\ "x" {}`;
    const ask = { department: department.toUpperCase(), category, period: '2026-03', amount: '120', actor: "d'Arcy", idempotencyKey: key };
    const first = await reserveFunds(db.pool, org, { ...ask, reference: `PO "7" \\ '8'` });
    expect(first.replayed).toBe(false);
    expect(first.reservation).toMatchObject({ department, category, reference: `PO "7" \\ '8'`, decision: 'pass' });
    expect(first.reservation.line).not.toBeNull();
    expect(first.reservation.check.available).toBe('500.00');
    const again = await reserveFunds(db.pool, org, { ...ask, reference: `PO "7" \\ '8'` });
    expect(again).toEqual({ replayed: true, reservation: first.reservation });
    const refused = await error(reserveFunds(db.pool, org, { ...ask, amount: '400', idempotencyKey: `${key}!` }));
    expect(refused.code).toBe('budget.insufficient');
    expect(await count('reservations', org)).toBe(1);
  });

  it('holds exactly one reservation per key when 50 calls reuse 10 keys concurrently', async () => {
    const { org, line } = await orgWithLine('100000.00');
    const calls = Array.from({ length: 50 }, (_, i) =>
      reserveFunds(db.pool, org, { ...ASK, amount: `${(i % 10) + 1}.25`, idempotencyKey: `key-${i % 10}` }),
    );
    const results = await Promise.all(calls);
    expect(results.filter((r) => !r.replayed)).toHaveLength(10);
    for (let k = 0; k < 10; k++) {
      const ids = new Set(results.filter((_, i) => i % 10 === k).map((r) => r.reservation.id));
      expect(ids.size).toBe(1);
    }
    expect(await count('reservations', org)).toBe(10);
    expect(await count('utilization_entries', org)).toBe(10);
    // 1.25 + 2.25 + … + 10.25
    await expectConsistent(line, { reserved: '57.50', committed: '0.00', actual: '0.00' });
  });
});

/** Deterministic amounts, so a failure can be re-run: a 32-bit LCG. */
function amounts(n: number, seed: number, maxCents: number): bigint[] {
  let s = seed;
  return Array.from({ length: n }, () => {
    s = (Math.imul(s, 1_664_525) + 1_013_904_223) >>> 0;
    return BigInt(1 + (s % maxCents));
  });
}

function decimal(cents: bigint): string {
  return `${cents / 100n}.${(cents % 100n).toString().padStart(2, '0')}`;
}

describe('concurrency', () => {
  it('200 concurrent reservations on one line never hold more than budget + tolerance', async () => {
    const { org, line } = await orgWithLine('10000.00');
    await updateSettings(db.pool, org, { tolerancePercent: '5' }); // tolerance 500.00
    const limit = 1_050_000n;
    const asks = amounts(200, 42, 30_000); // 0.01 .. 300.00, about 30,000.00 in all
    const settled = await Promise.allSettled(asks.map((a) => reserveFunds(db.pool, org, { ...ASK, amount: decimal(a) })));

    let held = 0n;
    const failed: bigint[] = [];
    settled.forEach((s, i) => {
      const a = asks[i] as bigint;
      if (s.status === 'fulfilled') {
        expect(s.value.reservation.amount).toBe(decimal(a));
        held += a;
      } else {
        expect(s.reason).toBeInstanceOf(DomainError);
        expect((s.reason as DomainError).code).toBe('budget.insufficient');
        failed.push(a);
      }
    });
    expect(held).toBeLessThanOrEqual(limit);
    expect(failed.length).toBeGreaterThan(0);
    // Serialized: each refusal saw at most what is held now, so every refused amount is more than what is left.
    for (const a of failed) expect(a).toBeGreaterThan(limit - held);
    await expectConsistent(line, { reserved: decimal(held), committed: '0.00', actual: '0.00' });
    expect(await count('utilization_entries', org)).toBe(200 - failed.length);
  });

  it('serializes requests on different lines that an annual basis sums together', async () => {
    // Under `annual` every line of the year is checked against the year's total, so requests on January
    // and on February compete for the same money: only the group lock (not a row lock) keeps them honest.
    const org = await newOrg(db);
    await importRows(db, org, [
      ['Ops', 'Travel', '2026-01', '1000.00'],
      ['Ops', 'Travel', '2026-02', '1000.00'],
    ]);
    await updateSettings(db.pool, org, { controlBasis: 'annual' });
    const asks = amounts(80, 7, 10_000); // up to 100.00 each, about 4,000.00 in all
    const settled = await Promise.allSettled(
      asks.map((a, i) =>
        reserveFunds(db.pool, org, {
          department: 'Ops',
          category: i % 3 ? 'travel' : 'TRAVEL',
          period: i % 2 ? '2026-02' : '2026-01',
          amount: decimal(a),
          actor: 't',
        }),
      ),
    );
    let held = 0n;
    const periods = new Set<string>();
    const failed: bigint[] = [];
    settled.forEach((s, i) => {
      const a = asks[i] as bigint;
      if (s.status === 'fulfilled') {
        const v: ReservationView = s.value.reservation;
        periods.add(v.period);
        held += a;
      } else {
        expect((s.reason as DomainError).code).toBe('budget.insufficient');
        failed.push(a);
      }
    });
    expect(periods).toEqual(new Set(['2026-01', '2026-02']));
    expect(held).toBeLessThanOrEqual(200_000n);
    expect(failed.length).toBeGreaterThan(0);
    for (const a of failed) expect(a).toBeGreaterThan(200_000n - held);
  });
});

describe('the one-statement reservation (budget_sync_reserve_checked)', () => {
  /** Calls the guard as reserveFunds' fast path does; `fingerprint` is what the caller's decision saw. */
  async function checked(org: string, fingerprint: string, key: string | null, amount = '10.00') {
    // March 2026: one date pair (a month is the same whatever month the fiscal year starts in).
    const r = await db.pool.query<{ outcome: string; id: string | null; amount: string | null }>(
      `SELECT outcome, id, amount FROM budget_sync_reserve_checked(7352101, $1, 7352102, $2, ARRAY['Marketing'], ARRAY['Travel'],
         ARRAY[NULL]::text[], ARRAY[''], ARRAY[1], ARRAY[false], ARRAY['2026-03-01']::date[], ARRAY['2026-03-31']::date[], $3, $4::uuid,
         (SELECT id FROM budget_lines WHERE org_id = $4::uuid), NULL, $5::numeric, 'USD', NULL, NULL, $6, 'h', '{}'::jsonb, 't')`,
      [JSON.stringify([org, 'Marketing']), key && JSON.stringify([org, key]), fingerprint, org, amount, key],
    );
    return r.rows;
  }

  async function fingerprintOf(org: string): Promise<string> {
    const r = await db.pool.query<{ fingerprint: string }>(
      `SELECT fingerprint FROM budget_sync_evaluate(ARRAY[$1::uuid], ARRAY['Marketing'], ARRAY['Travel'], ARRAY[NULL]::text[], ARRAY[''],
         ARRAY[1], ARRAY[false], ARRAY['2026-03-01']::date[], ARRAY['2026-03-31']::date[], ARRAY[true])`,
      [org],
    );
    return r.rows[0]?.fingerprint as string;
  }

  it('writes only when the request still evaluates to the fingerprint its decision was made on', async () => {
    const { org, line } = await orgWithLine('1000.00');
    const seen = await fingerprintOf(org);
    // Something moves between the caller's read and its write: another reservation.
    await reserveFunds(db.pool, org, { ...ASK, amount: '100' });
    expect(await checked(org, seen, 'k-1')).toEqual([{ outcome: 'stale', id: null, amount: null }]);
    await expectConsistent(line, { reserved: '100.00', committed: '0.00', actual: '0.00' });
    // A settings change moves it too.
    const before = await fingerprintOf(org);
    await updateSettings(db.pool, org, { tolerancePercent: '1' });
    expect((await checked(org, before, 'k-1'))[0]?.outcome).toBe('stale');
    // Current: written, once; the same key again is a replay of that reservation.
    const now = await fingerprintOf(org);
    const [made] = await checked(org, now, 'k-1');
    expect(made).toMatchObject({ outcome: 'reserved', amount: '10.00' });
    expect(await checked(org, await fingerprintOf(org), 'k-1')).toEqual([{ outcome: 'replay', id: made?.id, amount: '10.00' }]);
    await expectConsistent(line, { reserved: '110.00', committed: '0.00', actual: '0.00' });
    expect(await count('reservations', org)).toBe(2);
  });
});
