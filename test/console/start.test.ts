/**
 * The first run as the README tells it: `bash scripts/start.sh` (what `npm start` runs) on a machine with
 * no database configured and an empty data dir starts the embedded Postgres, creates the demo
 * organization with its sample budget, prints the console URL and the first admin's one-time sign-in link
 * (no API key: the link opens a console session once and is refused the second time) and the command that
 * makes keys for machines, watches the inbox folder, serves the console, and stops cleanly on SIGTERM.
 */
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, type Served, waitForStart } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'bs-first-run-'));
// Run as root, the embedded Postgres runs as the `postgres` user, which must be able to reach the data dir.
chmodSync(dir, 0o755);
let server: Served | undefined;

afterAll(async () => {
  await server?.stop();
  rmSync(dir, { recursive: true, force: true });
});

describe('scripts/start.sh on a fresh data dir', () => {
  it('is what npm start runs', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    expect(pkg.scripts.start).toBe('bash scripts/start.sh');
  });

  it("starts the embedded database and the console, and prints the console URL and the first admin's one-time sign-in link", async () => {
    const env: Record<string, string | undefined> = { ...process.env, BUDGET_SYNC_DATA_DIR: join(dir, 'data') };
    delete env.DATABASE_URL;
    const child = spawn('bash', ['scripts/start.sh', '--port', '0', '--inbox', join(dir, 'inbox')], {
      cwd: ROOT,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    server = await waitForStart(child, 'scripts/start.sh', 60_000);
    const out = server.out();
    expect(out).toMatch(/console: {2}http:\/\/127\.0\.0\.1:\d+\/\n/);
    expect(out).toContain('the embedded database');
    expect(out).toContain('with a sample FY2026 budget (marked demo)');
    // People sign in as themselves: a one-time link for the first admin, no API key to paste.
    expect(server.signInUrl).toMatch(/\/sign-in\/link\?token=/);
    expect(out).not.toMatch(/bsk_[A-Za-z0-9_-]{43}/);
    expect(out).toContain('Keys for machines (approval workflows, scripts): budget-sync keys create --org');
    expect(out).toContain(`Inbox: drop .xlsx or .csv budget files into ${join(dir, 'inbox')}`);
    expect(existsSync(join(dir, 'inbox'))).toBe(true);

    const root = await fetch(`${server.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(303);
    expect(root.headers.get('location')).toBe('/sign-in');
    const signIn = await fetch(`${server.url}/sign-in`);
    expect(signIn.status).toBe(200);
    expect(await signIn.text()).toContain('<label for="apiKey">API key</label>');
    await signInWithPrintedLink(server, out);

    expect(await server.stop()).toBe(0);
    expect(server.out()).toMatch(/Stopped\.\n$/);
  });
});

/** The cookies a response sets, as a Cookie header's pairs. */
function cookiesOf(res: Response): string[] {
  return res.headers.getSetCookie().map((line) => line.split(';')[0] as string);
}

/** The first admin's link, as printed: its page, its button (a session), then a second use (refused). */
async function signInWithPrintedLink(served: Served, out: string): Promise<void> {
  expect(out).toContain('Sign in to the console as its first admin (admin@example.com) with this link. It works once, for 24 hours:');
  const link = /\n\s+(http:\/\/\S+\/sign-in\/link\?token=([A-Za-z0-9_-]{43}))\n/.exec(out);
  expect(link?.[1]?.startsWith(served.url)).toBe(true);
  const token = link?.[2] as string;
  const use = async () => {
    const page = await fetch(link?.[1] as string);
    expect(page.status).toBe(200);
    const cookies = cookiesOf(page);
    const csrf = cookies.find((c) => c.startsWith('bs_csrf='))?.slice('bs_csrf='.length) as string;
    return fetch(`${served.url}/sign-in/link`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie: cookies.join('; '), 'sec-fetch-site': 'same-origin', 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ _csrf: csrf, token }).toString(),
    }).then(async (res) => ({ res, cookies: [...cookies.filter((c) => !c.startsWith('bs_csrf=')), ...cookiesOf(res)] }));
  };
  const first = await use();
  expect({ status: first.res.status, location: first.res.headers.get('location') }).toEqual({ status: 303, location: '/upload' });
  const budgets = await fetch(`${served.url}/budgets`, { redirect: 'manual', headers: { cookie: first.cookies.join('; ') } });
  expect(budgets.status).toBe(200);
  const page = await budgets.text();
  expect(page).toContain('Signed in as admin@example.com (admin)');
  // The demo budget's five departments.
  for (const d of ['Marketing', 'Sales', 'Engineering', 'Finance', 'Human Resources']) expect(page).toContain(d);
  const second = await use();
  expect(second.res.status).toBe(401);
  await second.res.body?.cancel();
}
