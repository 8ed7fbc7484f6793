/**
 * The contract document: /api/openapi.json is valid OpenAPI 3.1 JSON generated from the zod schemas,
 * listing every route the app serves (with its responses and security), and /api/docs shows each
 * operation and each problem code, without any external resource.
 */
import { SCOPES } from '@budget-sync/db';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { call, type Doc, type TestApp, testApp } from './helpers.ts';

const db = await freshDatabase();
const t: TestApp = testApp(db);
let doc: Doc;
let text: string;

beforeAll(async () => {
  const res = await call(t, 'GET', '/api/openapi.json');
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  text = await res.text();
  doc = JSON.parse(text) as Doc;
});

type Operation = { responses: Record<string, { content?: Record<string, { schema?: unknown }> }>; security?: unknown[]; summary?: string };

function operations(): Array<[string, string, Operation]> {
  return Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) =>
    Object.entries(item).map(([method, op]) => [method.toUpperCase(), path, op] as [string, string, Operation]),
  );
}

describe('/api/openapi.json', () => {
  it('is an OpenAPI 3.1 document with bearer auth', () => {
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'Budget Sync API', version: expect.any(String) });
    expect((doc.components as Doc).securitySchemes).toEqual({ bearerAuth: expect.objectContaining({ type: 'http', scheme: 'bearer' }) });
  });

  it('lists every route the app serves, and nothing it does not', () => {
    const served = new Set(t.app.routes.filter((r) => r.method !== 'ALL').map((r) => `${r.method} ${r.path.replace(/:(\w+)/g, '{$1}')}`));
    const documented = new Set(operations().map(([m, p]) => `${m} ${p}`));
    expect([...documented].sort()).toEqual([...served].sort());
    expect(documented.size).toBe(32);
  });

  it('gives each operation a summary, a success response with a schema, and problem responses', () => {
    for (const [method, path, op] of operations()) {
      const where = `${method} ${path}`;
      expect(op.summary, where).toEqual(expect.any(String));
      const success = Object.keys(op.responses).filter((s) => s.startsWith('2'));
      expect(success.length, where).toBeGreaterThan(0);
      for (const [status, r] of Object.entries(op.responses)) {
        const media = Object.keys(r.content ?? {});
        if (status.startsWith('4') || status.startsWith('5')) expect(media, `${where} ${status}`).toEqual(['application/problem+json']);
        for (const m of media) expect(r.content?.[m]?.schema, `${where} ${status}`).toBeDefined();
      }
      if (op.security?.length) expect(Object.keys(op.responses), where).toEqual(expect.arrayContaining(['401', '403']));
    }
  });

  it('describes the request bodies from the zod schemas', () => {
    const schemas = (doc.components as { schemas: Record<string, { properties?: Record<string, unknown>; required?: string[] }> }).schemas;
    expect(schemas.BudgetQuery?.required).toEqual(['department', 'amount']);
    expect(Object.keys(schemas.BudgetQuery?.properties ?? {})).toEqual(expect.arrayContaining(['category', 'project', 'dimensions']));
    expect(Object.keys(schemas.CheckResult?.properties ?? {})).toEqual(
      expect.arrayContaining(['decision', 'budget', 'reserved', 'committed', 'actual', 'available', 'availableAfter', 'tolerance']),
    );
    expect(schemas.Problem?.required).toEqual(['type', 'title', 'status', 'code', 'detail']);
    const upload = (doc.paths as Record<string, Record<string, { requestBody: { content: Record<string, unknown> } }>>)['/api/excel/import']
      ?.post;
    expect(Object.keys(upload?.requestBody.content ?? {}).sort()).toEqual(['application/json', 'multipart/form-data']);
  });
});

describe('/api/docs', () => {
  it('is a self-contained HTML page listing every operation, its scope, and every problem code', async () => {
    const res = await call(t, 'GET', '/api/docs');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await res.text();
    for (const [method, path] of operations()) expect(html).toContain(`${method}</span> <code>${path}</code>`);
    for (const scope of SCOPES) expect(html).toContain(`<code>${scope}</code>`);
    for (const code of ['request.invalid', 'budget.insufficient', 'import.revert_conflict', 'auth.forbidden', 'internal']) {
      expect(html).toContain(`id="problem-${code}"`);
    }
    expect(html).not.toMatch(/<script|https?:\/\/(?!127)/);
  });
});
