/**
 * Header text normalization shared by mapping, kind detection and header-row detection:
 * lower case, accents folded, `&`/`#` spelled out, punctuation to spaces, currency annotations removed.
 */
import { withoutNul } from '../values/text.ts';

const COMBINING_MARKS = /[\u0300-\u036f]/g;
const CURRENCY_ANNOTATION = /\((?:in\s+)?(?:[a-z]{3}|[$€£¥₹])\)|\bin\s+(?:[$€£¥₹]|[a-z]{3}\b)/g;

export function foldAccents(text: string): string {
  return text.normalize('NFD').replace(COMBINING_MARKS, '').replace(/ß/g, 'ss');
}

/** `"Amount (EUR)"` → `"amount"`, `"Invoice #"` → `"invoice no"`, `"Centre de coût"` → `"centre de cout"`. */
export function normalizeHeader(text: string): string {
  let s = foldAccents(String(text).toLowerCase());
  s = s.replace(CURRENCY_ANNOTATION, ' ');
  s = s.replace(/&/g, ' and ').replace(/#/g, ' no ').replace(/%/g, ' percent ');
  // Letters of every script stay (`類別`, `Ø`): only punctuation and symbols separate words.
  s = s.replace(/[^\p{L}\p{N}]+/gu, ' ');
  return s.trim();
}

export function tokens(normalized: string): string[] {
  return normalized.length === 0 ? [] : normalized.split(' ');
}

/** Trimmed display form of a cell for use as a label (department, category…). */
export function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return withoutNul(value.trim());
  // The day the sheet shows is the Date's nearest UTC midnight (see workbook.ts): Google Sheets gives
  // local midnight, which east of UTC is the evening before in UTC.
  if (value instanceof Date) return new Date(Math.round(value.getTime() / 86_400_000) * 86_400_000).toISOString().slice(0, 10);
  return String(value);
}

/**
 * The same text as a string of its own. V8 keeps a substring of 13 or more characters as a view of the
 * string it was cut from, so a label cut from a parsed piece of a CSV would keep the whole piece alive for
 * as long as the analysis holds the label; concatenating and slicing again copies just the label.
 */
export function detach(text: string): string {
  return text.length < 13 ? text : ` ${text}`.slice(1);
}
