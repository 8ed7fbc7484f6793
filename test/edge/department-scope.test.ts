/**
 * Every endpoint × role × department scope on Node (issue 15): the matrix of test/support/department-matrix.ts
 * run against the real app, each person limited to Marketing and signed in with a Google ID token verified
 * against a JWKS on 127.0.0.1. test/workers/people.test.ts runs the same matrix inside workerd.
 */
import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkDepartmentScopes, checkHealthSaysNothing, type Role } from '../support/department-matrix.ts';
import { type DepartmentWorld, prepareDepartmentWorld } from '../support/department-world.ts';
import { idToken, type JwksServer, type SigningKey, serveJwks, signingKey } from '../support/id-tokens.ts';
import { freshDatabase } from '../support/postgres.ts';
import { call, type TestApp, testApp } from './helpers.ts';

process.env.BUDGET_SYNC_SECRET_KEY ??= randomBytes(32).toString('base64');
const db = await freshDatabase();
const TOKENS = { aud: 'matrix-addon.apps.example.com', iss: 'https://accounts.matrix.test' };

let jwks: JwksServer;
let key: SigningKey;
let t: TestApp;
let world: DepartmentWorld;

beforeAll(async () => {
  key = await signingKey('m1');
  jwks = await serveJwks([key], ['m1']);
  t = testApp(db, { googleIdTokens: { clientIds: [TOKENS.aud], issuer: TOKENS.iss, jwksUrl: jwks.url('node') } });
  world = await prepareDepartmentWorld(db, (path, init) => Promise.resolve(t.app.request(path, init)), 'node.example');
});

afterAll(async () => {
  await jwks?.close();
});

const tokenOf = (role: Role) => idToken(key, TOKENS, { email: world.people[role] });

describe('department scope on every endpoint, on Node', () => {
  it('every operation × role, each person limited to Marketing: allowed and filtered, checked, refused, or 403 by role', async () => {
    const checked = await checkDepartmentScopes((method, path, o = {}) => call(t, method, path, o), world, tokenOf);
    expect(checked).toBe(29 * 4);
    expect(t.unexpected).toEqual([]);
  });

  it('the docs page says, for each operation, what a person limited to departments gets', async () => {
    const page = await (await call(t, 'GET', '/api/docs')).text();
    for (const scope of ['filtered', 'checked', 'whole-org', 'none']) expect(page).toContain(`Departments (<code>${scope}</code>)`);
    expect(page).toContain('This concerns the whole organization: a person limited to departments is refused');
  });

  it('the public health check says nothing of any department', async () => {
    await checkHealthSaysNothing((method, path, o = {}) => call(t, method, path, o), await tokenOf('admin'));
  });
});
