/**
 * The organization's recent imports (`GET /api/imports/history`) and undoing one
 * (`POST /api/imports/:id/revert`), as the sidebar's "Recent imports" list shows them.
 */
import type { ChangeCounts, ImportRecordView, RevertResultView } from '../shared/contract.ts';
import { callApi, problemOf } from './api-client.ts';
import { AddonFailure } from './failure.ts';
import { pick } from './set-values.ts';
import { requireConnection } from './settings.ts';

export const RECENT_IMPORTS = 10;
const IMPORT_ID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

interface ApiImportRecord {
  id: string;
  fileName: string;
  status: ImportRecordView['status'];
  mode: ImportRecordView['mode'];
  actor: string;
  createdAt: string;
  revertedAt: string | null;
  counts: ChangeCounts;
  /** The values set for the import (absent from APIs before them). */
  set?: unknown;
}

export function recentImports(): ImportRecordView[] {
  const answer = callApi(requireConnection(), { method: 'get', path: `/api/imports/history?limit=${RECENT_IMPORTS}` });
  if (answer.status !== 200) throw problemOf(answer);
  const imports = Array.isArray(answer.body.imports) ? (answer.body.imports as ApiImportRecord[]) : [];
  return imports.map((r) => ({
    id: r.id,
    fileName: r.fileName,
    status: r.status,
    mode: r.mode,
    actor: r.actor,
    createdAt: r.createdAt,
    counts: { inserted: r.counts.inserted, updated: r.counts.updated, removed: r.counts.removed, unchanged: r.counts.unchanged },
    // What the API would refuse anyway is not offered: reverting an import that changed nothing undoes nothing.
    revertible: r.status === 'succeeded' && r.revertedAt === null,
    set: pick(r.set),
  }));
}

export function revertOne(importId: unknown): RevertResultView {
  if (typeof importId !== 'string' || !IMPORT_ID.test(importId)) throw new AddonFailure('request.invalid', 'That is not an import id.');
  const answer = callApi(requireConnection(), { method: 'post', path: `/api/imports/${importId}/revert` });
  if (answer.status !== 200) throw problemOf(answer);
  const c = answer.body.counts as { deleted: number; restored: number; undeleted: number };
  return {
    importId,
    message: `Reverted: ${c.deleted} lines removed, ${c.restored} restored to their earlier amounts, ${c.undeleted} brought back.`,
  };
}
