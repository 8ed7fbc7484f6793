/** Data sources through db's sources service; "sync now" through the runtime's syncSource when it has one. */
import {
  createSource,
  type DataSource,
  getSource,
  listSourceRuns,
  listSources,
  type PlaceGuard,
  removeSource,
  runAsSeenBy,
  type SourceRun,
  updateSource,
  type Visibility,
} from '@budget-sync/db';
import type { SourceSyncOutcome } from '../../console/options.ts';
import type { Database } from '@budget-sync/db';
import { visibilityOf } from '../../middleware/auth.ts';
import type { AppRouteHandler } from '../../openapi/contract.ts';
import { ApiProblem } from '../../problems.ts';
import type { CreateRoute, ListRoute, RemoveRoute, SyncRoute, UpdateRoute } from './sources.routes.ts';

export type SyncSource = (db: Database, sourceId: string) => Promise<SourceSyncOutcome>;

/** The source and its last run (for a person limited to departments, only the run's files they may see). */
async function withLastRun(db: Database, s: DataSource, visibleTo?: Visibility) {
  const run: SourceRun | undefined = (await listSourceRuns(db.pool, s.id, 1))[0];
  const last = run && (await runAsSeenBy(db.pool, s.orgId, run, visibleTo));
  const { orgId: _org, ...rest } = s;
  return {
    ...rest,
    config: s.config as unknown as Record<string, unknown>,
    lastRun: last
      ? {
          id: last.id,
          trigger: last.trigger,
          status: last.status,
          reason: last.reason,
          files: last.files,
          startedAt: last.startedAt,
          finishedAt: last.finishedAt,
        }
      : null,
  };
}

export const list: AppRouteHandler<ListRoute> = async (c) => {
  const db = await c.var.database();
  const sources = await listSources(db.pool, c.var.auth.orgId);
  const visibleTo = visibilityOf(c.var.auth);
  return c.json({ sources: await Promise.all(sources.map((s) => withLastRun(db, s, visibleTo))) }, 200);
};

/**
 * The API speaks for a tenant: a folder is one inside its organization's folder, checked by the
 * runtime's guard (none on Workers: no folder sources there).
 */
export function create(guard: PlaceGuard | undefined): AppRouteHandler<CreateRoute> {
  return async (c) => {
    const body = c.req.valid('json');
    const db = await c.var.database();
    const source = await createSource(db.pool, { ...body, orgId: c.var.auth.orgId, actor: c.var.auth.name }, { by: 'tenant', guard });
    return c.json(await withLastRun(db, source), 201);
  };
}

export function update(guard: PlaceGuard | undefined): AppRouteHandler<UpdateRoute> {
  return async (c) => {
    const { id } = c.req.valid('param');
    const db = await c.var.database();
    const source = await updateSource(db.pool, id, c.req.valid('json'), {
      orgId: c.var.auth.orgId,
      by: 'tenant',
      guard,
      actor: c.var.auth.name,
    });
    return c.json(await withLastRun(db, source), 200);
  };
}

export const remove: AppRouteHandler<RemoveRoute> = async (c) => {
  const { id } = c.req.valid('param');
  const db = await c.var.database();
  await removeSource(db.pool, id, c.var.auth.orgId, c.var.auth.name);
  return c.body(null, 204);
};

export function sync(syncSource: SyncSource | undefined): AppRouteHandler<SyncRoute> {
  return async (c) => {
    const { id } = c.req.valid('param');
    const db = await c.var.database();
    await getSource(db.pool, id, c.var.auth.orgId); // 404 for another org's source, before anything runs
    if (!syncSource) {
      throw new ApiProblem(
        501,
        'sources.sync_unavailable',
        'This server cannot reach data sources; the ingest worker syncs them on their schedule.',
      );
    }
    const outcome = await syncSource(db, id);
    return c.json({ status: outcome.status, reason: outcome.reason, files: outcome.files.map((f) => ({ ...f })) }, 200);
  };
}
