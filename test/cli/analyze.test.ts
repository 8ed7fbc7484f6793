/**
 * `budget-sync analyze` run for real, as a subprocess: exit 0 importable, 1 not importable, 2 unreadable
 * input or bad usage; `--json` prints exactly one JSON document with the DESIGN §3 keys; the human output
 * explains the kind, the mapping, the lines and the issues.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { corpusDir } from '../support/corpus.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const bin = join(root, 'cli/bin/budget-sync.js');

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

function run(...args: string[]): Run {
  try {
    const stdout = execFileSync(process.execPath, [bin, ...args], { cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
    return { status: 0, stdout, stderr: '' };
  } catch (e) {
    const err = e as { status: number | null; stdout: string; stderr: string };
    if (typeof err.status !== 'number') throw e;
    return { status: err.status, stdout: err.stdout, stderr: err.stderr };
  }
}

const corpus = (file: string): string => join(corpusDir, file);

const tmp = mkdtempSync(join(tmpdir(), 'budget-sync-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('budget-sync --version', () => {
  it("prints the project's version and exits 0", () => {
    const r = run('--version');
    const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { version: string };
    expect(r).toEqual({ status: 0, stdout: `${version}\n`, stderr: '' });
  });
});

describe('budget-sync analyze --json', () => {
  const basic = run('analyze', corpus('budget-long-basic.csv'), '--json');

  it('exits 0 for an importable budget and prints exactly one JSON document', () => {
    expect(basic.status).toBe(0);
    expect(basic.stderr).toBe('');
    expect(() => JSON.parse(basic.stdout)).not.toThrow();
    expect(basic.stdout.trim().startsWith('{')).toBe(true);
    expect(basic.stdout.trim().endsWith('}')).toBe(true);
  });

  it('has the DESIGN §3 keys with their shapes', () => {
    const doc = JSON.parse(basic.stdout) as Record<string, unknown>;
    for (const key of ['file', 'sheet', 'headerRow', 'layout', 'kind', 'mapping', 'lines', 'issues', 'stats'])
      expect(doc).toHaveProperty(key);
    expect(doc).toMatchObject({ file: 'budget-long-basic.csv', headerRow: 1, layout: 'long' });
    expect(doc.kind).toEqual({ kind: 'budget', confidence: expect.any(Number), reasons: expect.arrayContaining([expect.any(String)]) });
    const mapping = doc.mapping as Record<string, unknown>[];
    expect(mapping[0]).toMatchObject({ field: 'department', column: 1, header: 'Department', confidence: 1 });
    for (const m of mapping) expect(Object.keys(m)).toEqual(expect.arrayContaining(['field', 'column', 'header', 'confidence']));
    const lines = doc.lines as Record<string, unknown>[];
    expect(lines).toHaveLength(240);
    expect(lines[0]).toMatchObject({
      department: 'Marketing',
      category: 'Travel',
      project: null,
      period: '2026-01',
      fiscalYear: 2026,
      amount: '15863.00',
      currency: 'USD',
      sourceRow: 2,
    });
    expect(doc.issues).toEqual([]);
    expect(doc.stats).toMatchObject({ rows: 240, lines: 240, total: '2922279.00', importable: true });
  });

  it('issues carry severity, code, message, row and column', () => {
    const dirty = run('analyze', corpus('budget-dirty.xlsx'), '--json');
    const doc = JSON.parse(dirty.stdout) as { issues: Record<string, unknown>[]; stats: { importable: boolean } };
    expect(doc.issues.length).toBeGreaterThan(0);
    for (const i of doc.issues) expect(Object.keys(i)).toEqual(expect.arrayContaining(['severity', 'code', 'message', 'row', 'column']));
    expect(doc.issues).toContainEqual(expect.objectContaining({ code: 'amount.invalid', severity: 'error', row: 38 }));
  });

  it('exits 1 for a budget with errors (budget-dirty.xlsx), still printing the analysis', () => {
    const r = run('analyze', corpus('budget-dirty.xlsx'), '--json');
    expect(r.status).toBe(1);
    expect(JSON.parse(r.stdout)).toMatchObject({ kind: { kind: 'budget' }, stats: { importable: false } });
  });

  it('exits 1 for a payroll file, with kind.mismatch', () => {
    const r = run('analyze', corpus('payroll-jan.csv'), '--json');
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout) as {
      kind: { kind: string };
      issues: { severity: string; code: string; message: string }[];
      stats: { errors: number; warnings: number };
    };
    expect(doc.kind.kind).toBe('payroll');
    expect(doc.issues.map((i) => i.code)).toContain('kind.mismatch');
    // What an override of the kind would still meet is listed too (issue 14: it was found only after overriding).
    expect(doc.issues).toContainEqual(
      expect.objectContaining({
        severity: 'error',
        code: 'field.missing',
        message: expect.stringMatching(/^Even imported as a budget anyway/),
      }),
    );
    // One code at two severities (pii.detected) is counted at each.
    const bySeverity = (s: string) => doc.issues.filter((i) => i.severity === s).length;
    expect(doc.stats).toMatchObject({ errors: bySeverity('error'), warnings: bySeverity('warning') });
  });

  it('with --fiscal-year-start 7, Jul-25 on row 2 of budget-fiscal-july.csv is period 2025-07 of fiscal year 2026', () => {
    const r = run('analyze', corpus('budget-fiscal-july.csv'), '--fiscal-year-start', '7', '--json');
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout) as { lines: { sourceRow: number; period: string; fiscalYear: number }[] };
    expect(doc.lines.find((l) => l.sourceRow === 2)).toMatchObject({ period: '2025-07', fiscalYear: 2026 });
  });
});

describe('budget-sync analyze: input it cannot read exits 2 and names the file', () => {
  it('a missing file', () => {
    const file = join(tmp, 'no-such-budget.csv');
    const r = run('analyze', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no-such-budget\.csv/);
    expect(r.stderr).toMatch(/no such file/);
  });

  it('a 0-byte file', () => {
    const file = join(tmp, 'empty.csv');
    writeFileSync(file, '');
    const r = run('analyze', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/empty\.csv.*empty \(0 bytes\)/);
  });

  it('garbage bytes', () => {
    const file = join(tmp, 'garbage.xlsx');
    // A fixed, non-text byte pattern (no randomness: the test must give the same answer every run).
    writeFileSync(
      file,
      Uint8Array.from({ length: 512 }, (_, i) => (i * 151 + 7) % 256),
    );
    const r = run('analyze', file);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/garbage\.xlsx/);
  });

  it('garbage bytes with --json still print one JSON document, holding the error', () => {
    const file = join(tmp, 'garbage.csv');
    writeFileSync(
      file,
      Uint8Array.from({ length: 512 }, (_, i) => (i * 151 + 7) % 256),
    );
    const r = run('analyze', file, '--json');
    expect(r.status).toBe(2);
    expect(JSON.parse(r.stdout)).toMatchObject({
      file: 'garbage.csv',
      error: { code: expect.any(String), message: expect.stringMatching(/garbage\.csv/) },
    });
  });

  it('--sheet with a sheet the workbook does not have, listing the sheets it has', () => {
    const r = run('analyze', corpus('budget-wide-fy2026.xlsx'), '--sheet', 'Forecast');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no sheet named "Forecast"/);
    expect(r.stderr).toMatch(/"Instructions", "FY2026 Budget"/);
  });

  it('--fiscal-year-start 13', () => {
    const r = run('analyze', corpus('budget-long-basic.csv'), '--fiscal-year-start', '13');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--fiscal-year-start must be a month number from 1 to 12, not "13"/);
    expect(r.stdout).toBe('');
  });
});

describe('budget-sync analyze --set: values the file lacks', () => {
  const file = join(tmp, 'research-office.csv');
  writeFileSync(file, 'Category,Jan,Feb\nTravel,100,200\nSupplies,50,60\n');

  it('gives every line the department and fiscal year set, without the proposal warning', () => {
    const r = run('analyze', file, '--set', 'department=Research', '--set', 'fiscal_year=2026', '--json');
    expect(r.status).toBe(0);
    const a = JSON.parse(r.stdout) as { lines: { department: string; period: string }[]; issues: { code: string }[] };
    expect(a.lines.map((l) => [l.department, l.period])).toEqual([
      ['Research', '2026-01'],
      ['Research', '2026-02'],
      ['Research', '2026-01'],
      ['Research', '2026-02'],
    ]);
    expect(a.issues.map((i) => i.code)).not.toContain('department.proposed');
  });

  it('refuses a field it cannot set, naming the ones it can (exit 2)', () => {
    const r = run('analyze', file, '--set', 'colour=red');
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/--set takes one of department, category, fiscal_year, currency, direction/);
    expect(r.stdout).toBe('');
  });
});

describe('budget-sync analyze: the human output', () => {
  const r = run('analyze', corpus('budget-wide-fy2026.xlsx'));

  it('exits 0 and says the file is ready to import', () => {
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^budget-wide-fy2026\.xlsx — sheet "FY2026 Budget": ready to import/);
  });

  it('states the kind with its confidence and reasons', () => {
    expect(r.stdout).toMatch(/Kind: budget \(confidence 0\.\d\d\)/);
    expect(r.stdout).toMatch(/\n {2}- amounts are laid out by period in 12 columns, as budgets are\n/);
  });

  it('shows a mapping table with a confidence per column', () => {
    expect(r.stdout).toMatch(/Mapping:\n\s+column\s+header\s+field\s+confidence\s+why\n/);
    expect(r.stdout).toMatch(/\n\s+1\s+Cost Center\s+department\s+1\.00\s/);
    expect(r.stdout).toMatch(/\n\s+2\s+GL Account\s+category\s+1\.00\s/);
    expect(r.stdout).toMatch(/\n\s+3-14\s+Jan … Dec\s+period\s+0\.95\s+12 period columns\n/);
  });

  it('lists the first lines', () => {
    expect(r.stdout).toMatch(/Lines \(first 10 of 360\):/);
    expect(r.stdout).toMatch(/\n\s+5\s+Marketing\s+Travel\s+2026-03\s+3282\.00\s+USD\n/);
  });

  it('groups the issues by code with their rows', () => {
    expect(r.stdout).toMatch(/INFO row\.total_skipped ×7 \(rows 10, 16, 22, 28, 34, 40, 41\)/);
  });

  it('ends with the totals', () => {
    expect(r.stdout).toMatch(/360 lines, total 1764699\.00 USD; 0 errors, 0 warnings\.\n$/);
  });
});
