/**
 * The console's budgets with further dimensions and revenue, over HTTP through the real app (signed in
 * with a key, as a browser would): a filter per dimension, revenue shown apart and never in the budget
 * to spend, and the CSV export with a column per dimension (formula-safe like every cell).
 */
import { createApp, DEFAULT_CONFIG } from '@budget-sync/edge';
import { beforeAll, describe, expect, it } from 'vitest';
import { importBudgetLines, line } from '../db/lines.ts';
import { newOrg } from '../edge/helpers.ts';
import { freshDatabase } from '../support/postgres.ts';

const db = await freshDatabase();
const app = createApp({
  database: async () => ({ db, release: async () => {} }),
  config: { ...DEFAULT_CONFIG, authCacheMs: 0 },
  console: {},
});
let cookies = '';

/** The cookies a response sets, as one Cookie header with those already held. */
function keep(res: Response): void {
  const jar = new Map(cookies ? cookies.split('; ').map((c) => c.split('=', 2) as [string, string]) : []);
  for (const set of res.headers.getSetCookie()) {
    const [pair] = set.split(';');
    const [name, ...value] = (pair as string).split('=');
    jar.set(name as string, value.join('='));
  }
  cookies = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
}

async function get(path: string): Promise<Response> {
  return app.request(path, { headers: { cookie: cookies } });
}

beforeAll(async () => {
  const org = await newOrg(db);
  const r = await importBudgetLines(db, org.orgId, [
    line('Parks', 'Salaries', '2026-03', '3000.00', { Fund: 'General Fund' }, { codes: { Fund: '6064' } }),
    line('Parks', 'Salaries', '2026-03', '5000.00', { Fund: 'Grants' }),
    line('Library', 'Books', '2026-03', '700.00', { Fund: '=HYPERLINK("x")' }),
    line('Parks', 'Fees', '2026-03', '9000.00', { Fund: 'General Fund' }, { codes: { Fund: '6064' }, direction: 'revenue' }),
  ]);
  expect(r.status).toBe('succeeded');
  const signIn = await app.request('/sign-in');
  keep(signIn);
  const csrf = /bs_csrf=([^;]+)/.exec(cookies)?.[1] as string;
  const res = await app.request('/sign-in', {
    method: 'POST',
    headers: { cookie: cookies, 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'same-origin' },
    body: new URLSearchParams({ _csrf: csrf, apiKey: org.admin }).toString(),
  });
  expect(res.status).toBe(303);
  keep(res);
});

describe('console budgets with dimensions', () => {
  it('offers a filter per dimension and shows revenue apart from the budget to spend', async () => {
    const page = await (await get('/budgets?fiscalYear=2026')).text();
    expect(page).toContain('name="dim.Fund"');
    expect(page).toContain('<option value="Grants">Grants</option>');
    // Expense only in the departments' table: 3,000 + 5,000 + 700.
    expect(page).toMatch(/<tfoot>.*8,700\.00/s);
    expect(page).toMatch(/id="revenue".*Parks.*9,000\.00/s);
  });

  it('narrows the figures to a dimension value, by name or code', async () => {
    for (const fund of ['Grants', 'grants']) {
      const page = await (await get(`/budgets?fiscalYear=2026&dim.Fund=${encodeURIComponent(fund)}`)).text();
      expect(page).toMatch(/<tfoot>.*5,000\.00/s);
      expect(page).toContain('<option value="Grants" selected>');
      expect(page).toContain('href="/budgets/export.csv?fiscalYear=2026&amp;dim.Fund=');
    }
    const byCode = await (await get('/budgets?fiscalYear=2026&dim.fund=6064')).text();
    expect(byCode).toMatch(/<tfoot>.*3,000\.00/s);
  });

  it('exports a column per dimension (and its code), the direction, and formula-safe values', async () => {
    const csv = await (await get('/budgets/export.csv?fiscalYear=2026')).text();
    const rows = csv.trim().split('\r\n');
    expect(rows[0]).toBe(
      'Department,Category,Project,Period,Fiscal year,Currency,Budget,Reserved,Committed,Actual,Available,Direction,Fund,Fund code',
    );
    expect(rows).toContain('Parks,Fees,,2026-03,2026,USD,9000.00,0.00,0.00,0.00,9000.00,revenue,General Fund,6064');
    expect(rows).toContain(`Library,Books,,2026-03,2026,USD,700.00,0.00,0.00,0.00,700.00,expense,"'=HYPERLINK(""x"")",`);
    const grants = (await (await get('/budgets/export.csv?fiscalYear=2026&dim.Fund=Grants')).text()).trim().split('\r\n');
    expect(grants.slice(1)).toEqual(['Parks,Salaries,,2026-03,2026,USD,5000.00,0.00,0.00,0.00,5000.00,expense,Grants,']);
  });

  it('checks a budget at a level: the department alone, or with dimensions written name=value', async () => {
    const ask = (q: Record<string, string>) =>
      get(`/check?${new URLSearchParams({ department: 'Parks', period: '2026-03', amount: '10', ...q })}`);
    const dept = await ask({});
    expect(dept.status).toBe(200);
    expect(await dept.text()).toMatch(/id="check-result".*2 lines of 2026-03.*8,000\.00/s);
    const fund = await (await ask({ dimensions: 'Fund = 6064' })).text();
    expect(fund).toMatch(/id="check-result".*3,000\.00/s);
    const bad = await ask({ dimensions: 'fund 6064' });
    expect(bad.status).toBe(422);
    expect(await bad.text()).toContain('write each as name=value');
  });
});
