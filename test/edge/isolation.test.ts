/**
 * Tenant isolation: with organization A's budget, imports, settings and reservations in place, every
 * endpoint called with organization B's admin key sees nothing of A (its ids are "not found"), and
 * nothing B does changes anything of A.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusBytes } from '../support/corpus.ts';
import { freshDatabase } from '../support/postgres.ts';
import {
  call,
  type Doc,
  expectProblem,
  fileUpload,
  footprint,
  importRows,
  jsonOf,
  newOrg,
  type TestApp,
  type TestOrg,
  testApp,
} from './helpers.ts';

const db = await freshDatabase();
const t: TestApp = testApp(db);
let a: TestOrg;
let b: TestOrg;
let importA: string;
let reservationA: string;
let footprintA: Record<string, number>;

const ASK = { department: 'Marketing', category: 'Travel', period: '2026-03' };

beforeAll(async () => {
  a = await newOrg(db, 'Alpha');
  b = await newOrg(db, 'Beta');
  importA = await importRows(t, a.admin, [
    ['Marketing', 'Travel', '2026-03', '1000.00'],
    ['Sales', 'Events', '2026-04', '400.00'],
  ]);
  const put = await call(t, 'PUT', '/api/settings', { key: a.admin, json: { controlLevel: 'warn', tolerancePercent: '5' } });
  expect(put.status).toBe(200);
  const r = await call(t, 'POST', '/api/budget/reservations', {
    key: a.admin,
    json: { ...ASK, amount: '100' },
    headers: { 'Idempotency-Key': 'shared-key' },
  });
  expect(r.status).toBe(201);
  reservationA = (await jsonOf(r)).id as string;
  footprintA = await footprint(db, a.orgId);
});

describe("another organization's key", () => {
  it('reads its own settings, not A’s, and changing them leaves A alone', async () => {
    expect(await jsonOf(await call(t, 'GET', '/api/settings', { key: b.admin }))).toMatchObject({
      controlLevel: 'block',
      tolerancePercent: '0',
    });
    expect((await call(t, 'PUT', '/api/settings', { key: b.admin, json: { controlLevel: 'track', missingBudget: 'warn' } })).status).toBe(
      200,
    );
    expect(await jsonOf(await call(t, 'GET', '/api/settings', { key: a.admin }))).toMatchObject({
      controlLevel: 'warn',
      tolerancePercent: '5',
    });
  });

  it('finds no budget of A to check or reserve against', async () => {
    const check = await jsonOf(await call(t, 'POST', '/api/budget/check', { key: b.admin, json: { ...ASK, amount: '1' } }));
    expect(check).toMatchObject({ line: null, budget: '0.00' });
    // B allows requests without a budget now: its reservation is held without a line (A's line is untouched),
    // and the Idempotency-Key A used is B's to use too.
    const res = await call(t, 'POST', '/api/budget/reservations', {
      key: b.admin,
      json: { ...ASK, amount: '50' },
      headers: { 'Idempotency-Key': 'shared-key' },
    });
    expect(res.status).toBe(201);
    const mine = await jsonOf(res);
    expect(mine).toMatchObject({ line: null });
    expect(mine.id).not.toBe(reservationA);
  });

  it("sees A's reservation as not found, and cannot commit, release or spend against it", async () => {
    const base = `/api/budget/reservations/${reservationA}`;
    await expectProblem(await call(t, 'GET', base, { key: b.admin }), 404, 'reservation.not_found');
    await expectProblem(await call(t, 'POST', `${base}/commit`, { key: b.admin }), 404, 'reservation.not_found');
    await expectProblem(await call(t, 'POST', `${base}/release`, { key: b.admin }), 404, 'reservation.not_found');
    await expectProblem(await call(t, 'POST', `${base}/actual`, { key: b.admin, json: { amount: '1' } }), 404, 'reservation.not_found');
  });

  it('lists no budget lines and no sums of A', async () => {
    expect(await jsonOf(await call(t, 'GET', '/api/budgets', { key: b.admin }))).toEqual({ lines: [], nextCursor: null });
    for (const by of ['department', 'category', 'period']) {
      expect(await jsonOf(await call(t, 'GET', `/api/budgets/summary?by=${by}`, { key: b.admin }))).toEqual({ rows: [] });
    }
    const lineA = ((await jsonOf(await call(t, 'GET', '/api/budgets', { key: a.admin }))).lines as Doc[])[0]?.id as string;
    // A's line id is no cursor for B.
    expect(await jsonOf(await call(t, 'GET', `/api/budgets?cursor=${lineA}`, { key: b.admin }))).toEqual({ lines: [], nextCursor: null });
  });

  it("sees none of A's imports, and A's import id is not found for reading or reverting", async () => {
    expect(await jsonOf(await call(t, 'GET', '/api/imports/history', { key: b.admin }))).toEqual({ imports: [], nextCursor: null });
    expect(await jsonOf(await call(t, 'GET', `/api/imports/history?cursor=${importA}`, { key: b.admin }))).toEqual({
      imports: [],
      nextCursor: null,
    });
    await expectProblem(await call(t, 'GET', `/api/imports/${importA}`, { key: b.admin }), 404, 'import.not_found');
    await expectProblem(await call(t, 'POST', `/api/imports/${importA}/revert`, { key: b.admin }), 404, 'import.not_found');
  });

  it("analyzes against its own (empty) budget, not A's, and imports into its own", async () => {
    const csv = 'Department,Category,Month,Budget Amount\nMarketing,Travel,2026-03,1000.00\n';
    const form = () => fileUpload(new TextEncoder().encode(csv), 'same.csv');
    const preview = await jsonOf(await call(t, 'POST', '/api/excel/analyze', { key: b.admin, body: form() }));
    expect((preview.diff as Doc).counts).toEqual({ inserted: 1, updated: 0, unchanged: 0, removed: 0 });
    const res = await call(t, 'POST', '/api/excel/import', { key: b.admin, body: form() });
    expect(res.status).toBe(201);
    const wide = await call(t, 'POST', '/api/excel/import', {
      key: b.admin,
      body: fileUpload(corpusBytes('budget-wide-fy2026.xlsx'), 'w.xlsx'),
    });
    expect(wide.status).toBe(201);
  });

  it('changed nothing of A', async () => {
    expect(await footprint(db, a.orgId)).toEqual(footprintA);
    const lines = (await jsonOf(await call(t, 'GET', '/api/budgets', { key: a.admin }))).lines as Doc[];
    expect(lines.map((l) => [l.department, l.amount, l.reserved])).toEqual([
      ['Marketing', '1000.00', '100.00'],
      ['Sales', '400.00', '0.00'],
    ]);
    expect(t.unexpected).toEqual([]);
  });
});
