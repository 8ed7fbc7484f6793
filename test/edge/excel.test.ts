/**
 * The spreadsheet endpoints: analyze (multipart upload or Google Sheets values) gives the same analysis
 * as the CLI for the same file, plus the diff against the stored budget, and writes nothing; import lands
 * the file (201), says when nothing changed (200), refuses with the result (422), remembers the mapping
 * overrides it used; the history lists it and revert undoes it.
 */
import * as XLSX from '@e965/xlsx';
import { type Analysis, analyzeWorkbook } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { beforeAll, describe, expect, it } from 'vitest';
import { corpusBytes } from '../support/corpus.ts';
import { freshDatabase } from '../support/postgres.ts';
import {
  call,
  csvUpload,
  type Doc,
  expectProblem,
  fileUpload,
  footprint,
  importRows,
  jsonOf,
  newOrg,
  type TestApp,
  type TestOrg,
  testApp,
} from './helpers.ts';

const db = await freshDatabase();
const t: TestApp = testApp(db);
const FILE = 'budget-wide-fy2026.xlsx';

/** What the CLI prints for the same file: `budget-sync analyze` is analyzeWorkbook(readWorkbook(bytes)). */
function essentials(a: Pick<Analysis, 'kind' | 'headerRow' | 'mapping' | 'lines' | 'stats' | 'layout' | 'sheet'>) {
  return {
    kind: a.kind.kind,
    headerRow: a.headerRow,
    layout: a.layout,
    sheet: a.sheet,
    mapping: a.mapping.map((m) => ({ field: m.field, column: m.column, header: m.header })),
    lines: a.lines.length,
    total: a.stats.total,
  };
}

/** The sheet's values as Apps Script returns them (getValues / getDisplayValues), after JSON transport. */
function sheetValues(bytes: Uint8Array, sheet: string) {
  const wb = XLSX.read(bytes, { type: 'array', cellDates: true, dense: true });
  const ws = wb.Sheets[sheet];
  if (!ws) throw new Error(`no sheet ${sheet}`);
  const values = XLSX.utils.sheet_to_json<unknown[]>(ws, { header: 1, raw: true, defval: '', blankrows: true });
  const displayValues = XLSX.utils.sheet_to_json<string[]>(ws, { header: 1, raw: false, defval: '', blankrows: true });
  return JSON.parse(JSON.stringify({ sheetName: sheet, values, displayValues, fileName: FILE })) as Doc;
}

let org: TestOrg;
let reader: string;
let writer: string;
let cli: Analysis;

beforeAll(async () => {
  org = await newOrg(db);
  reader = await org.key('imports:read');
  writer = await org.key('imports:write', 'imports:read');
  const bytes = corpusBytes(FILE);
  cli = analyzeWorkbook(readWorkbook(bytes, FILE));
});

describe('analyze', () => {
  it('an xlsx upload gives the CLI analysis, an all-insert diff, and writes nothing', async () => {
    const before = await footprint(db, org.orgId);
    const res = await call(t, 'POST', '/api/excel/analyze', { key: reader, body: fileUpload(corpusBytes(FILE), FILE) });
    expect(res.status).toBe(200);
    const body = await jsonOf(res);
    const analysis = body.analysis as Analysis;
    expect(essentials(analysis)).toEqual(essentials(cli));
    expect(analysis.file).toBe(FILE);
    expect(body.importable).toBe(true);
    const diff = body.diff as { counts: Doc; inserted: unknown[]; updated: unknown[]; removed: unknown[] };
    expect(diff.counts).toEqual({ inserted: cli.lines.length, updated: 0, unchanged: 0, removed: 0 });
    expect(diff.inserted).toHaveLength(Math.min(100, cli.lines.length));
    expect(diff.inserted[0]).toEqual(expect.objectContaining({ department: cli.lines[0]?.department, amount: cli.lines[0]?.amount }));
    expect(await footprint(db, org.orgId)).toEqual(before);
  });

  it('Google Sheets values of the same sheet give the same analysis as the CLI', async () => {
    const res = await call(t, 'POST', '/api/excel/analyze', { key: reader, json: sheetValues(corpusBytes(FILE), cli.sheet as string) });
    expect(res.status).toBe(200);
    const analysis = (await jsonOf(res)).analysis as Analysis;
    expect(essentials(analysis)).toEqual(essentials(cli));
    expect(analysis.format).toBe('sheets');
  });

  it('says why a file that is not a budget would be refused', async () => {
    const res = await call(t, 'POST', '/api/excel/analyze', {
      key: reader,
      body: fileUpload(corpusBytes('payroll-jan.csv'), 'payroll-jan.csv'),
    });
    const body = await jsonOf(res);
    expect(res.status).toBe(200);
    expect(body).toMatchObject({ importable: false, reason: expect.stringMatching(/not a budget/) });
    expect((body.issues as Array<{ code: string }>).map((i) => i.code)).toContain('kind.mismatch');
  });
});

describe('import, history, revert', () => {
  let importId: string;

  it('imports an upload (201), recording source api and the key name as actor', async () => {
    const res = await call(t, 'POST', '/api/excel/import', { key: writer, body: fileUpload(corpusBytes(FILE), FILE) });
    const body = await jsonOf(res);
    expect(res.status).toBe(201);
    expect(body).toMatchObject({ status: 'succeeded', counts: { inserted: cli.lines.length, updated: 0, removed: 0 }, reason: null });
    importId = body.importId as string;
    const detail = await jsonOf(await call(t, 'GET', `/api/imports/${importId}`, { key: reader }));
    expect(detail).toMatchObject({
      id: importId,
      source: 'api',
      actor: 'key-imports:write+imports:read',
      fileName: FILE,
      status: 'succeeded',
    });
    expect(detail.fileKeptUntil).toEqual(expect.any(String));
  });

  it('the same content again changes nothing (200 no_changes), also sent as Sheets values', async () => {
    const res = await call(t, 'POST', '/api/excel/import', { key: writer, json: sheetValues(corpusBytes(FILE), cli.sheet as string) });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toMatchObject({ status: 'no_changes', counts: { inserted: 0, updated: 0, unchanged: cli.lines.length } });
    const analyzed = await jsonOf(await call(t, 'POST', '/api/excel/analyze', { key: reader, body: fileUpload(corpusBytes(FILE), FILE) }));
    expect((analyzed.diff as Doc).counts).toEqual({ inserted: 0, updated: 0, unchanged: cli.lines.length, removed: 0 });
  });

  it('refuses a payroll file as 422 import.rejected carrying the result; with overrideKind and a reason the kind check is waived', async () => {
    const rejected = await expectProblem(
      await call(t, 'POST', '/api/excel/import', { key: writer, body: fileUpload(corpusBytes('payroll-jan.csv'), 'payroll-jan.csv') }),
      422,
      'import.rejected',
    );
    expect(rejected).toMatchObject({
      importId: expect.any(String),
      counts: { inserted: 0 },
      reason: expect.stringMatching(/not a budget/),
    });
    expect((rejected.issues as Array<{ code: string }>).map((i) => i.code)).toContain('kind.mismatch');
    // Personal identifiers block whatever the override; the refusal names them.
    const overridden = await expectProblem(
      await call(t, 'POST', '/api/excel/import', {
        key: writer,
        body: fileUpload(corpusBytes('payroll-jan.csv'), 'payroll-jan.csv', { overrideKind: 'true', reason: 'salary plan' }),
      }),
      422,
      'import.rejected',
    );
    expect((overridden.issues as Array<{ code: string }>).map((i) => i.code)).toContain('pii.detected');
    await expectProblem(
      await call(t, 'POST', '/api/excel/import', {
        key: writer,
        body: fileUpload(corpusBytes('payroll-jan.csv'), 'payroll-jan.csv', { overrideKind: 'true' }),
      }),
      400,
      'request.invalid',
    );
  });

  it('lists imports newest first, pages with a cursor, and filters by status, source and dates', async () => {
    const all = await jsonOf(await call(t, 'GET', '/api/imports/history', { key: reader }));
    const imports = all.imports as Array<{ id: string; status: string; source: string }>;
    expect(imports.map((i) => i.status)).toEqual(['rejected', 'rejected', 'no_changes', 'succeeded']);
    expect(all.nextCursor).toBeNull();

    const page1 = await jsonOf(await call(t, 'GET', '/api/imports/history?limit=3', { key: reader }));
    expect((page1.imports as unknown[]).length).toBe(3);
    const page2 = await jsonOf(await call(t, 'GET', `/api/imports/history?limit=3&cursor=${page1.nextCursor}`, { key: reader }));
    expect((page2.imports as Array<{ id: string }>).map((i) => i.id)).toEqual([imports[3]?.id]);
    expect(page2.nextCursor).toBeNull();

    const ok = await jsonOf(await call(t, 'GET', '/api/imports/history?status=succeeded&source=api', { key: reader }));
    expect((ok.imports as Array<{ id: string }>).map((i) => i.id)).toEqual([importId]);
    expect((await jsonOf(await call(t, 'GET', '/api/imports/history?source=cli', { key: reader }))).imports).toEqual([]);
    const today = new Date().toISOString().slice(0, 10);
    expect((await jsonOf(await call(t, 'GET', `/api/imports/history?from=${today}&to=${today}`, { key: reader }))).imports).toHaveLength(4);
    expect((await jsonOf(await call(t, 'GET', '/api/imports/history?to=2000-01-01', { key: reader }))).imports).toEqual([]);
    await expectProblem(await call(t, 'GET', '/api/imports/history?status=great', { key: reader }), 400, 'request.invalid');
    await expectProblem(await call(t, 'GET', '/api/imports/history?cursor=abc', { key: reader }), 400, 'request.invalid');
    await expectProblem(await call(t, 'GET', '/api/imports/history?from=yesterday', { key: reader }), 400, 'request.invalid');
    await expectProblem(await call(t, 'GET', '/api/imports/history?limit=0', { key: reader }), 400, 'request.invalid');
  });

  it('reverts the import; a second revert is 409 import.not_revertible', async () => {
    const res = await call(t, 'POST', `/api/imports/${importId}/revert`, { key: writer });
    expect(res.status).toBe(200);
    expect(await jsonOf(res)).toEqual({ importId, status: 'reverted', counts: { deleted: cli.lines.length, restored: 0, undeleted: 0 } });
    const lines = await jsonOf(await call(t, 'GET', '/api/budgets', { key: org.admin }));
    expect(lines.lines).toEqual([]);
    await expectProblem(await call(t, 'POST', `/api/imports/${importId}/revert`, { key: writer }), 409, 'import.not_revertible');
    await expectProblem(
      await call(t, 'GET', '/api/imports/0197c3b2-5b4e-7c1a-9d10-2f6a1b3c4d5e', { key: reader }),
      404,
      'import.not_found',
    );
    await expectProblem(await call(t, 'POST', '/api/imports/nope/revert', { key: writer }), 404, 'import.not_found');
  });

  it('a revert whose lines have money reserved against them is 409 import.revert_conflict with the conflicts', async () => {
    const id = await importRows(t, org.admin, [['Ops', 'Cloud', '2026-02', '800.00']]);
    const r = await call(t, 'POST', '/api/budget/reservations', {
      key: org.admin,
      json: { department: 'Ops', category: 'Cloud', period: '2026-02', amount: '5' },
    });
    expect(r.status).toBe(201);
    const conflict = await expectProblem(
      await call(t, 'POST', `/api/imports/${id}/revert`, { key: writer }),
      409,
      'import.revert_conflict',
    );
    expect(conflict.conflicts).toEqual([expect.objectContaining({ department: 'Ops', category: 'Cloud', period: '2026-02' })]);
  });
});

describe('mapping overrides', () => {
  const text = ['Department,Category,Month,Zorgl', 'Legal,Fees,2026-01,100.00', 'Legal,Fees,2026-02,200.00'].join('\n');

  it('an override maps a column; once an import goes ahead with it, the org remembers it', async () => {
    const other = await newOrg(db, 'Mapper');
    const overrides = JSON.stringify({ Zorgl: 'amount' });
    const preview = await jsonOf(
      await call(t, 'POST', '/api/excel/analyze', { key: other.admin, body: csvUpload(text, 'z.csv', { mappingOverrides: overrides }) }),
    );
    const mapping = (preview.analysis as Analysis).mapping;
    expect(mapping.find((m) => m.header === 'Zorgl')).toMatchObject({ field: 'amount', method: 'override' });

    const res = await call(t, 'POST', '/api/excel/import', {
      key: other.admin,
      body: csvUpload(text, 'z.csv', { mappingOverrides: overrides, acceptWarnings: 'true' }),
    });
    expect(res.status).toBe(201);
    const again = await jsonOf(await call(t, 'POST', '/api/excel/analyze', { key: other.admin, body: csvUpload(text, 'z.csv') }));
    expect((again.analysis as Analysis).mapping.find((m) => m.header === 'Zorgl')).toMatchObject({ field: 'amount', method: 'remembered' });
  });

  it('bad overrides are 400 request.invalid with the field path', async () => {
    const bad = await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', {
        key: reader,
        body: csvUpload(text, 'z.csv', { mappingOverrides: '{"Zorgl":"money"}' }),
      }),
      400,
      'request.invalid',
    );
    expect(bad.errors).toEqual([expect.objectContaining({ in: 'body', path: 'mappingOverrides.Zorgl' })]);
    await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', { key: reader, body: csvUpload(text, 'z.csv', { mappingOverrides: '{oops' }) }),
      400,
      'request.invalid',
    );
    await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', {
        key: reader,
        json: { sheetName: 'S', values: [['a']], mappingOverrides: { a: 'money' } },
      }),
      400,
      'request.invalid',
    );
  });

  it('logged no unexpected error', () => {
    expect(t.unexpected).toEqual([]);
  });
});
