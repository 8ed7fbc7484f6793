/**
 * revertImport: puts back what an import changed — inserted lines are soft-deleted, updated lines get
 * their previous values, removed lines come back — in one transaction under the org's import lock and
 * its budget-structure lock (exclusive: reservations in flight finish first, later ones wait for the
 * revert, so what it reads as consumed stays true until it commits).
 * It refuses, listing the lines, when anything touched those lines since: a later import or revert, money
 * reserved, committed or spent against a line the import created (soft-deleting it would strand that
 * money), a line the import updated whose earlier amount is below what is now consumed against it (the
 * rule an import applies as `budget.below_consumption`; a revert has no "accept warnings": the way to
 * lower a budget below its consumption on purpose is an import that accepts the warning), or a new line
 * that took a removed line's place — the same period, or an overlapping one of another grain, which
 * bringing the removed line back would count twice (`period.overlap`, DESIGN §2).
 */
import { describeLine, dimensionTerms } from '@budget-sync/core';
import { arrayLiteral } from '../budget/pipeline.ts';
import { transaction } from '../checkout.ts';
import { bulkInsert } from '../bulk.ts';
import type { Database } from '../database.ts';
import { DomainError } from '../errors.ts';
import { isUuid } from '../ids.ts';
import { lockBudgetStructure, lockOrgImports, VERSION_COLUMNS, type VersionSide, versionRow } from './apply.ts';
import { notFound } from './history.ts';

export interface RevertRequest {
  orgId: string;
  importId: string;
  actor: string;
  /** Called once the locks are held and the conflicts checked, before anything is written (tests pause here). */
  onChecked?: () => void | Promise<void>;
}

export interface RevertConflict {
  lineId: string;
  department: string;
  category: string;
  project: string | null;
  /** The line's further dimensions, `{}` when none. */
  dimensions: Record<string, string>;
  period: string;
  reason: string;
}

export interface RevertResult {
  importId: string;
  status: 'reverted';
  /** What the revert did: lines soft-deleted, restored to earlier values, brought back. */
  counts: { deleted: number; restored: number; undeleted: number };
}

interface VersionRow {
  line_id: string;
  change: 'insert' | 'update' | 'remove';
  version: number;
  amount_before: string | null;
  currency_before: string | null;
  owner_before: string | null;
  notes_before: string | null;
  direction_before: string | null;
  dimensions_before: string | null;
  codes_before: string | null;
  current_version: number;
  amount: string;
  currency: string;
  owner: string | null;
  notes: string | null;
  direction: string;
  dimensions: string;
  codes: string | null;
  department: string;
  category: string;
  project: string | null;
  period: string;
  consumed: string;
  /** amount_before < consumed: restoring it would lower the budget below what is consumed. */
  below_consumption: boolean | null;
  later_import: string | null;
  /**
   * For a removed line: the period of a live line of its identity whose period overlaps its own (the same
   * or another grain), other than the lines this import inserted (the revert removes those).
   */
  taken_by: string | null;
}

export async function revertImport(db: Database, req: RevertRequest): Promise<RevertResult> {
  if (!isUuid(req.importId)) throw notFound(req.importId);
  return transaction(db.pool, async (client) => {
    await lockOrgImports(client, req.orgId);
    const h = await client.query<{ status: string }>('SELECT status FROM import_history WHERE id = $1 AND org_id = $2 FOR UPDATE', [
      req.importId,
      req.orgId,
    ]);
    const status = h.rows[0]?.status;
    if (status === undefined) throw notFound(req.importId);
    if (status !== 'succeeded') throw new DomainError('import.not_revertible', notRevertibleReason(req.importId, status));
    await lockBudgetStructure(client, req.orgId);

    const versions = await client.query<VersionRow>(
      `SELECT v.line_id, v.change, v.version, v.amount_before::text, v.currency_before, v.owner_before, v.notes_before,
              v.direction_before, v.dimensions_before::text, v.codes_before::text, l.version AS current_version,
              l.amount::text, l.currency, l.owner, l.notes, l.direction, l.dimensions::text, l.codes::text,
              l.department, l.category, l.project, l.period,
              coalesce(c.reserved + c.committed + c.actual, 0)::text AS consumed,
              v.amount_before < coalesce(c.reserved + c.committed + c.actual, 0) AS below_consumption,
              CASE WHEN l.version <> v.version THEN
                (SELECT lh.file_name || ' (import ' || lh.id || ')' FROM line_versions lv JOIN import_history lh ON lh.id = lv.import_id
                  WHERE lv.line_id = v.line_id AND lv.version > v.version ORDER BY lv.version LIMIT 1)
              END AS later_import,
              CASE WHEN v.change = 'remove' THEN
                (SELECT t.period FROM budget_lines t
                  WHERE t.org_id = l.org_id AND t.deleted_at IS NULL
                    AND lower(t.department) = lower(l.department) AND lower(t.category) = lower(l.category)
                    AND lower(coalesce(t.project, '')) = lower(coalesce(l.project, '')) AND t.dim_key = l.dim_key
                    AND t.direction = l.direction
                    AND t.period_start <= l.period_end AND t.period_end >= l.period_start
                    AND NOT EXISTS (SELECT 1 FROM line_versions i WHERE i.import_id = v.import_id AND i.line_id = t.id AND i.change = 'insert')
                  ORDER BY t.period LIMIT 1)
              END AS taken_by
         FROM line_versions v
         JOIN budget_lines l ON l.id = v.line_id
         LEFT JOIN line_consumption c ON c.line_id = l.id
        WHERE v.import_id = $1 AND v.change <> 'revert'`,
      [req.importId],
    );

    const conflicts = findConflicts(versions.rows);
    if (conflicts.length > 0) {
      throw new DomainError(
        'import.revert_conflict',
        `Cannot revert import ${req.importId}: ${conflicts.length === 1 ? 'one of its lines cannot' : `${conflicts.length} of its lines cannot`} be put back as it was (first: ${describeLine(conflicts[0] as RevertConflict)} — ${(conflicts[0] as RevertConflict).reason}). Revert the later imports first, release what is reserved on these lines, or fix them with a new import.`,
        { conflicts },
      );
    }
    await req.onChecked?.();

    const rows = versions.rows;
    const byChange = (c: VersionRow['change']) => rows.filter((r) => r.change === c);
    const inserted = byChange('insert');
    const updated = byChange('update');
    const removed = byChange('remove');
    await client.query(
      `UPDATE budget_lines SET deleted_at = now(), version = version + 1, last_import_id = $2, updated_at = now() WHERE id = ANY($1::uuid[])`,
      [inserted.map((r) => r.line_id), req.importId],
    );
    const before = updated.map(beforeOf);
    await client.query(
      `UPDATE budget_lines b
          SET amount = u.amount, currency = u.currency, owner = u.owner, notes = u.notes,
              direction = u.direction, dimensions = u.dimensions, codes = u.codes, dim_terms = u.dim_terms::text[],
              version = b.version + 1, last_import_id = $6, updated_at = now()
         FROM unnest($1::uuid[], $2::numeric[], $3::text[], $4::text[], $5::text[], $7::text[], $8::jsonb[], $9::jsonb[], $10::text[])
              AS u(id, amount, currency, owner, notes, direction, dimensions, codes, dim_terms)
        WHERE b.id = u.id`,
      [
        updated.map((r) => r.line_id),
        updated.map((r) => r.amount_before),
        updated.map((r) => r.currency_before),
        updated.map((r) => r.owner_before),
        updated.map((r) => r.notes_before),
        req.importId,
        before.map((b) => b.direction),
        before.map((b) => b.dimensions),
        before.map((b) => b.codes),
        before.map((b) => termsOf(b.dimensions, b.codes)),
      ],
    );
    await client.query(
      `UPDATE budget_lines SET deleted_at = NULL, version = version + 1, last_import_id = $2, updated_at = now() WHERE id = ANY($1::uuid[])`,
      [removed.map((r) => r.line_id), req.importId],
    );
    await bulkInsert(client, VERSION_COLUMNS, revertVersionRows(rows, req), db.supportsCopy);
    await client.query(`UPDATE import_history SET status = 'reverted', reverted_at = now(), reverted_by = $2 WHERE id = $1`, [
      req.importId,
      req.actor,
    ]);
    return {
      importId: req.importId,
      status: 'reverted' as const,
      counts: { deleted: inserted.length, restored: updated.length, undeleted: removed.length },
    };
  });
}

function findConflicts(rows: readonly VersionRow[]): RevertConflict[] {
  const out: RevertConflict[] = [];
  for (const r of rows) {
    let reason: string | null = null;
    if (r.current_version !== r.version) reason = `changed later by ${r.later_import ?? 'a later change'}`;
    else if (r.change === 'insert' && !/^0(\.0+)?$/.test(r.consumed))
      reason = `${r.consumed} is already reserved, committed or spent against it`;
    else if (r.change === 'update' && r.below_consumption)
      reason = `reverting puts its budget back to ${r.amount_before}, below the ${r.consumed} already reserved, committed or spent against it; release reservations first, or import the amount you want (accepting the warning)`;
    else if (r.change === 'remove' && r.taken_by !== null)
      reason =
        r.taken_by === r.period
          ? 'a newer line with the same department, category, project, dimensions and period exists'
          : `a newer line for ${r.taken_by} with the same department, category, project and dimensions overlaps its period (period.overlap): bringing it back would count one budget twice`;
    if (reason === null) continue;
    out.push({
      lineId: r.line_id,
      department: r.department,
      category: r.category,
      project: r.project,
      dimensions: r.dimensions === '{}' ? {} : (JSON.parse(r.dimensions) as Record<string, string>),
      period: r.period,
      reason,
    });
  }
  return out;
}

function* revertVersionRows(rows: readonly VersionRow[], req: RevertRequest) {
  for (const r of rows) {
    const v = r.current_version + 1;
    const now: VersionSide = { amount: r.amount, currency: r.currency, owner: r.owner, notes: r.notes, direction: r.direction };
    if (r.change === 'insert') {
      yield versionRow(req.orgId, r.line_id, req.importId, 'revert', v, now, null);
    } else if (r.change === 'update') {
      const old = beforeOf(r);
      yield versionRow(
        req.orgId,
        r.line_id,
        req.importId,
        'revert',
        v,
        { ...now, dimensions: r.dimensions, codes: r.codes },
        {
          amount: r.amount_before as string,
          currency: r.currency_before as string,
          owner: r.owner_before,
          notes: r.notes_before,
          ...old,
        },
      );
    } else {
      yield versionRow(req.orgId, r.line_id, req.importId, 'revert', v, null, now);
    }
  }
}

/**
 * What an updated line had before the import beside its amount, currency, owner and notes. Version rows
 * written before dimensions existed have no direction or dimensions: the line keeps its own.
 */
function beforeOf(r: VersionRow): { direction: string; dimensions: string; codes: string | null } {
  return {
    direction: r.direction_before ?? r.direction,
    dimensions: r.dimensions_before ?? r.dimensions,
    codes: r.dimensions_before === null ? r.codes : r.codes_before,
  };
}

/** The match terms (core's dimensionTerms) of stored dimensions and codes (jsonb text), as an array literal. */
function termsOf(dimensions: string, codes: string | null): string {
  if (dimensions === '{}') return '{}';
  return arrayLiteral(dimensionTerms(JSON.parse(dimensions) as Record<string, string>, codes === null ? null : JSON.parse(codes)));
}

function notRevertibleReason(id: string, status: string): string {
  switch (status) {
    case 'reverted':
      return `Import ${id} has already been reverted.`;
    case 'no_changes':
      return `Import ${id} changed nothing, so there is nothing to revert.`;
    default:
      return `Import ${id} was ${status === 'rejected' ? 'rejected' : 'not applied (it failed)'}, so there is nothing to revert.`;
  }
}
