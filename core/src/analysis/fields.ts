/**
 * Header text → candidate canonical fields, by the ladder DESIGN §2 names:
 * exact synonym → token match → fuzzy (Levenshtein), each with a score in 0..1.
 * Value evidence and remembered mappings are applied later, in mapping.ts.
 */
import { distance } from 'fastest-levenshtein';
import { FIELD_SYNONYMS } from './synonyms.ts';
import { tokens } from './normalize.ts';
import type { CanonicalField } from './types.ts';

export interface HeaderMatch {
  field: CanonicalField;
  score: number;
  method: 'synonym' | 'token' | 'fuzzy';
  /** The vocabulary entry that matched, for the reason shown to the user. */
  matched: string;
}

interface Entry {
  field: CanonicalField;
  text: string;
  tokens: string[];
}

const ENTRIES: Entry[] = Object.entries(FIELD_SYNONYMS).flatMap(([field, list]) =>
  list.map((text) => ({ field: field as CanonicalField, text, tokens: text.split(' ') })),
);
/** Whole-header synonyms; a few belong to two fields (`Amt` is an office in German, an amount in English): the values decide. */
const EXACT = new Map<string, CanonicalField[]>();
for (const e of ENTRIES) {
  const fields = EXACT.get(e.text) ?? [];
  if (!fields.includes(e.field)) fields.push(e.field);
  EXACT.set(e.text, fields);
}

/** Allowed edits for a word of this length to still count as a typo of it. */
function typoBudget(length: number): number {
  if (length < 4) return 0;
  if (length < 8) return 1;
  return 2;
}

function tokenMatches(headerToken: string, synonymToken: string): 'exact' | 'typo' | null {
  if (headerToken === synonymToken) return 'exact';
  const budget = typoBudget(Math.min(headerToken.length, synonymToken.length));
  if (budget === 0 || Math.abs(headerToken.length - synonymToken.length) > budget) return null;
  return distance(headerToken, synonymToken) <= budget ? 'typo' : null;
}

/** Does every token of the synonym appear in the header (in order)? Returns how many were typos, or -1. */
function coverTokens(header: string[], synonym: string[]): number {
  let typos = 0;
  let from = 0;
  for (const want of synonym) {
    let found = -1;
    for (let i = from; i < header.length; i++) {
      const m = tokenMatches(header[i] as string, want);
      if (m) {
        found = i;
        if (m === 'typo') typos++;
        break;
      }
    }
    if (found < 0) return -1;
    from = found + 1;
  }
  return typos;
}

const cache = new Map<string, HeaderMatch[]>();

/** Candidate fields for a normalized header, best first, at most one per field. */
export function matchHeader(normalized: string): HeaderMatch[] {
  const hit = cache.get(normalized);
  if (hit) return hit;
  const best = new Map<CanonicalField, HeaderMatch>();
  const offer = (m: HeaderMatch) => {
    const prev = best.get(m.field);
    if (!prev || prev.score < m.score) best.set(m.field, m);
  };
  for (const field of EXACT.get(normalized) ?? []) offer({ field, score: 1, method: 'synonym', matched: normalized });
  const headerTokens = tokens(normalized);
  if (headerTokens.length > 0) {
    for (const e of ENTRIES) {
      if (e.text === normalized) continue;
      const typos = coverTokens(headerTokens, e.tokens);
      if (typos < 0) continue;
      const coverage = e.tokens.length / headerTokens.length;
      if (typos === 0) {
        offer({ field: e.field, score: 0.72 + 0.23 * coverage, method: 'token', matched: e.text });
      } else {
        offer({ field: e.field, score: 0.62 + 0.25 * coverage - 0.04 * typos, method: 'fuzzy', matched: e.text });
      }
    }
    // Whole-header typos that tokenization misses ("departmnet", "costcenter").
    if (normalized.length >= 5) {
      for (const e of ENTRIES) {
        if (e.text.length < 5) continue;
        const longest = Math.max(e.text.length, normalized.length);
        if (Math.abs(e.text.length - normalized.length) > 3) continue;
        const d = distance(normalized, e.text);
        const similarity = 1 - d / longest;
        if (similarity >= 0.75 && d > 0) {
          offer({ field: e.field, score: 0.45 + 0.45 * similarity, method: 'fuzzy', matched: e.text });
        }
      }
    }
  }
  const result = [...best.values()].sort((a, b) => b.score - a.score);
  if (cache.size > 5000) cache.clear();
  cache.set(normalized, result);
  return result;
}

export function describeMatch(header: string, m: HeaderMatch): string {
  switch (m.method) {
    case 'synonym':
      return `"${header}" is a usual name for ${fieldLabel(m.field)}`;
    case 'token':
      return `"${header}" contains "${m.matched}", a usual name for ${fieldLabel(m.field)}`;
    case 'fuzzy':
      return `"${header}" looks like a misspelling of "${m.matched}" (${fieldLabel(m.field)})`;
  }
}

const LABELS: Record<CanonicalField, string> = {
  department: 'the department (cost center)',
  category: 'the budget category (account)',
  period: 'the period',
  fiscal_year: 'the fiscal year',
  amount: 'the budget amount',
  currency: 'the currency',
  project: 'the project',
  owner: 'the budget owner',
  notes: 'notes',
};

export function fieldLabel(field: CanonicalField): string {
  return LABELS[field];
}
