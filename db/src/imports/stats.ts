/**
 * Import statistics of an org, read from the import history: what finance and support watch (how many
 * imports, how many went through, how many files were refused and why, rows per import, how long imports
 * take) and what operators scrape as Prometheus metrics. One aggregate statement per function.
 */
import type pg from 'pg';
import { departmentFilter } from '../departments.ts';
import { isUuid } from '../ids.ts';
import { type Visibility, visibleClause } from './history.ts';

export interface ImportStatistics {
  /** Every import attempt recorded (reverted imports count as the imports they were). */
  imports: number;
  /** Went through: succeeded, changed nothing, or were later reverted. */
  succeeded: number;
  rejected: number;
  failed: number;
  reverted: number;
  /** Refused because the file is not a budget (`kind.mismatch`): payroll, invoices, bank statements… */
  wrongKind: number;
  /** Budget files refused for their content: errors, or warnings nobody accepted. */
  validationFailed: number;
  /** Spreadsheet rows read (below the header), summed over the imports that got that far. */
  rows: number;
  /** Mean rows per import that has an analysis; null when there is none. */
  rowsPerImport: number | null;
  durationP50Ms: number | null;
  durationP95Ms: number | null;
  durationSumMs: number;
}

export interface ImportsOnDay {
  /** `YYYY-MM-DD`, UTC. */
  day: string;
  imports: number;
  succeeded: number;
  refused: number;
}

const SUCCEEDED = "h.status IN ('succeeded', 'no_changes', 'reverted')";

/**
 * Statistics over the last `days` days, or over all time when `days` is null; for a person limited to
 * departments (`visibleTo`), over the imports their history shows them, so no other department's counts.
 */
export async function importStatistics(
  pool: pg.Pool,
  orgId: string,
  options: { days: number | null; visibleTo?: Visibility | undefined },
): Promise<ImportStatistics> {
  const empty: ImportStatistics = {
    imports: 0,
    succeeded: 0,
    rejected: 0,
    failed: 0,
    reverted: 0,
    wrongKind: 0,
    validationFailed: 0,
    rows: 0,
    rowsPerImport: null,
    durationP50Ms: null,
    durationP95Ms: null,
    durationSumMs: 0,
  };
  if (!isUuid(orgId)) return empty;
  const r = await pool.query<{
    imports: number;
    succeeded: number;
    rejected: number;
    failed: number;
    reverted: number;
    wrong_kind: number;
    validation_failed: number;
    rows: string | null;
    rows_per_import: string | null;
    p50: number | null;
    p95: number | null;
    duration_sum: string | null;
  }>(
    `SELECT count(*)::int AS imports,
            count(*) FILTER (WHERE ${SUCCEEDED})::int AS succeeded,
            count(*) FILTER (WHERE h.status = 'rejected')::int AS rejected,
            count(*) FILTER (WHERE h.status = 'failed')::int AS failed,
            count(*) FILTER (WHERE h.status = 'reverted')::int AS reverted,
            count(*) FILTER (WHERE h.status = 'rejected' AND h.kind <> 'budget')::int AS wrong_kind,
            count(*) FILTER (WHERE h.status = 'rejected' AND h.kind = 'budget')::int AS validation_failed,
            sum((h.analysis -> 'stats' ->> 'rows')::bigint)::text AS rows,
            round(avg((h.analysis -> 'stats' ->> 'rows')::numeric), 1)::text AS rows_per_import,
            percentile_cont(0.5) WITHIN GROUP (ORDER BY h.duration_ms) AS p50,
            percentile_cont(0.95) WITHIN GROUP (ORDER BY h.duration_ms) AS p95,
            sum(h.duration_ms)::text AS duration_sum
       FROM import_history h
      WHERE h.org_id = $1 AND ($2::int IS NULL OR h.created_at >= now() - make_interval(days => $2::int))
        AND ($3::text[] IS NULL OR ${visibleClause('$3', '$4')})`,
    [orgId, options.days, departmentFilter(options.visibleTo?.departments), options.visibleTo?.actor ?? null],
  );
  const row = r.rows[0];
  if (!row) return empty;
  return {
    imports: row.imports,
    succeeded: row.succeeded,
    rejected: row.rejected,
    failed: row.failed,
    reverted: row.reverted,
    wrongKind: row.wrong_kind,
    validationFailed: row.validation_failed,
    rows: Number(row.rows ?? 0),
    rowsPerImport: row.rows_per_import === null ? null : Number(row.rows_per_import),
    durationP50Ms: row.p50 === null ? null : Math.round(row.p50),
    durationP95Ms: row.p95 === null ? null : Math.round(row.p95),
    durationSumMs: Number(row.duration_sum ?? 0),
  };
}

/**
 * Imports per UTC day over the last `days` days, oldest first, days without imports included; for a
 * person limited to departments (`visibleTo`), only the imports their history shows.
 */
export async function importsPerDay(pool: pg.Pool, orgId: string, days: number, visibleTo?: Visibility): Promise<ImportsOnDay[]> {
  if (!isUuid(orgId)) return [];
  const r = await pool.query<{ day: string; imports: number; succeeded: number; refused: number }>(
    `WITH recent AS (
       SELECT (h.created_at AT TIME ZONE 'UTC')::date AS day, h.status
         FROM import_history h
        WHERE h.org_id = $1 AND h.created_at >= ((now() AT TIME ZONE 'UTC')::date - ($2::int - 1)) AT TIME ZONE 'UTC'
          AND ($3::text[] IS NULL OR ${visibleClause('$3', '$4')}))
     SELECT d.day::date::text AS day,
            count(h.day)::int AS imports,
            count(h.day) FILTER (WHERE ${SUCCEEDED})::int AS succeeded,
            count(h.day) FILTER (WHERE h.status = 'rejected')::int AS refused
       FROM generate_series((now() AT TIME ZONE 'UTC')::date - ($2::int - 1), (now() AT TIME ZONE 'UTC')::date, interval '1 day') AS d(day)
       LEFT JOIN recent h ON h.day = d.day::date
      GROUP BY d.day
      ORDER BY d.day`,
    [orgId, days, departmentFilter(visibleTo?.departments), visibleTo?.actor ?? null],
  );
  return r.rows;
}
