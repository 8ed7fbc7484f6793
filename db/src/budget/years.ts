/** The fiscal years an org has live budget lines in: the choices of a fiscal-year filter. */
import type pg from 'pg';
import { isUuid } from './common.ts';

/** Newest first. */
export async function listFiscalYears(pool: pg.Pool, orgId: string): Promise<number[]> {
  if (!isUuid(orgId)) return [];
  const r = await pool.query<{ fiscal_year: number }>(
    'SELECT DISTINCT fiscal_year FROM budget_lines WHERE org_id = $1 AND deleted_at IS NULL ORDER BY fiscal_year DESC',
    [orgId],
  );
  return r.rows.map((x) => x.fiscal_year);
}
