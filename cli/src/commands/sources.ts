/**
 * `budget-sync sources add|list|test|remove|sync`: data sources of an org (SFTP, S3, local folder).
 * Credentials are read from flags or a key file, sealed before they are stored, and never printed.
 * `sync` runs one source now and reports each file; a large download shows a progress bar on stderr.
 */
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  createSource,
  type DataSource,
  getSource,
  listSources,
  parseAfterImport,
  parseMode,
  parseSourceType,
  readSourceSecrets,
  removeSource,
  type SourceSecrets,
} from '@budget-sync/db';
import { nodePlaceGuard } from '@budget-sync/db/node';
import { isSourceError, openConnector, type SyncEvent, syncSource } from '@budget-sync/ingest-worker';
import cliProgress from 'cli-progress';
import { withDatabase } from '../shared/database.ts';
import { printJson, usageError } from '../shared/report.ts';

export interface SourcesAddFlags {
  org: string;
  type: string;
  name?: string;
  path?: string;
  glob?: string;
  mode?: string;
  host?: string;
  port?: string;
  username?: string;
  password?: string;
  privateKeyFile?: string;
  passphrase?: string;
  hostKeyFingerprint?: string;
  bucket?: string;
  prefix?: string;
  region?: string;
  endpoint?: string;
  accessKeyId?: string;
  secretAccessKey?: string;
  schedule?: string;
  timezone?: string;
  afterImport?: string;
  stabilitySeconds?: string;
  acceptWarnings?: boolean;
  disabled?: boolean;
  json?: boolean;
}

/** Files from this size up get a progress bar in the human output. */
const PROGRESS_FROM_BYTES = 1 << 20;

function numberFlag(text: string | undefined, flag: string): number | undefined {
  if (text === undefined) return undefined;
  const n = Number(text);
  if (!Number.isFinite(n)) throw usageError(`${flag} must be a number, not "${text}".`);
  return n;
}

/** What a person sees of a source: its settings, never its credentials. */
function describeSource(s: DataSource): Record<string, unknown> {
  return {
    id: s.id,
    name: s.name,
    type: s.type,
    config: s.config,
    hasCredentials: s.hasSecrets,
    schedule: s.schedule,
    timezone: s.timezone,
    mode: s.mode,
    afterImport: s.afterImport,
    enabled: s.enabled,
    createdAt: s.createdAt,
  };
}

export async function sourcesAddCommand(flags: SourcesAddFlags): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const type = parseSourceType(flags.type);
    const secrets: SourceSecrets = {
      password: flags.password,
      privateKey: flags.privateKeyFile ? await readFile(flags.privateKeyFile, 'utf8') : undefined,
      passphrase: flags.passphrase,
      secretAccessKey: flags.secretAccessKey,
    };
    // The CLI is the operator's, on the server: a folder may be anywhere (relative to where it runs);
    // hosts are checked like the API's.
    const source = await createSource(
      db.pool,
      {
        orgId: flags.org,
        type,
        name: flags.name,
        config: {
          directory: type === 'folder' && flags.path ? resolve(flags.path) : flags.path,
          glob: flags.glob,
          stabilitySeconds: numberFlag(flags.stabilitySeconds, '--stability-seconds'),
          acceptWarnings: flags.acceptWarnings,
          host: flags.host,
          port: numberFlag(flags.port, '--port'),
          username: flags.username,
          hostKeyFingerprint: flags.hostKeyFingerprint,
          bucket: flags.bucket,
          prefix: flags.prefix,
          region: flags.region,
          endpoint: flags.endpoint,
          accessKeyId: flags.accessKeyId,
        },
        secrets,
        schedule: flags.schedule,
        timezone: flags.timezone,
        mode: flags.mode ? parseMode(flags.mode) : undefined,
        afterImport: flags.afterImport ? parseAfterImport(flags.afterImport) : undefined,
        enabled: flags.disabled ? false : undefined,
      },
      { by: 'operator', guard: nodePlaceGuard },
    );
    if (flags.json) printJson({ sourceId: source.id });
    else process.stdout.write(`Added source ${source.id} (${source.name}).\n`);
    return 0;
  });
}

export async function sourcesListCommand(flags: { org: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const sources = await listSources(db.pool, flags.org);
    if (flags.json) {
      printJson({ sources: sources.map(describeSource) });
      return 0;
    }
    if (sources.length === 0) process.stdout.write('No data sources. Add one with "budget-sync sources add".\n');
    for (const s of sources) {
      const when = s.schedule ? `"${s.schedule}" ${s.timezone}` : 'no schedule';
      process.stdout.write(
        `${s.id}  ${s.type.padEnd(6)}  ${s.name}  [${when}; ${s.mode}; after import: ${s.afterImport}${s.enabled ? '' : '; disabled'}]\n`,
      );
    }
    return 0;
  });
}

export async function sourcesTestCommand(id: string, flags: { json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const source = await getSource(db.pool, id);
    const secrets = await readSourceSecrets(db.pool, source.id);
    try {
      const connector = await openConnector(source, secrets);
      try {
        const files = await connector.list();
        if (flags.json)
          printJson({
            ok: true,
            sourceId: source.id,
            location: connector.describe,
            files: files.map((f) => ({ name: f.name, size: f.size })),
          });
        else {
          process.stdout.write(`Connected to ${connector.describe}: ${files.length} matching file(s).\n`);
          for (const f of files) process.stdout.write(`  ${f.name}  ${f.size} bytes\n`);
        }
        return 0;
      } finally {
        await connector.close();
      }
    } catch (e) {
      const code = (e as { code?: unknown }).code;
      // The operator may see what the client said (the API and the console do not).
      const message = `${e instanceof Error ? e.message : String(e)}${isSourceError(e) && e.detail ? ` (${e.detail})` : ''}`;
      if (flags.json)
        printJson({ ok: false, sourceId: source.id, error: { code: typeof code === 'string' ? code : 'source.error', message } });
      process.stderr.write(`budget-sync: ${message}\n`);
      return 1;
    }
  });
}

export async function sourcesRemoveCommand(id: string, flags: { org?: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    await removeSource(db.pool, id, flags.org);
    if (flags.json) printJson({ sourceId: id, removed: true });
    else process.stdout.write(`Removed source ${id}; its import history stays.\n`);
    return 0;
  });
}

export async function sourcesSyncCommand(id: string, flags: { json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    let bar: cliProgress.SingleBar | null = null;
    const onEvent = (e: SyncEvent) => {
      if (flags.json) return;
      if (e.type === 'download' && e.total >= PROGRESS_FROM_BYTES) {
        if (!bar) {
          bar = new cliProgress.SingleBar({ stream: process.stderr, format: `${e.name} [{bar}] {percentage}% {value}/{total} bytes` });
          bar.start(e.total, 0);
        }
        bar.update(e.transferred);
      } else if (e.type === 'file') {
        bar?.stop();
        bar = null;
      } else if (e.type === 'retry') {
        process.stderr.write(`budget-sync: ${e.reason}; retrying in ${Math.round(e.delayMs / 100) / 10} s\n`);
      } else if (e.type === 'waiting') {
        process.stderr.write(`budget-sync: ${e.name} changed recently; looking again in ${Math.round(e.ms / 100) / 10} s\n`);
      }
    };
    const report = await syncSource(db, id, { trigger: 'cli', onEvent, log: (line) => process.stderr.write(`budget-sync: ${line}\n`) });
    (bar as cliProgress.SingleBar | null)?.stop();
    if (flags.json) {
      printJson({ runId: report.runId, sourceId: report.sourceId, status: report.status, reason: report.reason, files: report.files });
    } else {
      for (const f of report.files) {
        const extra = [f.importId ? `import ${f.importId}` : '', f.movedTo ? `moved to ${f.movedTo}` : '', f.reason ?? '']
          .filter(Boolean)
          .join('; ');
        process.stdout.write(`${f.status.padEnd(8)} ${f.name}${extra ? `  (${extra})` : ''}\n`);
      }
      if (report.files.length === 0 && report.status === 'succeeded') process.stdout.write('No new files.\n');
      if (report.reason) process.stderr.write(`budget-sync: the run failed: ${report.reason}\n`);
    }
    return report.status === 'failed' ? 1 : 0;
  });
}
