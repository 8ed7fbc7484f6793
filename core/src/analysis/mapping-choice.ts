/**
 * What a person may say a column holds, as written on the CLI (`--map "Fonds=dimension:fund"`), in the
 * API's `mappingOverrides`, the console's "Use as" list and the add-on's dropdown, and as remembered
 * mappings keep it: read here once, so every door takes the same words.
 */
import { normalizeHeader } from './normalize.ts';
import type { CanonicalField, MappingChoice } from './types.ts';

/** The canonical fields, then the line's direction and a further dimension, in the order lists show them. */
export const MAPPING_CHOICE_FIELDS: readonly (CanonicalField | 'direction' | 'dimension')[] = [
  'department',
  'category',
  'period',
  'fiscal_year',
  'amount',
  'currency',
  'project',
  'owner',
  'notes',
  'direction',
  'dimension',
];

/**
 * `Amount`, `fiscal-year`, `direction`, `dimension`, `dimension: Fund Code` → the choice (`amount`,
 * `fiscal_year`, `direction`, `dimension`, `dimension:fund_code`); anything else → null.
 */
export function mappingChoiceOf(text: string): MappingChoice | null {
  const t = text.trim();
  const colon = t.indexOf(':');
  const head = (colon < 0 ? t : t.slice(0, colon))
    .trim()
    .toLowerCase()
    .replace(/[\s-]+/g, '_');
  if (colon >= 0) {
    if (head !== 'dimension') return null;
    const name = normalizeHeader(t.slice(colon + 1)).replace(/ /g, '_');
    return name === '' ? 'dimension' : `dimension:${name}`;
  }
  return (MAPPING_CHOICE_FIELDS as readonly string[]).includes(head) ? (head as MappingChoice) : null;
}
