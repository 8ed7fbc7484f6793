/**
 * The spreadsheet endpoints take the values a file lacks (issue 12): `set` — a JSON object in a JSON body,
 * JSON text in a multipart field, as `mappingOverrides` — reaches the engine as `--set` does (the same
 * analysis as the CLI's), each wrong value is refused naming its field, and an import records the values
 * in its history. Columns mapped to the direction or a dimension are remembered like any other override
 * and read the next upload of the layout the same way.
 */
import { type Analysis, analyzeWorkbook } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { call, csvUpload, type Doc, expectProblem, footprint, jsonOf, newOrg, type TestApp, type TestOrg, testApp } from './helpers.ts';

const db = await freshDatabase();
const t: TestApp = testApp(db);

/** One unit's grant budget: no department column, years counted from the first. */
const GRANT = ['Research Office grant', 'Category,Year 1,Year 2', 'Travel,100.00,200.00', 'Equipment,50.00,75.50'].join('\n');
const GRANT_FILE = 'grant.csv';

let org: TestOrg;
let reader: string;

beforeAll(async () => {
  org = await newOrg(db);
  reader = await org.key('imports:read');
});

const lineView = (a: Analysis) => a.lines.map((l) => [l.department, l.category, l.period, l.amount]);

describe('set: values the file lacks', () => {
  it('without them, the analysis proposes the department and the first year, with warnings that say so', async () => {
    const body = await jsonOf(await call(t, 'POST', '/api/excel/analyze', { key: reader, body: csvUpload(GRANT, GRANT_FILE) }));
    const a = body.analysis as Analysis;
    expect(a.department).toEqual({ value: 'Research Office grant', source: 'the title above the table' });
    expect(a.set).toEqual({});
    const issues = body.issues as { code: string; field?: string }[];
    expect(issues).toContainEqual(expect.objectContaining({ code: 'department.proposed', field: 'department' }));
    expect(issues).toContainEqual(expect.objectContaining({ code: 'period.relative_year', field: 'fiscal_year' }));
  });

  it('a multipart upload and Sheets values with the same set give the CLI analysis for it, and write nothing', async () => {
    const set = { department: ' Labs ', fiscal_year: 'FY2025', currency: 'chf' };
    const cli = analyzeWorkbook(readWorkbook(new TextEncoder().encode(GRANT), GRANT_FILE), { set });
    expect(lineView(cli)).toEqual([
      ['Labs', 'Travel', 'FY2025', '100.00'],
      ['Labs', 'Travel', 'FY2026', '200.00'],
      ['Labs', 'Equipment', 'FY2025', '50.00'],
      ['Labs', 'Equipment', 'FY2026', '75.50'],
    ]);
    const before = await footprint(db, org.orgId);
    const upload = await jsonOf(
      await call(t, 'POST', '/api/excel/analyze', { key: reader, body: csvUpload(GRANT, GRANT_FILE, { set: JSON.stringify(set) }) }),
    );
    const rows = GRANT.split('\n').map((r) => r.split(','));
    const values = await jsonOf(
      await call(t, 'POST', '/api/excel/analyze', { key: reader, json: { sheetName: 'Grant', fileName: GRANT_FILE, values: rows, set } }),
    );
    for (const body of [upload, values]) {
      const a = body.analysis as Analysis;
      expect(lineView(a)).toEqual(lineView(cli));
      expect(a.stats.total).toBe(cli.stats.total);
      expect(a.set).toEqual({ department: 'Labs', fiscal_year: '2025', currency: 'CHF' });
      expect(a.department).toEqual({ value: 'Labs', source: 'what you set' });
      expect(a.currency).toEqual({ value: 'CHF', source: 'what you set' });
      expect(a.issues.map((i) => i.code)).toEqual(cli.issues.map((i) => i.code));
      expect(a.issues.map((i) => i.code)).not.toContain('department.proposed');
      const diff = body.diff as { inserted: Doc[] };
      expect(diff.inserted[0]).toMatchObject({ department: 'Labs', period: 'FY2025', currency: 'CHF' });
    }
    expect(await footprint(db, org.orgId)).toEqual(before);
  });

  it('each wrong value is 400 request.invalid naming its field, in both kinds of body', async () => {
    const wrong = { fiscal_year: '20x6', currency: 'EURO', direction: 'both', department: '' };
    const form = await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', { key: reader, body: csvUpload(GRANT, GRANT_FILE, { set: JSON.stringify(wrong) }) }),
      400,
      'request.invalid',
    );
    const expected = [
      { in: 'body', path: 'set.department', message: 'needs a value, such as Marketing' },
      { in: 'body', path: 'set.fiscal_year', message: 'must be a year such as 2026 or FY2026, not "20x6"' },
      { in: 'body', path: 'set.currency', message: 'must be a three-letter currency code such as EUR, not "EURO"' },
      { in: 'body', path: 'set.direction', message: 'must be expense or revenue, not "both"' },
    ];
    expect(form.errors).toEqual(expected);
    expect(form.detail).toMatch(/^The request is invalid\. set\.department: needs a value/);
    const json = await expectProblem(
      await call(t, 'POST', '/api/excel/import', {
        key: org.admin,
        json: { sheetName: 'Grant', values: [['Category', 'Amount']], set: wrong },
      }),
      400,
      'request.invalid',
    );
    expect(json.errors).toEqual(expected);
    // A field it cannot set, and JSON text that is not JSON.
    const unknown = await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', { key: reader, json: { sheetName: 'S', values: [['a']], set: { colour: 'red' } } }),
      400,
      'request.invalid',
    );
    expect(unknown.errors).toEqual([expect.objectContaining({ path: 'set', message: expect.stringMatching(/colour/) })]);
    const notJson = await expectProblem(
      await call(t, 'POST', '/api/excel/analyze', { key: reader, body: csvUpload(GRANT, GRANT_FILE, { set: 'department=Labs' }) }),
      400,
      'request.invalid',
    );
    expect(notJson.errors).toEqual([{ in: 'body', path: 'set', message: 'must be JSON text' }]);
  });

  it('an import with set lands those lines and records the values: the import and the history list show them', async () => {
    const importer = await newOrg(db, 'Importer');
    const res = await call(t, 'POST', '/api/excel/import', {
      key: importer.admin,
      body: csvUpload(GRANT, GRANT_FILE, { set: JSON.stringify({ department: 'Labs', fiscal_year: '2025' }), acceptWarnings: 'true' }),
    });
    const result = await jsonOf(res);
    expect({ status: res.status, result }).toMatchObject({ status: 201, result: { status: 'succeeded', counts: { inserted: 4 } } });
    const detail = await jsonOf(await call(t, 'GET', `/api/imports/${result.importId}`, { key: importer.admin }));
    expect(detail.set).toEqual({ department: 'Labs', fiscal_year: '2025' });
    expect((detail.analysis as Doc).set).toEqual({ department: 'Labs', fiscal_year: '2025' });
    const page = await jsonOf(await call(t, 'GET', '/api/imports/history', { key: importer.admin }));
    expect((page.imports as Doc[]).map((i) => i.set)).toEqual([{ department: 'Labs', fiscal_year: '2025' }]);
    const lines = await db.pool.query<{ department: string; period: string }>(
      'SELECT department, period FROM budget_lines WHERE org_id = $1 ORDER BY category, period',
      [importer.orgId],
    );
    expect(lines.rows.map((l) => `${l.department} ${l.period}`)).toEqual(['Labs FY2025', 'Labs FY2026', 'Labs FY2025', 'Labs FY2026']);
  });
});

describe('mapping overrides to the direction and a dimension', () => {
  // Detection keeps "Fund No" and "Fund Title" apart (one fund's name typed two ways) and does not read
  // "Side" as the direction (a row says neither).
  const layout = (parks: string) =>
    [
      'Department,Category,Fund No,Fund Title,Side,Month,Amount',
      `Parks,Salaries,6064,General Fund,Expense,2026-01,${parks}`,
      'Parks,Fees,6064,General fund (GF),Revenue,2026-01,40.00',
      'Parks,Mowing,7010,Grants,n/a,2026-01,7.00',
    ].join('\n');
  const overrides = { 'Fund No': 'dimension:fund', 'Fund Title': 'dimension: Fund', Side: 'direction' };

  it('are remembered once an import goes ahead with them, and read the next upload of the layout the same way', async () => {
    const mapper = await newOrg(db, 'Dimension mapper');
    const first = await call(t, 'POST', '/api/excel/import', {
      key: mapper.admin,
      body: csvUpload(layout('100.00'), 'funds.csv', { mappingOverrides: JSON.stringify(overrides), acceptWarnings: 'true' }),
    });
    expect(first.status).toBe(201);
    const memory = await db.pool.query('SELECT header, field FROM remembered_mappings WHERE org_id = $1 ORDER BY header', [mapper.orgId]);
    expect(memory.rows).toEqual([
      { header: 'fund no', field: 'dimension:fund' },
      { header: 'fund title', field: 'dimension:fund' },
      { header: 'side', field: 'direction' },
    ]);
    const body = await jsonOf(
      await call(t, 'POST', '/api/excel/analyze', { key: mapper.admin, body: csvUpload(layout('120.00'), 'funds-february.csv') }),
    );
    const a = body.analysis as Analysis;
    expect(a.mapping.filter((m) => m.method === 'remembered').map((m) => [m.header, m.field, m.dimension ?? null, m.role ?? null])).toEqual(
      [
        ['Fund Title', 'dimension', 'fund', null],
        ['Side', 'direction', null, null],
        ['Fund No', 'dimension', 'fund', 'code'],
      ],
    );
    expect(a.lines.map((l) => [l.category, l.codes, l.direction])).toEqual([
      ['Salaries', { fund: '6064' }, 'expense'],
      ['Fees', { fund: '6064' }, 'revenue'],
      ['Mowing', { fund: '7010' }, 'expense'],
    ]);
    expect((body.diff as { counts: Doc }).counts).toEqual({ inserted: 0, updated: 1, unchanged: 2, removed: 0 });
  });

  it('logged no unexpected error', () => {
    expect(t.unexpected).toEqual([]);
  });
});
