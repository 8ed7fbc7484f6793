/**
 * Every operation × role × department scope (issue 15), for Node and for workerd alike: each person of
 * the department world (test/support/department-world.ts) is limited to Marketing; for every operation
 * of the OpenAPI document, each role either lacks the scope (403 auth.forbidden), or gets what the
 * operation's `x-department-scope` promises — `filtered` (only Marketing's data: budgets, history,
 * settings' overrides, sources' runs, metrics; another department's item is not found), `checked` (a
 * Sales request is 403 department.forbidden naming it, a file with Sales rows is refused naming the rows
 * and writes nothing; Marketing goes through), `whole-org` (refused: 403) or `none` (the same as for
 * anyone). An operation the document lists without a case here fails the run, so a new endpoint must say
 * what a department-limited person gets from it. Runtime-neutral: it only sends requests.
 */
import { roleScopes, type Scope } from '@budget-sync/db';
import { expect } from 'vitest';
import type { DepartmentWorld } from './department-world.ts';

export type Role = 'viewer' | 'editor' | 'approver' | 'admin';
export const ROLES: readonly Role[] = ['viewer', 'editor', 'approver', 'admin'];
type Doc = Record<string, unknown>;
type DepartmentScope = 'filtered' | 'checked' | 'whole-org' | 'none';

export interface CallOptions {
  key?: string;
  json?: unknown;
}
export type Caller = (method: string, path: string, options?: CallOptions) => Promise<Response>;

interface Ctx {
  call: Caller;
  world: DepartmentWorld;
  role: Role;
  /** The person's bearer (a Google ID token). */
  token: string;
  /** The org's admin key: no department limit, to compare with and to set things up. */
  admin: string;
}

async function body(res: Response, where: string, status: number | number[]): Promise<Doc> {
  const text = await res.text();
  const wanted = Array.isArray(status) ? status : [status];
  expect(wanted, `${where}: answered ${res.status} ${text.slice(0, 300)}`).toContain(res.status);
  return text ? (JSON.parse(text) as Doc) : {};
}

async function problem(res: Response, where: string, status: number, code: string): Promise<Doc> {
  const doc = await body(res, where, status);
  expect(doc.code, `${where}: ${JSON.stringify(doc).slice(0, 300)}`).toBe(code);
  return doc;
}

const HEADER = ['Department', 'Category', 'Month', 'Amount'];
const MIXED = [
  HEADER,
  ['Marketing', 'Travel', '2026-05', '10.00'],
  ['Sales', 'Events', '2026-05', '20.00'],
  ['Legal', 'Travel', '2026-05', '5.00'],
];
const MINE = [HEADER, ['Marketing', 'Travel', '2026-06', '60.00']];
const sheet = (values: string[][], fileName: string) => ({ sheetName: 'Budget', values, fileName, acceptWarnings: true });
const line = (department: string) => ({ department, category: 'Travel', period: '2026-01' });

/** A department outside is refused naming it and the person's departments. */
async function refusedOutside(res: Response, where: string): Promise<void> {
  const doc = await problem(res, where, 403, 'department.forbidden');
  expect(doc.departments, where).toEqual(['Marketing']);
}

async function refusedWholeOrg(c: Ctx, res: Response, where: string): Promise<void> {
  const doc = await problem(res, where, 403, 'department.forbidden');
  expect(doc.detail, where).toContain(`${c.world.people[c.role]} (${c.role}) is limited to departments (Marketing)`);
}

/** A fresh Marketing reservation, made with the admin key. */
async function marketingReservation(c: Ctx): Promise<string> {
  const res = await c.call('POST', '/api/budget/reservations', { key: c.admin, json: { ...line('Marketing'), amount: '2.00' } });
  return (await body(res, 'setup reservation', 201)).id as string;
}

const total = (metrics: string) =>
  metrics
    .split('\n')
    .filter((l) => l.startsWith('budget_sync_imports_total{'))
    .reduce((sum, l) => sum + Number(l.split(' ').at(-1)), 0);

const CASES: Record<string, { scope: DepartmentScope; check: (c: Ctx, where: string) => Promise<void> }> = {
  'GET /api/me': {
    scope: 'none',
    check: async (c, w) => {
      expect(await body(await c.call('GET', '/api/me', { key: c.token }), w, 200)).toMatchObject({
        role: c.role,
        departments: ['Marketing'],
      });
    },
  },
  'GET /api/users': {
    scope: 'none',
    check: async (c, w) => {
      const users = (await body(await c.call('GET', '/api/users', { key: c.token }), w, 200)).users as Doc[];
      expect(users.map((u) => u.email)).toContain(c.world.people.viewer);
    },
  },
  'GET /api/users/history': {
    scope: 'none',
    check: async (c, w) => {
      expect(((await body(await c.call('GET', '/api/users/history', { key: c.token }), w, 200)).changes as Doc[]).length).toBeGreaterThan(
        0,
      );
    },
  },
  'POST /api/users': {
    scope: 'whole-org',
    check: async (c, w) => {
      await refusedWholeOrg(
        c,
        await c.call('POST', '/api/users', { key: c.token, json: { email: `new-${c.role}@example.com`, role: 'admin' } }),
        w,
      );
    },
  },
  'PATCH /api/users/{email}': {
    scope: 'whole-org',
    check: async (c, w) => {
      const self = encodeURIComponent(c.world.people[c.role]);
      // Widening their own limit is the first thing this refusal prevents.
      await refusedWholeOrg(
        c,
        await c.call('PATCH', `/api/users/${self}`, { key: c.token, json: { role: 'admin', departments: null } }),
        w,
      );
      const me = await body(await c.call('GET', '/api/me', { key: c.token }), w, 200);
      expect(me.departments).toEqual(['Marketing']);
    },
  },
  'DELETE /api/users/{email}': {
    scope: 'whole-org',
    check: async (c, w) => {
      await refusedWholeOrg(c, await c.call('DELETE', `/api/users/${encodeURIComponent(c.world.people.viewer)}`, { key: c.token }), w);
    },
  },
  'GET /api/keys': {
    scope: 'none',
    check: async (c, w) => {
      expect((await body(await c.call('GET', '/api/keys', { key: c.token }), w, 200)).keys).toEqual(expect.any(Array));
    },
  },
  'POST /api/keys': {
    // A key has no department limit; the refusal was auth.forbidden before department scopes were named.
    scope: 'whole-org',
    check: async (c, w) => {
      const doc = await problem(
        await c.call('POST', '/api/keys', { key: c.token, json: { name: 'x', scopes: ['budget:read'] } }),
        w,
        403,
        'auth.forbidden',
      );
      expect(doc.detail).toContain('is limited to departments (Marketing)');
    },
  },
  'POST /api/budget/check': {
    scope: 'checked',
    check: async (c, w) => {
      const ask = (department: string) =>
        c.call('POST', '/api/budget/check', { key: c.token, json: { ...line(department), amount: '1.00' } });
      const refused = await problem(await ask('sales'), w, 403, 'department.forbidden');
      expect(refused).toMatchObject({ department: 'sales', departments: ['Marketing'] });
      expect(await body(await ask('Marketing'), w, 200)).toMatchObject({ decision: 'pass', budget: '1000.00' });
    },
  },
  'POST /api/budget/reservations': {
    scope: 'checked',
    check: async (c, w) => {
      const reserve = (department: string) =>
        c.call('POST', '/api/budget/reservations', { key: c.token, json: { ...line(department), amount: '1.00' } });
      await refusedOutside(await reserve('Sales'), w);
      expect(await body(await reserve('Marketing'), w, 201)).toMatchObject({ status: 'held', department: 'Marketing' });
    },
  },
  'GET /api/budget/reservations/{id}': {
    scope: 'checked',
    check: async (c, w) => {
      await refusedOutside(await c.call('GET', `/api/budget/reservations/${c.world.salesReservation}`, { key: c.token }), w);
      expect(
        await body(await c.call('GET', `/api/budget/reservations/${c.world.marketingReservation}`, { key: c.token }), w, 200),
      ).toMatchObject({
        department: 'Marketing',
      });
    },
  },
  'POST /api/budget/reservations/{id}/commit': {
    scope: 'checked',
    check: async (c, w) => {
      await refusedOutside(
        await c.call('POST', `/api/budget/reservations/${c.world.salesReservation}/commit`, { key: c.token, json: {} }),
        w,
      );
      const id = await marketingReservation(c);
      const done = await body(
        await c.call('POST', `/api/budget/reservations/${id}/commit`, { key: c.token, json: { amount: '1.00' } }),
        w,
        200,
      );
      expect(done).toMatchObject({ committed: '1.00', reserved: '1.00' });
    },
  },
  'POST /api/budget/reservations/{id}/release': {
    scope: 'checked',
    check: async (c, w) => {
      await refusedOutside(
        await c.call('POST', `/api/budget/reservations/${c.world.salesReservation}/release`, { key: c.token, json: {} }),
        w,
      );
      const id = await marketingReservation(c);
      expect(await body(await c.call('POST', `/api/budget/reservations/${id}/release`, { key: c.token, json: {} }), w, 200)).toMatchObject({
        reserved: '0.00',
      });
    },
  },
  'POST /api/budget/reservations/{id}/actual': {
    scope: 'checked',
    check: async (c, w) => {
      const actual = (id: string) => c.call('POST', `/api/budget/reservations/${id}/actual`, { key: c.token, json: { amount: '1.50' } });
      await refusedOutside(await actual(c.world.salesReservation), w);
      expect(await body(await actual(await marketingReservation(c)), w, 200)).toMatchObject({ actual: '1.50' });
      // Nothing moved on the Sales reservation.
      expect(
        await body(await c.call('GET', `/api/budget/reservations/${c.world.salesReservation}`, { key: c.admin }), w, 200),
      ).toMatchObject({
        reserved: '10.00',
        committed: '0.00',
        actual: '0.00',
      });
    },
  },
  'GET /api/budgets': {
    scope: 'filtered',
    check: async (c, w) => {
      const departments = async (key: string) =>
        new Set(((await body(await c.call('GET', '/api/budgets', { key }), w, 200)).lines as Doc[]).map((l) => l.department));
      expect(await departments(c.token)).toEqual(new Set(['Marketing']));
      expect(await departments(c.admin)).toEqual(new Set(['Marketing', 'Sales']));
    },
  },
  'GET /api/budgets/summary': {
    scope: 'filtered',
    check: async (c, w) => {
      const keys = async (key: string) =>
        ((await body(await c.call('GET', '/api/budgets/summary?by=department', { key }), w, 200)).rows as Doc[]).map((r) => r.key);
      expect(await keys(c.token)).toEqual(['Marketing']);
      expect(await keys(c.admin)).toEqual(['Marketing', 'Sales']);
    },
  },
  'POST /api/excel/analyze': {
    scope: 'checked',
    check: async (c, w) => {
      const refused = await problem(
        await c.call('POST', '/api/excel/analyze', { key: c.token, json: sheet(MIXED, 'mixed.csv') }),
        w,
        403,
        'department.forbidden',
      );
      expect(refused.rows).toEqual([
        { department: 'Sales', rows: [3] },
        { department: 'Legal', rows: [4] },
      ]);
      expect(await body(await c.call('POST', '/api/excel/analyze', { key: c.token, json: sheet(MINE, 'mine.csv') }), w, 200)).toMatchObject(
        {
          importable: true,
        },
      );
    },
  },
  'POST /api/excel/import': {
    scope: 'checked',
    check: async (c, w) => {
      const refused = await problem(
        await c.call('POST', '/api/excel/import', { key: c.token, json: sheet(MIXED, 'mixed.csv') }),
        w,
        403,
        'department.forbidden',
      );
      expect(refused.detail).toContain('"Sales" (rows 3); "Legal" (rows 4)');
      // Nothing of the refused file was written, not even its Marketing line.
      expect((await body(await c.call('GET', '/api/budgets?period=2026-05', { key: c.admin }), w, 200)).lines).toEqual([]);
      const mine = await body(await c.call('POST', '/api/excel/import', { key: c.token, json: sheet(MINE, 'mine.csv') }), w, [200, 201]);
      expect(['succeeded', 'no_changes']).toContain(mine.status);
    },
  },
  'GET /api/imports/history': {
    scope: 'filtered',
    check: async (c, w) => {
      const ids = async (key: string) =>
        ((await body(await c.call('GET', '/api/imports/history?limit=200', { key }), w, 200)).imports as Doc[]).map((i) => i.id);
      const mine = await ids(c.token);
      expect(mine).toContain(c.world.marketingImport);
      expect(mine).not.toContain(c.world.salesImport);
      expect(mine).not.toContain(c.world.mixedImport);
      expect(await ids(c.admin)).toEqual(expect.arrayContaining([c.world.salesImport, c.world.mixedImport]));
    },
  },
  'GET /api/imports/{id}': {
    scope: 'filtered',
    check: async (c, w) => {
      for (const id of [c.world.salesImport, c.world.mixedImport]) {
        await problem(await c.call('GET', `/api/imports/${id}`, { key: c.token }), w, 404, 'import.not_found');
      }
      expect(await body(await c.call('GET', `/api/imports/${c.world.marketingImport}`, { key: c.token }), w, 200)).toMatchObject({
        fileName: 'marketing-feb.csv',
      });
    },
  },
  'POST /api/imports/{id}/revert': {
    scope: 'filtered',
    check: async (c, w) => {
      await problem(
        await c.call('POST', `/api/imports/${c.world.salesImport}/revert`, { key: c.token, json: {} }),
        w,
        404,
        'import.not_found',
      );
      expect(await body(await c.call('GET', `/api/imports/${c.world.salesImport}`, { key: c.admin }), w, 200)).toMatchObject({
        status: 'succeeded',
      });
      // Their own department's import: the first role with imports:write reverts it, the next are told it was.
      const res = await c.call('POST', `/api/imports/${c.world.marketingImport}/revert`, { key: c.token, json: {} });
      const doc = await body(res, w, [200, 409]);
      if (res.status === 409) expect(doc.code).toBe('import.not_revertible');
      else expect(doc).toMatchObject({ status: 'reverted' });
    },
  },
  'GET /api/settings': {
    scope: 'filtered',
    check: async (c, w) => {
      const overrides = async (key: string) =>
        ((await body(await c.call('GET', '/api/settings', { key }), w, 200)).overrides as Doc[]).map((o) => o.department);
      expect((await overrides(c.token)).sort()).toEqual(['Marketing', null].sort());
      expect(await overrides(c.admin)).toEqual(expect.arrayContaining(['Marketing', 'Sales', null]));
    },
  },
  'PUT /api/settings': {
    scope: 'whole-org',
    check: async (c, w) => {
      await refusedWholeOrg(c, await c.call('PUT', '/api/settings', { key: c.token, json: { controlLevel: 'track' } }), w);
      expect(await body(await c.call('GET', '/api/settings', { key: c.admin }), w, 200)).toMatchObject({ controlLevel: 'block' });
    },
  },
  'GET /api/sources': {
    scope: 'filtered',
    check: async (c, w) => {
      const files = async (key: string) => {
        const sources = (await body(await c.call('GET', '/api/sources', { key }), w, 200)).sources as Doc[];
        const source = sources.find((s) => s.id === c.world.sourceId) as Doc;
        return ((source.lastRun as Doc).files as Doc[]).map((f) => f.name);
      };
      expect(await files(c.token)).toEqual(['marketing-feb.csv']);
      expect(await files(c.admin)).toEqual(['marketing-feb.csv', 'sales-feb.csv', 'sales-broken.csv']);
    },
  },
  'POST /api/sources': {
    scope: 'whole-org',
    check: async (c, w) => {
      const json = { type: 's3', config: { bucket: 'other', region: 'eu-west-1', accessKeyId: 'AKIA' } };
      await refusedWholeOrg(c, await c.call('POST', '/api/sources', { key: c.token, json }), w);
    },
  },
  'PATCH /api/sources/{id}': {
    scope: 'whole-org',
    check: async (c, w) => {
      await refusedWholeOrg(c, await c.call('PATCH', `/api/sources/${c.world.sourceId}`, { key: c.token, json: { name: 'Mine' } }), w);
    },
  },
  'DELETE /api/sources/{id}': {
    scope: 'whole-org',
    check: async (c, w) => {
      await refusedWholeOrg(c, await c.call('DELETE', `/api/sources/${c.world.sourceId}`, { key: c.token }), w);
    },
  },
  'POST /api/sources/{id}/sync': {
    scope: 'whole-org',
    check: async (c, w) => {
      await refusedWholeOrg(c, await c.call('POST', `/api/sources/${c.world.sourceId}/sync`, { key: c.token, json: {} }), w);
    },
  },
  'GET /metrics': {
    scope: 'filtered',
    check: async (c, w) => {
      const metrics = async (key: string) => total(await (await c.call('GET', '/metrics', { key })).text());
      const visible = ((await body(await c.call('GET', '/api/imports/history?limit=200', { key: c.token }), w, 200)).imports as Doc[])
        .length;
      const mine = await metrics(c.token);
      expect(mine).toBe(visible);
      expect(await metrics(c.admin)).toBeGreaterThan(mine);
    },
  },
};

/** Each case's path with its ids filled in, for the calls that only need a refusal by scope. */
function concrete(path: string, world: DepartmentWorld): string {
  return path.replace('{id}', world.marketingReservation).replace('{email}', encodeURIComponent(world.people.viewer));
}

/**
 * Runs the matrix: every operation of the document × every role, each person limited to Marketing.
 * `tokenOf`: the person's bearer. Answers how many combinations were checked.
 */
export async function checkDepartmentScopes(
  call: Caller,
  world: DepartmentWorld,
  tokenOf: (role: Role) => Promise<string>,
): Promise<number> {
  const doc = await body(await call('GET', '/api/openapi.json'), 'openapi', 200);
  const paths = doc.paths as Record<string, Record<string, { 'x-required-scope'?: string; 'x-department-scope'?: string }>>;
  const ops = Object.entries(paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([, op]) => op['x-required-scope'])
      .map(([method, op]) => ({ key: `${method.toUpperCase()} ${path}`, path, method: method.toUpperCase(), op })),
  );
  // Every protected operation has a case, and the case tests what the document promises.
  expect(ops.map((o) => o.key).sort()).toEqual(Object.keys(CASES).sort());
  let checked = 0;
  for (const { key, path, method, op } of ops) {
    const c = CASES[key] as (typeof CASES)[string];
    expect(op['x-department-scope'], key).toBe(c.scope);
    for (const role of ROLES) {
      const token = await tokenOf(role);
      const scopes = roleScopes(role);
      const required = op['x-required-scope'] as string;
      const allowed = required === 'any' || scopes.includes('admin') || required.split(' or ').some((s) => scopes.includes(s as Scope));
      const where = `${key} as a ${role} limited to Marketing`;
      if (allowed) await c.check({ call, world, role, token, admin: world.adminKey }, where);
      else {
        const res = await call(method, concrete(path, world), { key: token, ...(method === 'GET' ? {} : { json: {} }) });
        await problem(res, where, 403, 'auth.forbidden');
      }
      checked++;
    }
  }
  return checked;
}

/** The public health check says nothing of any department: `{ok: true}`, whoever asks. */
export async function checkHealthSaysNothing(call: Caller, token: string): Promise<void> {
  for (const key of [undefined, token]) {
    const res = await call('GET', '/api/health', key ? { key } : {});
    expect(await body(res, 'GET /api/health', 200)).toEqual({ ok: true });
  }
}
