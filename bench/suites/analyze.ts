/**
 * Analysis speed against the bare parsers, on generated 100k-row × 8-column files, and peak memory
 * analyzing a 1M-row CSV (in a child process, so the figure is that run's alone).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as XLSX from '@e965/xlsx';
import Papa from 'papaparse';
import { analyzeWorkbook } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { budgetCsv, budgetXlsx } from './generate.ts';
import { type Metric, round, type Suite } from './types.ts';

const outDir = fileURLToPath(new URL('../out/', import.meta.url));

function medianMs(runs: number, fn: () => void): number {
  fn(); // warm-up
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

function ours(bytes: Uint8Array, name: string): number {
  const a = analyzeWorkbook(readWorkbook(bytes, name));
  if (!a.stats.importable) throw new Error(`bench file ${name} is not importable: ${a.issues[0]?.message}`);
  return a.lines.length;
}

function childRun(args: string[]): Record<string, number> {
  const script = fileURLToPath(new URL('./analyze-child.ts', import.meta.url));
  const out = execFileSync(process.execPath, [script, ...args], { encoding: 'utf8', maxBuffer: 1 << 20 });
  return JSON.parse(out) as Record<string, number>;
}

export const analyzeSuite: Suite = async (log) => {
  mkdirSync(outDir, { recursive: true });
  const metrics: Metric[] = [];

  log('  generating 100k-row CSV and XLSX, 1M-row CSV');
  const csv = new TextEncoder().encode(budgetCsv(100_000));
  const xlsx = budgetXlsx(100_000);
  const csv1mPath = `${outDir}budget-1m.csv`;
  writeFileSync(csv1mPath, budgetCsv(1_000_000));

  log('  csv100k: papaparse vs analyze');
  const bareCsv = medianMs(5, () => {
    Papa.parse(new TextDecoder().decode(csv), { skipEmptyLines: false });
  });
  const oursCsv = medianMs(5, () => ours(csv, 'bench-100k.csv'));
  metrics.push({
    name: 'analyze.csv100k.ms',
    value: round(oursCsv, 1),
    unit: 'ms',
    baseline: round(bareCsv, 1),
    ratio: round(oursCsv / bareCsv),
  });
  metrics.push({ name: 'analyze.csv100k.overhead', value: round(oursCsv / bareCsv), unit: 'x', baseline: 1 });

  log('  xlsx100k: SheetJS dense read vs analyze');
  const bareXlsx = medianMs(3, () => {
    // The same options the reader uses, so the ratio is the analysis' own cost.
    XLSX.read(xlsx, {
      type: 'array',
      dense: true,
      cellDates: true,
      cellFormula: false,
      cellHTML: false,
      cellStyles: false,
      cellNF: false,
      sheetStubs: false,
    });
  });
  const oursXlsx = medianMs(3, () => ours(xlsx, 'bench-100k.xlsx'));
  metrics.push({
    name: 'analyze.xlsx100k.ms',
    value: round(oursXlsx, 1),
    unit: 'ms',
    baseline: round(bareXlsx, 1),
    ratio: round(oursXlsx / bareXlsx),
  });
  metrics.push({ name: 'analyze.xlsx100k.overhead', value: round(oursXlsx / bareXlsx), unit: 'x', baseline: 1 });

  log('  csv1m: peak memory in a child process');
  const floor = childRun(['--baseline', csv1mPath]);
  const run = childRun([csv1mPath]);
  metrics.push({
    name: 'analyze.csv1m.peak_rss_mb',
    value: round(run.peakRssMb as number, 0),
    unit: 'MB',
    baseline: round(floor.peakRssMb as number, 0),
    ratio: round((run.peakRssMb as number) / (floor.peakRssMb as number)),
  });
  metrics.push({
    name: 'analyze.csv1m.ms',
    value: round(run.ms as number, 0),
    unit: 'ms',
    baseline: round(floor.ms as number, 0),
    ratio: round((run.ms as number) / (floor.ms as number)),
  });
  return metrics;
};
