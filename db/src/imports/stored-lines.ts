/**
 * Reading what is stored for an import's scope: the live lines of the file's fiscal years × departments
 * (planImport narrows a replace to the file's dimension values), each with what has already been consumed
 * against it (for `budget.below_consumption`), its period's days (for `period.overlap`), and its
 * dimensions, codes, direction and identity text (dim_key).
 */
import { type Direction, type ImportScope, NO_DIMENSIONS, type StoredLine } from '@budget-sync/core';
import type pg from 'pg';

type Row = [
  string,
  string,
  string,
  string | null,
  string,
  number,
  string,
  string,
  string | null,
  string | null,
  number,
  string,
  string,
  string,
  string,
  string | null,
  Direction,
  string,
];

export async function loadScopeLines(client: pg.PoolClient, orgId: string, scope: ImportScope): Promise<StoredLine[]> {
  if (scope.fiscalYears.length === 0) return [];
  // Array rows: 100,000 stored lines parse noticeably faster without an object per row from the driver.
  const result = await client.query<Row>({
    text: `SELECT l.id, l.department, l.category, l.project, l.period, l.fiscal_year, l.amount::text, l.currency,
                  l.owner, l.notes, l.version,
                  coalesce(c.reserved + c.committed + c.actual, 0)::text, l.period_start::text, l.period_end::text,
                  l.dimensions::text, l.codes::text, l.direction, l.dim_key
             FROM budget_lines l
             LEFT JOIN line_consumption c ON c.line_id = l.id
            WHERE l.org_id = $1 AND l.deleted_at IS NULL
              AND l.fiscal_year = ANY($2::int[]) AND lower(l.department) = ANY($3::text[])`,
    values: [orgId, scope.fiscalYears, scope.departments],
    rowMode: 'array',
  });
  return result.rows.map((r) => ({
    id: r[0],
    department: r[1],
    category: r[2],
    project: r[3],
    period: r[4],
    fiscalYear: r[5],
    amount: r[6],
    currency: r[7],
    owner: r[8],
    notes: r[9],
    version: r[10],
    consumed: r[11],
    periodStart: r[12],
    periodEnd: r[13],
    // Most lines have none: one shared object instead of a parse per line.
    dimensions: r[14] === '{}' ? NO_DIMENSIONS : (JSON.parse(r[14]) as Record<string, string>),
    codes: r[15] === null ? null : (JSON.parse(r[15]) as Record<string, string>),
    direction: r[16],
    dimKey: r[17],
  }));
}
