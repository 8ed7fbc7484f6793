/**
 * Bad input on every endpoint: wrong types, missing fields, malformed JSON, wrong content types, bodies
 * over the limit, corrupt files, too many rows, unknown periods. Each gets a 4xx problem with a stable
 * code, never a 500, and nothing of the organization changes.
 */
import type { Database } from '@budget-sync/db';
import { createApp } from '@budget-sync/edge';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import {
  call,
  csvUpload,
  expectProblem,
  fileUpload,
  footprint,
  importRows,
  newOrg,
  type TestApp,
  type TestOrg,
  testApp,
} from './helpers.ts';

const db = await freshDatabase();
const t: TestApp = testApp(db);
const small: TestApp = testApp(db, { maxBodyBytes: 64 * 1024, maxFileRows: 5 });
let org: TestOrg;
let reservationId: string;
let before: Record<string, number>;

const ID = '{id}';
const JSON_OPS: Array<{ method: string; path: string }> = [
  { method: 'PUT', path: '/api/settings' },
  { method: 'POST', path: '/api/budget/check' },
  { method: 'POST', path: '/api/budget/reservations' },
  { method: 'POST', path: `/api/budget/reservations/${ID}/commit` },
  { method: 'POST', path: `/api/budget/reservations/${ID}/actual` },
  { method: 'POST', path: '/api/excel/analyze' },
  { method: 'POST', path: '/api/excel/import' },
];
const path = (p: string) => p.replace(ID, reservationId);

beforeAll(async () => {
  org = await newOrg(db);
  await importRows(t, org.admin, [['Marketing', 'Travel', '2026-03', '1000.00']]);
  const r = await call(t, 'POST', '/api/budget/reservations', {
    key: org.admin,
    json: { department: 'Marketing', category: 'Travel', period: '2026-03', amount: '10' },
  });
  reservationId = ((await r.json()) as { id: string }).id;
  before = await footprint(db, org.orgId);
});

afterAll(async () => {
  // Nothing any of these requests did changed anything, and none of them was a surprise to the app.
  expect(await footprint(db, org.orgId)).toEqual(before);
  expect([...t.unexpected, ...small.unexpected]).toEqual([]);
});

describe('JSON bodies', () => {
  it('malformed JSON is 400 request.malformed_json everywhere', async () => {
    for (const op of JSON_OPS) {
      for (const body of ['{', '{"amount": 1,}', "{'a': 1}", 'undefined', '\u0000']) {
        const res = await call(t, op.method, path(op.path), { key: org.admin, body, headers: { 'content-type': 'application/json' } });
        await expectProblem(res, 400, 'request.malformed_json');
      }
    }
  });

  it('JSON that is not an object, or has wrong types, is 400 request.invalid with the field paths', async () => {
    for (const op of JSON_OPS) {
      for (const json of [[], 'text', 42, null, true]) {
        await expectProblem(await call(t, op.method, path(op.path), { key: org.admin, json }), 400, 'request.invalid');
      }
    }
    const cases: Array<[string, string, unknown, string[]]> = [
      ['PUT', '/api/settings', { controlLevel: 3, overrides: 'none' }, ['controlLevel', 'overrides']],
      [
        'PUT',
        '/api/settings',
        { overrides: [{ department: 1, controlLevel: 'block', extra: true }] },
        ['overrides.0.department', 'overrides.0'],
      ],
      ['POST', '/api/budget/check', { department: 7, category: ['x'], amount: {} }, ['department', 'category', 'amount']],
      ['POST', '/api/budget/check', { department: 'M', category: 'T', amount: '1', period: 202603 }, ['period']],
      ['POST', '/api/budget/reservations', { department: 'M', category: 'T', amount: true, reference: 5 }, ['amount', 'reference']],
      ['POST', `/api/budget/reservations/${ID}/commit`, { amount: [1] }, ['amount']],
      ['POST', `/api/budget/reservations/${ID}/actual`, { amount: null }, ['amount']],
      ['POST', '/api/excel/analyze', { sheetName: 'S', values: 'a,b' }, ['values']],
      ['POST', '/api/excel/analyze', { sheetName: 'S', values: [[{ a: 1 }]] }, ['values.0.0']],
      [
        'POST',
        '/api/excel/import',
        { sheetName: 'S', values: [['a']], mode: 'overwrite', acceptWarnings: 'yes' },
        ['mode', 'acceptWarnings'],
      ],
    ];
    for (const [method, p, json, paths] of cases) {
      const body = await expectProblem(await call(t, method, path(p), { key: org.admin, json }), 400, 'request.invalid');
      const got = (body.errors as Array<{ path: string; in: string }>).map((e) => e.path);
      expect(got, `${method} ${p}`).toEqual(expect.arrayContaining(paths));
      expect((body.errors as Array<{ in: string }>).every((e) => e.in === 'body')).toBe(true);
    }
  });

  it('missing required fields are 400 request.invalid naming each one', async () => {
    const missing: Array<[string, string, string[]]> = [
      // A category is optional: without one, the question is about the roll-up of the department.
      ['POST', '/api/budget/check', ['department', 'amount']],
      ['POST', '/api/budget/reservations', ['department', 'amount']],
      ['POST', `/api/budget/reservations/${ID}/actual`, ['amount']],
    ];
    for (const [method, p, fields] of missing) {
      for (const c of [{ json: {} }, { body: '', headers: { 'content-type': 'application/json' } }, {}]) {
        const body = await expectProblem(await call(t, method, path(p), { key: org.admin, ...c }), 400, 'request.invalid');
        expect((body.errors as Array<{ path: string }>).map((e) => e.path)).toEqual(fields);
      }
    }
    for (const p of ['/api/excel/analyze', '/api/excel/import']) {
      await expectProblem(await call(t, 'POST', p, { key: org.admin }), 400, 'request.invalid');
      await expectProblem(await call(t, 'POST', p, { key: org.admin, json: {} }), 400, 'request.invalid');
      await expectProblem(await call(t, 'POST', p, { key: org.admin, body: new FormData() }), 400, 'request.invalid');
    }
  });

  it('a body in a content type the operation does not take is 415; a broken multipart body is 400', async () => {
    for (const op of JSON_OPS) {
      const res = await call(t, op.method, path(op.path), {
        key: org.admin,
        body: 'department=M',
        headers: { 'content-type': 'text/plain' },
      });
      await expectProblem(res, 415, 'request.unsupported_media_type');
    }
    const broken = await call(t, 'POST', '/api/excel/analyze', {
      key: org.admin,
      body: '--x\r\nContent-Disposition: form-data; name="file"\r\n\r\nabc',
      headers: { 'content-type': 'multipart/form-data; boundary=x' },
    });
    await expectProblem(broken, 400, 'request.malformed_form');
  });

  it('an over-long Idempotency-Key is 400 with the header named', async () => {
    const body = await expectProblem(
      await call(t, 'POST', '/api/budget/reservations', {
        key: org.admin,
        json: { department: 'Marketing', category: 'Travel', period: '2026-03', amount: '1' },
        headers: { 'Idempotency-Key': 'k'.repeat(201) },
      }),
      400,
      'request.invalid',
    );
    expect(body.errors).toEqual([expect.objectContaining({ in: 'header', path: 'Idempotency-Key' })]);
  });
});

describe('values the domain refuses', () => {
  const ask = { department: 'Marketing', category: 'Travel', amount: '1' };

  it('unknown periods and dates are 422 period.invalid on check, reserve and the budget reads', async () => {
    for (const when of [{ period: '2026-13' }, { period: 'Q5 2026' }, { date: '2026-02-30' }, { period: '2026-03', date: '2026-03-01' }]) {
      await expectProblem(await call(t, 'POST', '/api/budget/check', { key: org.admin, json: { ...ask, ...when } }), 422, 'period.invalid');
      await expectProblem(
        await call(t, 'POST', '/api/budget/reservations', { key: org.admin, json: { ...ask, ...when } }),
        422,
        'period.invalid',
      );
    }
    await expectProblem(await call(t, 'GET', '/api/budgets?period=2026-13', { key: org.admin }), 422, 'period.invalid');
    await expectProblem(await call(t, 'GET', '/api/budgets/summary?period=soon', { key: org.admin }), 422, 'period.invalid');
  });

  it('bad amounts and names are 422 with their codes', async () => {
    for (const amount of ['-5', '0', '1.234', '1.005', 'ten', '12%', '$ten', 0.001]) {
      await expectProblem(
        await call(t, 'POST', '/api/budget/reservations', { key: org.admin, json: { ...ask, period: '2026-03', amount } }),
        422,
        'amount.invalid',
      );
    }
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: org.admin, json: { ...ask, department: '  ' } }),
      422,
      'input.invalid',
    );
    await expectProblem(
      await call(t, 'POST', '/api/budget/check', { key: org.admin, json: { ...ask, currency: 'dollars' } }),
      422,
      'input.invalid',
    );
    await expectProblem(
      await call(t, 'POST', `/api/budget/reservations/${reservationId}/commit`, { key: org.admin, json: { amount: '-1' } }),
      422,
      'amount.invalid',
    );
  });

  it('amounts over 999,999,999,999.99 are 422 amount.invalid naming the limit, in requests and in files', async () => {
    for (const [path, amount] of [
      ['/api/budget/reservations', '9999999999999999.99'],
      ['/api/budget/reservations', '1000000000000.00'],
      [`/api/budget/reservations/${reservationId}/actual`, '9999999999999999.99'],
      [`/api/budget/reservations/${reservationId}/commit`, '1000000000000'],
    ] as const) {
      const body = await expectProblem(
        await call(t, 'POST', path, { key: org.admin, json: { ...ask, period: '2026-03', amount } }),
        422,
        'amount.invalid',
      );
      expect(String(body.detail)).toContain('more than 999,999,999,999.99, the largest amount Budget Sync accepts');
    }
    const csv = 'Department,Category,Month,Budget Amount\nOps,Travel,2026-01,1000000000000.00\nOps,Events,2026-01,999999999999.99';
    const res = await call(t, 'POST', '/api/excel/analyze', { key: org.admin, body: csvUpload(csv, 'huge.csv') });
    expect(res.status).toBe(200);
    const { analysis, importable } = (await res.json()) as {
      analysis: { issues: Array<Record<string, unknown>>; lines: unknown[] };
      importable: boolean;
    };
    expect(importable).toBe(false);
    expect(analysis.lines).toHaveLength(1);
    expect(analysis.issues.filter((i) => i.code === 'amount.invalid')).toMatchObject([
      { severity: 'error', row: 2, column: 4, message: expect.stringContaining('more than 999,999,999,999.99') },
    ]);
  });

  it('a running total past what a column holds is 422 amount.out_of_range, never a 500, and changes nothing', async () => {
    const other = await newOrg(db, 'Overflow');
    await importRows(t, other.admin, [['Ops', 'Travel', '2026-03', '100.00']]);
    await call(t, 'PUT', '/api/settings', { key: other.admin, json: { controlLevel: 'track' } });
    // A line whose reservations already total the most NUMERIC(18,2) holds (as thousands of the largest
    // requests would make it): set directly, as no single request may.
    await db.pool.query(
      `INSERT INTO line_consumption (line_id, org_id, reserved) SELECT id, org_id, 9999999999999999.99 FROM budget_lines WHERE org_id = $1
       ON CONFLICT (line_id) DO UPDATE SET reserved = excluded.reserved`,
      [other.orgId],
    );
    const res = await call(t, 'POST', '/api/budget/reservations', {
      key: other.admin,
      json: { department: 'Ops', category: 'Travel', period: '2026-03', amount: '999999999999.99' },
    });
    const body = await expectProblem(res, 422, 'amount.out_of_range');
    expect(String(body.detail)).toContain('nothing was changed');
    const held = await db.pool.query('SELECT count(*)::int AS n FROM reservations WHERE org_id = $1', [other.orgId]);
    expect(held.rows).toEqual([{ n: 0 }]);
  });

  it('bad query parameters are 400 request.invalid, in the query', async () => {
    for (const q of ['/api/budgets?limit=0', '/api/budgets?limit=abc', '/api/budgets?fiscalYear=twenty', '/api/budgets/summary?by=week']) {
      const body = await expectProblem(await call(t, 'GET', q, { key: org.admin }), 400, 'request.invalid');
      expect((body.errors as Array<{ in: string }>)[0]?.in).toBe('query');
    }
    await expectProblem(await call(t, 'GET', '/api/budgets?cursor=not-one-of-ours', { key: org.admin }), 422, 'input.invalid');
  });
});

describe('files', () => {
  const ZIP = Uint8Array.from([0x50, 0x4b, 0x03, 0x04, ...Array.from({ length: 200 }, (_, i) => (i * 37) % 256)]);
  const files: Array<[string, Uint8Array, string]> = [
    ['empty.csv', new Uint8Array(), 'file.empty'],
    ['broken.xlsx', ZIP, 'file.'],
    ['scan.pdf', new TextEncoder().encode('%PDF-1.7\n...'), 'file.unsupported'],
    ['noise.xls', Uint8Array.from({ length: 4096 }, (_, i) => (i * 131 + 7) % 256), 'file.'],
  ];

  it('corrupt, empty and non-spreadsheet files are 422 with a file.* code, on analyze and import', async () => {
    for (const p of ['/api/excel/analyze', '/api/excel/import']) {
      for (const [name, bytes, code] of files) {
        const res = await call(t, 'POST', p, { key: org.admin, body: fileUpload(bytes, name) });
        const text = await res.text();
        expect({ name, status: res.status }).toEqual({ name, status: 422 });
        const body = JSON.parse(text) as { code: string; file: string };
        expect(body.code.startsWith(code), `${name}: ${body.code}`).toBe(true);
        expect(body.file).toBe(name);
      }
    }
  });

  it('a sheet that is not there is 422 sheet.not_found; Sheets values the reader refuses are 422, non-text display values 400', async () => {
    const csv = 'Department,Category,Month,Budget Amount\nA,B,2026-01,1';
    await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', { key: org.admin, body: csvUpload(csv, 'b.csv', { sheet: 'Nope' }) }),
      422,
      'sheet.not_found',
    );
    await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', { key: org.admin, json: { sheetName: 'S', values: [['a']], displayValues: [[1]] } }),
      400,
      'request.invalid',
    );
    await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', {
        key: org.admin,
        json: { sheetName: 'S', values: [Array.from({ length: 1001 }, () => 1)] },
      }),
      422,
      'file.too_many_columns',
    );
  });

  it('bodies over the limit are 413 request.too_large, files with too many rows 413 file.too_many_rows', async () => {
    const big = 'x'.repeat(100 * 1024);
    await expectProblem(
      await call(small, 'POST', '/api/budget/check', { key: org.admin, json: { department: big, category: 'T', amount: '1' } }),
      413,
      'request.too_large',
    );
    await expectProblem(
      await call(small, 'POST', '/api/excel/import', { key: org.admin, body: csvUpload(big, 'big.csv') }),
      413,
      'request.too_large',
    );
    const rows = ['Department,Category,Month,Budget Amount', ...Array.from({ length: 10 }, (_, i) => `D${i},C,2026-01,1`)].join('\n');
    await expectProblem(
      await call(small, 'POST', '/api/excel/import', { key: org.admin, body: csvUpload(rows, 'rows.csv') }),
      413,
      'file.too_many_rows',
    );
    await expectProblem(
      await call(small, 'POST', '/api/excel/analyze', {
        key: org.admin,
        json: { sheetName: 'S', values: Array.from({ length: 10 }, () => ['a', 1]) },
      }),
      413,
      'file.too_many_rows',
    );
  });
});

describe('NUL characters', () => {
  // Imports write history rows: an organization of their own, so that the footprint check above holds.
  let other: TestOrg;
  beforeAll(async () => {
    other = await newOrg(db, 'NUL test');
  });
  const NUL_CSV =
    'Department,Category,Month,Budget Amount,Notes\nMarketing,Travel,2026-01,100.00,ok\nMar\u0000keting,Events,2026-02,200.00,ok\nSales,Travel,2026-01,50.00,a\u0000b\n';

  it('a NUL in a cell is an error at its row and column in the analysis, and the import is refused (never a 503)', async () => {
    const analyzed = await call(t, 'POST', '/api/excel/analyze', { key: other.admin, body: csvUpload(NUL_CSV, 'nul.csv') });
    expect(analyzed.status).toBe(200);
    const preview = (await analyzed.json()) as {
      importable: boolean;
      analysis: { issues: Array<Record<string, unknown>>; lines: unknown[] };
    };
    expect(preview.importable).toBe(false);
    const nul = preview.analysis.issues.filter((i) => i.code === 'value.invalid_character');
    expect(nul).toMatchObject([
      { severity: 'error', row: 3, column: 1, field: 'department' },
      { severity: 'error', row: 4, column: 5, field: 'notes' },
    ]);
    expect(String(nul[0]?.message)).toMatch(/^cell A3 \(department\) contains a NUL character/);
    expect(JSON.stringify(preview)).not.toContain('\\u0000');

    const imported = await call(t, 'POST', '/api/excel/import', { key: other.admin, body: csvUpload(NUL_CSV, 'nul.csv') });
    const body = await expectProblem(imported, 422, 'import.rejected');
    expect(body.status).toBe(422);
    const history = await db.pool.query<{ status: string; file_name: string }>(
      "SELECT status, file_name FROM import_history WHERE org_id = $1 AND file_name = 'nul.csv'",
      [other.orgId],
    );
    expect(history.rows).toEqual([{ status: 'rejected', file_name: 'nul.csv' }]);
  });

  it('a NUL in the file name or a sheet name is replaced (U+FFFD), never a 500; the import writes its history row', async () => {
    const csv = 'Department,Category,Month,Budget Amount\nOps,Travel,2026-01,10.00';
    const analyzed = await call(t, 'POST', '/api/excel/analyze', { key: other.admin, body: csvUpload(csv, 'bud\u0000get.csv') });
    expect(analyzed.status).toBe(200);
    expect(((await analyzed.json()) as { analysis: { file: string } }).analysis.file).toBe('bud\uFFFDget.csv');
    const imported = await call(t, 'POST', '/api/excel/import', { key: other.admin, body: csvUpload(csv, 'bud\u0000get.csv') });
    expect(imported.status).toBe(201);
    const { importId } = (await imported.json()) as { importId: string };
    const row = await db.pool.query<{ file_name: string }>('SELECT file_name FROM import_history WHERE id = $1', [importId]);
    expect(row.rows).toEqual([{ file_name: 'bud\uFFFDget.csv' }]);

    // A sheet asked for by a name with NUL: not there, said so without the NUL.
    const missing = await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', { key: other.admin, body: csvUpload(csv, 'b.csv', { sheet: 'Bud\u0000get' }) }),
      422,
      'sheet.not_found',
    );
    expect(String(missing.detail)).toContain('"Bud\uFFFDget"');
    // Sheets values whose sheet (and so file) name holds a NUL: imported under the replaced name.
    const values = {
      sheetName: 'FY\u00002026',
      values: [
        ['Department', 'Category', 'Month', 'Budget Amount'],
        ['Ops', 'Events', '2026-02', 5],
      ],
    };
    const fromSheets = await call(t, 'POST', '/api/excel/import', { key: other.admin, json: values });
    expect(fromSheets.status).toBe(201);
    const sheetsImport = (await fromSheets.json()) as { importId: string };
    const sheetsRow = await db.pool.query<{ file_name: string }>('SELECT file_name FROM import_history WHERE id = $1', [
      sheetsImport.importId,
    ]);
    expect(sheetsRow.rows).toEqual([{ file_name: 'FY\uFFFD2026' }]);
  });
});

describe('routes', () => {
  it('unknown routes and methods are 404 route.not_found, with or without a key', async () => {
    for (const [method, p] of [
      ['GET', '/api/nothing'],
      ['GET', '/'],
      ['DELETE', '/api/settings'],
      ['POST', '/api/budgets'],
      ['GET', '/api/budget/reservations'],
    ] as const) {
      await expectProblem(await call(t, method, p, { key: org.admin }), 404, 'route.not_found');
      await expectProblem(await call(t, method, p), 404, 'route.not_found');
    }
  });
});

describe('the unexpected', () => {
  it('an unexpected failure is 500 internal without stack or message, and is logged for the operator', async () => {
    const logged: unknown[] = [];
    const app = createApp({
      database: async () => {
        throw new Error('boom: password=hunter2 at /srv/secret.ts:12');
      },
      logger: { error: (_m, cause) => logged.push(cause) },
    });
    const res = await app.request('/api/settings', { headers: { authorization: `Bearer ${org.admin}` } });
    const text = await res.text();
    expect(res.status).toBe(500);
    expect(JSON.parse(text)).toMatchObject({ code: 'internal', status: 500 });
    expect(text).not.toMatch(/boom|hunter2|secret|\.ts|at /);
    expect(logged).toHaveLength(1);
  });

  it('an unreachable database is 503 db.unavailable with Retry-After, also on the health check', async () => {
    const pool = new pg.Pool({ connectionString: 'postgres://nobody:pw@127.0.0.1:1/none', connectionTimeoutMillis: 2_000 });
    const unreachable: Database = { pool, describe: 'nowhere', supportsCopy: true, close: () => pool.end() };
    const app = createApp({ database: async () => ({ db: unreachable, release: async () => {} }), logger: { error: () => {} } });
    try {
      for (const [p, headers] of [
        ['/api/health', {}],
        ['/api/settings', { authorization: `Bearer ${org.admin}` }],
      ] as const) {
        const res = await app.request(p, { headers });
        const body = await expectProblem(res, 503, 'db.unavailable');
        expect(res.headers.get('retry-after')).toBe('5');
        expect(JSON.stringify(body)).not.toMatch(/nobody|pw@|127\.0\.0\.1/);
      }
    } finally {
      await pool.end();
    }
  });
});
