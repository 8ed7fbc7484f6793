/**
 * A line's further dimensions as identity (DESIGN §2): two lines that differ only by fund are two lines.
 * One function computes the identity text (`dimensionKey`) for the import plan here and for the
 * database's natural key (budget_lines.dim_key), and one the match terms (`dimensionTerms`,
 * budget_lines.dim_terms) that a budget check names dimensions by — so the plan, the unique index and
 * the checks can never disagree on which lines are one.
 *
 * Names and values are compared trimmed and lower-cased, as department and category are. A code/name
 * twin (`codes[name]` beside the shown `dimensions[name]`) is identified by its code, so renaming a fund
 * keeps its lines; a check may name it by either.
 */

import { NO_DIMENSIONS } from '../analysis/types.ts';

/** Between a dimension's name and its value in a term; a control character no header or cell holds. */
const NAME_VALUE = '\u001f';
/** Between the terms of a key, and of a request's terms as the check statement receives them. */
export const TERM_SEPARATOR = '\u001e';

/** A dimension's name or value as identity compares it. */
export function dimensionText(s: string): string {
  return s.trim().toLowerCase();
}

/** The term `name␟value` (both compared forms) that matches a line holding that value for that dimension. */
export function dimensionTerm(name: string, value: string): string {
  return `${dimensionText(name)}${NAME_VALUE}${dimensionText(value)}`;
}

function names(dimensions: Readonly<Record<string, string>>): string[] {
  return Object.keys(dimensions);
}

/** The identity of one dimension of a line: its code when it has one, else its value. */
export function dimensionIdentity(
  name: string,
  dimensions: Readonly<Record<string, string>>,
  codes: Readonly<Record<string, string>> | null | undefined,
): string {
  const code = codes?.[name];
  return dimensionText(code !== undefined && code.trim() !== '' ? code : (dimensions[name] ?? ''));
}

/**
 * The line's dimensions as one identity text: its terms (identity = the code where there is one) sorted
 * and joined; '' for a line without dimensions (every line stored before dimensions existed).
 */
export function dimensionKey(dimensions: Readonly<Record<string, string>>, codes?: Readonly<Record<string, string>> | null): string {
  if (dimensions === NO_DIMENSIONS) return '';
  const keys = names(dimensions);
  if (keys.length === 0) return '';
  return keys
    .map((n) => `${dimensionText(n)}${NAME_VALUE}${dimensionIdentity(n, dimensions, codes)}`)
    .sort()
    .join(TERM_SEPARATOR);
}

/**
 * Every term a check may name the line by: per dimension its shown value and, for a twin, its code.
 * Sorted and without repeats (a Postgres text[] that `@>` a request's terms).
 */
export function dimensionTerms(dimensions: Readonly<Record<string, string>>, codes?: Readonly<Record<string, string>> | null): string[] {
  const keys = names(dimensions);
  if (keys.length === 0) return [];
  const out = new Set<string>();
  for (const n of keys) {
    out.add(dimensionTerm(n, dimensions[n] ?? ''));
    const code = codes?.[n];
    if (code !== undefined && code.trim() !== '') out.add(dimensionTerm(n, code));
  }
  return [...out].sort();
}

/** How dimensions read for people: `fund 6064 General Fund, program Parks` (the code beside the name of a twin). */
export function describeDimensions(dimensions: Readonly<Record<string, string>>, codes?: Readonly<Record<string, string>> | null): string {
  return names(dimensions)
    .map((n) => {
      const code = codes?.[n];
      const value = dimensions[n] ?? '';
      return code !== undefined && code !== '' && code !== value ? `${n} ${code} ${value}` : `${n} ${value}`;
    })
    .join(', ');
}

/**
 * The dimensions and codes of a line as one comparable text, compared as identity compares (trimmed,
 * ignoring letter case): what a re-import compares to find a twin's name renamed beside its code. A
 * difference of letter case alone is no change, as for department and category.
 */
export function dimensionsFingerprint(
  dimensions: Readonly<Record<string, string>>,
  codes?: Readonly<Record<string, string>> | null,
): string {
  const d = names(dimensions);
  const c = codes ? names(codes) : [];
  if (d.length === 0 && c.length === 0) return '';
  const sorted = (o: Readonly<Record<string, string>>, keys: string[]) =>
    keys.map((k) => [dimensionText(k), dimensionText(o[k] ?? '')]).sort((a, b) => ((a[0] as string) < (b[0] as string) ? -1 : 1));
  return JSON.stringify([sorted(dimensions, d), codes ? sorted(codes, c) : []]);
}
