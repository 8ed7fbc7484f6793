/**
 * Console sign-in with an OpenID Connect provider (issue 15), against a real one running locally:
 * oidc-provider (the certified implementation) with its development login, over real HTTP to the Node
 * server. Sign-in, a person without membership refused, the state, the nonce and the PKCE verifier each
 * tampered with (refused), sign-out, and session expiry.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addMember } from '@budget-sync/db';
import { parseConfig } from '@budget-sync/edge';
import { type NodeServer, startServer } from '@budget-sync/edge/node';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { newOrg, type TestOrg } from '../edge/helpers.ts';
import { freshDatabase } from '../support/postgres.ts';

const db = await freshDatabase();
const CLIENT_ID = 'budget-sync-console';
const CLIENT_SECRET = 'a-client-secret-for-the-tests-only';
let idp: Server;
let issuer = '';
let server: NodeServer;
let org: TestOrg;

beforeAll(async () => {
  org = await newOrg(db);
  await addMember(db.pool, { orgId: org.orgId, email: 'olga@example.com', role: 'editor', departments: null, createdBy: 'test' });
  // The provider listens first (its address is the issuer), the app next (its address is the redirect URI).
  idp = createServer();
  await new Promise<void>((resolve) => idp.listen(0, '127.0.0.1', resolve));
  issuer = `http://127.0.0.1:${(idp.address() as AddressInfo).port}`;
  const env = { BUDGET_SYNC_OIDC_ISSUER: issuer, BUDGET_SYNC_OIDC_CLIENT_ID: CLIENT_ID, BUDGET_SYNC_OIDC_CLIENT_SECRET: CLIENT_SECRET };
  server = await startServer({ port: 0, database: db, config: parseConfig(env) });
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: CLIENT_ID,
        client_secret: CLIENT_SECRET,
        redirect_uris: [`${server.url}/sign-in/oidc/callback`],
        token_endpoint_auth_method: 'client_secret_post',
      },
    ],
    // The development login takes any login name: here, the email.
    findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub, email: sub, email_verified: true }) }),
    claims: { openid: ['sub'], email: ['email', 'email_verified'] },
    pkce: { required: () => true },
    cookies: { keys: ['test-cookie-key'] },
  });
  idp.on('request', provider.callback());
});

afterAll(async () => {
  await server?.close();
  await new Promise((resolve) => idp?.close(resolve));
});

type Jar = Map<string, string>;

/** Cookies per origin, as a browser keeps them (the app's and the provider's apart). */
const jars = new Map<string, Jar>();
function jarOf(url: string): Jar {
  const origin = new URL(url).origin;
  if (!jars.has(origin)) jars.set(origin, new Map());
  return jars.get(origin) as Jar;
}

async function go(url: string, init: { method?: string; form?: Record<string, string> } = {}): Promise<Response> {
  const jar = jarOf(url);
  const res = await fetch(url, {
    method: init.method ?? 'GET',
    redirect: 'manual',
    headers: {
      cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '),
      ...(init.form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(init.form ? { body: new URLSearchParams(init.form).toString() } : {}),
  });
  for (const line of res.headers.getSetCookie()) {
    const [pair = ''] = line.split(';');
    const at = pair.indexOf('=');
    const gone = /max-age=0|expires=Thu, 01 Jan 1970/i.test(line) || pair.slice(at + 1) === '';
    if (gone) jar.delete(pair.slice(0, at));
    else jar.set(pair.slice(0, at), pair.slice(at + 1));
  }
  return res;
}

/**
 * The provider's part as a person does it: follow redirects, log in as `email`, consent, until the
 * provider sends the browser back to the app's callback; returns that callback URL (not yet visited).
 */
async function throughProvider(email: string): Promise<string> {
  let res = await go(`${server.url}/sign-in/oidc`);
  for (let step = 0; step < 20; step++) {
    const location = res.headers.get('location');
    if (location) {
      const next = new URL(location, res.url || issuer).href;
      if (next.startsWith(`${server.url}/sign-in/oidc/callback`)) return next;
      res = await go(next);
      continue;
    }
    const page = await res.text();
    const action = /<form[^>]*action="([^"]+)"/.exec(page)?.[1];
    const prompt = /name="prompt" value="([^"]+)"/.exec(page)?.[1];
    if (!action || !prompt) throw new Error(`the provider showed no form: ${page.slice(0, 300)}`);
    res = await go(new URL(action, issuer).href, { method: 'POST', form: { prompt, login: email, password: 'any' } });
  }
  throw new Error('the provider never sent the browser back');
}

async function budgetsPage(): Promise<string> {
  const res = await go(`${server.url}/budgets`);
  const body = await res.text();
  return res.status === 200 ? (/title="([^"]*)">Sign out/.exec(body)?.[1] ?? 'page') : `${res.status} ${res.headers.get('location')}`;
}

function fresh(): void {
  jars.clear();
}

describe('console sign-in with a real OpenID Connect provider', () => {
  it('signs a member in (code + PKCE), opens a person session, and signing out ends it', async () => {
    fresh();
    const callback = await throughProvider('olga@example.com');
    const res = await go(callback);
    expect({ status: res.status, location: res.headers.get('location') }).toEqual({ status: 303, location: '/upload' });
    expect(await budgetsPage()).toBe('Signed in as olga@example.com (editor)');
    const copy = new Map(jarOf(server.url));
    const csrf = jarOf(server.url).get('bs_csrf') as string;
    await fetch(`${server.url}/sign-out`, {
      method: 'POST',
      redirect: 'manual',
      headers: {
        cookie: [...jarOf(server.url)].map(([k, v]) => `${k}=${v}`).join('; '),
        'sec-fetch-site': 'same-origin',
        'content-type': 'application/x-www-form-urlencoded',
      },
      body: `_csrf=${csrf}`,
    });
    jars.set(new URL(server.url).origin, copy);
    expect(await budgetsPage()).toBe('303 /sign-in?next=%2Fbudgets&why=expired');
  });

  it('refuses a person the provider knows who is not a member of any organization', async () => {
    fresh();
    const res = await go(await throughProvider('outsider@example.com'));
    expect(res.status).toBe(403);
    expect(await res.text()).toContain('outsider@example.com is not a member of any organization here');
    expect(jarOf(server.url).has('bs_session')).toBe(false);
  });

  it('refuses a callback whose state was changed', async () => {
    fresh();
    const callback = new URL(await throughProvider('olga@example.com'));
    callback.searchParams.set('state', 'forged-state');
    const res = await go(callback.href);
    expect(res.status).toBe(401);
    expect(jarOf(server.url).has('bs_session')).toBe(false);
  });

  for (const field of ['nonce', 'verifier'] as const) {
    it(`refuses the sign-in when the flow's ${field === 'verifier' ? 'PKCE verifier' : 'nonce'} does not match`, async () => {
      fresh();
      const callback = await throughProvider('olga@example.com');
      const jar = jarOf(server.url);
      const flow = JSON.parse(Buffer.from(jar.get('bs_oidc') as string, 'base64url').toString()) as Record<string, string>;
      flow[field] = field === 'verifier' ? 'x'.repeat(43) : 'forged-nonce';
      jar.set('bs_oidc', Buffer.from(JSON.stringify(flow)).toString('base64url'));
      const res = await go(callback);
      expect(res.status).toBe(401);
      expect(jar.has('bs_session')).toBe(false);
    });
  }

  it('a callback without the flow cookie (a sign-in started elsewhere) is refused', async () => {
    fresh();
    const callback = await throughProvider('olga@example.com');
    jarOf(server.url).delete('bs_oidc');
    expect((await go(callback)).status).toBe(401);
  });

  it('a session ends when it expires', async () => {
    fresh();
    await go(await throughProvider('olga@example.com'));
    expect(await budgetsPage()).toBe('Signed in as olga@example.com (editor)');
    const token = jarOf(server.url).get('bs_session') as string;
    const { createHash } = await import('node:crypto');
    await db.pool.query(`UPDATE console_sessions SET expires_at = now() - interval '1 second' WHERE token_hash = $1`, [
      createHash('sha256').update(token).digest('hex'),
    ]);
    expect(await budgetsPage()).toBe('303 /sign-in?next=%2Fbudgets&why=expired');
  });
});
