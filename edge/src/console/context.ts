/**
 * What every console request carries and the middleware that provides it: the CSRF token (double-submit
 * cookie, bound to the session once signed in), the signed-in key and its organization, and form parsing.
 *
 * CSRF: every POST must pass two checks. The browser must say the request is same-origin (Sec-Fetch-Site,
 * or else an Origin equal to ours), and the form must carry the token that the `bs_csrf` cookie holds
 * (and, once signed in, that the server-side session holds). Cookies are HttpOnly and SameSite=Strict,
 * and Secure whenever the console is reached over HTTPS.
 */
import {
  type ConsoleSession,
  findConsoleSession,
  getOrganization,
  type Organization,
  orgsOfUser,
  type PersonOrg,
  type Scope,
} from '@budget-sync/db';
import type { Context } from 'hono';
import { deleteCookie, getCookie, setCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from '../env.ts';
import { whoIs } from '../middleware/auth.ts';
import { ApiProblem } from '../problems.ts';
import { randomToken, SESSION_COOKIE, SESSION_TTL_S, sameToken } from './session.ts';

export const CSRF_COOKIE = 'bs_csrf';
export const CSRF_FIELD = '_csrf';

export type ConsoleVariables = AppEnv['Variables'] & {
  csrfToken: string;
  session: ConsoleSession;
  org: Organization;
  /** The organizations of the signed-in person (the layout's switcher); none for a key. */
  personOrgs: PersonOrg[];
};

export interface ConsoleEnv {
  Variables: ConsoleVariables;
}

export type ConsoleContext = Context<ConsoleEnv>;

/** A 403 the console renders as a page; `code` tells the page what to say. */
export class ConsoleRefusal extends Error {
  readonly status: 403;
  readonly code: 'csrf' | 'scope';
  constructor(code: 'csrf' | 'scope', message: string) {
    super(message);
    this.status = 403;
    this.code = code;
  }
}

function isHttps(c: Context): boolean {
  // Behind a TLS-terminating proxy the request URL is http; the proxy says what the browser used.
  return new URL(c.req.url).protocol === 'https:' || c.req.header('x-forwarded-proto')?.split(',')[0]?.trim() === 'https';
}

/** `where`: a narrower path, or Lax for a cookie that must survive an identity provider's redirect back. */
export function setConsoleCookie(
  c: Context,
  name: string,
  value: string,
  maxAgeS: number,
  where: { sameSite?: 'Strict' | 'Lax'; path?: string } = {},
): void {
  setCookie(c, name, value, {
    httpOnly: true,
    sameSite: where.sameSite ?? 'Strict',
    secure: isHttps(c),
    path: where.path ?? '/',
    maxAge: maxAgeS,
  });
}

export function clearConsoleCookie(c: Context, name: string, path = '/'): void {
  deleteCookie(c, name, { path, secure: isHttps(c) });
}

/** Gives the request its CSRF token, setting the cookie when the browser has none yet. */
export const csrfToken = createMiddleware<ConsoleEnv>(async (c, next) => {
  const existing = getCookie(c, CSRF_COOKIE);
  const token = existing && /^[A-Za-z0-9_-]{43}$/.test(existing) ? existing : randomToken();
  c.set('csrfToken', token);
  if (token !== existing) setConsoleCookie(c, CSRF_COOKIE, token, SESSION_TTL_S);
  await next();
});

export type FormValue = string | File;

/** The submitted form, parsed once (hono caches it) with repeated fields as lists. */
export class Form {
  private readonly body: Record<string, FormValue | FormValue[]>;
  constructor(body: Record<string, FormValue | FormValue[]>) {
    this.body = body;
  }
  text(name: string): string | undefined {
    const v = this.body[name];
    const first = Array.isArray(v) ? v[0] : v;
    return typeof first === 'string' ? first : undefined;
  }
  file(name: string): File | undefined {
    const v = this.body[name];
    const first = Array.isArray(v) ? v[0] : v;
    return first instanceof File && first.size > 0 ? first : undefined;
  }
  names(): string[] {
    return Object.keys(this.body);
  }
}

export async function formOf(c: Context): Promise<Form> {
  const type = c.req.header('content-type') ?? '';
  if (!/^(multipart\/form-data|application\/x-www-form-urlencoded)/i.test(type)) return new Form({});
  try {
    return new Form((await c.req.parseBody({ all: true })) as Record<string, FormValue | FormValue[]>);
  } catch {
    throw new ApiProblem(400, 'request.malformed_form', 'The form could not be read. Reload the page and try again.');
  }
}

/** Refuses a POST that is not same-origin or lacks the form's CSRF token. */
export const verifyCsrf = createMiddleware<ConsoleEnv>(async (c, next) => {
  if (c.req.method === 'GET' || c.req.method === 'HEAD') return next();
  const site = c.req.header('sec-fetch-site');
  const origin = c.req.header('origin');
  const sameOrigin = site !== undefined ? site === 'same-origin' : origin !== undefined && origin === new URL(c.req.url).origin;
  if (!sameOrigin) throw new ConsoleRefusal('csrf', 'The request did not come from this console.');
  const cookie = getCookie(c, CSRF_COOKIE);
  const sent = (await formOf(c)).text(CSRF_FIELD);
  if (!cookie || !sent || !sameToken(cookie, sent)) throw new ConsoleRefusal('csrf', 'The form is missing its security token.');
  await next();
});

const SIGN_IN = '/sign-in';

/** Where to go after signing in: only a path of this site. */
export function safeNext(next: string | undefined): string {
  // Printable ASCII only: a control character (or any non-Latin-1 one) cannot go into a Location header.
  return next && /^\/(?![/\\])[\x21-\x7e]*$/.test(next) && !next.startsWith(SIGN_IN) ? next : '/upload';
}

/** The live session the request's cookie opens (looked up on the server, with its key), or null. */
export async function currentSession(c: ConsoleContext): Promise<ConsoleSession | null> {
  const token = getCookie(c, SESSION_COOKIE);
  if (token === undefined) return null;
  const db = await c.var.database();
  return findConsoleSession(db.pool, token);
}

/**
 * Requires a signed-in key with one of the scopes (admin implies all; none listed: any key). Without a valid session the browser
 * goes to the sign-in page and comes back; a key that lacks the scope gets a page that says which it needs.
 */
export function requireSession(scope: Scope | readonly Scope[]) {
  const accepted: readonly Scope[] = typeof scope === 'string' ? [scope] : scope;
  return createMiddleware<ConsoleEnv>(async (c, next) => {
    const session = await currentSession(c);
    // A session is only good with the CSRF cookie it was issued with.
    if (!session || !sameToken(session.csrf, c.var.csrfToken)) {
      const stale = getCookie(c, SESSION_COOKIE) !== undefined;
      if (stale) clearConsoleCookie(c, SESSION_COOKIE);
      const back = c.req.method === 'GET' ? `${c.req.path}${new URL(c.req.url).search}` : '';
      const why = stale ? 'expired' : undefined;
      const q = new URLSearchParams();
      if (back && back !== '/') q.set('next', back);
      if (why) q.set('why', why);
      return c.redirect(`${SIGN_IN}${q.size > 0 ? `?${q}` : ''}`, 303);
    }
    const auth = session.auth;
    c.set('session', session);
    c.set('auth', auth);
    const pool = (await c.var.database()).pool;
    const [org, personOrgs] = await Promise.all([
      getOrganization(pool, auth.orgId),
      auth.person ? orgsOfUser(pool, auth.person.userId) : Promise.resolve([]),
    ]);
    c.set('org', org);
    c.set('personOrgs', personOrgs);
    if (accepted.length > 0 && !auth.scopes.includes('admin') && !accepted.some((s) => auth.scopes.includes(s))) {
      throw new ConsoleRefusal('scope', `${whoIs(auth)} does not have the scope ${accepted.join(' or ')}, which this page needs.`);
    }
    await next();
  });
}

export function hasScope(c: ConsoleContext, scope: Scope): boolean {
  const scopes = c.var.auth.scopes;
  return scopes.includes('admin') || scopes.includes(scope);
}
