/** The fiscal years and the dimensions an org has live budget lines in: the choices of the budget filters. */
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

export interface DimensionChoice {
  /** The name as the lines write it (the first spelling, in sort order). */
  name: string;
  /** Its values as shown, sorted, one per spelling ignoring case; at most MAX_VALUES. */
  values: string[];
  /** Whether any line keeps a code beside the value (a code/name twin). */
  hasCodes: boolean;
}

const MAX_VALUES = 500;

/** The further dimensions of an org's live lines in a fiscal year, with their values, sorted by name. */
export async function listDimensions(pool: pg.Pool, orgId: string, fiscalYear: number): Promise<DimensionChoice[]> {
  if (!isUuid(orgId)) return [];
  const r = await pool.query<{ name: string; values: string[]; has_codes: boolean }>(
    `SELECT min(name) AS name, (array_agg(value ORDER BY lower(value)))[1:${MAX_VALUES}] AS values, bool_or(has_code) AS has_codes
       FROM (SELECT min(d.key) AS name, lower(trim(d.key)) AS k, min(d.value) AS value, bool_or(b.codes ? d.key) AS has_code
               FROM budget_lines b CROSS JOIN LATERAL jsonb_each_text(b.dimensions) AS d
              WHERE b.org_id = $1 AND b.deleted_at IS NULL AND b.fiscal_year = $2 AND b.dim_key <> ''
              GROUP BY lower(trim(d.key)), lower(trim(d.value))) v
      GROUP BY k ORDER BY k`,
    [orgId, fiscalYear],
  );
  return r.rows.map((x) => ({ name: x.name, values: x.values, hasCodes: x.has_codes }));
}
