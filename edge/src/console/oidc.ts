/**
 * Console sign-in with the deployment's OpenID Connect provider (DESIGN §2: authorization code + PKCE),
 * with openid-client, configured by BUDGET_SYNC_OIDC_ISSUER / _CLIENT_ID / _CLIENT_SECRET. `/sign-in/oidc`
 * sends the browser to the provider with a fresh state, nonce and PKCE challenge, kept in a short-lived
 * HttpOnly cookie (SameSite=Lax: the provider's redirect back is a cross-site navigation, which a Strict
 * cookie would not reach); the callback checks all three (openid-client refuses a changed state, a
 * changed nonce in the ID token, a wrong verifier at the token endpoint), then the ID token's verified
 * email must be a member of an org: it opens a person session there (the first org; the Organizations
 * page switches). Failures count against the client like failed sign-ins.
 */
import { membershipsOf, startPersonSession } from '@budget-sync/db';
import { getCookie } from 'hono/cookie';
import * as oidc from 'openid-client';
import type { AppConfig } from '../config.ts';
import { recordAuthFailure } from '../middleware/auth-failures.ts';
import { type ConsoleContext, clearConsoleCookie, safeNext, setConsoleCookie } from './context.ts';
import { html } from './html.ts';
import { publicPage } from './layout.ts';
import { randomToken, SESSION_TTL_S } from './session.ts';
import { openedSession } from './sign-in.ts';

const FLOW_COOKIE = 'bs_oidc';
const FLOW_PATH = '/sign-in/oidc';
/** How long the provider's round trip may take. */
const FLOW_TTL_S = 600;

type Settings = NonNullable<AppConfig['oidc']>;

/** The provider's metadata, discovered once per app (the process, or the isolate) and kept; a failure is retried next time. */
export function oidcClient(settings: Settings): () => Promise<oidc.Configuration> {
  let found: Promise<oidc.Configuration> | undefined;
  return () => {
    found ??= discover(settings).catch((e: unknown) => {
      found = undefined;
      throw e;
    });
    return found;
  };
}

async function discover(s: Settings): Promise<oidc.Configuration> {
  const issuer = new URL(s.issuer);
  // Plain http only to this machine (a provider for development and the tests); anything else must be https.
  const loopback = ['127.0.0.1', 'localhost', '[::1]'].includes(issuer.hostname);
  const options = loopback && issuer.protocol === 'http:' ? { execute: [oidc.allowInsecureRequests] } : undefined;
  return oidc.discovery(issuer, s.clientId, undefined, oidc.ClientSecretPost(s.clientSecret), options);
}

function callbackUrl(c: ConsoleContext): string {
  return `${c.var.config.publicUrl ?? new URL(c.req.url).origin}${FLOW_PATH}/callback`;
}

interface Flow {
  state: string;
  nonce: string;
  verifier: string;
  next: string;
}

function setFlowCookie(c: ConsoleContext, flow: Flow): void {
  const value = btoa(JSON.stringify(flow)).replaceAll('+', '-').replaceAll('/', '_').replace(/=+$/, '');
  setConsoleCookie(c, FLOW_COOKIE, value, FLOW_TTL_S, { sameSite: 'Lax', path: FLOW_PATH });
}

function flowOf(c: ConsoleContext): Flow | null {
  const raw = getCookie(c, FLOW_COOKIE);
  if (!raw || raw.length > 2000) return null;
  try {
    const f = JSON.parse(atob(raw.replaceAll('-', '+').replaceAll('_', '/'))) as Partial<Flow>;
    return typeof f.state === 'string' && typeof f.nonce === 'string' && typeof f.verifier === 'string'
      ? { state: f.state, nonce: f.nonce, verifier: f.verifier, next: typeof f.next === 'string' ? f.next : '/upload' }
      : null;
  } catch {
    return null;
  }
}

/** Sends the browser to the provider. */
export async function startOidc(c: ConsoleContext) {
  const client = await c.var.oidc?.();
  if (!client) return c.redirect('/sign-in', 303);
  const flow: Flow = {
    state: oidc.randomState(),
    nonce: oidc.randomNonce(),
    verifier: oidc.randomPKCECodeVerifier(),
    next: safeNext(c.req.query('next')),
  };
  setFlowCookie(c, flow);
  const url = oidc.buildAuthorizationUrl(client, {
    redirect_uri: callbackUrl(c),
    scope: 'openid email profile',
    state: flow.state,
    nonce: flow.nonce,
    code_challenge: await oidc.calculatePKCECodeChallenge(flow.verifier),
    code_challenge_method: 'S256',
  });
  return c.redirect(url.href, 303);
}

function refused(c: ConsoleContext, text: string, status: 401 | 403 | 429) {
  const content = html`<div class="sign-in"><h1>Sign in</h1><div class="card"><p>${text}</p><p><a href="/sign-in">Back to sign-in</a></p></div></div>`;
  return c.html(publicPage({ title: 'Sign in' }, content).value, status);
}

/** The provider's redirect back: the code for tokens (state, nonce and PKCE checked), then a person session. */
export async function finishOidc(c: ConsoleContext) {
  const client = await c.var.oidc?.();
  const flow = flowOf(c);
  clearConsoleCookie(c, FLOW_COOKIE, FLOW_PATH);
  if (!client) return c.redirect('/sign-in', 303);
  const fail = (text: string, status: 401 | 403) => {
    const waitS = recordAuthFailure(c);
    if (waitS !== null) {
      c.header('Retry-After', String(waitS));
      return refused(c, `Too many failed sign-ins came from your address. Wait ${waitS} s, then try again.`, 429);
    }
    return refused(c, text, status);
  };
  if (!flow) return fail('The sign-in took too long or did not start here. Sign in again.', 401);
  let claims: Record<string, unknown> | undefined;
  try {
    const current = new URL(callbackUrl(c));
    current.search = new URL(c.req.url).search;
    const tokens = await oidc.authorizationCodeGrant(client, current, {
      pkceCodeVerifier: flow.verifier,
      expectedState: flow.state,
      expectedNonce: flow.nonce,
      idTokenExpected: true,
    });
    const id = tokens.claims();
    // Providers that conform strictly put the email in the userinfo answer, not the ID token.
    claims = typeof id?.email === 'string' || !id ? id : { ...(await oidc.fetchUserInfo(client, tokens.access_token, id.sub)) };
  } catch {
    // What openid-client refused (state, nonce, PKCE, the provider's error) is not shown: it would help only an attacker.
    return fail('The identity provider did not confirm the sign-in. Sign in again.', 401);
  }
  const email = typeof claims?.email === 'string' ? claims.email : null;
  if (!email || claims?.email_verified === false) return fail('Your identity provider did not give a verified email address.', 403);
  const db = await c.var.database();
  const memberships = await membershipsOf(db.pool, email);
  const first = memberships[0];
  if (!first?.person) return fail(`${email} is not a member of any organization here. Ask an admin to add you.`, 403);
  const csrf = randomToken();
  const session = await startPersonSession(db.pool, { orgId: first.orgId, userId: first.person.userId, csrf, ttlSeconds: SESSION_TTL_S });
  if (!session) return fail('Your membership ended just now. Ask an admin.', 403);
  return openedSession(c, session, csrf, flow.next);
}
