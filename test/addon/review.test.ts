/**
 * Review and submission from the built bundle against the real API (the Node entry, real Postgres),
 * over the synchronous UrlFetchApp stand-in: the diff, the import with a mapping override (which the
 * API then remembers), nothing-changed on a second import, a sheet edited after its review, the history
 * and revert; a non-budget sheet refused unless overridden with a reason; an API that is down and a bad
 * key; and a 50,000 × 10 sheet checked, compared and imported within Apps Script's limits, gzip-encoded.
 */
import { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  DiffView,
  ImportRecordView,
  ImportResultView,
  Outcome,
  RevertResultView,
  SheetCheck,
  SidebarState,
} from '../../addon/src/shared/contract.ts';
import { connect, type Harness, startHarness } from './support/harness.ts';
import { bigBudgetSheet, grantSheet, planSheet, sheetFromCsv } from './support/sheets.ts';

let h: Harness;

/** A web server that is not the API, in a worker thread: the synchronous fetch blocks this one. */
async function htmlServer(): Promise<{ url: string; stop: () => Promise<number> }> {
  const worker = new Worker(
    `const http = require('node:http');
     const { parentPort } = require('node:worker_threads');
     const server = http.createServer((req, res) => { res.writeHead(200, { 'content-type': 'text/html' }); res.end('<!doctype html><p>Sign in</p>'); });
     server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));`,
    { eval: true },
  );
  const port = await new Promise<number>((resolve) => worker.once('message', resolve));
  return { url: `http://127.0.0.1:${port}`, stop: () => worker.terminate() };
}

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

function ok<T>(outcome: Outcome<T>): T {
  if (!outcome.ok) throw new Error(`expected ok, got ${JSON.stringify(outcome.error)}`);
  return outcome.value;
}

function failed<T>(outcome: Outcome<T>): { code: string; message: string; status?: number } {
  if (outcome.ok) throw new Error(`expected a failure, got ${JSON.stringify(outcome.value).slice(0, 300)}`);
  return outcome.error;
}

describe('review and import', () => {
  it('not connected: compare and import say to open Settings', () => {
    const env = h.env([planSheet()]);
    expect(failed(env.run<Outcome<DiffView>>('getDiff', {}))).toMatchObject({
      code: 'settings.missing',
      message: expect.stringMatching(/Open Settings/),
    });
    expect(failed(env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: false }))).toMatchObject({
      code: 'settings.missing',
    });
    expect(env.fetches).toEqual([]);
  });

  it('diff → import with an override → nothing changed the second time; the API remembers the override', async () => {
    const env = h.env([planSheet()], 'Team plans');
    connect(env, h.server.url, await h.orgKey('Plans Inc'));
    ok(env.run<Outcome<SheetCheck>>('rememberOverride', 'Zorgl', 'amount'));

    const diff = ok(env.run<Outcome<DiffView>>('getDiff', {}));
    expect(diff).toMatchObject({
      counts: { inserted: 18, updated: 0, removed: 0, unchanged: 0 },
      importable: true,
      reason: null,
      lines: 18,
      total: '56326.50',
    });
    expect(diff.inserted[0]).toEqual({
      label: 'Marketing · Travel · 2026-01',
      detail: '1000.00 USD',
      row: 2,
      dimensions: {},
      direction: 'expense',
    });
    expect(diff.fingerprint).toMatch(/^[0-9a-f]{64}$/);
    // Small sheets go as plain JSON.
    expect(diff.transfer).toMatchObject({ rows: 19, gzip: false });

    const result = ok(
      env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: false, expectedFingerprint: diff.fingerprint }),
    );
    expect(result).toMatchObject({ status: 'succeeded', counts: { inserted: 18 }, message: expect.stringMatching(/^Imported: 18 new/) });
    // The pending override is now the API's memory: the sheet's own list is empty, and the API maps Zorgl by itself.
    expect(env.userProperties.data.has(`budgetSync.overrides.sheet-file-1.0`)).toBe(false);
    const again = ok(env.run<Outcome<DiffView>>('getDiff', {}));
    expect(again.counts).toEqual({ inserted: 0, updated: 0, removed: 0, unchanged: 18 });
    const check = ok(env.run<Outcome<SheetCheck>>('validateActiveSheet'));
    expect(check.columns.find((c) => c.header === 'Zorgl')).toMatchObject({ field: 'amount', method: 'remembered' });
    expect(ok(env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: false }))).toMatchObject({
      status: 'no_changes',
      message: expect.stringMatching(/Nothing changed/),
    });

    const history = ok(env.run<Outcome<ImportRecordView[]>>('listRecentImports'));
    expect(history.map((r) => [r.fileName, r.status, r.revertible, r.set])).toEqual([
      ['Team plans / Plan', 'no_changes', false, {}],
      ['Team plans / Plan', 'succeeded', true, {}],
    ]);
    const reverted = ok(env.run<Outcome<RevertResultView>>('revertImport', result.importId));
    expect(reverted.message).toMatch(/^Reverted: 18 lines removed/);
    expect(failed(env.run<Outcome<RevertResultView>>('revertImport', result.importId))).toMatchObject({
      code: 'import.not_revertible',
      status: 409,
    });
    expect(failed(env.run<Outcome<RevertResultView>>('revertImport', '../settings'))).toMatchObject({ code: 'request.invalid' });
    expect(ok(env.run<Outcome<ImportRecordView[]>>('listRecentImports'))[1]).toMatchObject({ status: 'reverted', revertible: false });
  });

  it('a sheet edited after its review is not imported until reviewed again', async () => {
    const env = h.env([planSheet()]);
    connect(env, h.server.url, await h.orgKey('Editors'));
    const diff = ok(env.run<Outcome<DiffView>>('getDiff', {}));
    env.spreadsheet.sheet('Plan').write(2, 4, 9);
    const before = env.fetches.length;
    const refused = failed(
      env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: true, expectedFingerprint: diff.fingerprint }),
    );
    expect(refused).toMatchObject({ code: 'sheet.changed', message: expect.stringMatching(/Review the changes again/) });
    expect(env.fetches.length).toBe(before);
  });

  it('replace mode removes the stored lines the sheet no longer has', async () => {
    const env = h.env([planSheet()]);
    connect(env, h.server.url, await h.orgKey('Replacers'));
    ok(env.run('rememberOverride', 'Zorgl', 'amount'));
    ok(env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: false }));
    const sheet = env.spreadsheet.sheet('Plan');
    sheet.values = sheet.values.slice(0, -2);
    ok(env.run('rememberOverride', 'Zorgl', 'amount'));
    const diff = ok(env.run<Outcome<DiffView>>('getDiff', {}));
    expect(diff.counts).toMatchObject({ inserted: 0, removed: 0, unchanged: 16 });
    const replaced = ok(env.run<Outcome<ImportResultView>>('submitImport', { mode: 'replace', acceptWarnings: false }));
    expect(replaced.counts).toMatchObject({ removed: 2, unchanged: 16 });
  });

  it('a payroll sheet is shown as payroll and refused; importing it anyway needs a reason', async () => {
    const env = h.env([sheetFromCsv('payroll-jan.csv', 'January payroll')]);
    connect(env, h.server.url, await h.orgKey('Payroll Co'));
    const diff = ok(env.run<Outcome<DiffView>>('getDiff', {}));
    expect(diff).toMatchObject({ kind: { kind: 'payroll' }, importable: false, counts: { inserted: 0 } });
    expect(diff.reason).toMatch(/payroll/i);
    const refused = failed(env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: true }));
    expect(refused).toMatchObject({ code: 'import.rejected', status: 422 });
    expect(
      failed(env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: true, overrideKind: true, reason: '  ' })),
    ).toMatchObject({
      code: 'request.invalid',
      message: expect.stringMatching(/Say why/),
    });
    expect(ok(env.run<Outcome<ImportRecordView[]>>('listRecentImports')).map((r) => r.status)).toEqual(['rejected']);
  });

  it('an API that is down, a bad key and a wrong address each say what to do', async () => {
    const env = h.env([planSheet()]);
    connect(env, 'http://127.0.0.1:9', h.server.key);
    expect(failed(env.run<Outcome<DiffView>>('getDiff', {}))).toMatchObject({
      code: 'api.unreachable',
      message: expect.stringMatching(/Check the address in Settings/),
    });
    expect(failed(env.run<Outcome<ImportRecordView[]>>('listRecentImports'))).toMatchObject({ code: 'api.unreachable' });
    connect(env, h.server.url, `bsk_${'A'.repeat(43)}`);
    const bad = failed(env.run<Outcome<DiffView>>('getDiff', {}));
    expect(bad).toMatchObject({
      code: 'auth.invalid_key',
      status: 401,
      message: expect.stringMatching(/API key was refused.*Open Settings/),
    });
    // A path under the API: its own 404 says so.
    connect(env, `${h.server.url}/api/docs`, h.server.key);
    expect(failed(env.run<Outcome<DiffView>>('getDiff', {}))).toMatchObject({ code: 'route.not_found', status: 404 });
    // Some other web server (a sign-in page, a proxy): not taken for an answer.
    const other = await htmlServer();
    try {
      connect(env, other.url, h.server.key);
      expect(failed(env.run<Outcome<DiffView>>('getDiff', {}))).toMatchObject({
        code: 'api.unexpected',
        message: expect.stringMatching(/text\/html.*not the Budget Sync API's JSON/),
      });
    } finally {
      await other.stop();
    }
  });
});

describe('values the sheet does not give (issue 12)', () => {
  const thisYear = String(new Date().getUTCFullYear());

  it('the review asks for the department and first year it proposed, with the warnings that say so', async () => {
    const env = h.env([grantSheet()], 'Lab budgets');
    connect(env, h.server.url, await h.orgKey('Grant proposals'));
    const diff = ok(env.run<Outcome<DiffView>>('getDiff', {}));
    expect(diff.fields.map((f) => [f.field, f.label, f.value, f.issue?.code ?? null, f.issue?.severity ?? null, f.assumed])).toEqual([
      ['department', 'Department', 'Research Office grant', 'department.proposed', 'warning', false],
      ['fiscal_year', 'Fiscal year', thisYear, 'period.relative_year', 'warning', false],
      // Nothing in the sheet names the currency or the direction: the defaults, shown, not given.
      ['currency', 'Currency', 'USD', null, null, true],
      ['direction', 'Direction', 'expense', null, null, true],
    ]);
    expect(diff.fields[0]?.issue?.message).toMatch(/taken from the title above the table/);
    expect(diff.fields[2]?.note).toMatch(/^No column or title names the currency: the amounts are read as USD, the default/);
    expect(diff.fields[3]?.note).toMatch(
      /^No column says whether a line spends or brings money in: every line is read as expense \(the default\)/,
    );
    // No value given, none kept.
    expect(ok(env.run<Outcome<SidebarState>>('getSidebarState')).set).toEqual({});
  });

  it('a wrong value is refused at its field before anything is sent', async () => {
    const env = h.env([grantSheet()], 'Lab budgets');
    connect(env, h.server.url, await h.orgKey('Grant typos'));
    const before = env.fetches.length;
    const refused = failed(env.run<Outcome<DiffView>>('getDiff', { set: { department: 'Labs', fiscal_year: '20x6' } }));
    expect(refused).toEqual({
      code: 'set.invalid',
      message: 'Fiscal year must be a year such as 2026 or FY2026, not "20x6".',
      fields: { fiscal_year: 'Fiscal year must be a year such as 2026 or FY2026, not "20x6".' },
    });
    expect(env.fetches.length).toBe(before);
    expect(ok(env.run<Outcome<SidebarState>>('getSidebarState')).set).toEqual({});
  });

  it('the values given go to the API, are kept for the sheet (the local check applies them too), and are recorded with the import', async () => {
    const env = h.env([grantSheet()], 'Lab budgets');
    const key = await h.orgKey('Grant importers');
    connect(env, h.server.url, key);
    const diff = ok(env.run<Outcome<DiffView>>('getDiff', { set: { department: ' Labs ', fiscal_year: 'FY2025' } }));
    // The first year given is the confirmation: the API says how the years are read, asking nothing more.
    expect(diff.fields.map((f) => [f.field, f.value, f.issue?.code ?? null, f.issue?.severity ?? null])).toEqual([
      ['department', 'Labs', null, null],
      ['fiscal_year', '2025', 'period.relative_year', 'info'],
      ['currency', 'USD', null, null],
      ['direction', 'expense', null, null],
    ]);
    expect(diff.fields[1]?.issue?.message).toBe(
      'The years are counted from the budget\'s start ("Year 1", "Year 2"): year 1 is 2025 as you set.',
    );
    expect(diff.issueCounts.warning).toBe(0);
    expect(diff.inserted.map((l) => l.label)).toEqual([
      'Labs · Travel · FY2025',
      'Labs · Travel · FY2026',
      'Labs · Equipment · FY2025',
      'Labs · Equipment · FY2026',
    ]);
    expect(ok(env.run<Outcome<SidebarState>>('getSidebarState')).set).toEqual({ department: 'Labs', fiscal_year: '2025' });
    const check = ok(env.run<Outcome<SheetCheck>>('validateActiveSheet'));
    expect(check).toMatchObject({ set: { department: 'Labs', fiscal_year: '2025' }, lines: diff.lines, total: diff.total });
    expect(check.issues.map((i) => i.code)).toEqual(diff.issues.map((i) => i.code));

    // No warning is left to accept.
    const result = ok(
      env.run<Outcome<ImportResultView>>('submitImport', {
        mode: 'merge',
        acceptWarnings: false,
        set: { department: 'Labs', fiscal_year: '2025' },
        expectedFingerprint: diff.fingerprint,
      }),
    );
    expect(result).toMatchObject({ status: 'succeeded', counts: { inserted: 4 } });
    const detail = (await (
      await fetch(`${h.server.url}/api/imports/${result.importId}`, { headers: { authorization: `Bearer ${key}` } })
    ).json()) as { set: Record<string, string> };
    expect(detail.set).toEqual({ department: 'Labs', fiscal_year: '2025' });
    // Recent imports show them too.
    expect(ok(env.run<Outcome<ImportRecordView[]>>('listRecentImports')).map((r) => r.set)).toEqual([
      { department: 'Labs', fiscal_year: '2025' },
    ]);
  });

  it('a currency and a direction given apply to every line, are shown as given, and listed with the import in Recent imports', async () => {
    const env = h.env([grantSheet()], 'Lab budgets');
    connect(env, h.server.url, await h.orgKey('Grant income'));
    const set = { department: 'Labs', fiscal_year: '2025', currency: 'chf', direction: 'Revenue' };
    const diff = ok(env.run<Outcome<DiffView>>('getDiff', { set }));
    expect(diff.fields.filter((f) => f.field === 'currency' || f.field === 'direction')).toEqual([
      { field: 'currency', label: 'Currency', value: 'CHF', issue: null, note: 'The amounts are read as CHF, as you set.', assumed: false },
      {
        field: 'direction',
        label: 'Direction',
        value: 'revenue',
        issue: null,
        note: 'Every line is read as revenue, as you set.',
        assumed: false,
      },
    ]);
    expect(diff.inserted.map((l) => [l.label, l.detail, l.direction])).toEqual([
      ['Labs · Travel · FY2025', '100.00 CHF · revenue', 'revenue'],
      ['Labs · Travel · FY2026', '200.00 CHF · revenue', 'revenue'],
      ['Labs · Equipment · FY2025', '50.00 CHF · revenue', 'revenue'],
      ['Labs · Equipment · FY2026', '75.50 CHF · revenue', 'revenue'],
    ]);
    const kept = { department: 'Labs', fiscal_year: '2025', currency: 'CHF', direction: 'revenue' };
    expect(ok(env.run<Outcome<SidebarState>>('getSidebarState')).set).toEqual(kept);
    // The local check applies them as the API does.
    expect(ok(env.run<Outcome<SheetCheck>>('validateActiveSheet'))).toMatchObject({ set: kept, lines: 4, total: diff.total });
    ok(env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: false, expectedFingerprint: diff.fingerprint }));
    const history = ok(env.run<Outcome<ImportRecordView[]>>('listRecentImports'));
    expect(history.map((r) => [r.status, r.set])).toEqual([['succeeded', kept]]);
    // In the fields' order, whatever order the API's JSON keeps them in.
    expect(Object.keys(history[0]?.set ?? {})).toEqual(['department', 'fiscal_year', 'currency', 'direction']);
  });
});

describe('a 50,000-row × 10-column sheet', () => {
  it('checks, compares and imports within Apps Script limits, sent gzip-encoded', async () => {
    const env = h.env([bigBudgetSheet(50_000)], 'FY2026 full plan');
    connect(env, h.server.url, await h.orgKey('Big Co'));

    let started = performance.now();
    const check = ok(env.run<Outcome<SheetCheck>>('validateActiveSheet'));
    const checkMs = performance.now() - started;
    expect(check).toMatchObject({ lines: 50_000, importable: true, issueCounts: { error: 0 }, sheet: { rows: 50_001, columns: 10 } });

    started = performance.now();
    const diff = ok(env.run<Outcome<DiffView>>('getDiff', {}));
    const diffMs = performance.now() - started;
    expect(diff.counts).toEqual({ inserted: 50_000, updated: 0, removed: 0, unchanged: 0 });
    expect(diff.inserted).toHaveLength(20);
    // ~11 MB of JSON travels as ~1 MB: far under UrlFetchApp's 50 MB and the API's 20 MB.
    expect(diff.transfer.gzip).toBe(true);
    expect(diff.transfer.jsonChars).toBeGreaterThan(8_000_000);
    expect(diff.transfer.sentBytes).toBeLessThan(diff.transfer.jsonChars / 5);
    const sent = env.fetches.at(-1);
    expect(sent?.headers['Content-Encoding']).toBe('gzip');
    expect(sent?.sentBytes).toBe(diff.transfer.sentBytes);

    started = performance.now();
    const result = ok(
      env.run<Outcome<ImportResultView>>('submitImport', { mode: 'merge', acceptWarnings: false, expectedFingerprint: diff.fingerprint }),
    );
    const importMs = performance.now() - started;
    expect(result).toMatchObject({ status: 'succeeded', counts: { inserted: 50_000 } });
    // Apps Script allows 6 minutes per call and UrlFetchApp ~60 s per request; here each step is a few seconds.
    for (const [step, ms] of [
      ['check', checkMs],
      ['compare', diffMs],
      ['import', importMs],
    ] as const) {
      expect(ms, step).toBeLessThan(30_000);
    }
  });
});
