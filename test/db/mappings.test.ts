/**
 * Remembered mappings with dimensions and the direction (issue 12): a person's choices — a column is the
 * direction, two columns are one dimension's code and name, a column is ignored — are remembered for the
 * organization and read back, and the next file of the same layout is read the same way without them:
 * the same lines (identity by the twin's code), only the changed amount updated. Also the values a file
 * lacks (`set`), recorded with the import and shown by the history.
 */
import { getImport, listImports, loadRememberedMappings, parseField, rememberMappings } from '@budget-sync/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { analyzeText, error, importText, newOrg } from './helpers.ts';

const db = await freshDatabase();

// A fund whose name was typed two ways (no one-to-one correspondence, so detection keeps two dimensions),
// and a "Side" column that is neither expense nor revenue on some rows (too few for detection).
const layout = (rows: string[]) => ['Department,Category,Fund No,Fund Title,Side,Month,Amount', ...rows].join('\n');
const JANUARY = layout([
  'Parks,Salaries,6064,General Fund,Expense,2026-01,100.00',
  'Parks,Fees,6064,General Fund,Revenue,2026-01,40.00',
  'Parks,Mowing,6064,General fund (GF),n/a,2026-01,7.00',
  'Parks,Salaries,7010,Grants,Expense,2026-01,30.00',
  'Library,Fines,7010,Grants,Revenue,2026-01,5.00',
  'Library,Repairs,7010,Grants,n/a,2026-01,3.00',
]);

describe('remembered mappings', () => {
  it('parses the choices people write, and says what it takes when one is wrong', async () => {
    expect(['Amount', 'direction', 'dimension', 'dimension:Fund', 'ignore', ''].map(parseField)).toEqual([
      'amount',
      'direction',
      'dimension',
      'dimension:fund',
      null,
      null,
    ]);
    const e = await error(Promise.resolve().then(() => parseField('fund')));
    expect(e.code).toBe('input.invalid');
    expect(e.message).toMatch(/"fund" is not a budget field\. Use one of .*direction, dimension, "dimension:NAME"/);
  });

  it('remembers the direction, a code/name twin and an ignored column, and reads the next file of the layout the same way', async () => {
    const org = await newOrg(db);
    const chosen = { Side: 'direction', 'Fund No': 'dimension:fund', 'Fund Title': 'dimension:fund', Month: 'period' } as const;
    await rememberMappings(db.pool, org, chosen);
    await rememberMappings(db.pool, org, { 'Fund Title': 'dimension:fund' }); // once more: an upsert, not a second row
    const memory = await loadRememberedMappings(db.pool, org);
    expect(memory).toEqual({ side: 'direction', 'fund no': 'dimension:fund', 'fund title': 'dimension:fund', month: 'period' });

    const before = analyzeText(JANUARY).analysis;
    expect(before.lines.every((l) => l.direction === 'expense')).toBe(true);
    // Without the memory: two fund dimensions and a "side" dimension, every line an expense.
    expect(before.lines[0]?.dimensions).toEqual({ fund: '6064', fund_2: 'General Fund', side: 'Expense' });

    const first = await importText(db, org, JANUARY, { acceptWarnings: true }, { rememberedMappings: memory });
    expect(first.status).toBe('succeeded');
    expect(first.counts.inserted).toBe(6);
    const stored = await db.pool.query<{ category: string; dimensions: unknown; codes: unknown; direction: string }>(
      `SELECT category, dimensions, codes, direction FROM budget_lines WHERE org_id = $1 AND deleted_at IS NULL ORDER BY department, category, amount`,
      [org],
    );
    expect(stored.rows.map((r) => [r.category, r.dimensions, r.codes, r.direction])).toEqual([
      ['Fines', { fund: 'Grants' }, { fund: '7010' }, 'revenue'],
      ['Repairs', { fund: 'Grants' }, { fund: '7010' }, 'expense'],
      ['Fees', { fund: 'General Fund' }, { fund: '6064' }, 'revenue'],
      ['Mowing', { fund: 'General Fund' }, { fund: '6064' }, 'expense'],
      ['Salaries', { fund: 'Grants' }, { fund: '7010' }, 'expense'],
      ['Salaries', { fund: 'General Fund' }, { fund: '6064' }, 'expense'],
    ]);

    // February's file, same layout: the fund renamed beside its code, one amount changed. Read with the
    // org's memory alone, it is the same lines.
    const february = JANUARY.replace('General Fund,Expense,2026-01,100.00', 'General Fund,Expense,2026-01,120.00').replaceAll(
      'Grants',
      'Grants Fund',
    );
    const { analysis } = analyzeText(february, 'budget.csv', { rememberedMappings: await loadRememberedMappings(db.pool, org) });
    expect(
      analysis.mapping.filter((m) => m.method === 'remembered' && m.field !== 'period').map((m) => [m.header, m.field, m.role ?? null]),
    ).toEqual([
      ['Fund Title', 'dimension', null],
      ['Side', 'direction', null],
      ['Fund No', 'dimension', 'code'],
    ]);
    const second = await importText(db, org, february, { acceptWarnings: true }, { rememberedMappings: memory });
    expect(second.status).toBe('succeeded');
    // Identity by the code: the renamed fund's lines are updates of the same lines (the new name shown), the others unchanged.
    expect(second.counts).toEqual({ inserted: 0, updated: 4, unchanged: 2, removed: 0 });
    const renamed = await db.pool.query<{ n: string }>(
      `SELECT count(*) AS n FROM budget_lines WHERE org_id = $1 AND deleted_at IS NULL AND dimensions->>'fund' = 'Grants Fund'`,
      [org],
    );
    expect(Number(renamed.rows[0]?.n)).toBe(3);
  });

  it('an ignored column stays ignored, and another org remembers nothing of it', async () => {
    const org = await newOrg(db, 'Ignorers');
    const other = await newOrg(db, 'Others');
    await rememberMappings(db.pool, org, { 'Fund Title': null });
    const memory = await loadRememberedMappings(db.pool, org);
    const { analysis } = analyzeText(JANUARY, 'budget.csv', { rememberedMappings: memory });
    expect(analysis.ignoredColumns.find((c) => c.header === 'Fund Title')?.reason).toBe('ignored, as remembered from an earlier import');
    expect(analysis.lines[0]?.dimensions).toEqual({ fund: '6064', side: 'Expense' });
    expect(await loadRememberedMappings(db.pool, other)).toEqual({});
  });
});

describe('values set for what the file lacks', () => {
  it('are recorded with the import: the history lists and shows them', async () => {
    const org = await newOrg(db, 'Research');
    const text = 'Category,Year 1,Year 2\nTravel,100.00,200.00\n';
    const r = await importText(db, org, text, { acceptWarnings: true }, { set: { department: 'Labs', fiscal_year: 'FY2025' } });
    expect(r.status).toBe('succeeded');
    expect((await getImport(db.pool, org, r.importId as string)).set).toEqual({ department: 'Labs', fiscal_year: '2025' });
    const plain = await importText(db, org, 'Department,Category,Month,Amount\nLabs,Rent,2025-03,10.00\n');
    const listed = await listImports(db.pool, org);
    expect(listed.map((i) => [i.id, i.set])).toEqual([
      [plain.importId, {}],
      [r.importId, { department: 'Labs', fiscal_year: '2025' }],
    ]);
  });
});
