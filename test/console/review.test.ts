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
