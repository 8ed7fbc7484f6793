/**
 * Deciding a column's decimal separator from its text samples. Pure: no I/O, no Node APIs.
 */
import type { NumberStyle } from './money.ts';

const DOT: NumberStyle = Object.freeze({ decimal: '.' });
const COMMA: NumberStyle = Object.freeze({ decimal: ',' });

/**
 * What one sample says about the decimal separator: 1 for `.`, 2 for `,`, 0 for nothing (no separator,
 * ambiguous like `1,234` / `1.234`, or not a number shape such as a date `01.02.2026`).
 */
function vote(s: string): number {
  let first = -1;
  let last = -1;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (first === -1) first = i;
      last = i;
    }
  }
  if (first === -1) return 0;
  let dots = 0;
  let commas = 0;
  let otherGrouping = false; // space or apostrophe between digits
  let lastSep = 0;
  let lastSepAt = -1;
  for (let i = first; i <= last; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) continue;
    if (c === 46 || c === 44) {
      if (c === 46) dots++;
      else commas++;
      lastSep = c;
      lastSepAt = i;
    } else if (c === 32 || c === 0xa0 || c === 0x202f || c === 0x2009 || c === 39 || c === 0x2019) {
      otherGrouping = true;
    } else return 0;
  }
  if (lastSep === 0) return 0;
  const sepVote = lastSep === 46 ? 1 : 2;
  const sepCount = lastSep === 46 ? dots : commas;
  const after = last - lastSepAt;
  if (dots > 0 && commas > 0) return sepCount === 1 ? sepVote : 0;
  if (sepCount > 1) return groupsOfThree(s, first, last, lastSep) ? 3 - sepVote : 0;
  // One separator: it is a decimal unless it has the shape of a thousands separator.
  const before = lastSepAt - first;
  if (otherGrouping || after !== 3 || before > 3 || s.charCodeAt(first) === 48) return sepVote;
  return 0;
}

/** `1.234.567` / `1,234,567`: every group after the first has exactly 3 digits, the first 1–3. */
function groupsOfThree(s: string, first: number, last: number, sep: number): boolean {
  let len = 0;
  let groups = 0;
  for (let i = first; i <= last; i++) {
    const c = s.charCodeAt(i);
    if (c === sep) {
      if (groups === 0 ? len < 1 || len > 3 : len !== 3) return false;
      groups++;
      len = 0;
    } else if (c >= 48 && c <= 57) len++;
  }
  return len === 3;
}

/**
 * Decides from many text samples of one column whether `,` or `.` is the decimal separator, by majority
 * of the samples that are unambiguous: `83.203,62` and `1.234.567` say `,`; `1,234.50`, `12.5` and
 * `1,234,567` say `.`; `1.234`, `1,234` and `1200` say nothing. `null` when nothing was said or the
 * votes tie.
 */
export function detectNumberStyle(samples: readonly string[]): NumberStyle | null {
  let dot = 0;
  let comma = 0;
  for (const sample of samples) {
    const v = vote(sample);
    if (v === 1) dot++;
    else if (v === 2) comma++;
  }
  if (dot > comma) return DOT;
  if (comma > dot) return COMMA;
  return null;
}
