/** Import history: thin calls to db's listImports, getImport and revertImport for the key's organization. */
import { getImport as readImport, listImports, revertImport } from '@budget-sync/db';
import { visibilityOf } from '../../middleware/auth.ts';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import type { GetImportRoute, HistoryRoute, RevertRoute } from './imports.routes.ts';

const DAY_MS = 86_400_000;

/** A bare date means the whole UTC day: `from` its start, `to` through its end. */
function instant(value: string | undefined, end: boolean): string | undefined {
  if (value === undefined) return undefined;
  if (value.length > 10) return value;
  const start = Date.parse(`${value}T00:00:00Z`);
  return new Date(end ? start + DAY_MS : start).toISOString();
}

export const history: AppRouteHandler<HistoryRoute> = async (c) => {
  const q = c.req.valid('query');
  const db = await c.var.database();
  // One more than asked tells whether another page follows.
  const rows = await listImports(db.pool, c.var.auth.orgId, {
    limit: q.limit + 1,
    before: q.cursor,
    status: q.status,
    source: q.source,
    from: instant(q.from, false),
    to: instant(q.to, true),
    visibleTo: visibilityOf(c.var.auth),
  });
  const page = rows.slice(0, q.limit);
  return c.json({ imports: page, nextCursor: rows.length > q.limit ? (page[page.length - 1]?.id ?? null) : null }, 200);
};

export const getImport: AppRouteHandler<GetImportRoute> = async (c) => {
  const db = await c.var.database();
  return c.json(await readImport(db.pool, c.var.auth.orgId, c.req.valid('param').id, visibilityOf(c.var.auth)), 200);
};

export const revert: AppRouteHandler<RevertRoute> = async (c) => {
  const db = await c.var.database();
  const importId = c.req.valid('param').id;
  // A person limited to departments reverts only imports they may see (404 otherwise, as for another org's).
  const visibleTo = visibilityOf(c.var.auth);
  if (visibleTo) await readImport(db.pool, c.var.auth.orgId, importId, visibleTo);
  return c.json(await revertImport(db, { orgId: c.var.auth.orgId, importId, actor: c.var.auth.name }), 200);
};
