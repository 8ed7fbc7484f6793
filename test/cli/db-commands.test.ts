/**
 * The database commands of `budget-sync` run for real, as subprocesses against a fresh database on the test
 * server: migrate, orgs, keys, import (with its diff, refusals, overrides, replace mode and remembered
 * mappings) and the import history (list, show, revert, download). Each command costs a process start
 * (about a second: the database layer is heavy to load), so each phase starts its independent commands
 * together in a beforeAll and the tests then read their results; phases run in order.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusDir } from '../support/corpus.ts';
import { createDatabase, dropDatabase } from '../support/postgres.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'cli/bin/budget-sync.js');
const corpus = (file: string): string => join(corpusDir, file);

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

type Doc = Record<string, unknown>;

let database: { name: string; url: string };
let sql: pg.Client;

function run(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      {
        cwd: root,
        encoding: 'utf8',
        maxBuffer: 16 << 20,
        env: { ...process.env, DATABASE_URL: database.url, BUDGET_SYNC_ACTOR: 'cli-test', ...env },
      },
      (error, stdout, stderr) => {
        const code = (error as { code?: unknown } | null)?.code;
        resolve({ status: error ? (typeof code === 'number' ? code : -1) : 0, stdout, stderr });
      },
    );
  });
}

/** Starts the commands together and waits for all of them. */
async function all<K extends string>(runs: Record<K, Promise<Run>>): Promise<Record<K, Run>> {
  const keys = Object.keys(runs) as K[];
  const done = await Promise.all(keys.map((k) => runs[k]));
  const out = {} as Record<K, Run>;
  keys.forEach((k, i) => {
    out[k] = done[i] as Run;
  });
  return out;
}

/** stdout as exactly one JSON document (JSON.parse refuses anything after the first). */
function json(r: Run): Doc {
  const text = r.stdout.trim();
  expect(text.startsWith('{') && text.endsWith('}'), `stdout is one JSON object:\n${r.stdout}\nstderr:\n${r.stderr}`).toBe(true);
  return JSON.parse(r.stdout) as Doc;
}

const tmp = mkdtempSync(join(tmpdir(), 'budget-sync-cli-db-'));
const basicText = readFileSync(corpus('budget-long-basic.csv'), 'utf8');
/** budget-long-basic.csv with Marketing / Travel / 2026-01 raised from 15863.00 to 16000.00. */
const raisedText = basicText.replace('Marketing,Travel,2026-01,15863.00', 'Marketing,Travel,2026-01,16000.00');
/** The same without the twelve Marketing / Travel lines and without Sales (so Sales is out of its scope). */
const trimmedText = raisedText
  .split('\n')
  .filter((l) => !l.startsWith('Marketing,Travel,') && !l.startsWith('Sales,'))
  .join('\n');
const payrollText = [
  'Employee Name,Department,Category,Pay Period,Gross Pay,Net Pay',
  'Jane Smith,Marketing,Salaries,2026-01,5000.00,3900.00',
  'John Brown,Sales,Salaries,2026-01,4800.00,3700.00',
  'Ana Lopez,Finance,Salaries,2026-01,5200.00,4000.00',
].join('\n');
const zorglText = (travel: string) =>
  ['Department,Category,Month,Zorgl', `Legal,Travel,2027-01,${travel}`, 'Legal,Travel,2027-02,200.00', 'Legal,Events,2027-01,300.00'].join(
    '\n',
  );
const file = (name: string, text: string): string => {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
};
const raised = file('raised.csv', raisedText);
const trimmed = file('trimmed.csv', trimmedText);
const payroll = file('payroll.csv', payrollText);
const zorgl = file('zorgl.csv', zorglText('100.00'));
const zorgl2 = file('zorgl-2.csv', zorglText('150.00'));
const frob = file('frob.csv', 'Department,Category,Month,Frob\nLegal,Travel,2027-03,10.00\n');
const OVERRIDE_REASON = 'Payroll plan used as the FY2026 salary budget';

beforeAll(async () => {
  database = await createDatabase();
  sql = new pg.Client({ connectionString: database.url });
  await sql.connect();
});

afterAll(async () => {
  await sql?.end();
  if (database) await dropDatabase(database.name);
  rmSync(tmp, { recursive: true, force: true });
});

// Filled by the phases, read by later ones.
let acme = '';
let beta = '';
let adminKey = '';
let basicImportId = '';
let piiImportId = '';

describe('migrate and orgs, and errors before any import', () => {
  let first: Run;
  let r: Record<'second' | 'acme' | 'beta' | 'unreachable' | 'missing' | 'usage', Run>;
  beforeAll(async () => {
    first = await run(['migrate', '--json']);
    r = await all({
      second: run(['migrate', '--json']),
      acme: run(['orgs', 'create', 'Acme', '--json']),
      beta: run(['orgs', 'create', 'Beta Corp', '--currency', 'eur', '--fiscal-year-start', '7']),
      unreachable: run(['orgs', 'list', '--json'], { DATABASE_URL: 'postgres://someone:s3cret@127.0.0.1:1/nowhere' }),
      missing: run(['import', join(tmp, 'no-such-budget.csv'), '--org', '00000000-0000-4000-8000-000000000000', '--json']),
      usage: run(['import', corpus('budget-long-basic.csv'), '--json']),
    });
    acme = String(json(r.acme).orgId);
    beta = /\(id ([0-9a-f-]{36})\)/.exec(r.beta.stdout)?.[1] ?? '';
  });

  it('migrate applies every migration, then none; the JSON names the database', () => {
    expect(first.status).toBe(0);
    const one = json(first);
    expect(one).toEqual({ applied: expect.any(Number), total: expect.any(Number), database: expect.stringContaining(database.name) });
    expect(one.applied).toBeGreaterThan(0);
    expect(one.total).toBe(one.applied);
    expect(r.second.status).toBe(0);
    expect(json(r.second)).toEqual({ applied: 0, total: one.total, database: one.database });
  });

  it('orgs create gives the org id and an admin key, which is stored only as a hash', async () => {
    expect(r.acme.status).toBe(0);
    const doc = json(r.acme);
    expect(doc).toMatchObject({
      orgId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      apiKey: expect.stringMatching(/^bsk_[A-Za-z0-9_-]{40,}$/),
    });
    adminKey = String(doc.apiKey);
    const keys = await sql.query('SELECT * FROM api_keys WHERE org_id = $1', [acme]);
    expect(keys.rows).toHaveLength(1);
    for (const row of keys.rows as Doc[]) {
      for (const value of Object.values(row)) expect(String(value)).not.toContain(adminKey);
    }
  });

  it('orgs create says, for people, that the key is shown only once', () => {
    expect(r.beta.status).toBe(0);
    expect(r.beta.stdout).toMatch(
      /Created organization "Beta Corp" \(id [0-9a-f-]{36}\): base currency EUR, fiscal year starting in month 7/,
    );
    expect(r.beta.stdout).toMatch(/shown only once/);
    expect(r.beta.stdout).toMatch(/\n {2}bsk_[A-Za-z0-9_-]+\n/);
    expect(beta).not.toBe('');
  });

  it('a database that cannot be reached: exit 2, naming it without its password', () => {
    expect(r.unreachable.status).toBe(2);
    expect(json(r.unreachable)).toEqual({
      error: { code: 'db.unreachable', message: expect.stringContaining('postgres://someone@127.0.0.1:1/nowhere') },
    });
    expect(r.unreachable.stderr).toMatch(/^budget-sync: Cannot use the database postgres:\/\/someone@127\.0\.0\.1:1\/nowhere/);
    expect(r.unreachable.stdout + r.unreachable.stderr).not.toContain('s3cret');
  });

  it('a missing file: exit 2 with file.unreadable, as analyze reports it', () => {
    expect(r.missing.status).toBe(2);
    expect(json(r.missing)).toMatchObject({
      file: 'no-such-budget.csv',
      error: { code: 'file.unreadable', message: expect.stringMatching(/no-such-budget\.csv: there is no such file/) },
    });
  });

  it('a usage error (no --org) with --json still prints one JSON document, and exits 2', () => {
    expect(r.usage.status).toBe(2);
    expect(json(r.usage)).toEqual({ error: { code: 'usage', message: expect.stringContaining('--org') } });
  });
});

describe('keys, and the first imports', () => {
  let r: Record<'key' | 'orgs' | 'basic' | 'payroll' | 'pii' | 'dirty' | 'zorgl' | 'frob', Run>;
  beforeAll(async () => {
    r = await all({
      key: run(['keys', 'create', '--org', acme, '--name', 'ci', '--scopes', 'budget:read,imports:write', '--json']),
      orgs: run(['orgs', 'list', '--json']),
      basic: run(['import', corpus('budget-long-basic.csv'), '--org', acme, '--json']),
      payroll: run(['import', payroll, '--org', beta]),
      pii: run(['import', corpus('payroll-jan.csv'), '--org', beta, '--override-kind', OVERRIDE_REASON, '--accept-warnings', '--json']),
      dirty: run(['import', corpus('budget-dirty.xlsx'), '--org', beta, '--json']),
      zorgl: run(['import', zorgl, '--org', beta, '--map', 'Zorgl=amount', '--json']),
      frob: run(['import', frob, '--org', beta, '--map', 'Frob=amount', '--dry-run', '--json']),
    });
    basicImportId = String(json(r.basic).importId);
    piiImportId = String(json(r.pii).importId);
  });

  it('keys create gives the key once, with its id, prefix and scopes', () => {
    expect(r.key.status).toBe(0);
    const doc = json(r.key);
    expect(doc).toMatchObject({
      keyId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      apiKey: expect.stringMatching(/^bsk_/),
      prefix: String(doc.apiKey).slice(0, 12),
      scopes: ['budget:read', 'imports:write'],
    });
  });

  it('orgs list has both organizations', () => {
    const doc = json(r.orgs) as { orgs: Doc[] };
    // Both were created at once, so in either order.
    expect(doc.orgs.map((o) => o.name).sort()).toEqual(['Acme', 'Beta Corp']);
    expect(doc.orgs.find((o) => o.id === beta)).toMatchObject({ name: 'Beta Corp', baseCurrency: 'EUR', fiscalYearStartMonth: 7 });
  });

  it('imports budget-long-basic.csv: succeeded, with counts, the issues and the first 100 inserted lines', () => {
    expect(r.basic.status).toBe(0);
    const doc = json(r.basic) as Doc & { diff: { inserted: Doc[]; updated: Doc[]; removed: Doc[] } };
    expect(doc).toMatchObject({
      importId: expect.stringMatching(/^[0-9a-f-]{36}$/),
      status: 'succeeded',
      counts: { inserted: 240, updated: 0, unchanged: 0, removed: 0 },
      issues: [],
      reason: null,
      file: 'budget-long-basic.csv',
    });
    expect(doc.diff.inserted).toHaveLength(100);
    expect(doc.diff.inserted[0]).toMatchObject({
      department: 'Marketing',
      category: 'Travel',
      project: null,
      period: '2026-01',
      amount: '15863.00',
    });
    expect(doc.diff.updated).toEqual([]);
    expect(doc.diff.removed).toEqual([]);
  });

  it('a payroll file is refused (exit 1, kind.mismatch), saying to use --override-kind', () => {
    expect(r.payroll.status).toBe(1);
    expect(r.payroll.stdout).toMatch(/ERROR kind\.mismatch/);
    expect(r.payroll.stdout).toMatch(/Not imported \(import [0-9a-f-]{36} records why\): This file looks like payroll/);
    expect(r.payroll.stdout).toMatch(/To import it: .*--override-kind "/);
  });

  it('personal identifiers block an import even with --override-kind', () => {
    expect(r.pii.status).toBe(1);
    const doc = json(r.pii) as Doc & { issues: Doc[] };
    expect(doc.status).toBe('rejected');
    expect(doc.issues).toContainEqual(expect.objectContaining({ code: 'pii.detected', severity: 'error', column: 3 }));
  });

  it('budget-dirty.xlsx is refused (exit 1) with issues carrying their rows and columns', () => {
    expect(r.dirty.status).toBe(1);
    const doc = json(r.dirty) as Doc & { issues: Doc[] };
    expect(doc).toMatchObject({
      status: 'rejected',
      counts: { inserted: 0, updated: 0, unchanged: 0, removed: 0 },
      reason: expect.any(String),
    });
    expect(doc.issues).toContainEqual(expect.objectContaining({ code: 'amount.invalid', severity: 'error', row: 38, column: 4 }));
    for (const i of doc.issues.filter((x) => x.severity === 'error')) expect(i.row).toEqual(expect.any(Number));
  });

  it('--map maps a column no one would recognise, and remembers it; a dry run remembers nothing', async () => {
    expect(r.zorgl.status).toBe(0);
    expect(json(r.zorgl)).toMatchObject({ status: 'succeeded', counts: { inserted: 3 } });
    expect(r.frob.status).toBe(0);
    expect(json(r.frob)).toMatchObject({ status: 'dry_run', importId: null, counts: { inserted: 1 } });
    const memory = await sql.query('SELECT header, field FROM remembered_mappings WHERE org_id = $1 ORDER BY header', [beta]);
    expect(memory.rows).toEqual([{ header: 'zorgl', field: 'amount' }]);
  });
});

let overrideImportId = '';
let zorgl2ImportId = '';

describe('keys revoke, importing again, dry runs and overrides', () => {
  let r: Record<'revoke' | 'again' | 'dry' | 'override' | 'zorgl2', Run>;
  let prefix = '';
  beforeAll(async () => {
    prefix = adminKey.slice(0, 12);
    r = await all({
      revoke: run(['keys', 'revoke', prefix, '--org', acme, '--json']),
      again: run(['import', corpus('budget-long-basic.csv'), '--org', acme, '--json']),
      dry: run(['import', raised, '--org', acme, '--dry-run', '--json']),
      override: run([
        'import',
        payroll,
        '--org',
        beta,
        '--override-kind',
        OVERRIDE_REASON,
        '--accept-warnings',
        '--actor',
        'dana@beta.example',
        '--json',
      ]),
      zorgl2: run(['import', zorgl2, '--org', beta, '--json']),
    });
    overrideImportId = String(json(r.override).importId);
    zorgl2ImportId = String(json(r.zorgl2).importId);
  });

  it('keys revoke by prefix', () => {
    expect(r.revoke.status).toBe(0);
    expect(json(r.revoke)).toMatchObject({ keyId: expect.stringMatching(/^[0-9a-f-]{36}$/), revokedAt: expect.any(String) });
  });

  it('the same file again: no_changes', () => {
    expect(r.again.status).toBe(0);
    expect(json(r.again)).toMatchObject({ status: 'no_changes', counts: { inserted: 0, updated: 0, unchanged: 240, removed: 0 } });
  });

  it('--dry-run shows the update and writes nothing, not even history', async () => {
    expect(r.dry.status).toBe(0);
    const doc = json(r.dry) as Doc & { diff: { updated: Doc[] } };
    expect(doc).toMatchObject({ importId: null, status: 'dry_run', counts: { inserted: 0, updated: 1, unchanged: 239, removed: 0 } });
    expect(doc.diff.updated).toEqual([
      expect.objectContaining({
        department: 'Marketing',
        category: 'Travel',
        project: null,
        period: '2026-01',
        amountBefore: '15863.00',
        amountAfter: '16000.00',
        changes: ['amount'],
      }),
    ]);
    const sha = createHash('sha256').update(raisedText).digest('hex');
    expect((await sql.query('SELECT 1 FROM import_history WHERE sha256 = $1', [sha])).rowCount).toBe(0);
    const line = await sql.query(
      `SELECT amount::text FROM budget_lines WHERE org_id = $1 AND department = 'Marketing' AND category = 'Travel' AND period = '2026-01'`,
      [acme],
    );
    expect(line.rows).toEqual([{ amount: '15863.00' }]);
  });

  it('--override-kind imports the payroll file, and the history row records the reason', async () => {
    expect(r.override.status).toBe(0);
    expect(json(r.override)).toMatchObject({ status: 'succeeded', counts: { inserted: 3 } });
    const h = await sql.query('SELECT kind, override_kind_reason, actor FROM import_history WHERE id = $1', [overrideImportId]);
    expect(h.rows).toEqual([{ kind: 'payroll', override_kind_reason: OVERRIDE_REASON, actor: 'dana@beta.example' }]);
  });

  it('a remembered mapping is used without --map', () => {
    expect(r.zorgl2.status).toBe(0);
    expect(json(r.zorgl2)).toMatchObject({ status: 'succeeded', counts: { updated: 1, unchanged: 2 } });
  });
});

describe('keys list, the diff for people, imports show and download', () => {
  let r: Record<'keys' | 'raise' | 'showZorgl' | 'showOverride' | 'download' | 'downloadPii', Run>;
  const out = join(tmp, 'downloaded.csv');
  beforeAll(async () => {
    r = await all({
      keys: run(['keys', 'list', '--org', acme, '--json']),
      raise: run(['import', raised, '--org', acme]),
      showZorgl: run(['imports', 'show', zorgl2ImportId, '--json']),
      showOverride: run(['imports', 'show', overrideImportId]),
      download: run(['imports', 'download', basicImportId, '--org', acme, '--out', out]),
      downloadPii: run(['imports', 'download', piiImportId, '--out', join(tmp, 'pii.csv'), '--json']),
    });
  });

  it('keys list shows each key without the key itself, and the revoked one as revoked', () => {
    expect(r.keys.status).toBe(0);
    const doc = json(r.keys) as { keys: Doc[] };
    expect(doc.keys).toHaveLength(2);
    for (const k of doc.keys)
      expect(Object.keys(k).sort()).toEqual(['createdAt', 'createdBy', 'id', 'lastUsedAt', 'name', 'prefix', 'revokedAt', 'scopes']);
    expect(doc.keys.find((k) => k.name === 'admin')?.revokedAt).toEqual(expect.any(String));
    // Keys record who made them: the CLI's actor; the org's first key was made by `orgs create`, before anyone.
    expect(doc.keys.find((k) => k.name === 'ci')?.createdBy).toBe('cli-test');
    expect(doc.keys.find((k) => k.name === 'ci')?.revokedAt).toBeNull();
    expect(r.keys.stdout).not.toContain(adminKey);
    expect(r.keys.stdout).not.toMatch(/bsk_[A-Za-z0-9_-]{20,}/);
  });

  it('the human output shows the diff and says what happened', () => {
    expect(r.raise.status).toBe(0);
    expect(r.raise.stdout).toMatch(/0 inserted, 1 updated, 0 removed, 239 unchanged\./);
    expect(r.raise.stdout).toMatch(/\n~ Marketing \/ Travel \/ 2026-01 +15863\.00 → 16000\.00\n/);
    expect(r.raise.stdout).toMatch(
      /Imported raised\.csv into Acme: 0 inserted, 1 updated, 0 removed, 239 unchanged \(import [0-9a-f-]{36}\)/,
    );
  });

  it('imports show (without --org) has the mapping, which used the remembered choice', () => {
    expect(r.showZorgl.status).toBe(0);
    const doc = json(r.showZorgl) as Doc & { analysis: { mapping: Doc[] } };
    expect(doc).toMatchObject({
      id: zorgl2ImportId,
      orgId: beta,
      status: 'succeeded',
      fileName: 'zorgl-2.csv',
      actor: 'cli-test',
      source: 'cli',
    });
    expect(doc.analysis.mapping).toContainEqual(expect.objectContaining({ header: 'Zorgl', field: 'amount', method: 'remembered' }));
  });

  it('imports show for people: status, who, the override reason, and whether the file is kept', () => {
    expect(r.showOverride.status).toBe(0);
    expect(r.showOverride.stdout).toMatch(/Status: +succeeded/);
    expect(r.showOverride.stdout).toMatch(/By: +dana@beta\.example via cli/);
    expect(r.showOverride.stdout).toContain(`imported as a budget because: ${OVERRIDE_REASON}`);
    // Named people with their pay are personal data: imported on override, the original is never kept.
    expect(r.showOverride.stdout).toMatch(/Original: +not kept/);
    expect(r.showOverride.stdout).toMatch(/WARNING pii\.detected \(column A\): Column 1 \("Employee Name"\) names people/);
  });

  it('imports download writes the original bytes back', () => {
    expect(r.download.status).toBe(0);
    expect(readFileSync(out)).toEqual(readFileSync(corpus('budget-long-basic.csv')));
  });

  it('imports download of a file never kept (personal identifiers): exit 1, saying so', () => {
    expect(r.downloadPii.status).toBe(1);
    expect(json(r.downloadPii)).toEqual({ error: { code: 'import.file_not_kept', message: expect.stringMatching(/never stored/) } });
  });
});

let replaceImportId = '';

describe('replace mode and reverts', () => {
  let r: Record<'conflict' | 'replace', Run>;
  beforeAll(async () => {
    r = await all({
      conflict: run(['imports', 'revert', basicImportId, '--org', acme, '--json']),
      replace: run(['import', trimmed, '--org', acme, '--mode', 'replace', '--json']),
    });
    replaceImportId = String(json(r.replace).importId);
  });

  it('--mode replace removes the lines of its scope that the file lacks', () => {
    expect(r.replace.status).toBe(0);
    const doc = json(r.replace) as Doc & { diff: { removed: Doc[] } };
    expect(doc).toMatchObject({ status: 'succeeded', counts: { inserted: 0, removed: 12 } });
    expect(doc.diff.removed).toContainEqual(
      expect.objectContaining({ department: 'Marketing', category: 'Travel', period: '2026-03', amount: '13422.00' }),
    );
  });

  it('a revert whose lines changed since: exit 1, listing the lines', () => {
    expect(r.conflict.status).toBe(1);
    const doc = json(r.conflict) as { error: { code: string; message: string; conflicts: Doc[] } };
    expect(doc.error.code).toBe('import.revert_conflict');
    expect(doc.error.conflicts).toContainEqual(
      expect.objectContaining({
        department: 'Marketing',
        category: 'Travel',
        project: null,
        period: '2026-01',
        reason: expect.any(String),
      }),
    );
    expect(r.conflict.stderr).toMatch(/Lines in conflict:\n {2}Marketing \/ Travel \/ 2026-01: /);
  });

  describe('then', () => {
    let revert: Run;
    let list: Run;
    beforeAll(async () => {
      revert = await run(['imports', 'revert', replaceImportId, '--json']);
      list = await run(['imports', 'list', '--org', acme, '--limit', '2', '--json']);
    });

    it('imports revert (without --org) brings the removed lines back', async () => {
      expect(revert.status).toBe(0);
      expect(json(revert)).toEqual({ importId: replaceImportId, status: 'reverted', counts: { deleted: 0, restored: 0, undeleted: 12 } });
      const live = await sql.query(
        `SELECT count(*)::int AS n FROM budget_lines WHERE org_id = $1 AND department = 'Marketing' AND category = 'Travel' AND deleted_at IS NULL`,
        [acme],
      );
      expect(live.rows).toEqual([{ n: 12 }]);
    });

    it('imports list shows the newest first, with the revert recorded', () => {
      expect(list.status).toBe(0);
      const doc = json(list) as { imports: Doc[] };
      expect(doc.imports).toHaveLength(2);
      expect(doc.imports[0]).toMatchObject({ id: replaceImportId, status: 'reverted', mode: 'replace', revertedBy: 'cli-test' });
      expect(doc.imports[1]).toMatchObject({ fileName: 'raised.csv', status: 'succeeded', counts: { updated: 1 } });
    });
  });
});

describe('users add, list and remove (issue 15)', () => {
  let added: Record<'json' | 'human' | 'badRole', Run>;
  let later: Record<'list' | 'remove' | 'removeAgain' | 'listAfter', Run>;
  beforeAll(async () => {
    added = await all({
      json: run(['users', 'add', 'Dana@Example.com', '--org', acme, '--role', 'approver', '--departments', 'Marketing, Sales', '--json'], {
        BUDGET_SYNC_PUBLIC_URL: 'https://budget.example.com/',
      }),
      human: run(['users', 'add', 'eli@example.com', '--org', acme, '--role', 'viewer']),
      badRole: run(['users', 'add', 'x@example.com', '--org', acme, '--role', 'owner', '--json']),
    });
    // In order: the listing before the removal, the second removal after the first.
    const list = await run(['users', 'list', '--org', acme, '--json']);
    const remove = await run(['users', 'remove', 'dana@example.com', '--org', acme]);
    later = {
      list,
      remove,
      ...(await all({
        removeAgain: run(['users', 'remove', 'dana@example.com', '--org', acme, '--json']),
        listAfter: run(['users', 'list', '--org', acme]),
      })),
    };
  });

  it('users add --json prints the userId and a one-time sign-in URL on the public address', () => {
    expect(added.json.status).toBe(0);
    const doc = json(added.json);
    expect(doc).toMatchObject({ userId: expect.any(String), role: 'approver', departments: ['Marketing', 'Sales'] });
    expect(doc.signInUrl).toMatch(/^https:\/\/budget\.example\.com\/sign-in\/link\?token=[A-Za-z0-9_-]{43}$/);
  });

  it('users add prints the link for people, and refuses a role that does not exist', () => {
    expect(added.human.status).toBe(0);
    expect(added.human.stdout).toContain('eli@example.com is viewer of Acme.');
    expect(added.human.stdout).toMatch(/http:\/\/127\.0\.0\.1:8787\/sign-in\/link\?token=[A-Za-z0-9_-]{43}/);
    expect(added.badRole.status).toBe(2);
    expect(json(added.badRole)).toMatchObject({ error: { code: 'input.invalid' } });
    expect(added.badRole.stdout).toContain('viewer, editor, approver, admin');
  });

  it('users list shows role, departments and who added them; remove takes them out, once', () => {
    const doc = json(later.list) as { users: Doc[] };
    expect(doc.users.map((u) => [u.email, u.role, u.departments, u.createdBy])).toEqual([
      ['Dana@Example.com', 'approver', ['Marketing', 'Sales'], 'cli-test'],
      ['eli@example.com', 'viewer', null, 'cli-test'],
    ]);
    expect(later.remove.status).toBe(0);
    expect(later.remove.stdout).toContain('Removed Dana@Example.com from Acme');
    expect(later.removeAgain.status).toBe(2);
    expect(json(later.removeAgain)).toMatchObject({ error: { code: 'user.not_found' } });
    expect(later.listAfter.stdout).toContain('eli@example.com');
    expect(later.listAfter.stdout).not.toContain('Dana@Example.com');
  });
});

describe('--set and --map to the direction and a dimension (issue 12)', () => {
  // One unit's grant budget: no department column, years counted from the first, and a "Side" column that
  // detection does not read as the direction (a row that says neither).
  const grant = (travel: string) =>
    file(
      `grant-${travel}.csv`,
      [
        'Category,Side,Fund Ref,Year 1,Year 2',
        `Travel,Expense,F-1,${travel},200.00`,
        'Fees,Revenue,F-1,50.00,60.00',
        'Other,n/a,F-2,5.00,6.00',
      ].join('\n'),
    );
  let first: Run;
  let r: Record<'again' | 'show' | 'badSet' | 'badMap', Run>;
  beforeAll(async () => {
    first = await run([
      'import',
      grant('100.00'),
      '--org',
      beta,
      '--set',
      'department=Research',
      '--set',
      'fiscal_year=FY2030',
      '--map',
      'Side=direction',
      '--map',
      'Fund Ref=dimension:fund',
      '--accept-warnings',
      '--json',
    ]);
    const id = String(json(first).importId);
    r = await all({
      // The same layout again, with no --map: the remembered choices read it the same way.
      again: run([
        'import',
        grant('110.00'),
        '--org',
        beta,
        '--set',
        'department=Research',
        '--set',
        'fiscal_year=2030',
        '--accept-warnings',
        '--json',
      ]),
      show: run(['imports', 'show', id]),
      badSet: run(['import', grant('100.00'), '--org', beta, '--set', 'fiscal_year=20x6', '--json']),
      badMap: run(['import', grant('100.00'), '--org', beta, '--map', 'Side=sideways', '--json']),
    });
  });

  it('imports with the values set and the columns mapped, and remembers the mappings', async () => {
    expect(first.status).toBe(0);
    expect(json(first)).toMatchObject({ status: 'succeeded', counts: { inserted: 6 } });
    const lines = await sql.query(
      `SELECT category, period, direction, dimensions FROM budget_lines WHERE org_id = $1 AND department = 'Research' ORDER BY category, period`,
      [beta],
    );
    expect(lines.rows.map((l) => [l.category, l.period, l.direction, l.dimensions])).toEqual([
      ['Fees', 'FY2030', 'revenue', { fund: 'F-1' }],
      ['Fees', 'FY2031', 'revenue', { fund: 'F-1' }],
      ['Other', 'FY2030', 'expense', { fund: 'F-2' }],
      ['Other', 'FY2031', 'expense', { fund: 'F-2' }],
      ['Travel', 'FY2030', 'expense', { fund: 'F-1' }],
      ['Travel', 'FY2031', 'expense', { fund: 'F-1' }],
    ]);
    const memory = await sql.query(`SELECT header, field FROM remembered_mappings WHERE org_id = $1 AND header IN ('side', 'fund ref')`, [
      beta,
    ]);
    expect(memory.rows.sort((a, b) => a.header.localeCompare(b.header))).toEqual([
      { header: 'fund ref', field: 'dimension:fund' },
      { header: 'side', field: 'direction' },
    ]);
  });

  it('the same layout again is read the same way without --map: only the changed amount updates', () => {
    expect(r.again.status).toBe(0);
    expect(json(r.again)).toMatchObject({ status: 'succeeded', counts: { inserted: 0, updated: 1, unchanged: 5 } });
  });

  it('imports show lists the values set', () => {
    expect(r.show.status).toBe(0);
    expect(r.show.stdout).toMatch(/Set: +department=Research, fiscal_year=2030\n/);
  });

  it('a value or a mapping it cannot take: exit 2, saying what it takes', () => {
    expect(r.badSet.status).toBe(2);
    expect(json(r.badSet)).toMatchObject({ error: { message: '--set fiscal_year must be a year such as 2026 or FY2026, not "20x6".' } });
    expect(r.badMap.status).toBe(2);
    expect(json(r.badMap)).toMatchObject({
      error: { code: 'input.invalid', message: expect.stringMatching(/"sideways" is not a budget field/) },
    });
  });
});

describe('users: the last admin stays, and history says who changed whom', () => {
  let runs: Record<'addAdmin' | 'removeLast' | 'demoteLast' | 'history' | 'historyJson', Run>;
  beforeAll(async () => {
    const addAdmin = await run(['users', 'add', 'ada@example.com', '--org', acme, '--role', 'admin', '--actor', 'ops-team']);
    const removeLast = await run(['users', 'remove', 'ada@example.com', '--org', acme, '--json']);
    const demoteLast = await run(['users', 'add', 'ada@example.com', '--org', acme, '--role', 'viewer']);
    runs = {
      addAdmin,
      removeLast,
      demoteLast,
      ...(await all({
        history: run(['users', 'history', '--org', acme]),
        historyJson: run(['users', 'history', '--org', acme, '--limit', '2', '--json']),
      })),
    };
  });

  it('removing or demoting the last admin exits 1 and says what to do', () => {
    expect(runs.addAdmin.status).toBe(0);
    expect(runs.removeLast.status).toBe(1);
    const refused = json(runs.removeLast) as { error: { code: string; message: string } };
    expect(refused.error.code).toBe('user.last_admin');
    expect(refused.error.message).toContain(`Make another person admin first ("budget-sync users add EMAIL --org ${acme} --role admin"`);
    expect(runs.demoteLast.status).toBe(1);
    expect(runs.demoteLast.stdout + runs.demoteLast.stderr).toContain('making them viewer');
  });

  it('users history lists every addition and removal with who made it, newest first', () => {
    expect(runs.history.status).toBe(0);
    const lines = runs.history.stdout.split('\n');
    const row = (email: string, change: string) => lines.findIndex((l) => l.includes(email) && l.includes(change));
    expect(row('ada@example.com', 'added as admin')).toBeGreaterThan(0);
    expect(lines[row('ada@example.com', 'added as admin')]).toContain('ops-team');
    expect(lines[row('Dana@Example.com', 'removed (was approver, departments: Marketing, Sales)')]).toContain('cli-test');
    expect(row('ada@example.com', 'added as admin')).toBeLessThan(row('Dana@Example.com', 'removed'));
    expect(row('Dana@Example.com', 'removed')).toBeLessThan(row('Dana@Example.com', 'added as approver'));
    const doc = json(runs.historyJson) as { changes: Doc[] };
    expect(doc.changes).toHaveLength(2);
    expect(doc.changes[0]).toMatchObject({ email: 'ada@example.com', action: 'added', actor: 'ops-team', after: { role: 'admin' } });
    expect(doc.changes[1]).toMatchObject({ email: 'Dana@Example.com', action: 'removed', actor: 'cli-test', after: null });
  });
});
