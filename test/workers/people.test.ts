/**
 * People inside workerd (issue 15): the add-on's Google ID tokens verified by the Worker with jose over
 * WebCrypto against a JWKS the Node setup serves on 127.0.0.1 — a valid token, and each refusal the issue
 * lists — and what a verified token costs: one JWKS fetch per key rotation, not per request (counted by
 * the JWKS server, on an app of the Worker's own built here with its own key set, so other tests' fetches
 * do not count). Then the department-scope matrix of test/support/department-matrix.ts, as on Node.
 * Tokens are signed here, inside workerd, with the keys the setup publishes (and keys it does not).
 */
import { env, exports } from 'cloudflare:workers';
import { generateKeyPair, importJWK, type JWK, SignJWT } from 'jose';
import { describe, expect, it } from 'vitest';
import { workerApp } from '../../edge/src/worker-app.ts';
import { checkDepartmentScopes, checkHealthSaysNothing, type Role } from '../support/department-matrix.ts';
import type { DepartmentWorld } from '../support/department-world.ts';
import { CLIENT_ID, ISSUER, PEOPLE } from './fixture.ts';

type Doc = Record<string, unknown>;
type Key = Awaited<ReturnType<typeof generateKeyPair>>['privateKey'];

const signingKeys = JSON.parse(env.TEST_SIGNING_KEYS) as Record<'w1' | 'w2', JWK>;
const world = JSON.parse(env.TEST_DEPARTMENT_WORLD) as DepartmentWorld;
const now = () => Math.floor(Date.now() / 1000);

const imported = new Map<string, Key>();
async function published(kid: 'w1' | 'w2'): Promise<Key> {
  let key = imported.get(kid);
  if (!key) {
    key = (await importJWK(signingKeys[kid], 'RS256')) as Key;
    imported.set(kid, key);
  }
  return key;
}

interface Claims {
  email?: string;
  email_verified?: boolean;
  aud?: string;
  iss?: string;
  iat?: number;
  exp?: number;
  nbf?: number;
}

/** A Google-style token for `email`, signed by a published key (w1 by default) or `key` under `kid`. */
async function token(claims: Claims = {}, signer: { kid?: string; key?: Key } = {}): Promise<string> {
  const c = { email: PEOPLE.viewer, email_verified: true, aud: CLIENT_ID, iss: ISSUER, iat: now(), exp: now() + 3600, ...claims };
  const kid = signer.kid ?? 'w1';
  const jwt = new SignJWT({ email: c.email, email_verified: c.email_verified })
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setSubject('4711')
    .setAudience(c.aud)
    .setIssuer(c.iss)
    .setIssuedAt(c.iat)
    .setExpirationTime(c.exp);
  if (c.nbf !== undefined) jwt.setNotBefore(c.nbf);
  return jwt.sign(signer.key ?? (await published(kid as 'w1' | 'w2')));
}

function base64url(o: object): string {
  return btoa(JSON.stringify(o)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

async function foreignKey(): Promise<Key> {
  return (await generateKeyPair('RS256')).privateKey;
}

async function call(method: string, path: string, c: { key?: string; json?: unknown; headers?: Record<string, string> } = {}) {
  const headers: Record<string, string> = { ...c.headers };
  if (c.key !== undefined) headers.authorization = `Bearer ${c.key}`;
  if (c.json !== undefined) headers['content-type'] = 'application/json';
  return exports.default.fetch(`https://budget-sync.test${path}`, {
    method,
    headers,
    ...(c.json !== undefined ? { body: JSON.stringify(c.json) } : {}),
  });
}

async function answer(res: Response): Promise<{ status: number; body: Doc }> {
  return { status: res.status, body: (await res.json()) as Doc };
}

/** The JWKS server's count of fetches of one named key set, and publishing on it. */
const jwks = {
  fetches: async (name: string) =>
    ((await (await fetch(`${env.TEST_JWKS_BASE}/jwks/${name}/fetches`)).json()) as { fetches: number }).fetches,
  publish: async (name: string, kids: string[]) => {
    const res = await fetch(`${env.TEST_JWKS_BASE}/jwks/${name}/publish`, { method: 'POST', body: JSON.stringify({ kids }) });
    await res.body?.cancel();
  },
};

/**
 * An app of the Worker's own (workerApp, as worker.ts builds it once per isolate) reading the named key
 * set, with its own JWKS cache: `ask` sends it GET /api/me and waits for what the request left to finish.
 */
function freshWorker(jwksName: string, cooldownSeconds: string) {
  const app = workerApp({
    ...env,
    BUDGET_SYNC_GOOGLE_JWKS_URL: `${env.TEST_JWKS_BASE}/jwks/${jwksName}`,
    BUDGET_SYNC_GOOGLE_JWKS_COOLDOWN_SECONDS: cooldownSeconds,
  });
  return async (bearer: string) => {
    const pending: Array<Promise<unknown>> = [];
    const ctx = { waitUntil: (p: Promise<unknown>) => void pending.push(p), passThroughOnException: () => {}, props: {} };
    const res = await app.fetch(
      new Request('https://budget-sync.test/api/me', { headers: { authorization: `Bearer ${bearer}` } }),
      env,
      ctx,
    );
    const body = (await res.json()) as Doc;
    await Promise.all(pending);
    return { status: res.status, body };
  };
}

describe('Google ID tokens inside workerd', () => {
  it('a valid token is the person: email, role, org and departments', async () => {
    const me = await answer(await call('GET', '/api/me', { key: await token({ email: 'April@Workers.Example' }) }));
    expect(me).toMatchObject({
      status: 200,
      body: { kind: 'person', email: PEOPLE.approver, role: 'approver', departments: ['Marketing'], orgName: 'Workers Co' },
    });
  });

  const refusals: Array<[string, () => Promise<string>, string]> = [
    ['expired (beyond the 60 s skew)', () => token({ iat: now() - 7200, exp: now() - 61 }), 'expired'],
    ['not yet valid (nbf beyond the skew)', () => token({ nbf: now() + 120 }), '"nbf"'],
    ['issued in the future (iat beyond the skew)', () => token({ iat: now() + 600, exp: now() + 3600 }), 'not valid yet'],
    ['for another audience', () => token({ aud: 'someone-else.apps.example.com' }), '"aud"'],
    ['from another issuer', () => token({ iss: 'https://evil.example.test' }), '"iss"'],
    ['with an unverified email', () => token({ email_verified: false }), 'not verified'],
    [
      'unsigned (alg: none)',
      async () =>
        `${base64url({ alg: 'none', typ: 'JWT' })}.${base64url({ email: PEOPLE.admin, email_verified: true, aud: CLIENT_ID, iss: ISSUER, iat: now(), exp: now() + 600 })}.`,
      'RS256',
    ],
    [
      'signed by a foreign key claiming the known kid w1',
      async () => token({ email: PEOPLE.admin }, { kid: 'w1', key: await foreignKey() }),
      'signature',
    ],
    [
      'signed by a key of a kid the issuer does not publish',
      async () => token({}, { kid: 'w-unknown', key: await foreignKey() }),
      'not one of',
    ],
  ];
  for (const [what, make, reason] of refusals) {
    it(`refuses a token ${what}: 401 auth.invalid_token saying which check failed`, async () => {
      const res = await answer(await call('GET', '/api/me', { key: await make() }));
      expect(res).toMatchObject({ status: 401, body: { code: 'auth.invalid_token' } });
      expect(res.body.detail).toContain(reason);
    });
  }

  it('refuses a verified person with no membership: 403 auth.no_membership', async () => {
    const res = await answer(await call('GET', '/api/me', { key: await token({ email: 'stranger@workers.example' }) }));
    expect(res).toMatchObject({ status: 403, body: { code: 'auth.no_membership', email: 'stranger@workers.example' } });
  });

  it('a stream of tokens with made-up kids costs the Worker at most one JWKS fetch per cooldown', async () => {
    const name = `made-up-${crypto.randomUUID()}`;
    const ask = freshWorker(name, '30');
    expect((await ask(await token())).status).toBe(200);
    expect(await jwks.fetches(name)).toBe(1);
    for (let i = 0; i < 5; i++) {
      const refused = await ask(await token({}, { kid: `made-up-${i}`, key: await foreignKey() }));
      expect(refused).toMatchObject({ status: 401, body: { code: 'auth.invalid_token' } });
    }
    expect(await jwks.fetches(name)).toBe(1);
  });

  it('a verified token costs one JWKS fetch per key rotation, not per request; a retired kid is then refused', async () => {
    const name = `rotation-${crypto.randomUUID()}`;
    const ask = freshWorker(name, '0');
    for (let i = 0; i < 5; i++) expect((await ask(await token())).status).toBe(200);
    expect(await jwks.fetches(name)).toBe(1);
    // Warm: many requests at once fetch nothing.
    const wave = await Promise.all(Array.from({ length: 5 }, async () => (await ask(await token({ email: PEOPLE.editor }))).status));
    expect(wave).toEqual([200, 200, 200, 200, 200]);
    expect(await jwks.fetches(name)).toBe(1);

    // The issuer rotates: w2 is published beside w1, and new tokens are signed with it. One fetch, then none.
    await jwks.publish(name, ['w2', 'w1']);
    for (let i = 0; i < 5; i++) expect((await ask(await token({}, { kid: 'w2' }))).status).toBe(200);
    expect(await jwks.fetches(name)).toBe(2);
    for (let i = 0; i < 5; i++) expect((await ask(await token())).status).toBe(200);
    expect(await jwks.fetches(name)).toBe(2);

    // w1 is retired. A kid the cached set lacks makes the Worker look again (once), and it is refused.
    await jwks.publish(name, ['w2']);
    const unknown = await ask(await token({}, { kid: 'w3', key: await foreignKey() }));
    expect(unknown).toMatchObject({ status: 401, body: { code: 'auth.invalid_token' } });
    expect(unknown.body.detail).toContain("the token's signing key is not one of the issuer's");
    expect(await jwks.fetches(name)).toBe(3);
    const retired = await ask(await token());
    expect(retired).toMatchObject({ status: 401, body: { code: 'auth.invalid_token' } });
    expect(retired.body.detail).toContain("the token's signing key is not one of the issuer's");
    expect((await ask(await token({}, { kid: 'w2' }))).status).toBe(200);
    expect(await jwks.fetches(name)).toBe(4);
  });
});

describe('department scope on every endpoint, in workerd', () => {
  const tokenOf = (role: Role) => token({ email: world.people[role] });

  it('every operation × role, each person limited to Marketing: allowed and filtered, checked, refused, or 403 by role', async () => {
    const checked = await checkDepartmentScopes((method, path, o = {}) => call(method, path, o), world, tokenOf);
    expect(checked).toBe(29 * 4);
  });

  it('the public health check says nothing of any department', async () => {
    await checkHealthSaysNothing((method, path, o = {}) => call(method, path, o), await tokenOf('admin'));
  });
});
