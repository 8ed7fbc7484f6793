/** `budget-sync analyze FILE`: read, analyze, print. Exit 0 importable, 1 not importable, 2 unreadable. */
import { readFile, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { analyzeWorkbook, isFileReadError } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { formatAnalysis } from '../output/analysis-text.ts';
import { writeJsonWithLines } from '../output/json.ts';

export interface AnalyzeFlags {
  sheet?: string;
  fiscalYearStart: string;
  currency: string;
  json?: boolean;
}

function fail(
  json: boolean | undefined,
  file: string,
  code: string,
  message: string,
  where: { row?: number | null; column?: number | null } = {},
): number {
  if (json) {
    process.stdout.write(
      `${JSON.stringify({ file, error: { code, message, row: where.row ?? null, column: where.column ?? null } }, null, 2)}\n`,
    );
  }
  process.stderr.write(`budget-sync: ${message}\n`);
  return 2;
}

export async function analyzeCommand(path: string, flags: AnalyzeFlags): Promise<number> {
  const file = basename(path);
  const fysm = Number(flags.fiscalYearStart);
  if (!Number.isInteger(fysm) || fysm < 1 || fysm > 12) {
    return fail(flags.json, file, 'usage', `--fiscal-year-start must be a month number from 1 to 12, not "${flags.fiscalYearStart}".`);
  }
  if (!/^[A-Za-z]{3}$/.test(flags.currency)) {
    return fail(flags.json, file, 'usage', `--currency must be a three-letter currency code such as USD, not "${flags.currency}".`);
  }
  let bytes: Uint8Array | undefined;
  try {
    const info = await stat(path);
    if (info.isDirectory()) return fail(flags.json, file, 'file.unreadable', `${path} is a folder, not a file.`);
    const buffer = await readFile(path);
    bytes = new Uint8Array(buffer.buffer, buffer.byteOffset, buffer.byteLength); // a view, not a copy
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'there is no such file' : code === 'EACCES' ? 'permission denied' : (e as Error).message;
    return fail(flags.json, file, 'file.unreadable', `cannot read ${path}: ${why}.`);
  }
  try {
    const workbook = readWorkbook(bytes as Uint8Array, file);
    bytes = undefined; // the workbook keeps what it needs; a million-row file should not be held twice
    const analysis = analyzeWorkbook(workbook, {
      fiscalYearStartMonth: fysm,
      defaultCurrency: flags.currency.toUpperCase(),
      ...(flags.sheet !== undefined ? { sheet: flags.sheet } : {}),
    });
    if (flags.json) await writeJsonWithLines(process.stdout, analysis);
    else process.stdout.write(formatAnalysis(analysis));
    return analysis.stats.importable ? 0 : 1;
  } catch (e) {
    if (isFileReadError(e)) return fail(flags.json, file, e.code, e.message, e);
    throw e;
  }
}
