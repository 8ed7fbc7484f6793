/**
 * Cheap looks at CSV text before parsing it: line breaks, the longest line and the longest quoted field
 * (over the text's ASCII-compatible bytes, text-bytes.ts), and the delimiter (over the decoded first lines).
 */

export type Newline = '\n' | '\r\n' | '\r';
export type Delimiter = ',' | ';' | '\t' | '|';

export const DELIMITER_NAMES: Record<Delimiter, string> = {
  ',': 'commas',
  ';': 'semicolons',
  '\t': 'tabs',
  '|': 'vertical bars (|)',
};

export interface LineShape {
  newline: Newline;
  /** Physical lines, not counting an empty last line after a final line break. */
  lines: number;
  /** The first line longer than the limit, if any (1-based; its first byte; its length in characters). */
  tooLong: { line: number; start: number; length: number } | null;
}

/** Length in characters of bytes `from`..`to` (text-bytes.ts `charLength`). */
export type CharLength = (from: number, to: number) => number;

/**
 * One pass of native `indexOf` calls over the text's bytes (ASCII-compatible: a line break is one byte;
 * no per-byte JavaScript loop, no copies): counts lines and stops at the first one longer than
 * `maxLineChars` characters. A 100 MB text without line breaks costs two scans of it.
 */
export function measureLines(bytes: Uint8Array, maxLineChars: number, charLength: CharLength): LineShape {
  const length = bytes.length;
  let nextLf = bytes.indexOf(10);
  let nextCr = bytes.indexOf(13);
  if (nextCr < 0) return measureLfLines(bytes, maxLineChars, charLength);
  const newline: Newline = nextCr < 0 ? '\n' : nextLf < 0 ? '\r' : nextLf === nextCr + 1 ? '\r\n' : nextLf < nextCr ? '\n' : '\r';
  let start = 0;
  let line = 1;
  for (;;) {
    const lf = nextLf < 0 ? Infinity : nextLf;
    const cr = nextCr < 0 ? Infinity : nextCr;
    const brk = Math.min(lf, cr);
    const end = brk === Infinity ? length : brk;
    // Bytes are at least as many as characters: count characters only for a line over the limit in bytes.
    if (end - start > maxLineChars) {
      const chars = charLength(start, end);
      if (chars > maxLineChars) return { newline, lines: line, tooLong: { line, start, length: chars } };
    }
    if (brk === Infinity) break;
    start = brk === cr && lf === cr + 1 ? brk + 2 : brk + 1;
    if (start >= length) break;
    line++;
    if (nextLf >= 0 && nextLf < start) nextLf = bytes.indexOf(10, start);
    if (nextCr >= 0 && nextCr < start) nextCr = bytes.indexOf(13, start);
  }
  return { newline, lines: length === 0 ? 0 : line, tooLong: null };
}

/**
 * measureLines for a text without a carriage return (most files): the lines are counted four bytes at a
 * time, and only a line longer than the limit in bytes is looked at — one `lastIndexOf` per `maxLineChars`
 * bytes finds them — instead of one `indexOf` per line. The same answer as the general loop.
 */
function measureLfLines(bytes: Uint8Array, maxLineChars: number, charLength: CharLength): LineShape {
  const length = bytes.length;
  if (length === 0) return { newline: '\n', lines: 0, tooLong: null };
  for (let start = 0; length - start > maxLineChars; ) {
    const last = bytes.lastIndexOf(10, start + maxLineChars);
    if (last >= start) {
      // Every line that starts before `last` ends within the limit.
      start = last + 1;
      continue;
    }
    const lf = bytes.indexOf(10, start);
    const end = lf < 0 ? length : lf;
    const chars = charLength(start, end);
    if (chars > maxLineChars) {
      const line = countByte(bytes, 10, start) + 1;
      return { newline: '\n', lines: line, tooLong: { line, start, length: chars } };
    }
    if (lf < 0) break;
    start = lf + 1;
  }
  // A final line break ends the last line; it does not begin another.
  const breaks = countByte(bytes, 10, length);
  return { newline: '\n', lines: breaks + 1 - (bytes[length - 1] === 10 ? 1 : 0), tooLong: null };
}

/** How many of the first `end` bytes are `value`: a word (four bytes) at a time, with a bit trick per word. */
export function countByte(bytes: Uint8Array, value: number, end: number): number {
  let n = 0;
  let i = 0;
  // Up to a four-byte boundary of the underlying buffer, one byte at a time (a Uint32Array view must be aligned).
  while (i < end && ((bytes.byteOffset + i) & 3) !== 0) if (bytes[i++] === value) n++;
  const words = (end - i) >> 2;
  if (words > 0) {
    const w = new Uint32Array(bytes.buffer, bytes.byteOffset + i, words);
    const pattern = value * 0x01010101;
    for (let k = 0; k < words; k++) {
      // A byte of `x` is zero exactly where the word holds `value`.
      const x = (w[k] as number) ^ pattern;
      // Cheap test first: whether any byte is zero at all.
      if (((x - 0x01010101) & ~x & 0x80808080) === 0) continue;
      // Then the exact test: the high bit of each byte of `z` is set where that byte of `x` is zero.
      let z = ~(((x & 0x7f7f7f7f) + 0x7f7f7f7f) | x | 0x7f7f7f7f);
      while (z !== 0) {
        z &= z - 1;
        n++;
      }
    }
    i += words * 4;
  }
  for (; i < end; i++) if (bytes[i] === value) n++;
  return n;
}

const CANDIDATES: readonly Delimiter[] = [',', ';', '\t', '|'];
const SAMPLE_LINES = 50;
const SAMPLE_CHARS = 1024 * 1024;

/**
 * Counts each candidate per line (outside quotes) over the first 50 non-empty lines and picks the one whose
 * count is most consistent (the share of lines with the most common non-zero count); ties go to the higher
 * count, then to the order `, ; tab |`. `hint` (from a .tsv name) wins when it is nearly as consistent.
 * `null` when no candidate appears at all: the text has one column.
 */
export function sniffDelimiter(text: string, hint: Delimiter | null): Delimiter | null {
  return sniff(text, hint).delimiter;
}

/**
 * sniffDelimiter, saying also whether the text held all the lines it looks at (`complete`): then any
 * longer text that begins with it gets the same answer.
 */
export function sniff(text: string, hint: Delimiter | null): { delimiter: Delimiter | null; complete: boolean } {
  const counts = new Map<Delimiter, number[]>(CANDIDATES.map((d) => [d, []]));
  const current = new Map<Delimiter, number>(CANDIDATES.map((d) => [d, 0]));
  let inQuotes = false;
  let lineHasContent = false;
  let lines = 0;
  const end = Math.min(text.length, SAMPLE_CHARS);
  const finishLine = (): void => {
    if (lineHasContent) {
      for (const d of CANDIDATES) counts.get(d)?.push(current.get(d) ?? 0);
      lines++;
    }
    for (const d of CANDIDATES) current.set(d, 0);
    lineHasContent = false;
  };
  for (let i = 0; i < end && lines < SAMPLE_LINES; i++) {
    const ch = text[i] ?? '';
    if (ch === '"') {
      inQuotes = !inQuotes;
      lineHasContent = true;
    } else if (inQuotes) {
      // delimiters and line breaks inside quotes are data
    } else if (ch === '\n' || ch === '\r') {
      finishLine();
    } else if (ch === ',' || ch === ';' || ch === '\t' || ch === '|') {
      current.set(ch, (current.get(ch) ?? 0) + 1);
      lineHasContent = true;
    } else if (ch !== ' ') {
      lineHasContent = true;
    }
  }
  // All the lines looked at ended within the text: a longer text that begins with it reads the same.
  const complete = lines >= SAMPLE_LINES;
  if (lines < SAMPLE_LINES) finishLine();

  let best: { d: Delimiter; consistency: number; mode: number } | null = null;
  const scored: { d: Delimiter; consistency: number; mode: number }[] = [];
  for (const d of CANDIDATES) {
    const perLine = counts.get(d) ?? [];
    const { mode, share } = modeOf(perLine);
    if (mode === 0) continue;
    const s = { d, consistency: share, mode };
    scored.push(s);
    if (!best || s.consistency > best.consistency || (s.consistency === best.consistency && s.mode > best.mode)) best = s;
  }
  if (!best) return { delimiter: null, complete };
  const hinted = scored.find((s) => s.d === hint);
  if (hinted && hinted.consistency >= best.consistency * 0.9) return { delimiter: hinted.d, complete };
  return { delimiter: best.d, complete };
}

/** The most common non-zero value and the share of all entries equal to it. */
function modeOf(values: number[]): { mode: number; share: number } {
  const tally = new Map<number, number>();
  for (const v of values) if (v > 0) tally.set(v, (tally.get(v) ?? 0) + 1);
  let mode = 0;
  let hits = 0;
  for (const [v, n] of tally) {
    if (n > hits || (n === hits && v > mode)) {
      mode = v;
      hits = n;
    }
  }
  return { mode, share: values.length === 0 ? 0 : hits / values.length };
}

/**
 * The first quoted field longer than `maxChars` characters, following papaparse's rules (a quote opens a
 * field only at the field's start; `""` inside is a quote; a quote closes the field only before spaces and
 * a delimiter, a line break or the end), or `null`; `start` is the byte of the opening quote. An unclosed
 * quote runs to the end of the text. One native `indexOf` per quote character over the bytes: papaparse
 * itself would re-scan an unclosed field once per chunk while holding the growing rest of the file, so
 * such a field must be refused before parsing.
 */
export function findLongQuotedField(
  bytes: Uint8Array,
  delimiter: Delimiter,
  maxChars: number,
  charLength: CharLength,
): { start: number; length: number; closed: boolean } | null {
  const delim = delimiter.charCodeAt(0);
  const length = bytes.length;
  const at = (i: number): number => (i < length ? (bytes[i] as number) : Number.NaN);
  const isEnd = (c: number): boolean => c === delim || c === 10 || c === 13 || Number.isNaN(c);
  let open = bytes.indexOf(34);
  while (open >= 0) {
    const before = open === 0 ? 10 : at(open - 1);
    if (before !== delim && before !== 10 && before !== 13) {
      open = bytes.indexOf(34, open + 1);
      continue;
    }
    let close = -1;
    for (let q = bytes.indexOf(34, open + 1); q >= 0; q = bytes.indexOf(34, q + 1)) {
      if (at(q + 1) === 34) {
        q++;
        continue;
      }
      let k = q + 1;
      while (at(k) === 32) k++;
      if (isEnd(at(k))) {
        close = q;
        break;
      }
    }
    const end = close < 0 ? length : close;
    if (end - open - 1 > maxChars) {
      const chars = charLength(open + 1, end);
      if (chars > maxChars) return { start: open, length: chars, closed: close >= 0 };
    }
    if (close < 0) return null;
    open = bytes.indexOf(34, close + 1);
  }
  return null;
}
