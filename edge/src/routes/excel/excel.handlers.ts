/**
 * Spreadsheet analyze (a dry run of the import: analysis + diff, nothing written) and import (applyImport,
 * source `api`, actor the key's name). Rejected and failed imports are problems carrying the result.
 */
import { decideImport } from '@budget-sync/core';
import { applyImport, rememberMappings } from '@budget-sync/db';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import { ApiProblem } from '../../problems.ts';
import type { AnalyzeRoute, ImportRoute } from './excel.routes.ts';
import { analyzeForOrg, diffOf, sha256Hex, spreadsheetOf } from './excel.workflow.ts';

export const analyze: AppRouteHandler<AnalyzeRoute> = async (c) => {
  const sheet = await spreadsheetOf(c.req.valid('json'), c.req.valid('form'));
  const db = await c.var.database();
  const orgId = c.var.auth.orgId;
  const { analysis } = await analyzeForOrg(db, orgId, sheet, c.var.config, false);
  const result = await applyImport(db, {
    orgId,
    analysis,
    mode: 'merge',
    acceptWarnings: false,
    actor: c.var.auth.name,
    source: 'api',
    fileName: sheet.fileName,
    sha256: await sha256Hex(sheet.bytes),
    dryRun: true,
  });
  // "Importable" means: it would go ahead once its warnings are accepted (errors and the kind still block).
  const importable = decideImport(analysis, result.plan.issues, { acceptWarnings: true }).allowed;
  return c.json({ analysis, diff: diffOf(result.plan), importable, reason: result.reason, issues: result.issues }, 200);
};

export const importSpreadsheet: AppRouteHandler<ImportRoute> = async (c) => {
  const json = c.req.valid('json');
  const form = c.req.valid('form');
  const sheet = await spreadsheetOf(json, form);
  const choices = 'values' in json ? json : form;
  const overrideKind = choices.overrideKind === true;
  const db = await c.var.database();
  const orgId = c.var.auth.orgId;
  const { analysis, usedOverrides } = await analyzeForOrg(db, orgId, sheet, c.var.config, overrideKind);
  const result = await applyImport(db, {
    orgId,
    analysis,
    mode: choices.mode ?? 'merge',
    acceptWarnings: choices.acceptWarnings === true,
    overrideKindReason: overrideKind ? choices.reason?.trim() : undefined,
    actor: c.var.auth.name,
    source: 'api',
    fileName: sheet.fileName,
    sha256: await sha256Hex(sheet.bytes),
    file: sheet.bytes,
  });
  const body = { importId: result.importId as string, counts: result.counts, issues: result.issues, reason: result.reason };
  switch (result.status) {
    case 'succeeded':
    case 'no_changes':
      // Remembered only once an import went ahead with them: a refused import may have been refused for them.
      if (Object.keys(usedOverrides).length > 0) await rememberMappings(db.pool, orgId, usedOverrides);
      return c.json({ ...body, status: result.status }, result.status === 'succeeded' ? 201 : 200);
    case 'rejected':
      throw new ApiProblem(422, 'import.rejected', result.reason ?? 'The import was refused.', body);
    default:
      throw new ApiProblem(503, 'import.failed', result.reason ?? 'The import failed; nothing was written. Try again.', body);
  }
};
