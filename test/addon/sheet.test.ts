/**
 * The add-on's work inside the spreadsheet, in the built bundle: settings in UserProperties (never the
 * document's; the key never shown back) and the connection test against the real API; the local check
 * of a budget and of a payroll sheet; mapping overrides kept per sheet; issue highlights that clear back
 * to the original backgrounds and notes; the issue report written as text, never as formulas.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ConnectionReport,
  HighlightResult,
  Outcome,
  SettingsView,
  SheetCheck,
  SidebarState,
} from '../../addon/src/shared/contract.ts';
import type { AppsScript } from './support/apps-script.ts';
import { type Harness, startHarness } from './support/harness.ts';
import { failed, ok } from './support/outcome.ts';
import { planSheet, sheetFromCsv } from './support/sheets.ts';

let h: Harness;

beforeAll(async () => {
  h = await startHarness();
});

afterAll(async () => {
  await h?.close();
});

describe('settings', () => {
  it('live in UserProperties, never in the document; the key is only ever shown as a hint', () => {
    const env = h.env([planSheet()]);
    expect(ok(env.run<Outcome<SettingsView>>('getSettings'))).toEqual({
      apiBaseUrl: '',
      keyHint: null,
      email: 'analyst@example.com',
      signIn: 'google',
      orgId: null,
    });
    const saved = ok(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl: `${h.server.url}/`, apiKey: h.server.key }));
    expect(saved.apiBaseUrl).toBe(h.server.url);
    expect(saved.keyHint).toBe(`bsk_…${h.server.key.slice(-4)}`);
    expect([...env.userProperties.data.values()]).toContain(h.server.key);
    expect(env.documentProperties.data.size).toBe(0);
    for (const fn of ['getSettings', 'getSidebarState']) expect(JSON.stringify(env.run(fn))).not.toContain(h.server.key);
    // A blank key keeps the saved one.
    ok(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl: h.server.url, apiKey: '' }));
    expect([...env.userProperties.data.values()]).toContain(h.server.key);
    expect(ok(env.run<Outcome<SidebarState>>('getSidebarState'))).toMatchObject({
      configured: true,
      sheetName: 'Plan',
      highlighted: false,
    });
  });

  it('refuse what is not an API address or key, and plain http to another host', () => {
    const env = h.env([planSheet()]);
    const refuse = (apiBaseUrl: string, apiKey: string) => failed(env.run<Outcome<SettingsView>>('saveSettings', { apiBaseUrl, apiKey }));
    expect(refuse('budget sync', h.server.key)).toMatchObject({
      code: 'settings.invalid',
      message: expect.stringMatching(/not a web address/),
    });
    expect(refuse('http://budget.example.com', h.server.key)).toMatchObject({
      code: 'settings.invalid',
      message: expect.stringMatching(/https/),
    });
    expect(refuse('https://budget.example.com', 'hunter2')).toMatchObject({
      code: 'settings.invalid',
      message: expect.stringMatching(/bsk_/),
    });
    // A blank key with none saved is not refused: the add-on then signs in as the Google user (identity.test.ts).
    expect(env.userProperties.data.size).toBe(0);
  });

  it('Test connection: accepted with a real key, auth.invalid_key with a bad one, api.unreachable when the API is down', () => {
    const env = h.env([planSheet()]);
    const good = ok(env.run<Outcome<ConnectionReport>>('testConnection', { apiBaseUrl: h.server.url, apiKey: h.server.key }));
    expect(good).toMatchObject({ apiBaseUrl: h.server.url, fiscalYearStartMonth: 1, message: expect.stringMatching(/^Connected to/) });
    const bad = failed(env.run<Outcome<ConnectionReport>>('testConnection', { apiBaseUrl: h.server.url, apiKey: `bsk_${'x'.repeat(43)}` }));
    expect(bad).toMatchObject({ code: 'auth.invalid_key', status: 401, message: expect.stringMatching(/Open Settings/) });
    const down = failed(env.run<Outcome<ConnectionReport>>('testConnection', { apiBaseUrl: 'http://127.0.0.1:9', apiKey: h.server.key }));
    expect(down).toMatchObject({
      code: 'api.unreachable',
      message: expect.stringMatching(/Cannot reach the Budget Sync API at http:\/\/127\.0\.0\.1:9/),
    });
    // Nothing typed in the dialog: the saved connection, which there is none of yet.
    expect(failed(env.run<Outcome<ConnectionReport>>('testConnection'))).toMatchObject({ code: 'settings.missing' });
  });

  it('a key without the imports scopes is told which scope it lacks', async () => {
    const env = h.env([planSheet()]);
    const key = await h.orgKey('Scoped', ['budget:read']);
    const e = failed(env.run<Outcome<ConnectionReport>>('testConnection', { apiBaseUrl: h.server.url, apiKey: key }));
    expect(e).toMatchObject({ code: 'auth.forbidden', status: 403, message: expect.stringMatching(/imports:read/) });
  });
});

describe('the local check', () => {
  it('reads a budget sheet without any connection: kind, header row, mapping with confidence, totals', () => {
    const env = h.env([sheetFromCsv('budget-long-basic.csv', 'Budget')]);
    const check = ok(env.run<Outcome<SheetCheck>>('validateActiveSheet'));
    expect(env.fetches).toEqual([]);
    expect(check).toMatchObject({
      sheet: { name: 'Budget', sheetId: 0, rows: 241, columns: 4 },
      kind: { kind: 'budget', label: 'a budget' },
      headerRow: 1,
      layout: 'long',
      lines: 240,
      importable: true,
      issueCounts: { error: 0 },
    });
    expect(check.columns.map((c) => [c.letter, c.header, c.field])).toEqual([
      ['A', 'Department', 'department'],
      ['B', 'Category', 'category'],
      ['C', 'Month', 'period'],
      ['D', 'Budget Amount', 'amount'],
    ]);
    for (const c of check.columns) expect(c.confidence).toBeGreaterThan(0.9);
  });

  it('calls a payroll sheet (payroll-jan.csv) what it is: not a budget', () => {
    const env = h.env([sheetFromCsv('payroll-jan.csv', 'January payroll')]);
    const check = ok(env.run<Outcome<SheetCheck>>('validateActiveSheet'));
    expect(check.kind).toMatchObject({ kind: 'payroll', label: 'a payroll or salary list' });
    expect(check.kind.reasons[0]).toMatch(/not a budget/);
    expect(check.importable).toBe(false);
    expect(check.issues.map((i) => i.code)).toContain('kind.mismatch');
  });

  it('an override is kept per sheet, changes the mapping, and "auto" forgets it', () => {
    const env = h.env([planSheet()]);
    // Detection takes the money (Zorgl) over the small whole numbers of Headcount, asking to confirm.
    const first = ok(env.run<Outcome<SheetCheck>>('validateActiveSheet'));
    expect(first.columns.find((c) => c.header === 'Zorgl')).toMatchObject({ field: 'amount', needsConfirmation: true });
    expect(first.total).toBe('56326.50');
    const chosen = ok(env.run<Outcome<SheetCheck>>('rememberOverride', 'Headcount', 'amount'));
    expect(chosen.columns.find((c) => c.header === 'Headcount')).toMatchObject({ field: 'amount', overridden: true, method: 'override' });
    expect(chosen.columns.find((c) => c.header === 'Zorgl')?.field).toBeNull();
    expect(chosen.total).toBe('79.00');
    expect(chosen.overrides).toEqual({ Headcount: 'amount' });
    // Kept for this sheet: a fresh check (a reopened sidebar) still has it.
    expect(ok(env.run<Outcome<SheetCheck>>('validateActiveSheet')).total).toBe('79.00');
    expect(ok(env.run<Outcome<SidebarState>>('getSidebarState')).overrides).toEqual({ Headcount: 'amount' });
    expect(failed(env.run<Outcome<SheetCheck>>('rememberOverride', 'Zorgl', 'salary'))).toMatchObject({ code: 'request.invalid' });
    const back = ok(env.run<Outcome<SheetCheck>>('rememberOverride', 'Headcount', 'auto'));
    expect(back.total).toBe('56326.50');
    expect(back.overrides).toEqual({});
  });
});

/**
 * A budget with issues in every shape: bad amounts, a negative one, a duplicate row, a bad period, and
 * cells whose text Sheets would take for a formula if written back as is. Clean rows below keep the
 * amount column recognizably one.
 */
function dirtySheet() {
  const clean = ['04', '05', '06', '07', '08', '09', '10', '11', '12'].map((m, i) => ['Finance', 'Audit', `2026-${m}`, 500 + i * 10]);
  return {
    name: 'Dirty',
    values: [
      ['Department', 'Category', 'Month', 'Budget Amount'],
      ['Marketing', 'Travel', '2026-01', 1200],
      ['Marketing', 'Travel', '2026-02', 'twelve'],
      ['Sales', 'Software', '2026-01', -50],
      ['Sales', 'Software', '2026-01', -50],
      ['Support', 'Events', '2026-13', 100],
      ['Support', 'Events', '2026-03', '=HYPERLINK("https://evil.example","x")'],
      ['Support', 'Events', '2026-04', '+1-2'],
      ...clean,
    ],
  };
}

describe('highlights', () => {
  let env: AppsScript;
  const sheet = () => env.spreadsheet.sheet('Dirty');

  beforeAll(() => {
    env = h.env([dirtySheet()]);
    // The user's own formatting, which clearing must give back.
    sheet().setBackground(3, 4, '#d9ead3');
    sheet().setNote(3, 4, 'Ask Ana about this one');
    sheet().setBackground(2, 1, '#cfe2f3');
  });

  it('paints the issue cells (errors red, warnings yellow, a row-wide issue across its row) with notes', () => {
    const result = ok(env.run<Outcome<HighlightResult>>('highlightIssues'));
    expect(result.cells).toBeGreaterThan(4);
    const s = sheet();
    expect(s.background(3, 4)).toBe('#f4c7c3'); // D3 "twelve": error
    expect(s.background(4, 4)).toBe('#fce8b2'); // D4 -50: warning
    for (let c = 1; c <= 4; c++) expect(s.background(5, c)).toBe('#f4c7c3'); // row 5 duplicates row 4
    expect(s.background(2, 1)).toBe('#cfe2f3'); // untouched
    expect(s.note(3, 4)).toMatch(/^Ask Ana about this one\n\nBudget Sync\nError: cell D3 should be an amount/);
    expect(s.note(6, 3)).toMatch(/^Budget Sync\nError: cell C6 holds "2026-13"/);
    expect(ok(env.run<Outcome<SidebarState>>('getSidebarState')).highlighted).toBe(true);
    // Highlighting again does not take the highlight colours for originals.
    ok(env.run<Outcome<HighlightResult>>('highlightIssues'));
    expect(sheet().note(3, 4)).toMatch(/^Ask Ana about this one\n\nBudget Sync/);
  });

  it('clearing restores the original backgrounds and notes, and keeps what the user changed since', () => {
    // The user recolours one highlighted cell and rewrites another's note before clearing.
    sheet().setBackground(4, 4, '#b6d7a8');
    sheet().setNote(6, 3, 'Fixed next week');
    const result = ok(env.run<Outcome<HighlightResult>>('clearHighlights'));
    expect(result.cells).toBeGreaterThan(4);
    const s = sheet();
    expect(s.background(3, 4)).toBe('#d9ead3');
    expect(s.note(3, 4)).toBe('Ask Ana about this one');
    expect(s.background(5, 2)).toBe('#ffffff');
    expect(s.note(5, 1)).toBe('');
    expect(s.background(2, 1)).toBe('#cfe2f3');
    expect(s.background(4, 4)).toBe('#b6d7a8');
    expect(s.note(6, 3)).toBe('Fixed next week');
    expect([...s.backgrounds.entries()].sort()).toEqual(
      [
        ['2:1', '#cfe2f3'],
        ['3:4', '#d9ead3'],
        ['4:4', '#b6d7a8'],
      ].sort(),
    );
    expect(env.documentProperties.data.size).toBe(0);
    expect(ok(env.run<Outcome<HighlightResult>>('clearHighlights')).message).toMatch(/no highlights/);
  });

  it('selectCell moves the selection to an issue cell, or to the whole row', () => {
    ok(env.run('selectCell', 0, 3, 4));
    expect(env.spreadsheet.selection).toEqual({ sheet: 'Dirty', a1: 'D3' });
    ok(env.run('selectCell', 0, 5, null));
    expect(env.spreadsheet.selection).toEqual({ sheet: 'Dirty', a1: 'A5:D5' });
    expect(failed(env.run('selectCell', 0, 0, 1))).toMatchObject({ code: 'request.invalid' });
  });
});

describe('the issue report', () => {
  it('is a sheet of its own, every cell written as text: nothing Sheets would parse as a formula', () => {
    const env = h.env([dirtySheet()]);
    const result = ok(env.run<Outcome<{ sheetName: string; rows: number }>>('writeIssueReport'));
    expect(result).toMatchObject({ sheetName: 'Budget Sync report', rows: 7 });
    expect(env.spreadsheet.active.name).toBe('Dirty');
    const report = env.spreadsheet.sheet('Budget Sync report');
    expect(env.spreadsheet.parsedWrites).toEqual([]);
    expect(report.values[1]).toEqual(['Severity', 'Code', 'Cell', 'Value', 'Message']);
    const values = report.values.map((r) => r[3]);
    // The hostile cells come back as the text they are.
    expect(values).toContain('=HYPERLINK("https://evil.example","x")');
    expect(values).toContain('+1-2');
    // Written again: replaced, not duplicated.
    ok(env.run('writeIssueReport'));
    expect(env.spreadsheet.sheets.filter((s) => s.name === 'Budget Sync report')).toHaveLength(1);
    expect(env.spreadsheet.parsedWrites).toEqual([]);
  });
});
