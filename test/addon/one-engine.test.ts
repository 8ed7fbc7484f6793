/**
 * One engine behind every door (issue 12): the same budget with the same values set for what it lacks
 * (a department, the first of its relative years, a currency) gives the same analysis — its lines, total
 * and warnings — through the CLI (`budget-sync analyze --set … --json`, a subprocess), the API
 * (`POST /api/excel/analyze` with `set`), the console (the review page of `POST /upload` with its
 * fields, over HTTP as a browser sends it) and the add-on (the built bundle's compare and local check,
 * against the same running API).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Analysis, Issue } from '@budget-sync/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DiffView, Outcome, SheetCheck } from '../../addon/src/shared/contract.ts';
import { browseAt, type Jar } from '../console/browser-http.ts';
import type { Cell } from './support/fake-spreadsheet.ts';
import { connect, type Harness, startHarness } from './support/harness.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const ROWS: string[][] = [
  ['Research Office grant', '', ''],
  ['Category', 'Year 1', 'Year 2'],
  ['Travel', '100.00', '200.00'],
  ['Equipment', '50.00', '-75.50'],
  ['Salaries', '1000.00', '1100.00'],
  ['Software', '19.99', ''],
];
const CSV = ROWS.map((r) => r.join(',')).join('\n');
const FILE = 'grant.csv';
const SET = { department: 'Labs', fiscal_year: 'FY2025', currency: 'eur' } as const;

/** What every door must agree on: each line (department, category, period, amount, currency), the total, the warnings. */
interface Seen {
  lines: string[];
  total: string;
  warnings: string[];
}

const lineKey = (department: string, category: string, period: string, amount: string, currency: string) =>
  `${department} | ${category} | ${period} | ${amount} ${currency}`;
const warningsOf = (issues: readonly Pick<Issue, 'severity' | 'code' | 'row'>[]) =>
  issues
    .filter((i) => i.severity === 'warning')
    .map((i) => `${i.code}@${i.row ?? '-'}`)
    .sort();
const fromAnalysis = (a: Analysis): Seen => ({
  lines: a.lines.map((l) => lineKey(l.department, l.category, l.period, l.amount, l.currency)),
  total: a.stats.total,
  warnings: warningsOf(a.issues),
});

let h: Harness;
let tmp: string;
let key: string;

beforeAll(async () => {
  h = await startHarness();
  key = await h.orgKey('One engine');
  tmp = mkdtempSync(join(tmpdir(), 'budget-sync-one-engine-'));
  writeFileSync(join(tmp, FILE), CSV);
});

afterAll(async () => {
  await h?.close();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

describe('the same file with the same set values, through every door', () => {
  let cli: Seen;

  beforeAll(() => {
    const args = ['analyze', join(tmp, FILE), '--json', ...Object.entries(SET).flatMap(([f, v]) => ['--set', `${f}=${v}`])];
    const out = execFileSync(process.execPath, [join(root, 'cli/bin/budget-sync.js'), ...args], { cwd: root, encoding: 'utf8' });
    cli = fromAnalysis(JSON.parse(out) as Analysis);
  });

  it('the CLI: the values set apply to every line, and warnings remain to be seen', () => {
    expect(cli.lines).toEqual([
      'Labs | Travel | FY2025 | 100.00 EUR',
      'Labs | Travel | FY2026 | 200.00 EUR',
      'Labs | Equipment | FY2025 | 50.00 EUR',
      'Labs | Equipment | FY2026 | -75.50 EUR',
      'Labs | Salaries | FY2025 | 1000.00 EUR',
      'Labs | Salaries | FY2026 | 1100.00 EUR',
      'Labs | Software | FY2025 | 19.99 EUR',
    ]);
    expect(cli.total).toBe('2394.49');
    // The first year set confirms the relative years: no warning about them remains.
    expect(cli.warnings).toEqual(['amount.negative@4']);
  });

  it('the API gives the same', async () => {
    const form = new FormData();
    form.set('file', new File([CSV], FILE, { type: 'text/csv' }));
    form.set('set', JSON.stringify(SET));
    const res = await fetch(`${h.server.url}/api/excel/analyze`, {
      method: 'POST',
      headers: { authorization: `Bearer ${key}` },
      body: form,
    });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { analysis: Analysis; issues: Issue[] };
    expect(fromAnalysis(body.analysis)).toEqual(cli);
    expect(warningsOf(body.issues)).toEqual(cli.warnings);
  });

  it("the console's review gives the same", async () => {
    const jar: Jar = {};
    await browseAt(h.server.url, jar, 'GET', '/sign-in');
    const signIn = await browseAt(h.server.url, jar, 'POST', '/sign-in', { _csrf: jar.bs_csrf as string, apiKey: key });
    expect(signIn.status).toBe(303);
    const form = new FormData();
    form.set('_csrf', jar.bs_csrf as string);
    form.set('file', new File([CSV], FILE, { type: 'text/csv' }));
    for (const [field, value] of Object.entries(SET)) form.set(`set.${field}`, value);
    const res = await browseAt(h.server.url, jar, 'POST', '/upload', form);
    expect(res.status).toBe(200);
    const page = await res.text();
    const number = (shown: string) => shown.replaceAll(',', '').replace('\u2212', '-');
    const inserted = /<table id="diff-inserted">.*?<tbody>(.*?)<\/tbody>/s.exec(page)?.[1] ?? '';
    const lines = [...inserted.matchAll(/<tr>(.*?)<\/tr>/gs)].map((row) => {
      const [department, category, , period, money] = [...(row[1] as string).matchAll(/<td[^>]*>(.*?)<\/td>/gs)].map((c) => c[1] as string);
      const [amount, currency] = (money ?? '').split(' ');
      return lineKey(department ?? '', category ?? '', period ?? '', number(amount ?? ''), currency ?? '');
    });
    // The review lists the new lines by department and category: the same lines, in its order.
    expect([...lines].sort()).toEqual([...cli.lines].sort());
    expect(number(/budget lines?, total ([\d,.\u2212]+)/.exec(page)?.[1] ?? '')).toBe(cli.total);
    const warnings = [...page.matchAll(/<tr data-code="([^"]+)" data-row="(\d*)">\s*<td class="inl"><span class="badge warning">/g)]
      .map((m) => `${m[1]}@${m[2] || '-'}`)
      .sort();
    expect(warnings).toEqual(cli.warnings);
  });

  it('the add-on, comparing through the API and checking locally, gives the same', () => {
    const asCell = (t: string): Cell => (/^-?\d+(\.\d+)?$/.test(t) ? Number(t) : t);
    const env = h.env([{ name: 'Grant', values: ROWS.map((r) => r.map(asCell)), display: ROWS }], 'Lab budgets');
    connect(env, h.server.url, key);
    const answer = env.run<Outcome<DiffView>>('getDiff', { set: { ...SET } });
    if (!answer.ok) throw new Error(JSON.stringify(answer.error));
    const diff = answer.value;
    // Diff lines read `Labs · Travel · FY2025` with `100.00 EUR`.
    const lines = diff.inserted.map((l) => {
      const [department, category, period] = l.label.split(' · ');
      const [amount, currency] = l.detail.split(' ');
      return lineKey(department ?? '', category ?? '', period ?? '', amount ?? '', currency ?? '');
    });
    expect({ lines: [...lines].sort(), count: diff.lines, total: diff.total, warnings: warningsOf(diff.issues) }).toEqual({
      lines: [...cli.lines].sort(),
      count: cli.lines.length,
      total: cli.total,
      warnings: cli.warnings,
    });
    const check = env.run<Outcome<SheetCheck>>('validateActiveSheet');
    if (!check.ok) throw new Error(JSON.stringify(check.error));
    expect({ lines: check.value.lines, total: check.value.total, warnings: warningsOf(check.value.issues) }).toEqual({
      lines: cli.lines.length,
      total: cli.total,
      warnings: cli.warnings,
    });
  });
});
