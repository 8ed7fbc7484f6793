/** Builders for the database tests: budgets written as CSV text, analysed by the real engine, and imported. */
import { createHash } from 'node:crypto';
import { type Analysis, type AnalyzeOptions, analyzeWorkbook } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { applyImport, createOrganization, type Database, DomainError, type ImportRequest, type ImportResult } from '@budget-sync/db';
import { expect } from 'vitest';

export type Row = [department: string, category: string, period: string, amount: string];

export function budgetCsv(rows: readonly Row[]): string {
  return ['Department,Category,Month,Budget Amount', ...rows.map((r) => r.join(','))].join('\n');
}

export function analyzeText(
  text: string,
  fileName = 'budget.csv',
  options: AnalyzeOptions = {},
): { analysis: Analysis; bytes: Uint8Array } {
  const bytes = new TextEncoder().encode(text);
  return { analysis: analyzeWorkbook(readWorkbook(bytes, fileName), options), bytes };
}

export async function newOrg(db: Database, name = 'Acme'): Promise<string> {
  const { org } = await createOrganization(db.pool, { name });
  return org.id;
}

export async function importRows(
  db: Database,
  orgId: string,
  rows: readonly Row[],
  extra: Partial<ImportRequest> = {},
): Promise<ImportResult> {
  return importText(db, orgId, budgetCsv(rows), extra);
}

export async function importText(
  db: Database,
  orgId: string,
  text: string,
  extra: Partial<ImportRequest> = {},
  options: AnalyzeOptions = {},
): Promise<ImportResult> {
  const fileName = extra.fileName ?? 'budget.csv';
  const { analysis, bytes } = analyzeText(text, fileName, options);
  return applyImport(db, {
    orgId,
    analysis,
    mode: 'merge',
    acceptWarnings: false,
    actor: 'test@example.com',
    source: 'cli',
    fileName,
    sha256: createHash('sha256').update(bytes).digest('hex'),
    file: bytes,
    ...extra,
  });
}

export interface LiveLine {
  department: string;
  category: string;
  period: string;
  amount: string;
  version: number;
}

/** The org's live lines, sorted, as plain values. */
export async function liveLines(db: Database, orgId: string): Promise<LiveLine[]> {
  const r = await db.pool.query<LiveLine>(
    `SELECT department, category, period, amount::text AS amount, version FROM budget_lines
      WHERE org_id = $1 AND deleted_at IS NULL ORDER BY department, category, period`,
    [orgId],
  );
  return r.rows;
}

export async function countRows(db: Database, table: string, orgId: string): Promise<number> {
  const r = await db.pool.query<{ n: string }>(`SELECT count(*) AS n FROM ${table} WHERE org_id = $1`, [orgId]);
  return Number(r.rows[0]?.n);
}

/** The DomainError `p` rejects with (failing the test if it resolves or rejects with anything else). */
export async function error(p: Promise<unknown>): Promise<DomainError> {
  const e = await p.then(
    () => null,
    (x: unknown) => x,
  );
  expect(e).toBeInstanceOf(DomainError);
  return e as DomainError;
}
