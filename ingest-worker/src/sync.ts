/**
 * One sync run of one source: list the matching files in name order and, for each, skip it if this
 * version was handled already, wait until it stops changing, claim it (exactly once across workers, see
 * db/src/sources/files.ts), download it to a temporary file, analyse it with the source's remembered
 * mapping and the org's fiscal year and currency, import it in one transaction (applyImport writes the
 * history row, also for a refusal), record the outcome with the claim, then move it aside if so
 * configured. Passing faults (dropped connection, server errors) are retried with backoff on a fresh
 * connection; what still fails is recorded on the run with its reason.
 */
import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AnalyzeOptions, isFileReadError } from '@budget-sync/core';
import { type AnalyzedKept, sharedAnalysisPool } from '@budget-sync/edge/analysis-pool';
import {
  applyImport,
  checkout,
  claimSourceFile,
  type DataSource,
  type Database,
  type FileOutcome,
  findImportOfFile,
  finishSourceRun,
  getOrganization,
  getSource,
  HANDLED_STATUSES,
  lastHandledVersion,
  loadRememberedMappings,
  markFileHandled,
  readSourceSecrets,
  recordRefusedFile,
  recordSeenFile,
  type SecretKeyring,
  type SourceFile,
  type SourceSecrets,
  startSourceRun,
} from '@budget-sync/db';
import { DEFAULT_RETRY, type RetryPolicy, sleep, withRetries } from './backoff.ts';
import { type Connector, openConnector, type RemoteFile } from './connectors/index.ts';
import { isRetryable, isSourceError, messageOf } from './errors.ts';
import { stabilityDecision } from './stability.ts';

export type FileStatus = 'imported' | 'skipped' | 'rejected' | 'failed';

export interface FileReport {
  name: string;
  status: FileStatus;
  importId?: string;
  reason?: string;
  /** Where the file went after the import (`archive/…`, `rejected/…`). */
  movedTo?: string;
}

export interface SyncReport {
  runId: string;
  sourceId: string;
  status: 'succeeded' | 'failed';
  files: FileReport[];
  /** Why the run failed, in words; null when it succeeded. */
  reason: string | null;
}

export type SyncEvent =
  | { type: 'listed'; files: number }
  | { type: 'waiting'; name: string; ms: number }
  | { type: 'download'; name: string; transferred: number; total: number }
  | { type: 'retry'; reason: string; retry: number; delayMs: number }
  | { type: 'file'; report: FileReport };

export interface SyncOptions {
  /** Recorded on the run: `cli`, `schedule`… (default `cli`). */
  trigger?: string;
  keyring?: SecretKeyring;
  retry?: RetryPolicy;
  /** Overrides the source's stability window (tests). */
  stabilityWindowMs?: number;
  /** How long one run waits for a file to settle (default three windows). */
  maxStabilityWaitMs?: number;
  /** SSH handshake timeout, ms. */
  readyTimeoutMs?: number;
  actor?: string;
  onEvent?: (event: SyncEvent) => void | Promise<void>;
  /**
   * The operator's log: what a connector's client said about a failure (refused, timed out, hung up…),
   * which the run's reason leaves out so that a tenant cannot probe the network with it.
   */
  log?: (line: string) => void;
}

/** A connection that is opened on first use and opened again after a passing fault. */
class Session {
  private connector: Connector | null = null;
  private readonly source: DataSource;
  private readonly secrets: SourceSecrets;
  private readonly options: SyncOptions;

  constructor(source: DataSource, secrets: SourceSecrets, options: SyncOptions) {
    this.source = source;
    this.secrets = secrets;
    this.options = options;
  }

  get atomicWrites(): boolean {
    return this.source.type === 's3';
  }

  async attempt<T>(fn: (c: Connector) => Promise<T>): Promise<T> {
    return withRetries(
      this.options.retry ?? DEFAULT_RETRY,
      {
        isRetryable,
        onRetry: async (e, retry, delayMs) => {
          this.note(e);
          await this.close();
          await this.options.onEvent?.({ type: 'retry', reason: messageOf(e), retry, delayMs });
        },
      },
      async () => {
        this.connector ??= await openConnector(
          this.source,
          this.secrets,
          this.options.readyTimeoutMs !== undefined ? { readyTimeoutMs: this.options.readyTimeoutMs } : {},
        );
        return fn(this.connector);
      },
    ).catch((e: unknown) => {
      this.note(e);
      throw e;
    });
  }

  /** The client's own words about a failure, to the operator's log only. */
  private note(e: unknown): void {
    if (isSourceError(e) && e.detail) this.options.log?.(`source ${this.source.id} (${this.source.name}): ${e.code}: ${e.detail}`);
  }

  async close(): Promise<void> {
    const c = this.connector;
    this.connector = null;
    await c?.close().catch(() => {});
  }
}

interface RunContext {
  db: Database;
  source: DataSource;
  session: Session;
  options: SyncOptions;
  analyzeOptions: AnalyzeOptions;
  actor: string;
}

export async function syncSource(db: Database, sourceId: string, options: SyncOptions = {}): Promise<SyncReport> {
  const source = await getSource(db.pool, sourceId);
  const runId = await startSourceRun(db.pool, { sourceId: source.id, orgId: source.orgId, trigger: options.trigger ?? 'cli' });
  const files: FileReport[] = [];
  let reason: string | null = null;
  let session: Session | null = null;
  try {
    const secrets = await readSourceSecrets(db.pool, source.id, options.keyring ? { keyring: options.keyring } : {});
    session = new Session(source, secrets, options);
    const org = await getOrganization(db.pool, source.orgId);
    const ctx: RunContext = {
      db,
      source,
      session,
      options,
      actor: options.actor ?? `sync:${source.name}`,
      analyzeOptions: {
        fiscalYearStartMonth: org.fiscalYearStartMonth,
        defaultCurrency: org.baseCurrency,
        rememberedMappings: await loadRememberedMappings(db.pool, source.orgId, source.id),
      },
    };
    const listed = await session.attempt((c) => c.list());
    await options.onEvent?.({ type: 'listed', files: listed.length });
    for (const file of listed) {
      const report = await syncFile(ctx, file);
      files.push(report);
      await options.onEvent?.({ type: 'file', report });
    }
    const failed = files.filter((f) => f.status === 'failed');
    if (failed.length > 0)
      reason = `${failed.length} of ${files.length} files failed: ${failed.map((f) => `${f.name}: ${f.reason}`).join('; ')}`;
  } catch (e) {
    reason = messageOf(e);
  } finally {
    await session?.close();
  }
  const status = reason === null ? 'succeeded' : 'failed';
  await finishSourceRun(db.pool, runId, { status, files, reason });
  return { runId, sourceId: source.id, status, files, reason };
}

/** Looks until the file stops changing; the settled look, or why it is left for later. */
async function waitUntilStable(ctx: RunContext, file: RemoteFile): Promise<RemoteFile | { skip: string }> {
  const windowMs = ctx.options.stabilityWindowMs ?? ctx.source.config.stabilitySeconds * 1000;
  if (ctx.session.atomicWrites || windowMs <= 0) return file;
  const maxWaitMs = ctx.options.maxStabilityWaitMs ?? 3 * windowMs;
  const firstLookMs = Date.now();
  let previous: RemoteFile | null = null;
  let current = file;
  for (;;) {
    const d = stabilityDecision({ previous, current, nowMs: Date.now(), windowMs, firstLookMs, maxWaitMs });
    if (d.action === 'read') return current;
    if (d.action === 'give_up')
      return { skip: `still being written (it changed within the last ${windowMs / 1000} s); the next run looks again` };
    await ctx.options.onEvent?.({ type: 'waiting', name: file.name, ms: d.ms });
    await sleep(d.ms);
    previous = current;
    const next = await ctx.session.attempt((c) => c.stat(current.name));
    if (!next) return { skip: 'disappeared before it could be read' };
    current = next;
  }
}

async function syncFile(ctx: RunContext, listed: RemoteFile): Promise<FileReport> {
  const { db, source } = ctx;
  let settled: RemoteFile | { skip: string };
  try {
    settled = await waitUntilStable(ctx, listed);
  } catch (e) {
    return { name: listed.name, status: 'failed', reason: messageOf(e) };
  }
  if ('skip' in settled) return { name: listed.name, status: 'skipped', reason: settled.skip };
  const file = settled;
  const seen = await recordSeenFile(db.pool, {
    sourceId: source.id,
    orgId: source.orgId,
    path: file.name,
    size: file.size,
    version: file.version,
  });
  if (HANDLED_STATUSES.includes(seen.status)) return alreadyHandled(ctx, file, seen);

  const client = await checkout(db.pool);
  let broken: unknown;
  let outcome: FileOutcome;
  try {
    await client.query('BEGIN');
    const claimed = await claimSourceFile(client, seen.id);
    if (!claimed) {
      await client.query('ROLLBACK');
      return { name: file.name, status: 'skipped', reason: 'being imported by another worker' };
    }
    if (HANDLED_STATUSES.includes(claimed.status)) {
      await client.query('ROLLBACK');
      return { name: file.name, status: 'skipped', reason: handledReason(claimed) };
    }
    const result = await readAndImport(ctx, file, claimed, client);
    if ('skip' in result) {
      await client.query('ROLLBACK');
      return { name: file.name, status: 'skipped', reason: result.skip };
    }
    outcome = result;
    await markFileHandled(client, claimed.id, outcome);
    await client.query('COMMIT');
  } catch (e) {
    broken = e;
    await client.query('ROLLBACK').catch(() => {});
    return { name: file.name, status: 'failed', reason: messageOf(e) };
  } finally {
    client.done(broken);
  }
  const report = toReport(file.name, outcome);
  const movedTo = await moveAside(ctx, file, outcome.status);
  return movedTo ? { ...report, movedTo } : report;
}

function handledReason(f: SourceFile): string {
  const when = f.handledAt ? ` on ${f.handledAt.toISOString()}` : '';
  if (f.status === 'rejected') return `already rejected${when}: ${f.reason ?? 'see the import history'}`;
  return `unchanged since it was handled${when}`;
}

function toReport(name: string, o: FileOutcome): FileReport {
  const status: FileStatus =
    o.status === 'imported' ? 'imported' : o.status === 'rejected' ? 'rejected' : o.status === 'unchanged' ? 'skipped' : 'failed';
  return { name, status, ...(o.importId ? { importId: o.importId } : {}), ...(o.reason ? { reason: o.reason } : {}) };
}

/** A version handled before: skipped, and moved aside if a run died between the import and the move. */
async function alreadyHandled(ctx: RunContext, file: RemoteFile, seen: SourceFile): Promise<FileReport> {
  const report: FileReport = { name: file.name, status: 'skipped', reason: handledReason(seen) };
  const movedTo = await moveAside(ctx, file, seen.status).catch(() => undefined);
  return movedTo ? { ...report, movedTo } : report;
}

/** Applies the after-import action: imported (or unchanged) files go to archive/, rejected ones to rejected/. */
async function moveAside(ctx: RunContext, file: RemoteFile, status: FileOutcome['status']): Promise<string | undefined> {
  if (ctx.source.afterImport !== 'move') return undefined;
  const folder = status === 'rejected' ? 'rejected' : status === 'imported' || status === 'unchanged' ? 'archive' : null;
  if (!folder) return undefined;
  try {
    return await ctx.session.attempt((c) => c.moveTo(file, folder));
  } catch {
    // Another worker may have moved it first; the import stands either way, and the next run tries again.
    return undefined;
  }
}

/** Download, hash, analyse and import one claimed version; the outcome to record, or why it is skipped. */
async function readAndImport(
  ctx: RunContext,
  file: RemoteFile,
  claimed: SourceFile,
  client: Awaited<ReturnType<typeof checkout>>,
): Promise<FileOutcome | { skip: string }> {
  const { db, source } = ctx;
  const started = performance.now();
  const dir = await mkdtemp(join(tmpdir(), 'budget-sync-'));
  try {
    const target = join(dir, 'download');
    try {
      await ctx.session.attempt((c) =>
        c.download(file, target, (transferred, total) => {
          void ctx.options.onEvent?.({ type: 'download', name: file.name, transferred, total });
        }),
      );
    } catch (e) {
      if (isSourceError(e) && e.code === 'source.file_gone') return { skip: e.message.replace(/^\S+ /, '') };
      return { status: 'failed', sha256: null, importId: null, reason: messageOf(e) };
    }
    // The file's own buffer (a Buffer is a Uint8Array), not a copy of it, and the only reference to it.
    const bytes: Uint8Array = await readFile(target);
    const sha256 = createHash('sha256').update(bytes).digest('hex');

    // A worker that died after its import committed, before its claim did: adopt that import.
    const earlier = await findImportOfFile(client, { sourceId: source.id, path: file.name, sha256, since: claimed.seenAt });
    if (earlier) {
      return { status: earlier.status === 'rejected' ? 'rejected' : 'imported', sha256, importId: earlier.id, reason: earlier.reason };
    }
    const last = await lastHandledVersion(db.pool, source.id, file.name, claimed.id);
    if (last?.sha256 === sha256) {
      return { status: 'unchanged', sha256, importId: last.importId, reason: 'content unchanged (only the modification time changed)' };
    }

    // The file is read and analysed in a worker thread of the analysis pool (so that `budget-sync serve`
    // keeps answering while a large or hostile file is parsed), its buffer transferred there, not
    // copied. The kept copy is compressed there on the thread pool while the thread analyses the file
    // (level 1: about 10 MB for a 73 MB CSV); only the gzip comes back, so the bytes are not held through
    // the import (a 73 MB file's bytes next to the plan made the import's start the memory peak).
    let done: AnalyzedKept;
    try {
      done = await sharedAnalysisPool().analyzeAndKeep({ bytes, fileName: file.name, read: {}, analyze: ctx.analyzeOptions });
    } catch (e) {
      if (!isFileReadError(e)) throw e;
      // Not even readable: still a history row with the reason (and a refusal on Health), like every
      // other file the source looked at and refused.
      const importId = await recordRefusedFile(db, {
        orgId: source.orgId,
        actor: ctx.actor,
        source: source.type,
        sourceId: source.id,
        fileName: file.name,
        sha256,
        mode: source.mode,
        code: e.code,
        reason: e.message,
        durationMs: Math.round(performance.now() - started),
      });
      return { status: 'rejected', sha256, importId, reason: e.message };
    }
    const { analysis, kept } = done;
    const result = await applyImport(db, {
      orgId: source.orgId,
      analysis,
      mode: source.mode,
      acceptWarnings: source.config.acceptWarnings,
      actor: ctx.actor,
      source: source.type,
      sourceId: source.id,
      fileName: file.name,
      sha256,
      file: kept,
    });
    switch (result.status) {
      case 'succeeded':
      case 'no_changes':
        return { status: 'imported', sha256, importId: result.importId, reason: null };
      case 'rejected':
        return { status: 'rejected', sha256, importId: result.importId, reason: result.reason };
      default:
        return { status: 'failed', sha256, importId: result.importId, reason: result.reason ?? 'the import failed' };
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
