/**
 * Which organization an import belongs to, for `imports show|revert|download ID` without --org. The CLI
 * is an operator's tool with direct database access, so it may look across organizations; the API never
 * does (an import of another org is "not found" there).
 */
import { type Database, DomainError, getOrganization } from '@budget-sync/db';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export function isUuid(text: string): boolean {
  return UUID.test(text);
}

/** The org given with --org (checked to exist), or the one the import belongs to. */
export async function orgOfImport(db: Database, importId: string, org: string | undefined): Promise<string> {
  if (org !== undefined) return (await getOrganization(db.pool, org)).id;
  const noSuch = new DomainError('import.not_found', `There is no import ${importId}. List them with "budget-sync imports list --org ID".`);
  if (!isUuid(importId)) throw noSuch;
  const r = await db.pool.query<{ org_id: string }>('SELECT org_id FROM import_history WHERE id = $1', [importId]);
  const row = r.rows[0];
  if (!row) throw noSuch;
  return row.org_id;
}
