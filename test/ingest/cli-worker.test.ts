/**
 * The `sources` commands run for real as subprocesses (add, list without secrets, sync, remove), and the
 * pg-boss worker running a queued sync of a folder source.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createSource } from '@budget-sync/db';
import { startWorker } from '@budget-sync/ingest-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freshDatabase } from '../support/postgres.ts';
import { bigBudget, history, newOrg, newSecretKey } from './helpers.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const db = await freshDatabase();
const key = newSecretKey();
let orgId: string;
let dir: string;

function run(args: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'cli/bin/budget-sync.js'), ...args],
      { cwd: root, env: { ...process.env, DATABASE_URL: db.url, BUDGET_SYNC_SECRET_KEY: key } },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ status: error ? (typeof code === 'number' ? code : -1) : 0, stdout, stderr });
      },
    );
  });
}

function drop(name: string, content: string): void {
  const p = join(dir, name);
  writeFileSync(p, content);
  const t = new Date(Date.now() - 120_000);
  utimesSync(p, t, t);
}

beforeAll(async () => {
  orgId = await newOrg(db);
  dir = mkdtempSync(join(tmpdir(), 'bs-cli-'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('sources commands', () => {
  it('adds, lists (without secrets), syncs and removes sources', async () => {
    drop('budget.csv', bigBudget(12, 'Cli Dept'));
    const [folder, s3] = await Promise.all([
      run(['sources', 'add', '--org', orgId, '--type', 'folder', '--path', dir, '--glob', '*.csv', '--json']),
      run([
        'sources',
        'add',
        '--org',
        orgId,
        '--type',
        's3',
        '--bucket',
        'b',
        '--access-key-id',
        'AKIAEXAMPLE',
        '--secret-access-key',
        'very-secret-cli-value',
        '--schedule',
        '*/15 * * * *',
        '--timezone',
        'Europe/Paris',
        '--json',
      ]),
    ]);
    expect(folder.status, folder.stderr).toBe(0);
    expect(s3.status, s3.stderr).toBe(0);
    const folderId = (JSON.parse(folder.stdout) as { sourceId: string }).sourceId;

    const list = await run(['sources', 'list', '--org', orgId, '--json']);
    expect(list.stdout).not.toContain('very-secret-cli-value');
    expect((JSON.parse(list.stdout) as { sources: unknown[] }).sources).toHaveLength(2);

    const sync = await run(['sources', 'sync', folderId, '--json']);
    expect(sync.status, sync.stderr).toBe(0);
    expect(JSON.parse(sync.stdout)).toMatchObject({ files: [{ name: 'budget.csv', status: 'imported', importId: expect.any(String) }] });
    const again = await run(['sources', 'sync', folderId, '--json']);
    expect(JSON.parse(again.stdout)).toMatchObject({ files: [{ name: 'budget.csv', status: 'skipped' }] });

    const removed = await run(['sources', 'remove', folderId, '--json']);
    expect(removed.status).toBe(0);
    expect((JSON.parse((await run(['sources', 'list', '--org', orgId, '--json'])).stdout) as { sources: unknown[] }).sources).toHaveLength(
      1,
    );
  });
});

describe('worker', () => {
  it('schedules enabled sources and runs a queued sync', async () => {
    const wdir = mkdtempSync(join(tmpdir(), 'bs-worker-'));
    try {
      writeFileSync(join(wdir, 'w.csv'), bigBudget(8, 'Worker Dept'));
      const t = new Date(Date.now() - 120_000);
      utimesSync(join(wdir, 'w.csv'), t, t);
      const source = await createSource(
        db.pool,
        { orgId, type: 'folder', config: { directory: wdir }, schedule: '0 6 * * *', timezone: 'UTC' },
        { by: 'operator' },
      );
      const worker = await startWorker(db, { pollingIntervalSeconds: 0.5 });
      try {
        const schedules = await db.pool.query<{ key: string }>("SELECT key FROM pgboss.schedule WHERE name = 'source-sync'");
        expect(schedules.rows.map((r) => r.key)).toContain(source.id);
        await worker.runNow(source.id);
        const deadline = Date.now() + 15_000;
        while ((await history(db, source.id)).length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
        expect((await history(db, source.id)).map((h) => h.status)).toEqual(['succeeded']);
      } finally {
        await worker.stop();
      }
    } finally {
      rmSync(wdir, { recursive: true, force: true });
    }
  });
});
