/**
 * Helpers for the API tests: the real app (createApp, the production middleware stack) on a fresh
 * database, organizations with keys of chosen scopes, requests through `app.request()`, and assertions
 * on problem+json answers. Unexpected errors the app logs are collected so a test can prove there were none.
 */
import { type Database, createApiKey, createOrganization, type Scope } from '@budget-sync/db';
import { type AppConfig, createApp, DEFAULT_CONFIG } from '@budget-sync/edge';
import { expect } from 'vitest';

export interface TestApp {
  app: ReturnType<typeof createApp>;
  db: Database;
  /** Errors the app logged as unexpected (the 500s and 503s). */
  unexpected: unknown[];
}

export function testApp(db: Database, config: Partial<AppConfig> = {}): TestApp {
  const unexpected: unknown[] = [];
  const app = createApp({
    database: async () => ({ db, release: async () => {} }),
    // No key cache unless a test asks for one: tests revoke keys and expect the next request to see it.
    config: { ...DEFAULT_CONFIG, authCacheMs: 0, ...config },
    logger: { error: (_message, cause) => unexpected.push(cause) },
  });
  return { app, db, unexpected };
}

export interface TestOrg {
  orgId: string;
  /** The admin key made with the org. */
  admin: string;
  key(...scopes: Scope[]): Promise<string>;
}

export async function newOrg(db: Database, name = 'Acme'): Promise<TestOrg> {
  const { org, apiKey } = await createOrganization(db.pool, { name });
  return {
    orgId: org.id,
    admin: apiKey,
    key: async (...scopes: Scope[]) => (await createApiKey(db.pool, { orgId: org.id, name: `key-${scopes.join('+')}`, scopes })).apiKey,
  };
}

export interface Call {
  key?: string | undefined;
  json?: unknown;
  /** A raw body (with its own content type in headers). */
  body?: BodyInit;
  headers?: Record<string, string>;
}

export async function call(t: TestApp, method: string, path: string, c: Call = {}): Promise<Response> {
  const headers: Record<string, string> = { ...c.headers };
  if (c.key !== undefined) headers.authorization = `Bearer ${c.key}`;
  let body: BodyInit | undefined = c.body;
  if (c.json !== undefined) {
    headers['content-type'] ??= 'application/json';
    body = JSON.stringify(c.json);
  }
  return t.app.request(path, { method, headers, ...(body !== undefined ? { body } : {}) });
}

export type Doc = Record<string, unknown>;

export async function jsonOf(res: Response): Promise<Doc> {
  return (await res.json()) as Doc;
}

/** Asserts a problem+json answer with this status and code; returns its body. */
export async function expectProblem(res: Response, status: number, code: string): Promise<Doc> {
  const text = await res.text();
  expect({ status: res.status, body: text.slice(0, 600) }).toMatchObject({ status });
  expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
  const body = JSON.parse(text) as Doc;
  expect(body).toMatchObject({ status, code, type: `/api/docs#problem-${code}` });
  expect(typeof body.title).toBe('string');
  expect(typeof body.detail).toBe('string');
  return body;
}

export function budgetCsv(rows: ReadonlyArray<readonly [string, string, string, string]>): string {
  return ['Department,Category,Month,Budget Amount', ...rows.map((r) => r.join(','))].join('\n');
}

export function csvUpload(text: string, fileName = 'budget.csv', fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set('file', new File([text], fileName, { type: 'text/csv' }));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

export function fileUpload(bytes: Uint8Array, fileName: string, fields: Record<string, string> = {}): FormData {
  const form = new FormData();
  form.set('file', new File([bytes as Uint8Array<ArrayBuffer>], fileName));
  for (const [k, v] of Object.entries(fields)) form.set(k, v);
  return form;
}

/** Imports budget rows for the key's org through the API; returns the import id. */
export async function importRows(
  t: TestApp,
  key: string,
  rows: ReadonlyArray<readonly [string, string, string, string]>,
  fields: Record<string, string> = {},
): Promise<string> {
  const res = await call(t, 'POST', '/api/excel/import', { key, body: csvUpload(budgetCsv(rows), 'budget.csv', fields) });
  const body = await jsonOf(res);
  expect({ status: res.status, body }).toMatchObject({ status: 201, body: { status: 'succeeded' } });
  return body.importId as string;
}

/** Row counts of everything an org can write, to prove that a refused request wrote nothing. */
export async function footprint(db: Database, orgId: string): Promise<Record<string, number>> {
  const tables = [
    'budget_lines',
    'import_history',
    'import_files',
    'reservations',
    'utilization_entries',
    'remembered_mappings',
    'line_versions',
    'control_overrides',
  ];
  const out: Record<string, number> = {};
  for (const table of tables) {
    const r = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE org_id = $1`, [orgId]);
    out[table] = Number(r.rows[0]?.n);
  }
  const s = await db.pool.query<{ s: string }>(
    `SELECT row(control_level, tolerance_percent, tolerance_amount, missing_budget, control_basis, fiscal_year_start_month)::text AS s
       FROM organizations WHERE id = $1`,
    [orgId],
  );
  out[`settings:${s.rows[0]?.s}`] = 1;
  return out;
}
