/**
 * Budget lines built as values, for the tests of what the analysis does not produce from files yet
 * (further dimensions, revenue), imported by the real applyImport.
 */
import { createHash } from 'node:crypto';
import type { Analysis, BudgetLine, Direction } from '@budget-sync/core';
import { applyImport, type Database, type ImportRequest, type ImportResult } from '@budget-sync/db';
import { lineOf } from '../support/budget-line.ts';
import { analyzeText, budgetCsv } from './helpers.ts';

/** A month line with the given dimensions, codes and direction (lineOf: any other field). */
export function line(
  department: string,
  category: string,
  month: string,
  amount: string,
  dimensions: Record<string, string> = {},
  extra: { codes?: Record<string, string>; direction?: Direction } = {},
): BudgetLine {
  return lineOf(department, category, month, amount, { dimensions, ...extra });
}

/** A real analysis of a small budget, with its lines replaced by `lines`. */
function analysisOf(lines: BudgetLine[]): Analysis {
  const { analysis } = analyzeText(budgetCsv([['Parks', 'Salaries', '2026-01', '1.00']]));
  return { ...analysis, lines, stats: { ...analysis.stats, lines: lines.length } };
}

/** Imports `lines` as one file (merge unless `extra` says otherwise; warnings accepted). */
export async function importBudgetLines(
  db: Database,
  orgId: string,
  lines: BudgetLine[],
  extra: Partial<ImportRequest> = {},
): Promise<ImportResult> {
  const analysis = analysisOf(lines);
  return applyImport(db, {
    orgId,
    analysis,
    mode: 'merge',
    acceptWarnings: true,
    actor: 'test@example.com',
    source: 'cli',
    fileName: 'budget.csv',
    sha256: createHash('sha256').update(JSON.stringify(lines)).digest('hex'),
    ...extra,
  });
}
