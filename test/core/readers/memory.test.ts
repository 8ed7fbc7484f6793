/**
 * A full scan of a 1M-row × 8-column CSV must stream: measured in a fresh Node process (its peak RSS
 * includes Node itself, SheetJS and papaparse, and the file's bytes; the text is decoded a piece at a time).
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const readers = fileURLToPath(new URL('../../../core/src/readers/index.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'readers-rss-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// The child's own peak (VmHWM), as the benchmarks read it.
const peakRss = new URL('../../support/peak-rss.ts', import.meta.url).href;
const CHILD = `
import { readFileSync } from 'node:fs';
import { peakRssMb } from ${JSON.stringify(peakRss)};
const { readWorkbook } = await import(process.argv[1]);
const bytes = readFileSync(process.argv[2]);
const wb = readWorkbook(bytes, 'million.csv');
let rows = 0, cells = 0;
wb.sheets[0].scan((row) => { rows++; cells += row.length; });
console.log(JSON.stringify({ rows, cells, maxRssMb: peakRssMb() }));
`;

describe('CSV memory', () => {
  it('scans a 1M-row × 8-column CSV (78 MB) fully within 500 MB peak RSS', () => {
    const file = join(dir, 'million.csv');
    const parts = ['Department,Category,Month,Amount,Owner,Code,Note,Flag\n'];
    for (let i = 0; i < 1_000_000; i++) {
      parts.push(
        `Dept ${i % 17},Cat ${i % 5},2026-${String((i % 12) + 1).padStart(2, '0')},${i}.50,owner${i}@x.example,C${i},"note, ${i}",Y\n`,
      );
    }
    writeFileSync(file, parts.join(''));
    parts.length = 0;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', CHILD, readers, file], { encoding: 'utf8' });
    const result = JSON.parse(out.trim().split('\n').pop() ?? '{}') as { rows: number; cells: number; maxRssMb: number };
    expect(result.rows).toBe(1_000_001);
    expect(result.cells).toBe(8_000_008);
    expect(result.maxRssMb).toBeLessThan(500);
  });
});
