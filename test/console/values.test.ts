/**
 * The review's values for what a file lacks (issue 12), in Debian's headless Chromium against the Node
 * server: a file without a department column shows a Department field prefilled with the proposal and
 * the warning that says so (tied to the field), as does the first of relative years; the currency and
 * the direction no column gives are a text field and a select showing the default, tied to the note that
 * says so; a wrong value is refused at its field (aria-invalid, its message tied to it, an error summary
 * linking to it); the user's values update the preview (the first year given turns the warning on
 * relative years into a note); a value changed after the preview is not imported unseen; the import
 * lands with the values, and the history shows them. A file missing its year is mended in the review,
 * and the defaults left as shown are not recorded as values set; a Direction column chosen in the
 * mapping is read, not overruled by the default. Screenshots at 1280 and 400 px land in
 * test-artifacts/console/.
 */
import { DEFAULT_CONFIG } from '@budget-sync/edge';
import { type NodeServer, startServer } from '@budget-sync/edge/node';
import type { BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrg, type TestOrg } from '../edge/helpers.ts';
import { freshDatabase } from '../support/postgres.ts';
import { horizontalOverflow, launchBrowser, screenshots } from './helpers.ts';

const db = await freshDatabase();
let server: NodeServer;
let org: TestOrg;
let context: BrowserContext;
let page: Page;
const pageErrors: string[] = [];

/** One unit's grant budget: a title, no department column, the years counted from the first. */
const GRANT = ['Research Office grant', 'Category,Year 1,Year 2', 'Travel,100.00,200.00', 'Equipment,50.00,75.50'].join('\n');
/** Month columns with no year anywhere: read as this fiscal year's, proposed with a warning the review can mend. */
const NO_YEAR = ['Department,Category,Jan,Feb', 'Parks,Mowing,10.00,12.00', 'Parks,Trees,5.00,6.00'].join('\n');
/** A column that says the direction on most rows, too few for detection to take it. */
const SIDE = [
  'Department,Category,Side,Month,Amount',
  'Pools,Chlorine,Expense,2026-01,9.00',
  'Pools,Tickets,Revenue,2026-01,11.00',
  'Pools,Repairs,n/a,2026-02,3.00',
  'Pools,Lessons,Revenue,2026-02,4.00',
].join('\n');

async function textOf(locator: Locator): Promise<string> {
  return (await locator.first().textContent()) ?? '';
}

async function submitAndWait(action: () => Promise<void>): Promise<number> {
  const [response] = await Promise.all([page.waitForNavigation(), action()]);
  return response?.status() ?? 0;
}

async function upload(name: string, text: string): Promise<void> {
  await page.goto(`${server.url}/upload`);
  await page.setInputFiles('#file', { name, mimeType: 'text/csv', buffer: Buffer.from(text) });
  expect(await submitAndWait(() => page.click('button:has-text("Analyze")'))).toBe(200);
}

/** The ids an element's aria-describedby names, each with the text of the element it names ('' when there is none). */
async function described(selector: string): Promise<Record<string, string>> {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    const out: Record<string, string> = {};
    for (const id of (el?.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean)) {
      out[id] = document.getElementById(id)?.textContent?.trim() ?? '';
    }
    return out;
  }, selector);
}

async function optionsOf(selector: string): Promise<string[]> {
  return page.locator(`${selector} option`).evaluateAll((options) => options.map((o) => (o as HTMLOptionElement).value));
}

async function labelOf(selector: string): Promise<string> {
  return page.evaluate((sel) => (document.querySelector(sel) as HTMLInputElement | null)?.labels?.[0]?.textContent?.trim() ?? '', selector);
}

async function importsOf(orgId: string): Promise<number> {
  const r = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM import_history WHERE org_id = $1', [orgId]);
  return Number(r.rows[0]?.n);
}

beforeAll(async () => {
  org = await newOrg(db, 'Values Co');
  [server, { context, page }] = await Promise.all([startServer({ port: 0, database: db, config: DEFAULT_CONFIG }), launchBrowser()]);
  page.on('pageerror', (e) => pageErrors.push(e.message));
  await page.goto(`${server.url}/sign-in`);
  await page.fill('#apiKey', org.admin);
  await submitAndWait(() => page.click('button:has-text("Sign in")'));
  expect(new URL(page.url()).pathname).toBe('/upload');
});

afterAll(async () => {
  await context?.close();
  await server?.close();
});

describe('the values a file does not give, in the review', () => {
  it('proposes the department and the first year in labelled fields, each tied to the warning that says so', async () => {
    await upload('grant.csv', GRANT);
    expect(await page.locator('#set-department').inputValue()).toBe('Research Office grant');
    expect(await labelOf('#set-department')).toMatch(/^Department/);
    expect(await described('#set-department')).toEqual({
      'set-department-note': expect.stringMatching(
        /^Warning No column says which department this budget belongs to, so it is read as the budget of one unit: "Research Office grant", taken from the title above the table/,
      ),
    });
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe(String(new Date().getUTCFullYear()));
    expect(await labelOf('#set-fiscal_year')).toMatch(/^Fiscal year/);
    expect(Object.values(await described('#set-fiscal_year'))).toEqual([expect.stringMatching(/Confirm the first year/)]);
    // The file has a category column: no Category field.
    expect(await page.locator('#set-category').count()).toBe(0);
    expect(await textOf(page.locator('dl.facts'))).toContain('Research Office grant (every line; the title above the table)');
    // Nothing names the currency or the direction: the defaults, each said to be one.
    expect(await page.locator('#set-currency').inputValue()).toBe('USD');
    expect(await labelOf('#set-currency')).toMatch(/^Currency/);
    expect(await described('#set-currency')).toEqual({
      'set-currency-note':
        'No column or title names the currency: the amounts are read as USD, the default. If they are in another currency, give its three-letter code (such as EUR).',
    });
    expect(await page.locator('#set-direction').evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await page.locator('#set-direction').inputValue()).toBe('expense');
    expect(await optionsOf('#set-direction')).toEqual(['expense', 'revenue']);
    expect(await labelOf('#set-direction')).toMatch(/^Direction/);
    expect(await described('#set-direction')).toEqual({
      'set-direction-note':
        'No column says whether a line spends or brings money in: every line is read as expense (the default). Choose revenue if the file brings money in.',
    });
    expect(await textOf(page.locator('dl.facts'))).toContain('expense (every line; default)');
  });

  it('refuses a wrong year at its field, keeps the other value, and says so in an error summary that links to it', async () => {
    await page.fill('#set-department', 'Labs');
    await page.fill('#set-fiscal_year', '20x6');
    await page.fill('#set-currency', 'E1');
    expect(await page.locator('[data-stale-scope] [data-stale-note]').first().isVisible()).toBe(true);
    const status = await submitAndWait(() => page.locator('section[aria-labelledby="values-h"] button:has-text("Update preview")').click());
    expect(status).toBe(422);
    expect(await page.title()).toMatch(/^Error: Review grant\.csv/);
    expect(await page.locator('#set-fiscal_year').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe('20x6');
    expect(await described('#set-fiscal_year')).toMatchObject({
      'set-fiscal_year-error': 'Fiscal year must be a year such as 2026 or FY2026, not "20x6".',
    });
    expect(await page.locator('#set-currency').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#set-currency').inputValue()).toBe('E1');
    expect(await described('#set-currency')).toEqual({
      'set-currency-error': 'Currency must be a three-letter currency code such as EUR, not "E1".',
      'set-currency-note': expect.stringMatching(/^No column or title names the currency/),
    });
    const summary = page.locator('#values-errors[role="alert"]');
    expect(await textOf(summary)).toContain('Fiscal year must be a year such as 2026 or FY2026');
    expect(await textOf(summary)).toContain('Currency must be a three-letter currency code such as EUR, not "E1"');
    expect(await summary.locator('a').evaluateAll((links) => links.map((a) => a.getAttribute('href')))).toEqual([
      '#set-fiscal_year',
      '#set-currency',
    ]);
    // The department given still applies to the preview.
    expect(await page.locator('#set-department').getAttribute('aria-invalid')).toBeNull();
    expect(await textOf(page.locator('#diff-inserted'))).toContain('Labs');
    shots.push(...(await screenshots(page, 'review-values-error')));
  });

  it("the user's values update the preview; the warnings about the department and the first year are gone once they are given", async () => {
    await page.fill('#set-fiscal_year', 'FY2025');
    await page.fill('#set-currency', 'eur');
    await page.selectOption('#set-direction', 'revenue');
    expect(await submitAndWait(() => page.locator('section[aria-labelledby="values-h"] button:has-text("Update preview")').click())).toBe(
      200,
    );
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe('2025');
    expect(await page.locator('#set-fiscal_year').getAttribute('aria-invalid')).toBeNull();
    // The first year given is the confirmation the warning asked for: a note now, nothing to accept.
    expect(await described('#set-fiscal_year')).toEqual({
      'set-fiscal_year-note': 'Info The years are counted from the budget\'s start ("Year 1", "Year 2"): year 1 is 2025 as you set.',
    });
    expect(await page.locator('#issues tr[data-code="period.relative_year"] .badge').textContent()).toBe('Info');
    expect(await textOf(page.locator('.notice.success'))).toContain('Ready to import.');
    expect(await page.locator('input[name="acceptWarnings"]').count()).toBe(0);
    expect(await page.locator('#set-currency').inputValue()).toBe('EUR');
    expect(await page.locator('#set-currency').getAttribute('aria-invalid')).toBeNull();
    expect(await described('#set-currency')).toEqual({ 'set-currency-note': 'The amounts are read as EUR, as you set.' });
    expect(await page.locator('#set-direction').inputValue()).toBe('revenue');
    // A direction given can be taken back.
    expect(await optionsOf('#set-direction')).toEqual(['', 'expense', 'revenue']);
    expect(await described('#set-direction')).toEqual({ 'set-direction-note': 'Every line is read as revenue, as you set.' });
    expect(await textOf(page.locator('#diff-inserted'))).toContain('100.00 EUR');
    const inserted = await page
      .locator('#diff-inserted tbody tr')
      .evaluateAll((rows) => rows.map((r) => Array.from(r.querySelectorAll('td')).map((td) => td.textContent?.trim() ?? '')));
    expect(inserted.map((r) => r.slice(0, 4))).toEqual([
      ['Labs', 'Travel', '', 'FY2025'],
      ['Labs', 'Travel', '', 'FY2026'],
      ['Labs', 'Equipment', '', 'FY2025'],
      ['Labs', 'Equipment', '', 'FY2026'],
    ]);
    expect(await page.locator('#issues tr[data-code="department.proposed"]').count()).toBe(0);
    expect(await described('#set-department')).toEqual({ 'set-department-hint': 'The value you gave.' });
    expect(await textOf(page.locator('dl.facts'))).toContain('Labs (every line; what you set)');
    await page.setViewportSize({ width: 400, height: 800 });
    expect(await horizontalOverflow(page)).toBe(0);
    await page.setViewportSize({ width: 1280, height: 900 });
    shots.push(...(await screenshots(page, 'review-values')));
  });

  it('a value changed after the preview is not imported unseen: the preview comes back with it', async () => {
    const before = await importsOf(org.orgId);
    await page.fill('#set-department', 'Labs West');
    expect(await submitAndWait(() => page.click('#confirm-import'))).toBe(200);
    expect(await importsOf(org.orgId)).toBe(before);
    expect(await textOf(page.locator('.notice.warn'))).toContain('the values changed since the preview');
    expect(await textOf(page.locator('#diff-inserted'))).toContain('Labs West');
  });

  it('confirming imports with the values; the history shows them', async () => {
    await submitAndWait(() => page.click('#confirm-import'));
    expect(new URL(page.url()).pathname).toMatch(/^\/history\/[0-9a-f-]{36}$/);
    expect(await textOf(page.locator('#detail-set'))).toBe('Department: Labs West, Fiscal year: 2025, Currency: EUR, Direction: revenue');
    const lines = await db.pool.query<{ department: string; period: string; currency: string; direction: string }>(
      'SELECT department, period, currency, direction FROM budget_lines WHERE org_id = $1 AND deleted_at IS NULL ORDER BY category, period',
      [org.orgId],
    );
    expect(lines.rows.map((l) => `${l.department} ${l.period} ${l.currency} ${l.direction}`)).toEqual([
      'Labs West FY2025 EUR revenue',
      'Labs West FY2026 EUR revenue',
      'Labs West FY2025 EUR revenue',
      'Labs West FY2026 EUR revenue',
    ]);
    const history = await db.pool.query<{ source: string }>('SELECT source FROM import_history WHERE org_id = $1', [org.orgId]);
    expect(history.rows).toEqual([{ source: 'console' }]);
    shots.push(...(await screenshots(page, 'history-values')));
  });

  it('a file naming no year: the Fiscal year field holds the year proposed, with its warning, and another year given replaces it', async () => {
    await upload('parks.csv', NO_YEAR);
    expect(await page.locator('.notice.error').count()).toBe(0);
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe(String(new Date().getUTCFullYear()));
    expect(Object.values(await described('#set-fiscal_year'))).toEqual([
      expect.stringMatching(/^Warning The period columns \("Jan", "Feb"\) do not say which year they are in/),
    ]);
    expect(await page.locator('#confirm-import').count()).toBe(1);
    await page.fill('#set-fiscal_year', '2027');
    await submitAndWait(() => page.locator('section[aria-labelledby="values-h"] button:has-text("Update preview")').click());
    expect(await page.locator('#confirm-import').count()).toBe(1);
    expect(await textOf(page.locator('#diff-counts'))).toContain('4');
    expect(await textOf(page.locator('#diff-inserted'))).toContain('2027-01');
    // The defaults shown and left alone still apply, as defaults: not recorded as values set.
    expect(await page.locator('#set-currency').inputValue()).toBe('USD');
    expect(await page.locator('#set-direction').inputValue()).toBe('expense');
    expect(await textOf(page.locator('dl.facts'))).toContain('USD (default)');
    await submitAndWait(() => page.click('#confirm-import'));
    expect(new URL(page.url()).pathname).toMatch(/^\/history\/[0-9a-f-]{36}$/);
    expect(await textOf(page.locator('#detail-set'))).toBe('Fiscal year: 2027');
  });

  it('a Direction column chosen in the mapping is read: the default shown in the Direction field does not overrule it', async () => {
    await upload('pools.csv', SIDE);
    expect(await page.locator('#set-direction').inputValue()).toBe('expense');
    await page.selectOption('#map\\.3', 'direction');
    await submitAndWait(() => page.locator('section[aria-labelledby="mapping-h"] button:has-text("Update preview")').click());
    // The column gives the direction now: no field asks for it, and the lines say each their own.
    expect(await page.locator('#set-direction').count()).toBe(0);
    expect(await page.locator('tr[data-column="3"] td[data-label="Read as"]').textContent()).toMatch(/^Direction/);
    await submitAndWait(() => page.click('#confirm-import'));
    expect(new URL(page.url()).pathname).toMatch(/^\/history\/[0-9a-f-]{36}$/);
    const lines = await db.pool.query<{ category: string; direction: string }>(
      "SELECT category, direction FROM budget_lines WHERE org_id = $1 AND department = 'Pools' ORDER BY category",
      [org.orgId],
    );
    expect(lines.rows.map((l) => `${l.category} ${l.direction}`)).toEqual([
      'Chlorine expense',
      'Lessons revenue',
      'Repairs expense',
      'Tickets revenue',
    ]);
  });

  it('labels every control of the review, and the page raised no script error', async () => {
    await upload('grant.csv', GRANT);
    const unlabelled = await page.evaluate(() =>
      Array.from(document.querySelectorAll<HTMLInputElement | HTMLSelectElement | HTMLTextAreaElement>('input, select, textarea'))
        .filter((el) => el.type !== 'hidden' && (el.labels?.length ?? 0) === 0 && !el.getAttribute('aria-label'))
        .map((el) => el.name || el.id),
    );
    expect(unlabelled).toEqual([]);
    expect(shots.length).toBe(6);
    expect(pageErrors).toEqual([]);
  });
});

const shots: string[] = [];
