/**
 * The import history: the list (newest first, paged, filtered by status), one import in detail with its
 * issues and mapping, and its revert. Thin calls to db's listImports, getImport and revertImport.
 */
import type { ImportStatus } from '@budget-sync/db';
import { getImport, isDomainError, listImports, revertImport } from '@budget-sync/db';
import { visibilityOf } from '../../middleware/auth.ts';
import { type ConsoleContext, hasScope } from '../context.ts';
import { STATUS_LABEL } from '../format.ts';
import { consolePage, type Notice } from '../layout.ts';
import { historyDetail, historyList } from './history.views.ts';

const PAGE = 25;
const STATUSES: readonly ImportStatus[] = ['succeeded', 'no_changes', 'rejected', 'failed', 'reverted'];
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export async function showHistory(c: ConsoleContext) {
  const statusParam = c.req.query('status');
  const status = STATUSES.find((s) => s === statusParam);
  const before = c.req.query('before');
  const db = await c.var.database();
  const rows = await listImports(db.pool, c.var.auth.orgId, {
    limit: PAGE + 1,
    status,
    before: before && UUID.test(before) ? before : undefined,
    visibleTo: visibilityOf(c.var.auth),
  });
  const page = rows.slice(0, PAGE);
  const next = rows.length > PAGE ? (page[page.length - 1]?.id ?? null) : null;
  const content = historyList({ imports: page, status, next, paged: before !== undefined });
  return c.html(consolePage(c, { title: 'Import history', nav: 'history' }, content).value);
}

const NOTICES: Record<string, Notice> = {
  succeeded: { kind: 'success', text: 'Imported. The budget now holds the lines of this file.' },
  no_changes: { kind: 'info', text: 'Nothing changed: the stored budget already matches this file.' },
  rejected: { kind: 'error', text: 'The import was refused; the reason and the issues are below. Nothing was written.' },
  failed: { kind: 'error', text: 'Writing the import failed and nothing was written. Try again.' },
  reverted: { kind: 'success', text: 'Reverted: the budget is back to what it was before this import.' },
};

export async function showImport(c: ConsoleContext, extra: Notice[] = [], status: 200 | 409 = 200) {
  const db = await c.var.database();
  const detail = await getImport(db.pool, c.var.auth.orgId, c.req.param('id') ?? '', visibilityOf(c.var.auth));
  const notice = NOTICES[c.req.query('notice') ?? ''];
  const content = historyDetail(c, detail, { canRevert: hasScope(c, 'imports:write') });
  const title = `${detail.fileName} — ${STATUS_LABEL[detail.status] ?? detail.status}`;
  return c.html(consolePage(c, { title, nav: 'history', notices: [notice, ...extra] }, content).value, status);
}

export async function revert(c: ConsoleContext) {
  const db = await c.var.database();
  const id = c.req.param('id') ?? '';
  const visibleTo = visibilityOf(c.var.auth);
  // A person limited to departments reverts only imports they may see.
  if (visibleTo) await getImport(db.pool, c.var.auth.orgId, id, visibleTo);
  try {
    await revertImport(db, { orgId: c.var.auth.orgId, importId: id, actor: c.var.auth.name });
  } catch (e) {
    // The message names the first line in conflict and what to do; the page shows it next to the import.
    if (isDomainError(e) && (e.code === 'import.revert_conflict' || e.code === 'import.not_revertible')) {
      return showImport(c, [{ kind: 'error', text: e.message }], 409);
    }
    throw e;
  }
  return c.redirect(`/history/${id}?notice=reverted`, 303);
}
