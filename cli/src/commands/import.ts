/**
 * `budget-sync import FILE --org ID`: analyse a file with the organization's defaults and remembered
 * mappings, and land it in one transaction (applyImport), keeping the original file. Exit 0 imported,
 * unchanged or a dry run that would go ahead; 1 refused (or a dry run that would be); 2 unreadable input,
 * bad usage, or a failed import.
 */
import { createHash } from 'node:crypto';
import { basename } from 'node:path';
import { type Analysis, type MappingChoice, type SetValues, analyzeWorkbook, isFileReadError, normalizeHeader } from '@budget-sync/core';
import { readWorkbook } from '@budget-sync/core/readers';
import { applyImport, getOrganization, loadRememberedMappings, parseField, rememberMappings } from '@budget-sync/db';
import { importDiff } from '@budget-sync/core';
import { formatImport, JSON_DIFF_LIMIT, whatToDo } from '../output/import-text.ts';
import { actorName } from '../shared/actor.ts';
import { describeTarget, withDatabase } from '../shared/database.ts';
import { printFileError, readInputFile } from '../shared/input-file.ts';
import { printJson, reportError, usageError } from '../shared/report.ts';
import { parseSetFlags } from '../shared/set-values.ts';

export interface ImportFlags {
  org: string;
  mode: string;
  dryRun?: boolean;
  acceptWarnings?: boolean;
  overrideKind?: string;
  sheet?: string;
  map: string[];
  actor?: string;
  fiscalYearStart?: string;
  currency?: string;
  /** `--set FIELD=VALUE`, repeatable. */
  set?: string[];
  json?: boolean;
}

/** "Header=field" choices; the last "=" splits, since a header may hold one and a field never does. */
export function parseMapFlags(entries: readonly string[]): Record<string, MappingChoice | null> {
  const choices: Record<string, MappingChoice | null> = {};
  for (const entry of entries) {
    const at = entry.lastIndexOf('=');
    const header = at < 0 ? '' : entry.slice(0, at).trim();
    if (!header) throw usageError(`--map needs "Header=field", such as --map "Zorgl=amount" or --map "Comments=ignore", not "${entry}".`);
    choices[header] = parseField(entry.slice(at + 1));
  }
  return choices;
}

export async function importCommand(path: string, flags: ImportFlags): Promise<number> {
  const file = basename(path);
  let mode: 'merge' | 'replace';
  let choices: Record<string, MappingChoice | null>;
  let fysm: number | undefined;
  let set: SetValues = {};
  try {
    if (flags.mode !== 'merge' && flags.mode !== 'replace') {
      throw usageError(`--mode must be merge (add and update lines) or replace (also remove lines the file lacks), not "${flags.mode}".`);
    }
    mode = flags.mode;
    if (flags.fiscalYearStart !== undefined) {
      fysm = Number(flags.fiscalYearStart);
      if (!/^\d{1,2}$/.test(flags.fiscalYearStart) || fysm < 1 || fysm > 12) {
        throw usageError(`--fiscal-year-start must be a month number from 1 to 12, not "${flags.fiscalYearStart}".`);
      }
    }
    if (flags.currency !== undefined && !/^[A-Za-z]{3}$/.test(flags.currency)) {
      throw usageError(`--currency must be a three-letter currency code such as USD, not "${flags.currency}".`);
    }
    if (flags.overrideKind !== undefined && !flags.overrideKind.trim()) {
      throw usageError('--override-kind needs a reason, such as --override-kind "payroll plan used as the salary budget".');
    }
    choices = parseMapFlags(flags.map);
    const given = parseSetFlags(flags.set ?? []);
    if ('error' in given) throw usageError(given.error);
    set = given.set;
  } catch (e) {
    return reportError(flags.json, e, describeTarget());
  }

  let bytes: Uint8Array;
  try {
    bytes = await readInputFile(path, file);
  } catch (e) {
    if (isFileReadError(e)) return printFileError(flags.json, file, e.code, e.message);
    throw e;
  }

  return withDatabase(flags.json, async (db) => {
    const org = await getOrganization(db.pool, flags.org);
    const remembered = await loadRememberedMappings(db.pool, org.id);
    // Keyed as written and normalized: the analysis matches a header either way.
    const overrides: Record<string, MappingChoice | null> = {};
    for (const [header, field] of Object.entries(choices)) {
      overrides[header] = field;
      overrides[normalizeHeader(header)] = field;
    }
    let analysis: Analysis;
    try {
      analysis = analyzeWorkbook(readWorkbook(bytes, file), {
        fiscalYearStartMonth: fysm ?? org.fiscalYearStartMonth,
        defaultCurrency: (flags.currency ?? org.baseCurrency).toUpperCase(),
        rememberedMappings: remembered,
        mappingOverrides: overrides,
        set,
        ...(flags.sheet !== undefined ? { sheet: flags.sheet } : {}),
        ...(flags.overrideKind !== undefined ? { treatAsBudget: true } : {}),
      });
    } catch (e) {
      if (isFileReadError(e)) return printFileError(flags.json, file, e.code, e.message, e);
      throw e;
    }
    const used = usedChoices(choices, analysis);

    const sha256 = createHash('sha256').update(bytes).digest('hex');
    const result = await applyImport(db, {
      orgId: org.id,
      analysis,
      mode,
      acceptWarnings: flags.acceptWarnings === true,
      overrideKindReason: flags.overrideKind,
      actor: actorName(flags.actor),
      source: 'cli',
      fileName: file,
      sha256,
      file: bytes,
      dryRun: flags.dryRun === true,
    });
    // Remembered only once an import went ahead with them: a refused import may have been refused for them.
    if ((result.status === 'succeeded' || result.status === 'no_changes') && Object.keys(used).length > 0) {
      await rememberMappings(db.pool, org.id, used);
    }

    const refused = result.status === 'rejected' || (result.status === 'dry_run' && result.reason !== null);
    const hint = refused ? whatToDo(analysis, result.issues, flags.overrideKind) : null;
    if (flags.json) {
      printJson({
        importId: result.importId,
        status: result.status,
        counts: result.counts,
        issues: result.issues,
        reason: result.reason,
        file,
        diff: importDiff(result.plan, JSON_DIFF_LIMIT),
        // Added for scripts: what the plan holds (for a refused import, what it would have done), and what to do.
        planned: {
          inserted: result.plan.inserts.length,
          updated: result.plan.updates.length,
          unchanged: result.plan.unchanged,
          removed: result.plan.removes.length,
        },
        hint,
        orgId: org.id,
        mode,
        kind: analysis.kind.kind,
        sha256,
        durationMs: result.durationMs,
      });
    } else {
      process.stdout.write(
        formatImport({
          file,
          orgName: org.name,
          baseCurrency: org.baseCurrency,
          analysis,
          result,
          hint,
          overrideKind: flags.overrideKind,
        }),
      );
    }
    if (result.status === 'failed') return 2;
    return refused ? 1 : 0;
  });
}

/** The --map choices a column took. One that none took is reported on stderr (it may be a typo) and not remembered. */
function usedChoices(choices: Record<string, MappingChoice | null>, analysis: Analysis): Record<string, MappingChoice | null> {
  const headers = new Set([...analysis.mapping, ...analysis.ignoredColumns].map((m) => normalizeHeader(m.header)));
  const used: Record<string, MappingChoice | null> = {};
  for (const [header, field] of Object.entries(choices)) {
    if (headers.has(normalizeHeader(header))) used[header] = field;
    else
      process.stderr.write(
        `budget-sync: note: --map "${header}=…" was not used: no column of ${analysis.file} headed "${header}" took it.\n`,
      );
  }
  return used;
}
