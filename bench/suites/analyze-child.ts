/**
 * Child process for the 1M-row figures: analyzes one file (or, with --baseline, only reads it and
 * parses it with papaparse's streaming step callback, keeping nothing) and prints its peak RSS.
 */
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import Papa from 'papaparse';
import { analyzeWorkbook } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';

const args = process.argv.slice(2);
const baseline = args[0] === '--baseline';
const path = args[args.length - 1] as string;
const t0 = performance.now();
const bytes = new Uint8Array(readFileSync(path));
let lines = 0;
if (baseline) {
  Papa.parse(new TextDecoder().decode(bytes), { step: () => void lines++ });
} else {
  const analysis = analyzeWorkbook(readWorkbook(bytes, basename(path)));
  lines = analysis.lines.length;
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, lines, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
