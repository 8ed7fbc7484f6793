/**
 * The sidebar's fields for the values a sheet does not give (issue 12), in real headless Chromium (300 px,
 * google.script.run bridged to the built bundle, the real API): after a comparison the department and
 * first year it proposed are labelled inputs tied to their warnings; a changed value holds the import
 * until compared again; a wrong one is marked at its field; the values given reach the API, which
 * imports with them. Screenshots land in test-artifacts/addon/.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AppsScript } from './support/apps-script.ts';
import { type Bridge, startBridge } from './support/bridge.ts';
import { connect, type Harness, startHarness } from './support/harness.ts';
import { grantSheet } from './support/sheets.ts';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../test-artifacts/addon/', import.meta.url));
const SIDEBAR = { width: 300, height: 900 };

let h: Harness;
let env: AppsScript;
let bridge: Bridge;
let profile: string;
let browser: BrowserContext;
let page: Page;
let key: string;

async function shot(name: string): Promise<void> {
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: SIDEBAR.width, height: Math.max(SIDEBAR.height, height) });
  await page.screenshot({ path: join(artifacts, `${name}.png`) });
  await page.setViewportSize(SIDEBAR);
}

async function settled(): Promise<void> {
  await page.waitForFunction(() => !(window as unknown as { __scriptRuns?: number }).__scriptRuns && !document.getElementById('progress'));
}

/** The texts of the elements an input's aria-describedby names. */
async function describedBy(selector: string): Promise<string[]> {
  return page.evaluate((sel) => {
    const ids = (document.querySelector(sel)?.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
    return ids.map((id) => document.getElementById(id)?.textContent?.trim() ?? `(no #${id})`);
  }, selector);
}

beforeAll(async () => {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (as root it installs Debian's chromium)`);
  mkdirSync(artifacts, { recursive: true });
  h = await startHarness();
  key = await h.orgKey('Sidebar values');
  env = h.env([grantSheet()], 'Lab budgets');
  connect(env, h.server.url, key);
  bridge = await startBridge(env);
  profile = mkdtempSync(join(tmpdir(), 'budget-sync-chromium-'));
  browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: SIDEBAR,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
  });
  page = browser.pages()[0] ?? (await browser.newPage());
});

afterAll(async () => {
  await browser?.close();
  await bridge?.close();
  await h?.close();
  if (profile) rmSync(profile, { recursive: true, force: true });
});

describe('the review fields of the sidebar', () => {
  it('after a comparison, asks for the department and first year it proposed, each labelled and tied to its warning', async () => {
    await page.goto(`${bridge.url}/sidebar`);
    await page.locator('#mapping').waitFor();
    await settled();
    await page.click('#compare');
    await page.locator('#set-values').waitFor();
    await settled();
    expect(await page.locator('#set-department').inputValue()).toBe('Research Office grant');
    expect(await page.locator('label[for="set-department"]').textContent()).toBe('Department');
    expect(await describedBy('#set-department')).toEqual([expect.stringMatching(/^Warning: No column says which department/)]);
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe(String(new Date().getUTCFullYear()));
    expect(await describedBy('#set-fiscal_year')).toEqual([expect.stringMatching(/Confirm the first year/)]);
    // The proposal as it stands can be imported once the warnings are accepted.
    await page.check('#accept-warnings');
    expect(await page.locator('#import').isDisabled()).toBe(false);
    await shot('10-values-proposed');
  });

  it('a changed value holds the import until compared again; a wrong one is marked at its field', async () => {
    await page.fill('#set-fiscal_year', '20x6');
    expect(await page.locator('#import').isDisabled()).toBe(true);
    expect(await page.locator('#import-blocker').textContent()).toMatch(/A value changed since the comparison: compare again/);
    await page.click('#compare');
    await settled();
    expect(await page.locator('#notice').textContent()).toBe('Fiscal year must be a year such as 2026 or FY2026, not "20x6".');
    expect(await page.locator('#set-fiscal_year').getAttribute('aria-invalid')).toBe('true');
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe('20x6');
    expect(await describedBy('#set-fiscal_year')).toEqual([
      'Fiscal year must be a year such as 2026 or FY2026, not "20x6".',
      expect.stringMatching(/Confirm the first year/),
    ]);
    await shot('11-values-refused');
  });

  it('the values given update the comparison, and the import lands with them', async () => {
    await page.fill('#set-department', 'Labs');
    await page.fill('#set-fiscal_year', 'FY2025');
    await page.click('#compare');
    await settled();
    expect(await page.locator('#set-fiscal_year').getAttribute('aria-invalid')).toBeNull();
    expect(await page.locator('#set-department').inputValue()).toBe('Labs');
    expect(await page.locator('#set-fiscal_year').inputValue()).toBe('2025');
    expect(await describedBy('#set-department')).toEqual([]);
    expect(await page.locator('#diff-inserted li').first().textContent()).toContain('Labs · Travel · FY2025');
    await shot('12-values-given');
    await page.check('#accept-warnings');
    await page.click('#import');
    await page.locator('#import-result').waitFor();
    await settled();
    expect(await page.locator('#import-result').textContent()).toMatch(/Imported: 4 new/);
    const history = (await (
      await fetch(`${h.server.url}/api/imports/history`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { imports: { set: Record<string, string> }[] };
    expect(history.imports.map((i) => i.set)).toEqual([{ department: 'Labs', fiscal_year: '2025' }]);
  });
});
