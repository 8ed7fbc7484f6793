/**
 * The add-on's pure modules, tested as ordinary code (google/aside: only the entry file is Apps
 * Script's): formula neutralisation, the settings rules (https, the key hint), mapping overrides, the
 * capped issue views, the sheet JSON with extra members, and why the sidebar's Import button is off.
 */
import { describe, expect, it } from 'vitest';
import { withMembers } from '../../addon/src/server/active-sheet.ts';
import { neutralizeFormula } from '../../addon/src/server/formula-safety.ts';
import { cleanOverrides, forAnalysis, overrideFor, withOverride } from '../../addon/src/server/overrides.ts';
import { diffLineView } from '../../addon/src/server/review.ts';
import { keyHint, normalizeBaseUrl } from '../../addon/src/server/settings.ts';
import { ISSUES_SHOWN, issueViews } from '../../addon/src/server/views.ts';
import type { SidebarModel } from '../../addon/src/client/model.ts';
import { importBlocker } from '../../addon/src/client/view-review.ts';
import { money } from '../../addon/src/client/format.ts';
import type { DiffView } from '../../addon/src/shared/contract.ts';

describe('neutralizeFormula', () => {
  it('makes text that Sheets would run as a formula literal with a leading apostrophe', () => {
    for (const text of ['=SUM(A1)', '+1', '-2+3', '@cmd', '\tx', '\rx', '＝IMPORTXML("x")'])
      expect(neutralizeFormula(text)).toBe(`'${text}`);
  });

  it('leaves everything else as it is', () => {
    for (const text of ['Marketing', ' =not a formula', '1-2', 'a=b', '', "'already"]) expect(neutralizeFormula(text)).toBe(text);
  });
});

describe('settings rules', () => {
  it('takes https addresses, and plain http only to this machine', () => {
    expect(normalizeBaseUrl(' https://budget.example.com/ ')).toBe('https://budget.example.com');
    expect(normalizeBaseUrl('https://budget.example.com:8443/sync')).toBe('https://budget.example.com:8443/sync');
    expect(normalizeBaseUrl('http://127.0.0.1:8787')).toBe('http://127.0.0.1:8787');
    expect(normalizeBaseUrl('http://localhost:8787/')).toBe('http://localhost:8787');
    expect(() => normalizeBaseUrl('http://budget.example.com')).toThrow(/https/);
    for (const bad of [
      'budget.example.com',
      'ftp://x.example',
      'https://x.example/?key=1',
      'https://x.example/#a',
      'javascript:alert(1)',
    ]) {
      expect(() => normalizeBaseUrl(bad), bad).toThrow(/not a web address/);
    }
  });

  it('hints at a key without giving it away', () => {
    const key = `bsk_${'a'.repeat(39)}Zq9X`;
    expect(keyHint(key)).toBe('bsk_…Zq9X');
    expect(keyHint(key)).not.toContain('aaaa');
  });
});

describe('mapping overrides', () => {
  it('sets, ignores and forgets a column; refuses a field that does not exist', () => {
    const set = withOverride({}, 'Zorgl', 'amount');
    expect(set).toEqual({ Zorgl: 'amount' });
    expect(withOverride(set, 'Notes', null)).toEqual({ Zorgl: 'amount', Notes: null });
    expect(withOverride(set, 'Zorgl', 'auto')).toEqual({});
    expect(() => withOverride(set, ' ', 'amount')).toThrow(/column with a title/);
    expect(() => withOverride(set, 'Zorgl', 'salary' as 'amount')).toThrow(/not a budget field/);
  });

  it('drops whatever is not a header → field pair', () => {
    expect(cleanOverrides({ A: 'amount', B: null, C: 'salary', D: 3 })).toEqual({ A: 'amount', B: null });
    expect(cleanOverrides(['amount'])).toEqual({});
    expect(cleanOverrides(null)).toEqual({});
  });

  it('match a header as written or normalized, and never through the prototype', () => {
    expect(overrideFor({ 'Budget  Amount': 'amount' }, 'budget amount')).toBe('amount');
    expect(overrideFor({}, 'constructor')).toBeUndefined();
    expect(forAnalysis({ 'Cost Centre': 'department' })).toMatchObject({ 'Cost Centre': 'department' });
  });
});

describe('issue views', () => {
  it('put errors first, cap the list, and count every issue', () => {
    const issues = [
      ...Array.from({ length: 300 }, (_, i) => ({
        severity: 'warning' as const,
        code: 'amount.negative',
        message: `w${i}`,
        row: i + 2,
        column: 4,
      })),
      { severity: 'error' as const, code: 'row.duplicate', message: 'dup', row: 400, column: null },
      { severity: 'info' as const, code: 'row.total_skipped', message: 'total', row: null, column: null },
    ];
    const view = issueViews(issues);
    expect(view.issueCounts).toEqual({ error: 1, warning: 300, info: 1 });
    expect(view.issues).toHaveLength(ISSUES_SHOWN);
    expect(view.issuesTruncated).toBe(true);
    expect(view.issues[0]).toMatchObject({ code: 'row.duplicate', where: 'row 400' });
    expect(view.issues[1]).toMatchObject({ message: 'w0', where: 'D2' });
  });
});

describe('the sheet JSON', () => {
  it('takes extra members without serializing the sheet again', () => {
    const json = JSON.stringify({ sheetName: 'S', values: [[1]] });
    expect(JSON.parse(withMembers(json, { mode: 'merge', acceptWarnings: true }))).toEqual({
      sheetName: 'S',
      values: [[1]],
      mode: 'merge',
      acceptWarnings: true,
    });
    expect(withMembers(json, {})).toBe(json);
  });
});

describe('the Import button', () => {
  const diff = (over: Partial<DiffView>): DiffView =>
    ({ kind: { kind: 'budget', label: 'a budget', confidence: 1, reasons: [] }, importable: true, reason: null, ...over }) as DiffView;
  const model = (d: DiffView | null, choices: Partial<SidebarModel['choices']> = {}) =>
    ({ diff: d, choices: { mode: 'merge', acceptWarnings: false, overrideKind: false, reason: '', ...choices } }) as SidebarModel;

  it('is off until compared, until warnings are accepted, and for errors', () => {
    expect(importBlocker(model(null))).toBe('Compare first.');
    expect(importBlocker(model(diff({})))).toBeNull();
    expect(importBlocker(model(diff({ reason: 'It has 1 warning.' })))).toMatch(/Accept the warnings/);
    expect(importBlocker(model(diff({ reason: 'It has 1 warning.' }), { acceptWarnings: true }))).toBeNull();
    expect(importBlocker(model(diff({ importable: false, reason: 'It has 2 errors.' }), { acceptWarnings: true }))).toBe(
      'It has 2 errors.',
    );
  });

  it('needs the override and a reason for a sheet that is not a budget', () => {
    const payroll = diff({ kind: { kind: 'payroll', label: 'a payroll or salary list', confidence: 0.9, reasons: [] }, importable: false });
    expect(importBlocker(model(payroll))).toMatch(/Import it as a budget anyway/);
    expect(importBlocker(model(payroll, { overrideKind: true, reason: '  ' }))).toMatch(/Say why/);
    expect(importBlocker(model(payroll, { overrideKind: true, reason: 'Salary plan' }))).toBeNull();
  });
});

describe('money in the sidebar', () => {
  it('groups thousands and keeps the exact decimals', () => {
    expect(money('1764699.00')).toBe('1,764,699.00');
    expect(money('-250.50')).toBe('-250.50');
    expect(money('999')).toBe('999');
  });
});

describe('the review of a diff', () => {
  it("shows a line's dimensions (a twin's code beside its name) and says when it is revenue", () => {
    const amount = (l: { amount?: string; currency?: string }) => `${l.amount} ${l.currency}`;
    const line = {
      department: 'Parks',
      category: 'Fees',
      project: null,
      period: '2026-03',
      amount: '9000.00',
      currency: 'USD',
      row: 7,
      dimensions: { Fund: 'General Fund', Program: 'Pools' },
      codes: { Fund: '6064' },
      direction: 'revenue' as const,
    };
    expect(diffLineView(line, amount)).toEqual({
      label: 'Parks · Fees · Fund General Fund (6064) · Program Pools · 2026-03',
      detail: '9000.00 USD · revenue',
      row: 7,
      dimensions: { Fund: 'General Fund', Program: 'Pools' },
      direction: 'revenue',
    });
    // An API before dimensions: the label it always had.
    const plain = { department: 'Parks', category: 'Fees', project: null, period: '2026-03', amount: '1.00', currency: 'USD' };
    expect(diffLineView(plain, amount)).toMatchObject({
      label: 'Parks · Fees · 2026-03',
      detail: '1.00 USD',
      dimensions: {},
      direction: 'expense',
    });
  });
});
