import { readFileSync } from 'node:fs';
import { getImport, IMPORT_LOCK_CLASS, listImports, revertImport } from '@budget-sync/db';
import { MIGRATIONS_FOLDER, migrate } from '@budget-sync/db/node';
import { describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { analyzeText, budgetCsv, countRows, importRows, liveLines, newOrg, type Row } from './helpers.ts';

const db = await freshDatabase({ max: 6 });

/** How many migrations are committed (drizzle-kit's journal). */
const MIGRATIONS = (JSON.parse(readFileSync(`${MIGRATIONS_FOLDER}/meta/_journal.json`, 'utf8')) as { entries: unknown[] }).entries.length;

const rows = (amount: string): Row[] => ['Travel', 'Software', 'Events', 'Training'].map((c) => ['Marketing', c, '2026-01', amount] as Row);

/** The backend holding an org's import lock, i.e. the connection applying the import. */
async function importBackend(): Promise<number> {
  const r = await db.pool.query<{ pid: number }>(
    `SELECT pid FROM pg_locks
      WHERE locktype = 'advisory' AND granted AND classid = $1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [IMPORT_LOCK_CLASS],
  );
  expect(r.rows).toHaveLength(1);
  return r.rows[0]?.pid as number;
}

describe('a connection killed in the middle of an import', () => {
  it('leaves no line and no version written, and a failed history row that says why', async () => {
    const org = await newOrg(db);
    await importRows(db, org, rows('100.00'));
    const result = await importRows(db, org, [...rows('200.00'), ['Sales', 'Travel', '2026-01', '50.00']], {
      onStage: async (stage) => {
        // The lines are written but not the version rows, and nothing is committed: cut the connection here.
        if (stage === 'lines_written') await db.pool.query('SELECT pg_terminate_backend($1)', [await importBackend()]);
      },
    });
    expect(result.status).toBe('failed');
    expect(result.reason).toMatch(/nothing was written.*connection/i);
    expect((await liveLines(db, org)).map((l) => l.amount)).toEqual(['100.00', '100.00', '100.00', '100.00']);
    expect(await countRows(db, 'line_versions', org)).toBe(4);
    const h = await getImport(db.pool, org, result.importId as string);
    expect(h).toMatchObject({ status: 'failed', counts: { inserted: 0, updated: 0, unchanged: 0, removed: 0 } });
    expect(h.reason).toBe(result.reason);
    // The pool still works afterwards.
    expect((await importRows(db, org, rows('200.00'))).status).toBe('succeeded');
  });
});

describe('a value the database cannot store', () => {
  it("is the input's fault: the import is rejected (never failed, so never retried), nothing written, and says what to fix", async () => {
    const org = await newOrg(db);
    // Past the analysis (which reports a NUL at its cell): a line carrying one reaches the database.
    const { analysis } = analyzeText(budgetCsv(rows('100.00')));
    const lines = analysis.lines.map((l, i) => (i === 1 ? { ...l, notes: 'a\u0000b' } : l));
    const result = await importRows(db, org, rows('100.00'), { analysis: { ...analysis, lines } });
    expect(result.status).toBe('rejected');
    expect(result.reason).toMatch(
      /refused and nothing was written: the file holds a value the database cannot store .*Correct it in the file/,
    );
    expect(result.reason).not.toMatch(/connection/);
    expect(await liveLines(db, org)).toEqual([]);
    expect(await getImport(db.pool, org, result.importId as string)).toMatchObject({ status: 'rejected' });
  });
});

describe('two concurrent imports for one org', () => {
  it('run one after the other, and both results are correct', async () => {
    const org = await newOrg(db);
    const order: string[] = [];
    let releaseFirst: () => void = () => {};
    const firstHolds = new Promise<void>((resolve) => {
      releaseFirst = resolve;
    });
    const first = importRows(db, org, rows('100.00'), {
      fileName: 'first.csv',
      onStage: async (stage) => {
        order.push(`first:${stage}`);
        if (stage === 'locked') await firstHolds;
      },
    });
    // Wait until the first holds the lock, then start the second and give it time to queue behind.
    while (!order.includes('first:locked')) await new Promise((r) => setTimeout(r, 5));
    const second = importRows(db, org, rows('300.00'), {
      fileName: 'second.csv',
      onStage: (stage) => {
        order.push(`second:${stage}`);
      },
    });
    await new Promise((r) => setTimeout(r, 300));
    expect(order).toEqual(['first:locked']); // the second is waiting for the lock
    releaseFirst();
    const [a, b] = await Promise.all([first, second]);
    expect(order.indexOf('second:locked')).toBeGreaterThan(order.indexOf('first:versions_written'));
    expect(a.counts).toEqual({ inserted: 4, updated: 0, unchanged: 0, removed: 0 });
    expect(b.counts).toEqual({ inserted: 0, updated: 4, unchanged: 0, removed: 0 });
    expect((await liveLines(db, org)).map((l) => `${l.amount}@v${l.version}`)).toEqual(Array(4).fill('300.00@v2'));
  });

  it('do not wait for each other when they belong to different orgs', async () => {
    const orgA = await newOrg(db, 'A');
    const orgB = await newOrg(db, 'B');
    let releaseA: () => void = () => {};
    const aHolds = new Promise<void>((resolve) => {
      releaseA = resolve;
    });
    const a = importRows(db, orgA, rows('1.00'), { onStage: (s) => (s === 'locked' ? aHolds : undefined) });
    const b = await importRows(db, orgB, rows('2.00'));
    expect(b.status).toBe('succeeded');
    releaseA();
    expect((await a).status).toBe('succeeded');
  });
});

describe('tenancy', () => {
  it("one org never reads or writes another's lines or imports", async () => {
    const orgA = await newOrg(db, 'A');
    const orgB = await newOrg(db, 'B');
    const importA = await importRows(db, orgA, rows('100.00'));
    // The same keys in B are new lines for B, and replacing in B leaves A alone.
    const importB = await importRows(db, orgB, [['Marketing', 'Travel', '2026-01', '7.00']], { mode: 'replace' });
    expect(importB.counts).toEqual({ inserted: 1, updated: 0, unchanged: 0, removed: 0 });
    expect(await liveLines(db, orgA)).toHaveLength(4);
    expect((await listImports(db.pool, orgB)).map((h) => h.id)).toEqual([importB.importId]);
    await expect(getImport(db.pool, orgB, importA.importId as string)).rejects.toMatchObject({ code: 'import.not_found' });
    await expect(revertImport(db, { orgId: orgB, importId: importA.importId as string, actor: 'x' })).rejects.toMatchObject({
      code: 'import.not_found',
    });
    expect(await liveLines(db, orgA)).toHaveLength(4);
  });

  it('an unknown org is refused with a clear error', async () => {
    await expect(importRows(db, '00000000-0000-4000-8000-000000000000', rows('1.00'))).rejects.toMatchObject({ code: 'org.not_found' });
  });
});

describe('migrations', () => {
  it('applied twice change nothing', async () => {
    const schema = async () =>
      (
        await db.pool.query(
          `SELECT table_name, column_name, data_type, column_default, is_nullable FROM information_schema.columns
            WHERE table_schema = 'public' ORDER BY 1, 2`,
        )
      ).rows.concat((await db.pool.query(`SELECT indexname, indexdef FROM pg_indexes WHERE schemaname = 'public' ORDER BY 1`)).rows);
    const before = await schema();
    expect(before.length).toBeGreaterThan(50);
    expect(await migrate(db.pool)).toEqual({ applied: 0, total: MIGRATIONS });
    expect(await schema()).toEqual(before);
  });

  it('run from two processes at once, apply once', async () => {
    const { createDatabase, dropDatabase } = await import('../support/postgres.ts');
    const { openDatabase } = await import('@budget-sync/db/node');
    const { name, url } = await createDatabase();
    try {
      const [x, y] = await Promise.all([openDatabase({ url, migrate: false }), openDatabase({ url, migrate: false })]);
      const results = await Promise.all([migrate(x.pool), migrate(y.pool)]);
      expect(results.map((r) => r.applied).sort()).toEqual([0, MIGRATIONS]);
      await Promise.all([x.close(), y.close()]);
    } finally {
      await dropDatabase(name);
    }
  });
});
