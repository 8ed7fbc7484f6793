/** The page shell of the console: head, skip link, the top bar with navigation and sign-out, notices. */
import { CSS_PATH, JS_PATH } from './assets.ts';
import type { ConsoleContext } from './context.ts';
import { CSRF_FIELD } from './context.ts';
import { type Html, html } from './html.ts';

export type NavKey = 'upload' | 'history' | 'budgets' | 'sources' | 'settings' | 'health' | 'users' | 'orgs';

const NAV: ReadonlyArray<{ key: NavKey; href: string; label: string }> = [
  { key: 'upload', href: '/upload', label: 'Upload' },
  { key: 'history', href: '/history', label: 'History' },
  { key: 'budgets', href: '/budgets', label: 'Budgets' },
  { key: 'sources', href: '/sources', label: 'Sources' },
  { key: 'settings', href: '/settings', label: 'Settings' },
  { key: 'health', href: '/health', label: 'Health' },
  { key: 'users', href: '/users', label: 'People' },
  { key: 'orgs', href: '/orgs', label: 'Organizations' },
];

export interface Notice {
  kind: 'success' | 'error' | 'info' | 'warn';
  text: string | Html;
}

export interface PageOptions {
  title: string;
  nav?: NavKey | undefined;
  notices?: ReadonlyArray<Notice | null | undefined>;
}

export function csrfField(c: ConsoleContext): Html {
  return html`<input type="hidden" name="${CSRF_FIELD}" value="${c.var.csrfToken}">`;
}

function notices(list: ReadonlyArray<Notice | null | undefined>): Html {
  const shown = list.filter((n): n is Notice => !!n);
  return html`<div aria-live="polite">${shown.map(
    (n) => html`<div class="notice ${n.kind}" role="${n.kind === 'error' ? 'alert' : 'status'}"><p>${n.text}</p></div>`,
  )}</div>`;
}

function document(title: string, header: Html, body: Html): Html {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="same-origin">
<title>${title} · Budget Sync</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="${CSS_PATH}">
</head>
<body>
<a class="skip" href="#main">Skip to content</a>
${header}
<main id="main" tabindex="-1">
${body}
</main>
<script src="${JS_PATH}" defer></script>
</body>
</html>`;
}

/**
 * The organization of the page: its name, or, for a person in several, a switcher (a new session in the
 * chosen one, back on this page; the server decides by their membership there).
 */
function orgSwitcher(c: ConsoleContext): Html {
  const org = c.var.org;
  const demo = org.isDemo ? html`<span class="demo" title="Sample data for trying Budget Sync">Demo</span>` : '';
  const orgs = c.var.personOrgs ?? [];
  if (orgs.length < 2) return html`<span class="org">${org.name}${demo}</span>`;
  const here = c.req.method === 'GET' ? `${c.req.path}${new URL(c.req.url).search}` : '/upload';
  return html`<form class="org org-switch" method="post" action="/orgs/switch">${csrfField(c)}<input type="hidden" name="next" value="${here}">
<label for="org-switch" class="vh">Organization</label>
<select id="org-switch" name="orgId">${orgs.map(
    (o) => html`<option value="${o.orgId}"${o.orgId === org.id ? html` selected` : ''}>${o.name} (${o.role})</option>`,
  )}</select>
<button type="submit" class="link-button">Switch</button>${demo}</form>`;
}

/** A page of a signed-in person. */
export function consolePage(c: ConsoleContext, options: PageOptions, content: Html): Html {
  const header = html`<header class="top">
<div class="top-inner">
<a class="brand" href="/upload">Budget Sync</a>
${orgSwitcher(c)}
<nav aria-label="Console">
<ul>${NAV.map((n) => html`<li><a href="${n.href}"${options.nav === n.key ? html` aria-current="page"` : ''}>${n.label}</a></li>`)}</ul>
</nav>
<form method="post" action="/sign-out">${csrfField(c)}<button type="submit" class="link-button" title="${c.var.auth.person ? `Signed in as ${c.var.auth.person.email} (${c.var.auth.person.role})` : `Signed in with the key "${c.var.auth.name}"`}">Sign out</button></form>
</div>
</header>`;
  return document(options.title, header, html`${notices(options.notices ?? [])}${content}`);
}

/** A page without a session: the sign-in page and its errors. */
export function publicPage(options: PageOptions, content: Html): Html {
  const header = html`<header class="top"><div class="top-inner"><a class="brand" href="/">Budget Sync</a></div></header>`;
  return document(options.title, header, html`${notices(options.notices ?? [])}${content}`);
}
