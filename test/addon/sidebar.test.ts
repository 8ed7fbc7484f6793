/**
 * The sidebar in real headless Chromium (Debian's, through playwright-core; DESIGN §4), 300 px wide,
 * its google.script.run calls bridged to the built bundle's real functions, which talk to the real API
 * (the Node entry on real Postgres): check → override a mapping → click an issue → compare → import →
 * the result in the history → revert; a payroll sheet's loud warning; the settings dialog. Screenshots
 * land in test-artifacts/addon/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppsScript } from './support/apps-script.ts';
import { type Bridge, startBridge } from './support/bridge.ts';
import { type Chromium, launchChromium, settled, shot } from './support/chromium.ts';
import { connect, type Harness, startHarness } from './support/harness.ts';
import { planSheet, sheetFromCsv } from './support/sheets.ts';

let h: Harness;
let env: AppsScript;
let bridge: Bridge;
let chrome: Chromium;
let page: Page;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  key = await h.orgKey('Sidebar Co');
  const plan = planSheet();
  // One negative amount: a warning to click and to accept.
  (plan.values[18] as unknown[])[4] = -250.5;
  env = h.env([plan, sheetFromCsv('payroll-jan.csv', 'January payroll')], 'FY2026 team plans');
  connect(env, h.server.url, key);
  bridge = await startBridge(env);
  chrome = await launchChromium();
  page = chrome.page;
});

afterAll(async () => {
  await chrome?.close();
  await bridge?.close();
  await h?.close();
});

describe('the sidebar in Chromium', () => {
  it('checks the sheet on opening: kind, facts, the mapping with confidence, the issues', async () => {
    await page.goto(`${bridge.url}/sidebar`);
    await page.locator('#mapping').waitFor();
    await settled(page);
    expect(await page.evaluate(() => document.body.getBoundingClientRect().width)).toBe(300);
    await expect.poll(() => page.locator('#kind').textContent()).toMatch(/This is a budget/);
    expect(await page.locator('select[data-header="Zorgl"]').inputValue()).toBe('amount');
    expect(await page.locator('[data-confirm="Zorgl"]').textContent()).toMatch(/60% ✓\?/);
    expect(await page.locator('#facts').textContent()).toContain('50,817.50 USD');
    await expect.poll(() => page.locator('#history-section').textContent()).toContain('No imports yet.');
    await shot(page, '01-check');
  });

  it('a mapping override re-checks the sheet with it', async () => {
    await page.selectOption('select[data-header="Headcount"]', 'amount');
    await settled(page);
    await expect.poll(() => page.locator('#facts').textContent()).toContain('79.00 USD');
    expect(await page.locator('select[data-header="Zorgl"]').inputValue()).toBe('');
    // Back to the money column, as an override the API will remember.
    await page.selectOption('select[data-header="Headcount"]', 'auto');
    await settled(page);
    await page.selectOption('select[data-header="Zorgl"]', 'amount');
    await settled(page);
    await expect.poll(() => page.locator('#facts').textContent()).toContain('50,817.50 USD');
    expect(await page.locator('select[data-header="Headcount"]').inputValue()).toBe('');
    expect(bridge.calls).toContain('rememberOverride');
    // The negative amount is now an amount, and a warning; clicking it selects its cell.
    await page.locator('#issues button', { hasText: 'negative' }).click();
    await expect.poll(() => env.spreadsheet.selection).toEqual({ sheet: 'Plan', a1: 'E19' });
    await shot(page, '02-override');
  });

  it('compares with the stored budget and imports, accepting the warning', async () => {
    const release = bridge.hold('getDiff');
    await page.click('#compare');
    await page.locator('#progress').waitFor();
    expect(await page.locator('#progress').textContent()).toMatch(/^Step 2 of 3 · Sending 19 rows to Budget Sync/);
    expect(await page.locator('#compare').isDisabled()).toBe(true);
    await shot(page, '03-progress');
    release();
    await page.locator('#diff-counts').waitFor();
    await settled(page);
    expect(await page.locator('#diff-counts .tile').allTextContents()).toEqual(['18new', '0changed', '0removed', '0unchanged']);
    expect(await page.locator('#import').isDisabled()).toBe(true);
    expect(await page.locator('#import-blocker').textContent()).toMatch(/Accept the warnings/);
    await shot(page, '04-diff');
    await page.check('#accept-warnings');
    await page.click('#import');
    await page.locator('#import-result').waitFor();
    await settled(page);
    expect(await page.locator('#import-result').textContent()).toMatch(/Imported: 18 new/);
    await page.click('#see-history');
    await expect.poll(() => page.locator('#history li.focus .name').textContent()).toBe('FY2026 team plans / Plan');
    // The API now remembers Zorgl → amount for the organization.
    expect(await page.locator('select[data-header="Zorgl"]').inputValue()).toBe('amount');
    const history = (await (
      await fetch(`${h.server.url}/api/imports/history`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as {
      imports: { status: string; counts: { inserted: number } }[];
    };
    expect(history.imports).toMatchObject([{ status: 'succeeded', counts: { inserted: 18 } }]);
    await shot(page, '05-imported');
  });

  it('reverts the import from the history, after a second click', async () => {
    await page.locator('#history [data-revert]').first().click();
    await page.locator('#confirm-revert').waitFor();
    await shot(page, '06-revert-confirm');
    await page.click('#confirm-revert');
    await settled(page);
    await expect.poll(() => page.locator('#notice').textContent()).toMatch(/Reverted: 18 lines removed/);
    await expect.poll(() => page.locator('#history .status').first().textContent()).toBe('Reverted');
    await shot(page, '06-reverted');
  });

  it('warns loudly on a payroll sheet', async () => {
    env.spreadsheet.activate('January payroll');
    await page.click('#recheck');
    await settled(page);
    await expect.poll(() => page.locator('#kind.loud').textContent()).toMatch(/This looks like a payroll or salary list, not a budget/);
    await page.click('#compare');
    await settled(page);
    expect(await page.locator('#import').isDisabled()).toBe(true);
    await page.check('#override-kind');
    await page.fill('#override-reason', 'Salary plan, agreed with finance');
    expect(await page.locator('#import').isDisabled()).toBe(false);
    await shot(page, '07-payroll');
  });
});

describe('the settings dialog in Chromium', () => {
  it('shows the saved key as a hint only, and tests the connection', async () => {
    const dialog = await chrome.browser.newPage();
    await dialog.setViewportSize({ width: 420, height: 470 });
    await dialog.goto(`${bridge.url}/settings`);
    await settled(dialog);
    expect(await dialog.locator('#api-base-url').inputValue()).toBe(h.server.url);
    expect(await dialog.locator('#api-key').inputValue()).toBe('');
    expect(await dialog.locator('#api-key').getAttribute('placeholder')).toBe(`Saved: bsk_…${key.slice(-4)} (leave blank to keep it)`);
    expect(await dialog.content()).not.toContain(key);
    await dialog.click('#test');
    await expect.poll(() => dialog.locator('#message').textContent()).toMatch(/^Connected to/);
    await shot(dialog, '08-settings');
    await dialog.fill('#api-key', 'not-a-key');
    await dialog.click('#save');
    await expect.poll(() => dialog.locator('#message').textContent()).toMatch(/not a Budget Sync API key/);
    await dialog.close();
  });
});
