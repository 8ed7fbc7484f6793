import { getImport, getImportFile, listImports, revertImport } from '@budget-sync/db';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { countRows, importRows, importText, liveLines, newOrg, type Row } from './helpers.ts';

const db = await freshDatabase();

const Q1: Row[] = [
  ['Marketing', 'Travel', '2026-01', '4000.00'],
  ['Marketing', 'Travel', '2026-02', '4100.00'],
  ['Marketing', 'Software', '2026-01', '2500.50'],
  ['Sales', 'Travel', '2026-01', '3000.00'],
];

describe('merge', () => {
  it('inserts new lines, updates changed ones, leaves the rest and keeps lines the file lacks', async () => {
    const org = await newOrg(db);
    const first = await importRows(db, org, Q1);
    expect(first.status).toBe('succeeded');
    expect(first.counts).toEqual({ inserted: 4, updated: 0, unchanged: 0, removed: 0 });

    const second = await importRows(db, org, [
      ['Marketing', 'Travel', '2026-01', '4500.00'], // changed
      ['Marketing', 'Travel', '2026-02', '4100.00'], // same
      ['Marketing', 'Events', '2026-01', '900.00'], // new
    ]);
    expect(second.status).toBe('succeeded');
    expect(second.counts).toEqual({ inserted: 1, updated: 1, unchanged: 1, removed: 0 });
    expect(await liveLines(db, org)).toEqual([
      { department: 'Marketing', category: 'Events', period: '2026-01', amount: '900.00', version: 1 },
      { department: 'Marketing', category: 'Software', period: '2026-01', amount: '2500.50', version: 1 },
      { department: 'Marketing', category: 'Travel', period: '2026-01', amount: '4500.00', version: 2 },
      { department: 'Marketing', category: 'Travel', period: '2026-02', amount: '4100.00', version: 1 },
      { department: 'Sales', category: 'Travel', period: '2026-01', amount: '3000.00', version: 1 },
    ]);
  });

  it('matches stored lines whatever the letter case of department and category', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [['Marketing', 'Travel', '2026-01', '4000.00']]);
    const again = await importRows(db, org, [['MARKETING', 'travel', '2026-01', '4000.00']]);
    expect(again.status).toBe('no_changes');
    expect(await liveLines(db, org)).toHaveLength(1);
  });

  it('writes a version row with before and after values for every changed line', async () => {
    const org = await newOrg(db);
    await importRows(db, org, Q1);
    const second = await importRows(db, org, [['Marketing', 'Travel', '2026-01', '4500.00']]);
    const v = await db.pool.query(
      `SELECT change, version, amount_before::text AS before, amount_after::text AS after FROM line_versions WHERE import_id = $1`,
      [second.importId],
    );
    expect(v.rows).toEqual([{ change: 'update', version: 2, before: '4000.00', after: '4500.00' }]);
  });
});

describe('replace', () => {
  it("soft-deletes the lines of the file's fiscal years and departments that the file lacks, and nothing else", async () => {
    const org = await newOrg(db);
    await importRows(db, org, [...Q1, ['Marketing', 'Travel', '2025-12', '100.00']]);
    const r = await importRows(db, org, [['Marketing', 'Travel', '2026-01', '4000.00']], { mode: 'replace' });
    expect(r.status).toBe('succeeded');
    // Marketing FY2026 lines not in the file go; Sales (another department) and Marketing FY2025 stay.
    expect(r.counts).toEqual({ inserted: 0, updated: 0, unchanged: 1, removed: 2 });
    expect((await liveLines(db, org)).map((l) => `${l.department}/${l.category}/${l.period}`)).toEqual([
      'Marketing/Travel/2025-12',
      'Marketing/Travel/2026-01',
      'Sales/Travel/2026-01',
    ]);
    // Soft delete only: the rows are still there, marked deleted.
    const deleted = await db.pool.query('SELECT count(*)::int AS n FROM budget_lines WHERE org_id = $1 AND deleted_at IS NOT NULL', [org]);
    expect(deleted.rows[0].n).toBe(2);
  });
});

describe('idempotent re-import', () => {
  it('writes nothing but a no_changes history row when the content is identical', async () => {
    const org = await newOrg(db);
    await importRows(db, org, Q1);
    const versionsBefore = await countRows(db, 'line_versions', org);
    const again = await importRows(db, org, Q1);
    expect(again.status).toBe('no_changes');
    expect(again.counts).toEqual({ inserted: 0, updated: 0, unchanged: 4, removed: 0 });
    expect(await countRows(db, 'line_versions', org)).toBe(versionsBefore);
    expect((await liveLines(db, org)).every((l) => l.version === 1)).toBe(true);
    const history = await listImports(db.pool, org);
    expect(history.map((h) => h.status)).toEqual(['no_changes', 'succeeded']);
  });
});

describe('history and the original file', () => {
  it('records who, where from, which file, kind, mode, counts, issues and duration, and keeps the file', async () => {
    const org = await newOrg(db);
    const text = `Department,Category,Month,Budget Amount\nMarketing,Travel,2026-01,4000.00\nTotal,,,4000.00`;
    const r = await importText(db, org, text, { fileName: 'q1.csv', actor: 'ana@example.com', source: 'cli' });
    const detail = await getImport(db.pool, org, r.importId as string);
    expect(detail).toMatchObject({
      actor: 'ana@example.com',
      source: 'cli',
      fileName: 'q1.csv',
      kind: 'budget',
      mode: 'merge',
      status: 'succeeded',
      counts: { inserted: 1, updated: 0, unchanged: 0, removed: 0 },
    });
    expect(detail.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(detail.durationMs).toBeGreaterThanOrEqual(0);
    expect(detail.issues.map((i) => i.code)).toContain('row.total_skipped');
    expect(detail.analysis?.headerRow).toBe(1);
    expect(detail.fileKeptUntil).not.toBeNull();
    const kept = await getImportFile(db.pool, org, r.importId as string);
    expect(new TextDecoder().decode(kept as Uint8Array)).toBe(text);
  });

  it('lets the original file go after the retention period, and keeps the history row', async () => {
    const org = await newOrg(db);
    const r = await importRows(db, org, Q1);
    await db.pool.query(`UPDATE import_files SET expires_at = now() - interval '1 second' WHERE import_id = $1`, [r.importId]);
    expect(await getImportFile(db.pool, org, r.importId as string)).toBeNull();
    await importRows(db, org, [['HR', 'Training', '2026-01', '10.00']]); // each import purges expired files
    const left = await db.pool.query('SELECT count(*)::int AS n FROM import_files WHERE import_id = $1', [r.importId]);
    expect(left.rows[0].n).toBe(0);
    expect((await getImport(db.pool, org, r.importId as string)).fileKeptUntil).toBeNull();
  });

  it('never stores a file that holds personal identifiers', async () => {
    const org = await newOrg(db);
    const text =
      'Department,Category,Month,Budget Amount,SSN\nMarketing,Travel,2026-01,4000.00,123-45-6789\nSales,Travel,2026-01,300.00,987-65-4321';
    const r = await importText(db, org, text, { acceptWarnings: true });
    expect(r.status).toBe('rejected');
    expect(r.issues.map((i) => i.code)).toContain('pii.detected');
    expect(await getImportFile(db.pool, org, r.importId as string)).toBeNull();
  });
});

describe('what blocks an import', () => {
  it('rejects a file with errors, writes no line, and says why in the history row', async () => {
    const org = await newOrg(db);
    const r = await importText(
      db,
      org,
      'Department,Category,Month,Budget Amount\nMarketing,Travel,2026-01,12x4\nSales,Travel,2026-01,10.00\nSales,Events,2026-01,20.00\nHR,Travel,2026-01,30.00',
    );
    expect(r.status).toBe('rejected');
    expect(r.counts).toEqual({ inserted: 0, updated: 0, unchanged: 0, removed: 0 });
    expect(r.reason).toMatch(/D2|row 2/);
    expect(await liveLines(db, org)).toEqual([]);
    const h = await getImport(db.pool, org, r.importId as string);
    expect(h.status).toBe('rejected');
    expect(h.reason).toBe(r.reason);
    expect(h.issues.some((i) => i.code === 'amount.invalid' && i.row === 2)).toBe(true);
  });

  it('needs warnings accepted', async () => {
    const org = await newOrg(db);
    const rows: Row[] = [...Q1, ['Sales', 'Refunds', '2026-01', '-50.00']];
    const refused = await importRows(db, org, rows);
    expect(refused.status).toBe('rejected');
    expect(refused.reason).toMatch(/accept/i);
    const accepted = await importRows(db, org, rows, { acceptWarnings: true });
    expect(accepted.status).toBe('succeeded');
    expect(accepted.counts.inserted).toBe(5);
  });

  it('refuses a file that is not a budget unless overridden with a reason, which history records', async () => {
    const org = await newOrg(db);
    const payroll = [
      'Employee Name,Department,Category,Pay Period,Gross Pay,Net Pay',
      'Jane Smith,Marketing,Salaries,2026-01,5000.00,3900.00',
      'John Brown,Sales,Salaries,2026-01,4800.00,3700.00',
      'Ana Lopez,Finance,Salaries,2026-01,5200.00,4000.00',
    ].join('\n');
    const refused = await importText(db, org, payroll, { fileName: 'payroll.csv' });
    expect(refused.status).toBe('rejected');
    expect(refused.issues.map((i) => i.code)).toContain('kind.mismatch');
    const h = await getImport(db.pool, org, refused.importId as string);
    expect(h.kind).toBe('payroll');
    expect(await liveLines(db, org)).toEqual([]);

    const reason = 'Payroll plan used as the FY2026 salary budget';
    const overridden = await importText(
      db,
      org,
      payroll,
      { fileName: 'payroll.csv', overrideKindReason: reason, acceptWarnings: true },
      { treatAsBudget: true },
    );
    expect(overridden.status).toBe('succeeded');
    expect(overridden.counts.inserted).toBe(3);
    expect(await getImport(db.pool, org, overridden.importId as string)).toMatchObject({ kind: 'payroll', overrideKindReason: reason });
  });

  it('warns when a new budget is below what is already consumed against the line', async () => {
    const org = await newOrg(db);
    await importRows(db, org, Q1);
    const line = await db.pool.query(`SELECT id FROM budget_lines WHERE org_id = $1 AND category = 'Software'`, [org]);
    await db.pool.query(`INSERT INTO line_consumption (line_id, org_id, reserved, committed, actual) VALUES ($1, $2, 1000, 500, 250)`, [
      line.rows[0].id,
      org,
    ]);
    const lowered = [['Marketing', 'Software', '2026-01', '1000.00']] as Row[];
    const refused = await importRows(db, org, lowered);
    expect(refused.status).toBe('rejected');
    const warning = refused.issues.find((i) => i.code === 'budget.below_consumption');
    expect(warning).toMatchObject({ severity: 'warning', row: 2, column: 4 });
    expect(warning?.message).toContain('1750.00');
    expect((await importRows(db, org, lowered, { acceptWarnings: true })).status).toBe('succeeded');
  });

  it('a dry run plans and decides but writes nothing at all', async () => {
    const org = await newOrg(db);
    const r = await importRows(db, org, Q1, { dryRun: true });
    expect(r).toMatchObject({ status: 'dry_run', importId: null, counts: { inserted: 4, updated: 0, unchanged: 0, removed: 0 } });
    expect(await liveLines(db, org)).toEqual([]);
    expect(await listImports(db.pool, org)).toEqual([]);
  });
});

describe('revert', () => {
  it('restores the previous versions: inserted lines go, updated lines get their old values, removed lines return', async () => {
    const org = await newOrg(db);
    await importRows(db, org, Q1);
    const before = await liveLines(db, org);
    const replace = await importRows(
      db,
      org,
      [
        ['Marketing', 'Travel', '2026-01', '9999.00'],
        ['Marketing', 'Events', '2026-03', '10.00'],
      ],
      { mode: 'replace' },
    );
    expect(replace.counts).toEqual({ inserted: 1, updated: 1, unchanged: 0, removed: 2 });
    const reverted = await revertImport(db, { orgId: org, importId: replace.importId as string, actor: 'ana@example.com' });
    expect(reverted.counts).toEqual({ deleted: 1, restored: 1, undeleted: 2 });
    const after = await liveLines(db, org);
    expect(after.map(({ version: _v, ...l }) => l)).toEqual(before.map(({ version: _v, ...l }) => l));
    const h = await getImport(db.pool, org, replace.importId as string);
    expect(h.status).toBe('reverted');
    expect(h.revertedBy).toBe('ana@example.com');
    await expect(revertImport(db, { orgId: org, importId: replace.importId as string, actor: 'x' })).rejects.toMatchObject({
      code: 'import.not_revertible',
    });
  });

  it('refuses, listing the lines, when a later import changed them', async () => {
    const org = await newOrg(db);
    const first = await importRows(db, org, Q1);
    await importRows(db, org, [['Marketing', 'Travel', '2026-01', '4200.00']], { fileName: 'later.csv' });
    const err = await revertImport(db, { orgId: org, importId: first.importId as string, actor: 'x' }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'import.revert_conflict' });
    const { conflicts } = (err as { details: { conflicts: { department: string; category: string; period: string; reason: string }[] } })
      .details;
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]).toMatchObject({ department: 'Marketing', category: 'Travel', period: '2026-01' });
    expect(conflicts[0]?.reason).toContain('later.csv');
    // Nothing changed.
    expect(
      (await liveLines(db, org)).find((l) => l.period === '2026-01' && l.category === 'Travel' && l.department === 'Marketing')?.amount,
    ).toBe('4200.00');
  });

  it('refuses to remove a line that already has money reserved against it', async () => {
    const org = await newOrg(db);
    const first = await importRows(db, org, Q1);
    const line = await db.pool.query(`SELECT id FROM budget_lines WHERE org_id = $1 AND department = 'Sales'`, [org]);
    await db.pool.query(`INSERT INTO line_consumption (line_id, org_id, reserved) VALUES ($1, $2, 10)`, [line.rows[0].id, org]);
    await expect(revertImport(db, { orgId: org, importId: first.importId as string, actor: 'x' })).rejects.toMatchObject({
      code: 'import.revert_conflict',
      message: expect.stringContaining('reserved'),
    });
  });
});

describe('the database itself', () => {
  it('enforces the natural key among live lines, and lets a soft-deleted line keep its key', async () => {
    const org = await newOrg(db);
    await importRows(db, org, [['Marketing', 'Travel', '2026-01', '4000.00']]);
    const copy = `INSERT INTO budget_lines (id, org_id, department, category, period, period_start, period_end, fiscal_year, amount, currency)
                  VALUES (gen_random_uuid(), $1, 'marketing', 'TRAVEL', '2026-01', '2026-01-01', '2026-01-31', 2026, 1, 'USD')`;
    await expect(db.pool.query(copy, [org])).rejects.toMatchObject({ code: '23505' });
    await db.pool.query('UPDATE budget_lines SET deleted_at = now() WHERE org_id = $1', [org]);
    await db.pool.query(copy, [org]);
  });

  it('keeps the ledger and the version history append-only', async () => {
    const org = await newOrg(db);
    await importRows(db, org, Q1);
    await expect(db.pool.query('UPDATE line_versions SET version = 9 WHERE org_id = $1', [org])).rejects.toThrow(/append-only/);
    await expect(db.pool.query('DELETE FROM line_versions WHERE org_id = $1', [org])).rejects.toThrow(/append-only/);
    const line = await db.pool.query('SELECT id FROM budget_lines WHERE org_id = $1 LIMIT 1', [org]);
    await db.pool.query(`INSERT INTO utilization_entries (org_id, line_id, entry_type, amount) VALUES ($1, $2, 'reserved', 5)`, [
      org,
      line.rows[0].id,
    ]);
    await expect(db.pool.query('DELETE FROM utilization_entries WHERE org_id = $1', [org])).rejects.toThrow(/append-only/);
  });

  it('stores money exactly', async () => {
    const org = await newOrg(db);
    await importRows(
      db,
      org,
      [
        ['Marketing', 'Travel', '2026-01', '0.10'],
        ['Marketing', 'Travel', '2026-02', '0.20'],
        // Ten of the largest amount a line may have: a sum with more digits than a double keeps exact.
        ...Array.from({ length: 10 }, (_, i) => ['Sales', 'Travel', `2026-${String(i + 1).padStart(2, '0')}`, '999999999999.99'] as Row),
      ],
      { acceptWarnings: true },
    );
    const sum = await db.pool.query(`SELECT sum(amount)::text AS s FROM budget_lines WHERE org_id = $1`, [org]);
    expect(sum.rows[0].s).toBe('10000000000000.20');
  });
});
