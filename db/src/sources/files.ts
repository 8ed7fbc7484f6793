/**
 * The files a source's sync has seen, one row per version (path + size + mtime or ETag).
 *
 * Exactly once: a run records the version it sees (INSERT … ON CONFLICT DO NOTHING, committed at once so
 * other workers see the same row), then claims it with SELECT … FOR UPDATE SKIP LOCKED in a transaction
 * it keeps open for the whole import and closes by marking the row handled. A second worker skips a row
 * that is locked, and finds it handled once the lock is gone. A worker that dies mid-import loses its
 * transaction: the row is unlocked and still unhandled, so the next run takes it. The one gap, a death
 * between the import's commit and the claim's, is closed by findImportOfFile: the import is adopted, not
 * repeated.
 */
import type pg from 'pg';

export type SourceFileStatus = 'pending' | 'imported' | 'rejected' | 'unchanged' | 'failed';

/** Statuses after which a version is not read again. */
export const HANDLED_STATUSES: readonly SourceFileStatus[] = ['imported', 'rejected', 'unchanged'];

export interface FileVersionKey {
  sourceId: string;
  orgId: string;
  path: string;
  size: number;
  version: string;
}

export interface SourceFile {
  id: string;
  path: string;
  size: number;
  version: string;
  sha256: string | null;
  status: SourceFileStatus;
  importId: string | null;
  reason: string | null;
  attempts: number;
  seenAt: Date;
  handledAt: Date | null;
}

const COLUMNS = 'id, path, size, version, sha256, status, import_id, reason, attempts, seen_at, handled_at';

interface FileRow {
  id: string;
  path: string;
  size: string | number;
  version: string;
  sha256: string | null;
  status: SourceFileStatus;
  import_id: string | null;
  reason: string | null;
  attempts: number;
  seen_at: Date;
  handled_at: Date | null;
}

function toFile(r: FileRow): SourceFile {
  return {
    id: r.id,
    path: r.path,
    size: Number(r.size),
    version: r.version,
    sha256: r.sha256,
    status: r.status,
    importId: r.import_id,
    reason: r.reason,
    attempts: r.attempts,
    seenAt: r.seen_at,
    handledAt: r.handled_at,
  };
}

/** The row of this version, inserted if it is new; whoever inserted it, every worker gets the same row. */
export async function recordSeenFile(pool: pg.Pool, key: FileVersionKey): Promise<SourceFile> {
  const r = await pool.query<FileRow>(
    `WITH ins AS (
       INSERT INTO source_files (source_id, org_id, path, size, version) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (source_id, path, size, version) DO NOTHING RETURNING ${COLUMNS}
     )
     SELECT ${COLUMNS} FROM ins
     UNION ALL
     SELECT ${COLUMNS} FROM source_files WHERE source_id = $1 AND path = $3 AND size = $4 AND version = $5 AND NOT EXISTS (SELECT 1 FROM ins)`,
    [key.sourceId, key.orgId, key.path, key.size, key.version],
  );
  return toFile(r.rows[0] as FileRow);
}

/**
 * Locks the row for the caller's open transaction, or returns null when another worker holds it. The
 * row comes back as it is now: another worker may have handled it since the caller last looked.
 */
export async function claimSourceFile(client: pg.PoolClient, id: string): Promise<SourceFile | null> {
  const r = await client.query<FileRow>(`SELECT ${COLUMNS} FROM source_files WHERE id = $1 FOR UPDATE SKIP LOCKED`, [id]);
  const row = r.rows[0];
  return row ? toFile(row) : null;
}

export interface FileOutcome {
  status: SourceFileStatus;
  sha256: string | null;
  importId: string | null;
  reason: string | null;
}

/** Records what became of a claimed version, in the claim's transaction. */
export async function markFileHandled(client: pg.PoolClient, id: string, outcome: FileOutcome): Promise<void> {
  await client.query(
    `UPDATE source_files SET status = $2, sha256 = coalesce($3, sha256), import_id = $4, reason = $5, attempts = attempts + 1, handled_at = now()
      WHERE id = $1`,
    [id, outcome.status, outcome.sha256, outcome.importId, outcome.reason],
  );
}

/** The most recently handled other version of a path: same content means nothing changed. */
export async function lastHandledVersion(pool: pg.Pool, sourceId: string, path: string, exceptId: string): Promise<SourceFile | null> {
  const r = await pool.query<FileRow>(
    `SELECT ${COLUMNS} FROM source_files
      WHERE source_id = $1 AND path = $2 AND id <> $3 AND status IN ('imported', 'rejected', 'unchanged')
      ORDER BY handled_at DESC LIMIT 1`,
    [sourceId, path, exceptId],
  );
  const row = r.rows[0];
  return row ? toFile(row) : null;
}

/**
 * An import of this content from this source and path made since the version was first seen: a worker
 * that died after its import committed but before its claim did. Such an import is adopted, not redone.
 */
export async function findImportOfFile(
  client: pg.PoolClient,
  q: { sourceId: string; path: string; sha256: string; since: Date },
): Promise<{ id: string; status: string; reason: string | null } | null> {
  const r = await client.query<{ id: string; status: string; reason: string | null }>(
    `SELECT id, status, reason FROM import_history
      WHERE source_id = $1 AND file_name = $2 AND sha256 = $3 AND created_at >= $4 AND status IN ('succeeded', 'no_changes', 'rejected')
      ORDER BY created_at DESC LIMIT 1`,
    [q.sourceId, q.path, q.sha256, q.since],
  );
  return r.rows[0] ?? null;
}
