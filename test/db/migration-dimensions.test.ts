/**
 * Migration 0008 (dimensions and direction) on a database that already holds budget lines, consumption
 * and version history: nothing is lost, every line becomes an expense line without dimensions, and
 * checks, re-imports and reverts go on as before.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { checkBudget, revertImport } from '@budget-sync/db';
import { MIGRATIONS_FOLDER, migrate, openDatabase } from '@budget-sync/db/node';
import { drizzle } from 'drizzle-orm/node-postgres';
import { migrate as drizzleMigrate } from 'drizzle-orm/node-postgres/migrator';
import { afterAll, describe, expect, it } from 'vitest';
import { createDatabase, dropDatabase } from '../support/postgres.ts';
import { importRows } from './helpers.ts';

interface Journal {
  entries: Array<{ tag: string }>;
}

/** The migrations folder as it was before dimensions: every migration before 0008. */
function migrationsBeforeDimensions(): string {
  const dir = mkdtempSync(join(tmpdir(), 'bs-migrations-'));
  cpSync(MIGRATIONS_FOLDER, dir, { recursive: true });
  const journal = JSON.parse(readFileSync(join(dir, 'meta/_journal.json'), 'utf8')) as Journal;
  journal.entries = journal.entries.filter((e) => e.tag < '0008');
  writeFileSync(join(dir, 'meta/_journal.json'), JSON.stringify(journal));
  return dir;
}

describe('migration 0008 on existing data', () => {
  it('keeps every line, its consumption and its history; lines become expense lines without dimensions', async () => {
    const { name, url } = await createDatabase();
    const folder = migrationsBeforeDimensions();
    const db = await openDatabase({ url, migrate: false });
    afterAll(async () => {
      await db.close();
      await dropDatabase(name);
      rmSync(folder, { recursive: true, force: true });
    });
    const client = await db.pool.connect();
    try {
      await drizzleMigrate(drizzle(client), { migrationsFolder: folder });
    } finally {
      client.release();
    }
    const columns = async () =>
      (
        await db.pool.query<{ n: number }>(
          `SELECT count(*)::int AS n FROM information_schema.columns WHERE table_name = 'budget_lines' AND column_name = 'dim_key'`,
        )
      ).rows[0]?.n;
    expect(await columns()).toBe(0);

    // Data written by the code of that time, through SQL of that shape (today's services write columns
    // later migrations add, such as api_keys.created_by).
    const org = (await db.pool.query<{ id: string }>(`INSERT INTO organizations (name) VALUES ('Before dimensions') RETURNING id`)).rows[0]
      ?.id as string;
    const lineId = '0197c3b2-5b4e-7c1a-9d10-2f6a1b3c4d5e';
    await db.pool.query(
      `INSERT INTO budget_lines (id, org_id, department, category, project, period, period_start, period_end, fiscal_year, amount, currency, version)
       VALUES ($1, $2, 'Marketing', 'Travel', NULL, '2026-03', '2026-03-01', '2026-03-31', 2026, 1000.00, 'USD', 2),
              (gen_random_uuid(), $2, 'Marketing', 'Travel', 'Launch', '2026-03', '2026-03-01', '2026-03-31', 2026, 250.00, 'USD', 1)`,
      [lineId, org],
    );
    await db.pool.query(`INSERT INTO line_consumption (line_id, org_id, reserved, committed) VALUES ($1, $2, 100.00, 50.00)`, [
      lineId,
      org,
    ]);
    const before = await db.pool.query(`SELECT * FROM budget_lines WHERE org_id = $1 ORDER BY amount`, [org]);

    expect((await migrate(db.pool)).applied).toBeGreaterThan(0);
    expect(await columns()).toBe(1);
    const after = await db.pool.query(`SELECT * FROM budget_lines WHERE org_id = $1 ORDER BY amount`, [org]);
    expect(after.rows).toEqual(
      before.rows.map((r) => ({ ...r, dimensions: {}, codes: null, direction: 'expense', dim_key: '', dim_terms: [] })),
    );
    // The line answers checks with its consumption, and a file of the same content changes nothing.
    expect(await checkBudget(db.pool, org, { department: 'marketing', category: 'travel', period: '2026-03', amount: '1' })).toMatchObject({
      line: { id: lineId },
      budget: '1000.00',
      reserved: '100.00',
      committed: '50.00',
    });
    const same = await importRows(db, org, [['Marketing', 'Travel', '2026-03', '1000.00']]);
    expect(same.status).toBe('no_changes');
    // A change and its revert, over version rows that predate the new columns' values.
    const changed = await importRows(db, org, [['Marketing', 'Travel', '2026-03', '900.00']]);
    expect(changed.counts.updated).toBe(1);
    await revertImport(db, { orgId: org, importId: changed.importId as string, actor: 't' });
    const reverted = await db.pool.query(`SELECT amount::text, direction, dimensions, dim_key FROM budget_lines WHERE id = $1`, [lineId]);
    expect(reverted.rows).toEqual([{ amount: '1000.00', direction: 'expense', dimensions: {}, dim_key: '' }]);
  });
});
