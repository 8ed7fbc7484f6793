/**
 * Authentication and scopes, for every protected operation of the OpenAPI document: no key, a malformed
 * header, an unknown key and a revoked key are 401; a key without the operation's scope is 403; the
 * right scope (or admin) gets through. The public operations need no key.
 */
import { revokeApiKey, SCOPES, type Scope } from '@budget-sync/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { call, expectProblem, jsonOf, newOrg, type TestApp, type TestOrg, testApp } from './helpers.ts';

const db = await freshDatabase();
const t: TestApp = testApp(db);

/** The contract, written out independently of the code: operation → the scopes that each suffice. */
const SCOPE_OF: Record<string, readonly Scope[]> = {
  'GET /api/settings': ['budget:read'],
  'PUT /api/settings': ['admin'],
  'POST /api/budget/check': ['budget:check'],
  'POST /api/budget/reservations': ['budget:reserve'],
  'GET /api/budget/reservations/{id}': ['budget:reserve', 'budget:read'],
  'POST /api/budget/reservations/{id}/commit': ['budget:reserve'],
  'POST /api/budget/reservations/{id}/release': ['budget:reserve'],
  'POST /api/budget/reservations/{id}/actual': ['budget:reserve'],
  'GET /api/budgets': ['budget:read'],
  'GET /api/budgets/summary': ['budget:read'],
  'POST /api/excel/analyze': ['imports:read'],
  'POST /api/excel/import': ['imports:write'],
  'GET /api/imports/history': ['imports:read'],
  'GET /api/imports/{id}': ['imports:read'],
  'POST /api/imports/{id}/revert': ['imports:write'],
  'GET /metrics': ['admin'],
  'GET /api/sources': ['sources:read', 'sources:admin'],
  'POST /api/sources': ['sources:admin'],
  'PATCH /api/sources/{id}': ['sources:admin'],
  'DELETE /api/sources/{id}': ['sources:admin'],
  'POST /api/sources/{id}/sync': ['sources:admin'],
  'GET /api/users': ['admin'],
  'POST /api/users': ['admin'],
  'PATCH /api/users/{email}': ['admin'],
  'DELETE /api/users/{email}': ['admin'],
  'GET /api/users/history': ['admin'],
  'GET /api/keys': ['admin'],
  // Any person (within their role, auth.test's people part in people.test.ts); a key needs admin.
  'POST /api/keys': ['admin'],
};
/** Where the document names a different scope than keys need: people get through by their role. */
const DOCUMENTED_AS: Record<string, string> = { 'POST /api/keys': 'any' };
/** Operations any key (or person) may call: the document says `x-required-scope: any`. */
const ANY_KEY = ['GET /api/me'];
const PUBLIC = ['GET /api/health', 'GET /api/openapi.json', 'GET /api/docs'];

interface Op {
  method: string;
  path: string;
  scope: string | undefined;
}

let ops: Op[] = [];
let org: TestOrg;
const keys = new Map<Scope, string>();

beforeAll(async () => {
  const doc = await jsonOf(await call(t, 'GET', '/api/openapi.json'));
  const paths = doc.paths as Record<string, Record<string, { 'x-required-scope'?: string }>>;
  ops = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => ({ method: method.toUpperCase(), path, scope: op['x-required-scope'] })),
  );
  org = await newOrg(db);
  for (const s of SCOPES) keys.set(s, await org.key(s));
});

const concrete = (path: string) => path.replace('{id}', '0197c3b2-5b4e-7c1a-9d10-2f6a1b3c4d5e').replace('{email}', 'nobody%40example.com');
const send = (op: Op, key?: string) => call(t, op.method, concrete(op.path), { key, ...(op.method === 'GET' ? {} : { json: {} }) });

describe('the contract', () => {
  it('lists every operation, each protected one with the scope the API promises', () => {
    const listed = ops.map((o) => `${o.method} ${o.path}`).sort();
    expect(listed).toEqual([...Object.keys(SCOPE_OF), ...ANY_KEY, ...PUBLIC].sort());
    // (POST /api/keys is in SCOPE_OF with what keys need; the document says `any`.)
    for (const op of ops) {
      const want = SCOPE_OF[`${op.method} ${op.path}`];
      const named = ANY_KEY.includes(`${op.method} ${op.path}`) ? 'any' : (DOCUMENTED_AS[`${op.method} ${op.path}`] ?? want?.join(' or '));
      expect(op.scope, `${op.method} ${op.path}`).toBe(named);
    }
  });
});

describe('without a valid key', () => {
  it('every protected operation answers 401 auth.missing_key without a key, with a challenge', async () => {
    for (const op of ops.filter((o) => o.scope)) {
      const res = await send(op);
      await expectProblem(res, 401, 'auth.missing_key');
      expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
    }
  });

  it('a header that is not "Bearer <key>" is a missing key', async () => {
    for (const authorization of ['Basic dXNlcjpwYXNz', 'Bearer', 'bsk_abc', 'Bearer a b']) {
      const res = await call(t, 'GET', '/api/settings', { headers: { authorization } });
      await expectProblem(res, 401, 'auth.missing_key');
    }
  });

  it('an unknown key answers 401 auth.invalid_key on every protected operation', async () => {
    for (const op of ops.filter((o) => o.scope)) {
      await expectProblem(await send(op, 'bsk_thisKeyDoesNotExistAnywhere00000000000000'), 401, 'auth.invalid_key');
    }
    await expectProblem(await call(t, 'GET', '/api/settings', { key: 'not-even-a-key' }), 401, 'auth.invalid_key');
  });

  it('a revoked key is refused from then on', async () => {
    const key = await org.key('budget:read');
    expect((await call(t, 'GET', '/api/settings', { key })).status).toBe(200);
    await revokeApiKey(db.pool, org.orgId, key.slice(0, 12));
    await expectProblem(await call(t, 'GET', '/api/settings', { key }), 401, 'auth.invalid_key');
  });

  it('the scheme name is case-insensitive', async () => {
    const res = await call(t, 'GET', '/api/settings', { headers: { authorization: `bearer ${org.admin}` } });
    expect(res.status).toBe(200);
  });
});

describe('scopes', () => {
  it('a key gets through exactly the operations its scope allows, and 403 auth.forbidden elsewhere', async () => {
    for (const op of ops.filter((o) => o.scope)) {
      const accepted = SCOPE_OF[`${op.method} ${op.path}`] ?? [];
      const anyKey = ANY_KEY.includes(`${op.method} ${op.path}`);
      for (const scope of SCOPES.filter((s) => s !== 'admin')) {
        const res = await send(op, keys.get(scope));
        const where = `${op.method} ${op.path} with ${scope}`;
        if (anyKey || accepted.includes(scope)) {
          expect([401, 403], where).not.toContain(res.status);
          expect(res.status, where).toBeLessThan(500);
        } else {
          const body = await expectProblem(res, 403, 'auth.forbidden');
          expect(body.requiredScope, where).toBe(accepted.join(' or '));
        }
      }
    }
  });

  it('admin implies every scope', async () => {
    for (const op of ops.filter((o) => o.scope)) {
      const res = await send(op, keys.get('admin'));
      expect([401, 403], `${op.method} ${op.path}`).not.toContain(res.status);
      expect(res.status, `${op.method} ${op.path}`).toBeLessThan(500);
    }
  });

  it('public operations need no key', async () => {
    for (const name of PUBLIC) {
      const [method, path] = name.split(' ') as [string, string];
      expect((await call(t, method, path)).status, name).toBe(200);
    }
  });

  it('logged no unexpected error', () => {
    expect(t.unexpected).toEqual([]);
  });
});
