/**
 * The sidebar's fields for the values a sheet does not give (issue 12), in real headless Chromium (300 px,
 * google.script.run bridged to the built bundle, the real API): after a comparison the department and
 * first year it proposed are labelled inputs tied to their warnings, and the currency and direction no
 * column gives are a text field and a select showing the default, tied to the note that says so; a
 * changed value holds the import until compared again (a default chosen again does not); a wrong one is
 * marked at its field; the values given reach the API, which imports with them (the first year given
 * needs no warning accepted), and Recent imports list them. Screenshots land in test-artifacts/addon/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppsScript } from './support/apps-script.ts';
import { type Bridge, startBridge } from './support/bridge.ts';
import { type Chromium, launchChromium, settled, shot } from './support/chromium.ts';
import { connect, type Harness, startHarness } from './support/harness.ts';
import { grantSheet } from './support/sheets.ts';

let h: Harness;
let env: AppsScript;
let bridge: Bridge;
let chrome: Chromium;
let page: Page;
let key: string;

/** The texts of the elements an input's aria-describedby names. */
async function describedBy(selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const ids = (document.querySelector(sel)?.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? `(no #${id})`);
  }, selector);
}

beforeAll(async () => {
  h = await startHarness();
  key = await h.orgKey('Sidebar values');
  env = h.env([grantSheet()], 'Lab budgets');
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

describe('the review fields of the sidebar', () => {
  it('after a comparison, asks for the department and first year it proposed, each labelled and tied to its warning', async () => {
    await page.goto(`${bridge.url}/sidebar`);
    await page.locator('#mapping').waitFor();
    await settled(page);
    await page.click('#compare');
    await page.locator('#set-values').waitFor();
    await settled(page);
    expect(await page.locator('#set-department').inputValue()).toBe('Research Office grant');
    expect(await page.locator('label[for="set-department"]').textContent()).toBe('Department');
    expect(await describedBy('#set-department')).toEqual([expect.stringMatching(/^Warning: No column says which department/)]);
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe(String(new Date().getUTCFullYear()));
    expect(await describedBy('#set-fiscal_year')).toEqual([expect.stringMatching(/Confirm the first year/)]);
    expect(await page.locator('#set-currency').inputValue()).toBe('USD');
    expect(await page.locator('label[for="set-currency"]').textContent()).toBe('Currency');
    expect(await describedBy('#set-currency')).toEqual([
      'No column or title names the currency: the amounts are read as USD, the default. If they are in another currency, give its three-letter code (such as EUR).',
    ]);
    expect(await page.locator('#set-direction').evaluate((el) => el.tagName)).toBe('SELECT');
    expect(await page.locator('#set-direction').inputValue()).toBe('expense');
    expect(await page.locator('#set-direction option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([
      'expense',
      'revenue',
    ]);
    expect(await page.locator('label[for="set-direction"]').textContent()).toBe('Direction');
    expect(await describedBy('#set-direction')).toEqual([
      'No column says whether a line spends or brings money in: every line is read as expense (the default). Choose revenue if the file brings money in.',
    ]);
    // The proposal as it stands can be imported once the warnings are accepted.
    await page.check('#accept-warnings');
    expect(await page.locator('#import').isDisabled()).toBe(false);
    await shot(page, '10-values-proposed');
  });

  it('a changed value holds the import until compared again; a wrong one is marked at its field', async () => {
    // The direction's default chosen again is no change.
    await page.selectOption('#set-direction', 'revenue');
    expect(await page.locator('#import').isDisabled()).toBe(true);
    await page.selectOption('#set-direction', 'expense');
    expect(await page.locator('#import').isDisabled()).toBe(false);
    await page.fill('#set-fiscal_year', '20x6');
    expect(await page.locator('#import').isDisabled()).toBe(true);
    expect(await page.locator('#import-blocker').textContent()).toMatch(/A value changed since the comparison: compare again/);
    await page.fill('#set-currency', 'E1');
    await page.click('#compare');
    await settled(page);
    expect(await page.locator('#notice').textContent()).toBe(
      'Fiscal year must be a year such as 2026 or FY2026, not "20x6". Currency must be a three-letter currency code such as EUR, not "E1".',
    );
    expect(await page.locator('#set-fiscal_year').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe('20x6');
    expect(await describedBy('#set-fiscal_year')).toEqual([
      'Fiscal year must be a year such as 2026 or FY2026, not "20x6".',
      expect.stringMatching(/Confirm the first year/),
    ]);
    expect(await page.locator('#set-currency').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#set-currency').inputValue()).toBe('E1');
    expect(await describedBy('#set-currency')).toEqual([
      'Currency must be a three-letter currency code such as EUR, not "E1".',
      expect.stringMatching(/^No column or title names the currency/),
    ]);
    await shot(page, '11-values-refused');
  });

  it('the values given update the comparison, and the import lands with them', async () => {
    await page.fill('#set-department', 'Labs');
    await page.fill('#set-fiscal_year', 'FY2025');
    // The default typed again: not a value given.
    await page.fill('#set-currency', 'usd');
    await page.click('#compare');
    await settled(page);
    expect(await page.locator('#set-fiscal_year').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#set-currency').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#set-department').inputValue()).toBe('Labs');
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe('2025');
    expect(await page.locator('#set-currency').inputValue()).toBe('USD');
    expect(await describedBy('#set-department')).toEqual([]);
    // The first year given is the confirmation asked for: a note, and no warning left to accept.
    expect(await describedBy('#set-fiscal_year')).toEqual([
      'Info: The years are counted from the budget\'s start ("Year 1", "Year 2"): year 1 is 2025 as you set.',
    ]);
    expect(await page.locator('#accept-warnings').count()).toBe(0);
    expect(await page.locator('#import').isDisabled()).toBe(false);
    expect(await page.locator('#diff-inserted li').first().textContent()).toContain('Labs · Travel · FY2025');
    await shot(page, '12-values-given');
    await page.click('#import');
    await page.locator('#import-result').waitFor();
    await settled(page);
    expect(await page.locator('#import-result').textContent()).toMatch(/Imported: 4 new/);
    const history = (await (
      await fetch(`${h.server.url}/api/imports/history`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { imports: { set: Record<string, string> }[] };
    // The currency and direction shown were defaults left as they were: not recorded as values set.
    expect(history.imports.map((i) => i.set)).toEqual([{ department: 'Labs', fiscal_year: '2025' }]);
    expect(await page.locator('#history li[data-import] [data-set]').allTextContents()).toEqual([
      'Values set: Department Labs · Fiscal year 2025',
    ]);
  });

  it('a direction chosen is given: the lines are revenue, the field says so and offers to take it back, and Recent imports list it', async () => {
    await page.click('#compare');
    await page.locator('#set-values').waitFor();
    await settled(page);
    await page.selectOption('#set-direction', 'revenue');
    expect(await page.locator('#import').isDisabled()).toBe(true);
    await page.click('#compare');
    await settled(page);
    expect(await page.locator('#set-direction').inputValue()).toBe('revenue');
    expect(await page.locator('#set-direction option').evaluateAll((o) => o.map((x) => (x as HTMLOptionElement).value))).toEqual([
      '',
      'expense',
      'revenue',
    ]);
    expect(await describedBy('#set-direction')).toEqual(['Every line is read as revenue, as you set.']);
    // The same names as revenue are other lines than the stored expense lines (the direction is part of a
    // line's identity): four new lines, none changed.
    expect(await page.locator('#diff-counts').textContent()).toMatch(/4new0changed/);
    await page.locator('#diff-inserted summary').click();
    expect(await page.locator('#diff-inserted li').first().textContent()).toContain('revenue');
    await page.click('#import');
    await page.locator('#import-result').waitFor();
    await settled(page);
    expect(await page.locator('#history li[data-import] [data-set]').allTextContents()).toEqual([
      'Values set: Department Labs · Fiscal year 2025 · Direction revenue',
      'Values set: Department Labs · Fiscal year 2025',
    ]);
    await shot(page, '13-recent-imports-values');
  });
});
