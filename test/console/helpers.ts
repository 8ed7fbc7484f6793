/**
 * Helpers for the console tests: `budget-sync serve` as a subprocess (the real Node entry, with its
 * ingest worker and inbox watch) on a fresh database, Debian's Chromium through playwright-core with a
 * fresh profile and no network beyond 127.0.0.1, and screenshots saved under test-artifacts/console/.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BrowserContext, chromium, type Page } from 'playwright-core';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const ARTIFACTS = join(ROOT, 'test-artifacts', 'console');
const BIN = join(ROOT, 'cli/bin/budget-sync.js');

export interface Served {
  child: ChildProcess;
  url: string;
  /** The first admin's one-time sign-in link printed on the first start ('' when none was printed). */
  signInUrl: string;
  out(): string;
  err(): string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

/** Waits until the process printed "Press Ctrl-C" (it listens, the worker and inbox are up). */
export function waitForStart(child: ChildProcess, what: string, timeoutMs = 30_000): Promise<Served> {
  let out = '';
  let err = '';
  child.stdout?.on('data', (d: Buffer) => {
    out += d.toString();
  });
  child.stderr?.on('data', (d: Buffer) => {
    err += d.toString();
  });
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${what} did not start: ${out}${err}`)), timeoutMs);
    const poll = setInterval(() => {
      const url = /console:\s+(http:\/\/\S+?)\/?\n/.exec(out)?.[1];
      if (url && out.includes('Press Ctrl-C')) {
        clearInterval(poll);
        clearTimeout(timer);
        resolve({
          child,
          url,
          signInUrl: /\n\s+(http:\/\/\S+\/sign-in\/link\?token=[A-Za-z0-9_-]{43})\n/.exec(out)?.[1] ?? '',
          out: () => out,
          err: () => err,
          exited,
          stop: async () => {
            if (child.exitCode === null) child.kill('SIGTERM');
            return exited;
          },
        });
      }
    }, 25);
    void exited.then((code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`${what} exited with ${code}: ${out}${err}`));
    });
  });
}

export function serve(env: Record<string, string>, args: string[]): Promise<Served> {
  const child = spawn(process.execPath, [BIN, 'serve', '--port', '0', ...args], {
    cwd: ROOT,
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return waitForStart(child, 'budget-sync serve');
}

export async function launchBrowser(): Promise<{ context: BrowserContext; page: Page }> {
  const profile = mkdtempSync(join(tmpdir(), 'bs-console-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1',
    ],
    viewport: { width: 1280, height: 900 },
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return { context, page };
}

/** A full-page screenshot at each width, as test-artifacts/console/<name>-<width>.png; returns the paths. */
export async function screenshots(page: Page, name: string, widths: readonly number[] = [1280, 400]): Promise<string[]> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const before = page.viewportSize() ?? { width: 1280, height: 900 };
  const paths: string[] = [];
  for (const width of widths) {
    await page.setViewportSize({ width, height: 900 });
    const path = join(ARTIFACTS, `${name}-${width}.png`);
    await page.screenshot({ path, fullPage: true });
    paths.push(path);
  }
  await page.setViewportSize(before);
  return paths;
}

/** How much wider than the viewport the page is (0: nothing sticks out sideways). */
export async function horizontalOverflow(page: Page): Promise<number> {
  return page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
}
