/**
 * Budget control over HTTP: settings, the read-only check, and the reservation lifecycle (reserve,
 * commit, actual, release) with its refusals as 409 problems, idempotent replays and key reuse.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { call, type Doc, expectProblem, footprint, importRows, jsonOf, newOrg, type TestApp, type TestOrg, testApp } from './helpers.ts';

const db = await freshDatabase();
const t: TestApp = testApp(db);
let org: TestOrg;
let reserver: string;

const ASK = { department: 'Marketing', category: 'Travel', period: '2026-03' };

beforeAll(async () => {
  org = await newOrg(db);
  reserver = await org.key('budget:reserve', 'budget:check', 'budget:read');
  await importRows(t, org.admin, [
    ['Marketing', 'Travel', '2026-03', '1000.00'],
    ['Marketing', 'Events', '2026-03', '500.00'],
    ['Sales', 'Travel', '2026-03', '300.00'],
  ]);
});

async function reserve(body: Doc, key = reserver, idempotencyKey?: string): Promise<Response> {
  return call(t, 'POST', '/api/budget/reservations', {
    key,
    json: body,
    ...(idempotencyKey ? { headers: { 'Idempotency-Key': idempotencyKey } } : {}),
  });
}

describe('settings', () => {
  it('reads the defaults and changes only what is given, overrides included', async () => {
    const before = await jsonOf(await call(t, 'GET', '/api/settings', { key: reserver }));
    expect(before).toEqual({
      controlLevel: 'block',
      tolerancePercent: '0',
      toleranceAmount: '0.00',
      missingBudget: 'fail',
      controlBasis: 'period',
      fiscalYearStartMonth: 1,
      overrides: [],
      updatedBy: null,
      updatedAt: null,
    });
    const res = await call(t, 'PUT', '/api/settings', {
      key: org.admin,
      json: { overrides: [{ department: 'Sales', controlLevel: 'warn' }] },
    });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({
      ...before,
      overrides: [{ department: 'Sales', category: null, controlLevel: 'warn', tolerancePercent: null, toleranceAmount: null }],
      // Who changed them: the admin key's name.
      updatedBy: 'admin',
      updatedAt: expect.any(String),
    });
  });

  it('reports every bad setting at once as 422 input.invalid, and unknown fields as 400', async () => {
    const before = await footprint(db, org.orgId);
    const bad = await expectProblem(
      await call(t, 'PUT', '/api/settings', { key: org.admin, json: { tolerancePercent: '250', fiscalYearStartMonth: 13 } }),
      422,
      'input.invalid',
    );
    expect(bad.problems).toHaveLength(2);
    const unknown = await expectProblem(
      await call(t, 'PUT', '/api/settings', { key: org.admin, json: { controllevel: 'warn' } }),
      400,
      'request.invalid',
    );
    expect(unknown.errors).toEqual([expect.objectContaining({ in: 'body' })]);
    await expectProblem(await call(t, 'PUT', '/api/settings', { key: org.admin, json: { controlLevel: 'lax' } }), 400, 'request.invalid');
    expect(await footprint(db, org.orgId)).toEqual(before);
  });
});

describe('check', () => {
  it('answers pass with the figures, amounts as text or JSON numbers, and writes nothing', async () => {
    const before = await footprint(db, org.orgId);
    const res = await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: 250.5 } });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    expect(body).toMatchObject({
      decision: 'pass',
      controlLevel: 'block',
      basis: 'period',
      budget: '1000.00',
      available: '1000.00',
      availableAfter: '749.50',
      currency: 'USD',
      line: { period: '2026-03' },
    });
    const asText = await jsonOf(await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: '250.50' } }));
    expect(asText).toEqual(body);
    const byDate = await jsonOf(
      await call(t, 'POST', '/api/budget/check', {
        key: reserver,
        json: { department: 'marketing', category: 'TRAVEL', date: '2026-03-31', amount: '1' },
      }),
    );
    expect(byDate.line).toEqual(body.line);
    expect(await footprint(db, org.orgId)).toEqual(before);
  });

  it('answers fail beyond the budget, and for a scope without budget', async () => {
    const over = await jsonOf(await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: '1000.01' } }));
    expect(over).toMatchObject({ decision: 'fail', available: '1000.00', availableAfter: '-0.01' });
    const none = await jsonOf(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, category: 'Nothing', amount: '1' } }),
    );
    expect(none).toMatchObject({ decision: 'fail', line: null });
  });

  it('refuses amounts with 3 decimals or 16-digit JSON numbers, unknown periods and wrong currencies', async () => {
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: 1.005 } }),
      422,
      'amount.invalid',
    );
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: '0' } }),
      422,
      'amount.invalid',
    );
    const big = await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: 12345678901234.5 } }),
      400,
      'request.invalid',
    );
    expect(big.errors).toEqual([expect.objectContaining({ path: 'amount', message: expect.stringMatching(/decimal string/) })]);
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, period: '2026-13', amount: '1' } }),
      422,
      'period.invalid',
    );
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, period: 'next spring', amount: '1' } }),
      422,
      'period.invalid',
    );
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, currency: 'EUR', amount: '1' } }),
      422,
      'currency.mismatch',
    );
  });

  it('takes amounts as the importer reads them ("1,200.00", "$20,000"), the currency written in them included', async () => {
    const plain = await jsonOf(await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: '1200.00' } }));
    for (const amount of ['1,200.00', '$1,200', '1.200,00', 'USD 1,200.00', '1 200,00']) {
      const res = await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount } });
      expect(res.status, amount).toBe(200);
      expect(await jsonOf(res), amount).toEqual(plain);
    }
    const body = await jsonOf(await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: '$20,000' } }));
    expect(body).toMatchObject({ decision: 'fail', budget: '1000.00' });
    expect(Number(body.availableAfter)).toBe(Number(plain.availableAfter) - 18_800);
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: '€1,200', currency: 'USD' } }),
      422,
      'amount.invalid',
    );
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: reserver, json: { ...ASK, amount: '€1,200' } }),
      422,
      'currency.mismatch',
    );
  });

  it('refuses a name with a lone UTF-16 surrogate (one spelling per line, one lock per line) as 422 input.invalid', async () => {
    for (const path of ['/api/budget/check', '/api/budget/reservations']) {
      // JSON.stringify sends the lone surrogate as the escape \\ud800, which JSON.parse turns back into it.
      const body = await expectProblem(
        await call(t, 'POST', path, { key: reserver, json: { ...ASK, department: 'Marketing\ud800', amount: '1' } }),
        422,
        'input.invalid',
      );
      expect(body.detail).toMatch(/department contains an unpaired UTF-16 surrogate/);
    }
  });
});

describe('reservations', () => {
  it('reserve → get → commit part → actual → release the rest, with the line figures following', async () => {
    const res = await reserve({ ...ASK, amount: '400', reference: 'PR-1', description: 'Conference' });
    expect(res.status).toBe(201);
    expect(res.headers.get('idempotent-replayed')).toBeNull();
    const r = await jsonOf(res);
    expect(r).toMatchObject({ status: 'held', amount: '400.00', reserved: '400.00', reference: 'PR-1', line: { period: '2026-03' } });
    const id = r.id as string;
    expect(await jsonOf(await call(t, 'GET', `/api/budget/reservations/${id}`, { key: reserver }))).toEqual(r);

    const c = await call(t, 'POST', `/api/budget/reservations/${id}/commit`, { key: reserver, json: { amount: 150 } });
    expect(c.status).toBe(200);
    expect(await jsonOf(c)).toMatchObject({ status: 'partly_committed', reserved: '250.00', committed: '150.00' });
    const a = await call(t, 'POST', `/api/budget/reservations/${id}/actual`, { key: reserver, json: { amount: '100.25' } });
    expect(await jsonOf(a)).toMatchObject({ reserved: '250.00', committed: '49.75', actual: '100.25' });
    const rel = await call(t, 'POST', `/api/budget/reservations/${id}/release`, { key: reserver });
    expect(rel.status).toBe(200);
    expect(await jsonOf(rel)).toMatchObject({ status: 'committed', reserved: '0.00', committed: '49.75', actual: '100.25' });

    const lines = await jsonOf(await call(t, 'GET', '/api/budgets?department=Marketing&category=Travel', { key: reserver }));
    expect(lines.lines).toEqual([
      expect.objectContaining({ amount: '1000.00', reserved: '0.00', committed: '49.75', actual: '100.25', available: '850.00' }),
    ]);
    // The actor is the API key's name.
    const who = await db.pool.query<{ actor: string }>('SELECT DISTINCT actor FROM utilization_entries WHERE reservation_id = $1', [id]);
    expect(who.rows.map((x) => x.actor)).toEqual(['key-budget:reserve+budget:check+budget:read']);
  });

  it('commits everything by default, with or without a JSON body', async () => {
    const id1 = (await jsonOf(await reserve({ ...ASK, category: 'Events', amount: '10' }))).id as string;
    expect(await jsonOf(await call(t, 'POST', `/api/budget/reservations/${id1}/commit`, { key: reserver }))).toMatchObject({
      committed: '10.00',
    });
    const id2 = (await jsonOf(await reserve({ ...ASK, category: 'Events', amount: '10' }))).id as string;
    const res = await call(t, 'POST', `/api/budget/reservations/${id2}/commit`, {
      key: reserver,
      body: '',
      headers: { 'content-type': 'application/json' },
    });
    expect(await jsonOf(res)).toMatchObject({ committed: '10.00' });
  });

  it('409s: not enough budget (with the figures), nothing left to release or commit, more than reserved', async () => {
    const before = await footprint(db, org.orgId);
    const short = await expectProblem(await reserve({ ...ASK, category: 'Events', amount: '999' }), 409, 'budget.insufficient');
    expect(short.check).toMatchObject({ decision: 'fail', budget: '500.00', available: '480.00', availableAfter: '-519.00' });
    expect(await footprint(db, org.orgId)).toEqual(before);

    const id = (await jsonOf(await reserve({ ...ASK, category: 'Events', amount: '20' }))).id as string;
    await expectProblem(
      await call(t, 'POST', `/api/budget/reservations/${id}/commit`, { key: reserver, json: { amount: '20.01' } }),
      409,
      'amount.exceeds_reserved',
    );
    await call(t, 'POST', `/api/budget/reservations/${id}/release`, { key: reserver });
    const again = await expectProblem(
      await call(t, 'POST', `/api/budget/reservations/${id}/release`, { key: reserver }),
      409,
      'reservation.invalid_state',
    );
    expect(again.reservationStatus).toBe('released');
    await expectProblem(
      await call(t, 'POST', `/api/budget/reservations/${id}/commit`, { key: reserver }),
      409,
      'reservation.invalid_state',
    );
    await expectProblem(
      await call(t, 'POST', `/api/budget/reservations/${id}/actual`, { key: reserver, json: {} }),
      400,
      'request.invalid',
    );
  });

  it('unknown reservation ids are 404 whatever their shape', async () => {
    for (const id of ['0197c3b2-5b4e-7c1a-9d10-2f6a1b3c4d5e', 'not-a-uuid']) {
      await expectProblem(await call(t, 'GET', `/api/budget/reservations/${id}`, { key: reserver }), 404, 'reservation.not_found');
      await expectProblem(await call(t, 'POST', `/api/budget/reservations/${id}/release`, { key: reserver }), 404, 'reservation.not_found');
    }
  });

  it('a replay with the same Idempotency-Key answers 201 with the same body and holds nothing twice', async () => {
    const body = { ...ASK, department: 'Sales', amount: '100', reference: 'PR-7' };
    const first = await reserve(body, reserver, 'pr-7');
    const firstBody = await jsonOf(first);
    // "100" and "100.00" and other letter case are the same request.
    const replay = await reserve({ ...body, department: 'sales', amount: 100 }, reserver, 'pr-7');
    expect(replay.status).toBe(201);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    expect(await jsonOf(replay)).toEqual(firstBody);
    const held = await db.pool.query<{ n: number }>(
      "SELECT count(*)::int AS n FROM reservations WHERE org_id = $1 AND idempotency_key = 'pr-7'",
      [org.orgId],
    );
    expect(held.rows[0]?.n).toBe(1);

    const mismatch = await expectProblem(await reserve({ ...body, amount: '101' }, reserver, 'pr-7'), 409, 'idempotency.mismatch');
    expect(mismatch.reservationId).toBe(firstBody.id);
  });

  it('under warn (an override) a reservation beyond the budget is held with decision warn', async () => {
    const res = await reserve({ ...ASK, department: 'Sales', amount: '1000' });
    expect(res.status).toBe(201);
    expect(await jsonOf(res)).toMatchObject({ decision: 'warn', check: { controlLevel: 'warn', decision: 'warn' } });
  });

  it('logged no unexpected error', () => {
    expect(t.unexpected).toEqual([]);
  });
});
