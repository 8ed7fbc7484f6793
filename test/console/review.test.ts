/**
 * The review of a file that is not a budget (issue 14, item 3): it lists every error that would block the
 * import, including those an override of the kind would still meet (a payroll list has no category), and
 * a refused file offers no primary "Import 0 changes" button — over real HTTP against the Node server.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_CONFIG } from '@budget-sync/edge';
import { type NodeServer, startServer } from '@budget-sync/edge/node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrg, type TestOrg } from '../edge/helpers.ts';
import { corpusDir } from '../support/corpus.ts';
import { freshDatabase } from '../support/postgres.ts';
import { browseAt, type Jar } from './browser-http.ts';

const db = await freshDatabase();
let server: NodeServer;
let org: TestOrg;
let jar: Jar;

beforeAll(async () => {
  org = await newOrg(db);
  server = await startServer({ port: 0, database: db, config: DEFAULT_CONFIG });
  jar = {};
  await browseAt(server.url, jar, 'GET', '/sign-in');
  await browseAt(server.url, jar, 'POST', '/sign-in', { _csrf: jar.bs_csrf as string, apiKey: org.admin });
});

afterAll(async () => {
  await server?.close();
});

async function review(name: string, bytes: Uint8Array<ArrayBuffer>): Promise<string> {
  const form = new FormData();
  form.set('_csrf', jar.bs_csrf as string);
  form.set('file', new File([bytes], name));
  const res = await browseAt(server.url, jar, 'POST', '/upload', form);
  expect(res.status).toBe(200);
  return res.text();
}

describe('the review of a file that is not a budget', () => {
  it('a payroll list: every blocking error, those an override would meet included; no import button at all', async () => {
    const page = await review('payroll-jan.csv', new Uint8Array(readFileSync(join(corpusDir, 'payroll-jan.csv'))));
    expect(page).toContain('kind.mismatch');
    expect(page).toContain('field.missing');
    expect(page).toContain('Even imported as a budget anyway (overriding the kind): no column for Category');
    expect(page).toContain('This file cannot be imported yet');
    expect(page).not.toContain('id="confirm-import"');
  });

  it('a refused file the override could import offers "Upload another file" first, and the override second, never "Import 0 changes"', async () => {
    const text = [
      'Department,Category,Date,Amount,Merchant,Receipt',
      'Sales,Travel,2026-03-04,412.10,Hotel Adler,R-1001',
      'Sales,Meals,2026-03-05,38.50,Cafe Nord,R-1002',
      'Marketing,Travel,2026-03-09,129.00,Rail Co,R-1003',
      'Marketing,Software,2026-03-11,59.99,Web Tools Ltd,R-1004',
    ].join('\n');
    const page = await review('expense-claims.csv', new TextEncoder().encode(text));
    expect(page).toContain('kind.mismatch');
    expect(page).not.toMatch(/Import 0 changes/);
    expect(page).toMatch(
      /<a class="button" href="\/upload">Upload another file<\/a>\s*<button type="submit" id="confirm-import" class="secondary">Import as a budget anyway<\/button>/,
    );
  });
});

describe('the review maps a column to the direction or a dimension, and the next file of the layout remembers it', () => {
  // Detection does not read "Side" as the direction (a row says neither) nor "Fund Ref" as anything but its own dimension.
  const layout = (parks: string) =>
    [
      'Department,Category,Side,Fund Ref,Month,Amount',
      `Parks,Salaries,Expense,F-1,2026-01,${parks}`,
      'Parks,Fees,Revenue,F-1,2026-01,40.00',
      'Parks,Mowing,n/a,F-2,2026-01,7.00',
    ].join('\n');

  it('Direction and Dimension are choices of the Use as list; an import with them is remembered for the organization', async () => {
    const first = await review('funds.csv', new TextEncoder().encode(layout('100.00')));
    expect(first).toContain('<option value="direction">Direction (expense or revenue)</option>');
    expect(first).toContain('<option value="dimension">Dimension</option>');
    const form = new FormData();
    form.set('_csrf', jar.bs_csrf as string);
    form.set('fileName', 'funds.csv');
    form.set('fileData', Buffer.from(layout('100.00')).toString('base64'));
    form.set('header.3', 'Side');
    form.set('map.3', 'direction');
    form.set('header.4', 'Fund Ref');
    form.set('map.4', 'dimension');
    form.set('mode', 'merge');
    form.set('acceptWarnings', 'true');
    const imported = await browseAt(server.url, jar, 'POST', '/upload/import', form);
    expect(imported.status).toBe(303);
    const lines = await db.pool.query<{ category: string; direction: string; dimensions: unknown }>(
      "SELECT category, direction, dimensions FROM budget_lines WHERE org_id = $1 AND department = 'Parks' ORDER BY category",
      [org.orgId],
    );
    expect(lines.rows.map((l) => [l.category, l.direction, l.dimensions])).toEqual([
      ['Fees', 'revenue', { fund_ref: 'F-1' }],
      ['Mowing', 'expense', { fund_ref: 'F-2' }],
      ['Salaries', 'expense', { fund_ref: 'F-1' }],
    ]);
    // The next month's file of the same layout: read the same way without a choice, one amount changed.
    const next = await review('funds-february.csv', new TextEncoder().encode(layout('120.00')));
    expect(next).toMatch(
      /<tr data-column="3">.*?Direction \(expense or revenue\).*?remembered: &quot;Side&quot; was mapped to the direction/s,
    );
    expect(next).toMatch(/<tr data-column="4">.*?Dimension “fund_ref”.*?remembered/s);
    expect(next).toMatch(/<div class="label">Changed lines<\/div><div class="value">1<\/div>/);
    expect(next).toMatch(/<div class="label">Unchanged<\/div><div class="value">2<\/div>/);
  });
});
