/**
 * The web console: server-rendered pages on the same Hono app as the API, for people without Google
 * Sheets (and for support). Wiring only: the middleware every page shares (body limit, database lease,
 * security headers, CSRF token), then each page with the scope it needs. Errors render as pages, not
 * problem+json.
 */
import { Hono } from 'hono';
import type { AppDeps } from '../env.ts';
import type { ServiceMetrics } from '../metrics/latency.ts';
import { limitBody } from '../middleware/body.ts';
import { databaseLease } from '../middleware/database.ts';
import { toProblem } from '../problems.ts';
import { CONSOLE_CSS, CONSOLE_JS } from './assets.ts';
import { showBudgets, exportBudgetsCsv, showCheck } from './budgets/budgets.handlers.ts';
import { type ConsoleEnv, ConsoleRefusal, csrfToken, requireSession, verifyCsrf } from './context.ts';
import { showHealth } from './health/health.handlers.ts';
import { revert, showHistory, showImport } from './history/history.handlers.ts';
import { html } from './html.ts';
import { publicPage } from './layout.ts';
import type { ConsoleOptions } from './options.ts';
import { saveSettings, showSettings } from './settings/settings.handlers.ts';
import { finishOidc, startOidc } from './oidc.ts';
import { showLinkSignIn, showSignIn, signIn, signInWithLink, signOut } from './sign-in.ts';
import { showSources, syncNow } from './sources/sources.handlers.ts';
import { analyzeUpload, confirmImport, showUpload } from './upload/upload.handlers.ts';
import { addUser, changeUser, removeUser, showOrgs, showUsers, switchOrg } from './users/users.handlers.ts';

/** Pages may only load what the app itself serves; no framing (clickjacking), no sniffing. */
const SECURITY_HEADERS: Record<string, string> = {
  'Content-Security-Policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

/** Where the console's middleware runs (hono's `/x/*` also matches `/x`). Everything else is the API's. */
const PAGES = [
  '/',
  '/sign-in/*',
  '/sign-out',
  '/upload/*',
  '/history/*',
  '/budgets/*',
  '/check',
  '/sources/*',
  '/settings',
  '/health',
  '/users/*',
  '/orgs/*',
];

export function consoleRouter(deps: AppDeps, options: ConsoleOptions, metrics: ServiceMetrics): Hono<ConsoleEnv> {
  const config = deps.config;
  const logger = deps.logger ?? { error: (message: string, cause: unknown) => console.error(message, cause) };
  const app = new Hono<ConsoleEnv>();

  app.get('/console/assets/console.css', (c) =>
    c.body(CONSOLE_CSS, 200, { 'Content-Type': 'text/css; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }),
  );
  app.get('/console/assets/console.js', (c) =>
    c.body(CONSOLE_JS, 200, { 'Content-Type': 'text/javascript; charset=utf-8', 'Cache-Control': 'public, max-age=86400' }),
  );

  for (const path of PAGES) {
    // The review form carries the file back as base64 (4/3 of its size) next to the mapping choices.
    app.use(path, limitBody(Math.ceil(((config?.maxBodyBytes ?? 20 * 1024 * 1024) * 4) / 3) + 1024 * 1024));
    app.use(path, databaseLease(deps));
    app.use(path, async (c, next) => {
      await next();
      for (const [k, v] of Object.entries(SECURITY_HEADERS)) if (!c.res.headers.has(k)) c.res.headers.set(k, v);
    });
    app.use(path, csrfToken);
    app.use(path, verifyCsrf);
  }

  app.get('/', requireSession([]), (c) => c.redirect('/upload', 303));
  app.get('/sign-in', showSignIn);
  app.post('/sign-in', signIn);
  app.get('/sign-in/link', showLinkSignIn);
  app.get('/sign-in/oidc', startOidc);
  app.get('/sign-in/oidc/callback', finishOidc);
  app.post('/sign-in/link', signInWithLink);
  app.post('/sign-out', signOut);

  app.get('/upload', requireSession('imports:read'), showUpload);
  app.post('/upload', requireSession('imports:read'), analyzeUpload(metrics));
  app.post('/upload/import', requireSession('imports:write'), confirmImport(metrics));

  app.get('/history', requireSession('imports:read'), showHistory);
  app.get('/history/:id', requireSession('imports:read'), (c) => showImport(c));
  app.post('/history/:id/revert', requireSession('imports:write'), revert);

  app.get('/budgets', requireSession('budget:read'), showBudgets);
  app.get('/budgets/export.csv', requireSession('budget:read'), exportBudgetsCsv);
  app.get('/check', requireSession('budget:check'), showCheck(metrics.budgetChecks));

  app.get('/sources', requireSession(['sources:read', 'sources:admin']), showSources(options));
  app.post('/sources/:id/sync', requireSession('sources:admin'), syncNow(options));

  app.get('/settings', requireSession('budget:read'), showSettings);
  app.post('/settings', requireSession('admin'), saveSettings);

  app.get('/health', requireSession('imports:read'), showHealth(metrics));

  app.get('/users', requireSession('admin'), showUsers);
  app.post('/users', requireSession('admin'), addUser);
  app.post('/users/change', requireSession('admin'), changeUser);
  app.post('/users/remove', requireSession('admin'), removeUser);
  app.get('/orgs', requireSession([]), showOrgs);
  app.post('/orgs/switch', requireSession([]), switchOrg);

  app.onError((err, c) => {
    if (err instanceof ConsoleRefusal) {
      const text =
        err.code === 'csrf'
          ? 'This form could not be verified (it is missing its security token or came from another site). Go back, reload the page and try again.'
          : err.message;
      const body = html`<h1>${err.code === 'csrf' ? 'Form not accepted' : 'Not allowed'}</h1><p><a href="/upload">Back to the console</a></p>`;
      return c.html(publicPage({ title: 'Not allowed', notices: [{ kind: 'error', text }] }, body).value, 403);
    }
    const p = toProblem(err);
    if (p.unexpected) logger.error(`${c.req.method} ${c.req.path} failed:`, err);
    const title = p.body.status === 404 ? 'Not found' : p.body.status >= 500 ? 'Something went wrong' : 'That did not work';
    const body = html`<h1>${title}</h1><p><a href="/upload">Back to the console</a></p>`;
    const res = c.html(publicPage({ title, notices: [{ kind: 'error', text: p.body.detail }] }, body).value, p.body.status as 400);
    for (const [k, v] of Object.entries(p.headers)) res.headers.set(k, v);
    return res;
  });
  return app;
}
