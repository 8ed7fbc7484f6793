/**
 * Signing in with an API key and out again. A good key gets a sealed session cookie and a fresh CSRF
 * token (so a token planted before sign-in is worthless after it); signing out clears both.
 */
import { getCookie } from 'hono/cookie';
import { type ConsoleContext, CSRF_COOKIE, clearConsoleCookie, formOf, safeNext, setConsoleCookie } from './context.ts';
import { type Html, html } from './html.ts';
import { csrfField, type Notice, publicPage } from './layout.ts';
import { randomToken, SESSION_COOKIE, SESSION_TTL_S, type SessionSealer } from './session.ts';

function form(c: ConsoleContext, next: string | undefined): Html {
  return html`<div class="sign-in">
<h1>Sign in</h1>
<form class="card" method="post" action="/sign-in">
${csrfField(c)}
${next ? html`<input type="hidden" name="next" value="${next}">` : ''}
<div class="field">
<label for="apiKey">API key</label>
<input id="apiKey" name="apiKey" type="password" required autocomplete="off" spellcheck="false" aria-describedby="key-hint">
<p id="key-hint" class="hint">The key <code>budget-sync serve</code> printed on its first start, or one made with <code>budget-sync keys create</code>. It stays in this browser's session cookie, encrypted.</p>
</div>
<div class="actions"><button type="submit">Sign in</button></div>
</form>
</div>`;
}

function page(c: ConsoleContext, next: string | undefined, notices: Notice[], status: 200 | 401 = 200) {
  return c.html(publicPage({ title: 'Sign in', notices }, form(c, next)).value, status);
}

export function showSignIn(sealer: SessionSealer) {
  return async (c: ConsoleContext) => {
    // Already signed in: straight on.
    if (await sealer.open(getCookie(c, SESSION_COOKIE))) return c.redirect(safeNext(c.req.query('next')), 303);
    const notices: Notice[] = [];
    if (c.req.query('why') === 'expired') notices.push({ kind: 'info', text: 'Your session ended. Sign in again.' });
    if (c.req.query('signed') === 'out') notices.push({ kind: 'success', text: 'You are signed out.' });
    return page(c, c.req.query('next'), notices);
  };
}

export function signIn(sealer: SessionSealer) {
  return async (c: ConsoleContext) => {
    const f = await formOf(c);
    const key = f.text('apiKey')?.trim() ?? '';
    const next = f.text('next');
    const db = await c.var.database();
    const auth = key ? await c.var.authenticate(db.pool, key) : null;
    if (!auth) {
      return page(c, next, [{ kind: 'error', text: 'That API key is unknown or revoked. Check it and try again.' }], 401);
    }
    const csrf = randomToken();
    const exp = Math.floor(Date.now() / 1000) + SESSION_TTL_S;
    setConsoleCookie(c, SESSION_COOKIE, await sealer.seal({ key, csrf, exp }), SESSION_TTL_S);
    setConsoleCookie(c, CSRF_COOKIE, csrf, SESSION_TTL_S);
    return c.redirect(safeNext(next), 303);
  };
}

export async function signOut(c: ConsoleContext) {
  clearConsoleCookie(c, SESSION_COOKIE);
  setConsoleCookie(c, CSRF_COOKIE, randomToken(), SESSION_TTL_S);
  return c.redirect('/sign-in?signed=out', 303);
}
