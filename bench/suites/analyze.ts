/**
 * Analysis speed against the bare parsers, on generated 100k-row × 8-column files (each timed alternately
 * with its baseline), and peak memory analyzing a 1M-row CSV next to papaparse streaming the same file
 * from disk (each in a child process of its own, analyze-child.ts, so the figure is that run's alone).
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as XLSX from '@e965/xlsx';
import Papa from 'papaparse';
import { analyzeWorkbook } from '@budget-sync/core';
import { readWorkbook, SHEETJS_READ_OPTIONS } from '@budget-sync/core/readers';
import { budgetCsv, budgetXlsx } from './generate.ts';
import { type Metric, round, type Suite } from './types.ts';

const outDir = fileURLToPath(new URL('../out/', import.meta.url));

function median(times: number[]): number {
  const sorted = [...times].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

function timeMs(fn: () => void): number {
  const t0 = performance.now();
  fn();
  return performance.now() - t0;
}

/**
 * Median times of `bare` and `ours`, run alternately (after one warm-up each), so that both see the same
 * load on a shared machine and the same garbage-collector state.
 */
function medianPairMs(runs: number, bare: () => void, ours: () => void): { bare: number; ours: number } {
  bare();
  ours();
  const times = { bare: [] as number[], ours: [] as number[] };
  for (let i = 0; i < runs; i++) {
    times.bare.push(timeMs(bare));
    times.ours.push(timeMs(ours));
  }
  return { bare: median(times.bare), ours: median(times.ours) };
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

  /** A figure next to its baseline from this run, with their ratio. */
  const versus = (name: string, unit: string, value: number, baseline: number, digits: number): Metric => ({
    name,
    value: round(value, digits),
    unit,
    baseline: round(baseline, digits),
    ratio: round(value / baseline),
  });
  /** `<prefix>.ms` and `<prefix>.overhead`: our time next to the bare parser's. */
  const compare = (prefix: string, oursMs: number, bareMs: number) => {
    metrics.push(versus(`${prefix}.ms`, 'ms', oursMs, bareMs, 1));
    metrics.push({ name: `${prefix}.overhead`, value: round(oursMs / bareMs), unit: 'x', baseline: 1 });
  };

  log('  csv100k: papaparse vs analyze');
  const csvTimes = medianPairMs(
    7,
    () => {
      Papa.parse(new TextDecoder().decode(csv), { skipEmptyLines: false });
    },
    () => ours(csv, 'bench-100k.csv'),
  );
  compare('analyze.csv100k', csvTimes.ours, csvTimes.bare);

  log('  xlsx100k: SheetJS dense read vs analyze');
  // The same options the reader uses, so the ratio is the analysis' own cost.
  const xlsxTimes = medianPairMs(
    3,
    () => {
      XLSX.read(xlsx, SHEETJS_READ_OPTIONS);
    },
    () => ours(xlsx, 'bench-100k.xlsx'),
  );
  compare('analyze.xlsx100k', xlsxTimes.ours, xlsxTimes.bare);

  log('  csv1m: peak memory in a child process');
  const floor = childRun(['--baseline', csv1mPath]);
  const run = childRun([csv1mPath]);
  metrics.push(versus('analyze.csv1m.peak_rss_mb', 'MB', run.peakRssMb as number, floor.peakRssMb as number, 0));
  metrics.push(versus('analyze.csv1m.ms', 'ms', run.ms as number, floor.ms as number, 0));
  return metrics;
};
