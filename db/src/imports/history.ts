/**
 * Import history: one row per import attempt (who, from where, which file, what kind, what it did, how
 * long it took, and why not when it did not land), plus the original file while it is retained.
 */
import { gunzipSync } from 'node:zlib';
import { type Analysis, type ImportCounts, type Issue, SETTABLE_FIELDS, type SetValues } from '@budget-sync/core';
import type pg from 'pg';
import { type DepartmentLimit, departmentFilter } from '../departments.ts';
import { DomainError } from '../errors.ts';
import { isUuid } from '../ids.ts';

export type ImportStatus = 'succeeded' | 'no_changes' | 'rejected' | 'failed' | 'reverted';

/** What an import was and what it did: written once, read by listings and details. */
export interface ImportFacts {
  id: string;
  orgId: string;
  actor: string;
  source: string;
  sourceId: string | null;
  fileName: string;
  sha256: string;
  kind: string;
  overrideKindReason: string | null;
  mode: 'merge' | 'replace';
  status: ImportStatus;
  reason: string | null;
  counts: ImportCounts;
  durationMs: number;
}

export interface HistoryInsert extends ImportFacts {
  issues: Issue[];
  /** Null for a file that could not be read at all (recordRefusedFile). */
  analysis: AnalysisSummary | null;
}

/** What the history keeps of the analysis: everything but the lines themselves. */
export type AnalysisSummary = Omit<Analysis, 'lines' | 'issues'>;

export function analysisSummary(a: Analysis): AnalysisSummary {
  const { lines: _lines, issues: _issues, ...rest } = a;
  return rest;
}

export async function insertHistory(client: pg.PoolClient, h: HistoryInsert): Promise<void> {
  await client.query(
    `INSERT INTO import_history (id, org_id, actor, source, source_id, file_name, sha256, kind, override_kind_reason, mode,
                                 status, reason, inserted, updated, unchanged, removed, issues, analysis, duration_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19)`,
    [
      h.id,
      h.orgId,
      h.actor,
      h.source,
      h.sourceId,
      h.fileName,
      h.sha256,
      h.kind,
      h.overrideKindReason,
      h.mode,
      h.status,
      h.reason,
      h.counts.inserted,
      h.counts.updated,
      h.counts.unchanged,
      h.counts.removed,
      JSON.stringify(h.issues),
      JSON.stringify(h.analysis),
      h.durationMs,
    ],
  );
}

export interface ImportRecord extends ImportFacts {
  /** The values the importer gave for what the file lacked (`--set`, the API's `set`, the review's fields); `{}` when none. */
  set: SetValues;
  createdAt: string;
  revertedAt: string | null;
  revertedBy: string | null;
  /** Until when the original file is kept; null when it is not (expired, or never stored). */
  fileKeptUntil: string | null;
}

export interface ImportDetail extends ImportRecord {
  issues: Issue[];
  analysis: AnalysisSummary | null;
}

const RECORD_COLUMNS = `h.id, h.org_id, h.actor, h.source, h.source_id, h.file_name, h.sha256, h.kind, h.override_kind_reason, h.mode,
  h.status, h.reason, h.inserted, h.updated, h.unchanged, h.removed, h.duration_ms, h.created_at, h.reverted_at, h.reverted_by,
  coalesce(h.analysis->'set', '{}'::jsonb) AS set_values,
  CASE WHEN f.expires_at > now() THEN f.expires_at END AS file_kept_until`;

interface RecordRow {
  id: string;
  org_id: string;
  actor: string;
  source: string;
  source_id: string | null;
  file_name: string;
  sha256: string;
  kind: string;
  override_kind_reason: string | null;
  mode: 'merge' | 'replace';
  status: ImportStatus;
  reason: string | null;
  inserted: number;
  updated: number;
  unchanged: number;
  removed: number;
  duration_ms: number;
  set_values: SetValues;
  created_at: Date;
  reverted_at: Date | null;
  reverted_by: string | null;
  file_kept_until: Date | null;
}

/** The values set, in the fields' order (department, category, fiscal year, currency, direction): jsonb keeps its keys by length. */
function inFieldOrder(set: SetValues): SetValues {
  const out: SetValues = {};
  for (const field of SETTABLE_FIELDS) if (set[field] !== undefined) out[field] = set[field];
  return out;
}

function toRecord(r: RecordRow): ImportRecord {
  return {
    id: r.id,
    orgId: r.org_id,
    actor: r.actor,
    source: r.source,
    sourceId: r.source_id,
    fileName: r.file_name,
    sha256: r.sha256,
    kind: r.kind,
    overrideKindReason: r.override_kind_reason,
    mode: r.mode,
    status: r.status,
    reason: r.reason,
    counts: { inserted: r.inserted, updated: r.updated, unchanged: r.unchanged, removed: r.removed },
    durationMs: r.duration_ms,
    set: inFieldOrder(r.set_values),
    createdAt: r.created_at.toISOString(),
    revertedAt: r.reverted_at?.toISOString() ?? null,
    revertedBy: r.reverted_by,
    fileKeptUntil: r.file_kept_until?.toISOString() ?? null,
  };
}

export interface ListOptions {
  limit?: number;
  /** Only imports created before this id's row (paging, newest first). */
  before?: string | undefined;
  status?: ImportStatus | undefined;
  /** `cli`, `api`, `addon`, … as recorded. */
  source?: string | undefined;
  /** Created at or after this instant (ISO 8601). */
  from?: string | undefined;
  /** Created before this instant (ISO 8601). */
  to?: string | undefined;
  /** A person limited to departments sees only imports whose changed lines all lie in them, and their own. */
  visibleTo?: Visibility | undefined;
}

/** Who reads the history: a person's departments and the name their own imports are recorded under. */
export interface Visibility {
  departments: DepartmentLimit;
  actor: string;
}

/**
 * The condition that an import is visible to a person limited to departments ($dep: their lowercased
 * departments, $actor: their name): it changed lines and all of them are theirs, or they made it.
 */
export function visibleClause(dep: string, actor: string): string {
  return `(h.actor = ${actor} OR (EXISTS (SELECT FROM line_versions v WHERE v.org_id = h.org_id AND v.import_id = h.id)
           AND NOT EXISTS (SELECT FROM line_versions v JOIN budget_lines b ON b.id = v.line_id
                            WHERE v.org_id = h.org_id AND v.import_id = h.id AND lower(b.department) <> ALL(${dep}::text[]))))`;
}

export async function listImports(pool: pg.Pool, orgId: string, options: ListOptions = {}): Promise<ImportRecord[]> {
  const limit = Math.min(Math.max(options.limit ?? 50, 1), 500);
  const r = await pool.query<RecordRow>(
    `SELECT ${RECORD_COLUMNS}
       FROM import_history h LEFT JOIN import_files f ON f.import_id = h.id
      WHERE h.org_id = $1
        AND ($2::uuid IS NULL OR (h.created_at, h.id) < (SELECT created_at, id FROM import_history WHERE id = $2::uuid AND org_id = $1))
        AND ($4::text IS NULL OR h.status = $4)
        AND ($5::text IS NULL OR h.source = $5)
        AND ($6::timestamptz IS NULL OR h.created_at >= $6)
        AND ($7::timestamptz IS NULL OR h.created_at < $7)
        AND ($8::text[] IS NULL OR ${visibleClause('$8', '$9')})
      ORDER BY h.created_at DESC, h.id DESC
      LIMIT $3`,
    [
      orgId,
      options.before ?? null,
      limit,
      options.status ?? null,
      options.source ?? null,
      options.from ?? null,
      options.to ?? null,
      departmentFilter(options.visibleTo?.departments),
      options.visibleTo?.actor ?? null,
    ],
  );
  return r.rows.map(toRecord);
}

/** One import of the org, with its issues and analysis summary. Another org's import is "not found". */
export async function getImport(pool: pg.Pool, orgId: string, importId: string, visibleTo?: Visibility): Promise<ImportDetail> {
  if (!isUuid(importId)) throw notFound(importId);
  const r = await pool.query<RecordRow & { issues: Issue[]; analysis: AnalysisSummary | null }>(
    `SELECT ${RECORD_COLUMNS}, h.issues, h.analysis
       FROM import_history h LEFT JOIN import_files f ON f.import_id = h.id
      WHERE h.org_id = $1 AND h.id = $2 AND ($3::text[] IS NULL OR ${visibleClause('$3', '$4')})`,
    [orgId, importId, departmentFilter(visibleTo?.departments), visibleTo?.actor ?? null],
  );
  const row = r.rows[0];
  if (!row) throw notFound(importId);
  return { ...toRecord(row), issues: row.issues, analysis: row.analysis };
}

/** Of these imports of the org, the ids a person limited to departments may see (the history's rule). */
export async function visibleImportIds(pool: pg.Pool, orgId: string, ids: readonly string[], visibleTo: Visibility): Promise<Set<string>> {
  const wanted = ids.filter(isUuid);
  if (wanted.length === 0) return new Set();
  const r = await pool.query<{ id: string }>(
    `SELECT h.id FROM import_history h WHERE h.org_id = $1 AND h.id = ANY($2::uuid[]) AND ${visibleClause('$3', '$4')}`,
    [orgId, wanted, departmentFilter(visibleTo.departments), visibleTo.actor],
  );
  return new Set(r.rows.map((row) => row.id));
}

/** The original file of an import while it is retained. */
export async function getImportFile(pool: pg.Pool, orgId: string, importId: string): Promise<Uint8Array | null> {
  if (!isUuid(importId)) throw notFound(importId);
  const r = await pool.query<{ content_gzip: Buffer }>(
    'SELECT content_gzip FROM import_files WHERE org_id = $1 AND import_id = $2 AND expires_at > now()',
    [orgId, importId],
  );
  const row = r.rows[0];
  return row ? new Uint8Array(gunzipSync(row.content_gzip)) : null;
}

/** Deletes original files past their retention; history rows stay. Returns how many were deleted. */
export async function purgeExpiredFiles(pool: pg.Pool): Promise<number> {
  const r = await pool.query('DELETE FROM import_files WHERE expires_at <= now()');
  return r.rowCount ?? 0;
}

export function notFound(importId: string): DomainError {
  return new DomainError('import.not_found', `There is no import ${importId} in this organization.`);
}
