/**
 * `budget-sync imports list|show|revert|download`: the import history of an organization. show, revert
 * and download take --org optionally: without it the import is looked up across organizations.
 */
import { writeFile } from 'node:fs/promises';
import { getImport, getImportFile, getOrganization, isDomainError, listImports, type RevertConflict, revertImport } from '@budget-sync/db';
import { formatImportDetail, formatImportList } from '../output/history-text.ts';
import { lineLabel, plural } from '../output/text.ts';
import { actorName } from '../shared/actor.ts';
import { describeTarget, withDatabase } from '../shared/database.ts';
import { orgOfImport } from '../shared/import-org.ts';
import { CliError, printError, printJson, reportError, usageError } from '../shared/report.ts';

const CONFLICTS_SHOWN = 50;

export async function importsListCommand(flags: { org: string; limit?: string; json?: boolean }): Promise<number> {
  let limit = 50;
  if (flags.limit !== undefined) {
    limit = Number(flags.limit);
    if (!/^\d+$/.test(flags.limit) || limit < 1 || limit > 500) {
      return reportError(flags.json, usageError(`--limit must be a number from 1 to 500, not "${flags.limit}".`), describeTarget());
    }
  }
  return withDatabase(flags.json, async (db) => {
    const org = await getOrganization(db.pool, flags.org);
    const imports = await listImports(db.pool, org.id, { limit });
    if (flags.json) printJson({ imports });
    else process.stdout.write(formatImportList(org.name, imports));
    return 0;
  });
}

export async function importsShowCommand(id: string, flags: { org?: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const detail = await getImport(db.pool, await orgOfImport(db, id, flags.org), id);
    if (flags.json) printJson(detail);
    else process.stdout.write(formatImportDetail(detail));
    return 0;
  });
}

export async function importsRevertCommand(id: string, flags: { org?: string; actor?: string; json?: boolean }): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const orgId = await orgOfImport(db, id, flags.org);
    try {
      const result = await revertImport(db, { orgId, importId: id, actor: actorName(flags.actor) });
      if (flags.json) printJson(result);
      else {
        const c = result.counts;
        process.stdout.write(
          `Reverted import ${result.importId}: ${plural(c.deleted, 'line it added', 'lines it added')} removed (soft-deleted: kept in the history), ${plural(c.restored, 'changed line')} back to ${c.restored === 1 ? 'its' : 'their'} earlier amount, ${plural(c.undeleted, 'line it removed', 'lines it removed')} brought back.\n`,
        );
      }
      return 0;
    } catch (e) {
      if (!isDomainError(e) || e.code !== 'import.revert_conflict') throw e;
      const conflicts = (e.details as { conflicts?: RevertConflict[] } | undefined)?.conflicts ?? [];
      const lines = conflicts.slice(0, CONFLICTS_SHOWN).map((c) => `  ${lineLabel(c)}: ${c.reason}\n`);
      if (conflicts.length > CONFLICTS_SHOWN)
        lines.push(`  … and ${conflicts.length - CONFLICTS_SHOWN} more (all of them are in --json output)\n`);
      printError(flags.json, e.code, e.message, { conflicts }, `Lines in conflict:\n${lines.join('')}`);
      return 1;
    }
  });
}

export interface DownloadFlags {
  org?: string;
  out: string;
  force?: boolean;
  json?: boolean;
}

export async function importsDownloadCommand(id: string, flags: DownloadFlags): Promise<number> {
  return withDatabase(flags.json, async (db) => {
    const orgId = await orgOfImport(db, id, flags.org);
    const detail = await getImport(db.pool, orgId, id);
    const bytes = await getImportFile(db.pool, orgId, id);
    if (bytes === null) {
      const org = await getOrganization(db.pool, orgId);
      const what = `The original file of import ${id} (${detail.fileName}, ${detail.createdAt.slice(0, 10)})`;
      throw new CliError(
        'import.file_not_kept',
        detail.issues.some((i) => i.code === 'pii.detected')
          ? `${what} was never stored: it holds personal identifiers, which Budget Sync never keeps.`
          : `${what} is no longer kept: ${org.name} keeps original files for ${org.fileRetentionDays} days. Ask whoever imported it (${detail.actor}) for a copy.`,
        1,
      );
    }
    try {
      // Never overwrite a file by accident: --force says it is meant.
      await writeFile(flags.out, bytes, { flag: flags.force ? 'w' : 'wx' });
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EEXIST') throw usageError(`${flags.out} already exists. Choose another --out, or add --force to overwrite it.`);
      throw new CliError('file.unwritable', `Cannot write ${flags.out}: ${(e as Error).message}.`, 2);
    }
    if (flags.json) printJson({ importId: id, fileName: detail.fileName, out: flags.out, size: bytes.byteLength, sha256: detail.sha256 });
    else process.stdout.write(`Wrote ${detail.fileName} of import ${id} to ${flags.out} (${bytes.byteLength} bytes).\n`);
    return 0;
  });
}
