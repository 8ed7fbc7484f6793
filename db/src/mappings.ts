/**
 * Remembered mappings: a header a person mapped by hand (or chose to ignore) is remembered per data
 * source or per org, and wins over detection next time. A source's own memory wins over the org's.
 */
import { type CanonicalField, normalizeHeader } from '@budget-sync/core';
import type pg from 'pg';
import { DomainError } from './errors.ts';
import { isUuid } from './ids.ts';

export const FIELDS: readonly CanonicalField[] = [
  'department',
  'category',
  'period',
  'fiscal_year',
  'amount',
  'currency',
  'project',
  'owner',
  'notes',
];

export type MappingMemory = Record<string, CanonicalField | null>;

export function parseField(text: string): CanonicalField | null {
  const t = text
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (t === 'ignore' || t === 'none' || t === '') return null;
  if ((FIELDS as readonly string[]).includes(t)) return t as CanonicalField;
  throw new DomainError('input.invalid', `"${text}" is not a budget field. Use one of ${FIELDS.join(', ')}, or "ignore".`);
}

/** The org's memory overlaid with the source's (the source wins). */
export async function loadRememberedMappings(pool: pg.Pool, orgId: string, sourceId?: string | null): Promise<MappingMemory> {
  if (!isUuid(orgId)) return {};
  const r = await pool.query<{ header: string; field: CanonicalField | null; source_id: string | null }>(
    `SELECT header, field, source_id FROM remembered_mappings
      WHERE org_id = $1 AND (source_id IS NULL OR source_id = $2::uuid)
      ORDER BY (source_id IS NOT NULL)`,
    [orgId, sourceId && isUuid(sourceId) ? sourceId : null],
  );
  const memory: MappingMemory = {};
  for (const row of r.rows) memory[row.header] = row.field;
  return memory;
}

/** Remembers header → field choices (upsert), per source when a source id is given, else per org. */
export async function rememberMappings(pool: pg.Pool, orgId: string, choices: MappingMemory, sourceId?: string | null): Promise<void> {
  const entries = Object.entries(choices)
    .map(([h, f]) => [normalizeHeader(h), f] as const)
    .filter(([h]) => h !== '');
  if (entries.length === 0) return;
  await pool.query(
    `INSERT INTO remembered_mappings (org_id, source_id, header, field)
     SELECT $1, $2::uuid, h, f FROM unnest($3::text[], $4::text[]) AS c(h, f)
     ON CONFLICT (org_id, coalesce(source_id::text, ''), header) DO UPDATE SET field = excluded.field, updated_at = now()`,
    [orgId, sourceId ?? null, entries.map(([h]) => h), entries.map(([, f]) => f)],
  );
}
