/**
 * Signing in with an API key and out again. A good key opens a session on the server, whose random token
 * is the session cookie, with a fresh CSRF token (so a token planted before sign-in is worthless after
 * it); signing out revokes the session on the server, so a copy of the cookie is worthless too. Failed
 * sign-ins count against the client's address and the presented key's prefix (auth-failures.ts): past
 * the limit they are answered 429 with Retry-After, while a valid key still signs in.
 */
import { endConsoleSession, redeemSignInLink, type StartedConsoleSession, startConsoleSession, startPersonSession } from '@budget-sync/db';
import { getCookie } from 'hono/cookie';
import { recordAuthFailure } from '../middleware/auth-failures.ts';
import { type ConsoleContext, CSRF_COOKIE, clearConsoleCookie, currentSession, formOf, safeNext, setConsoleCookie } from './context.ts';
import { type Html, html } from './html.ts';
import { csrfField, type Notice, publicPage } from './layout.ts';
import { randomToken, SESSION_COOKIE, SESSION_TTL_S } from './session.ts';

/** How much of a presented key failed sign-ins are also counted by: the display prefix `keys list` shows. */
const KEY_PREFIX_LENGTH = 12;

function form(c: ConsoleContext, next: string | undefined): Html {
  const provider = c.var.config.oidc
    ? html`<p class="card"><a class="button" href="/sign-in/oidc${next ? `?next=${encodeURIComponent(next)}` : ''}">Sign in with your company account</a></p>`
    : '';
  return html`<div class="sign-in">
<h1>Sign in</h1>
${provider}
<form class="card" method="post" action="/sign-in">
${csrfField(c)}
${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
<div class="field">
<label for="apiKey">API key</label>
<input id="apiKey" name="apiKey" type="password" required autocomplete="off" spellcheck="false" aria-describedby="key-hint">
<p id="key-hint" class="hint">The key <code>budget-sync serve</code> printed on its first start, or one made with <code>budget-sync keys create</code>. It is checked once; the session cookie holds only a random token, which signing out ends.</p>
</div>
<div class="actions"><button type="submit">Sign in</button></div>
</form>
</div>`;
}

function page(c: ConsoleContext, next: string | undefined, notices: Notice[], status: 200 | 401 | 429 = 200) {
  return c.html(publicPage({ title: 'Sign in', notices }, form(c, next)).value, status);
}

export async function showSignIn(c: ConsoleContext) {
  // Already signed in: straight on.
  if (await currentSession(c)) return c.redirect(safeNext(c.req.query('next')), 303);
  const notices: Notice[] = [];
  if (c.req.query('why') === 'expired') notices.push({ kind: 'info', text: 'Your session ended. Sign in again.' });
  if (c.req.query('signed') === 'out') notices.push({ kind: 'success', text: 'You are signed out.' });
  return page(c, c.req.query('next'), notices);
}

export async function signIn(c: ConsoleContext) {
  const f = await formOf(c);
  const key = f.text('apiKey')?.trim() ?? '';
  const next = f.text('next');
  const db = await c.var.database();
  const auth = key ? await c.var.authenticate(db.pool, key) : null;
  const csrf = randomToken();
  // The key may have been revoked since the key cache last looked: the session is only opened for a live key.
  const session = auth?.keyId ? await startConsoleSession(db.pool, { apiKeyId: auth.keyId, csrf, ttlSeconds: SESSION_TTL_S }) : null;
  if (!session) {
    const waitS = recordAuthFailure(c, key ? [`key:${key.slice(0, KEY_PREFIX_LENGTH)}`] : []);
    if (waitS !== null) {
      c.header('Retry-After', String(waitS));
      const text = `Too many failed sign-ins came from your address or with this key. Wait ${waitS} s, then try again.`;
      return page(c, next, [{ kind: 'error', text }], 429);
    }
    return page(c, next, [{ kind: 'error', text: 'That API key is unknown or revoked. Check it and try again.' }], 401);
  }
  return openedSession(c, session, csrf, next);
}

/** Sets the cookies of a session just opened (with its fresh CSRF token) and goes on. */
export async function openedSession(c: ConsoleContext, session: StartedConsoleSession, csrf: string, next: string | undefined) {
  // A session this browser had before ends: one browser, one session.
  const db = await c.var.database();
  await endConsoleSession(db.pool, getCookie(c, SESSION_COOKIE));
  setConsoleCookie(c, SESSION_COOKIE, session.token, SESSION_TTL_S);
  setConsoleCookie(c, CSRF_COOKIE, csrf, SESSION_TTL_S);
  return c.redirect(safeNext(next), 303);
}

export async function signOut(c: ConsoleContext) {
  const db = await c.var.database();
  await endConsoleSession(db.pool, getCookie(c, SESSION_COOKIE));
  clearConsoleCookie(c, SESSION_COOKIE);
  setConsoleCookie(c, CSRF_COOKIE, randomToken(), SESSION_TTL_S);
  return c.redirect('/sign-in?signed=out', 303);
}

/**
 * A one-time sign-in link (`users add`, `serve`'s first start) opens a page with one button; only the
 * button's POST uses the link, so a mail scanner or link preview that fetches the URL does not burn it.
 */
export async function showLinkSignIn(c: ConsoleContext) {
  const token = c.req.query('token') ?? '';
  // The token stays out of the Referer of anything this page loads.
  c.header('Referrer-Policy', 'no-referrer');
  return c.html(
    publicPage(
      { title: 'Sign in' },
      html`<div class="sign-in">
<h1>Sign in</h1>
<form class="card" method="post" action="/sign-in/link">
${csrfField(c)}
<input type="hidden" name="token" value="${token}">
<p>This link signs you in once. It stops working when it has been used or after 24 hours.</p>
<div class="actions"><button type="submit">Sign in</button></div>
</form>
</div>`,
    ).value,
  );
}

export async function signInWithLink(c: ConsoleContext) {
  const f = await formOf(c);
  const token = f.text('token')?.trim();
  const db = await c.var.database();
  const person = await redeemSignInLink(db.pool, token);
  const csrf = randomToken();
  const session = person?.person
    ? await startPersonSession(db.pool, { orgId: person.orgId, userId: person.person.userId, csrf, ttlSeconds: SESSION_TTL_S })
    : null;
  if (!session) {
    const waitS = recordAuthFailure(c);
    if (waitS !== null) {
      c.header('Retry-After', String(waitS));
      const text = `Too many failed sign-ins came from your address. Wait ${waitS} s, then try again.`;
      return page(c, undefined, [{ kind: 'error', text }], 429);
    }
    const text = 'That sign-in link has been used, has expired or is not known. Ask an admin for a new one ("budget-sync users add").';
    return page(c, undefined, [{ kind: 'error', text }], 401);
  }
  return openedSession(c, session, csrf, undefined);
}
