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
let lines = 0;
if (baseline) {
  Papa.parse(new TextDecoder().decode(readFileSync(path)), { step: () => void lines++ });
} else {
  // As the CLI does: the bytes are dropped once the workbook is read.
  const buffer = readFileSync(path);
  const workbook = readWorkbook(new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength), basename(path));
  const analysis = analyzeWorkbook(workbook);
  lines = analysis.lines.length;
}
const ms = performance.now() - t0;
process.stdout.write(JSON.stringify({ ms, lines, peakRssMb: process.resourceUsage().maxRSS / 1024 }));
