/**
 * NUL is the one character that text columns in Postgres (and JSON stored as jsonb) cannot hold. Text that
 * comes from a file — sheet names, file names, headers, labels quoted in messages — has each NUL replaced
 * by U+FFFD before anything shows or keeps it; a line field holding one is an error at its cell
 * (analysis/extract.ts), never a failed write.
 */
export const NUL_REPLACEMENT = '\uFFFD';

export function withoutNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', NUL_REPLACEMENT) : text;
}
