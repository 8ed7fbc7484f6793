/** `budget-sync analyze FILE`: read, analyze, print. Exit 0 importable, 1 not importable, 2 unreadable. */
import { basename } from 'node:path';
import { analyzeWorkbook, isFileReadError } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { formatAnalysis } from '../output/analysis-text.ts';
import { writeJsonWithLines } from '../output/json.ts';
import { printFileError as fail, readInputFile } from '../shared/input-file.ts';
import { parseSetFlags } from '../shared/set-values.ts';

export interface AnalyzeFlags {
  sheet?: string;
  fiscalYearStart: string;
  currency: string;
  /** `--set FIELD=VALUE`, repeatable. */
  set?: string[];
  json?: boolean;
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
  const given = parseSetFlags(flags.set ?? []);
  if ('error' in given) return fail(flags.json, file, 'usage', given.error);
  let bytes: Uint8Array | undefined;
  try {
    bytes = await readInputFile(path, file);
  } catch (e) {
    if (isFileReadError(e)) return fail(flags.json, file, e.code, e.message);
    throw e;
  }
  try {
    const workbook = readWorkbook(bytes as Uint8Array, file);
    bytes = undefined; // the workbook keeps what it needs; a million-row file should not be held twice
    const analysis = analyzeWorkbook(workbook, {
      fiscalYearStartMonth: fysm,
      defaultCurrency: flags.currency.toUpperCase(),
      set: given.set,
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
