/** Sync runs of a data source: started, then finished with what happened to each file, or why it failed. */
import type pg from 'pg';
import { type Visibility, visibleImportIds } from '../imports/history.ts';

export type SourceRunStatus = 'running' | 'succeeded' | 'failed';

export interface SourceRun {
  id: string;
  sourceId: string;
  trigger: string;
  status: SourceRunStatus;
  files: unknown[];
  reason: string | null;
  startedAt: string;
  finishedAt: string | null;
}

export async function startSourceRun(pool: pg.Pool, run: { sourceId: string; orgId: string; trigger: string }): Promise<string> {
  const r = await pool.query<{ id: string }>('INSERT INTO source_runs (source_id, org_id, trigger) VALUES ($1, $2, $3) RETURNING id', [
    run.sourceId,
    run.orgId,
    run.trigger,
  ]);
  return (r.rows[0] as { id: string }).id;
}

export async function finishSourceRun(
  pool: pg.Pool,
  id: string,
  end: { status: Exclude<SourceRunStatus, 'running'>; files: unknown[]; reason: string | null },
): Promise<void> {
  await pool.query('UPDATE source_runs SET status = $2, files = $3, reason = $4, finished_at = now() WHERE id = $1', [
    id,
    end.status,
    JSON.stringify(end.files),
    end.reason,
  ]);
}

/** The latest runs of a source, newest first. */
export async function listSourceRuns(pool: pg.Pool, sourceId: string, limit = 20): Promise<SourceRun[]> {
  const r = await pool.query<{
    id: string;
    source_id: string;
    trigger: string;
    status: SourceRunStatus;
    files: unknown[];
    reason: string | null;
    started_at: Date;
    finished_at: Date | null;
  }>(
    `SELECT id, source_id, trigger, status, files, reason, started_at, finished_at FROM source_runs
      WHERE source_id = $1 ORDER BY started_at DESC LIMIT $2`,
    [sourceId, limit],
  );
  return r.rows.map((row) => ({
    id: row.id,
    sourceId: row.source_id,
    trigger: row.trigger,
    status: row.status,
    files: row.files,
    reason: row.reason,
    startedAt: row.started_at.toISOString(),
    finishedAt: row.finished_at?.toISOString() ?? null,
  }));
}

/**
 * A run as a person limited to departments may see it: only the files whose import they may see in the
 * history (a file's name, reason and import may name other departments' lines; files without an import
 * say nothing they may see). Without a limit, the run as it is.
 */
export async function runAsSeenBy(pool: pg.Pool, orgId: string, run: SourceRun, visibleTo: Visibility | undefined): Promise<SourceRun> {
  if (!visibleTo) return run;
  const importOf = (f: unknown) => (typeof f === 'object' && f !== null ? (f as { importId?: unknown }).importId : undefined);
  const ids = run.files.map(importOf).filter((id): id is string => typeof id === 'string');
  const visible = await visibleImportIds(pool, orgId, ids, visibleTo);
  return { ...run, files: run.files.filter((f) => visible.has(importOf(f) as string)) };
}
