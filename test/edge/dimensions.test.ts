/**
 * Dimensions and direction over HTTP: checks and reservations that name dimensions (or no category: a
 * roll-up), the lines and summaries with their dimensions and direction, filtered by them, and the
 * refusals of malformed dimensions as 400 problems.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import { importBudgetLines, line } from '../db/lines.ts';
import { freshDatabase } from '../support/postgres.ts';
import { call, type Doc, expectProblem, jsonOf, newOrg, type TestApp, type TestOrg, testApp } from './helpers.ts';

const db = await freshDatabase();
const t: TestApp = testApp(db);
let org: TestOrg;
let key: string;

beforeAll(async () => {
  org = await newOrg(db);
  key = await org.key('budget:reserve', 'budget:check', 'budget:read');
  const r = await importBudgetLines(db, org.orgId, [
    line('Parks', 'Salaries', '2026-03', '3000.00', { Fund: 'General Fund' }, { codes: { Fund: '6064' } }),
    line('Parks', 'Supplies', '2026-03', '2000.00', { Fund: 'General Fund' }, { codes: { Fund: '6064' } }),
    line('Parks', 'Salaries', '2026-03', '5000.00', { Fund: 'Grants' }),
    line('Parks', 'Fees', '2026-03', '9000.00', { Fund: 'General Fund' }, { codes: { Fund: '6064' }, direction: 'revenue' }),
  ]);
  expect(r.status).toBe('succeeded');
});

const get = async (path: string) => jsonOf(await call(t, 'GET', path, { key }));

describe('check and reserve with dimensions', () => {
  it('checks a fund by its code, and the department as a roll-up without a category', async () => {
    const fund = await jsonOf(
      await call(t, 'POST', '/api/budget/check', {
        key,
        json: { department: 'Parks', period: '2026-03', amount: '100', dimensions: { fund: 6064 } },
      }),
    );
    expect(fund).toMatchObject({ decision: 'pass', budget: '5000.00', lines: 2, line: null, level: { dimensions: { fund: '6064' } } });
    const dept = await jsonOf(
      await call(t, 'POST', '/api/budget/check', { key, json: { department: 'parks', period: '2026-03', amount: '100' } }),
    );
    expect(dept).toMatchObject({ budget: '10000.00', lines: 3, level: { category: null } });
  });

  it('reserves at a fund level: 201 with the dimensions and the lines it draws on', async () => {
    const res = await call(t, 'POST', '/api/budget/reservations', {
      key,
      json: { department: 'Parks', date: '2026-03-10', amount: '250.00', dimensions: { Fund: 'general fund' } },
      headers: { 'Idempotency-Key': 'po-dims-1' },
    });
    expect(res.status).toBe(201);
    const body = await jsonOf(res);
    expect(body).toMatchObject({ status: 'held', category: null, dimensions: { Fund: 'general fund' }, line: null });
    expect(body.lineIds).toHaveLength(2);
    const again = await get(`/api/budget/reservations/${body.id as string}`);
    expect(again.lineIds).toEqual(body.lineIds);
  });

  it('refuses dimensions that are not an object of names and values with 400 request.invalid', async () => {
    for (const dimensions of [['6064'], { fund: { code: '6064' } }, 'fund=6064']) {
      await expectProblem(
        await call(t, 'POST', '/api/budget/check', { key, json: { department: 'Parks', period: '2026-03', amount: '1', dimensions } }),
        400,
        'request.invalid',
      );
    }
    const empty = await expectProblem(
      await call(t, 'POST', '/api/budget/check', {
        key,
        json: { department: 'Parks', period: '2026-03', amount: '1', dimensions: { fund: ' ' } },
      }),
      422,
      'input.invalid',
    );
    expect(empty.detail).toContain('dimension "fund"');
  });
});

describe('budget reads with dimensions and direction', () => {
  it('lists lines with their dimensions, codes and direction, filtered by dimension and direction', async () => {
    const all = (await get('/api/budgets')).lines as Doc[];
    expect(all).toHaveLength(4);
    expect(all.find((l) => l.category === 'Fees')).toMatchObject({
      direction: 'revenue',
      dimensions: { Fund: 'General Fund' },
      codes: { Fund: '6064' },
    });
    const general = (await get(`/api/budgets?dimensions=${encodeURIComponent('{"fund":"6064"}')}`)).lines as Doc[];
    expect(general.map((l) => l.category)).toEqual(['Fees', 'Salaries', 'Supplies']);
    const spending = (await get(`/api/budgets?direction=expense&dimensions=${encodeURIComponent('{"FUND":" general fund "}')}`))
      .lines as Doc[];
    expect(spending.map((l) => l.category)).toEqual(['Salaries', 'Supplies']);
  });

  it('sums by a dimension with revenue apart', async () => {
    const byFund = (await get('/api/budgets/summary?by=dimension&dimension=Fund')).rows as Doc[];
    expect(byFund.map((r) => [r.key, r.direction, r.budget])).toEqual([
      ['General Fund', 'expense', '5000.00'],
      ['Grants', 'expense', '5000.00'],
      ['General Fund', 'revenue', '9000.00'],
    ]);
    const byDept = (await get('/api/budgets/summary')).rows as Doc[];
    expect(byDept.map((r) => [r.key, r.direction, r.budget])).toEqual([
      ['Parks', 'expense', '10000.00'],
      ['Parks', 'revenue', '9000.00'],
    ]);
  });

  it('refuses a dimensions filter that is not a JSON object, and a summary by dimension without one', async () => {
    await expectProblem(await call(t, 'GET', '/api/budgets?dimensions=fund', { key }), 400, 'request.invalid');
    await expectProblem(await call(t, 'GET', `/api/budgets?dimensions=${encodeURIComponent('["6064"]')}`, { key }), 400, 'request.invalid');
    await expectProblem(await call(t, 'GET', '/api/budgets/summary?by=dimension', { key }), 422, 'input.invalid');
  });

  it('documents the dimensions in the OpenAPI contract', async () => {
    const doc = await jsonOf(await call(t, 'GET', '/api/openapi.json'));
    const schemas = (doc.components as { schemas: Record<string, { properties: Record<string, unknown> }> }).schemas;
    expect(Object.keys(schemas.BudgetLine?.properties ?? {})).toEqual(expect.arrayContaining(['dimensions', 'codes', 'direction']));
    expect(Object.keys(schemas.CheckResult?.properties ?? {})).toEqual(expect.arrayContaining(['lines', 'level']));
    expect(JSON.stringify(doc.paths)).toContain('"name":"dimensions"');
  });

  it('logged no unexpected error', () => {
    expect(t.unexpected).toEqual([]);
  });
});
