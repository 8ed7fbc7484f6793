/**
 * A worker killed (SIGKILL) in the middle of an import leaves nothing half-written, and the next run
 * picks the file up again and imports it exactly once.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSource, IMPORT_LOCK_CLASS } from '@budget-sync/db';
import { syncSource } from '@budget-sync/ingest-worker';
import { afterAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { bigBudget, history, newOrg } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const db = await freshDatabase();
const dir = mkdtempSync(join(tmpdir(), 'bs-killed-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const ROWS = 40_000;

/** Whether some connection holds an import lock in this database, i.e. an import transaction is open. */
async function importInProgress(): Promise<boolean> {
  const r = await db.pool.query(
    `SELECT 1 FROM pg_locks WHERE locktype = 'advisory' AND granted AND classid = $1
        AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
    [IMPORT_LOCK_CLASS],
  );
  return r.rows.length > 0;
}

describe('a worker killed mid-import', () => {
  it('leaves nothing half-written, and the file is imported once by the next run', async () => {
    const orgId = await newOrg(db);
    const file = join(dir, 'big.csv');
    writeFileSync(file, bigBudget(ROWS, 'Killed'));
    const old = new Date(Date.now() - 120_000);
    utimesSync(file, old, old);
    const source = await createSource(
      db.pool,
      { orgId, type: 'folder', config: { directory: dir, glob: '*.csv', stabilitySeconds: 0 } },
      { by: 'operator' },
    );

    const child = spawn(process.execPath, [join(root, 'cli/bin/budget-sync.js'), 'sources', 'sync', source.id, '--json'], {
      cwd: root,
      env: { ...process.env, DATABASE_URL: db.url },
      stdio: 'ignore',
    });
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    // Kill it as soon as its import transaction is open (it holds the org's import lock until it commits).
    const deadline = Date.now() + 60_000;
    let sawImport = false;
    while (Date.now() < deadline) {
      if (await importInProgress()) {
        sawImport = true;
        child.kill('SIGKILL');
        break;
      }
      await new Promise((r) => setTimeout(r, 5));
    }
    await exited;
    expect(sawImport).toBe(true);
    // The server notices the dead client and rolls back; wait until its lock is gone.
    while (await importInProgress()) await new Promise((r) => setTimeout(r, 20));

    const lines = async () =>
      Number((await db.pool.query('SELECT count(*) AS n FROM budget_lines WHERE org_id = $1 AND deleted_at IS NULL', [orgId])).rows[0].n);
    expect(await lines()).toBe(0);
    expect((await history(db, source.id)).filter((h) => h.status === 'succeeded')).toEqual([]);

    const report = await syncSource(db, source.id, { trigger: 'test' });
    expect(report.files).toEqual([expect.objectContaining({ name: 'big.csv', status: 'imported' })]);
    expect(await lines()).toBe(ROWS);
    // A further run skips it: imported exactly once.
    const again = await syncSource(db, source.id, { trigger: 'test' });
    expect(again.files.map((f) => f.status)).toEqual(['skipped']);
    expect((await history(db, source.id)).filter((h) => h.status === 'succeeded').map((h) => h.inserted)).toEqual([ROWS]);
  });
});
