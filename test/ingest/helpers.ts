/** Shared by the ingest tests: an org, a secret key, corpus files, and reading what a sync left in the database. */
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createOrganization, type Database } from '@budget-sync/db';
import type { RetryPolicy } from '@budget-sync/ingest-worker';
import { corpusDir } from '../support/corpus.ts';

/** Retries fast enough for a test, slow enough for a restarted server to come back. */
export const FAST_RETRY: RetryPolicy = { attempts: 5, baseMs: 150, maxMs: 1000 };

export function newSecretKey(): string {
  return randomBytes(32).toString('base64');
}

export function corpus(name: string): Buffer {
  return readFileSync(join(corpusDir, name));
}

export async function newOrg(db: Database, name = 'Acme'): Promise<string> {
  return (await createOrganization(db.pool, { name })).org.id;
}

export interface HistoryRow {
  id: string;
  file_name: string;
  status: string;
  kind: string;
  source: string;
  reason: string | null;
  inserted: number;
}

export async function history(db: Database, sourceId: string): Promise<HistoryRow[]> {
  const r = await db.pool.query<HistoryRow>(
    'SELECT id, file_name, status, kind, source, reason, inserted FROM import_history WHERE source_id = $1 ORDER BY created_at',
    [sourceId],
  );
  return r.rows;
}

export async function lineCount(db: Database, orgId: string): Promise<number> {
  const r = await db.pool.query<{ n: string }>('SELECT count(*) AS n FROM budget_lines WHERE org_id = $1 AND deleted_at IS NULL', [orgId]);
  return Number(r.rows[0]?.n);
}

/** A long-layout budget CSV with `rows` lines for one department: a "large file" on demand. */
export function bigBudget(rows: number, department = 'Operations', amount = 100): string {
  const lines = ['Department,Category,Month,Budget Amount'];
  for (let i = 0; i < rows; i++)
    lines.push(`${department},Category ${String(i).padStart(6, '0')},2026-${String((i % 12) + 1).padStart(2, '0')},${amount}.00`);
  return `${lines.join('\n')}\n`;
}
