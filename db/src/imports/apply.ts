/**
 * applyImport: the one transaction that lands an analysed file in the budget.
 *
 * Under a per-org advisory lock (and, unless it is a dry run, the org's budget-structure lock, which keeps
 * reservations out until it commits) it reads the stored lines of the file's scope with what is consumed
 * against them, plans the diff (the same plan the preview shows), decides whether the import may go
 * ahead, and writes inserts, updates, removals and one version row per changed line with COPY-class bulk
 * statements. Nothing is half-written: either the whole plan lands with its history row, or nothing does
 * and the history row says why (`rejected` before writing, `failed` when writing broke).
 */
import { promisify } from 'node:util';
import { gzip } from 'node:zlib';
import {
  NO_DIMENSIONS,
  type Analysis,
  decideImport,
  dimensionKey,
  dimensionTerms,
  type ImportCounts,
  type ImportMode,
  type ImportPlan,
  type PlannedUpdate,
  type StoredLine,
  type Issue,
  importScope,
  planChangesNothing,
  planCounts,
  planImport,
} from '@budget-sync/core';
import type pg from 'pg';
import { checkout } from '../checkout.ts';
import { bulkInsert } from '../bulk.ts';
import type { Database } from '../database.ts';
import { DomainError } from '../errors.ts';
import { UuidList } from '../ids.ts';
import { type DepartmentLimit, requireFileDepartments } from '../departments.ts';
import { enqueueEvent } from '../notifications/outbox.ts';
import { arrayLiteral } from '../budget/pipeline.ts';
import { analysisSummary, type ImportFacts, type ImportStatus, insertHistory } from './history.ts';
import { loadScopeLines } from './stored-lines.ts';

export interface ImportRequest {
  orgId: string;
  analysis: Analysis;
  mode: ImportMode;
  acceptWarnings: boolean;
  /** Import a file that does not look like a budget; recorded in history. */
  overrideKindReason?: string | undefined;
  actor: string;
  /** `cli`, `api`, `addon`, `console`, or a data source's type. */
  source: string;
  sourceId?: string | undefined;
  fileName: string;
  sha256: string;
  /**
   * The original file, kept (compressed) for the org's retention period: its bytes, or keepFile's
   * result, which lets the caller drop the bytes while the import runs.
   */
  file?: Uint8Array | KeptFile | undefined;
  /** Plan and decide, write nothing (not even history). */
  dryRun?: boolean;
  /**
   * The importing person's departments: a file with lines outside them is refused before anything is
   * written (department.forbidden, naming the rows); in replace mode this also bounds what is removed,
   * since a file's scope is its own departments.
   */
  departments?: DepartmentLimit;
  /** Called as the import moves through its stages (progress display; tests use it to cut the connection). */
  onStage?: (stage: ImportStage) => void | Promise<void>;
}

export type ImportStage = 'locked' | 'planned' | 'lines_written' | 'versions_written';

export interface ImportResult {
  /** Null for a dry run. */
  importId: string | null;
  status: ImportStatus | 'dry_run';
  counts: ImportCounts;
  issues: Issue[];
  /** Why it was rejected or failed; null otherwise. */
  reason: string | null;
  plan: ImportPlan;
  durationMs: number;
}

const gzipAsync = promisify(gzip);

const NOTHING: ImportCounts = Object.freeze({ inserted: 0, updated: 0, unchanged: 0, removed: 0 });
const DEFAULT_RETENTION_DAYS = 7;

/** First key of the two-key advisory lock that serializes one org's imports and reverts. */
export const IMPORT_LOCK_CLASS = 7_352_026;

export async function lockOrgImports(client: pg.PoolClient, orgId: string): Promise<void> {
  await client.query('SELECT pg_advisory_xact_lock($1, hashtext($2))', [IMPORT_LOCK_CLASS, orgId]);
}

/**
 * The org's budget-structure lock, exclusive (budget_sync_lock_structure, migration 0006), taken after
 * the import lock and before anything consumed is read: reservations hold it shared, so this waits for
 * those in flight, and the org's reservations wait until the transaction ends. What is read as consumed
 * is then final until the commit, and no reservation is decided on lines this transaction is changing.
 */
export async function lockBudgetStructure(client: pg.PoolClient, orgId: string): Promise<void> {
  await client.query('SELECT budget_sync_lock_structure($1::uuid, true)', [orgId]);
}

export async function applyImport(db: Database, req: ImportRequest): Promise<ImportResult> {
  requireFileDepartments(req.departments, req.analysis.lines);
  const started = performance.now();
  const importId = crypto.randomUUID();
  const client = await checkout(db.pool);
  let plan: ImportPlan | undefined;
  let retention: number | undefined;
  let broken: unknown;
  // The kept copy of the file is compressed on libuv's thread pool while the lines are planned and
  // written (a 73 MB CSV takes seconds to gzip: on the event loop, that was time the import waited).
  const kept = keptFile(req);
  try {
    await client.query('BEGIN');
    await lockOrgImports(client, req.orgId);
    const org = await client.query<{ retention: number }>('SELECT file_retention_days AS retention FROM organizations WHERE id = $1', [
      req.orgId,
    ]);
    retention = org.rows[0]?.retention;
    if (retention === undefined) throw new DomainError('org.not_found', `There is no organization with id ${req.orgId}.`);
    // A dry run writes nothing, so it need not hold reservations up: its plan reads consumption as it is.
    if (!req.dryRun) await lockBudgetStructure(client, req.orgId);
    await req.onStage?.('locked');

    const stored = await loadScopeLines(client, req.orgId, importScope(req.analysis.lines));
    plan = planImport(req.analysis.lines, stored, req.mode);
    const decision = decideImport(req.analysis, plan.issues, {
      acceptWarnings: req.acceptWarnings,
      overrideKindReason: req.overrideKindReason,
    });
    await req.onStage?.('planned');
    const result = (status: ImportResult['status'], reason: string | null): ImportResult => ({
      importId: status === 'dry_run' ? null : importId,
      status,
      // What was written: nothing for a rejected import (the plan still shows what it would have done).
      counts: status === 'rejected' ? NOTHING : planCounts(plan as ImportPlan),
      issues: decision.issues,
      reason,
      plan: plan as ImportPlan,
      durationMs: Math.round(performance.now() - started),
    });

    if (req.dryRun) {
      await client.query('ROLLBACK');
      return result('dry_run', decision.reason);
    }
    if (!decision.allowed) {
      // Nothing of the file lands; the history row (and the file, unless it holds personal data) does.
      await client.query('ROLLBACK');
      await client.query('BEGIN');
      const rejected = result('rejected', decision.reason);
      await recordHistory(client, req, rejected, retention, kept);
      await client.query('COMMIT');
      return rejected;
    }
    if (planChangesNothing(plan)) {
      const same = result('no_changes', null);
      await recordHistory(client, req, same, retention, kept);
      await client.query('COMMIT');
      return same;
    }

    await writePlan(client, db.supportsCopy, req, plan, importId);
    await req.onStage?.('versions_written');
    const done = result('succeeded', null);
    await recordHistory(client, req, done, retention, kept);
    await client.query('COMMIT');
    return done;
  } catch (e) {
    broken = e;
    await client.query('ROLLBACK').catch(() => {});
    if (e instanceof DomainError) throw e;
    return await recordFailure(db, req, importId, plan, e, started, retention, kept);
  } finally {
    client.done(broken);
  }
}

const LINE_COLUMNS = {
  table: 'budget_lines',
  columns: [
    'id',
    'org_id',
    'department',
    'category',
    'project',
    'period',
    'period_start',
    'period_end',
    'fiscal_year',
    'amount',
    'currency',
    'owner',
    'notes',
    'version',
    'last_import_id',
    'dimensions',
    'codes',
    'direction',
    'dim_key',
    'dim_terms',
  ],
  types: [
    'uuid[]',
    'uuid[]',
    'text[]',
    'text[]',
    'text[]',
    'text[]',
    'date[]',
    'date[]',
    'int[]',
    'numeric[]',
    'text[]',
    'text[]',
    'text[]',
    'int[]',
    'uuid[]',
    'jsonb[]',
    'jsonb[]',
    'text[]',
    'text[]',
    'text[]',
  ],
  // dim_terms travels as an array literal (an unnest of text[][] would flatten it).
  casts: [null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, 'text[]'],
} as const;

export const VERSION_COLUMNS = {
  table: 'line_versions',
  columns: [
    'org_id',
    'line_id',
    'import_id',
    'change',
    'version',
    'amount_before',
    'amount_after',
    'currency_before',
    'currency_after',
    'owner_before',
    'owner_after',
    'notes_before',
    'notes_after',
    'direction_before',
    'direction_after',
    'dimensions_before',
    'dimensions_after',
    'codes_before',
    'codes_after',
  ],
  types: [
    'uuid[]',
    'uuid[]',
    'uuid[]',
    'text[]',
    'int[]',
    'numeric[]',
    'numeric[]',
    'text[]',
    'text[]',
    'text[]',
    'text[]',
    'text[]',
    'text[]',
    'text[]',
    'text[]',
    'jsonb[]',
    'jsonb[]',
    'jsonb[]',
    'jsonb[]',
  ],
} as const;

/** A line's dimensions and codes as stored (jsonb text; codes null when it has none). */
function dimensionsJson(l: { dimensions: Readonly<Record<string, string>> }): string {
  return l.dimensions === NO_DIMENSIONS || Object.keys(l.dimensions).length === 0 ? '{}' : JSON.stringify(l.dimensions);
}

function codesJson(l: { codes?: Readonly<Record<string, string>> | null | undefined }): string | null {
  return l.codes && Object.keys(l.codes).length > 0 ? JSON.stringify(l.codes) : null;
}

async function writePlan(client: pg.PoolClient, copy: boolean, req: ImportRequest, plan: ImportPlan, importId: string): Promise<void> {
  const org = req.orgId;
  const newIds = new UuidList(plan.inserts.length);
  await bulkInsert(client, LINE_COLUMNS, lineRows(plan, newIds, org, importId), copy);

  if (plan.updates.length > 0) {
    await client.query(
      `UPDATE budget_lines b
          SET amount = u.amount, currency = u.currency, owner = u.owner, notes = u.notes,
              direction = u.direction, dimensions = u.dimensions, codes = u.codes, dim_terms = u.dim_terms::text[],
              version = b.version + 1, last_import_id = $6, updated_at = now()
         FROM unnest($1::uuid[], $2::numeric[], $3::text[], $4::text[], $5::text[], $7::text[], $8::jsonb[], $9::jsonb[], $10::text[])
              AS u(id, amount, currency, owner, notes, direction, dimensions, codes, dim_terms)
        WHERE b.id = u.id`,
      [
        plan.updates.map((u) => u.stored.id),
        plan.updates.map((u) => u.line.amount),
        plan.updates.map((u) => u.line.currency),
        plan.updates.map((u) => u.line.owner),
        plan.updates.map((u) => u.line.notes),
        importId,
        plan.updates.map((u) => u.line.direction),
        plan.updates.map((u) => dimensionsJson(dimensionsAfter(u))),
        plan.updates.map((u) => codesJson(dimensionsAfter(u))),
        plan.updates.map((u) => termsLiteral(dimensionsAfter(u))),
      ],
    );
  }
  if (plan.removes.length > 0) {
    await client.query(
      `UPDATE budget_lines SET deleted_at = now(), version = version + 1, last_import_id = $2, updated_at = now()
        WHERE id = ANY($1::uuid[])`,
      [plan.removes.map((s) => s.id), importId],
    );
  }
  await req.onStage?.('lines_written');

  await bulkInsert(client, VERSION_COLUMNS, versionRows(plan, newIds, org, importId), copy);
}

/** Rows made as COPY consumes them: a million inserts never exist as a million arrays at once (≈250 MB). */
function* lineRows(plan: ImportPlan, newIds: UuidList, org: string, importId: string) {
  for (let i = 0; i < plan.inserts.length; i++) {
    const l = plan.inserts[i];
    if (l === undefined) continue;
    yield [
      newIds.get(i),
      org,
      l.department,
      l.category,
      l.project,
      l.period,
      l.periodStart,
      l.periodEnd,
      l.fiscalYear,
      l.amount,
      l.currency,
      l.owner,
      l.notes,
      1,
      importId,
      dimensionsJson(l),
      codesJson(l),
      l.direction,
      dimensionKey(l.dimensions, l.codes),
      termsLiteral(l),
    ] as const;
  }
}

/**
 * Where an updated line's dimensions come from: the file when they changed (a twin renamed), else the
 * stored line, whose spelling stays (as its department's does).
 */
function dimensionsAfter(u: PlannedUpdate): Pick<StoredLine, 'dimensions' | 'codes'> {
  return u.changes.includes('dimensions') ? u.line : u.stored;
}

/** dimensionTerms as a Postgres array literal ('{}' for a line without dimensions). */
function termsLiteral(l: Pick<StoredLine, 'dimensions' | 'codes'>): string {
  return l.dimensions === NO_DIMENSIONS ? '{}' : arrayLiteral(dimensionTerms(l.dimensions, l.codes));
}

/** One side (before or after) of a version row: the values a change may alter. */
export interface VersionSide {
  amount: string;
  currency: string;
  owner: string | null;
  notes: string | null;
  direction: string;
  /** jsonb text; left out where the line itself keeps them (an insert, a removal). */
  dimensions?: string | null;
  codes?: string | null;
}

/** A line_versions row (VERSION_COLUMNS) of a change from `before` to `after` (null: the side that does not exist). */
export function versionRow(
  org: string,
  lineId: string,
  importId: string,
  change: 'insert' | 'update' | 'remove' | 'revert',
  version: number,
  before: VersionSide | null,
  after: VersionSide | null,
) {
  return [
    org,
    lineId,
    importId,
    change,
    version,
    before?.amount ?? null,
    after?.amount ?? null,
    before?.currency ?? null,
    after?.currency ?? null,
    before?.owner ?? null,
    after?.owner ?? null,
    before?.notes ?? null,
    after?.notes ?? null,
    before?.direction ?? null,
    after?.direction ?? null,
    before?.dimensions ?? null,
    after?.dimensions ?? null,
    before?.codes ?? null,
    after?.codes ?? null,
  ] as const;
}

/** A file or stored line's side of a version row, with its dimensions and codes when `withDimensions`. */
function sideOf(
  l: Pick<StoredLine, 'amount' | 'currency' | 'owner' | 'notes' | 'direction' | 'dimensions' | 'codes'>,
  withDimensions: boolean,
): VersionSide {
  const side: VersionSide = { amount: l.amount, currency: l.currency, owner: l.owner, notes: l.notes, direction: l.direction };
  if (withDimensions) {
    side.dimensions = dimensionsJson(l);
    side.codes = codesJson(l);
  }
  return side;
}

function* versionRows(plan: ImportPlan, newIds: UuidList, org: string, importId: string) {
  for (let i = 0; i < plan.inserts.length; i++) {
    const l = plan.inserts[i];
    if (l === undefined) continue;
    // The line itself holds its dimensions; the version row records only what a later change may alter.
    yield versionRow(org, newIds.get(i), importId, 'insert', 1, null, sideOf(l, false));
  }
  for (const u of plan.updates) {
    const { line: l, stored: s } = u;
    const after = { ...sideOf(l, false), dimensions: dimensionsJson(dimensionsAfter(u)), codes: codesJson(dimensionsAfter(u)) };
    yield versionRow(org, s.id, importId, 'update', s.version + 1, sideOf(s, true), after);
  }
  for (const s of plan.removes) {
    yield versionRow(org, s.id, importId, 'remove', s.version + 1, sideOf(s, false), null);
  }
}

/** A file being compressed for keeping (on libuv's thread pool), and its size. */
export interface KeptFile {
  size: number;
  gzip: Promise<Uint8Array>;
}

/** Starts compressing `bytes` for keeping; once it is done, the import no longer needs them. */
export function keepFile(bytes: Uint8Array): KeptFile {
  // Level 1: a kept original is read back rarely; 3–4 times faster than the default level, ~20% larger.
  const gzip = gzipAsync(bytes, { level: 1 });
  gzip.catch(() => {}); // awaited where it is stored; an import that ends before that must not leave it unhandled
  return { size: bytes.byteLength, gzip };
}

/** The file to keep with the import, if any. Files with personal identifiers are never stored (DESIGN §2). */
function keptFile(req: ImportRequest): KeptFile | null {
  if (req.dryRun || !req.file || req.analysis.issues.some((i) => i.code === 'pii.detected')) return null;
  return req.file instanceof Uint8Array ? keepFile(req.file) : req.file;
}

async function recordHistory(
  client: pg.PoolClient,
  req: ImportRequest,
  result: ImportResult,
  retentionDays: number,
  kept: KeptFile | null,
): Promise<void> {
  await insertHistory(client, {
    id: result.importId as string,
    orgId: req.orgId,
    actor: req.actor,
    source: req.source,
    sourceId: req.sourceId ?? null,
    fileName: req.fileName,
    sha256: req.sha256,
    kind: req.analysis.kind.kind,
    overrideKindReason: req.analysis.kind.kind !== 'budget' ? (req.overrideKindReason?.trim() ?? null) : null,
    mode: req.mode,
    status: result.status as ImportStatus,
    reason: result.reason,
    counts: result.counts,
    issues: result.issues,
    analysis: analysisSummary(req.analysis),
    durationMs: result.durationMs,
  });
  if (kept) {
    await client.query(
      `INSERT INTO import_files (import_id, org_id, content_gzip, size, expires_at)
       VALUES ($1, $2, $3, $4, now() + make_interval(days => $5))`,
      [result.importId, req.orgId, await kept.gzip, kept.size, retentionDays],
    );
  }
  await client.query('DELETE FROM import_files WHERE expires_at < now()');
  await enqueueImportEvent(client, req, result);
}

/** The import's webhook event, in the transaction of its history row: it exists exactly when that row does. */
async function enqueueImportEvent(client: pg.PoolClient, req: ImportRequest, result: ImportResult): Promise<void> {
  const event = result.status === 'rejected' ? 'import.rejected' : result.status === 'failed' ? 'import.failed' : 'import.succeeded';
  await enqueueEvent(client, req.orgId, event, {
    importId: result.importId,
    status: result.status,
    fileName: req.fileName,
    source: req.source,
    sourceId: req.sourceId ?? null,
    actor: req.actor,
    mode: req.mode,
    kind: req.analysis.kind.kind,
    counts: result.counts,
    reason: result.reason,
    errors: result.issues.filter((i) => i.severity === 'error').length,
    warnings: result.issues.filter((i) => i.severity === 'warning').length,
    durationMs: result.durationMs,
  });
}

/** The transaction is gone; say so in a history row written on a fresh connection. */
async function recordFailure(
  db: Database,
  req: ImportRequest,
  importId: string,
  plan: ImportPlan | undefined,
  error: unknown,
  started: number,
  retentionDays: number | undefined,
  kept: KeptFile | null,
): Promise<ImportResult> {
  // A value the database refuses (SQLSTATE class 22) is the file's fault: trying again cannot help.
  const input = isInputError(error);
  const reason = input
    ? `The import was refused and nothing was written: the file holds a value the database cannot store (${describeDbError(error)}). Correct it in the file and import it again.`
    : `The import was not applied and nothing was written: ${describeDbError(error)}. Try again; if it keeps failing, check the database connection.`;
  const failed: ImportResult = {
    importId,
    status: input ? 'rejected' : 'failed',
    counts: NOTHING,
    issues: req.analysis.issues,
    reason,
    plan: plan ?? planImport([], [], req.mode),
    durationMs: Math.round(performance.now() - started),
  };
  const client = await checkout(db.pool);
  try {
    await client.query('BEGIN');
    // The file is kept so that the import can be re-run once the database is healthy again.
    await recordHistory(client, req, failed, retentionDays ?? DEFAULT_RETENTION_DAYS, kept);
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw new Error(`${reason} (the failure could not be recorded either: ${describeDbError(e)})`);
  } finally {
    client.done();
  }
  return failed;
}

/**
 * A file a source looked at and could not read at all (damaged, not a spreadsheet, a zip bomb…): the facts
 * of its history row, and the reader's stable code (`file.unreadable`, `file.zip_bomb`…) and message,
 * which names the file.
 */
export type RefusedFile = Pick<ImportFacts, 'orgId' | 'actor' | 'source' | 'sourceId' | 'fileName' | 'sha256' | 'mode' | 'durationMs'> & {
  code: string;
  reason: string;
};

/**
 * The history row of a file that could not even be read: status `rejected`, kind `unknown`, no analysis,
 * the reader's error as its one issue — so every file a source looks at and refuses shows in the history
 * (and on Health) with the reason, not only the ones that were analysed. The file itself is not kept.
 */
export async function recordRefusedFile(db: Database, f: RefusedFile): Promise<string> {
  const importId = crypto.randomUUID();
  const client = await checkout(db.pool);
  try {
    await client.query('BEGIN');
    await insertHistory(client, {
      id: importId,
      orgId: f.orgId,
      actor: f.actor,
      source: f.source,
      sourceId: f.sourceId,
      fileName: f.fileName,
      sha256: f.sha256,
      kind: 'unknown',
      overrideKindReason: null,
      mode: f.mode,
      status: 'rejected',
      reason: f.reason,
      counts: NOTHING,
      issues: [{ severity: 'error', code: f.code, message: f.reason, row: null, column: null }],
      analysis: null,
      durationMs: f.durationMs,
    });
    await client.query('COMMIT');
  } catch (e) {
    await client.query('ROLLBACK').catch(() => {});
    throw e;
  } finally {
    client.done();
  }
  return importId;
}

/** A data exception (SQLSTATE class 22: invalid text, a number out of range…): the input is wrong, not the database. */
function isInputError(e: unknown): boolean {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' && code.startsWith('22');
}

function describeDbError(e: unknown): string {
  if (!(e instanceof Error)) return String(e);
  const code = (e as { code?: string }).code;
  if (code === '57P01' || code === '57P02' || code === '57P03') return 'the database connection was closed by the server';
  if (/Connection terminated|ECONNRESET|ECONNREFUSED/i.test(e.message)) return 'the database connection was lost';
  return e.message;
}
