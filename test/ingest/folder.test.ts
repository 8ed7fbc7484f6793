/**
 * The sync of a local folder source against a real database: new, unchanged, touched and changed files,
 * a payroll file refused and moved to rejected/, a file still being written waited for, a file that
 * disappears after the listing, and two runs at once importing each file exactly once. An organization's
 * folder (under BUDGET_SYNC_FOLDER_ROOT) is held inside at sync time: links out, FIFOs, a folder or file
 * swapped for a link after configuration, a planted archive/ link and sources stored before the fix.
 */
import { execFileSync } from 'node:child_process';
import {
  appendFileSync,
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { createSource, type DataSource, getImport, getImportFile } from '@budget-sync/db';
import { nodePlaceGuard } from '@budget-sync/db/node';
import { syncSource } from '@budget-sync/ingest-worker';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lyingZipBomb } from '../core/readers/helpers.ts';
import { freshDatabase } from '../support/postgres.ts';
import { bigBudget, corpus, FAST_RETRY, history, lineCount, newOrg } from './helpers.ts';

const db = await freshDatabase({ max: 12 });
let orgId: string;
const dirs: string[] = [];

function newDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'bs-folder-'));
  dirs.push(d);
  return d;
}

async function folderSource(
  dir: string,
  extra: { afterImport?: 'leave' | 'move'; glob?: string; stabilitySeconds?: number } = {},
): Promise<DataSource> {
  // The operator's folder (as `budget-sync sources add` makes it): anywhere on the server.
  return createSource(
    db.pool,
    {
      orgId,
      type: 'folder',
      config: { directory: dir, glob: extra.glob ?? '*.csv', stabilitySeconds: extra.stabilitySeconds ?? 0 },
      afterImport: extra.afterImport ?? 'leave',
    },
    { by: 'operator' },
  );
}

/** Sets a file's mtime in the past so that it counts as settled. */
function age(path: string, seconds = 120): void {
  const t = new Date(Date.now() - seconds * 1000);
  utimesSync(path, t, t);
}

beforeAll(async () => {
  orgId = await newOrg(db);
});

afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('folder source', () => {
  it('imports a new file once, skips it unchanged or only touched, and imports it again when it changes', async () => {
    const dir = newDir();
    const source = await folderSource(dir);
    const path = join(dir, 'budget-long-basic.csv');
    writeFileSync(path, corpus('budget-long-basic.csv'));
    age(path);

    const first = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(first.status).toBe('succeeded');
    expect(first.files).toEqual([{ name: 'budget-long-basic.csv', status: 'imported', importId: expect.any(String) }]);
    const lines = await lineCount(db, orgId);
    expect(lines).toBeGreaterThan(0);
    // The kept original is the file, byte for byte (compressed while the file was analysed, before its
    // bytes were let go).
    const kept = await db.pool.query<{ content_gzip: Buffer; size: number }>(
      'SELECT content_gzip, size FROM import_files WHERE import_id = $1',
      [first.files[0]?.importId],
    );
    expect(gunzipSync(kept.rows[0]?.content_gzip as Buffer).equals(corpus('budget-long-basic.csv'))).toBe(true);
    expect(kept.rows[0]?.size).toBe(corpus('budget-long-basic.csv').byteLength);

    const second = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(second.files).toMatchObject([{ name: 'budget-long-basic.csv', status: 'skipped' }]);
    expect(second.files[0]?.reason).toMatch(/unchanged/);

    // Same content, new modification time: downloaded, recognised by its sha256, not imported again.
    age(path, 60);
    const touched = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(touched.files).toMatchObject([{ status: 'skipped', reason: expect.stringMatching(/content unchanged/) }]);
    expect(await history(db, source.id)).toHaveLength(1);

    // Changed content: imported again.
    writeFileSync(path, corpus('budget-long-basic.csv').toString().replace('15863.00', '15900.00'));
    age(path, 30);
    const changed = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(changed.files).toMatchObject([{ status: 'imported' }]);
    const h = await history(db, source.id);
    expect(h.map((r) => r.status)).toEqual(['succeeded', 'succeeded']);
    expect(h[0]?.source).toBe('folder');
  });

  it('refuses a payroll file with a history row saying why, and moves it to rejected/', async () => {
    const dir = newDir();
    const source = await folderSource(dir, { afterImport: 'move' });
    writeFileSync(join(dir, 'payroll-jan.csv'), corpus('payroll-jan.csv'));
    writeFileSync(join(dir, 'budget.csv'), bigBudget(20, 'Payroll Test'));
    age(join(dir, 'payroll-jan.csv'));
    age(join(dir, 'budget.csv'));
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.files).toMatchObject([
      { name: 'budget.csv', status: 'imported', movedTo: 'archive/budget.csv' },
      { name: 'payroll-jan.csv', status: 'rejected', movedTo: 'rejected/payroll-jan.csv', reason: expect.any(String) },
    ]);
    expect(readdirSync(dir).sort()).toEqual(['archive', 'rejected']);
    expect(existsSync(join(dir, 'rejected', 'payroll-jan.csv'))).toBe(true);
    const rejected = (await history(db, source.id)).find((r) => r.file_name === 'payroll-jan.csv');
    expect(rejected?.status).toBe('rejected');
    expect(rejected?.reason).toBeTruthy();
    // Nothing is left to do on the next run.
    expect((await syncSource(db, source.id, { retry: FAST_RETRY })).files).toEqual([]);
  });

  it('refuses a file with a NUL in a cell once, at its row and column, and never tries it again', async () => {
    const dir = newDir();
    const source = await folderSource(dir, { afterImport: 'move' });
    const path = join(dir, 'nul.csv');
    writeFileSync(path, 'Department,Category,Month,Budget Amount\nMarketing,Travel,2026-01,100.00\nSa\u0000les,Travel,2026-01,50.00\n');
    age(path);
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.status).toBe('succeeded');
    expect(report.files).toMatchObject([{ name: 'nul.csv', status: 'rejected', movedTo: 'rejected/nul.csv' }]);
    const rows = await history(db, source.id);
    expect(rows.map((r) => r.status)).toEqual(['rejected']);
    const issues = await db.pool.query<{ issues: Array<{ code: string; row: number; column: number }> }>(
      'SELECT issues FROM import_history WHERE source_id = $1',
      [source.id],
    );
    expect(issues.rows[0]?.issues.filter((i) => i.code === 'value.invalid_character')).toMatchObject([{ row: 3, column: 1 }]);
    // Not a failure to retry: the next runs find nothing to do.
    expect((await syncSource(db, source.id, { retry: FAST_RETRY })).files).toEqual([]);
    expect(await history(db, source.id)).toHaveLength(1);
  });

  it('refuses a zip bomb whose headers lie about its size, naming the part and the limit', async () => {
    const dir = newDir();
    const source = await folderSource(dir, { glob: '*.xlsx' });
    const path = join(dir, 'bomb.xlsx');
    writeFileSync(path, lyingZipBomb(64 * 1024 * 1024));
    age(path);
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.files).toMatchObject([{ name: 'bomb.xlsx', status: 'rejected' }]);
    expect(report.files[0]?.reason).toMatch(
      /"bomb\.xlsx" is a zip bomb: its part xl\/worksheets\/sheet1\.xml unpacks to more than the 879 KB its headers declare/,
    );
    // Refused before any analysis, it still has its history row, with the reason, once.
    const rows = await history(db, source.id);
    expect(rows).toMatchObject([{ file_name: 'bomb.xlsx', status: 'rejected', kind: 'unknown' }]);
    expect((await syncSource(db, source.id, { retry: FAST_RETRY })).files).toMatchObject([
      { status: 'skipped', reason: /^already rejected/ },
    ]);
    expect(await history(db, source.id)).toHaveLength(1);
  });

  it('gives a corrupt file dropped in the folder a history row that says why it was refused (issue: no row, not on Health)', async () => {
    const dir = newDir();
    const source = await folderSource(dir, { glob: '*.xlsx' });
    const path = join(dir, 'damaged.xlsx');
    writeFileSync(path, Buffer.concat([Buffer.from('PK\u0003\u0004'), Buffer.alloc(2000, 7)]));
    age(path);
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.files).toMatchObject([{ name: 'damaged.xlsx', status: 'rejected' }]);
    const reason = report.files[0]?.reason as string;
    expect(reason).toContain('damaged.xlsx');
    const rows = await history(db, source.id);
    expect(rows).toMatchObject([{ file_name: 'damaged.xlsx', status: 'rejected', kind: 'unknown', reason }]);
    const detail = await getImport(db.pool, source.orgId, report.files[0]?.importId as string);
    expect(detail?.issues).toMatchObject([{ severity: 'error', code: expect.stringMatching(/^file\./), message: reason }]);
    expect(detail?.analysis).toBeNull();
    // An input error is never retried.
    expect((await syncSource(db, source.id, { retry: FAST_RETRY })).files).toMatchObject([
      { status: 'skipped', reason: /^already rejected/ },
    ]);
    expect(await history(db, source.id)).toHaveLength(1);
  });

  it('never keeps a refused list of named people with their salaries (no SSNs): personal data is not stored', async () => {
    const dir = newDir();
    const source = await folderSource(dir);
    const path = join(dir, 'staff-salaries.csv');
    const text = [
      'Name,Job Title,Department,Annual Salary',
      'Ana Silva,Analyst,Finance,"72,000.00"',
      'Ben Okafor,Engineer,IT,"91,500.00"',
      'Carla Diaz,Manager,Sales,"98,000.00"',
    ];
    writeFileSync(path, `${text.join('\n')}\n`);
    age(path);
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.files).toMatchObject([{ name: 'staff-salaries.csv', status: 'rejected' }]);
    const row = (await history(db, source.id)).find((r) => r.file_name === 'staff-salaries.csv');
    expect(row?.status).toBe('rejected');
    const detail = await getImport(db.pool, orgId, row?.id as string);
    expect(detail.issues.find((i) => i.code === 'pii.detected')?.message).toMatch(
      /names people and column 4 \("Annual Salary"\) holds their pay/,
    );
    expect(detail.fileKeptUntil).toBeNull();
    expect(await getImportFile(db.pool, orgId, row?.id as string)).toBeNull();
    const kept = await db.pool.query('SELECT count(*)::int AS n FROM import_files WHERE import_id = $1', [row?.id]);
    expect(kept.rows[0].n).toBe(0);
  });

  it('waits for a file that is still being written and imports it whole', async () => {
    const dir = newDir();
    const source = await folderSource(dir, { stabilitySeconds: 0.6 });
    const path = join(dir, 'growing.csv');
    const full = bigBudget(200, 'Growing');
    const cut = full.lastIndexOf('\n', full.length / 2) + 1;
    writeFileSync(path, full.slice(0, cut));
    const waits: string[] = [];
    // The writer finishes a little later, within the first stability window.
    const writer = setTimeout(() => appendFileSync(path, full.slice(cut)), 300);
    const report = await syncSource(db, source.id, {
      retry: FAST_RETRY,
      onEvent: (e) => {
        if (e.type === 'waiting') waits.push(e.name);
      },
    });
    clearTimeout(writer);
    expect(waits.length).toBeGreaterThanOrEqual(2);
    expect(report.files).toMatchObject([{ name: 'growing.csv', status: 'imported' }]);
    const h = await history(db, source.id);
    expect(h[0]?.inserted).toBe(200);
  });

  it('leaves a file that keeps changing for the next run', async () => {
    const dir = newDir();
    const source = await folderSource(dir, { stabilitySeconds: 0.3 });
    const path = join(dir, 'busy.csv');
    writeFileSync(path, 'Department,Category,Month,Budget Amount\n');
    const writer = setInterval(() => appendFileSync(path, 'Busy,Travel,2026-01,1.00\n'), 100);
    try {
      const report = await syncSource(db, source.id, { retry: FAST_RETRY, maxStabilityWaitMs: 700 });
      expect(report.files).toMatchObject([{ name: 'busy.csv', status: 'skipped', reason: expect.stringMatching(/still being written/) }]);
      expect(await history(db, source.id)).toEqual([]);
    } finally {
      clearInterval(writer);
    }
  });

  it('skips a file that disappears between the listing and the download', async () => {
    const dir = newDir();
    const source = await folderSource(dir);
    writeFileSync(join(dir, 'a.csv'), bigBudget(5, 'Gone A'));
    writeFileSync(join(dir, 'b.csv'), bigBudget(5, 'Gone B'));
    age(join(dir, 'a.csv'));
    age(join(dir, 'b.csv'));
    const report = await syncSource(db, source.id, {
      retry: FAST_RETRY,
      onEvent: (e) => {
        if (e.type === 'listed') unlinkSync(join(dir, 'a.csv'));
      },
    });
    expect(report.status).toBe('succeeded');
    expect(report.files).toMatchObject([
      { name: 'a.csv', status: 'skipped', reason: expect.stringMatching(/disappeared/) },
      { name: 'b.csv', status: 'imported' },
    ]);
  });

  it('imports each file exactly once when two runs go at once', async () => {
    const dir = newDir();
    const source = await folderSource(dir);
    for (let i = 0; i < 4; i++) {
      const p = join(dir, `team-${i}.csv`);
      writeFileSync(p, bigBudget(300, `Team ${i}`));
      age(p);
    }
    const [a, b] = await Promise.all([syncSource(db, source.id, { retry: FAST_RETRY }), syncSource(db, source.id, { retry: FAST_RETRY })]);
    const imported = [...a.files, ...b.files].filter((f) => f.status === 'imported').map((f) => f.name);
    expect(imported.sort()).toEqual(['team-0.csv', 'team-1.csv', 'team-2.csv', 'team-3.csv']);
    expect([...a.files, ...b.files].filter((f) => f.status === 'failed')).toEqual([]);
    const h = await history(db, source.id);
    expect(h.map((r) => r.file_name).sort()).toEqual(['team-0.csv', 'team-1.csv', 'team-2.csv', 'team-3.csv']);
  });

  it('records a failed run when the folder is missing', async () => {
    const source = await folderSource(join(tmpdir(), 'bs-no-such-folder-xyz'));
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.status).toBe('failed');
    expect(report.reason).toMatch(/does not exist/);
    const r = await db.pool.query('SELECT status, reason FROM source_runs WHERE id = $1', [report.runId]);
    expect(r.rows[0]).toMatchObject({ status: 'failed', reason: expect.stringMatching(/does not exist/) });
  });
});

describe("an organization's folder (a source made over the API)", () => {
  let root: string;
  let orgA: string;
  let orgB: string;
  /** A file of org A that org B must never read. */
  let aFile: string;

  beforeAll(async () => {
    root = newDir();
    process.env.BUDGET_SYNC_FOLDER_ROOT = root;
    orgA = await newOrg(db, 'Org A');
    orgB = await newOrg(db, 'Org B');
    mkdirSync(join(root, orgA), { recursive: true });
    aFile = join(root, orgA, 'a-budget.csv');
    writeFileSync(aFile, bigBudget(3, 'Org A Secret'));
  });

  /** A folder of org B, inside its folder, and its source as the API stores it. */
  async function tenantFolder(name: string, afterImport: 'leave' | 'move' = 'leave'): Promise<{ dir: string; source: DataSource }> {
    const dir = join(root, orgB, name);
    mkdirSync(dir, { recursive: true });
    const source = await createSource(
      db.pool,
      { orgId: orgB, type: 'folder', config: { directory: name, glob: '*', stabilitySeconds: 0 }, afterImport },
      { guard: nodePlaceGuard },
    );
    return { dir, source };
  }

  /** What org B's imports kept, as text: never a byte of /etc/passwd, the environment or org A's file. */
  async function keptByB(): Promise<string> {
    const r = await db.pool.query<{ content_gzip: Buffer }>('SELECT content_gzip FROM import_files WHERE org_id = $1', [orgB]);
    return r.rows.map((x) => gunzipSync(x.content_gzip).toString()).join('\n');
  }

  it("reads regular files only: links to /etc/passwd and to org A's file, and a FIFO, are not read", async () => {
    const { dir, source } = await tenantFolder('links');
    writeFileSync(join(dir, 'ok.csv'), bigBudget(2, 'Org B'));
    symlinkSync('/etc/passwd', join(dir, 'passwd.csv'));
    symlinkSync(aFile, join(dir, 'a.csv'));
    execFileSync('mkfifo', [join(dir, 'pipe.csv')]);
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.status).toBe('succeeded');
    expect(report.files).toMatchObject([{ name: 'ok.csv', status: 'imported' }]);
    const kept = await keptByB();
    expect(kept).toContain('Org B');
    expect(kept).not.toMatch(/root:|Org A Secret/);
  });

  it("refuses a hard link to org A's file", async () => {
    const { dir, source } = await tenantFolder('hard');
    linkSync(aFile, join(dir, 'a-linked.csv'));
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.files).toMatchObject([{ name: 'a-linked.csv', status: 'failed', reason: expect.stringMatching(/hard links/) }]);
    expect(await keptByB()).not.toContain('Org A Secret');
  });

  it('refuses a file swapped for a link between the listing and the read', async () => {
    const { dir, source } = await tenantFolder('swap');
    writeFileSync(join(dir, 'swap.csv'), bigBudget(2, 'Swap'));
    const report = await syncSource(db, source.id, {
      retry: FAST_RETRY,
      onEvent: (e) => {
        if (e.type !== 'listed') return;
        unlinkSync(join(dir, 'swap.csv'));
        symlinkSync('/etc/passwd', join(dir, 'swap.csv'));
      },
    });
    expect(report.files).toMatchObject([{ name: 'swap.csv', status: 'failed', reason: expect.stringMatching(/not a regular file/) }]);
    expect(await history(db, source.id)).toEqual([]);
    expect(await keptByB()).not.toContain('root:');
  });

  it('refuses at sync a folder replaced by a link out after it was configured', async () => {
    const { dir, source } = await tenantFolder('later');
    rmSync(dir, { recursive: true });
    symlinkSync(join(root, orgA), dir);
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report).toMatchObject({ status: 'failed', files: [] });
    expect(report.reason).toMatch(/outside your organization's folder/);
    expect(existsSync(aFile)).toBe(true);
  });

  it('moves only into a real archive/ inside the folder: a link planted as archive/ is not followed', async () => {
    const { dir, source } = await tenantFolder('moves', 'move');
    const outside = newDir();
    symlinkSync(outside, join(dir, 'archive'));
    writeFileSync(join(dir, 'm.csv'), bigBudget(2, 'Moves'));
    const report = await syncSource(db, source.id, { retry: FAST_RETRY });
    expect(report.files).toEqual([{ name: 'm.csv', status: 'imported', importId: expect.any(String) }]);
    expect(readdirSync(outside)).toEqual([]);
    expect(existsSync(join(dir, 'm.csv'))).toBe(true);
    // A real archive/ works as before.
    const { dir: plain, source: plainSource } = await tenantFolder('plain', 'move');
    writeFileSync(join(plain, 'p.csv'), bigBudget(2, 'Plain'));
    expect((await syncSource(db, plainSource.id, { retry: FAST_RETRY })).files).toMatchObject([{ movedTo: 'archive/p.csv' }]);
    expect(readdirSync(join(plain, 'archive'))).toEqual(['p.csv']);
  });

  it("refuses sources stored before the fix: /etc, /proc/self, org A's folder, and a folder outside whose file it would move", async () => {
    // System paths are only read by the code before the fix (afterImport "leave"): run without the fix,
    // this test must not move a file of the machine. The move is shown on a decoy folder of its own.
    const decoy = newDir();
    writeFileSync(join(decoy, 'victim.csv'), bigBudget(2, 'Victim'));
    for (const [directory, glob, afterImport] of [
      ['/etc', 'passwd', 'leave'],
      ['/proc/self', 'environ', 'leave'],
      ['../../../../etc', 'passwd', 'leave'],
      [join(root, orgA), '*', 'move'],
      [decoy, '*', 'move'],
    ] as const) {
      const { source } = await tenantFolder('old', afterImport);
      await db.pool.query('UPDATE data_sources SET config = $2::jsonb WHERE id = $1', [
        source.id,
        JSON.stringify({ directory, glob, stabilitySeconds: 0, acceptWarnings: false }),
      ]);
      const report = await syncSource(db, source.id, { retry: FAST_RETRY });
      expect(report, directory).toMatchObject({ status: 'failed', files: [] });
      expect(report.reason, directory).toMatch(/outside your organization's folder/);
    }
    expect(existsSync(aFile)).toBe(true);
    expect(readdirSync(decoy)).toEqual(['victim.csv']);
    expect(await keptByB()).not.toMatch(/root:|DATABASE_URL|BUDGET_SYNC_SECRET_KEY|Org A Secret|Victim/);
  });
});
