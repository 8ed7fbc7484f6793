/**
 * Remembered mappings: a header a person mapped by hand (or chose to ignore) is remembered per data
 * source or per org, and wins over detection next time. A source's own memory wins over the org's.
 * What is remembered is any choice a person can make (core's MappingChoice): a canonical field, the
 * direction, or a dimension (`dimension`, named after the column, or `dimension:fund`; two columns given
 * one dimension are its code/name twin), so the next file of the same layout reads them the same way.
 */
import { MAPPING_CHOICE_FIELDS, type MappingChoice, mappingChoiceOf, normalizeHeader } from '@budget-sync/core';
import type pg from 'pg';
import { DomainError } from './errors.ts';
import { isUuid } from './ids.ts';

/** What a column may be mapped to, in the order lists show them (`dimension:NAME` names a dimension). */
export const FIELDS = MAPPING_CHOICE_FIELDS;

export type MappingMemory = Record<string, MappingChoice | null>;

/** `amount`, `fiscal-year`, `direction`, `dimension:fund`, or `ignore` (null). */
export function parseField(text: string): MappingChoice | null {
  const t = text.trim().toLowerCase();
  if (t === 'ignore' || t === 'none' || t === '') return null;
  const choice = mappingChoiceOf(text);
  if (choice !== null) return choice;
  throw new DomainError(
    'input.invalid',
    `"${text}" is not a budget field. Use one of ${FIELDS.join(', ')}, "dimension:NAME" (a dimension by that name), or "ignore".`,
  );
}

/** The org's memory overlaid with the source's (the source wins). */
export async function loadRememberedMappings(pool: pg.Pool, orgId: string, sourceId?: string | null): Promise<MappingMemory> {
  if (!isUuid(orgId)) return {};
  const r = await pool.query<{ header: string; field: MappingChoice | null; source_id: string | null }>(
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
