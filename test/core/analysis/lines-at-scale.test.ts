/**
 * What the analysis holds per line at scale: duplicate keys found among hundreds of thousands of lines
 * (core/src/analysis/line-keys.ts), labels cut loose from the parsed text, and a 1M-row CSV analysed within
 * 500 MB peak RSS in a fresh Node process (issue 2's benchmark goal, which the ingest worker's import of a
 * 1M-row file builds on).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { LineKeys } from '../../../core/src/analysis/line-keys.ts';
import { detach } from '../../../core/src/analysis/normalize.ts';
import { analyzeCsv } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'analysis-scale-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const DEPARTMENTS = ['Marketing', 'Sales', 'Engineering', 'Finance', 'Human Resources', 'Operations', 'Legal', 'Support'];

/** Long-layout rows with distinct keys: 8 departments × 8 categories × projects × 12 months. */
function budgetLine(i: number): string {
  const group = Math.floor(i / 12);
  const dept = DEPARTMENTS[group % 8] as string;
  return `${dept},Category ${Math.floor(group / 8) % 8},PRJ-${Math.floor(group / 64)},2026-${String((i % 12) + 1).padStart(2, '0')},FY2026,${(i % 9000) + 500}.${String(i % 100).padStart(2, '0')},${dept.toLowerCase()}@acme.example,`;
}
const HEADER = 'Department,Category,Project,Month,Fiscal Year,Budget Amount,Owner,Notes';

describe('line keys', () => {
  it('records 300,000 distinct keys, in and out of order, then finds each one as a repeat', () => {
    const keys = new LineKeys();
    const period = (i: number) => `2026-${String((i % 12) + 1).padStart(2, '0')}`;
    // Every other triple comes back later (rows not sorted), and 40 periods go past the 31 bits.
    const key = (i: number): [number, number, number, string] => [i % 7, i % 11, Math.floor(i / 24) * 2 + (i % 2), period(i)];
    let wrong = 0;
    for (let i = 0; i < 300_000; i++) if (keys.firstLine(...key(i)) !== -1) wrong++;
    for (let i = 0; i < 300_000; i += 7) if (keys.firstLine(...key(i)) !== i) wrong++;
    for (let i = 0; i < 40; i++) if (keys.firstLine(1, 1, 1_000_000, `P${i}`) !== -1) wrong++;
    for (let i = 0; i < 40; i++) if (keys.firstLine(1, 1, 1_000_000, `P${i}`) !== 300_000 + i) wrong++;
    expect(wrong).toBe(0);
  });

  it('reports a repeated key, in any letter case, on the later row only', () => {
    const rows = Array.from({ length: 5_000 }, (_, i) => budgetLine(i));
    rows.push(budgetLine(1234).replace('Sales', 'SALES').replace('Category', 'category'));
    const a = analyzeCsv(`${HEADER}\n${rows.join('\n')}\n`);
    expect(a.lines).toHaveLength(5_000);
    const duplicates = a.issues.filter((i) => i.code === 'row.duplicate');
    expect(duplicates).toHaveLength(1);
    expect(duplicates[0]?.row).toBe(5_002);
    expect(duplicates[0]?.message).toMatch(/already on row 1236\./);
  });
});

describe('labels', () => {
  it('detaches a long label from the text it was cut from, keeping its value', () => {
    const parent = `${'x'.repeat(100)}Human Resources and Administration${'y'.repeat(100)}`;
    const label = parent.slice(100, 134);
    expect(detach(label)).toBe('Human Resources and Administration');
    expect(detach('Sales')).toBe('Sales');
  });
});

const core = fileURLToPath(new URL('../../../core/src/index.ts', import.meta.url));
const readers = fileURLToPath(new URL('../../../core/src/readers/index.ts', import.meta.url));
// The child's own peak (VmHWM), as the benchmarks read it.
const peakRss = new URL('../../support/peak-rss.ts', import.meta.url).href;
const CHILD = `
import { readFileSync } from 'node:fs';
import { peakRssMb } from ${JSON.stringify(peakRss)};
const { analyzeWorkbook } = await import(process.argv[1]);
const { readWorkbook } = await import(process.argv[2]);
const analyze = () => {
  const bytes = readFileSync(process.argv[3]);
  return analyzeWorkbook(readWorkbook(bytes, 'budget-1m.csv'));
};
const a = analyze();
console.log(JSON.stringify({ lines: a.lines.length, importable: a.stats.importable, maxRssMb: peakRssMb() }));
`;

describe('analysis memory', () => {
  it('analyses a 1M-row × 8-column CSV (≈ 80 MB) within 500 MB peak RSS', () => {
    const file = join(dir, 'budget-1m.csv');
    const parts = [HEADER];
    for (let i = 0; i < 1_000_000; i++) parts.push(budgetLine(i));
    writeFileSync(file, `${parts.join('\n')}\n`);
    parts.length = 0;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, core, readers, file], {
      encoding: 'utf8',
      maxBuffer: 1 << 20,
    });
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { lines: number; importable: boolean; maxRssMb: number };
    expect(result.lines).toBe(1_000_000);
    expect(result.importable).toBe(true);
    expect(result.maxRssMb).toBeLessThan(500);
  }, 120_000);
});
