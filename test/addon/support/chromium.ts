/**
 * The add-on's pages in real headless Chromium: one launcher (Debian's chromium, a fresh profile, no
 * network beyond 127.0.0.1), the sidebar's size, full-height screenshots into test-artifacts/addon/, and
 * the wait for google.script.run calls to finish.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

const CHROMIUM = '/usr/bin/chromium';
const artifacts = fileURLToPath(new URL('../../../test-artifacts/addon/', import.meta.url));
/** Google's sidebars are 300 px wide. */
export const SIDEBAR = { width: 300, height: 900 };

export interface Chromium {
  browser: BrowserContext;
  page: Page;
  /** Closes the browser and removes its profile. */
  close(): Promise<void>;
}

/** Chromium with a fresh profile and one page of `viewport`'s size. */
export async function launchChromium(viewport: { width: number; height: number } = SIDEBAR): Promise<Chromium> {
  if (!existsSync(CHROMIUM))
    throw new Error(`${CHROMIUM} is missing: run scripts/ensure-chromium.sh (as root it installs Debian's chromium)`);
  mkdirSync(artifacts, { recursive: true });
  const profile = mkdtempSync(join(tmpdir(), 'budget-sync-chromium-'));
  const browser = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1'],
  });
  const page = browser.pages()[0] ?? (await browser.newPage());
  return {
    browser,
    page,
    async close() {
      await browser.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Where a screenshot named `name` is written (test-artifacts/addon/NAME.png). */
export function artifact(name: string): string {
  return join(artifacts, `${name}.png`);
}

/**
 * The whole page, as tall as its content: the window grows to fit so a fixed footer sits at the bottom,
 * where the user sees it, rather than over the middle of a full-page capture.
 */
export async function shot(page: Page, name: string): Promise<void> {
  const size = page.viewportSize() ?? SIDEBAR;
  const height = await page.evaluate(() => document.documentElement.scrollHeight);
  await page.setViewportSize({ width: size.width, height: Math.max(size.height, height) });
  await page.screenshot({ path: artifact(name) });
  await page.setViewportSize(size);
}

/** Waits until no google.script.run call is in flight and the progress bar is gone. */
export async function settled(page: Page): Promise<void> {
  await page.waitForFunction(() => !(window as unknown as { __scriptRuns?: number }).__scriptRuns && !document.getElementById('progress'));
}
