/**
 * People (issue 15): users and roles over the API, `/api/me`, and the Sheets add-on's Google ID tokens
 * verified against a real JWKS served over HTTP on 127.0.0.1 (tokens signed with test keys by jose):
 * every refusal the issue lists, one JWKS fetch per key rotation, and API keys untouched.
 */
import { randomBytes } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { addMember, roleScopes, type Scope } from '@budget-sync/db';
import { createApp, DEFAULT_CONFIG } from '@budget-sync/edge';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Claims, idToken as signIdToken, nowS as now, type SigningKey, signingKey } from '../support/id-tokens.ts';
import { freshDatabase } from '../support/postgres.ts';
import { call, type Doc, expectProblem, jsonOf, newOrg, type TestApp, type TestOrg, testApp } from './helpers.ts';

// Sources keep their credentials sealed with the server's key.
process.env.BUDGET_SYNC_SECRET_KEY = randomBytes(32).toString('base64');
const db = await freshDatabase();
const CLIENT_ID = 'addon-client.apps.example.com';
const ISSUER = 'https://accounts.example.test';

/** The JWKS the server publishes (changed by rotate) and how often it was fetched. */
const jwks = { keys: [] as SigningKey[], fetches: 0 };
let jwksServer: Server;
let jwksUrl = '';
let t: TestApp;
let org: TestOrg;
let other: TestOrg;
let current: SigningKey;

beforeAll(async () => {
  current = await signingKey('k1');
  jwks.keys = [current];
  jwksServer = createServer((_req, res) => {
    jwks.fetches++;
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ keys: jwks.keys.map((k) => k.jwk) }));
  });
  await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
  jwksUrl = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}/certs`;
  t = testApp(db, { googleIdTokens: { clientIds: ['other-client', CLIENT_ID], issuer: ISSUER, jwksUrl } });
  org = await newOrg(db, 'Acme');
  other = await newOrg(db, 'Other');
  const add = (orgId: string, email: string, role: 'viewer' | 'editor' | 'approver' | 'admin', departments: string[] | null = null) =>
    addMember(db.pool, { orgId, email, role, departments, createdBy: 'test' });
  await add(org.orgId, 'vera@example.com', 'viewer');
  await add(org.orgId, 'ed@example.com', 'editor');
  await add(org.orgId, 'april@example.com', 'approver', ['Marketing']);
  await add(org.orgId, 'ada@example.com', 'admin');
  await add(org.orgId, 'two@example.com', 'viewer');
  await add(other.orgId, 'two@example.com', 'admin');
});

afterAll(async () => {
  await new Promise((resolve) => jwksServer?.close(resolve));
});

/** A token for vera@example.com as Google signs one for the add-on, with `claims` over those defaults. */
const idToken = (claims: Claims = {}, key: SigningKey = current, kid = key.kid): Promise<string> =>
  signIdToken(key, { aud: CLIENT_ID, iss: ISSUER }, { email: 'vera@example.com', ...claims }, kid);

const me = async (key: string, headers: Record<string, string> = {}) => call(t, 'GET', '/api/me', { key, headers });

describe('GET /api/me', () => {
  it('says which person, org, role and departments a verified Google ID token is', async () => {
    const res = await me(await idToken({ email: 'April@Example.com' }));
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({
      kind: 'person',
      email: 'april@example.com',
      name: null,
      orgId: org.orgId,
      orgName: 'Acme',
      orgs: [{ orgId: org.orgId, name: 'Acme', role: 'approver' }],
      role: 'approver',
      departments: ['Marketing'],
      scopes: ['budget:read', 'imports:read', 'sources:read', 'imports:write', 'budget:check', 'budget:reserve'],
    });
  });

  it("says which key, and the key's org and scopes, for an API key", async () => {
    const key = await org.key('budget:read');
    const body = await jsonOf(await me(key));
    expect(body).toMatchObject({ kind: 'key', orgId: org.orgId, orgName: 'Acme', scopes: ['budget:read'], keyName: 'key-budget:read' });
    expect(body.email).toBeUndefined();
  });

  it('a person in several orgs names one with X-Budget-Sync-Org; without it they are told which', async () => {
    const token = await idToken({ email: 'two@example.com' });
    const body = await expectProblem(await me(token), 400, 'auth.org_required');
    expect(body.orgs).toEqual(
      expect.arrayContaining([
        { orgId: org.orgId, name: 'Acme', role: 'viewer' },
        { orgId: other.orgId, name: 'Other', role: 'admin' },
      ]),
    );
    // Once one is named, /api/me lists them all, to switch.
    expect(await jsonOf(await me(token, { 'x-budget-sync-org': other.orgId }))).toMatchObject({
      orgId: other.orgId,
      orgName: 'Other',
      role: 'admin',
      orgs: [
        { orgId: org.orgId, name: 'Acme', role: 'viewer' },
        { orgId: other.orgId, name: 'Other', role: 'admin' },
      ],
    });
    expect(await jsonOf(await me(token, { 'x-budget-sync-org': org.orgId }))).toMatchObject({ orgId: org.orgId, role: 'viewer' });
    // A person cannot pick an org they do not belong to.
    await expectProblem(await me(await idToken(), { 'x-budget-sync-org': other.orgId }), 403, 'auth.no_membership');
  });
});

describe('Google ID tokens: every refusal', () => {
  const refusals: Array<[string, () => Promise<string>, string]> = [
    ['expired (beyond the 60 s skew)', () => idToken({ iat: now() - 7200, exp: now() - 61 }), 'expired'],
    ['not yet valid (nbf beyond the skew)', () => idToken({ nbf: now() + 120 }), '"nbf"'],
    ['issued in the future (iat beyond the skew)', () => idToken({ iat: now() + 600, exp: now() + 3600 }), 'not valid yet'],
    ['for another audience', () => idToken({ aud: 'someone-else.apps.example.com' }), '"aud"'],
    ['from another issuer', () => idToken({ iss: 'https://evil.example.test' }), '"iss"'],
    ['with an unverified email', () => idToken({ email_verified: false }), 'not verified'],
    [
      'unsigned (alg: none)',
      async () => {
        const enc = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `${enc({ alg: 'none', typ: 'JWT' })}.${enc({ email: 'ada@example.com', email_verified: true, aud: CLIENT_ID, iss: ISSUER, iat: now(), exp: now() + 600 })}.`;
      },
      'RS256',
    ],
    [
      'signed by a foreign key claiming a known kid',
      async () => idToken({ email: 'ada@example.com' }, await signingKey('k1')),
      'signature',
    ],
    ['signed by a key of no kid the issuer publishes', async () => idToken({}, await signingKey('k-unknown')), 'not one of'],
  ];
  for (const [what, make, reason] of refusals) {
    it(`refuses a token ${what}`, async () => {
      const body = await expectProblem(await me(await make()), 401, 'auth.invalid_token');
      expect(body.detail).toContain(reason);
    });
  }

  it('allows 60 s of clock skew and no more', async () => {
    expect((await me(await idToken({ iat: now() - 3600, exp: now() - 30 }))).status).toBe(200);
  });

  it('refuses a verified person who is a member of no org', async () => {
    const body = await expectProblem(await me(await idToken({ email: 'stranger@example.com' })), 403, 'auth.no_membership');
    expect(body.email).toBe('stranger@example.com');
  });

  it('a stream of tokens with made-up kids costs at most one JWKS fetch per cooldown', async () => {
    const before = jwks.fetches;
    for (let i = 0; i < 5; i++)
      await expectProblem(await me(await idToken({}, await signingKey(`made-up-${i}`))), 401, 'auth.invalid_token');
    expect(jwks.fetches - before).toBeLessThanOrEqual(1);
  });

  it('fetches the JWKS once per key rotation, not per request; a rotated-in kid works after one fetch', async () => {
    // A fresh app (its own key cache) without the cooldown, so the rotation can follow the first fetch at once.
    const fresh = testApp(db, { googleIdTokens: { clientIds: [CLIENT_ID], issuer: ISSUER, jwksUrl, jwksCooldownMs: 0 } });
    const ask = async (token: string) => (await call(fresh, 'GET', '/api/me', { key: token })).status;
    const before = jwks.fetches;
    for (let i = 0; i < 5; i++) expect(await ask(await idToken())).toBe(200);
    expect(jwks.fetches).toBe(before + 1);
    // The issuer rotates: k2 is published, tokens are signed with it. One fetch, then none.
    const next = await signingKey('k2');
    jwks.keys = [next, current];
    for (let i = 0; i < 5; i++) expect(await ask(await idToken({}, next))).toBe(200);
    expect(jwks.fetches).toBe(before + 2);
    for (let i = 0; i < 5; i++) expect(await ask(await idToken())).toBe(200);
    expect(jwks.fetches).toBe(before + 2);
  });
});

describe('roles bound what a person may do, on every operation', () => {
  const ROLES = ['viewer', 'editor', 'approver', 'admin'] as const;
  const people = { viewer: 'vera@example.com', editor: 'ed@example.com', approver: 'april@example.com', admin: 'ada@example.com' };

  it('each role gets through exactly the operations its scopes allow (auth.test.ts pins the scopes), 403 elsewhere', async () => {
    const doc = await jsonOf(await call(t, 'GET', '/api/openapi.json'));
    const paths = doc.paths as Record<string, Record<string, { 'x-required-scope'?: string }>>;
    const ops = Object.entries(paths).flatMap(([path, item]) =>
      Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, scope: op['x-required-scope'] })),
    );
    let checked = 0;
    for (const op of ops.filter((o) => o.scope)) {
      for (const role of ROLES) {
        const scopes = roleScopes(role);
        const accepted = op.scope === 'any' ? null : (op.scope as string).split(' or ');
        const allowed = accepted === null || scopes.includes('admin') || accepted.some((s) => scopes.includes(s as Scope));
        const path = op.path.replace('{id}', '0197c3b2-5b4e-7c1a-9d10-2f6a1b3c4d5e').replace('{email}', 'nobody%40example.com');
        const res = await call(t, op.method, path, {
          key: await idToken({ email: people[role] }),
          ...(op.method === 'GET' ? {} : { json: {} }),
        });
        const where = `${op.method} ${op.path} as ${role}`;
        if (allowed) {
          expect([401, 403], where).not.toContain(res.status);
          expect(res.status, where).toBeLessThan(500);
        } else {
          const body = await expectProblem(res, 403, 'auth.forbidden');
          expect(body.detail, where).toContain(`${people[role]} (${role})`);
        }
        checked++;
      }
    }
    expect(checked).toBe(4 * 29);
  });

  it('the roles grant what DESIGN §2 says', () => {
    // Viewers read budgets, history and sources (GET /api/sources and the console's Sources page; never a sync).
    expect(roleScopes('viewer')).toEqual(['budget:read', 'imports:read', 'sources:read']);
    expect(roleScopes('editor')).toEqual(['budget:read', 'imports:read', 'sources:read', 'imports:write']);
    expect(roleScopes('approver')).toEqual([
      'budget:read',
      'imports:read',
      'sources:read',
      'imports:write',
      'budget:check',
      'budget:reserve',
    ]);
    expect(roleScopes('admin')).toEqual(['admin']);
  });
});

describe('/api/users', () => {
  it('an admin adds a person with a sign-in link, lists them, and removes them', async () => {
    const added = await call(t, 'POST', '/api/users', {
      key: await idToken({ email: 'ada@example.com' }),
      json: { email: 'Nia@Example.com', role: 'editor', departments: ['Sales'] },
    });
    expect(added.status).toBe(200);
    const body = await jsonOf(added);
    expect(body).toMatchObject({ email: 'Nia@Example.com', role: 'editor', departments: ['Sales'], createdBy: 'ada@example.com' });
    expect(body.signInUrl).toMatch(/^http:\/\/localhost\/sign-in\/link\?token=[A-Za-z0-9_-]{43}$/);
    const list = await jsonOf(await call(t, 'GET', '/api/users', { key: org.admin }));
    expect((list.users as Array<{ email: string }>).map((u) => u.email)).toContain('Nia@Example.com');
    expect((await call(t, 'DELETE', '/api/users/nia%40example.com', { key: org.admin })).status).toBe(204);
    await expectProblem(await call(t, 'DELETE', '/api/users/nia%40example.com', { key: org.admin }), 404, 'user.not_found');
  });

  it('refuses a key without admin, an invalid role and a bad email', async () => {
    await expectProblem(await call(t, 'GET', '/api/users', { key: await org.key('budget:read') }), 403, 'auth.forbidden');
    await expectProblem(
      await call(t, 'POST', '/api/users', { key: org.admin, json: { email: 'x@example.com', role: 'owner' } }),
      400,
      'request.invalid',
    );
    await expectProblem(
      await call(t, 'POST', '/api/users', { key: org.admin, json: { email: 'not-an-email', role: 'viewer' } }),
      422,
      'input.invalid',
    );
  });

  it("another org's admin cannot see or remove this org's people", async () => {
    const list = await jsonOf(await call(t, 'GET', '/api/users', { key: other.admin }));
    expect((list.users as Array<{ email: string }>).map((u) => u.email)).toEqual(['two@example.com']);
    await expectProblem(await call(t, 'DELETE', '/api/users/vera%40example.com', { key: other.admin }), 404, 'user.not_found');
  });
});

describe('/api/users: changes, their history and the last admin', () => {
  it('PATCH changes role and departments without a new link; every change is in /api/users/history with who made it', async () => {
    const fresh = await newOrg(db, 'Changes Co');
    const ada = 'ari@example.com';
    await addMember(db.pool, { orgId: fresh.orgId, email: ada, role: 'admin', departments: null, createdBy: 'setup' });
    await addMember(db.pool, { orgId: other.orgId, email: ada, role: 'viewer', departments: null, createdBy: 'setup' });
    const asAda = await idToken({ email: ada });
    // ari belongs to two orgs: she names this one.
    const inFresh = { 'x-budget-sync-org': fresh.orgId };
    const added = await call(t, 'POST', '/api/users', { key: asAda, headers: inFresh, json: { email: 'kim@example.com', role: 'viewer' } });
    expect(added.status).toBe(200);
    const changed = await call(t, 'PATCH', '/api/users/KIM%40example.com', {
      key: fresh.admin,
      json: { role: 'approver', departments: ['Marketing'] },
    });
    expect(await jsonOf(changed)).toMatchObject({ email: 'kim@example.com', role: 'approver', departments: ['Marketing'], createdBy: ada });
    expect((await call(t, 'DELETE', '/api/users/kim%40example.com', { key: asAda, headers: inFresh })).status).toBe(204);
    const history = await jsonOf(await call(t, 'GET', '/api/users/history?limit=3', { key: fresh.admin }));
    expect((history.changes as Doc[]).map(({ email, action, before, after, actor }) => ({ email, action, before, after, actor }))).toEqual([
      { email: 'kim@example.com', action: 'removed', before: { role: 'approver', departments: ['Marketing'] }, after: null, actor: ada },
      {
        email: 'kim@example.com',
        action: 'changed',
        before: { role: 'viewer', departments: null },
        after: { role: 'approver', departments: ['Marketing'] },
        actor: 'admin',
      },
      { email: 'kim@example.com', action: 'added', before: null, after: { role: 'viewer', departments: null }, actor: ada },
    ]);
    // Paging back; changes of another org are not there.
    const older = await jsonOf(
      await call(t, 'GET', `/api/users/history?before=${(history.changes as Doc[])[2]?.id}`, { key: fresh.admin }),
    );
    expect((older.changes as Doc[]).map((c) => [c.email, c.action])).toEqual([[ada, 'added']]);
    await expectProblem(
      await call(t, 'PATCH', '/api/users/ghost%40example.com', { key: fresh.admin, json: { role: 'viewer' } }),
      404,
      'user.not_found',
    );
  });

  it('the last admin without a department limit can be neither removed, demoted nor limited: 409 user.last_admin', async () => {
    const solo = await newOrg(db, 'Solo Co');
    await addMember(db.pool, { orgId: solo.orgId, email: 'solo@example.com', role: 'admin', departments: null, createdBy: 'setup' });
    const attempts: Array<[string, string, unknown]> = [
      ['DELETE', '/api/users/solo%40example.com', undefined],
      ['PATCH', '/api/users/solo%40example.com', { role: 'editor' }],
      ['PATCH', '/api/users/solo%40example.com', { role: 'admin', departments: ['Sales'] }],
      ['POST', '/api/users', { email: 'SOLO@example.com', role: 'viewer' }],
    ];
    for (const [method, path, json] of attempts) {
      const body = await expectProblem(await call(t, method, path, { key: solo.admin, ...(json ? { json } : {}) }), 409, 'user.last_admin');
      expect(body.detail).toContain('solo@example.com is the last admin of this organization without a department limit');
      expect(body.detail).toContain('Make another person admin first');
    }
    const users = await jsonOf(await call(t, 'GET', '/api/users', { key: solo.admin }));
    expect(users.users).toEqual([expect.objectContaining({ email: 'solo@example.com', role: 'admin', departments: null })]);
    // With a second admin, the first may go.
    await call(t, 'POST', '/api/users', { key: solo.admin, json: { email: 'duo@example.com', role: 'admin' } });
    expect((await call(t, 'DELETE', '/api/users/solo%40example.com', { key: solo.admin })).status).toBe(204);
  });
});

describe('without BUDGET_SYNC_GOOGLE_CLIENT_IDS', () => {
  it('an ID token is refused like a wrong key, and API keys work as before', async () => {
    const plain = testApp(db);
    await expectProblem(await call(plain, 'GET', '/api/me', { key: await idToken() }), 401, 'auth.invalid_key');
    expect((await call(plain, 'GET', '/api/me', { key: org.admin })).status).toBe(200);
  });
});

describe('departments limit what a person sees and changes', () => {
  const BUDGET = [
    ['Department', 'Category', 'Month', 'Amount'],
    ['Marketing', 'Travel', '2026-01', '1000.00'],
    ['Marketing', 'Events', '2026-01', '2000.00'],
    ['Sales', 'Travel', '2026-01', '3000.00'],
  ];
  const april = () => idToken({ email: 'april@example.com' }); // approver, Marketing only
  let salesImportId = '';
  let salesReservation = '';

  beforeAll(async () => {
    const first = await call(t, 'POST', '/api/excel/import', {
      key: org.admin,
      json: { sheetName: 'Budget', values: BUDGET, fileName: 'fy26.csv', acceptWarnings: true },
    });
    expect(first.status).toBe(201);
    const sales = await call(t, 'POST', '/api/excel/import', {
      key: org.admin,
      json: {
        sheetName: 'Budget',
        values: [BUDGET[0], ['Sales', 'Travel', '2026-01', '3500.00']],
        fileName: 'sales.csv',
        acceptWarnings: true,
      },
    });
    salesImportId = (await jsonOf(sales)).importId as string;
    const r = await call(t, 'POST', '/api/budget/reservations', {
      key: org.admin,
      json: { department: 'Sales', category: 'Travel', period: '2026-01', amount: '10.00' },
    });
    salesReservation = (await jsonOf(r)).id as string;
  });

  it('reads are filtered: budgets and summaries show only their departments (a key sees all)', async () => {
    const mine = await jsonOf(await call(t, 'GET', '/api/budgets', { key: await april() }));
    expect((mine.lines as Array<{ department: string }>).map((l) => l.department)).toEqual(['Marketing', 'Marketing']);
    const summary = await jsonOf(await call(t, 'GET', '/api/budgets/summary?by=department', { key: await april() }));
    expect((summary.rows as Array<{ key: string }>).map((r) => r.key)).toEqual(['Marketing']);
    const all = await jsonOf(await call(t, 'GET', '/api/budgets', { key: org.admin }));
    expect((all.lines as unknown[]).length).toBe(3);
  });

  it('checks and reservations outside are refused 403 naming the department; inside they work', async () => {
    const body = { department: 'sales', category: 'Travel', period: '2026-01', amount: '5.00' };
    const refused = await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: await april(), json: body }),
      403,
      'department.forbidden',
    );
    expect(refused).toMatchObject({ department: 'sales', departments: ['Marketing'] });
    await expectProblem(await call(t, 'POST', '/api/budget/reservations', { key: await april(), json: body }), 403, 'department.forbidden');
    const inside = await call(t, 'POST', '/api/budget/check', { key: await april(), json: { ...body, department: 'MARKETING' } });
    expect(inside.status).toBe(200);
    for (const path of ['', '/commit', '/release']) {
      const method = path ? 'POST' : 'GET';
      const res = await call(t, method, `/api/budget/reservations/${salesReservation}${path}`, {
        key: await april(),
        ...(path ? { json: {} } : {}),
      });
      await expectProblem(res, 403, 'department.forbidden');
    }
    // Nothing moved on the Sales reservation.
    expect(await jsonOf(await call(t, 'GET', `/api/budget/reservations/${salesReservation}`, { key: org.admin }))).toMatchObject({
      reserved: '10.00',
    });
  });

  it('an import with lines outside is refused naming the rows, and nothing is written', async () => {
    const values = [
      BUDGET[0],
      ['Marketing', 'Travel', '2026-02', '10.00'],
      ['Sales', 'Events', '2026-02', '20.00'],
      ['Legal', 'Travel', '2026-02', '5.00'],
    ];
    const res = await call(t, 'POST', '/api/excel/import', {
      key: await april(),
      json: { sheetName: 'Budget', values, fileName: 'mixed.csv', acceptWarnings: true },
    });
    const body = await expectProblem(res, 403, 'department.forbidden');
    expect(body.rows).toEqual([
      { department: 'Sales', rows: [3] },
      { department: 'Legal', rows: [4] },
    ]);
    expect(body.detail).toContain('"Sales" (rows 3)');
    const all = await jsonOf(await call(t, 'GET', '/api/budgets?period=2026-02', { key: org.admin }));
    expect(all.lines).toEqual([]);
    // Inside their departments it goes ahead, and history records the person.
    const ok = await call(t, 'POST', '/api/excel/import', {
      key: await april(),
      json: {
        sheetName: 'Budget',
        values: [BUDGET[0], ['Marketing', 'Travel', '2026-02', '10.00']],
        fileName: 'mine.csv',
        acceptWarnings: true,
      },
    });
    expect(ok.status).toBe(201);
    const id = (await jsonOf(ok)).importId as string;
    expect(await jsonOf(await call(t, 'GET', `/api/imports/${id}`, { key: org.admin }))).toMatchObject({ actor: 'april@example.com' });
  });

  it("history shows only imports within their departments (and their own); another department's import is not found", async () => {
    const list = await jsonOf(await call(t, 'GET', '/api/imports/history', { key: await april() }));
    const names = (list.imports as Array<{ fileName: string }>).map((i) => i.fileName);
    expect(names).toContain('mine.csv');
    expect(names).not.toContain('sales.csv');
    expect(names).not.toContain('fy26.csv');
    await expectProblem(await call(t, 'GET', `/api/imports/${salesImportId}`, { key: await april() }), 404, 'import.not_found');
    await expectProblem(
      await call(t, 'POST', `/api/imports/${salesImportId}/revert`, { key: await april(), json: {} }),
      404,
      'import.not_found',
    );
    const everything = await jsonOf(await call(t, 'GET', '/api/imports/history', { key: org.admin }));
    expect((everything.imports as Array<{ fileName: string }>).map((i) => i.fileName)).toEqual(
      expect.arrayContaining(['sales.csv', 'fy26.csv']),
    );
  });
});

describe('audit: changes record the person (or key) who made them', () => {
  it('settings and data sources say who changed them last, over the API', async () => {
    const ada = await idToken({ email: 'ada@example.com' });
    await call(t, 'PUT', '/api/settings', { key: ada, json: { controlLevel: 'warn' } });
    expect(await jsonOf(await call(t, 'GET', '/api/settings', { key: ada }))).toMatchObject({
      controlLevel: 'warn',
      updatedBy: 'ada@example.com',
    });
    await call(t, 'PUT', '/api/settings', { key: org.admin, json: { controlLevel: 'block' } });
    expect(await jsonOf(await call(t, 'GET', '/api/settings', { key: ada }))).toMatchObject({ updatedBy: 'admin' });

    const created = await call(t, 'POST', '/api/sources', {
      key: ada,
      json: { type: 's3', config: { bucket: 'budget-drop', region: 'eu-west-1', accessKeyId: 'AKIA' }, secrets: { secretAccessKey: 'x' } },
    });
    expect(created.status).toBe(201);
    const source = await jsonOf(created);
    expect(source.updatedBy).toBe('ada@example.com');
    const changed = await jsonOf(await call(t, 'PATCH', `/api/sources/${source.id}`, { key: org.admin, json: { name: 'Drop folder' } }));
    expect(changed).toMatchObject({ name: 'Drop folder', updatedBy: 'admin' });
  });

  it('a reservation and its moves record the person', async () => {
    const april = await idToken({ email: 'april@example.com' });
    const r = await call(t, 'POST', '/api/budget/reservations', {
      key: april,
      json: { department: 'Marketing', category: 'Travel', period: '2026-01', amount: '1.00' },
    });
    expect(r.status).toBe(201);
    const id = (await jsonOf(r)).id as string;
    await call(t, 'POST', `/api/budget/reservations/${id}/commit`, { key: april, json: {} });
    const actors = await db.pool.query<{ actor: string }>('SELECT DISTINCT actor FROM utilization_entries WHERE reservation_id = $1', [id]);
    expect(actors.rows.map((a) => a.actor)).toEqual(['april@example.com']);
  });
});

describe('keys for machines', () => {
  it("a person mints a key with at most their role's scopes, and the key records who made it", async () => {
    const ed = await idToken({ email: 'ed@example.com' }); // editor
    const made = await call(t, 'POST', '/api/keys', { key: ed, json: { name: 'nightly import', scopes: ['imports:write'] } });
    expect(made.status).toBe(201);
    const key = await jsonOf(made);
    expect(key).toMatchObject({ name: 'nightly import', scopes: ['imports:write'], createdBy: 'ed@example.com' });
    expect(key.apiKey).toMatch(/^bsk_/);
    expect((await call(t, 'GET', '/api/imports/history', { key: key.apiKey as string })).status).toBe(403); // imports:write only
    const beyond = await expectProblem(
      await call(t, 'POST', '/api/keys', { key: ed, json: { name: 'too much', scopes: ['imports:write', 'budget:reserve'] } }),
      403,
      'auth.forbidden',
    );
    expect(beyond.detail).toContain('may not give a key budget:reserve');
    const listed = await jsonOf(await call(t, 'GET', '/api/keys', { key: await idToken({ email: 'ada@example.com' }) }));
    const row = (listed.keys as Array<Record<string, unknown>>).find((k) => k.name === 'nightly import');
    expect(row).toMatchObject({ createdBy: 'ed@example.com' });
    expect(JSON.stringify(listed)).not.toContain(key.apiKey as string);
  });

  it('a person limited to departments, and a key without admin, may not mint keys; an admin key may', async () => {
    await expectProblem(
      await call(t, 'POST', '/api/keys', {
        key: await idToken({ email: 'april@example.com' }),
        json: { name: 'x', scopes: ['budget:read'] },
      }),
      403,
      'auth.forbidden',
    );
    await expectProblem(
      await call(t, 'POST', '/api/keys', { key: await org.key('budget:read'), json: { name: 'x', scopes: ['budget:read'] } }),
      403,
      'auth.forbidden',
    );
    const byAdminKey = await jsonOf(
      await call(t, 'POST', '/api/keys', { key: org.admin, json: { name: 'workflow', scopes: ['budget:check', 'budget:reserve'] } }),
    );
    expect(byAdminKey).toMatchObject({ createdBy: 'admin', scopes: ['budget:check', 'budget:reserve'] });
  });
});

describe('rate limits on failed token checks', () => {
  it('a client sending ID tokens that do not verify gets 429 after the limit; a valid token from it still works', async () => {
    const limited = createApp({
      database: async () => ({ db, release: async () => {} }),
      config: {
        ...DEFAULT_CONFIG,
        authCacheMs: 0,
        authFailureLimit: 3,
        googleIdTokens: { clientIds: [CLIENT_ID], issuer: ISSUER, jwksUrl },
      },
      clientAddress: () => '203.0.113.50',
    });
    const me = (token: string) => limited.request('/api/me', { headers: { authorization: `Bearer ${token}` } });
    const expired = await idToken({ iat: now() - 7200, exp: now() - 120 });
    const statuses: number[] = [];
    for (let i = 0; i < 5; i++) statuses.push((await me(expired)).status);
    expect(statuses).toEqual([401, 401, 401, 429, 429]);
    const limitedAnswer = await expectProblem(await me(expired), 429, 'auth.rate_limited');
    expect(limitedAnswer.detail).toContain('identity token');
    expect((await me(await idToken())).status).toBe(200);
  });
});
