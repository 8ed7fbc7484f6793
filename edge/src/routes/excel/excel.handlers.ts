/**
 * Spreadsheet analyze (a dry run of the import: analysis + diff, nothing written) and import (applyImport,
 * source `api`, actor the key's name). Rejected and failed imports are problems carrying the result.
 */
import type { AppRouteHandler } from '../../openapi/contract.ts';
import { departmentsOf } from '../../middleware/auth.ts';
import { ApiProblem } from '../../problems.ts';
import type { AnalyzeRoute, ImportRoute } from './excel.routes.ts';
import { importSpreadsheetFor, previewSpreadsheet, spreadsheetOf } from './excel.workflow.ts';

export const analyze: AppRouteHandler<AnalyzeRoute> = async (c) => {
  const sheet = await spreadsheetOf(c.req.valid('json'), c.req.valid('form'), c.var.analyzer);
  const db = await c.var.database();
  return c.json(
    await previewSpreadsheet(db, c.var.auth.orgId, sheet, c.var.config, {
      actor: c.var.auth.name,
      source: 'api',
      departments: departmentsOf(c.var.auth),
    }),
    200,
  );
};

export const importSpreadsheet: AppRouteHandler<ImportRoute> = async (c) => {
  const json = c.req.valid('json');
  const form = c.req.valid('form');
  const sheet = await spreadsheetOf(json, form, c.var.analyzer);
  const choices = 'values' in json ? json : form;
  const db = await c.var.database();
  const result = await importSpreadsheetFor(db, c.var.auth.orgId, sheet, c.var.config, {
    mode: choices.mode ?? 'merge',
    acceptWarnings: choices.acceptWarnings === true,
    overrideKindReason: choices.overrideKind === true ? (choices.reason?.trim() ?? '') : undefined,
    actor: c.var.auth.name,
    source: 'api',
    departments: departmentsOf(c.var.auth),
  });
  const body = { importId: result.importId as string, counts: result.counts, issues: result.issues, reason: result.reason };
  switch (result.status) {
    case 'succeeded':
    case 'no_changes':
      return c.json({ ...body, status: result.status }, result.status === 'succeeded' ? 201 : 200);
    case 'rejected':
      throw new ApiProblem(422, 'import.rejected', result.reason ?? 'The import was refused.', body);
    default:
      throw new ApiProblem(503, 'import.failed', result.reason ?? 'The import failed; nothing was written. Try again.', body);
  }
};
